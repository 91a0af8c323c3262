"""The chair closes the ballot through service.fire("decide"): outcome, money, terms."""

from decimal import Decimal

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from models import Ballot, Fund, LedgerEntry, db
from tests.conftest import fire
from workflow.committee import ballots, lists, tally
from workflow.engine import audit
from workflow.engine.errors import TransitionRefused
from workflow.money import ledger

from .conftest import act, audit_count, audit_events


def _vote_all(application, voters, choices):
    for member, choice in zip(voters, choices, strict=True):
        act(ballots.cast_vote, application, member, choice)


def _ballots(application) -> list[Ballot]:
    db.session.expire_all()
    return list(db.session.scalars(select(Ballot).where(Ballot.application_id == application.id)
                                   .order_by(Ballot.number)))


def _commitments(application) -> int:
    return ledger.application_totals(application).get("commitment", 0)


@pytest.mark.parametrize("casting, outcome, state", [
    ("approve", "approved", "approved"),
    ("reject", "rejected", "rejected"),
])
def test_a_tie_is_settled_by_the_chairs_deciding_vote(app, in_committee, members, chair,
                                                      casting, outcome, state):
    application = in_committee()
    _vote_all(application, members(4), ["approve", "approve", "reject", "reject"])
    fire(application, "decide", chair, casting_vote=casting)
    [ballot] = _ballots(application)
    assert (application.state, ballot.outcome, ballot.casting_vote) == (state, outcome, casting)
    [event] = audit_events("decide")
    assert (event.data["outcome"], event.data["casting_vote"]) == (outcome, casting)
    assert (event.data["approvals"], event.data["rejections"]) == (2, 2)
    assert _commitments(application) == (1_000_000 if outcome == "approved" else 0)


@pytest.mark.parametrize("casting", [None, ""])
def test_a_tie_without_the_deciding_vote_is_refused_and_changes_nothing(
        app, in_committee, members, chair, casting):
    application = in_committee()
    _vote_all(application, members(5), ["approve", "approve", "reject", "reject", "abstain"])
    version = application.version
    with pytest.raises(TransitionRefused) as refused:
        fire(application, "decide", chair, casting_vote=casting)
    assert str(refused.value) == ("The votes are tied 2–2: cast the deciding vote to close the "
                                  "ballot.")
    [ballot] = _ballots(application)
    assert (application.state, application.version) == ("committee_review", version)
    assert (ballot.state, ballot.outcome, ballot.closed_at) == ("open", None, None)
    assert audit_count("decide") == 0 and _commitments(application) == 0


def test_the_deciding_vote_is_ignored_when_there_is_no_tie(app, in_committee, members, chair):
    application = in_committee()
    _vote_all(application, members(3), ["approve", "approve", "reject"])
    fire(application, "decide", chair, casting_vote="reject")
    [ballot] = _ballots(application)
    assert (ballot.outcome, ballot.casting_vote) == ("approved", None)


def test_deferral_opens_the_next_ballot_and_voting_continues_there(
        app, in_committee, members, chair):
    application = in_committee()
    voters = members(5)
    _vote_all(application, voters[:1], ["approve"])
    act(ballots.declare_conflict, application, voters[4], "I advise the society.")
    fire(application, "decide", chair)  # 1 vote of the 2 needed among 4 eligible

    first, second = _ballots(application)
    assert application.state == "committee_review"
    assert (first.state, first.outcome, first.approvals, first.eligible_count) == (
        "closed", "deferred", 1, 4)
    assert (second.number, second.state) == (2, "open")
    [event] = audit_events("decide")
    assert (event.data["outcome"], event.data["next_ballot"]) == ("deferred", 2)
    assert len(audit_events("ballot_opened")) == 2

    # Votes start afresh; a declared conflict still holds.
    assert tally.tally(second).cast == 0 and tally.tally(second).eligible == 4
    assert "declared a conflict" in ballots.recusal_reason(second, voters[4])
    assert second in lists.ballots_awaiting(voters[0])
    _vote_all(application, voters[:3], ["reject", "reject", "approve"])
    fire(application, "decide", chair)
    first, second = _ballots(application)
    assert (application.state, second.outcome, second.rejections) == ("rejected", "rejected", 2)
    assert first.approvals == 1  # the first ballot's record is kept as it closed


def test_approval_reserves_the_amount_and_stores_the_conditions(app, in_committee, members,
                                                                chair):
    application = in_committee(requested_yen=1_500_000)
    _vote_all(application, members(3), ["approve", "approve", "abstain"])
    fire(application, "decide", chair, approved_yen=1_200_000,
         conditions="Report participants by country.")
    db.session.expire_all()
    assert (application.state, application.approved_yen) == ("approved", 1_200_000)
    assert application.grant.conditions == "Report participants by country."
    assert ledger.outstanding_commitment(application) == 1_200_000
    [event] = audit_events("decide")
    assert event.data["approved_yen"] == 1_200_000
    assert audit.verify().ok


def test_approval_without_an_amount_approves_the_amount_requested(app, in_committee, members,
                                                                  chair):
    application = in_committee(requested_yen=800_000)
    _vote_all(application, members(1), ["approve"])
    fire(application, "decide", chair, approved_yen=None)
    db.session.expire_all()
    assert application.approved_yen == 800_000 == ledger.outstanding_commitment(application)


def test_an_approval_the_fund_cannot_cover_is_refused_and_undone(app, in_committee, members,
                                                                 chair):
    application = in_committee(requested_yen=1_000_000, funded=300_000)
    _vote_all(application, members(3), ["approve", "approve", "approve"])
    with pytest.raises(TransitionRefused) as refused:
        fire(application, "decide", chair, approved_yen=900_000)
    assert str(refused.value) == ("The WNF fund has ¥300,000 available; approving ¥900,000 "
                                  "would take it below zero (short by ¥600,000).")
    [ballot] = _ballots(application)
    assert (application.state, application.approved_yen) == ("committee_review", None)
    assert (ballot.state, ballot.outcome) == ("open", None)
    assert db.session.scalars(select(LedgerEntry).where(
        LedgerEntry.kind == "commitment")).all() == []
    # The same ballot can still be closed once the amount fits.
    fire(application, "decide", chair, approved_yen=300_000)
    assert ledger.balances(db.session.scalar(select(Fund))).available == 0


def test_the_reserve_itself_refuses_when_the_guard_is_passed(app, in_committee, members, chair,
                                                             monkeypatch):
    """The guard reads without the fund lock; the reserve under the lock has the last word."""
    from workflow.engine import rules

    application = in_committee(funded=100_000)
    _vote_all(application, members(1), ["approve"])
    monkeypatch.setitem(rules.GUARDS, "funds_available", lambda step: None)
    with pytest.raises(TransitionRefused, match="short by ¥900,000"):
        fire(application, "decide", chair)
    [ballot] = _ballots(application)
    assert (application.state, ballot.state) == ("committee_review", "open")
    assert audit_count("decide") == 0 and audit_count("ledger.commitment") == 0


@pytest.mark.parametrize("amount, shown", [(1_000_001, "¥1,000,001"), (0, "¥0"),
                                           (-5, "¥-5")])
def test_an_approved_amount_outside_one_to_requested_is_refused(app, in_committee, members,
                                                                chair, amount, shown):
    application = in_committee(requested_yen=1_000_000)
    _vote_all(application, members(1), ["approve"])
    with pytest.raises(TransitionRefused) as refused:
        fire(application, "decide", chair, approved_yen=amount)
    assert str(refused.value) == ("The approved amount must be between ¥1 and the ¥1,000,000 "
                                  f"requested; {shown} was given.")
    assert refused.value.field == "approved_yen"
    [ballot] = _ballots(application)
    assert (application.state, ballot.state) == ("committee_review", "open")


def test_a_recused_chair_may_not_close_the_ballot(app, in_committee, members, make_user,
                                                  make_org):
    society = make_org(name="Alumni Society of Chile", country_code="CL")
    application = in_committee(organisation=society)
    _vote_all(application, members(1), ["approve"])
    recused_chair = make_user("committee_chair", organisation=society)
    with pytest.raises(TransitionRefused) as refused:
        fire(application, "decide", recused_chair, casting_vote="approve")
    assert str(refused.value) == (
        "You are recused: you are a member of Alumni Society of Chile, the applying society. "
        "A recused chair may neither close the ballot nor cast the deciding vote. Nobody else "
        "may act, so the secretariat may defer the file to the next ballot.")
    [ballot] = _ballots(application)
    assert ballot.state == "open"


def test_a_loan_approval_stores_the_approved_terms(app, in_committee, members, chair):
    application = in_committee("loan", requested_yen=30_000_000)
    _vote_all(application, members(2), ["approve", "approve"])
    fire(application, "decide", chair, approved_yen=25_000_000, annual_rate=Decimal("1.75"),
         term_months=48, grace_months=12, method="equal_principal",
         conditions="Quarterly reports.")
    db.session.expire_all()
    loan = application.loan
    assert (application.state, application.approved_yen) == ("approved", 25_000_000)
    assert (loan.annual_rate, loan.term_months, loan.grace_months, loan.method) == (
        Decimal("1.75"), 48, 12, "equal_principal")
    assert loan.conditions == "Quarterly reports."
    assert ledger.outstanding_commitment(application) == 25_000_000
    [event] = audit_events("decide")
    assert (event.data["annual_rate"], event.data["term_months"]) == ("1.75", 48)


def test_a_loan_approval_without_terms_takes_the_recommended_ones(app, in_committee, members,
                                                                  chair):
    application = in_committee("loan")
    _vote_all(application, members(1), ["approve"])
    fire(application, "decide", chair)
    db.session.expire_all()
    loan = application.loan
    assert (loan.annual_rate, loan.term_months, loan.grace_months, loan.method) == (
        Decimal("2.5"), 36, 6, "annuity")


@pytest.mark.parametrize("terms, message, field", [
    ({"term_months": 12, "grace_months": 12}, "The grace period must be shorter than the term.",
     "grace_months"),
    ({"annual_rate": Decimal("101")}, "The annual rate may be at most 15 % a year on a "
     "principal of ¥1,000,000 or more (Interest Rate Restriction Act); 101 % was given.",
     "annual_rate"),
    ({"damages_rate": Decimal("22")}, "The delay damages rate may be at most 21.9 % a year on "
     "a principal of ¥1,000,000 or more (Interest Rate Restriction Act: 1.46 times the "
     "interest cap of 15 %); 22 % was given.", "damages_rate"),
    ({"term_months": 10_000}, "The term may be at most 360 months (thirty years); 10,000 "
     "months was given.", "term_months"),
    ({"prepayment_mode": "sometimes"}, "Choose what a prepayment does: lower the instalments "
     "or shorten the term.", "prepayment_mode"),
    ({"term_months": 0}, "The term must be at least 1 month.", "term_months"),
    ({"method": "balloon"}, "Unknown repayment method 'balloon': use annuity or "
                            "equal_principal.", "method"),
    ({"annual_rate": Decimal("1.23456")}, "The annual rate may have at most 4 decimals.",
     "annual_rate"),
])
def test_loan_terms_that_make_no_schedule_are_refused(app, in_committee, members, chair, terms,
                                                      message, field):
    application = in_committee("loan")
    _vote_all(application, members(1), ["approve"])
    with pytest.raises(TransitionRefused) as refused:
        fire(application, "decide", chair, **terms)
    assert (str(refused.value), refused.value.field) == (message, field)
    [ballot] = _ballots(application)
    assert (application.state, ballot.state, application.loan.annual_rate) == (
        "committee_review", "open", None)


@pytest.mark.parametrize("terms, message, field", [
    ({"term_months": 12, "grace_months": 12}, "据置期間は返済期間より短くしてください。",
     "grace_months"),
    ({"term_months": 0}, "期間は1か月以上で入力してください。", "term_months"),
    ({"method": "balloon"}, "返済方法'balloon'は使用できません。元利均等（annuity）または元金均等"
                            "（equal_principal）を指定してください。", "method"),
])
def test_a_japanese_chair_reads_the_schedules_refusal_in_japanese(app, in_committee, members,
                                                                  chair, terms, message, field):
    """The refusal names its field whatever the language: it used to be found by English words
    in the sentence, which a Japanese sentence has none of."""
    application = in_committee("loan")
    _vote_all(application, members(1), ["approve"])
    with force_locale("ja"), pytest.raises(TransitionRefused) as refused:
        fire(application, "decide", chair, **terms)
    assert (refused.value.message, refused.value.field) == (message, field)
    assert application.state == "committee_review"
