"""The staff's and the applicants' own pages in Japanese for a user who reads Japanese: the
headings, the words of the forms and what a saved form says; the server's 500 page in the
browser's language, since it may not read the user from the database."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from models import Round, db
from tests.conftest import log_in, once_key, speaks
from tests.webui.security.test_server_error_page import failing_app  # noqa: F401 (a fixture)


def japanese_reader(make_user, *roles):
    user = make_user(*roles)
    speaks(user, "ja")
    db.session.commit()
    return user


def test_a_japanese_secretariat_reads_the_rounds_in_japanese(client, make_user, make_fund):
    log_in(client, japanese_reader(make_user, "secretariat"))
    fund = make_fund("WNF")
    opens = date.today() + timedelta(days=400)
    form = client.get("/rounds/new").get_data(as_text=True)
    assert "新しい募集回" in form and "1申請あたりの上限額（円）" in form
    response = client.post("/rounds/new", data={
        "fund_id": fund.id, "name": "2027年度 第1回", "opens_on": str(opens),
        "closes_on": str(opens + timedelta(days=90)), "budget_yen": "10,000,000",
        "cap_yen": "2,000,000", "min_own_percent": "20", **once_key(form)})
    assert response.status_code == 302, response.get_data(as_text=True)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert db.session.scalar(select(Round.name)) == "2027年度 第1回"
    assert "募集回 2027年度 第1回 を保存しました。" in page
    assert "受付前" in page and "1申請あたり上限 ¥2,000,000" in page  # opens next year


def test_a_japanese_admin_reads_the_users_and_the_funds_in_japanese(client, make_user):
    log_in(client, japanese_reader(make_user, "admin"))
    users = client.get("/admin/users").get_data(as_text=True)
    assert "<h1 class=\"h3\">ユーザー</h1>" in users and "新しいユーザー" in users
    funds = client.get("/admin/funds").get_data(as_text=True)
    assert "最終報告の期限（活動終了後の日数）" in funds


def test_the_500_page_speaks_the_browsers_language(failing_app, make_user):  # noqa: F811
    client = failing_app.test_client()
    log_in(client, make_user("auditor"))
    response = client.post("/insert-a-taken-name", headers={"Accept-Language": "ja"})
    body = response.get_data(as_text=True)
    assert response.status_code == 500
    assert '<html lang="ja">' in body and "問題が発生しました" in body
    english = client.post("/insert-a-taken-name", headers={"Accept-Language": "en"})
    assert '<html lang="en">' in english.get_data(as_text=True)


def test_the_api_refuses_in_the_language_the_script_asks_for(client):
    refused = client.get("/api/v1/applications/", headers={"Accept-Language": "ja"})
    assert refused.status_code == 401
    assert refused.get_json()["detail"].startswith("有効な個人用アクセストークンを送信してください")
    english = client.get("/api/v1/applications/")
    assert english.get_json()["detail"].startswith("Send a valid personal access token")
