"""Reading a filtered, sorted page of files for a list page (the applications list, the
loans list): the filters from the query string, the count, the page, or why it failed."""

from __future__ import annotations

from dataclasses import dataclass, replace

from flask import abort, request
from flask_babel import gettext as _
from flask_login import current_user

from workflow.engine.errors import ValidationFailed
from workflow.files import kept_lists, search

from .. import paging
from ..csv_export import csv_response
from ..forms import show_refusal
from .filters import FilterForm, filters_from

PER_PAGE = 50
# Pages up to this one may be asked for by number (OFFSET reads the rows before them);
# beyond it the list moves on by cursor, from the row where the last page ended.
NUMBERED_PAGES = 20
# Matching files are counted up to this many: beyond it the list says "more than 1,000".
COUNT_LIMIT = 1000


@dataclass
class Listed:
    page: search.Page
    number: int  # the page's number, as shown
    total: int  # matching files, up to COUNT_LIMIT
    more: bool  # more than COUNT_LIMIT match
    problem: str | None  # why the filters were refused, in a sentence
    per_page: int


def list_args() -> dict:
    """The list's filters and order from the query string, without its place in the list."""
    return {k: v for k, v in request.args.items() if k not in ("page", "after", "before")}


def read_list(form: FilterForm, **fixed) -> Listed:
    """The page the query string asks for; `fixed`: filters the list always applies (the
    loans list's kind="loan")."""
    problem, page, total = None, search.Page([], None, None), 0
    number = paging.page_number()
    after, before = request.args.get("after") or None, request.args.get("before") or None
    if form.validate():
        try:
            filters = replace(filters_from(form), **fixed)
            if after is None and before is None and number > NUMBERED_PAGES:
                raise ValidationFailed(
                    _("Pages after the %(number)sth are reached with “Next” from the one "
                      "before, or narrow the list with the filters.", number=NUMBERED_PAGES),
                    "page")
            total = kept_lists.count_up_to(filters, current_user, COUNT_LIMIT + 1)
            if after is None and before is None and total and (number - 1) * PER_PAGE >= total:
                number = paging.last_page(total, PER_PAGE)  # past the end: the last page
            page = kept_lists.page_of(filters, current_user, PER_PAGE, after=after,
                                      before=before,
                                      offset=0 if after or before else (number - 1) * PER_PAGE,
                                      many=total > COUNT_LIMIT)
        except ValidationFailed as refusal:
            show_refusal(form, refusal)
            problem = refusal.message
    else:
        problem = _("Some filters are not valid: %(problems)s", problems="; ".join(
            f"{form[name].label.text}: {' '.join(errors)}" for name, errors in form.errors.items()))
    return Listed(page, number, min(total, COUNT_LIMIT), total > COUNT_LIMIT, problem, PER_PAGE)


def export_list(form: FilterForm, filename: str, **fixed):
    """The filtered list as CSV, streamed row by row (100,000 rows cost no more memory)."""
    if not form.validate():
        abort(400)
    try:
        filters = replace(filters_from(form), **fixed)
        filters.check()
    except ValidationFailed as refusal:
        abort(400, refusal.message)
    return csv_response(filename, search.csv_rows(filters, current_user))
