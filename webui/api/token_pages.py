"""The profile page of personal access tokens: make one (its secret shown this once), see
when each was last used, revoke one."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, session, url_for
from flask_login import current_user

from models import db
from workflow.engine.errors import ValidationFailed
from workflow.people import api_tokens
from workflow.people.second_factor import requires_second_factor

from ..access import signed_in
from ..auth.session_policy import MFA
from ..forms import show_refusal
from .token_forms import NewTokenForm, RevokeTokenForm

bp = Blueprint("api_tokens", __name__, url_prefix="/account/tokens")

LOG_IN_WITH_CODE = ("Your roles move money or decide: log in with your two-factor code "
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
        if requires_second_factor(current_user) and not session.get(MFA):
            raise ValidationFailed(LOG_IN_WITH_CODE, "name")
        made = api_tokens.create(current_user, form.name.data, form.scope.data, form.days.data)
    except ValidationFailed as refusal:
        db.session.rollback()
        show_refusal(form, refusal)
        return _page(form, status=400)
    db.session.commit()
    # Shown on this answer only (never in a redirect's URL or the session): reloading the
    # page does not show it again.
    return _page(NewTokenForm(formdata=None), secret=made.secret)


@bp.route("/<int:token_id>/revoke", methods=["POST"])
@signed_in
def revoke(token_id: int):
    form = RevokeTokenForm()
    if form.validate_on_submit():
        token = api_tokens.revoke(current_user, token_id)
        db.session.commit()
        flash(f"The token “{token.name}” is revoked: it no longer opens the API.", "success")
    return redirect(url_for("api_tokens.index"))
