"""The language switch in a real browser: on the login page, before anyone logs in, then
saved in the profile of the one who logs in."""

from playwright.sync_api import expect

from models import User, db
from tests.conftest import PASSWORD

from .conftest import assert_page_healthy


def test_the_switch_turns_the_login_page_and_the_home_page_japanese(page, live_server,
                                                                     make_user):
    user = make_user("auditor", name="佐藤 花子", locale=None)  # no choice yet
    email, user_id = user.email, user.id
    db.session.commit()

    page.goto(f"{live_server}/auth/login")
    page.get_by_role("button", name="日本語").click()
    expect(page).to_have_url(f"{live_server}/auth/login")
    expect(page.locator("html")).to_have_attribute("lang", "ja")
    expect(page.get_by_role("heading", level=1)).to_have_text("ログイン")
    assert_page_healthy(page)

    page.get_by_label("メールアドレス", exact=True).fill(email)
    page.get_by_label("パスワード", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="ログイン", exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text("ようこそ、佐藤 花子様。")
    expect(page.locator("html")).to_have_attribute("lang", "ja")

    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    db.session.expire_all()
    assert db.session.get(User, user_id).locale == "en"
