"""The language switch (anyone: a visitor's choice is kept in the session, a user's in their
profile) and the settings page."""

from __future__ import annotations

from flask import flash, redirect, render_template, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import refresh
from flask_login import current_user

from models import db
from workflow.engine.errors import ValidationFailed
from workflow.people import preferences

from .. import i18n
from ..access import public, signed_in
from ..auth.views import safe_next
from ..forms import show_refusal
from . import bp
from .forms import NOT_CHOSEN, LanguageForm, SettingsForm


@bp.route("/language", methods=["POST"])
@public
def language():
    form = LanguageForm()
    back = safe_next(form.next.data)
    if not form.validate_on_submit():
        return redirect(back)  # only a forged or stale switch gets here: nothing changes
    if current_user.is_authenticated:
        preferences.save_preferences(current_user, locale=form.locale.data)
        db.session.commit()
    else:
        session[i18n.SESSION_KEY] = form.locale.data
    return redirect(back)


def _name_the_default_zone(form: SettingsForm) -> None:
    default = preferences.default_time_zone(current_user)
    choices = preferences.zone_choices()
    chosen = current_user.time_zone
    if chosen and chosen not in dict(choices):  # an alias saved before (US/Eastern): kept
        choices.append((chosen, preferences.zone_label(chosen)))
    form.time_zone.choices = [
        (NOT_CHOSEN, _("My organisation's: %(zone)s",
                       zone=preferences.zone_label(default))),
        *choices]


@bp.route("/settings", methods=["GET", "POST"])
@signed_in
def settings():
    form = SettingsForm(obj=current_user)
    _name_the_default_zone(form)
    if form.validate_on_submit():
        try:
            preferences.save_preferences(
                current_user, locale=form.locale.data or None,
                time_zone=form.time_zone.data or None,
                japanese_era=form.japanese_era.data)
        except ValidationFailed as refusal:
            db.session.rollback()
            show_refusal(form, refusal)
        else:
            db.session.commit()
            refresh()  # the message in the language just chosen
            flash(_("Your settings have been saved."), "success")
            return redirect(url_for("preferences.settings"))
    return render_template("preferences/settings.html", form=form,
                           title=_l("Settings"))
