"""Money, rates, dates, times and fiscal years written for the page's language (Babel), times
in the reader's zone with the zone's name, and the Japanese era for those who choose it."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest
from flask_babel import force_locale
from flask_login import login_user

from models import Notification, db
from tests.conftest import log_in
from webui import labels
from webui.japanese_era import era_date, era_fiscal_year

# 06:05 UTC is 15:05 in Tokyo (JST, UTC+9, no summer time).
MOMENT = datetime(2026, 12, 7, 6, 5)


@pytest.fixture
def page_of(app):
    """Filters as a page shows them: in `lang`, for `user` (None: a visitor)."""

    def as_shown(lang, user=None):
        # An app context of its own, as each request has: Flask-Babel keeps the zone in `g`.
        app_context = app.app_context()
        app_context.push()
        context = app.test_request_context()
        context.push()
        if user is not None:
            login_user(user)
        locale = force_locale(lang)
        locale.__enter__()
        pushed.append((app_context, context, locale))
        return labels

    pushed = []
    yield as_shown
    for app_context, context, locale in reversed(pushed):
        locale.__exit__(None, None, None)
        context.pop()
        app_context.pop()


def test_yen_rate_and_dates_in_english(page_of):
    shown = page_of("en")
    assert shown.yen(1234567) == "¥1,234,567"
    assert shown.yen(-5000) == "-¥5,000"
    assert shown.rate(Decimal("1.5000")) == "1.5 %"
    assert shown.long_date(date(2027, 4, 1)) == "1 April 2027"
    assert shown.fiscal_year(date(2027, 3, 31)) == "FY2026"
    assert shown.fiscal_year(2027) == "FY2027"


def test_yen_rate_and_dates_in_japanese(page_of):
    shown = page_of("ja")
    assert shown.yen(1234567) == "1,234,567円"
    assert shown.yen(Decimal(0)) == "0円"
    assert shown.rate(Decimal("1.5000")) == "1.5%"
    assert shown.long_date(date(2026, 12, 6)) == "2026年12月6日"
    assert shown.fiscal_year(date(2026, 4, 1)) == "2026年度"
    assert shown.fiscal_year(date(2027, 3, 31)) == "2026年度"


def test_a_visitors_times_are_in_tokyo_with_the_zone(page_of):
    assert page_of("en").long_datetime(MOMENT) == "7 December 2026, 15:05 JST"
    assert page_of("ja").long_datetime(MOMENT) == "2026年12月7日 15:05 JST"


def test_the_day_of_a_moment_is_the_day_in_the_readers_zone(page_of):
    late_evening_utc = datetime(2026, 12, 6, 20, 0)  # already the 7th in Tokyo
    assert page_of("en").long_date(late_evening_utc) == "7 December 2026"


def test_a_societys_member_reads_times_in_their_countrys_zone(page_of, make_user, make_org):
    thai = make_user("applicant", organisation=make_org(country_code="TH"))
    indonesian = make_user("applicant", organisation=make_org(country_code="ID"))
    chosen = make_user("auditor")
    chosen.time_zone = "Europe/Berlin"
    db.session.commit()
    assert page_of("en", thai).long_datetime(MOMENT) == "7 December 2026, 13:05 UTC+07"
    assert page_of("en", indonesian).long_datetime(MOMENT) == "7 December 2026, 13:05 WIB"
    assert page_of("en", chosen).long_datetime(MOMENT) == "7 December 2026, 07:05 CET"


def test_the_japanese_era_is_a_setting_of_japanese_pages(page_of, make_user):
    user = make_user("auditor")
    user.japanese_era = True
    db.session.commit()
    shown = page_of("ja", user)
    assert shown.long_date(date(2026, 12, 6)) == "令和8年12月6日"
    assert shown.long_datetime(MOMENT) == "令和8年12月7日 15:05 JST"
    assert shown.fiscal_year(2026) == "令和8年度"
    assert page_of("en", user).long_date(date(2026, 12, 6)) == "6 December 2026"


@pytest.mark.parametrize(("day", "written"), [
    (date(2019, 4, 30), "平成31年4月30日"),
    (date(2019, 5, 1), "令和元年5月1日"),
    (date(2020, 1, 1), "令和2年1月1日"),
    (date(1989, 1, 7), "昭和64年1月7日"),
    (date(1989, 1, 8), "平成元年1月8日"),
])
def test_era_boundaries(day, written):
    assert era_date(day) == written


def test_fiscal_years_in_the_era():
    assert era_fiscal_year(2019) == "令和元年度"  # the year the era began, as the state writes it
    assert era_fiscal_year(2018) == "平成30年度"
    assert era_fiscal_year(1988) == "昭和63年度"  # 平成 began only in its last quarter


def test_a_page_shows_the_time_in_the_readers_zone(client, make_user):
    user = make_user("auditor")
    db.session.add(Notification(user=user, kind="status_changed", message="Hello",
                                created_at=MOMENT))
    db.session.commit()
    log_in(client, user)
    page = client.get("/notifications/").get_data(as_text=True)
    assert "7 December 2026, 15:05 JST" in page
