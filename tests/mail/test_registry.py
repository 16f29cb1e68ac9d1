"""Every message the app sends comes from a registered template: each name the code passes to
``queue_mail`` is in the registry, and each registered template is sent from somewhere."""

from __future__ import annotations

import re
from pathlib import Path

from conference.mail import registry

SOURCE = Path(__file__).resolve().parents[2] / "conference"
CALL = re.compile(r"queue_mail\(\s*\"([a-z_]+)\"")
# Chosen at run time rather than written as a literal at the call.
DYNAMIC = {
    "decision_accepted", "decision_rejected",  # decisions.release: by the decision
    # registration.mail_state: confirmed at once, approved by the organisers or by a focal point
    "registration_confirmed", "registration_approved", "delegation_approved",
    "reconfirmation_request", "reconfirmation_reminder", "reconfirmation_released",  # reconfirmation._mail
    "group_authors", "group_reviewers", "group_registrants", "group_speakers", "group_team",  # group_mail.send
}


def literal_names() -> set[str]:
    return {name for path in SOURCE.rglob("*.py") for name in CALL.findall(path.read_text())}


def test_every_name_queued_is_registered():
    assert literal_names() - set(registry.TEMPLATES) == set()


def test_every_registered_template_is_sent_from_somewhere():
    assert set(registry.TEMPLATES) - literal_names() - DYNAMIC == set()


def test_every_template_has_a_sample_and_its_placeholders_are_known():
    for spec in registry.TEMPLATES.values():
        assert spec.sample is not None, spec.key
        assert registry.unknown_placeholders(spec, str(spec.subject), str(spec.body)) == [], spec.key
