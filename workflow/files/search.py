"""Finding applications: the filters every list offers, their sort orders, CSV rows.

Read-only query building: views pass plain values and the user; rows the user
may not see are never selected (workflow.engine.permissions.visibility: applicants see their
organisation's only, the staff the submitted files, the auditor every file).
"""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time

from flask_babel import gettext as _
from sqlalchemy import and_, bindparam, func, literal_column, or_, select, tuple_
from sqlalchemy.orm import aliased

from models import Application, Fund, LoanDetails, Organisation, Round, User, db
from models.i18n import N_
from workflow.engine import registry
from workflow.engine.errors import ValidationFailed
from workflow.engine.keyset import Page, decode_cursor, encode_cursor
from workflow.engine.permissions import visibility, visible_conditions
from workflow.engine.wording import csv_header
from workflow.people.readings import katakana

# The sort keys; the file's id always breaks ties, so that every row has one place and a
# page can start right after a given row (keyset pagination). A key never holds NULL:
# NULL sorts first on SQLite and last on PostgreSQL, and compares as unknown.
SORTS = {
    "reference": (Application.fiscal_year, Application.fund_id, Application.number),
    "title": (Application.title,),
    "organisation": (Organisation.name,),
    "country": (Organisation.country_code,),
    "state": (Application.state,),
    "requested": (Application.requested_yen,),
    "approved": (func.coalesce(Application.approved_yen, -1),),  # not yet approved: lowest
    "created": (Application.created_at,),
    "updated": (Application.state_changed_at,),
}


# A loan counts under the country it invests in (its company's own while a draft names none):
# the loans list filters, sorts and exports by it.
INVESTMENT_COUNTRY = func.coalesce(LoanDetails.investment_country, Organisation.country_code)


def _country_column(loans: bool):
    return INVESTMENT_COUNTRY if loans else Organisation.country_code


def _with_loans(query, loans: bool):
    """The query joined to the loans' details, where their investment country is read."""
    if not loans:
        return query
    return query.outerjoin(LoanDetails, LoanDetails.application_id == Application.id)


def all_states(kind: str = "") -> list[str]:
    """Every state of every workflow version (of the kind's workflow only, if given: a
    file's workflow is named after its kind), in definition order, once."""
    seen: dict[str, None] = {}
    for name in (kind,) if kind else registry.names():
        for version in registry.versions(name):
            for state in registry.get(name, version).states:
                seen.setdefault(state.name)
    return list(seen)


@dataclass
class Filters:
    q: str = ""  # a reference, or words each of the title or the organisation's name or reading
    organisation_id: int | None = None
    country: str = ""
    state: str = ""
    round_id: int | None = None
    fund: str = ""
    kind: str = ""
    date_from: date | None = None
    date_to: date | None = None
    sort: str = "created"
    descending: bool = True

    @property
    def loans_only(self) -> bool:
        """The loans list: countries are the loans' investment countries."""
        return self.kind == "loan"

    def check(self) -> None:
        if self.state and self.state not in all_states():
            raise ValidationFailed(_("There is no state called %(state)s.",
                                     state=f"{self.state!r}"), "state")
        if self.sort not in SORTS:
            raise ValidationFailed(_("The list cannot be sorted by %(sort)s.",
                                     sort=f"{self.sort!r}"), "sort")
        if self.date_from and self.date_to and self.date_to < self.date_from:
            raise ValidationFailed(_("The date range ends before it starts."), "date_to")
        if self.country and (len(self.country) != 2 or not self.country.isalpha()):
            raise ValidationFailed(_("%(country)s is not a two-letter country code.",
                                     country=f"{self.country!r}"),
                                   "country")


# The statements are built once per shape of filters (which of them are set, the order,
# which way a page goes) and their values travel as parameters: building a select with
# its joins and conditions, and its cache key, cost SQLAlchemy several times what SQLite
# takes to run it, on every page of the list.
Shape = tuple  # what _bound returns first; see _conditions for its fields


def _bound(filters: Filters, user: User) -> tuple[Shape, dict]:
    """The shape of these filters for this user, and the values of its parameters."""
    seen = visibility(user)
    values: dict = dict(seen.params)
    words = filters.q.split() if filters.q else []
    # Each word as typed and made plain by NFKC (full-width Latin and digits: ＷＮＦ → WNF,
    # half-width kana: ｶｲｾﾞﾝ → カイゼン), as the titles hold either: （タイ） stays itself.
    plain = [unicodedata.normalize("NFKC", w) for w in words]
    if words:
        values["reference"] = unicodedata.normalize("NFKC", filters.q).strip().upper()
        values.update((f"word{n}", f"%{_escape(w)}%") for n, w in enumerate(plain))
        values.update((f"typed{n}", f"%{_escape(w)}%") for n, w in enumerate(words)
                      if w != plain[n])
        # A reading is kept in katakana: a word typed in hiragana finds it too.
        values.update((f"kana{n}", f"%{_escape(katakana(w))}%") for n, w in enumerate(plain))
    if filters.organisation_id:
        values["organisation_id"] = filters.organisation_id
    if filters.country:
        values["country"] = filters.country.upper()
    for name in ("state", "round_id", "fund", "kind"):
        if getattr(filters, name):
            values[name] = getattr(filters, name)
    if filters.date_from:
        values["created_from"] = datetime.combine(filters.date_from, time.min)
    if filters.date_to:
        values["created_to"] = datetime.combine(filters.date_to, time.max)
    shape = (seen.kind, tuple(w != p for w, p in zip(words, plain, strict=True)),
             *(name in values for name in (
        "organisation_id", "country", "state", "round_id", "fund", "kind", "created_from",
        "created_to")), filters.loans_only)
    return shape, values


def _common(condition, dialect: str):
    """Tell SQLite that most rows meet the condition. Its planner cannot tell Japan (a third
    of the files, every SME loan) from Mongolia: it would fetch every Japanese file by
    organisation and sort them all for 50 rows, where walking the sort order's index and
    skipping the others finds 50 at once. (PostgreSQL keeps statistics per value.)"""
    if dialect != "sqlite":
        return condition
    return func.likelihood(condition, literal_column("0.9"))


def _conditions(shape: Shape, common_country: str | None = None) -> list:
    """The conditions of a shape, with its values as parameters (see _bound).

    common_country: the dialect, when the country filter matches many files (_common).
    """
    (seen, words, organisation, country, state, round_, fund, kind, created_from,
     created_to, loans) = shape
    conditions = visible_conditions(seen)
    if words:
        conditions.append(or_(
            Application.reference == bindparam("reference"),
            and_(*(_word_found(n, typed) for n, typed in enumerate(words))),
        ))
    if organisation:
        conditions.append(Application.organisation_id == bindparam("organisation_id"))
    if country:
        in_country = _country_column(loans) == bindparam("country")
        conditions.append(_common(in_country, common_country) if common_country else in_country)
    if state:
        conditions.append(Application.state == bindparam("state"))
    if round_:
        conditions.append(Application.round_id == bindparam("round_id"))
    if fund:
        conditions.append(Application.fund_id.in_(
            select(Fund.id).where(Fund.code == bindparam("fund"))))
    if kind:
        conditions.append(Application.kind == bindparam("kind"))
    if created_from:
        conditions.append(Application.created_at >= bindparam("created_from"))
    if created_to:
        conditions.append(Application.created_at <= bindparam("created_to"))
    return conditions


# The organisations searched by name, apart from the one the list joins for its columns.
_NAMED = aliased(Organisation, name="named")


def _word_found(n: int, typed: bool):
    """Word n is in the title, or in the name or reading of the file's organisation.

    typed: the word as typed differs from its plain form, and is looked for too.
    The organisations are looked up on their own (a few hundred rows), and the files by
    organisation_id among them: one pass over the organisations, not one per file.
    """
    forms = ("word", "typed") if typed else ("word",)
    return or_(
        *(Application.title.ilike(bindparam(f"{form}{n}"), escape="\\") for form in forms),
        Application.organisation_id.in_(
            select(_NAMED.id).where(or_(
                *(_NAMED.name.ilike(bindparam(f"{form}{n}"), escape="\\") for form in forms),
                _NAMED.name_reading.ilike(bindparam(f"kana{n}"), escape="\\")))),
    )


def _key(sort: str, loans: bool = False) -> list:
    columns = (_country_column(loans),) if sort == "country" else SORTS[sort]
    return [*columns, Application.id]


def _ordering(sort: str, descending: bool, loans: bool = False) -> list:
    return [c.desc() if descending else c.asc() for c in _key(sort, loans)]


def _escape(word: str) -> str:
    return word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _run(statement, values: dict):
    """A read of plain columns, on the session's connection: the ORM session's own
    execute adds its bookkeeping to each, and the list runs several on every page."""
    return db.session.connection().execute(statement, values)


def count_up_to(filters: Filters, user: User, limit: int) -> int:
    """How many applications match, counting no further than `limit`: a list of 100,000
    files need not read them all to say that there are more than a thousand."""
    filters.check()
    shape, values = _bound(filters, user)
    return _run(_count_statement(shape, limit), values).scalar_one()


def count_key(filters: Filters, user: User) -> tuple:
    """What count_up_to's answer depends on, besides the rows: the filters' shape for this
    user and their values."""
    shape, values = _bound(filters, user)
    return shape, tuple(sorted(values.items()))


@functools.lru_cache(maxsize=256)
def _count_statement(shape: Shape, limit: int):
    matching = (_with_loans(select(Application.id)
                            .join(Organisation, Organisation.id == Application.organisation_id),
                            shape[-1])
                .where(*_conditions(shape)).limit(limit))
    return select(func.count()).select_from(matching.subquery())


# --- pages ---------------------------------------------------------------------------------
# A page starts after (or ends before) a row given by its sort key: the database walks the
# index from there instead of counting its way through every earlier row (OFFSET), so the
# 500th page costs what the first does. The key travels in the link as an opaque cursor.

# What a list row shows: plain columns, not Application objects (50 rows of the ORM cost
# more than the query that finds them).
# webui/applications/rows.py reads them by position, in this order.
LIST_COLUMNS = (Application.id, Application.reference, Application.title,
                Application.workflow_name, Application.workflow_version, Application.state,
                Application.requested_yen, Application.approved_yen,
                Organisation.name.label("organisation_name"), Organisation.name_reading,
                Organisation.country_code)


def _list_columns(loans: bool) -> tuple:
    """LIST_COLUMNS, the country a loan's investment country on the loans list."""
    if not loans:
        return LIST_COLUMNS
    return (*LIST_COLUMNS[:-1], INVESTMENT_COUNTRY.label("country_code"))


def _encode(filters: Filters, values) -> str:
    return encode_cursor([filters.sort, filters.descending], values)


def _decode(filters: Filters, cursor: str) -> list:
    """The sort key in a cursor, checked against the list's order and the key's columns."""
    return decode_cursor([filters.sort, filters.descending],
                         _key(filters.sort, filters.loans_only), cursor)


def page_of(filters: Filters, user: User, size: int, *, after: str | None = None,
            before: str | None = None, offset: int = 0, many: bool = False) -> Page:
    """`size` applications from a cursor (`after` or `before`), or from `offset` (first
    pages only: OFFSET reads and throws away every row before it).

    many: the filters match many files (more than count_up_to's limit), so the sort order's
    index is the quick way to the page.
    """
    filters.check()
    shape, values = _bound(filters, user)
    backwards = before is not None
    cursor = before if backwards else after
    if cursor is not None:
        values.update((f"key{n}", v) for n, v in enumerate(_decode(filters, cursor)))
    elif offset:
        values["offset"] = offset
    dialect = db.session.get_bind().dialect.name
    query = _page_statement(shape, filters.sort, filters.descending, backwards,
                            cursor is not None, bool(offset) and cursor is None, size,
                            dialect if many else None)
    rows = _run(query, values).all()
    more = len(rows) > size
    rows = rows[:size]
    if backwards:
        rows.reverse()
    width = len(LIST_COLUMNS)
    first, last = (rows[0][width:], rows[-1][width:]) if rows else (None, None)
    has_next = (not backwards and more) or (backwards and rows != [])
    has_previous = (backwards and more) or (not backwards and (cursor or offset) and rows)
    return Page(rows=rows,
                after=_encode(filters, last) if has_next else None,
                before=_encode(filters, first) if has_previous else None)


def _literal_limit(rows: int):
    """LIMIT written into the statement, not bound: PostgreSQL costs a prepared statement's
    generic plan without the bound values, and with LIMIT unknown it found every generic
    plan dearer than planning afresh, which it then did on each execution."""
    return literal_column(str(int(rows)))


@functools.lru_cache(maxsize=256)
def _page_statement(shape: Shape, sort: str, descending: bool, backwards: bool,
                    from_cursor: bool, from_offset: bool, size: int, common_country: str | None):
    loans = shape[-1]
    key = _key(sort, loans)
    query = (_with_loans(select(*_list_columns(loans), *key).join(Application.organisation),
                         loans)
             .where(*_conditions(shape, common_country))
             .order_by(*_ordering(sort, descending != backwards, loans))
             .limit(_literal_limit(size + 1)))
    if from_cursor:
        start = tuple_(*(bindparam(f"key{n}", type_=c.type) for n, c in enumerate(key)))
        later = descending == backwards  # rows that sort after the cursor
        query = query.where(tuple_(*key) > start if later else tuple_(*key) < start)
    elif from_offset:
        query = query.offset(bindparam("offset"))
    return query


CSV_HEADER = (N_("reference"), N_("kind"), N_("fund"), N_("round"), N_("organisation"),
              N_("country"), N_("title"), N_("state"), N_("workflow_version"), N_("requested_yen"),
              N_("approved_yen"), N_("created_at"), N_("state_changed_at"))
LOAN_CSV_HEADER = tuple(N_("investment_country") if column == "country" else column
                        for column in CSV_HEADER)


def csv_rows(filters: Filters, user: User, batch: int = 2000) -> Iterator[tuple]:
    """The header, then one tuple per application, streamed from the database in batches."""
    filters.check()
    shape, values = _bound(filters, user)
    loans = filters.loans_only
    query = _with_loans(
        select(Application.reference, Application.kind, Fund.code, Round.name,
               Organisation.name, _country_column(loans), Application.title,
               Application.state, Application.workflow_version, Application.requested_yen,
               Application.approved_yen, Application.created_at, Application.state_changed_at)
        .join(Organisation, Organisation.id == Application.organisation_id)
        .join(Fund, Fund.id == Application.fund_id)
        .outerjoin(Round, Round.id == Application.round_id), loans,
    ).where(*_conditions(shape)).order_by(*_ordering(filters.sort, filters.descending, loans))
    yield csv_header(LOAN_CSV_HEADER if loans else CSV_HEADER)
    result = db.session.execute(query.execution_options(yield_per=batch), values)
    for row in result:
        yield tuple("" if value is None else value for value in row)
