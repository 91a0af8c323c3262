"""A WNF grant from proposal to closure, clicked through in headless Chromium.

Each user logs in in turn (two-factor users type the code their authenticator shows), fills
the forms and presses the buttons; after each step the test reads the state badge and the
flash, and checks that the page loaded cleanly with its stepper on top.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from playwright.sync_api import Page, expect

from models import User, db, write_intent
from tests.conftest import PASSWORD, ready_for_a_code, totp_code
from workflow.money import ledger
from workflow.people.security import requires_second_factor

from .conftest import assert_page_healthy, browser_login

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
RECUSED = "You are recused: you are a member of Alumni Society of Viet Nam, a partner society."


@dataclass
class Scene:
    users: dict[str, User]
    emails: dict[str, str]  # read once, so that the test holds no transaction later
    two_factor: set[str]  # who logs in with a code
    partner: str


@pytest.fixture
def scene(make_fund, make_round, make_org, make_user) -> Scene:
    fund = make_fund("WNF")
    make_round(fund, name="WNF FY2026", cap_yen=2_000_000, min_own_percent=20)
    society = make_org(name="Alumni Society of Thailand", country_code="TH")
    partner = make_org(name="Alumni Society of Viet Nam", country_code="VN")
    users = {
        "applicant": make_user("applicant", organisation=society, name="Somchai"),
        "secretariat": make_user("secretariat", name="Sato"),
        "member1": make_user("committee_member", organisation=make_org(), name="Member 1"),
        "member2": make_user("committee_member", organisation=make_org(), name="Member 2"),
        "member3": make_user("committee_member", organisation=make_org(), name="Member 3"),
        "recused": make_user("committee_member", organisation=partner, name="Member 4"),
        "chair": make_user("committee_chair", name="Chiba"),
        "finance1": make_user("finance_officer", name="Fujita"),
        "finance2": make_user("finance_officer", name="Fukuda"),
    }
    with write_intent(True):
        ledger.post(fund, "donation", 5_000_000, actor=None, memo="Donations")
        db.session.commit()
    scene = Scene(users, {k: u.email for k, u in users.items()},
                  {k for k, u in users.items() if requires_second_factor(u)}, partner.name)
    db.session.commit()
    return scene


def log_in(page: Page, base: str, scene: Scene, who: str) -> None:
    """Log out whoever was in, then log in as `who` (with the current code if required)."""
    page.context.clear_cookies()
    code = None
    if who in scene.two_factor:
        user = scene.users[who]
        ready_for_a_code(user)  # enrolled, as if they had scanned the QR code earlier
        code = totp_code(user)
        db.session.commit()  # the test holds no transaction while the browser acts
    browser_login(page, base, scene.emails[who], PASSWORD, code=code)
    assert_page_healthy(page)  # the home page


def open_file(page: Page, base: str, url: str) -> None:
    page.goto(f"{base}{url}")
    healthy(page)


def healthy(page: Page) -> None:
    """The application page loaded cleanly, its stepper marking the file's step."""
    expect(page.locator('.stepper [aria-current="step"]')).to_be_visible()
    assert_page_healthy(page)


def done(page: Page, flash: str, badge: str) -> None:
    """After a step: its flash, the file's state badge, a clean page with its stepper."""
    expect(page.get_by_role("alert").filter(has_text=flash)).to_be_visible()
    expect(page.locator(".state-badge")).to_have_text(badge)
    healthy(page)


def press(page: Page, name: str) -> None:
    page.get_by_role("button", name=name, exact=True).click()


def test_a_grant_clicked_through_from_proposal_to_closure(page, live_server, scene):
    base = live_server
    page.on("dialog", lambda dialog: dialog.accept())  # the "are you sure?" confirmations

    # The applicant drafts the proposal, attaches the programme and submits.
    log_in(page, base, scene, "applicant")
    page.goto(f"{base}/grants/new")
    page.get_by_label("Title", exact=True).fill("Kaizen training for SME supervisors")
    press(page, "Create the draft")
    expect(page.get_by_role("alert")).to_contain_text("draft created")
    url = page.url.removeprefix(base).removesuffix("/edit").replace("/grants/", "/applications/")
    page.get_by_label("Programme type").select_option("training_course")
    page.get_by_label("Objectives").fill("Train 30 supervisors in kaizen and 5S.")
    page.get_by_label("Start date").fill((date.today() + timedelta(days=60)).isoformat())
    page.get_by_label("End date").fill((date.today() + timedelta(days=64)).isoformat())
    page.get_by_label("Venue country (ISO code, e.g. TH)").fill("TH")
    page.get_by_label("Venue city").fill("Bangkok")
    page.get_by_label("Partner alumni societies").select_option(label=f"{scene.partner} (VN)")
    page.get_by_label("Expected participants (in all)").fill("30")
    for row, (country, count) in enumerate((("TH", "20"), ("VN", "10"))):
        page.locator(f'[name="participants-{row}-country_code"]').fill(country)
        page.locator(f'[name="participants-{row}-participants"]').fill(count)
    for _ in range(2):  # two blank lines are offered; grants.js adds the others in place
        press(page, "Add a budget line")
    budget = (("Lecturers", "500,000", "wnf"), ("Travel", "300,000", "wnf"),
              ("Venue", "300,000", "own"), ("Materials", "100,000", "partner"))
    for row, (category, amount, source) in enumerate(budget):
        page.locator(f'[name="budget-{row}-category"]').fill(category)
        page.locator(f'[name="budget-{row}-amount_yen"]').fill(amount)
        page.locator(f'[name="budget-{row}-funded_by"]').select_option(source)
    assert_page_healthy(page)
    press(page, "Save the draft")
    done(page, "Requested from WNF: ¥800,000.", "Draft")
    expect(page.locator("[data-own-share]")).to_contain_text("Own share: 25 %")
    page.get_by_role("link", name="Attach or remove files").click()
    page.get_by_label("File (PDF, Word, Excel").set_input_files(
        files=[{"name": "programme.pdf", "mimeType": "application/pdf", "buffer": PDF}])
    press(page, "Attach")
    expect(page.get_by_role("alert")).to_contain_text("Attached programme.pdf.")
    assert_page_healthy(page)
    open_file(page, base, url)
    press(page, "Submit")
    done(page, "It is now “Submitted”.", "Submitted")

    # The secretariat screens it, ticks the checklist and refers it to the committee.
    log_in(page, base, scene, "secretariat")
    open_file(page, base, url)
    press(page, "Start screening")
    done(page, "It is now “Screening”.", "Screening")
    for box in page.locator('input[name="items"]').all():
        box.check()
    press(page, "Save the checklist")
    done(page, "checklist saved (7 ticked, 0 cleared)", "Screening")
    press(page, "Refer to the committee")
    done(page, "It is now “Committee review”.", "Committee review")

    # The committee: the partner society's member is recused and told why; three vote.
    log_in(page, base, scene, "recused")
    open_file(page, base, url)
    expect(page.locator("[data-recusal]")).to_have_text(RECUSED)
    expect(page.get_by_role("button", name="Cast my vote")).to_have_count(0)
    for who, choice in (("member1", "Approve"), ("member2", "Approve"), ("member3", "Reject")):
        log_in(page, base, scene, who)
        open_file(page, base, url)
        page.get_by_label(choice, exact=True).check()
        press(page, "Cast my vote")
        done(page, f"your vote is “{choice}”.", "Committee review")

    # The chair reads the tally and closes the ballot with an amount and conditions.
    log_in(page, base, scene, "chair")
    open_file(page, base, url)
    tally = page.locator("#committee .tally")
    expect(tally.locator('[data-tally="approvals"]')).to_have_text("2")
    expect(tally.locator('[data-tally="eligible"]')).to_have_text("3")
    expect(tally.locator('[data-tally="quorum_met"]')).to_have_text("met")
    page.get_by_label("Approved amount (¥)").fill("700,000")
    page.get_by_label("Conditions").fill("Share the training materials with the partners.")
    press(page, "Close the ballot")
    done(page, "ballot 1 closed — approved.", "Approved")
    expect(page.get_by_text("Conditions of approval:")).to_be_visible()

    # Four eyes: one finance officer requests the tranche, the other authorises it.
    log_in(page, base, scene, "finance1")
    open_file(page, base, url)
    page.get_by_label("Amount (yen)").fill("600,000")
    press(page, "Request a tranche")
    done(page, "Tranche 1 of ¥600,000 requested", "Approved")
    expect(page.locator('[data-blocked="authorise"]')).to_have_text(
        "You requested this tranche; another finance officer must authorise it.")
    expect(page.get_by_role("button", name="Authorise")).to_have_count(0)
    log_in(page, base, scene, "finance2")
    open_file(page, base, url)
    press(page, "Authorise")
    done(page, "Tranche 1 of ¥600,000 released", "In implementation")

    # The applicant reports; ¥550,000 of the ¥600,000 was spent on WNF's lines.
    log_in(page, base, scene, "applicant")
    open_file(page, base, url)
    page.get_by_role("link", name="Write the final report").click()
    page.get_by_label("Outcomes").fill("28 supervisors trained; 5S adopted in 12 plants.")
    for row, count in enumerate(("19", "9")):
        page.locator(f'[name="participants-{row}-participants"]').fill(count)
    for row, amount in enumerate(("480,000", "70,000", "310,000", "100,000")):
        page.locator(f'[name="expenses-{row}-amount_yen"]').fill(amount)
    assert_page_healthy(page)
    press(page, "Submit the final report")
    done(page, "final report submitted to the secretariat.", "Final report under review")
    expect(page.locator("[data-unspent]")).to_have_text("50,000")

    # The secretariat accepts the report: the grant is closed.
    log_in(page, base, scene, "secretariat")
    open_file(page, base, url)
    press(page, "Accept the report and close")
    done(page, "It is now “Closed”.", "Closed")
    expect(page.get_by_text("Nothing waits for you on this file now.")).to_be_visible()
