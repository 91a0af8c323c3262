"""The profile page of personal access tokens: make one (its secret shown this once), see
when each was last used, revoke one."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from models import db
from workflow.engine import idempotency
from workflow.engine.errors import ValidationFailed
from workflow.people import api_tokens
from workflow.people.second_factor import requires_second_factor

from ..access import signed_in
from ..auth.session_policy import MFA
from ..forms import show_refusal
from .token_forms import NewTokenForm, RevokeTokenForm

bp = Blueprint("api_tokens", __name__, url_prefix="/account/tokens")

ALREADY_MADE = _l("This form was already sent and its token made; its secret was shown then "
                  "and is not shown again. Revoke it below if it was not copied.")
LOG_IN_WITH_CODE = _l("Your roles move money or decide: log in with your two-factor code "
                      "before making a token.")


def _page(form: NewTokenForm, secret: str | None = None, status: int = 200):
    return render_template("api/tokens.html", form=form, secret=secret,
                           tokens=api_tokens.tokens_of(current_user),
                           revoke_form=RevokeTokenForm(), scopes=api_tokens.SCOPE_LABELS), status


@bp.route("/", methods=["GET", "POST"])
@signed_in
def index():
    form = NewTokenForm()
    if not form.validate_on_submit():
        return _page(form, status=400 if form.errors else 200)
    try:
        if not idempotency.claim(form.idempotency_key.data, current_user, request.endpoint):
            db.session.rollback()  # sent again: the token was made and shown the first time
            flash(str(ALREADY_MADE), "info")
            return redirect(url_for("api_tokens.index"))
        if requires_second_factor(current_user) and not session.get(MFA):
            raise ValidationFailed(str(LOG_IN_WITH_CODE), "name")
        made = api_tokens.create(current_user, form.name.data, form.scope.data, form.days.data)
    except ValidationFailed as refusal:
        db.session.rollback()
        show_refusal(form, refusal)
        return _page(form, status=400)
    db.session.commit()
    # Shown on this answer only (never in a redirect's URL or the session); the form's
    # one-time key makes sending it again (a reload) make no second token.
    return _page(NewTokenForm(formdata=None), secret=made.secret)


@bp.route("/<int:token_id>/revoke", methods=["POST"])
@signed_in
def revoke(token_id: int):
    form = RevokeTokenForm()
    if form.validate_on_submit():
        token = api_tokens.revoke(current_user, token_id)
        db.session.commit()
        flash(_("The token “%(name)s” is revoked: it no longer opens the API.", name=token.name),
              "success")
    return redirect(url_for("api_tokens.index"))
