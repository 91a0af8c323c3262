"""The password step of the login, logout and the password change."""

from __future__ import annotations

import time
from urllib.parse import urlsplit

from flask import flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user

from models import User, db
from models.i18n import N_
from workflow.engine import request_user
from workflow.engine.errors import ValidationFailed
from workflow.people import accounts, security

from ..access import public, signed_in
from ..extensions import login_manager
from ..forms import show_refusal
from ..request_log import remember_signed_in_user
from . import bp, session_policy
from .forms import ChangePasswordForm, LoginForm
from .limits import PENDING, login_limit, step_passed

LOGIN_REFUSED = N_("The email or password is not correct, or the account is inactive.")


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    """The cookie holds 'id:session_token'; a rotated token logs the cookie out."""
    ident, _, token = user_id.partition(":")
    if not ident.isdigit() or not token:
        return None
    # One query for the user, their roles and unread count: this runs on every request.
    user, g.unread_notifications = request_user.load_signed_in(int(ident))
    if user is None or user.session_token != token or not user.is_active:
        return None
    remember_signed_in_user(user)
    return user


def safe_next(target: str | None) -> str:
    """A local path to go to after login; anything else means the home page."""
    if target and target.startswith("/") and not target.startswith("//"):
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and "\\" not in target:
            return target
    return url_for("dashboard.home")


@bp.route("/login", methods=["GET", "POST"])
@login_limit
@public
def login():
    if current_user.is_authenticated:
        return redirect(url_for("dashboard.home"))
    form = LoginForm()
    if form.validate_on_submit():
        step = security.check_password_step(form.email.data, form.password.data,
                                            address=request.remote_addr)
        remember = bool(form.remember.data)
        if step.user is not None:
            step_passed()  # a right password uses none of the address's budget
            if not step.needs_second_factor:
                security.complete_login(step.user, address=request.remote_addr,
                                        remember=remember)
        db.session.commit()  # failures, waits and a hash upgrade are kept in every case
        if step.wait_until is not None:
            form.password.errors.append(security.wait_message(step.wait_until))
        elif step.user is None:
            form.password.errors.append(_(LOGIN_REFUSED))
        elif step.needs_second_factor:
            return _ask_for_code(step.user, remember)
        else:
            session_policy.begin(step.user, remember=remember, second_factor=False)
            flash(_("Welcome, %(name)s.", name=step.user.name), "success")
            return redirect(safe_next(request.args.get("next")))
    return render_template("auth/login.html", form=form)


def _ask_for_code(user: User, remember: bool):
    """Password right: remember who is half logged in (not logged in for Flask-Login)."""
    next_url = request.args.get("next")
    session_policy.clear_keeping_language()
    session[PENDING] = {"user": user.get_id(), "remember": remember, "next": next_url,
                        "at": int(time.time())}
    return redirect(url_for("auth.two_factor" if user.has_second_factor else "auth.enrol"))


@bp.route("/logout", methods=["POST"])
@signed_in
def logout():
    security.record_logout(current_user)  # every copy of the cookies dies with the token
    db.session.commit()
    session_policy.end()
    flash(_("You have been logged out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/password", methods=["GET", "POST"])
@signed_in
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            accounts.change_password(
                current_user, form.current_password.data, form.new_password.data
            )
        except ValidationFailed as refusal:
            db.session.rollback()
            show_refusal(form, refusal)
        else:
            db.session.commit()
            # The cookie of this browser carries the new token; every other copy is void.
            login_user(db.session.get(User, current_user.id), fresh=True,
                       remember=bool(session.get(session_policy.REMEMBER)))
            flash(_("Your password has been changed. Other sessions were logged out."), "success")
            return redirect(url_for("dashboard.home"))
    return render_template("auth/change_password.html", form=form)
