"""The portfolio dashboard: where the money went, who was trained, how the loans stand."""

from flask import Blueprint, jsonify, render_template

from workflow.engine import registry
from workflow.money import portfolio

from ..access import roles

bp = Blueprint("portfolio", __name__, url_prefix="/portfolio")

READERS = ("secretariat", "committee_chair", "committee_member", "finance_officer", "auditor")


@bp.route("/")
@roles(*READERS)
def index():
    trained = portfolio.persons_trained()
    countries, money = portfolio.countries_and_money()
    return render_template(
        "portfolio/index.html", states=portfolio.by_state(), rounds=portfolio.by_round(),
        programmes=portfolio.by_programme_type(), countries=countries, money=money,
        trained=trained,
        trained_total=sum(n for _, _, n in trained), loans=portfolio.loan_book(),
        registry=registry,
    )


@bp.route("/money.json")
@roles(*READERS)
def money_json():
    return jsonify([row.__dict__ for row in portfolio.money_by_country_and_year()])
