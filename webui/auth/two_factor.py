"""The second step of the login: a TOTP or recovery code, or enrolment on first use.

Between the two steps the user is only *pending*: the session holds who typed the
right password (with their session token, so that a password change in between
voids it) and when; Flask-Login knows nothing of them until the code passes.
"""

from __future__ import annotations

import time

import segno
from flask import flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup

from models import User, db
from models.i18n import N_
from workflow.engine.errors import ValidationFailed
from workflow.people import second_factor, security

from ..access import public
from ..forms import show_refusal
from . import bp, session_policy
from .forms import CodeForm
from .limits import login_limit, step_passed
from .views import PENDING, load_user, safe_next

PENDING_SECONDS = 5 * 60  # time allowed between the password and the code
CODE_REFUSED = N_("This code is not correct, or it was used already.")


def _pending_user() -> User | None:
    pending = session.get(PENDING)
    if not isinstance(pending, dict) or time.time() - pending.get("at", 0) > PENDING_SECONDS:
        session.pop(PENDING, None)
        return None
    return load_user(pending.get("user", ""))


def _start_over():
    session.pop(PENDING, None)
    flash(_("Please log in again."), "info")
    return redirect(url_for("auth.login"))


def _finish(user: User, method: str):
    """The code passed: audit the login and start the real session."""
    pending = session[PENDING]
    security.complete_login(user, address=request.remote_addr, second_factor=method,
                            remember=bool(pending.get("remember")))
    db.session.commit()
    session_policy.begin(user, remember=bool(pending.get("remember")), second_factor=True)
    flash(_("Welcome, %(name)s.", name=user.name), "success")
    return safe_next(pending.get("next"))


@bp.route("/two-factor", methods=["GET", "POST"])
@login_limit
@public
def two_factor():
    if current_user.is_authenticated:
        return redirect(url_for("dashboard.home"))
    user = _pending_user()
    if user is None:
        return _start_over()
    if not user.has_second_factor:
        return redirect(url_for("auth.enrol"))
    form = CodeForm()
    if form.validate_on_submit():
        step = security.check_code_step(user, form.code.data, address=request.remote_addr)
        if step.method is not None:
            step_passed()
            return redirect(_finish(user, step.method))
        db.session.commit()  # the failure counts towards the waits
        form.code.errors.append(_(CODE_REFUSED) if step.wait_until is None
                                else security.wait_message(step.wait_until))
    return render_template("auth/two_factor.html", form=form)


@bp.route("/enrol", methods=["GET", "POST"])
@login_limit
@public
def enrol():
    if current_user.is_authenticated:
        return redirect(url_for("dashboard.home"))
    user = _pending_user()
    if user is None:
        return _start_over()
    if user.has_second_factor:
        return redirect(url_for("auth.two_factor"))
    pending = session[PENDING]
    if not pending.get("secret"):
        # Kept in the signed cookie until confirmed: a GET writes nothing to the database.
        session[PENDING] = {**pending, "secret": second_factor.new_totp_secret()}
    secret = session[PENDING]["secret"]
    form = CodeForm()
    if form.validate_on_submit():
        try:
            codes = second_factor.enrol_totp(user, secret, form.code.data)
        except ValidationFailed as refusal:
            db.session.rollback()
            show_refusal(form, refusal)
        else:
            step_passed()
            next_url = _finish(user, "totp")
            return render_template("auth/recovery_codes.html", codes=codes, next_url=next_url)
    uri = second_factor.provisioning_uri(user, secret)
    return render_template("auth/enrol.html", form=form, qr=qr_svg(uri),
                           secret=" ".join(secret[i:i + 4] for i in range(0, len(secret), 4)))


def qr_svg(text: str) -> Markup:
    """The QR code as inline SVG, drawn here (no outside service, no script in it)."""
    svg = segno.make(text, error="m").svg_inline(
        scale=5, border=2, dark="#000", light="#fff",
        title=_("QR code to scan with your authenticator app"))
    return Markup(svg)  # noqa: S704 - segno's own markup, built from our URI only
