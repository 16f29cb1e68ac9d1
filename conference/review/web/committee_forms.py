"""Forms of the committee and conflicts pages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    EmailField,
    IntegerField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from conference.events.enums import TeamRole
from conference.review.conflicts import KIND_LABELS
from conference.review.enums import ConflictKind
from conference.web.common import BaseForm
from conference.web.common import id_or_none as _user_id_or_none
from conference.web.fields import CheckboxesField

ROLE_CHOICES = [SelectChoice(TeamRole.REVIEWER.value, _l("Reviewer")),
                SelectChoice(TeamRole.TRACK_CHAIR.value, _l("Track chair"))]
KIND_CHOICES = [SelectChoice(kind.value, label) for kind, label in KIND_LABELS.items()]
NO_CONFLICT = ""


class CommitteeInviteForm(BaseForm):
    email = EmailField(_l("Email address"), validators=[DataRequired(_l("Enter the email address to invite.")),
                                                        Length(max=254)])
    role = SelectField(_l("Role"), choices=ROLE_CHOICES, default=TeamRole.REVIEWER.value)
    track_ids = CheckboxesField(  # the domain refuses what is no track of the event
        _l("Only for these tracks"))
    message = TextAreaField(_l("Personal message (optional)"), validators=[Optional(), Length(max=2000)])

    def __init__(self, *args, tracks, **kwargs):
        super().__init__(*args, **kwargs)
        self.track_ids.choices = [SelectChoice(t.id, t.tr("name")) for t in tracks]

    def values(self) -> dict:
        return {"email": self.email.data, "role": self.role.data, "track_ids": self.track_ids.chosen(),
                "message": self.message.data or ""}


class MemberLimitsForm(BaseForm):
    track_ids = CheckboxesField(  # the domain refuses what is no track of the event
        _l("Only for these tracks"))
    max_load = IntegerField(_l("Own cap on reviews (optional)"), [Optional(), NumberRange(min=1, max=500,
                            message=_l("Give a whole number between 1 and 500, or leave the field empty."))],
                            invalid_value_message=_l("Give a whole number, e.g. 5, or leave the field empty."))

    def __init__(self, *args, tracks, **kwargs):
        super().__init__(*args, **kwargs)
        self.track_ids.choices = [SelectChoice(t.id, t.tr("name")) for t in tracks]

    def values(self) -> dict:
        return {"track_ids": self.track_ids.chosen(), "max_load": self.max_load.data}


class AddConflictForm(BaseForm):
    code = StringField(_l("Submission code"), validators=[DataRequired(_l("Enter the submission's code.")),
                                                          Length(max=12)])
    user_id = SelectField(_l("Committee member"), coerce=_user_id_or_none,
                          validators=[DataRequired(_l("Choose a committee member."))])
    kind = SelectField(_l("Kind of conflict"), choices=KIND_CHOICES, default=ConflictKind.COAUTHOR.value)
    note = StringField(_l("Note (optional)"), validators=[Optional(), Length(max=300)])

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.user_id.choices = [SelectChoice("", _l("Choose…"))] + [
            SelectChoice(u.id, f"{u.name} ({u.email})") for u in members]


class ConflictFilterForm(BaseForm):
    class Meta:
        csrf = False

    member = SelectField(_l("Member"), coerce=_user_id_or_none, validate_choice=False)
    submission = StringField(_l("Submission code"), validators=[Optional(), Length(max=12)])

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.member.choices = [SelectChoice("", _l("Any member"))] + [SelectChoice(u.id, u.name) for u in members]


class DeclareOwnConflictForm(BaseForm):
    kind = SelectField(_l("Kind of conflict"), choices=KIND_CHOICES, default=ConflictKind.OTHER.value)
    note = StringField(_l("Note (optional)"), validators=[Optional(), Length(max=300)])
    confirm = BooleanField(_l("Yes, I have a conflict of interest with this submission"))


class AuthorConflictsForm(BaseForm):
    """One select per committee member, "no conflict" by default; see ``author_conflicts_form``."""

    def chosen(self) -> dict[int, ConflictKind | None]:
        return {user_id: ConflictKind(self[name].data) if self[name].data else None
                for user_id, name in self.member_fields}


def author_conflicts_form(*, members, current: dict[int, ConflictKind]) -> AuthorConflictsForm:
    """The form for the committee as it is now: a field ``member_<id>`` per member."""

    class Form(AuthorConflictsForm):
        pass

    choices = [SelectChoice(NO_CONFLICT, _l("No conflict"))] + KIND_CHOICES
    fields = []
    for user in members:
        label = f"{user.name} ({user.affiliation})" if user.affiliation else user.name
        name = f"member_{user.id}"
        current_kind = current.get(user.id)
        setattr(Form, name, SelectField(label, choices=choices,
                                        default=current_kind.value if current_kind else NO_CONFLICT))
        fields.append((user.id, name))
    form = Form()
    form.member_fields = fields
    return form
