"""In-app notifications and email preferences."""

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from models import db
from models.notification import KIND_LABELS, NOTIFICATION_KINDS
from workflow.people import inbox
from workflow.people.notifications import unread_count

from ..access import signed_in
from ..forms import AppForm
from .forms import DigestForm

bp = Blueprint("notifications", __name__, url_prefix="/notifications")


@bp.app_context_processor
def _unread():
    if not current_user.is_authenticated or request.endpoint == "static":
        return {}
    # Counted with the user at the start of the request (auth.load_user), else now.
    count = g.get("unread_notifications")
    return {"unread_notifications": unread_count(current_user) if count is None else count}


@bp.route("/")
@signed_in
def index():
    notifications = inbox.recent(current_user)
    return render_template("notifications/index.html", notifications=notifications,
                           files=inbox.by_file(current_user, notifications),
                           choices=inbox.email_choices(current_user), labels=KIND_LABELS,
                           form=AppForm(), digest_form=DigestForm(
                               rhythm="daily" if inbox.takes_digest(current_user) else "each"))


@bp.route("/read", methods=["POST"])
@signed_in
def mark_read():
    if not AppForm().validate_on_submit():
        return redirect(url_for("notifications.index"))
    inbox.mark_all_read(current_user)
    db.session.commit()
    return redirect(url_for("notifications.index"))


@bp.route("/email", methods=["POST"])
@signed_in
def email_preferences():
    if AppForm().validate_on_submit():
        wanted = {k for k in request.form.getlist("email") if k in NOTIFICATION_KINDS}
        inbox.set_email_choices(current_user, wanted)
        db.session.commit()
        flash(_("Your email choices are saved."), "success")
    return redirect(url_for("notifications.index"))


@bp.route("/digest", methods=["POST"])
@signed_in
def digest_choice():
    form = DigestForm()
    if form.validate_on_submit():
        inbox.set_daily_digest(current_user, form.rhythm.data == "daily")
        db.session.commit()
        flash(_("You will get one email a day summing up your notifications.")
              if form.rhythm.data == "daily" else
              _("You will get one email for each notification you chose."), "success")
    else:
        flash(_("Choose how we should email you."), "danger")
    return redirect(url_for("notifications.index"))
