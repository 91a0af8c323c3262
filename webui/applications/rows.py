"""The application list's rows, ready to print.

A page of 50 rows asked the template for 50 links, 50 state lookups and 100 number
formats, and escaped 400 values one by one; done here in plain Python, each row written
as one piece of HTML, they cost a fraction (each call and each escape from a template
goes through Jinja's machinery).
"""

from __future__ import annotations

from html import escape
from typing import NamedTuple

from flask import url_for

from workflow import registry


class ListRow(NamedTuple):
    href: str
    reference: str
    title: str
    organisation: str
    country: str
    state: str
    requested: str
    approved: str

    def __html__(self) -> str:
        """The table row: every value escaped here, once."""
        return (f'<tr><td><a href="{escape(self.href)}">{escape(self.reference)}</a></td>'
                f"<td>{escape(self.title)}</td><td>{escape(self.organisation)}</td>"
                f"<td>{escape(self.country)}</td>"
                f'<td><span class="badge text-bg-light border">{escape(self.state)}</span>'
                f'</td><td class="text-end">{self.requested}</td>'
                f'<td class="text-end">{self.approved}</td></tr>')


def link_maker(endpoint: str, key: str):
    """A function id -> URL of `endpoint`, built by url_for once (the rule ends in the id)."""
    prefix = url_for(endpoint, **{key: 0}).removesuffix("0")
    return lambda ident: f"{prefix}{ident}"


def list_rows(rows, staff: bool) -> list[ListRow]:
    """search.Page rows as the list shows them: the staff see staff labels of the states,
    applicants the labels written for them."""
    link = link_maker("applications.show", "application_id")
    labels: dict[tuple, str] = {}
    shown = []
    for r in rows:
        key = (r.workflow_name, r.workflow_version, r.state)
        if key not in labels:
            state = registry.get(r.workflow_name, r.workflow_version).state(r.state)
            labels[key] = state.staff_label if staff else state.applicant_label
        shown.append(ListRow(
            link(r.id), r.reference, r.title, r.organisation_name, r.country_code,
            labels[key], f"{r.requested_yen:,}",
            "" if r.approved_yen is None else f"{r.approved_yen:,}"))
    return shown


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
    headers = []
    for key, label in COLUMNS:
        here = key == current
        direction = "asc" if here and descending else "desc"
        href = url_for("applications.index", **{**list_args, "sort": key,
                                                "direction": direction})
        arrow = (" ▼" if descending else " ▲") if here else ""
        headers.append(SortHeader(label, href, arrow, key in NUMERIC))
    return headers
