from conference.events.models import Event

from .. import factories


def test_event_rolls_back_between_tests_first(db):
    factories.make_event(slug="isolation-check")
    assert db.session.scalar(db.select(Event).where(Event.slug == "isolation-check")) is not None


def test_event_rolls_back_between_tests_second(db):
    assert db.session.scalar(db.select(Event).where(Event.slug == "isolation-check")) is None
