from urllib.parse import urlsplit

from flask import flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user, logout_user
from sqlalchemy.orm import joinedload

from models import User, db
from workflow import accounts
from workflow.errors import ValidationFailed

from ..access import public, signed_in
from ..extensions import login_manager
from ..forms import show_refusal
from . import bp
from .forms import ChangePasswordForm, LoginForm

LOGIN_REFUSED = "The email or password is not correct, or the account is inactive."


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    """The cookie holds 'id:session_token'; a rotated token logs the cookie out."""
    ident, _, token = user_id.partition(":")
    if not ident.isdigit() or not token:
        return None
    # One query for the user and their roles: this runs on every request.
    user = db.session.get(User, int(ident), options=[joinedload(User.role_assignments)])
    if user is None or user.session_token != token or not user.is_active:
        return None
    return user


def _safe_next(target: str | None) -> str:
    if target and target.startswith("/") and not target.startswith("//"):
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc:
            return target
    return url_for("dashboard.home")


@bp.route("/login", methods=["GET", "POST"])
@public
def login():
    if current_user.is_authenticated:
        return redirect(url_for("dashboard.home"))
    form = LoginForm()
    if form.validate_on_submit():
        user = accounts.authenticate(form.email.data, form.password.data)
        if user is None:
            form.password.errors.append(LOGIN_REFUSED)
        else:
            session.clear()  # a fresh session at login: nothing carried over
            login_user(user, remember=form.remember.data)
            db.session.commit()
            flash(f"Welcome, {user.name}.", "success")
            return redirect(_safe_next(request.args.get("next")))
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@signed_in
def logout():
    logout_user()
    session.clear()
    flash("You have been logged out.", "info")
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
            login_user(current_user._get_current_object(), fresh=True)
            flash("Your password has been changed. Other sessions were logged out.", "success")
            return redirect(url_for("dashboard.home"))
    return render_template("auth/change_password.html", form=form)
