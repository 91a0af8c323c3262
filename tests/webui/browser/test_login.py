"""Logging in and out in a real browser: the form, the home page, the styling, the menu."""

from playwright.sync_api import expect

from models import db
from tests.conftest import PASSWORD

from .conftest import assert_page_healthy, browser_login

REFUSED = "The email or password is not correct, or the account is inactive."


def test_login_shows_the_styled_home_page_and_logout_works(page, live_server, make_user):
    user = make_user("secretariat", "auditor", name="Sato Secretariat")
    email = user.email
    db.session.commit()

    browser_login(page, live_server, email, PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome, Sato Secretariat")
    expect(page.locator(".card-title")).to_have_text(["Secretariat", "Audit"])
    navbar_colour = page.locator("nav.navbar").evaluate(
        "nav => getComputedStyle(nav).backgroundColor")
    assert navbar_colour not in ("", "transparent", "rgba(0, 0, 0, 0)")  # Bootstrap applied
    assert_page_healthy(page)

    log_out = page.get_by_role("button", name="Log out")
    expect(log_out).to_be_hidden()  # inside the closed dropdown
    page.get_by_role("button", name="Sato Secretariat").click()  # app.js opens it
    log_out.click()
    expect(page).to_have_url(f"{live_server}/auth/login")
    expect(page.get_by_role("heading", level=1)).to_have_text("Log in")
    expect(page.get_by_role("alert")).to_contain_text("You have been logged out.")
    assert_page_healthy(page)


def test_wrong_password_is_refused_next_to_the_field(page, live_server, make_user):
    user = make_user("auditor")
    email = user.email
    db.session.commit()

    page.goto(f"{live_server}/auth/login")
    page.get_by_label("Email", exact=True).fill(email)
    page.get_by_label("Password", exact=True).fill("not the password")
    page.get_by_role("button", name="Log in", exact=True).click()

    password = page.get_by_label("Password", exact=True)
    expect(password).to_have_class("form-control is-invalid")
    feedback = password.locator("xpath=following-sibling::div[@class='invalid-feedback']")
    expect(feedback).to_have_text(REFUSED)
    expect(feedback).to_be_visible()
    expect(page).to_have_url(f"{live_server}/auth/login")
    assert_page_healthy(page)
