"""The portfolio (`/portfolio/`, `/api/v1/portfolio`) viewed with nothing kept by the worker
(a new worker, or the view after a change to the figures): its figures by country, fiscal
year and round, and the grants' map, read from the rows kept rolled up
(models.CountryYearTotal, RoundApplicationTotal, GrantCountryBookedTotal) against the old
way (the rows kept per organisation, application_totals and portfolio_totals, grouped on
each view), one view each in turn on
the same database, so that the ratio compares runs of the same minutes.

    python -m bench.portfolio_figures --database-url URL [--runs 20] [--role secretariat]

The database is one filled before (bench.every_page --keep, `flask demo seed --scale`);
it is migrated, not emptied.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import time

from sqlalchemy import BigInteger, case, cast, func, select

from models import ApplicationTotal, Organisation, PortfolioTotal, Round, db
from workflow.engine import kept
from workflow.money import grant_map, portfolio

from .common import fresh_app, save
from .finance_queue import _figures
from .page_cpu import ServerCpu
from .url_map import log_in

PAGES = ("/portfolio/", "/api/v1/portfolio")


def _sum(column):
    return cast(func.sum(column), BigInteger)


def _by_organisation_country_and_year() -> tuple[list, list]:
    """As the portfolio read it before 0031: application_totals grouped on each view."""
    country = case((ApplicationTotal.investment_country != "",
                    ApplicationTotal.investment_country), else_=Organisation.country_code)
    found: dict[str, list] = {"grant": [], "loan": []}
    for kind, place, year, n, approved, yen in db.session.connection().execute(
            select(ApplicationTotal.kind, country, ApplicationTotal.fiscal_year,
                   _sum(ApplicationTotal.applications), _sum(ApplicationTotal.approved),
                   _sum(ApplicationTotal.approved_yen))
            .join(Organisation, Organisation.id == ApplicationTotal.organisation_id)
            .group_by(ApplicationTotal.kind, country, ApplicationTotal.fiscal_year)).all():
        if n and kind in found:
            found[kind].append((place, year, n, yen if approved else None))
    return found["grant"], found["loan"]


def _disbursed_by_organisation() -> dict[tuple[str, str, int], int]:
    """As before 0031: the disbursements of portfolio_totals grouped on each view."""
    country = case((PortfolioTotal.investment_country != "", PortfolioTotal.investment_country),
                   else_=Organisation.country_code)
    return {(k, c, y): v for k, c, y, v in db.session.connection().execute(
        select(PortfolioTotal.application_kind, country, PortfolioTotal.application_year,
               _sum(PortfolioTotal.amount_yen))
        .join(Organisation, Organisation.id == PortfolioTotal.organisation_id)
        .where(PortfolioTotal.kind == "disbursement")
        .group_by(PortfolioTotal.application_kind, country, PortfolioTotal.application_year)
        .having(func.sum(PortfolioTotal.entries) > 0)).all()}


def _rounds_by_organisation() -> list[tuple[str, int, int]]:
    return db.session.execute(
        select(Round.name, _sum(ApplicationTotal.applications),
               _sum(ApplicationTotal.approved_yen))
        .join(ApplicationTotal, ApplicationTotal.round_id == Round.id)
        .group_by(Round.name).having(func.sum(ApplicationTotal.applications) > 0)
        .order_by(Round.name)).all()


def _map_by_organisation() -> dict[tuple[str, int], int]:
    """As the grants' map read it before 0031: portfolio_totals grouped on each view."""
    return {(code, year): int(total) for code, year, total in db.session.execute(
        select(Organisation.country_code, PortfolioTotal.booked_year,
               func.sum(PortfolioTotal.amount_yen))
        .join(Organisation, Organisation.id == PortfolioTotal.organisation_id)
        .where(PortfolioTotal.kind == "disbursement",
               PortfolioTotal.application_kind == "grant")
        .group_by(Organisation.country_code, PortfolioTotal.booked_year))}


_OLD_WAY = {(portfolio, "_by_country_and_year"): _by_organisation_country_and_year,
            (portfolio, "_read_disbursed"): _disbursed_by_organisation,
            (portfolio, "_by_round"): _rounds_by_organisation,
            (grant_map, "_disbursed"): _map_by_organisation}


@contextlib.contextmanager
def grouping_by_organisation():
    """The portfolio as it was: the rows kept per organisation grouped on each view."""
    rolled_up = {place: getattr(*place) for place in _OLD_WAY}
    for (module, name), old in _OLD_WAY.items():
        setattr(module, name, old)
    try:
        yield
    finally:
        for (module, name), new in rolled_up.items():
            setattr(module, name, new)


def _view(client, page: str, headers: dict, server: ServerCpu) -> tuple[float, float]:
    """(wall ms, CPU ms of this process and the database's backends) of a first view."""
    kept.forget_all(client.application)
    server_start, start, cpu_start = server.now_ns(), time.perf_counter(), time.process_time()
    response = client.get(page, headers=headers)
    wall, cpu = time.perf_counter() - start, time.process_time() - cpu_start
    assert response.status_code == 200, response.status_code
    return wall * 1000, cpu * 1000 + (server.now_ns() - server_start) / 1e6


def run(database_url: str, runs: int, role: str) -> dict:
    app, _ = fresh_app(database_url, keep=True)
    visitor = log_in(app, role)
    with app.app_context():  # the two ways give the same figures
        with app.test_request_context():
            rolled_up = (portfolio._by_country_and_year(), portfolio._read_disbursed(),
                         list(portfolio._by_round()), grant_map._disbursed())
            with grouping_by_organisation():
                grouped = (portfolio._by_country_and_year(), portfolio._read_disbursed(),
                           list(portfolio._by_round()), grant_map._disbursed())
        assert [sorted(r) for r in rolled_up[0]] == [sorted(g) for g in grouped[0]]
        assert rolled_up[1:] == grouped[1:]
        db.session.rollback()
    headers = {page: (visitor.api_headers if "/api/" in page else {}) for page in PAGES}
    for _ in range(3):
        for page in PAGES:
            visitor.client.get(page, headers=headers[page])
            with grouping_by_organisation():
                visitor.client.get(page, headers=headers[page])
    server = ServerCpu(app)
    found = {(page, way): ([], []) for page in PAGES for way in ("rolled up", "grouped")}
    for _ in range(runs):
        for page in PAGES:
            for way in ("rolled up", "grouped"):
                with (grouping_by_organisation() if way == "grouped"
                      else contextlib.nullcontext()):
                    wall, cpu = _view(visitor.client, page, headers[page], server)
                found[page, way][0].append(wall)
                found[page, way][1].append(cpu)
    figures: dict = {"runs": runs, "role": role}
    for page in PAGES:
        ways = {way: {"wall": _figures(found[page, way][0]), "cpu": _figures(found[page, way][1])}
                for way in ("rolled up", "grouped")}
        ways["ratio_cpu_p50"] = round(ways["grouped"]["cpu"]["p50_ms"]
                                      / ways["rolled up"]["cpu"]["p50_ms"], 2)
        figures[page] = ways
    save("portfolio_figures", figures)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--role", default="secretariat")
    args = parser.parse_args()
    print(json.dumps(run(args.database_url, args.runs, args.role), indent=2))


if __name__ == "__main__":
    main()
