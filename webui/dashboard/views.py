from datetime import date

from flask import redirect, render_template, url_for
from flask_login import current_user

from models import ROLE_LABELS

from ..access import public, signed_in
from ..navigation import dashboard_cards
from . import bp
from .money import home_money
from .waiting import waiting_for


@bp.route("/")
@public
def index():
    if current_user.is_authenticated:
        return redirect(url_for("dashboard.home"))
    return redirect(url_for("auth.login"))


@bp.route("/home")
@signed_in
def home():
    held = [role for role in ROLE_LABELS if current_user.has_role(role)]
    waiting = waiting_for(current_user)
    return render_template("dashboard/home.html", roles=held,
                           waiting=waiting, cards=dashboard_cards(),
                           total_waiting=sum(w.count for items in waiting.values()
                                             for w in items),
                           money=home_money(current_user, date.today()))
