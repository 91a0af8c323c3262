"""An SME loan from the application to the last repayment, through the pages, with a spell
in arrears on the way (the daily job, run from the command line) and its cure by a payment.

The clock is frozen at 15 January 2027, the day the loan is released, so that the
schedule's dates are known; it moves to 18 March 2027 when the company falls behind.
"""

from __future__ import annotations

import functools
import io
import re
from datetime import date

import pytest
from freezegun import freeze_time
from sqlalchemy import func, select

from models import Application, Instalment, db
from tests.conftest import once_key
from tests.workflow.loans.documents import BUSINESS_PLAN, attach_documents

from . import pages
from .grant_steps import done, keyed_form, press, request_tranche, vote
from .pages import error_message, page, post, reload, text

RELEASED_ON = date(2027, 1, 15)
PDF = b"%PDF-1.4\n% signed by both parties\n%%EOF\n"
BADGES = {
    "draft": ("Draft", "Draft"),
    "submitted": ("Submitted", "Submitted"),
    "screening": ("Screening", "Under review by the secretariat"),
    "credit_assessment": ("Credit assessment", "Under credit assessment"),
    "committee_review": ("Committee review", "Under review by the committee"),
    "approved": ("Approved", "Approved"),
    "contracted": ("Contracted", "Agreement signed"),
    "active": ("Active", "Active: repaying"),
    "in_arrears": ("In arrears", "Payment overdue"),
    "repaid": ("Repaid", "Repaid in full"),
}
WATCHERS = ("applicant", "secretariat", "member1", "chair", "finance1", "finance2")
check = functools.partial(pages.check, badges=BADGES, watchers=WATCHERS)
# ¥1,000,000 at 6 % over 12 months, equal instalments (issue 5's vector):
# (no., due, interest, principal, payment, balance after)
VECTOR = {
    1: ("2027-02-15", 5_000, 81_066, 86_066, 918_934),
    2: ("2027-03-15", 4_595, 81_471, 86_066, 837_463),
    12: ("2028-01-15", 428, 85_642, 86_070, 0),
}
TOTAL_INTEREST = 32_796
INELIGIBLE = ("Hamamatsu Precision Parts is not an SME under the SME Basic Act: in manufacturing "
              "and other industries the capital must be at most ¥300,000,000 or the employees "
              "at most 300, and it has ¥400,000,000 and 350 employees.")


@pytest.fixture
def clock():
    # pytest's own clock stays real, so that its durations stay true.
    with freeze_time("2027-01-15 09:00:00", ignore=["_pytest"]) as frozen:
        yield frozen


def loan_form(cast, capital: str, employees: str) -> dict:
    return {"title": "Machining plant in Binh Duong", "round_id": str(cast.round.id),
            "requested_yen": "1,000,000", "term_months": "12", "investment_country": "VN",
            "project": "A CNC machining line for automotive parts.",
            "purpose": "Machines and the first year's working capital.",
            "industry": "manufacturing", "capital_yen": capital, "employees": employees}


def schedule_on(shown: str) -> dict[int, tuple]:
    """The schedule table of the loan page: number -> (due, interest, principal, payment,
    balance after)."""
    cell = r'\s*<td class="text-end">([\d,]+)</td>'
    rows = re.findall(r'data-number="(\d+)">\s*<td>\d+</td>'
                      + r'<td><time datetime="([\d-]+)">[^<]+</time></td>'
                      + cell * 5, shown)
    return {int(n): (due, *(int(v.replace(",", "")) for v in (i, p, pay, bal)))
            for n, due, i, p, pay, _paid, bal in rows}


def paid_on(shown: str) -> list[tuple[int, str]]:
    """(amount paid, status) of each instalment on the loan page, in order."""
    return [(int(paid.replace(",", "")), " ".join(status.split())) for paid, status in re.findall(
        r'<td class="text-end">([\d,]+)</td>\s*<td class="text-end">[\d,]+</td>\s*'
        r'<td><span class="badge[^"]*">([^<]*)</span>', shown)]


def repay(cast, who: str, loan, amount: str, reference: str):
    shown = page(cast, who, loan)
    key = re.search(r'name="repayment-idempotency_key"[^>]*value="([^"]+)"', shown).group(1)
    return post(cast.client(who), f"/loans/{loan.id}/repayments", data={
        "repayment-version": str(reload(loan).version), "repayment-idempotency_key": key,
        "repayment-received_on": date.today().isoformat(), "repayment-amount_yen": amount,
        "repayment-bank_reference": reference})


def arrears_job(app, today: str) -> str:
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["loans", "mark-arrears", "--today", today])
    assert result.exit_code == 0, result.output
    return result.output


def test_an_sme_loan_from_application_to_repaid(clock, loan_cast, app):
    cast = loan_cast
    applicant = cast.client("applicant")
    # Eligibility: the company first gives figures beyond both of the Act's thresholds.
    form_page = text(applicant.get("/loans/new"))
    assert cast.round.name in form_page
    shown = done(post(applicant, "/loans/new", data={
        **loan_form(cast, "400,000,000", "350"), **once_key(form_page)}))
    loan = db.session.scalar(select(Application))
    steps: list = []
    # The documents come first: without them the button says so. Staff do not see a draft.
    assert "Attach the business plan and the latest financial statements" in shown
    check(cast, loan, "draft", [], steps, applicant={"withdraw", "edit_loan", "documents"},
          hidden_from=WATCHERS[1:])
    attach_documents(applicant, loan)
    shown = page(cast, "applicant", loan)
    plan = re.search(r'href="(/loans/\d+/files/\d+)">business-plan.pdf<', shown).group(1)
    assert applicant.get(plan).data == BUSINESS_PLAN
    assert cast.client("secretariat").get(plan).status_code == 404
    assert INELIGIBLE in shown and 'disabled title="' + INELIGIBLE in shown
    refused = press(cast, "applicant", loan, "submit")
    assert refused.status_code == 409 and error_message(text(refused)) == INELIGIBLE
    done(post(applicant, f"/loans/{loan.id}/edit", data=loan_form(cast, "80,000,000", "120")))
    assert "Eligible under the SME Basic Act." in done(press(cast, "applicant", loan, "submit"))
    steps.append(("submit", "draft", "submitted"))
    check(cast, loan, "submitted", [], steps, applicant={"withdraw"},
          secretariat={"start_screening"})

    done(press(cast, "secretariat", loan, "start_screening"))
    steps.append(("start_screening", "submitted", "screening"))
    check(cast, loan, "screening", [], steps, applicant={"withdraw"},
          secretariat={"request_revision", "reject", "refer_to_assessment"})
    done(press(cast, "secretariat", loan, "refer_to_assessment"))
    steps.append(("refer_to_assessment", "screening", "credit_assessment"))
    check(cast, loan, "credit_assessment", [], steps, secretariat={"assessment"})
    done(post(cast.client("secretariat"), f"/loans/{loan.id}/assessment", data={
        "assessment-version": str(reload(loan).version), "assessment-risk_grade": "B",
        "assessment-notes": "Sound order book; the parent guarantees.",
        "assessment-amount_yen": "1,000,000", "assessment-annual_rate": "6",
        "assessment-term_months": "12", "assessment-grace_months": "0",
        "assessment-method": "annuity"}))
    steps.append(("complete_assessment", "credit_assessment", "committee_review"))
    check(cast, loan, "committee_review", [], steps, member1={"vote", "conflict"},
          chair={"close", "conflict"})

    for who in ("member1", "member2", "member3"):
        done(vote(cast, who, loan, "approve"))
    shown = done(post(cast.client("chair"), f"/committee/applications/{loan.id}/close", data={
        "version": str(reload(loan).version), "approved_yen": "1,000,000",
        "conditions": "Quarterly reports on the plant.", "casting_vote": "",
        "annual_rate": "6", "term_months": "12", "grace_months": "0", "method": "annuity"}))
    assert f"{loan.reference}: ballot 1 closed — approved." in shown
    steps.append(("decide", "committee_review", "approved"))
    money = [("commitment", 1_000_000)]
    check(cast, loan, "approved", money, steps, secretariat={"agreement", "cancel"})

    done(post(cast.client("secretariat"), f"/loans/{loan.id}/agreement", data={
        "agreement-version": str(reload(loan).version),
        "agreement-agreement_date": "2027-01-15",  # the day of the approval, not before
        "agreement-agreement_file": (io.BytesIO(PDF), "loan-agreement.pdf")},
        content_type="multipart/form-data"))
    steps.append(("sign_agreement", "approved", "contracted"))
    check(cast, loan, "contracted", money, steps, secretariat={"cancel"},
          finance1={"request_tranche"}, finance2={"request_tranche"})
    signed = re.search(r'signed 15 January 2027 · <a class="agreement-file" href="([^"]+)">'
                       r'loan-agreement.pdf</a>', page(cast, "applicant", loan))
    for who in ("applicant", "finance1"):
        assert cast.client(who).get(signed.group(1)).data == PDF

    done(request_tranche(cast, "finance1", loan, "1,000,000"))
    url, key = keyed_form(page(cast, "finance2", loan), r"/finance/tranches/\d+/authorise")
    done(post(cast.client("finance2"), url, data={"idempotency_key": key}))
    steps.append(("release_tranche", "contracted", "active"))
    money.append(("disbursement", 1_000_000))
    check(cast, loan, "active", money, steps, finance1={"repayment"}, finance2={"repayment"})

    # The schedule, drawn at the release, exact to the yen (also as the applicant sees it).
    shown = schedule_on(page(cast, "applicant", loan))
    assert sorted(shown) == list(range(1, 13))
    assert {n: shown[n] for n in VECTOR} == VECTOR
    assert all(shown[n][3] == 86_066 for n in range(1, 12))
    assert sum(row[2] for row in shown.values()) == 1_000_000
    assert sum(row[1] for row in shown.values()) == TOTAL_INTEREST
    assert reload(loan).loan.first_release_on == RELEASED_ON

    # Instalment 1 (due 15 February) is still unpaid 30 days on: within the grace days.
    assert arrears_job(app, "2027-03-17") == "0 loan(s) moved to arrears.\n"
    assert arrears_job(app, "2027-03-18") == (
        f"{loan.reference}: in arrears — instalment 1 due 2027-02-15 is 31 days overdue "
        "(¥86,066 unpaid).\n1 loan(s) moved to arrears.\n")
    steps.append(("mark_arrears", "active", "in_arrears"))
    check(cast, loan, "in_arrears", money, steps, finance1={"repayment", "write_off_request"},
          finance2={"repayment", "write_off_request"})

    clock.move_to("2027-03-18 10:00:00")
    cast.log_in_again()  # everyone's session lapsed in the two months
    # ¥50,000: delay damages and interest first — 31 days on instalment 1's ¥81,066 of
    # principal at 14.6 % (1,005) and its ¥5,000; 3 days on instalment 2's ¥81,471 (98) and
    # its ¥4,595 — then ¥39,302 of instalment 1's principal: it is still late.
    assert "¥50,000 recorded." in done(repay(cast, "finance1", loan, "50,000", "MUFG-0318-1"))
    steps.append(("record_repayment", "in_arrears", "in_arrears"))
    money += [("repayment_damages", 1_103), ("repayment_interest", 9_595),
              ("repayment_principal", 39_302)]
    assert reload(loan).state == "in_arrears"
    assert paid_on(page(cast, "applicant", loan))[:3] == [
        (44_302, "overdue, past the grace days"), (4_595, "overdue"), (0, "due")]
    # The rest of instalment 1 cures it: instalment 2 is only 3 days late.
    done(repay(cast, "finance1", loan, "41,764", "MUFG-0318-2"))
    steps.append(("record_repayment", "in_arrears", "active"))
    money.append(("repayment_principal", 41_764))
    check(cast, loan, "active", money, steps, finance1={"repayment"}, finance2={"repayment"})

    # Paid off the same day: the principal not yet repaid and the interest to the day —
    # 3 of the 31 days of instalment 3's period on ¥837,463 (4,187.32 × 3/31 → 405) —
    # never the interest of the months to come.
    owed = 1_000_000 - 81_066 + 405
    refused = repay(cast, "finance2", loan, f"{owed + 1:,}", "MUFG-0318-3")
    assert refused.status_code == 200 and refused.via is None  # the form again, with why
    assert (f"¥{owed + 1:,} is more than the ¥{owed:,} outstanding on this loan on 18 March "
            "2027 (principal ¥918,934, interest to that day ¥405, delay damages ¥0); record "
            "at most the amount outstanding.") in text(refused)
    done(repay(cast, "finance2", loan, f"{owed:,}", "MUFG-0318-3"))
    steps.append(("record_repayment", "active", "repaid"))
    money += [("repayment_interest", 405), ("repayment_principal", 918_934)]
    check(cast, loan, "repaid", money, steps)
    paid = db.session.execute(select(func.sum(Instalment.paid_principal_yen),
                                     func.sum(Instalment.paid_interest_yen),
                                     func.sum(Instalment.paid_damages_yen))).one()
    assert tuple(paid) == (1_000_000, 5_000 + 4_595 + 405, 1_103)
    fund_page = text(cast.client("finance1").get("/funds/SME"))
    for figure, amount in (("cash", 50_000_000 + 10_000 + 1_103), ("committed", 0),
                           ("loans", 0)):
        assert f'data-figure="{figure}">¥{amount:,}<' in fund_page, figure
    verified = app.test_cli_runner().invoke(args=["audit", "verify"])
    assert verified.exit_code == 0, verified.output
