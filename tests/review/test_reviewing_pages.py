"""Reviewing through the HTTP path: who reaches which page of the committee (a conflict hides the
submission completely), blindness on the committee's view, downloads under neutral names, the
review form with its errors and deadline, the discussion, and the review form's setup."""

from __future__ import annotations

import html
import io
import re

import pytest
import sqlalchemy as sa
from pypdf import PdfReader

from conference.cfp import submissions as ops
from conference.cfp.enums import FileKind
from conference.cfp.models import SubmissionFile
from conference.core import files
from conference.events.enums import TeamRole
from conference.extensions import db
from conference.review import assignment, discussion, reviews
from conference.review.common import ensure_review_settings
from conference.review.enums import BlindMode, OtherReviewsVisibility, ReviewState
from conference.review.models import DiscussionComment, ReviewCriterion

from .. import factories
from ..cfp.builders import DURING, PDF
from ..conftest import login
from ..pdfs import make_pdf, xmp_packet
from ..query_counting import queries_for
from .builders import AFTER_REVIEW_DEADLINE, add_conflict, complete_review, make_reviewing

ANON_PDF = make_pdf("Tidal statistics (anonymised)")


def with_paper(r):
    ops.attach_file(r.submission, actor=r.author, kind=FileKind.PAPER, filename="Ada_Author_tides.pdf", data=PDF,
                    now=DURING)
    db.session.flush()
    return r.submission.file_of_kind(FileKind.PAPER)


def client_of(app, user):
    client = app.test_client()
    return login(client, user) if user is not None else client


def urls(r, file_id) -> dict[str, str]:
    base = f"/events/{r.event.slug}/review/submissions/{r.submission.code}"
    return {"show": base, "review": f"{base}/review", "download": f"{base}/files/{file_id}"}


def status_of(client, url: str) -> int:
    response = client.get(url)
    response.close()  # a download's open file
    return response.status_code


def download(client, url: str):
    """The response, its body read (``.data``) before its file is closed."""
    response = client.get(url)
    response.get_data()
    response.close()
    return response


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


def error_of(text: str, field: str) -> str:
    start = text.index(">", text.index(f'id="error-{field}"')) + 1
    return html.unescape(re.sub(r"<[^>]+>", "", text[start:text.index("</p>", start)]))


# Who reaches what ----------------------------------------------------------------------------------

EXPECTED = {
    # who: (show, review form, download, post a comment)
    "organiser": (200, 403, 200, 302),
    "chair": (200, 403, 200, 302),
    "other_chair": (404, 404, 404, 404),
    "reviewer": (200, 200, 200, 403),  # "after own": no discussion before their review is in
    "conflicted": (404, 404, 404, 404),
    "idle": (404, 404, 404, 404),
    "author": (403, 403, 403, 403),
    "stranger": (403, 403, 403, 403),
    "anonymous": (302, 302, 302, 302),
}


@pytest.mark.parametrize("who", list(EXPECTED))
def test_who_reaches_the_committee_pages(app, db, who):
    r = make_reviewing()
    paper = with_paper(r)
    if who == "conflicted":
        add_conflict(r, r.reviewer)
    person = {"organiser": r.organiser, "chair": r.chair, "other_chair": r.other_chair, "reviewer": r.reviewer,
              "conflicted": r.reviewer, "idle": r.idle, "author": r.author, "stranger": factories.make_user(),
              "anonymous": None}[who]
    client = client_of(app, person)
    paths = urls(r, paper.id)
    got = (client.get(paths["show"]).status_code, client.get(paths["review"]).status_code,
           status_of(client, paths["download"]),
           client.post(paths["show"] + "/discussion", data={"body": "Hello"}).status_code)
    assert got == EXPECTED[who]
    posted = db.session.scalars(sa.select(DiscussionComment.body)).all()
    assert posted == (["Hello"] if EXPECTED[who][3] == 302 and who != "anonymous" else [])


@pytest.mark.parametrize(("who", "status"), [("organiser", 200), ("chair", 403), ("reviewer", 403),
                                             ("anonymous", 302)])
def test_only_organisers_set_up_review(app, db, who, status):
    r = make_reviewing()
    person = {"organiser": r.organiser, "chair": r.chair, "reviewer": r.reviewer, "anonymous": None}[who]
    client = client_of(app, person)
    base = f"/events/{r.event.slug}/review"
    for path in ("/settings", "/criteria/new", f"/criteria/{r.originality.id}", "/questions/new",
                 f"/questions/{r.verdict.id}"):
        assert client.get(base + path).status_code == status, path
    for path in (f"/criteria/{r.relevance.id}/delete", f"/questions/{r.remarks.id}/delete"):
        assert client.post(base + path, data={"confirmed": "1"}).status_code in ((302,) if who == "organiser" else (status,)), path
    assert len(db.session.scalars(sa.select(ReviewCriterion)).all()) == (1 if who == "organiser" else 2)


def test_my_reviews_lists_assignments_with_progress_and_links(app, db):
    r = make_reviewing()
    complete_review(r, r.reviewer, submit=False)
    text = page(client_of(app, r.reviewer), f"/events/{r.event.slug}/review/mine")
    assert "0 of 1 review submitted." in html.unescape(text)
    assert f'href="/events/{r.event.slug}/review/submissions/{r.submission.code}"' in text
    assert f'href="/events/{r.event.slug}/review/submissions/{r.submission.code}/review"' in text
    assert "Draft:" in text
    assert "Jun 1, 2030" in text and "(UTC)" in text  # the deadline, in the viewer's time zone


# Blindness on the committee's view ------------------------------------------------------------------

@pytest.mark.parametrize(("mode", "reviewer_sees_authors"), [
    (BlindMode.OPEN, True), (BlindMode.SINGLE_BLIND, True), (BlindMode.DOUBLE_BLIND, False)])
def test_author_names_follow_the_blind_mode(app, db, mode, reviewer_sees_authors):
    r = make_reviewing(blind_mode=mode)
    with_paper(r)
    show = urls(r, 0)["show"]
    as_reviewer = page(client_of(app, r.reviewer), show)
    as_organiser = page(client_of(app, r.organiser), show)
    for text, expected in ((as_reviewer, reviewer_sees_authors), (as_organiser, True)):
        assert ("Ada Author" in text) is expected
        assert ("Analytical Institute" in text) is expected
    assert "ada@authors.example" not in as_reviewer and "Ada_Author_tides" not in as_reviewer


@pytest.mark.parametrize(("policy", "before_own", "after_own"), [
    (OtherReviewsVisibility.ALWAYS, True, True),
    (OtherReviewsVisibility.AFTER_OWN, False, True),
    (OtherReviewsVisibility.NEVER, False, False)])
def test_other_reviews_on_the_page_follow_the_policy(app, db, policy, before_own, after_own):
    r = make_reviewing(other_reviews=policy)
    complete_review(r, r.second, comments_to_authors="Words of the second reviewer.")
    client = client_of(app, r.reviewer)
    show = urls(r, 0)["show"]
    assert ("Words of the second reviewer." in page(client, show)) is before_own
    complete_review(r, r.reviewer)
    text = page(client, show)
    assert ("Words of the second reviewer." in text) is after_own
    assert "Sam Second" not in text  # single-blind: other reviewers are numbered, not named
    if after_own:
        assert "Reviewer 2" in text


def test_organisers_see_reviewers_by_name_and_reviewers_do_in_an_open_event(app, db):
    r = make_reviewing(blind_mode=BlindMode.OPEN, other_reviews=OtherReviewsVisibility.ALWAYS)
    complete_review(r, r.second)
    assert "Sam Second" in page(client_of(app, r.reviewer), urls(r, 0)["show"])
    ensure_review_settings(r.event).blind_mode = BlindMode.DOUBLE_BLIND
    db.session.flush()
    assert "Sam Second" in page(client_of(app, r.organiser), urls(r, 0)["show"])
    assert "Sam Second" not in page(client_of(app, r.reviewer), urls(r, 0)["show"])


# Files ---------------------------------------------------------------------------------------------------

def test_downloads_carry_a_neutral_name_and_private_headers(app, db, store):
    r = make_reviewing(blind_mode=BlindMode.DOUBLE_BLIND)
    paper = with_paper(r)
    response = download(client_of(app, r.reviewer), urls(r, paper.id)["download"])
    # Double-blind: the copy without document metadata.
    assert response.status_code == 200
    assert response.data == store.read(files.blob_key(paper.sha256) + ".without-metadata")
    assert response.headers["Content-Disposition"] == f"attachment; filename={r.submission.code}-paper.pdf"
    assert "private" in response.headers["Cache-Control"] and "no-store" in response.headers["Cache-Control"]


def test_an_anonymised_copy_replaces_the_paper_for_reviewers_only(app, db, store):
    r = make_reviewing(blind_mode=BlindMode.DOUBLE_BLIND)
    original = with_paper(r)
    organiser = client_of(app, r.organiser)
    show = urls(r, 0)["show"]
    refused = organiser.post(show + "/anonymised", data={"kind": "paper", "file": (io.BytesIO(b"MZ\x90"), "x.exe")},
                             content_type="multipart/form-data")
    assert refused.status_code == 200 and "is a program" in html.unescape(refused.get_data(as_text=True))
    response = organiser.post(show + "/anonymised", data={"kind": "paper", "file": (io.BytesIO(ANON_PDF), "anon.pdf")},
                              content_type="multipart/form-data")
    assert response.status_code == 302
    copy = db.session.scalars(sa.select(SubmissionFile).where(SubmissionFile.for_reviewers.is_(True))).one()
    reviewer = client_of(app, r.reviewer)
    text = page(reviewer, show)
    assert f"/files/{copy.id}" in text and f"/files/{original.id}" not in text
    assert download(reviewer, urls(r, copy.id)["download"]).data == store.read(
        files.blob_key(copy.sha256) + ".without-metadata")
    organiser_download = f"/events/{r.event.slug}/submissions/{r.submission.code}/files/{copy.id}"
    assert download(organiser, organiser_download).data == ANON_PDF
    assert status_of(reviewer, urls(r, original.id)["download"]) == 404
    # Reviewers cannot upload; authors never see the copy listed.
    assert reviewer.post(show + "/anonymised", data={"kind": "paper"}).status_code == 403
    author_page = page(client_of(app, r.author), f"/events/{r.event.slug}/submissions/{r.submission.code}")
    assert f"/files/{original.id}" in author_page and f"/files/{copy.id}" not in author_page


@pytest.mark.parametrize("mode", [BlindMode.SINGLE_BLIND, BlindMode.DOUBLE_BLIND])
def test_a_double_blind_reviewer_gets_the_pdf_without_its_metadata_and_organisers_the_original(app, db, mode,
                                                                                              store):
    r = make_reviewing(blind_mode=mode)
    revealing = make_pdf("Tides and islands", xmp=xmp_packet("Ada Author", "Ada's tides"),
                         info={"Author": "Ada Author <ada@author.example>", "Title": "Ada's tides"})
    paper = ops.attach_file(r.submission, actor=r.author, kind=FileKind.PAPER, filename="tides.pdf", data=revealing,
                            now=DURING)
    db.session.flush()
    got = download(client_of(app, r.reviewer), urls(r, paper.id)["download"])
    assert got.status_code == 200 and got.mimetype == "application/pdf"
    reader = PdfReader(io.BytesIO(got.data))
    assert reader.pages[0].extract_text() == "Tides and islands"
    if mode == BlindMode.DOUBLE_BLIND:
        assert b"Ada Author" not in got.data and b"author.example" not in got.data
        assert (reader.metadata, reader.root_object.get("/Metadata")) == (None, None)
    else:
        assert got.data == revealing  # the reviewers see the authors anyway
    organiser = download(client_of(app, r.organiser),
                         f"/events/{r.event.slug}/submissions/{r.submission.code}/files/{paper.id}")
    assert organiser.status_code == 200 and organiser.data == revealing


# The review form ----------------------------------------------------------------------------------------

def review_data(r, **overrides):
    data = {f"score_{r.originality.id}": "4", f"score_{r.relevance.id}": "2", "confidence": "3",
            "comments_to_authors": "Well argued.", "comments_to_committee": "Accept.",
            f"question_{r.verdict.id}": "yes", f"question_{r.remarks.id}": "None."}
    data.update(overrides)
    return data


def test_a_score_off_the_scale_is_shown_next_to_its_field_and_nothing_typed_is_lost(app, db):
    r = make_reviewing()
    client = client_of(app, r.reviewer)
    response = client.post(urls(r, 0)["review"], data=review_data(r, **{f"score_{r.originality.id}": "9",
                                                                        "save_draft": "1"}))
    text = response.get_data(as_text=True)
    assert response.status_code == 200
    assert error_of(text, f"score_{r.originality.id}") == "Error: Choose a score for Originality from 1 to 5."
    assert "Well argued." in text and "Accept." in text
    assert r.submission.assignment_of(r.reviewer).review is None


def test_save_a_draft_then_submit(app, db):
    r = make_reviewing()
    client = client_of(app, r.reviewer)
    review_url = urls(r, 0)["review"]
    response = client.post(review_url, data={"comments_to_authors": "Started.", "save_draft": "1"})
    assert response.status_code == 302 and response.location.endswith(review_url)
    review = r.submission.assignment_of(r.reviewer).review
    assert review.state == ReviewState.DRAFT and review.comments_to_authors == "Started."
    text = page(client, review_url)
    assert "Started." in text
    missing = client.post(review_url, data={"comments_to_authors": "Started.", "submit_review": "1"})
    assert missing.status_code == 200
    assert error_of(missing.get_data(as_text=True), f"question_{r.verdict.id}") == \
        "Error: Answer this question to submit the review."
    submitted = client.post(review_url, data=review_data(r, submit_review="1"))
    assert submitted.status_code == 302 and submitted.location.endswith(urls(r, 0)["show"])
    db.session.expire_all()
    review = r.submission.assignment_of(r.reviewer).review
    assert review.state == ReviewState.SUBMITTED and review.confidence == 3
    assert review.score_for(r.originality.id) == 4 and review.answers[str(r.verdict.id)] is True


def test_after_the_deadline_the_form_is_read_only_and_a_post_keeps_what_was_typed(app, db):
    r = make_reviewing()
    complete_review(r, r.reviewer, submit=False)
    ensure_review_settings(r.event).review_deadline = AFTER_REVIEW_DEADLINE.replace(year=2020)
    db.session.flush()
    client = client_of(app, r.reviewer)
    text = page(client, urls(r, 0)["review"])
    assert "The review deadline has passed" in text and "Submit review" not in text
    response = client.post(urls(r, 0)["review"], data=review_data(r, comments_to_authors="Late words.",
                                                                  submit_review="1"))
    text = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 200
    assert "The review deadline has passed: reviews can no longer be changed." in text and "Late words." in text
    assert r.submission.assignment_of(r.reviewer).review.comments_to_authors == "Clear and useful."


# The discussion --------------------------------------------------------------------------------------------

def test_posting_to_the_discussion(app, db):
    r = make_reviewing()
    complete_review(r, r.reviewer)
    client = client_of(app, r.reviewer)
    show = urls(r, 0)["show"]
    empty = client.post(show + "/discussion", data={"body": "  "})
    assert empty.status_code == 200 and error_of(empty.get_data(as_text=True), "body") == "Error: Write a comment."
    response = client.post(show + "/discussion", data={"body": "Should we accept?"})
    assert response.status_code == 302 and response.location.endswith(show + "#discussion")
    text = page(client, show)
    assert "Should we accept?" in text and '<p class="mb-1"><strong>You</strong>, ' in text
    assert "Should we accept?" not in page(client_of(app, r.author),
                                           f"/events/{r.event.slug}/submissions/{r.submission.code}")


def commenters(text: str) -> list[str]:
    return re.findall(r'<li class="border-start border-3 ps-3 mb-3"><p class="mb-1"><strong>(.*?)</strong>, ', text)


def review_headings(text: str) -> list[str]:
    return [h.strip() for h in re.findall(r'<h3 class="card-header h5" id="review-\d+">(.*?)</h3>', text)]


@pytest.mark.parametrize("mode", [BlindMode.SINGLE_BLIND, BlindMode.DOUBLE_BLIND])
def test_the_discussion_page_shows_reviewers_as_the_reviews_do(app, db, mode):
    r = make_reviewing(blind_mode=mode, other_reviews=OtherReviewsVisibility.ALWAYS)
    complete_review(r, r.reviewer)
    complete_review(r, r.second)
    for person, body in ((r.second, "From Sam."), (r.organiser, "From Olga."), (r.chair, "From Cleo.")):
        discussion.post_comment(r.submission, actor=person, body=body)
    show = urls(r, 0)["show"]

    as_rhea = page(client_of(app, r.reviewer), show)
    assert review_headings(as_rhea) == ["Your review", "Reviewer 2"]
    assert commenters(as_rhea) == ["Reviewer 2", "Organiser", "Track chair"]
    assert "Sam Second" not in as_rhea and "Olga Organiser" not in as_rhea and "Cleo Chair" not in as_rhea
    as_organiser = page(client_of(app, r.organiser), show)
    assert review_headings(as_organiser) == ["Rhea Reviewer", "Sam Second"]
    assert commenters(as_organiser) == ["Sam Second", "You", "Cleo Chair"]
    assert commenters(page(client_of(app, r.chair), show)) == ["Sam Second", "Olga Organiser", "You"]


# The review form's setup --------------------------------------------------------------------------------------

def test_organiser_adds_a_criterion_and_bad_input_is_shown(app, db):
    r = make_reviewing()
    client = client_of(app, r.organiser)
    new = f"/events/{r.event.slug}/review/criteria/new"
    bad = client.post(new, data={"name": "Clarity", "scale_min": "1", "scale_max": "20", "weight": "1",
                                 "labels": "1: Muddy", "required": "y"})
    text = bad.get_data(as_text=True)
    assert bad.status_code == 200 and "A scale has at most 11 points" in html.unescape(error_of(text, "scale_max"))
    assert 'value="Clarity"' in text and "1: Muddy" in text
    good = client.post(new, data={"name": "Clarity", "scale_min": "1", "scale_max": "4", "weight": "0.5",
                                  "labels": "1: Muddy\n4: Crystal clear", "required": "y"})
    assert good.status_code == 302
    clarity = db.session.scalars(sa.select(ReviewCriterion).where(ReviewCriterion.name == "Clarity")).one()
    assert (clarity.scale_max, clarity.weight, clarity.labels) == (4, 0.5, {"1": "Muddy", "4": "Crystal clear"})
    assert "Clarity" in page(client, f"/events/{r.event.slug}/review/settings")


def test_settings_are_saved_with_the_deadline_in_the_event_zone(app, db):
    r = make_reviewing()
    client = client_of(app, r.organiser)
    data = {"blind_mode": "double_blind", "other_reviews": "never", "reviews_per_submission": "2",
            "max_load": "", "review_deadline": "2030-07-01T18:00", "ask_confidence": "y"}
    response = client.post(f"/events/{r.event.slug}/review/settings", data=data)
    assert response.status_code == 302
    settings = ensure_review_settings(r.event)
    db.session.refresh(settings)
    assert settings.blind_mode == BlindMode.DOUBLE_BLIND and settings.max_load is None
    assert settings.review_deadline.isoformat() == "2030-07-01T16:00:00+00:00"  # Zurich summer time


# Queries ---------------------------------------------------------------------------------------------------------

def test_the_committee_view_runs_a_fixed_number_of_queries(app, db):
    r = make_reviewing(other_reviews=OtherReviewsVisibility.ALWAYS)
    with_paper(r)
    reviewers = []

    def add_review_and_comment(i):
        reviewer = factories.make_user(name=f"Extra {i}")
        factories.add_role(r.event, reviewer, TeamRole.REVIEWER)
        assignment.assign(r.submission, reviewer, actor=r.organiser, notify=False)
        complete_review(r, reviewer)
        discussion.post_comment(r.submission, actor=reviewer, body=f"Comment {i}")
        reviewers.append(reviewer)

    client = client_of(app, r.organiser)
    show = urls(r, 0)["show"]
    add_review_and_comment(0)
    db.session.flush()
    small = queries_for(db, client, show)
    for i in range(1, 6):
        add_review_and_comment(i)
    db.session.flush()
    assert queries_for(db, client, show) == small
    assert len(reviews.reviews_of(r.submission)) == 6
