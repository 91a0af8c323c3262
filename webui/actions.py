"""One way for a view to carry out what a posted form asks.

Every form that changes something goes the same way: validate the form; claim its one-time
key, if it has one; call the workflow; on a refusal roll back and tell the user why; else
commit once, flash what was done and redirect. The view loads what the form is about
(404 or 403 before this) and says what to do; `carry_out` does the rest:

    if done := carry_out(form, act):
        return done
    return render_template(...)  # not sent yet, or refused: the form again, with why

Two ways to tell a refusal:
* on the form's own page (the default): the sentence next to the field it names, the
  form shown again (`carry_out` answers None and the view renders it);
* from a panel of the application page (`back=` a URL): the sentence is flashed and the
  user goes back to the panel, as they do when the form is incomplete.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import flash, redirect, request
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from models import db
from workflow.engine import idempotency
from workflow.engine.errors import DomainError

from . import once as one_time
from .forms import show_refusal


@dataclass
class Done:
    """What the action did: the sentence for the user and the page they go to."""

    message: str
    url: str
    created: object | None = None  # a row the form created: what its key then stands for
    created_as: str | None = None  # its kind for the "already sent" sentence (else its table)
    category: str = "success"


def first_error(form) -> str:
    """The first complaint of a form that did not validate (one sentence for a flash)."""
    for errors in form.errors.values():
        if errors:
            return errors[0]
    return _("The form could not be read; reload the page.")


def carry_out(form, act: Callable[[], Done], *,
              refusals: type[DomainError] | tuple[type[DomainError], ...] = DomainError,
              on_form: Callable[[DomainError], bool] = lambda refusal: True,
              show: Callable = show_refusal,
              creates: Callable[[int], str] | None = None, creates_fallback: str | None = None,
              once: str | None = None,
              back: str | None = None, incomplete: Callable[..., str] | None = None,
              about: str = "") -> Response | None:
    """Validate `form`, `act`, commit and redirect; None when the form is to be shown again.

    refusals: the refusals told to the user; any other error goes to the error pages
      (after their rollback). on_form: which of those are told here; the others go to
      the error pages too (the committee's refusals that name no field: a 409).
    show: how a refusal is put on the form (default: next to the field it names).
    creates: the form creates a row and carries a one-time key (webui.once): a second
      submission lands on `creates(its id)` (or `creates_fallback`) and creates nothing.
    once: the form carries a one-time key and creates no row to land on: a second
      submission is told it was received, and goes to this URL.
    back: a form posted from a panel: refusals (after `about`, e.g. "WNF-G-2027-0001: ")
      and an incomplete form (`incomplete(form)`, else its first error) are flashed, and the
      user goes back to this URL.
    """
    if not form.validate_on_submit():
        if back is None:
            return None
        flash((incomplete or first_error)(form), "danger")
        return redirect(back)
    try:
        if creates is not None and (
                earlier := one_time.already_sent(form, creates, creates_fallback)):
            return earlier
        if once is not None and not idempotency.claim(form.idempotency_key.data,
                                                      current_user, request.endpoint):
            db.session.rollback()
            flash(_(idempotency.ALREADY_RECEIVED), "info")
            return redirect(once)
        done = act()
        if creates is not None and done.created is not None:
            one_time.remember(form, done.created, done.created_as)
    except refusals as refusal:
        if not on_form(refusal):
            raise
        db.session.rollback()
        if back is not None:
            flash(about + refusal.message, "danger")
            return redirect(back)
        show(form, refusal)
        return None
    db.session.commit()
    flash(done.message, done.category)
    return redirect(done.url)
