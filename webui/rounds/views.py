from datetime import date

from flask import abort, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from models import Fund, Round, db
from workflow.engine.errors import ValidationFailed
from workflow.money import fund_records, round_budget

from ..access import roles
from ..actions import Done, carry_out
from . import bp
from .forms import RoundForm

VIEWERS = ("secretariat", "committee_member", "committee_chair", "finance_officer", "auditor")


def _round_or_404(round_id: int) -> Round:
    round_ = db.session.get(Round, round_id)
    if round_ is None:
        abort(404)
    return round_


@bp.route("/")
@roles(*VIEWERS)
def index():
    rows = db.session.scalars(
        select(Round).join(Round.fund).order_by(Fund.code, Round.opens_on.desc())
    ).all()
    return render_template("rounds/index.html", rounds=rows, today=date.today(),
                           figures=round_budget.figures_by_round())


@bp.route("/<int:round_id>")
@roles(*VIEWERS)
def show(round_id: int):
    round_ = _round_or_404(round_id)
    return render_template("rounds/show.html", round=round_, today=date.today(),
                           figures=round_budget.figures_of(round_))


def _landing(round_id: int) -> str:
    return url_for("rounds.show", round_id=round_id)


@bp.route("/new", methods=["GET", "POST"])
@bp.route("/<int:round_id>/edit", methods=["GET", "POST"])
@roles("secretariat")
def edit(round_id: int | None = None):
    round_ = _round_or_404(round_id) if round_id else None
    form = RoundForm(obj=round_)
    form.fund_id.choices = [
        (f.id, f"{f.code} — {f.name}") for f in db.session.scalars(select(Fund).order_by(Fund.code))
    ]

    def act() -> Done:
        saved = fund_records.save_round(
            round_, fund=db.session.get(Fund, form.fund_id.data), name=form.name.data,
            opens_on=form.opens_on.data, closes_on=form.closes_on.data,
            budget_yen=form.budget_yen.data, cap_yen=form.cap_yen.data,
            min_own_percent=form.min_own_percent.data, actor=current_user,
        )
        return Done(_("Saved the round %(name)s.", name=saved.name), _landing(saved.id),
                    created=saved)

    if done := carry_out(form, act, refusals=ValidationFailed,
                         creates=_landing if round_ is None else None):
        return done
    return render_template("rounds/form.html", form=form, round=round_)
