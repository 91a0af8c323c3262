from datetime import date

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import select

from models import Fund, Round, db
from workflow import accounts
from workflow.errors import ValidationFailed

from ..access import roles
from ..forms import show_refusal
from . import bp
from .forms import RoundForm

VIEWERS = ("secretariat", "committee_member", "committee_chair", "finance_officer", "auditor")


@bp.route("/")
@roles(*VIEWERS)
def index():
    rows = db.session.scalars(
        select(Round).join(Round.fund).order_by(Fund.code, Round.opens_on.desc())
    ).all()
    return render_template("rounds/index.html", rounds=rows, today=date.today())


@bp.route("/new", methods=["GET", "POST"])
@bp.route("/<int:round_id>", methods=["GET", "POST"])
@roles("secretariat")
def edit(round_id: int | None = None):
    round_ = db.session.get(Round, round_id) if round_id else None
    if round_id and round_ is None:
        abort(404)
    form = RoundForm(obj=round_)
    form.fund_id.choices = [
        (f.id, f"{f.code} — {f.name}") for f in db.session.scalars(select(Fund).order_by(Fund.code))
    ]
    if form.validate_on_submit():
        try:
            round_ = accounts.save_round(
                round_, fund=db.session.get(Fund, form.fund_id.data), name=form.name.data,
                opens_on=form.opens_on.data, closes_on=form.closes_on.data,
                budget_yen=form.budget_yen.data, cap_yen=form.cap_yen.data,
                min_own_percent=form.min_own_percent.data, actor=current_user,
            )
        except ValidationFailed as refusal:
            db.session.rollback()
            show_refusal(form, refusal)
        else:
            db.session.commit()
            flash(f"Saved the round {round_.name}.", "success")
            return redirect(url_for("rounds.index"))
    return render_template("rounds/form.html", form=form, round=round_)
