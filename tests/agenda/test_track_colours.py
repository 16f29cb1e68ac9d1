"""Track colours on the public agenda: a swatch always beside the track's name, and a legend."""

from __future__ import annotations

import pytest

from conference.extensions import db as _db

from .. import factories
from .builders import add_session, add_track, small_programme, store_release, utc_on

SWATCH = ('<svg class="swatch" width="16" height="16" viewBox="0 0 16 16" aria-hidden="true" focusable="false">'
          '<rect width="16" height="16" fill="{}" stroke="#333"/></svg>')


@pytest.fixture
def coloured(db):
    event = factories.make_event(published=True, slug="colour-event")
    programme = small_programme(event)
    programme["track"].colour = "#0b5cab"
    systems = add_track(event, "Systems")
    systems.colour = "#aa3300"
    add_session(event, "Kernels", utc_on(event.start_date, 12), utc_on(event.start_date, 13),
                room=programme["hall"], track=systems)
    _db.session.flush()
    store_release(event)
    return event, programme


def _label(colour: str, text: str) -> str:
    return f'<span class="track-label">{SWATCH.format(colour)} {text}</span>'


def test_the_list_shows_a_legend_and_each_session_track_with_its_swatch_and_name(client, coloured):
    page = client.get("/events/colour-event/agenda").get_data(as_text=True)
    legend = page[page.index('<section class="track-legend"'):]
    legend = legend[:legend.index("</section>")]
    assert '<h2 id="track-legend-title">Tracks</h2>' in legend
    assert legend.count("<li>") == 2
    assert f"<li>{_label('#0b5cab', 'Numerics')}</li>" in legend
    assert f"<li>{_label('#aa3300', 'Systems')}</li>" in legend
    assert page.index("track-legend") < page.index('class="agenda-list"')
    assert page.count(_label("#0b5cab", "Track: Numerics")) == 1  # the morning session
    assert page.count(_label("#aa3300", "Track: Systems")) == 1
    assert page.count('class="swatch"') == 4  # the legend's two and the two sessions'; none without a name


def test_the_grid_shows_the_legend_and_the_swatch_beside_the_track_name(client, coloured):
    page = client.get("/events/colour-event/agenda?view=grid").get_data(as_text=True)
    assert 'class="table agenda-grid"' in page
    assert f"<li>{_label('#aa3300', 'Systems')}</li>" in page
    assert page.count(_label("#0b5cab", "Track: Numerics")) == 1
    assert page.count(_label("#aa3300", "Track: Systems")) == 1


def test_the_session_page_shows_its_track_with_its_swatch(client, coloured):
    _event, programme = coloured
    page = client.get(f"/events/colour-event/agenda/sessions/{programme['morning'].id}").get_data(as_text=True)
    assert f"<dt>Track</dt><dd>{_label('#0b5cab', 'Numerics')}</dd>" in page


def test_an_agenda_without_tracks_has_no_legend(client, db):
    event = factories.make_event(published=True, slug="plain-event")
    programme = small_programme(event)
    programme["morning"].track_id = None
    _db.session.delete(programme["track"])
    _db.session.flush()
    store_release(event)
    page = client.get("/events/plain-event/agenda").get_data(as_text=True)
    assert "Morning models" in page
    assert "track-legend" not in page and 'class="swatch"' not in page
