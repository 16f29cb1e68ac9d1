"""Domain errors. A leaf module: it imports nothing of ours.

Domain functions raise these; views catch :class:`DomainError` and show the message
next to the field it names (``field``) or at the top of the form.
"""


class DomainError(Exception):
    """A rule of the domain refused the operation; the message is shown to the user."""

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class NotAllowed(DomainError):
    """The actor may not do this."""


class AlreadyExists(DomainError):
    """Something unique is already taken (an email address, a URL slug...)."""


class InvalidToken(DomainError):
    """A link's token is malformed, tampered with, used up or expired."""


class InvalidState(DomainError):
    """The object is not in a state that allows the operation."""


class ValidationFailed(DomainError):
    """Several fields are wrong at once: ``errors`` maps each field to its message."""

    def __init__(self, errors: dict[str, str]):
        super().__init__(" ".join(errors.values()), field=None)
        self.errors = errors


class DeadlinePassed(DomainError):
    """The call or the edit period is over."""
