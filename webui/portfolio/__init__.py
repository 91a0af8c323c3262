"""The portfolio dashboard: where the money went, who was trained, how the loans stand."""

from flask import Blueprint, jsonify, render_template, request, url_for
from flask_babel import lazy_gettext as _l

from models.grant import PROGRAMME_LABELS
from workflow.engine import registry
from workflow.money import grant_map, portfolio

from ..access import roles
from . import tables
from .forms import fiscal_year_form

bp = Blueprint("portfolio", __name__, url_prefix="/portfolio")

READERS = ("secretariat", "committee_chair", "committee_member", "finance_officer", "auditor")
KIND_LABELS = {"grant": _l("Grant"), "loan": _l("Loan")}


def _chosen_year(figures: grant_map.GrantFigures):
    """The fiscal year asked for (None: all of them), with its form; an unknown year is
    said beside the field and the page shows all years."""
    form = fiscal_year_form(request.args, figures.fiscal_years())
    if not form.validate():
        return None, form
    return (form.year.data or None), form


@bp.route("/")
@roles(*READERS)
def index():
    figures = grant_map.GrantFigures.read()
    trained = figures.persons_trained()
    countries, money = portfolio.countries_and_money()
    year, year_form = _chosen_year(figures)
    grant_countries = figures.countries(year)
    return render_template(
        "portfolio/index.html", states=portfolio.by_state(), rounds=portfolio.by_round(),
        programmes=portfolio.by_programme_type(),
        countries=tables.country_rows(countries, url_for("applications.index")),
        money_rows={kind: tables.money_rows(money, kind) for kind in KIND_LABELS},
        trained=tables.trained_rows(trained),
        trained_total=sum(n for _, _, n in trained), loans=portfolio.loan_book(),
        registry=registry, kinds=KIND_LABELS, programme_labels=PROGRAMME_LABELS,
        grouped=tables.grouped,
        year=year, year_form=year_form,
        grant_countries=tables.grant_country_rows(grant_countries),
        grant_totals={"disbursed": sum(c.disbursed_yen for c in grant_countries),
                      "trained": sum(c.trained for c in grant_countries)},
    ), (400 if year_form.errors else 200)


@bp.route("/grants-map.json")
@roles(*READERS)
def grants_map_json():
    """The map's figures per country: yen disbursed to grants and persons trained."""
    figures = grant_map.GrantFigures.read()
    year, form = _chosen_year(figures)
    if form.errors:
        return jsonify({"error": "; ".join(form.year.errors)}), 400
    return jsonify([row.__dict__ for row in figures.countries(year)])


@bp.route("/money.json")
@roles(*READERS)
def money_json():
    return jsonify([row.__dict__ for row in portfolio.money_by_country_and_year()])
