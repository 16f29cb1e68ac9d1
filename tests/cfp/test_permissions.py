"""Who may see and do what with a submission, as a matrix: every author-side URL of a
submission against every kind of visitor.

Expected answers: anonymous visitors are sent to log in; people who may not see the
submission (a signed-in outsider, a reviewer of the event: reviewing comes with the review
issue) get 404, so its existence does not leak; a linked co-author sees it, its files and
its read-only form, but changes nothing (403); the submitter and the organisers may change
it, except that only the submitter deletes their own draft. A refused request changes nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
import sqlalchemy as sa

from conference.accounts.models import User
from conference.cfp import setup as cfp_setup
from conference.cfp import submissions as submission_ops
from conference.cfp.enums import FileKind, SubmissionState
from conference.cfp.models import Submission, SubmissionAuthor
from conference.core.models import AuditEntry
from conference.core.types import utcnow
from conference.events.enums import TeamRole
from conference.mail.models import OutboxMessage

from .. import factories
from ..conftest import login
from ..pdfs import make_pdf

PDF = make_pdf("A paper")


@dataclass
class Scene:
    organiser: User
    submitter: User
    coauthor: User
    submission: Submission  # submitted: the submitter, the linked co-author and Una (no account)
    draft: Submission  # the submitter's draft, with the co-author linked
    una_id: int
    file_id: int
    type_id: int


def build_scene() -> Scene:
    now = utcnow()
    organiser = factories.make_user(name="Olga Organiser", may_create_events=True)
    event = factories.make_event(organiser=organiser, slug="matrix", published=True)
    cfp_setup.configure_call(event, actor=organiser, opens_at=now - dt.timedelta(days=1),
                             deadline=now + dt.timedelta(days=10))
    talk = cfp_setup.save_submission_type(event, actor=organiser, name="Talk")
    submitter = factories.make_user(name="Sam Submitter")
    coauthor = factories.make_user(name="Cody Coauthor")
    submission = submission_ops.create_draft(event, actor=submitter, title="Original title", abstract="Abstract.",
                                             type_id=talk.id)
    submission_ops.add_author(submission, actor=submitter, name="Cody Coauthor", email=coauthor.email)
    una = submission_ops.add_author(submission, actor=submitter, name="Una Unlinked", email="una@example.org")
    stored = submission_ops.attach_file(submission, actor=submitter, kind=FileKind.PAPER, filename="p.pdf", data=PDF)
    submission_ops.submit(submission, actor=submitter)
    draft = submission_ops.create_draft(event, actor=submitter, title="Draft title")
    submission_ops.add_author(draft, actor=submitter, name="Cody Coauthor", email=coauthor.email)
    return Scene(organiser=organiser, submitter=submitter, coauthor=coauthor, submission=submission, draft=draft,
                 una_id=una.id, file_id=stored.id, type_id=talk.id)


S = "/events/matrix/submissions/{code}"
D = "/events/matrix/submissions/{draft}"
ACTIONS = {
    # name: (method, path template, form)
    "show": ("GET", S, None),
    "edit": ("GET", S + "/edit", None),
    "edit-save": ("POST", S + "/edit", {"title": "Changed title", "abstract": "Abstract.", "type_id": "{type_id}",
                                        "action": "save"}),
    "add-author": ("POST", S + "/authors", {"name": "New Person", "email": "new@example.org"}),
    "update-author": ("POST", S + "/authors/{una}", {"a{una}-name": "Una Changed"}),
    "move-author": ("POST", S + "/authors/{una}/move", {"direction": "up"}),
    "remove-author": ("POST", S + "/authors/{una}/remove", None),
    "withdraw-page": ("GET", S + "/withdraw", None),
    "withdraw": ("POST", S + "/withdraw", {"reason": "Changed plans"}),
    "download": ("GET", S + "/files/{file_id}", None),
    "show-draft": ("GET", D, None),
    "edit-draft": ("GET", D + "/edit", None),
    "delete-page": ("GET", D + "/delete", None),
    "delete": ("POST", D + "/delete", None),
}
VISITORS = ["anonymous", "outsider", "reviewer", "coauthor", "submitter", "organiser"]
# What a co-author may do: look. Organisers may do all but delete the author's draft.
COAUTHOR_ALLOWED = {"show", "edit", "download", "show-draft", "edit-draft"}
ORGANISER_REFUSED = {"delete-page", "delete"}


def expected_status(visitor: str, action: str, method: str) -> int:
    if visitor == "anonymous":
        return 302
    if visitor in ("outsider", "reviewer"):
        return 404
    allowed = (visitor == "submitter" or (visitor == "coauthor" and action in COAUTHOR_ALLOWED)
               or (visitor == "organiser" and action not in ORGANISER_REFUSED))
    if not allowed:
        return 403
    return 200 if method == "GET" else 302


def visitor_client(app, scene: Scene, visitor: str):
    client = app.test_client()
    if visitor == "anonymous":
        return client
    user = {"coauthor": scene.coauthor, "submitter": scene.submitter, "organiser": scene.organiser}.get(visitor)
    if user is None:
        user = factories.make_user(name="Rita Reviewer" if visitor == "reviewer" else "Otto Outsider")
        if visitor == "reviewer":
            factories.add_role(scene.submission.event, user, TeamRole.REVIEWER)
    return login(client, user)


def fill(template, scene: Scene):
    values = {"code": scene.submission.code, "draft": scene.draft.code, "una": scene.una_id,
              "file_id": scene.file_id, "type_id": scene.type_id}
    if template is None:
        return None
    if isinstance(template, dict):
        return {k.format(**values): v.format(**values) for k, v in template.items()}
    return template.format(**values)


def snapshot(db, scene: Scene) -> dict:
    db.session.expire_all()
    submission = db.session.get(Submission, scene.submission.id)
    return {
        "title": submission.title,
        "state": submission.state,
        "authors": [(a.name, a.position) for a in submission.authors],
        "submissions": db.session.scalar(sa.select(sa.func.count()).select_from(Submission)),
        "mails": db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)),
        "audit": db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry)),
    }


@pytest.mark.parametrize("visitor", VISITORS)
@pytest.mark.parametrize("action", list(ACTIONS))
def test_submission_permission_matrix(app, db, action, visitor):
    scene = build_scene()
    client = visitor_client(app, scene, visitor)
    method, template, data = ACTIONS[action]
    path = fill(template, scene)
    before = snapshot(db, scene)

    with client.open(path, method=method, data=fill(data, scene)) as response:
        html = response.get_data(as_text=True) if response.mimetype == "text/html" else ""
        body = response.data

    status = expected_status(visitor, action, method)
    assert response.status_code == status, (action, visitor)
    after = snapshot(db, scene)
    if visitor == "anonymous":
        assert response.headers["Location"].startswith("/auth/login?next=")
    if status in (403, 404):
        assert ("Not allowed" if status == 403 else "Page not found") in html
        assert "Original title" not in html and "Draft title" not in html
    if action == "download" and status == 200:
        assert body == PDF and response.headers["Content-Disposition"].startswith("attachment;")
    if method == "GET" or status != 302 or visitor == "anonymous":
        assert after == before, "a refused request or a page view changed something"
        return
    assert response.headers["Location"].startswith("/events/matrix/submissions/") or action == "delete"
    changed = {key for key in before if before[key] != after[key]}
    if action == "edit-save":
        assert after["title"] == "Changed title"
    elif action == "add-author":
        assert after["authors"][-1] == ("New Person", 3) and after["mails"] == before["mails"] + 1
    elif action == "update-author":
        assert after["authors"][2] == ("Una Changed", 2)
    elif action == "move-author":
        assert [name for name, _ in after["authors"]] == ["Sam Submitter", "Una Unlinked", "Cody Coauthor"]
    elif action == "remove-author":
        assert [name for name, _ in after["authors"]] == ["Sam Submitter", "Cody Coauthor"]
    elif action == "withdraw":
        assert after["state"] == SubmissionState.WITHDRAWN and after["mails"] == before["mails"] + 1
    elif action == "delete":
        assert after["submissions"] == before["submissions"] - 1
        assert changed <= {"submissions", "audit"}


def test_co_author_sees_the_read_only_form_without_buttons(app, db):
    scene = build_scene()
    client = visitor_client(app, scene, "coauthor")

    edit = client.get(f"/events/matrix/submissions/{scene.submission.code}/edit").get_data(as_text=True)
    page = client.get(f"/events/matrix/submissions/{scene.submission.code}").get_data(as_text=True)

    assert "Only the person who submitted this can change it." in edit and 'name="title"' not in edit
    assert "Add a co-author" not in page and "Move up" not in page and "Withdraw" not in page


def test_author_ids_of_another_submission_are_404(app, db):
    scene = build_scene()
    client = visitor_client(app, scene, "submitter")
    cody_on_draft = next(a.id for a in scene.draft.authors if a.user_id == scene.coauthor.id)
    base = f"/events/matrix/submissions/{scene.submission.code}/authors/{cody_on_draft}"

    assert client.post(base, data={f"a{cody_on_draft}-name": "X"}).status_code == 404
    assert client.post(base + "/move", data={"direction": "up"}).status_code == 404
    assert client.post(base + "/remove").status_code == 404
    db.session.expire_all()
    assert db.session.get(SubmissionAuthor, cody_on_draft).name == "Cody Coauthor"


def test_files_of_another_submission_are_404(app, db):
    scene = build_scene()
    client = visitor_client(app, scene, "submitter")

    response = client.get(f"/events/matrix/submissions/{scene.draft.code}/files/{scene.file_id}")

    assert response.status_code == 404


def test_a_submission_is_not_found_under_another_event(app, db):
    scene = build_scene()
    factories.make_event(organiser=scene.organiser, slug="other", published=True)
    client = visitor_client(app, scene, "submitter")

    assert client.get(f"/events/other/submissions/{scene.submission.code}").status_code == 404


@pytest.mark.parametrize("visitor", ["anonymous", "outsider", "reviewer"])
def test_the_call_page_is_public_and_submitting_needs_an_account(app, db, visitor):
    scene = build_scene()
    client = visitor_client(app, scene, visitor)

    assert client.get("/events/matrix/call").status_code == 200
    response = client.get("/events/matrix/submissions/new")
    assert response.status_code == (302 if visitor == "anonymous" else 200)
    assert client.get("/my/submissions").status_code == (302 if visitor == "anonymous" else 200)
