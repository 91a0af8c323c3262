"""The money pages in Chromium: the grants' world map drawn offline from vendored files,
and a company's home page with its schedule to download."""

from datetime import date

from playwright.sync_api import expect

from models import Instalment, LedgerEntry, db, write_intent
from workflow.money import ledger

from .conftest import assert_page_healthy
from .session_cookie import sign_in_browser


def test_the_portfolio_draws_the_grants_map_from_files_the_app_serves(page, live_server,
                                                                       make_user,
                                                                       make_application,
                                                                       make_org):
    grant = make_application("grant", state="in_implementation",
                             organisation=make_org(country_code="TH"))
    db.session.commit()
    with write_intent(True):
        ledger.post(grant.fund, "donation", 5_000_000, actor=None)
        ledger.post(grant.fund, "disbursement", 1_200_000, actor=None, application=grant,
                    booked_on=date.today())
        db.session.commit()
    user = make_user("secretariat", name="Sato")
    db.session.commit()
    outside: list[str] = []
    page.on("request", lambda request: None if request.url.startswith(live_server)
            else outside.append(request.url))

    sign_in_browser(page, live_server, user)
    page.goto(f"{live_server}/portfolio/")
    expect(page.get_by_role("heading", name="WNF grants")).to_be_visible()
    expect(page.get_by_role("heading", name="SME loans")).to_be_visible()
    canvas = page.locator("#grant-map")
    expect(canvas).to_have_attribute("data-ready", "yes")
    expect(canvas).to_have_attribute("data-countries", "1")
    box = canvas.bounding_box()
    assert box and box["width"] > 300 and box["height"] > 100
    # Something was drawn: the canvas is not blank.
    painted = canvas.evaluate(
        "c => c.getContext('2d').getImageData(0, 0, c.width, c.height).data"
        ".some((v, i) => i % 4 === 3 && v > 0)")
    assert painted
    expect(page.locator("table.grant-countries")).to_contain_text("1,200,000")
    assert outside == []
    assert_page_healthy(page)


def test_a_company_downloads_its_schedule_from_the_home_page(page, live_server, make_org,
                                                             make_user, make_application):
    company = make_org(kind="company", country_code="JP", name="Osaka Tools")
    user = make_user("applicant", organisation=company, name="Hayashi")
    loan = make_application("loan", state="active", organisation=company, title="Plant")
    for number in (1, 2):
        db.session.add(Instalment(application_id=loan.id, number=number,
                                  due_on=date(2099, number, 28), principal_yen=50_000,
                                  interest_yen=1_000, balance_after_yen=100_000 - 50_000 * number))
    db.session.commit()
    with write_intent(True):
        ledger.post(loan.fund, "donation", 500_000, actor=None)
        ledger.post(loan.fund, "disbursement", 100_000, actor=None, application=loan)
        db.session.commit()
    reference = loan.reference
    assert db.session.query(LedgerEntry).count() == 2

    sign_in_browser(page, live_server, user)
    page.goto(f"{live_server}/home")
    statement = page.locator(f'[data-loan="{reference}"]')
    expect(statement).to_contain_text("¥51,000 due on 28 January 2099")
    expect(statement).to_contain_text("¥100,000")
    with page.expect_download() as download:
        statement.get_by_role("link", name=f"Download CSV of {reference}").click()
    assert download.value.suggested_filename == f"{reference}-schedule.csv"
    with page.expect_download() as download:
        statement.get_by_role("link", name=f"Download PDF of {reference}").click()
    assert download.value.suggested_filename == f"{reference}-schedule.pdf"
    assert_page_healthy(page)
