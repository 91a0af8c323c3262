"""One booking per click: every form that creates something carries a one-time key.

The key is made when the form is shown (a hidden field) and claimed in the transaction
that creates (workflow.engine.idempotency). A second submission of the same form — a double
click, a reload, a second tab — creates nothing: it lands on what the first one created,
with a polite message. A form without its key (a page from before a deployment) is
refused: reloading the page gives it one.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import flash, redirect, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import HiddenField

from models import db
from workflow.engine import idempotency

# What the second submission is told, by what the first one created (its table).
ALREADY_CREATED = {
    "donations": _l("This donation was already recorded: it is booked once."),
    "applications": _l("This form was already sent: here is the application it created."),
    "comments": _l("This note was already added: it is there once."),
    "attachments": _l("This file was already attached: it is stored once."),
    "rounds": _l("This round was already created: it is saved once."),
    "organisations": _l("This organisation was already created: it is saved once."),
    "users": _l("This user was already created: the account exists once."),
    "funds": _l("This fund was already created: it is saved once."),
    "final_reports": _l("This final report was already submitted: it is there once."),
}


class OneTimeKey:
    """Mixed into a form that creates something: its one-time key, fresh on every showing
    (a form shown again after a refusal keeps the key it was sent with)."""

    idempotency_key = HiddenField(default=idempotency.new_key)


def already_sent(form, landing: Callable[[int], str], fallback: str | None = None):
    """Claim the form's key. None: this submission is the first, go on and create. Else
    the transaction is rolled back and the answer is the redirect to what the first one
    created (`landing(its id)`), or to `fallback` (default: this page) when that is not
    known. Raises ValidationFailed when the form has no key."""
    earlier = idempotency.claim_or_earlier(_sent_key(form), current_user,
                                           request.endpoint or "")
    if earlier is None:
        return None
    return _land(earlier, landing, fallback)


def sent_before(form, landing: Callable[[int], str]):
    """For a form whose action is no longer possible (the first submission did it): the
    redirect to what the first one created, if this form was sent before; else None."""
    earlier = idempotency.earlier(_sent_key(form), current_user)
    return None if earlier is None else _land(earlier, landing, None)


def _land(earlier: idempotency.Earlier, landing: Callable[[int], str], fallback: str | None):
    db.session.rollback()
    if earlier.object_id is None:
        flash(_(idempotency.ALREADY_RECEIVED), "info")
        return redirect(fallback or request.path)
    flash(str(ALREADY_CREATED.get(earlier.object_type) or _(idempotency.ALREADY_RECEIVED)), "info")
    return redirect(landing(earlier.object_id))


def remember(form, created, object_type: str | None = None) -> None:
    """Record with the form's claimed key what it created (`object_type`: its table, unless
    given)."""
    idempotency.remember(_sent_key(form), object_type or created.__tablename__, created.id)


def _sent_key(form) -> str:
    # The key as sent: a form posted without one would otherwise get a fresh default.
    return (form.idempotency_key.raw_data or [""])[0]
