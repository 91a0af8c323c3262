"""The application list's rows and a file's timeline, ready to print.

A page of 50 rows asked the template for 50 links, 50 state lookups and 100 number
formats, and escaped 400 values one by one; done here in plain Python, the rows written
as one piece of HTML, they cost a fraction (each call and each escape from a template
goes through Jinja's machinery).
"""

from __future__ import annotations

from html import escape
from typing import NamedTuple

from flask import url_for
from markupsafe import Markup

from workflow.engine import registry

from ..navigation import query_url


def list_rows(rows, staff: bool) -> Markup:
    """search.Page rows as the table's body: the staff see staff labels of the states,
    applicants the labels written for them. Every text is escaped here, once."""
    # The rule ends in the id: url_for once, not 50 times.
    link = escape(url_for("applications.show", application_id=0).removesuffix("0"))
    labels: dict[tuple, str] = {}
    shown = []
    # By position, in the order of workflow.files.search.LIST_COLUMNS (the sort key follows):
    # reading 500 values by name from SQLAlchemy's rows cost a tenth of the page.
    for (ident, reference, title, workflow, version, state, requested, approved,
         organisation, country, *_key) in rows:
        key = (workflow, version, state)
        if key not in labels:
            shown_state = registry.get(workflow, version).state(state)
            labels[key] = escape(shown_state.staff_label if staff
                                 else shown_state.applicant_label)
        approved = "" if approved is None else f"{approved:,}"
        shown.append(
            f'<tr><td><a href="{link}{ident}">{escape(reference)}</a></td>'
            f"<td>{escape(title)}</td><td>{escape(organisation)}</td>"
            f"<td>{escape(country)}</td>"
            f'<td><span class="badge text-bg-light border">{labels[key]}</span></td>'
            f'<td class="text-end">{requested:,}</td>'
            f'<td class="text-end">{approved}</td></tr>')
    return Markup("".join(shown))


def timeline_items(entries) -> Markup:
    """workflow.engine.timeline entries as the timeline's list items, written as the rows are."""
    items = []
    for action, moved, actor, when, comment in entries:
        moved = f' <span class="text-muted">{escape(moved)}</span>' if moved else ""
        comment = f'<div class="mt-1">{escape(comment)}</div>' if comment else ""
        items.append(f"<li><div><strong>{escape(action)}</strong>{moved}</div>"
                     f'<div class="small text-muted">{escape(actor)} · {when} UTC</div>'
                     f"{comment}</li>\n")
    return Markup("".join(items))


class SortHeader(NamedTuple):
    label: str
    href: str
    arrow: str  # " ▼" or " ▲" on the column the list is sorted by
    numeric: bool


COLUMNS = (("reference", "Reference"), ("title", "Title"), ("organisation", "Organisation"),
           ("country", "Country"), ("state", "State"), ("requested", "Requested (¥)"),
           ("approved", "Approved (¥)"))
NUMERIC = frozenset({"requested", "approved"})


def sort_headers(list_args: dict) -> list[SortHeader]:
    """The column headings: each sorts the list by its column, and again the other way."""
    current = list_args.get("sort", "created")
    descending = list_args.get("direction", "desc") == "desc"
    # The filters' part of the links, written once for the seven of them.
    base = query_url("applications.index",
                     {k: v for k, v in list_args.items() if k not in ("sort", "direction")})
    base += "&" if "?" in base else "?"
    headers = []
    for key, label in COLUMNS:
        here = key == current
        direction = "asc" if here and descending else "desc"
        arrow = (" ▼" if descending else " ▲") if here else ""
        headers.append(SortHeader(label, f"{base}sort={key}&direction={direction}", arrow,
                                  key in NUMERIC))
    return headers
