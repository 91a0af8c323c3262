"""Domain errors: each carries a sentence a user understands, in the language of the request
that raised it (gettext at the time of raising)."""

from flask_babel import gettext as _


class DomainError(Exception):
    """An action refused by the rules. Nothing has been changed."""

    status = 409

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class TransitionRefused(DomainError):
    """A workflow transition that may not happen now, or not by this user."""


class StaleApplication(TransitionRefused):
    """Someone else changed the application since the user loaded it."""

    def __init__(self, message: str | None = None):
        super().__init__(message or _("This application was changed by someone else; reload "
                                      "it."))


class NotFound(DomainError):
    status = 404


class ValidationFailed(DomainError):
    """Input that breaks a rule; `field` names the form field to show it next to."""

    status = 400
