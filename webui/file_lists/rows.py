"""The application list's rows, ready to print: every value already a string, so that
applications/index.html only writes them out.

A page of 50 rows asked the template for 50 links, 50 state lookups and 100 number
formats; done here in plain Python, once per distinct state, they cost a fraction (each
call from a template goes through Jinja's machinery).
"""

from __future__ import annotations

from typing import NamedTuple

from flask import url_for
from flask_babel import lazy_gettext as _l

from workflow.engine import registry
from workflow.engine.wording import word

from ..navigation import query_url


class ListRow(NamedTuple):
    href: str
    reference: str
    title: str
    organisation: str
    reading: str  # how the organisation's name is read (a Japanese company's), else ""
    country: str
    state: str  # the staff's label of the state, or the applicant's
    requested: str  # "1,200,000"
    approved: str  # "" until approved
    ident: int


def list_rows(rows, staff: bool) -> list[ListRow]:
    """search.Page rows as the table shows them: the staff see staff labels of the states,
    applicants the labels written for them."""
    # The rule ends in the id: url_for once, not 50 times.
    link = url_for("applications.show", application_id=0).removesuffix("0")
    labels: dict[tuple, str] = {}
    shown = []
    # By position, in the order of workflow.files.search.LIST_COLUMNS (the sort key follows):
    # each value read by name from SQLAlchemy's rows is a lookup, ten per row, fifty rows.
    for (ident, reference, title, workflow, version, state, requested, approved,
         organisation, reading, country, *_key) in rows:
        key = (workflow, version, state)
        if key not in labels:
            shown_state = registry.get(workflow, version).state(state)
            labels[key] = word(shown_state.staff_label if staff
                               else shown_state.applicant_label)
        shown.append(ListRow(f"{link}{ident}", reference, title, organisation, reading, country,
                             labels[key], f"{requested:,}",
                             "" if approved is None else f"{approved:,}", ident))
    return shown


class SortHeader(NamedTuple):
    label: str
    href: str
    arrow: str  # " ▼" or " ▲" on the column the list is sorted by
    numeric: bool


COLUMNS = (("reference", _l("Reference")), ("title", _l("Title")),
           ("organisation", _l("Organisation")), ("country", _l("Country")),
           ("state", _l("State")), ("requested", _l("Requested (¥)")),
           ("approved", _l("Approved (¥)")))
NUMERIC = frozenset({"requested", "approved"})


def sort_headers(list_args: dict, endpoint: str = "applications.index",
                 columns: tuple = COLUMNS) -> list[SortHeader]:
    """The column headings: each sorts the list by its column, and again the other way."""
    current = list_args.get("sort", "created")
    descending = list_args.get("direction", "desc") == "desc"
    # The filters' part of the links, written once for the seven of them.
    base = query_url(endpoint,
                     {k: v for k, v in list_args.items() if k not in ("sort", "direction")})
    base += "&" if "?" in base else "?"
    headers = []
    for key, label in columns:
        here = key == current
        direction = "asc" if here and descending else "desc"
        arrow = (" ▼" if descending else " ▲") if here else ""
        headers.append(SortHeader(label, f"{base}sort={key}&direction={direction}", arrow,
                                  key in NUMERIC))
    return headers
