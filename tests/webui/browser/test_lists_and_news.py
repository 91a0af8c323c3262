"""The loans list and the notifications page in Chromium: filtering the loans by the
country they invest in, and news grouped per file with the next step and its link."""

from playwright.sync_api import expect

from models import LoanDetails, db, write_intent
from workflow.people.notifications import notify

from .conftest import assert_page_healthy
from .session_cookie import sign_in_browser


def test_the_loans_list_filters_by_investment_country_and_sorts(page, live_server, make_user,
                                                                make_application, make_org):
    for title, country, amount in (("Machining plant", "VN", 3_000_000),
                                   ("Sewing workshop", "TH", 1_000_000)):
        loan = make_application("loan", state="submitted", title=title, requested_yen=amount,
                                organisation=make_org(kind="company", country_code="JP"))
        loan.loan = LoanDetails(investment_country=country)
    secretariat = make_user("secretariat")
    db.session.commit()

    sign_in_browser(page, live_server, secretariat)
    page.goto(f"{live_server}/loans/")
    rows = page.locator("table.loans-list tbody tr")
    expect(rows).to_have_count(2)
    page.get_by_label("Country").fill("TH")
    page.get_by_role("button", name="Filter").click()
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Sewing workshop")
    expect(rows.first).to_contain_text("TH")
    page.get_by_role("link", name="Clear").click()
    page.get_by_role("link", name="Requested (¥)").click()
    expect(rows.first).to_contain_text("Machining plant")  # the largest first
    expect(page.get_by_role("link", name="Export CSV")).to_have_attribute(
        "href", "/loans/export.csv?sort=requested&direction=desc")
    assert_page_healthy(page)


def test_notifications_are_grouped_per_file_with_the_next_step(page, live_server, make_user,
                                                               make_application, make_org):
    society = make_org(name="Thai Alumni")
    person = make_user("applicant", organisation=society, name="Somchai")
    draft = make_application("grant", state="draft", organisation=society, title="Kaizen")
    db.session.commit()
    with write_intent(True):
        notify([person], "reminder", "Your draft waits for you.", draft)
        notify([person], "reminder", "Your draft still waits.", draft)
        db.session.commit()
    reference, ident = draft.reference, draft.id

    sign_in_browser(page, live_server, person)
    page.goto(f"{live_server}/notifications/")
    news = page.get_by_role("region", name=f"{reference} Kaizen")
    expect(news.locator("li")).to_have_count(2)
    expect(news).to_contain_text("2 new")
    expect(news.locator(".next-step")).to_contain_text("What you can do now: Submit")
    news.get_by_role("link", name=f"Open {reference}").click()
    expect(page).to_have_url(f"{live_server}/applications/{ident}")

    page.goto(f"{live_server}/notifications/")
    page.get_by_label("One email a day summing them up (the daily digest)").check()
    page.get_by_role("button", name="Save how we email you").click()
    expect(page.get_by_role("alert")).to_contain_text("one email a day")
    expect(page.get_by_label("One email a day summing them up (the daily digest)")).to_be_checked()
    assert_page_healthy(page)
