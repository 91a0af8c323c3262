"""The portfolio names its fiscal years as every page does: "FY2025" in English, 2025年度 in
Japanese, 令和7年度 for a reader who chose the Japanese era."""

from __future__ import annotations

import re

import pytest

from models import db
from tests.conftest import log_in
from tests.workflow.money.test_grant_map import grants_paid  # noqa: F401 - the scene


def portfolio_as(client, make_user, locale: str, era: bool) -> str:
    reader = make_user("auditor")
    reader.locale, reader.japanese_era = locale, era  # as their profile would save them
    db.session.commit()
    log_in(client, reader)
    response = client.get("/portfolio/?year=2025")
    assert response.status_code == 200
    return response.get_data(as_text=True)


@pytest.mark.parametrize(("locale", "era", "written", "other", "in_table"), [
    ("ja", True, "令和7年度", "2025年度", "令和8年度"),
    ("ja", False, "2025年度", "令和7年度", "2026年度"),
    ("en", True, "FY2025", "令和", "FY2026"),  # the era is a setting of Japanese pages only
])
def test_every_fiscal_year_on_the_portfolio_is_written_the_readers_way(
        client, make_user, grants_paid, locale, era, written, other, in_table):  # noqa: F811
    page = portfolio_as(client, make_user, locale, era)
    chosen = page.split('<option selected value="2025">', 1)[1].split("<", 1)[0]
    assert chosen.startswith(written)
    card = page.split('data-figure="grants-disbursed"', 1)[0].rsplit('text-muted">', 1)[1]
    assert written in card
    caption = page.split("<caption>", 1)[1].split("</caption>", 1)[0]
    assert written in caption
    table = page.split('money-grant">', 1)[1].split("</table>", 1)[0]
    assert table.count(f"<tr><td>{in_table}</td>") == 2  # the Thai and Vietnamese rows
    assert other not in page
    if locale == "ja":  # a signed token's timestamp may spell FY: not words a reader reads
        assert "FY" not in re.sub(r'<input type="hidden"[^>]*>', "", page)


@pytest.mark.parametrize(("locale", "pattern"), [("ja", r"^[\d,]+円$"), ("en", r"^¥[\d,]+$")])
def test_the_portfolio_s_money_cards_write_yen_the_readers_way(
        client, make_user, grants_paid, locale, pattern):  # noqa: F811
    page = portfolio_as(client, make_user, locale, False)
    for figure in ("grants-disbursed", "outstanding"):
        shown = page.split(f'data-figure="{figure}">', 1)[1].split("<", 1)[0]
        assert re.match(pattern, shown), (figure, shown)
