"""The pages of one file run the same statements however many rows the file has.

A full grant (partners, budget, files, checklist, notes, ballot, tranches, final
report) and a running loan (schedule, repayments) are shown with few rows of each
and with many: the count must not move, and stays within the limit.
"""

import html
import re
from datetime import date, timedelta
from secrets import token_hex

import pytest

from models import (
    Attachment,
    Ballot,
    BudgetLine,
    Comment,
    ConflictDeclaration,
    FinalReport,
    GrantDetails,
    GrantPartner,
    ParticipantCountry,
    ReportExpense,
    ReportParticipant,
    ScreeningCheck,
    Tranche,
    Vote,
    db,
    utcnow,
    write_intent,
)
from tests.workflow.loans.conftest import repay
from webui.file_lists import listing
from workflow.engine import audit
from workflow.grants.screening import CHECKLIST
from workflow.money import ledger

from .test_query_counts import MAX_STATEMENTS, counting

COUNTRIES = ["TH", "VN", "KE", "IN", "PH", "ID", "MY", "LK"]


def _full_grant(rows: int, make_application, make_user, make_org):
    """A grant with its report submitted and `rows` of everything a page of it lists,
    each row by a different person (so that a per-row lookup of a name would show)."""
    staff = [make_user("secretariat", "committee_member", "finance_officer")
              for _ in range(rows + 1)]
    application = make_application("grant", state="report_submitted")
    partners = [make_org() for _ in range(rows)]  # before the file's rows: one transaction
    with write_intent(True):
        application.approved_yen = 1_000_000
        db.session.add(GrantDetails(application=application, objectives="Train supervisors.",
                                    programme_type="seminar", venue_country="TH"))
        for n in range(rows):
            person = staff[n]
            db.session.add_all([
                GrantPartner(application_id=application.id, organisation_id=partners[n].id),
                ParticipantCountry(application_id=application.id, country_code=COUNTRIES[n],
                                   participants=5 + n),
                BudgetLine(application_id=application.id, position=n, category=f"Line {n}",
                           amount_yen=10_000, funded_by="wnf"),
                Attachment(application_id=application.id, original_name=f"f{n}.pdf",
                           stored_name=token_hex(16), content_type="application/pdf",
                           size_bytes=1000, sha256="0" * 64, uploaded_by_id=person.id),
                Comment(application_id=application.id, author_id=person.id, body=f"Note {n}",
                        visibility="staff"),
                Tranche(application_id=application.id, number=n + 1, amount_yen=1000,
                        state="released", requested_by_id=person.id,
                        authorised_by_id=staff[n + 1].id, released_at=utcnow()),
            ])
        db.session.add_all(ScreeningCheck(application_id=application.id, item=item,
                                          checked_by_id=staff[n % rows].id)
                           for n, (item, _) in enumerate(CHECKLIST[:rows]))
        ballot = Ballot(application_id=application.id, number=1, state="closed",
                        closed_at=utcnow(), outcome="approved", eligible_count=rows,
                        approvals=rows, rejections=0, abstentions=0)
        db.session.add(ballot)
        db.session.flush()
        db.session.add_all(Vote(ballot_id=ballot.id, member_id=p.id, choice="approve")
                           for p in staff[:rows])
        db.session.add(ConflictDeclaration(ballot_id=ballot.id, member_id=staff[rows].id,
                                           reason="A relative"))
        db.session.add(FinalReport(application=application, outcomes="Done.",
                                   submitted_at=utcnow()))
        db.session.flush()
        db.session.add_all(ReportParticipant(report_id=application.id,
                                             country_code=COUNTRIES[n], participants=4)
                           for n in range(rows))
        db.session.add_all(ReportExpense(report_id=application.id, position=n,
                                         category=f"Line {n}", amount_yen=9_000,
                                         funded_by="wnf") for n in range(rows))
        ledger.post(application.fund, "disbursement", 1000 * rows, actor=None,
                    application=application)
        for n in range(rows * 5):  # the timeline: 10 events, or 30
            audit.record("note", actor=staff[n % rows], object_type="application",
                         object_id=application.id, data={"comment": f"Event {n}"})
        db.session.commit()
    return application


def _count(client, url) -> int:
    client.get(url)  # warm caches (Jinja, SQLAlchemy's compiled statements)
    with counting(db.engine) as statements:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(statements)


@pytest.mark.parametrize("page", ["/applications/{id}", "/committee/applications/{id}"])
def test_a_full_grant_page_runs_the_same_statements_for_2_or_6_rows_of_everything(
        app, client, login_as, make_application, make_user, make_org, page):
    login_as("secretariat", "committee_member", "finance_officer", "auditor", "committee_chair")
    counts = [_count(client, page.format(id=_full_grant(rows, make_application, make_user,
                                                         make_org).id))
              for rows in (2, 6)]
    assert counts[0] == counts[1], (page, counts)
    assert counts[1] <= MAX_STATEMENTS, (page, counts)


def test_a_loan_page_runs_the_same_statements_for_a_short_or_long_schedule(
        app, client, login_as, active_loan, people):
    login_as("secretariat", "finance_officer", "auditor", "committee_member")
    counts = []
    for term, payments in ((4, 1), (24, 5)):
        loan = active_loan(term=term, amount=2_400_000)
        start = date(2024, 2, 15)
        for n in range(payments):
            repay(loan, people.finance, 50_000, start + timedelta(days=30 * n))
        counts.append(_count(client, f"/applications/{loan.id}"))
    assert counts[0] == counts[1], counts
    assert counts[1] <= MAX_STATEMENTS, counts


@pytest.mark.parametrize("page", ["/loans/", "/finance/", "/home", "/applications/?fund=SME"])
def test_loan_lists_do_not_grow_with_the_loans(app, client, login_as, active_loan, people,
                                               page):
    login_as("secretariat", "finance_officer", "auditor", "committee_member")
    counts = []
    for size in (2, 5):
        for _ in range(size - (2 if counts else 0)):
            loan = active_loan()
            repay(loan, people.finance, 50_000, date(2024, 2, 15))
        counts.append(_count(client, page))
    assert counts[0] == counts[1], (page, counts)
    assert counts[1] <= MAX_STATEMENTS, (page, counts)


def test_the_screening_queue_does_not_grow_with_the_proposals(app, client, login_as,
                                                              make_application, make_org):
    login_as("secretariat")
    counts = []
    for size in (2, 8):
        for _ in range(size - (2 if counts else 0)):
            make_application("grant", state="screening", organisation=make_org())
        counts.append(_count(client, "/grants/screening"))
    assert counts[0] == counts[1], counts
    assert counts[1] <= MAX_STATEMENTS, counts


def test_a_page_reached_by_cursor_runs_what_the_first_does(app, client, login_as,
                                                           make_application, make_org,
                                                           monkeypatch):
    monkeypatch.setattr(listing, "PER_PAGE", 5)
    login_as("auditor")
    org = make_org(country_code="TH")
    for n in range(12):
        make_application("grant", organisation=org, title=f"Course {n}")
    first = "/applications/?country=TH&sort=title"
    body = client.get(first).get_data(as_text=True)
    second = html.unescape(re.search(r'rel="next" href="([^"]+)"', body).group(1))
    third = html.unescape(re.search(r'rel="next" href="([^"]+)"',
                                    client.get(second).get_data(as_text=True)).group(1))
    counts = [_count(client, url) for url in (first, second, third)]
    assert counts[0] == counts[1] == counts[2], counts
    assert counts[0] <= MAX_STATEMENTS, counts
