"""Times name the reader's own zone once (never "JST UTC"), the ledger filter's kinds are in the
reader's language, and the short words that mean different things on different pages ("From",
"To", "Type") read as what they mean on each."""

from __future__ import annotations

from models import db
from tests.conftest import log_in, speaks


def reader(make_user, role, locale="ja", time_zone=None, **fields):
    user = make_user(role, **fields)
    speaks(user, locale)
    user.time_zone = time_zone
    db.session.commit()
    return user


def text_of(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


def test_a_tokyo_reader_sees_the_files_times_in_jst_and_not_utc(client, make_application,
                                                                make_user):
    application = make_application("grant")
    log_in(client, reader(make_user, "applicant", locale="en", time_zone="Asia/Tokyo",
                          organisation=application.organisation))
    page = text_of(client, f"/applications/{application.id}")
    assert " JST" in page
    assert "UTC" not in page


def test_the_ledger_filter_names_the_kinds_and_dates_in_the_readers_language(app, make_user,
                                                                             make_fund):
    make_fund("WNF")
    english_reader, japanese_reader = app.test_client(), app.test_client()
    log_in(english_reader, make_user("finance_officer"))
    log_in(japanese_reader, reader(make_user, "finance_officer"))
    # The English page first: the form's choices must not stay in the first page's language.
    english = text_of(english_reader, "/funds/WNF")
    assert ">Disbursement</option>" in english and ">From</label>" in english
    japanese = text_of(japanese_reader, "/funds/WNF")
    assert ">資金交付</option>" in japanese and ">すべての種別</option>" in japanese
    assert ">開始日</label>" in japanese and ">終了日</label>" in japanese
    assert "遷移元" not in japanese


def test_the_workflow_page_names_a_steps_states_from_and_to(client, make_user):
    log_in(client, reader(make_user, "secretariat"))
    page = text_of(client, "/workflows/grant")
    assert "<th>遷移元</th><th>遷移先</th>" in page
    assert "開始日" not in page
