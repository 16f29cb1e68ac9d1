"""Double-blind review: nothing a reviewer can reach names an author.

The test builds a double-blind event where the authors have unmistakable names, addresses and
affiliations (also in the uploaded file's name, in answers to questions about authors and in
earlier reviews and discussion), then crawls, as a reviewer, every page, download and export
linked from where a reviewer starts (their dashboard, their reviews, the bidding page), and
reads every mail sent to them. No author detail may appear anywhere.

The same crawl in a single-blind event must find the author's name: that proves the crawl
reaches the pages that would leak.
"""

from __future__ import annotations

import io
import re
from html.parser import HTMLParser
from urllib.parse import urldefrag, urljoin, urlsplit

import pytest
import sqlalchemy as sa
from pypdf import PdfReader

from conference.cfp import setup as cfp_setup
from conference.cfp import submissions as ops
from conference.cfp.enums import Decision, FileKind, QuestionTarget
from conference.core.enums import QuestionKind
from conference.events.enums import TeamRole
from conference.events.models import EventRole
from conference.extensions import db
from conference.mail.models import OutboxMessage
from conference.review import assignment, decisions, discussion, reviews
from conference.review import setup as review_setup
from conference.review.common import ensure_review_settings
from conference.review.enums import BlindMode, OtherReviewsVisibility, ReviewState

from .. import factories
from ..cfp.builders import DURING, make_call
from ..conftest import login
from ..pdfs import make_pdf, xmp_packet

AUTHOR_DETAILS = [
    "Zebulon Quintavalle", "Quintavalle", "zebulon.q", "quintavalle-institute.org",
    "Philippa Ostrowska-Vandermeer", "Ostrowska", "Vandermeer", "vandermeer.example",
    "Institute for Quintessential Studies", "Quintessential",
]
NEVER_FOLLOW = ("/logout", "/static/", "/auth/logout")


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        if tag == "form" and (attrs.get("method") or "get").lower() == "get" and attrs.get("action"):
            self.links.append(attrs["action"])


def crawl(client, starts: list[str], limit: int = 300) -> dict[str, tuple[int, dict, bytes]]:
    """GET every same-site page reachable from ``starts``; {path: (status, headers, body)}."""
    seen: dict[str, tuple[int, dict, bytes]] = {}
    queue = list(starts)
    while queue and len(seen) < limit:
        url = urldefrag(queue.pop(0))[0]
        parts = urlsplit(url)
        if parts.netloc and parts.netloc not in ("localhost", "conference.test"):
            continue
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        if not path.startswith("/") or path in seen or path.startswith(NEVER_FOLLOW):
            continue
        response = client.get(path)
        seen[path] = (response.status_code, dict(response.headers), response.data)
        response.close()  # a download streams its file: close it
        if response.status_code in (301, 302, 303) and response.location:
            queue.append(urljoin(path, response.location))
        if response.mimetype == "text/html":
            parser = _Links()
            parser.feed(response.get_data(as_text=True))
            queue.extend(urljoin(path, link) for link in parser.links)
    return seen


def leaks(text: str) -> list[str]:
    return [detail for detail in AUTHOR_DETAILS if re.search(re.escape(detail), text, re.IGNORECASE)]


def revealing_pdf(title: str, *, compress_xmp: bool) -> bytes:
    """A paper whose pages are anonymous but whose document metadata names the authors, as word
    processors write it: the author and title fields, and an XMP packet (compressed or not)."""
    return make_pdf(title, "Introduction", info={
        "Author": "Zebulon Quintavalle <zebulon.q@quintavalle-institute.org>; Philippa Ostrowska-Vandermeer",
        "Title": f"{title} (Institute for Quintessential Studies)", "Creator": "Quintavalle's word processor"},
        xmp=xmp_packet("Zebulon Quintavalle, zebulon.q@quintavalle-institute.org", title), compress_xmp=compress_xmp)


def readable_text(headers: dict, body: bytes) -> str:
    """What a reader of this response can see: its bytes as text and, for a PDF, what a PDF
    reader shows of it (its pages, its document properties, its XMP even when compressed)."""
    text = body.decode("utf-8", errors="replace")
    if headers.get("Content-Type", "").startswith("application/pdf"):
        reader = PdfReader(io.BytesIO(body))
        xmp = reader.root_object.get("/Metadata")
        text += " ".join([*(p.extract_text() for p in reader.pages), *map(str, (reader.metadata or {}).values()),
                          xmp.get_object().get_data().decode("utf-8", "replace") if xmp is not None else ""])
    return text


def build_event(mode: BlindMode):
    call = make_call()
    event, organiser = call.event, call.organiser
    settings = ensure_review_settings(event)
    settings.blind_mode = mode
    settings.bidding_open = True
    settings.other_reviews = OtherReviewsVisibility.ALWAYS
    review_setup.save_criterion(event, actor=organiser, name="Originality", description="", scale_min=1,
                                scale_max=5, labels={"1": "Poor", "5": "Excellent"}, weight=1.0, required=True)
    cfp_setup.save_question(event, actor=organiser, label="Where does this author work?", kind=QuestionKind.SHORT_TEXT,
                            target=QuestionTarget.AUTHOR, visible_to_reviewers=True)
    cfp_setup.save_question(event, actor=organiser, label="Project name", kind=QuestionKind.SHORT_TEXT,
                            visible_to_reviewers=True)

    author = factories.make_user(name="Zebulon Quintavalle", email="zebulon.q@quintavalle-institute.org",
                                 affiliation="Institute for Quintessential Studies")
    coauthor = factories.make_user(name="Philippa Ostrowska-Vandermeer", email="p.ov@vandermeer.example",
                                   affiliation="Institute for Quintessential Studies")
    reviewer = factories.make_user(name="Rhea Reviewer", email="rhea@reviewers.example")
    second = factories.make_user(name="Sam Second", email="sam@reviewers.example")
    for person in (reviewer, second):
        factories.add_role(event, person, TeamRole.REVIEWER)

    questions = {q.label: q for q in ops.submission_questions(event)}
    papers = []
    for n, title in enumerate(["Tidal statistics for small islands", "Harmonised codes for river basins"]):
        submission = ops.create_draft(
            event, actor=author, now=DURING, title=title, abstract="We study what the title says.",
            type_id=call.paper.id, track_id=call.data.id, keywords="tides, islands",
            answers={questions["Project name"].id: "Project Lighthouse"},
        )
        ops.add_author(submission, actor=author, name="Philippa Ostrowska-Vandermeer", email=coauthor.email,
                       affiliation="Institute for Quintessential Studies", now=DURING)
        submitter_row = submission.authors[0]
        ops.update_submission(
            submission, actor=author, title=title, abstract="We study what the title says.",
            type_id=call.paper.id, track_id=call.data.id, keywords="tides, islands",
            answers={questions["Project name"].id: "Project Lighthouse"},
            author_answers={(submitter_row.id, questions["Where does this author work?"].id): "Quintavalle campus"},
            now=DURING,
        )
        ops.attach_file(submission, actor=author, kind=FileKind.PAPER, filename=f"Quintavalle_paper_{n}.pdf",
                        data=revealing_pdf(title, compress_xmp=n == 0), now=DURING)
        ops.submit(submission, actor=author, now=DURING)
        papers.append(submission)

    assigned, biddable = papers
    for person in (reviewer, second):
        assignment.assign(assigned, person, actor=organiser)
    db.session.flush()
    criterion = review_setup.criteria_for(event)[0]
    reviews.save_review(assigned.assignment_of(second), actor=second, scores={criterion.id: 4}, confidence=4,
                        comments_to_authors="Clear and useful.", comments_to_committee="Solid.", answers={},
                        submit=True)
    reviews.save_review(assigned.assignment_of(reviewer), actor=reviewer, scores={criterion.id: 3}, confidence=3,
                        comments_to_authors="Fine.", comments_to_committee="", answers={}, submit=True)
    discussion.post_comment(assigned, actor=second, body="I think we should accept it.")
    discussion.post_comment(assigned, actor=organiser, body="Agreed, unless someone objects.")
    db.session.commit()
    return event, reviewer, assigned, biddable


def reviewer_view(client, event, reviewer):
    login(client, reviewer)
    starts = ["/", "/dashboard", f"/events/{event.slug}", f"/events/{event.slug}/review/mine",
              f"/events/{event.slug}/review/bidding", "/my/submissions"]
    pages = crawl(client, starts)
    mails = list(db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.to_address == reviewer.email)))
    return pages, mails


def test_a_reviewer_of_a_double_blind_event_never_sees_an_author_detail(app, db, client):
    event, reviewer, assigned, biddable = build_event(BlindMode.DOUBLE_BLIND)
    pages, mails = reviewer_view(client, event, reviewer)

    # The crawl reached the submission, its download, the bidding page and the discussion.
    show = f"/events/{event.slug}/review/submissions/{assigned.code}"
    assert pages[show][0] == 200
    downloads = [p for p, (status, headers, _b) in pages.items()
                 if status == 200 and "attachment" in headers.get("Content-Disposition", "")]
    assert downloads, "the crawl found no download"
    assert "/account/data.json" in downloads  # the reviewer's own data (their reviews, their mail) too
    assert b"I think we should accept it." in pages[show][2]
    assert pages[f"/events/{event.slug}/review/bidding"][0] == 200
    assert biddable.title.encode() in pages[f"/events/{event.slug}/review/bidding"][2]

    found = {}
    for path, (_status, headers, body) in pages.items():
        text = readable_text(headers, body) + " " + " ".join(f"{k}: {v}" for k, v in headers.items())
        if leaks(text):
            found[path] = leaks(text)
    for mail in mails:
        text = " ".join([mail.subject, mail.body_text, mail.body_html or ""])
        if leaks(text):
            found[f"mail {mail.template}"] = leaks(text)
    assert mails, "the reviewer got no mail to check"
    assert found == {}


def test_the_same_crawl_finds_authors_in_a_single_blind_event(app, db, client):
    event, reviewer, assigned, _biddable = build_event(BlindMode.SINGLE_BLIND)
    pages, _mails = reviewer_view(client, event, reviewer)
    show = f"/events/{event.slug}/review/submissions/{assigned.code}"
    assert "Zebulon Quintavalle" in leaks(pages[show][2].decode())
    # The paper's metadata reaches reviewers who may see the authors: the crawl reads it, in the
    # raw bytes and in the compressed XMP packet alike. (The other download the crawl reaches is the
    # reviewer's own data, from their profile: the double-blind crawl above reads it too.)
    [download] = [(headers, body) for _s, headers, body in pages.values()
                  if "attachment" in headers.get("Content-Disposition", "")
                  and headers.get("Content-Type", "").startswith("application/pdf")]
    assert b"Quintavalle" in download[1] and "Zebulon Quintavalle" in leaks(readable_text(*download))
    xmp = PdfReader(io.BytesIO(download[1])).root_object["/Metadata"].get_object()
    assert xmp["/Filter"] == "/FlateDecode" and b"Quintavalle" in xmp.get_data()


@pytest.mark.parametrize("mode", [BlindMode.SINGLE_BLIND, BlindMode.DOUBLE_BLIND])
def test_authors_never_learn_who_reviewed_them(app, db, client, mode):
    """The other way round: after the decision, authors read the reviews but never who wrote
    them, in the pages and in the decision mail; the discussion stays the committee's."""
    event, reviewer, assigned, _biddable = build_event(mode)
    author = assigned.submitter
    organiser = next(r.user for r in event.roles if r.role == TeamRole.ORGANISER)
    decisions.stage_decision(assigned, actor=organiser, decision=Decision.ACCEPT)
    decisions.release_decisions(event, actor=organiser)
    db.session.commit()
    mails = list(db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.template == "decision_accepted")))
    assert mails and all("Clear and useful." in m.body_text for m in mails)
    for mail in mails:
        assert "Rhea" not in mail.body_text + (mail.body_html or "") and "Sam Second" not in mail.body_text
    login(client, author)
    pages = crawl(client, ["/", "/dashboard", "/my/submissions", f"/events/{event.slug}/submissions/{assigned.code}"])
    show = f"/events/{event.slug}/submissions/{assigned.code}"
    assert b"Clear and useful." in pages[show][2]
    for path, (_status, _headers, body) in pages.items():
        if path.endswith("/conflicts"):
            continue  # where authors declare conflicts, the whole committee is listed by design
        text = body.decode("utf-8", errors="replace")
        assert "Sam Second" not in text and "sam@reviewers.example" not in text, path
        assert "Rhea Reviewer" not in text and "rhea@reviewers.example" not in text, path
        assert "I think we should accept it." not in text, path  # the discussion is the committee's
    assert all(r.state == ReviewState.SUBMITTED for r in [a.review for a in assigned.review_assignments])


# A track chair, and reviewers among themselves ---------------------------------------------------------------

REVIEWER_DETAILS = {"Rhea Reviewer": ["Rhea Reviewer", "rhea@reviewers.example"],
                    "Sam Second": ["Sam Second", "sam@reviewers.example"]}


def build_chaired_event(mode: BlindMode):
    """``build_event`` with a chair of the reviewed submission's track, a reviewer who works where
    the authors do (so that the app suggests a conflict to the chair), and a discussion where both
    reviewers and the organiser have written (so that everyone gets mail from the others)."""
    event, reviewer, assigned, _biddable = build_event(mode)
    chair = factories.make_user(name="Cleo Chair", email="cleo@chairs.example")
    event.roles.append(EventRole(user_id=chair.id, role=TeamRole.TRACK_CHAIR, tracks=[assigned.track]))
    # Her affiliation is the authors': only the suggestion can carry it to the chair.
    colleague = factories.make_user(name="Quentin Member", email="quentin@members.example",
                                    affiliation="Institute for Quintessential Studies")
    factories.add_role(event, colleague, TeamRole.REVIEWER)
    db.session.flush()
    discussion.post_comment(assigned, actor=reviewer, body="Reviewer one agrees.")
    db.session.commit()
    second = next(a.reviewer for a in assigned.review_assignments if a.reviewer_id != reviewer.id)
    return event, chair, reviewer, second, assigned


def chair_view(client, event, chair):
    """The chair's crawl starts where reviewers' does, at the pages of running review, and at the
    links of the mails they got (the review pages do not link each submission's page)."""
    login(client, chair)
    mails = list(db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.to_address == chair.email)))
    starts = ["/", "/dashboard", f"/events/{event.slug}", f"/events/{event.slug}/review/",
              f"/events/{event.slug}/review/conflicts", f"/events/{event.slug}/review/my-conflicts",
              *(link for mail in mails for link in re.findall(r"https?://\S+", mail.body_text))]
    return crawl(client, starts), mails


def leaks_in(pages, mails, find) -> dict[str, list[str]]:
    found = {}
    for path, (_status, headers, body) in pages.items():
        text = body.decode("utf-8", errors="replace") + " " + " ".join(f"{k}: {v}" for k, v in headers.items())
        if find(text):
            found[path] = find(text)
    for mail in mails:
        text = " ".join([mail.subject, mail.body_text, mail.body_html or ""])
        if find(text):
            found[f"mail {mail.template} {mail.subject}"] = find(text)
    return found


def test_a_track_chair_of_a_double_blind_event_never_sees_an_author_detail(app, db, client):
    event, chair, _reviewer, _second, assigned = build_chaired_event(BlindMode.DOUBLE_BLIND)
    pages, mails = chair_view(client, event, chair)

    assert mails, "the chair got no mail to check"
    assert leaks_in(pages, mails, leaks) == {}
    # The crawl reached the submission, the conflicts page with its suggestion, and the discussion.
    show = f"/events/{event.slug}/review/submissions/{assigned.code}"
    assert pages[show][0] == 200 and b"I think we should accept it." in pages[show][2]
    conflicts_page = pages[f"/events/{event.slug}/review/conflicts"][2].decode()
    assert "Quentin Member" in conflicts_page
    assert "An author has the same affiliation as this member." in conflicts_page


def test_the_same_chair_crawl_finds_authors_in_a_single_blind_event(app, db, client):
    event, chair, _reviewer, _second, assigned = build_chaired_event(BlindMode.SINGLE_BLIND)
    pages, _mails = chair_view(client, event, chair)
    conflicts_page = pages[f"/events/{event.slug}/review/conflicts"][2].decode()
    assert "Same affiliation (Institute for Quintessential Studies) as Zebulon Quintavalle" in conflicts_page
    assert "Zebulon Quintavalle" in leaks(pages[f"/events/{event.slug}/review/submissions/{assigned.code}"][2].decode())


@pytest.mark.parametrize("mode", [BlindMode.SINGLE_BLIND, BlindMode.DOUBLE_BLIND])
def test_reviewers_never_learn_each_others_names(app, db, mode):
    """Reviews and the discussion call the others "Reviewer n", in pages and mails alike."""
    event, _chair, reviewer, second, assigned = build_chaired_event(mode)
    show = f"/events/{event.slug}/review/submissions/{assigned.code}"
    for me, other, their_label in ((reviewer, second, "Reviewer 2"), (second, reviewer, "Reviewer 1")):
        pages, mails = reviewer_view(app.test_client(), event, me)
        assert mails and {m.template for m in mails} >= {"discussion_comment"}
        details = REVIEWER_DETAILS[other.name]
        assert leaks_in(pages, mails, lambda text, details=details: [
            d for d in details if d.casefold() in text.casefold()]) == {}
        page = pages[show][2].decode()
        assert re.search(rf'<h3 class="card-header h5" id="review-\d+">{their_label}', page)  # their review
        assert f"<strong>{their_label}</strong>" in page  # their comment
        assert any(m.subject.endswith(f"new comment from {their_label}") for m in mails)


def test_the_same_crawl_finds_the_other_reviewers_name_in_an_open_event(app, db):
    event, _chair, reviewer, _second, assigned = build_chaired_event(BlindMode.OPEN)
    pages, mails = reviewer_view(app.test_client(), event, reviewer)
    show = f"/events/{event.slug}/review/submissions/{assigned.code}"
    assert "Sam Second" in pages[show][2].decode()
    assert any("Sam Second" in m.subject for m in mails if m.template == "discussion_comment")
