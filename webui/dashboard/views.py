from flask import redirect, render_template, url_for
from flask_login import current_user

from models import ROLE_LABELS

from ..access import public, signed_in
from . import bp


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
    return render_template("dashboard/home.html", roles=held, role_labels=ROLE_LABELS)
