"""Rows of sums kept in the transaction of whatever changes them (the funds' totals, the
portfolio's figures): one rule for adding to such a row, whichever table it is in, and the
rows rolled up from some of them (the portfolio's countries, years and rounds) moved with
them."""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import and_, bindparam, inspect, select, update
from sqlalchemy.dialects import postgresql, sqlite

from models import CountryYearTotal, GrantCountryBookedTotal, Organisation, RoundApplicationTotal

from .kept import tables_changed

_DIALECT_INSERT = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}

# The statements add_to runs, built once for each shape (dialect, table, the key's and the
# sums' columns, whether a sum is taken away, which key columns are NULL), every value a
# parameter (named k_<column>, as no column is, so that none is taken for a column to SET):
# building an upsert and its `excluded` columns for every row added cost more than running
# it, and a construct built once is compiled once (SQLAlchemy's compiled cache).
_BUILT: dict[tuple, object] = {}


def _statement(dialect: str, table, key: tuple[str, ...], sums: tuple[str, ...],
               takes_away: bool, nulls: tuple[str, ...]):
    shape = (dialect, table, key, sums, takes_away, nulls)
    statement = _BUILT.get(shape)
    if statement is None:
        if takes_away:  # the row is found by its key: a key column that is NULL IS NULL
            statement = (update(table)
                         .where(and_(*(table.c[k].is_(None) if k in nulls
                                       else table.c[k] == bindparam(f"k_{k}") for k in key)))
                         .values({name: table.c[name] + bindparam(f"k_{name}")
                                  for name in sums}))
        else:
            upsert = _DIALECT_INSERT[dialect](table).values(
                {name: bindparam(f"k_{name}") for name in (*key, *sums)})
            statement = upsert.on_conflict_do_update(
                index_elements=[table.c[name] for name in key],
                set_={name: table.c[name] + upsert.excluded[name] for name in sums})
        statement = _BUILT.setdefault(shape, statement)
    return statement


def add_to(conn, table, key: dict, sums: dict) -> None:
    """Add `sums` to the row of a kept table at `key` (made with them if new): one INSERT …
    ON CONFLICT DO UPDATE, whose row lock serialises two writers of one row. A sum taken
    away (negative) needs the row to be there: it was counted in it before. The table's
    revision moves first (workflow.engine.kept.tables_changed).

    The caller holds the audit chain's lock already (workflow.engine.locking.lock_chain):
    the chain before any kept row, in every writer.

    The rows rolled up from this one move with it (_rolled_up), in the same transaction."""
    additions = [(table, key, sums), *_rolled_up(conn, table.name, key, sums)]
    tables_changed([added[0].name for added in additions], conn)
    for added in additions:
        _add(conn, *added)


def _add(conn, table, key: dict, sums: dict) -> None:
    takes_away = any(value < 0 for value in sums.values())
    nulls = tuple(name for name, value in key.items() if value is None) if takes_away else ()
    conn.execute(_statement(conn.dialect.name, table, tuple(key), tuple(sums), takes_away,
                            nulls),
                 {f"k_{name}": value for name, value in (*key.items(), *sums.items())})


def before_flush(obj, name: str):
    """The attribute's value as the database held it before this flush, for a hook after
    the flush that moves the row's sums (the columns keyed on load what they replace:
    active_history on the models)."""
    history = inspect(obj).attrs[name].history
    if history.deleted:
        return history.deleted[0]
    return None if history.added else getattr(obj, name)


_COUNTRY_YEARS, _ROUND_APPLICATIONS, _GRANTS_BOOKED = (
    CountryYearTotal.__table__, RoundApplicationTotal.__table__,
    GrantCountryBookedTotal.__table__)
_ORGANISATION_COUNTRY = select(Organisation.country_code).where(
    Organisation.id == bindparam("organisation_id"))


def _placed_in(conn, organisation_id: int, investment_country: str) -> str:
    """Where the portfolio places a file's figures: a loan's investment country, else its
    organisation's country as the database holds it now (a corrected country moves the
    organisation's rows: workflow.money.moved_files)."""
    if investment_country:
        return investment_country
    return conn.execute(_ORGANISATION_COUNTRY, {"organisation_id": organisation_id}).scalar_one()


def _rolled_up(conn, table_name: str, key: dict, sums: dict) -> Iterator[tuple]:
    """(table, key, sums) of each row rolled up from this addition: the applications by
    kind, country and fiscal year and by round (from application_totals), and the
    disbursements by kind, country and the applications' fiscal year, and the grants' by
    country and the fiscal year booked (from portfolio_totals): a few hundred rows that the
    portfolio reads instead of grouping thousands."""
    if table_name == "application_totals":
        country = _placed_in(conn, key["organisation_id"], key["investment_country"])
        yield (_COUNTRY_YEARS, {"kind": key["kind"], "country_code": country,
                                "fiscal_year": key["fiscal_year"]}, sums)
        yield _ROUND_APPLICATIONS, {"round_id": key["round_id"]}, sums
    elif table_name == "portfolio_totals" and key["kind"] == "disbursement":
        country = _placed_in(conn, key["organisation_id"], key["investment_country"])
        disbursed = {"disbursed_yen": sums["amount_yen"], "disbursements": sums["entries"]}
        yield (_COUNTRY_YEARS, {"kind": key["application_kind"], "country_code": country,
                                "fiscal_year": key["application_year"]}, disbursed)
        if key["application_kind"] == "grant":
            yield (_GRANTS_BOOKED, {"country_code": country, "booked_year": key["booked_year"]},
                   disbursed)
