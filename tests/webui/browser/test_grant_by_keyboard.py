"""The grant happy path again, by keyboard alone: every field is reached with Tab and typed
into, every button pressed with Enter or Space, and each control shows where the focus is.
Nobody clicks (the same scene as test_grant_happy_path, which clicks)."""

from __future__ import annotations

import re
from datetime import date, timedelta

from playwright.sync_api import Page, expect

from models import db
from tests.conftest import PASSWORD, ready_for_a_code, totp_code

from .conftest import assert_page_healthy
from .keyboard import choose, press, tab_to, type_into
from .session_cookie import sign_in_browser
from .test_grant_happy_path import PDF, Scene, done, scene  # noqa: F401 - the scene fixture


def button(page: Page, name: str):
    return page.get_by_role("button", name=name, exact=True)


def log_in(page: Page, base: str, cast: Scene, who: str, by_keyboard: bool = False) -> None:
    """Log out whoever was in, then log in as `who` and land on their home page: by keyboard
    on the login form when `by_keyboard` (the walk does so once without a code and once with
    one), else with the session the form leaves (session_cookie.sign_in_browser)."""
    page.context.clear_cookies()
    if not by_keyboard:
        sign_in_browser(page, base, cast.users[who])
        page.goto(f"{base}/home")
    else:
        code = None
        if who in cast.two_factor:
            user = cast.users[who]
            ready_for_a_code(user)
            code = totp_code(user)
            db.session.commit()  # the test holds no transaction while the browser acts
        page.goto(f"{base}/auth/login")
        type_into(page, page.get_by_label("Email", exact=True), cast.emails[who])
        type_into(page, page.get_by_label("Password", exact=True), PASSWORD)
        page.keyboard.press("Enter")  # sends the form, as a browser does from a field
        if code is not None:
            expect(page.get_by_role("heading", level=1)).to_have_text("Enter your code")
            type_into(page, page.get_by_label("Code", exact=True), code)
            page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welcome,")
    assert_page_healthy(page)


def open_file(page: Page, reference: str) -> None:
    """From any page: the search box of the menu, then the file's link in the list."""
    type_into(page, page.get_by_label("Find an application by reference or title"), reference)
    page.keyboard.press("Enter")
    press(page, page.get_by_role("link", name=reference, exact=True))
    expect(page.locator(".state-badge")).to_be_visible()


def test_a_grant_from_proposal_to_closure_by_keyboard_alone(page, live_server, scene):  # noqa: F811
    base = live_server
    page.on("dialog", lambda dialog: dialog.accept())  # "are you sure?": Enter in a real one
    # Listening from the start, so the browser already hands its file chooser to the test when
    # Space opens it (a listener added just before the key press can lose that race).
    page.on("filechooser", lambda chooser: chooser.set_files(files=[
        {"name": "programme.pdf", "mimeType": "application/pdf", "buffer": PDF}]))

    log_in(page, base, scene, "applicant", by_keyboard=True)
    press(page, page.get_by_role("link", name="New grant proposal").first)
    type_into(page, page.get_by_label("Title", exact=True), "Lean management for SMEs")
    press(page, button(page, "Create the draft"))
    expect(page.get_by_role("alert")).to_contain_text("draft created")
    reference = page.get_by_role("alert").inner_text().split(":")[0].split()[-1]
    choose(page, page.get_by_label("Programme type"), "training_course")
    type_into(page, page.get_by_label("Objectives"), "Train 30 managers in lean methods.")
    type_into(page, page.get_by_label("Start date"),
              (date.today() + timedelta(days=60)).strftime("%m%d%Y"))
    type_into(page, page.get_by_label("End date"),
              (date.today() + timedelta(days=64)).strftime("%m%d%Y"))
    type_into(page, page.get_by_label("Venue country (ISO code, e.g. TH)"), "TH")
    type_into(page, page.get_by_label("Venue city"), "Bangkok")
    choose(page, page.get_by_label("Partner alumni societies"),
           page.get_by_label("Partner alumni societies").locator("option").first.get_attribute(
               "value"))
    type_into(page, page.get_by_label("Expected participants (in all)"), "30")
    type_into(page, page.locator('[name="participants-0-country_code"]'), "TH")
    type_into(page, page.locator('[name="participants-0-participants"]'), "30")
    budget = (("Lecturers", "500000", "wnf"), ("Venue", "200000", "own"))
    for row, (category, amount, source) in enumerate(budget):
        type_into(page, page.locator(f'[name="budget-{row}-category"]'), category)
        type_into(page, page.locator(f'[name="budget-{row}-amount_yen"]'), amount)
        choose(page, page.locator(f'[name="budget-{row}-funded_by"]'), source)
    press(page, button(page, "Save the draft"))
    done(page, "Requested from WNF: ¥500,000.", "Draft")
    press(page, page.get_by_role("link", name="Attach or remove files"))
    file_input = page.get_by_label("File (PDF, Word, Excel")
    tab_to(page, file_input)
    page.keyboard.press("Space")  # opens the chooser, which the listener above answers
    expect(file_input).to_have_value(re.compile(r"programme\.pdf$"))
    press(page, button(page, "Attach"))
    expect(page.get_by_role("alert")).to_contain_text("Attached programme.pdf.")
    open_file(page, reference)
    press(page, button(page, "Submit"))
    done(page, "It is now “Submitted”.", "Submitted")

    log_in(page, base, scene, "secretariat")
    open_file(page, reference)
    press(page, button(page, "Start screening"))
    done(page, "It is now “Screening”.", "Screening")
    for box in page.locator('input[name="items"]').all():
        press(page, box, "Space")
    press(page, button(page, "Save the checklist"))
    done(page, "checklist saved (7 ticked, 0 cleared)", "Screening")
    press(page, button(page, "Refer to the committee"))
    done(page, "It is now “Committee review”.", "Committee review")

    for who in ("member1", "member2"):
        log_in(page, base, scene, who)
        open_file(page, reference)
        press(page, page.get_by_label("Approve", exact=True), "Space")
        press(page, button(page, "Cast my vote"))
        done(page, "your vote is “Approve”.", "Committee review")

    log_in(page, base, scene, "chair", by_keyboard=True)  # with a code
    open_file(page, reference)
    press(page, page.get_by_role("link", name="Close the ballot"))  # the task on top
    type_into(page, page.get_by_label("Approved amount (¥)"), "500000")
    press(page, button(page, "Close the ballot"))
    done(page, "ballot 1 closed — approved.", "Approved")

    log_in(page, base, scene, "finance1")
    open_file(page, reference)
    press(page, page.get_by_role("link", name="Request a tranche"))
    type_into(page, page.get_by_label("Amount (yen)"), "500000")
    press(page, button(page, "Request a tranche"))
    done(page, "Tranche 1 of ¥500,000 requested", "Approved")
    log_in(page, base, scene, "finance2")
    open_file(page, reference)
    press(page, button(page, "Authorise"))
    done(page, "Tranche 1 of ¥500,000 released", "In implementation")

    log_in(page, base, scene, "applicant")
    open_file(page, reference)
    press(page, page.get_by_role("link", name="Write and submit the final report"))
    type_into(page, page.get_by_label("Outcomes"), "28 managers trained.")
    type_into(page, page.locator('[name="participants-0-participants"]'), "28")
    for row, amount in enumerate(("480000", "200000")):
        type_into(page, page.locator(f'[name="expenses-{row}-amount_yen"]'), amount)
    press(page, button(page, "Submit the final report"))
    done(page, "final report submitted to the secretariat.", "Final report under review")

    log_in(page, base, scene, "secretariat")
    open_file(page, reference)
    press(page, button(page, "Accept the report and close"))
    done(page, "It is now “Closed”.", "Closed")
