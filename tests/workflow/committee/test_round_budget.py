"""A round's budget binds the chair's approvals, for both funds; its figures come from the
ledger, so that a cancelled grant gives its unused money back to the round."""

import re

import pytest
from sqlalchemy import select

from models import Fund, LedgerEntry, Round, db
from tests.conftest import fire, log_in
from workflow.committee import ballots
from workflow.engine import rules
from workflow.engine.errors import TransitionRefused, ValidationFailed
from workflow.money import ledger, round_budget, tranches

from .conftest import act

ISSUE_BUDGET = 1_000_000  # the issue's round: ¥2,680,000 was approved within it


def _over(round_name: str, approved: int, amount: int, budget: int = ISSUE_BUDGET) -> str:
    left = budget - approved
    return (f"The round {round_name} has a budget of ¥{budget:,}, of which ¥{approved:,} is "
            f"approved and ¥{left:,} left: approving ¥{amount:,} would take it over its "
            f"budget by ¥{amount - left:,}.")


@pytest.fixture
def small_round(make_fund, make_round):
    """A WNF round with a budget of ¥1,000,000 (the fund itself holds plenty)."""
    fund = make_fund("WNF")
    return make_round(fund, name="WNF FY2026 small", budget_yen=ISSUE_BUDGET,
                      cap_yen=ISSUE_BUDGET)


def _approvable(in_committee, members, round_, amounts: list[int], kind: str = "grant"):
    """Files of the round in committee review, each with an approving vote."""
    files = [in_committee(kind, requested_yen=amount, round_=round_) for amount in amounts]
    voter = members(1)[0]
    for application in files:
        act(ballots.cast_vote, application, voter, "approve")
    return files


def _committed(round_: Round) -> int:
    db.session.rollback()
    return round_budget.figures_of(db.session.get(Round, round_.id)).approved


def test_an_approval_past_the_round_s_budget_is_refused_with_the_figures(
        app, in_committee, members, chair, small_round):
    first, second, third = _approvable(in_committee, members, small_round,
                                       [680_000, 1_000_000, 1_000_000])
    fire(first, "decide", chair)

    with pytest.raises(TransitionRefused) as refused:
        fire(second, "decide", chair)
    assert str(refused.value) == _over(small_round.name, 680_000, 1_000_000)
    db.session.refresh(second)
    assert (second.state, second.approved_yen) == ("committee_review", None)
    assert ledger.application_totals(second) == {}

    fire(second, "decide", chair, approved_yen="320,000")  # what is left fits
    with pytest.raises(TransitionRefused) as refused:
        fire(third, "decide", chair, approved_yen=1)
    assert str(refused.value) == _over(small_round.name, 1_000_000, 1)
    assert _committed(small_round) == ISSUE_BUDGET


def test_the_check_under_the_round_s_lock_refuses_what_the_guard_let_through(
        app, in_committee, members, chair, small_round, monkeypatch):
    """The guard reads without a lock (it shows the chair the reason); the approval itself
    checks again under the fund's and the round's locks, as a race would need."""
    first, second = _approvable(in_committee, members, small_round, [680_000, 1_000_000])
    fire(first, "decide", chair)
    monkeypatch.setitem(rules.GUARDS, "funds_available", lambda step: None)
    with pytest.raises(TransitionRefused) as refused:
        fire(second, "decide", chair)
    assert str(refused.value) == _over(small_round.name, 680_000, 1_000_000)
    db.session.refresh(second)
    assert second.state == "committee_review"
    assert _committed(small_round) == 680_000


def test_a_loan_round_s_budget_binds_too(app, in_committee, members, chair, make_fund,
                                        make_round):
    round_ = make_round(make_fund("SME"), name="SME FY2026 small", budget_yen=30_000_000,
                        cap_yen=30_000_000)
    first, second = _approvable(in_committee, members, round_, [25_000_000, 10_000_000],
                                kind="loan")
    fire(first, "decide", chair)
    with pytest.raises(TransitionRefused) as refused:
        fire(second, "decide", chair)
    assert str(refused.value) == _over(round_.name, 25_000_000, 10_000_000, 30_000_000)
    fire(second, "decide", chair, approved_yen="5,000,000")
    assert _committed(round_) == 30_000_000


def test_a_cancelled_grant_gives_its_unused_money_back_to_the_round(
        app, in_committee, members, chair, small_round, make_user):
    first, second = _approvable(in_committee, members, small_round, [680_000, 800_000])
    fire(first, "decide", chair)
    requester, authoriser = make_user("finance_officer"), make_user("finance_officer")
    tranche = act(tranches.request_tranche, first, 200_000, requester)
    act(tranches.authorise_tranche, tranche, authoriser)
    with pytest.raises(TransitionRefused):
        fire(second, "decide", chair)

    db.session.refresh(first)
    fire(first, "cancel", make_user("secretariat"), reason="The venue burnt down.")
    figures = round_budget.figures_of(db.session.get(Round, small_round.id))
    assert (figures.approved, figures.disbursed, figures.left) == (200_000, 200_000, 800_000)
    fire(second, "decide", chair)
    assert _committed(small_round) == ISSUE_BUDGET


def _figures_on(page: str) -> dict[str, int]:
    return {key: int(value.replace(",", "")) for key, value in
            re.findall(r'data-figure="(\w+)">¥?([\d,\-]+)<', page)}


def test_the_round_page_shows_budget_approved_disbursed_and_left(
        app, client, in_committee, members, chair, small_round, make_user):
    [application] = _approvable(in_committee, members, small_round, [680_000])
    fire(application, "decide", chair)
    tranche = act(tranches.request_tranche, application, 300_000, make_user("finance_officer"))
    act(tranches.authorise_tranche, tranche, make_user("finance_officer"))

    log_in(client, make_user("finance_officer"))
    shown = client.get(f"/rounds/{small_round.id}").get_data(as_text=True)
    assert _figures_on(shown) == {"budget": 1_000_000, "approved": 680_000,
                                  "disbursed": 300_000, "left": 320_000}
    listed = client.get("/rounds/").get_data(as_text=True)
    row = re.search(rf'<tr data-round="{small_round.id}">(.*?)</tr>', listed, re.S).group(1)
    assert _figures_on(row) == {"approved": 680_000, "disbursed": 300_000, "left": 320_000}


def test_the_chair_sees_why_an_approval_would_be_refused_before_closing(
        app, client, in_committee, members, chair, small_round):
    first, second = _approvable(in_committee, members, small_round, [680_000, 1_000_000])
    fire(first, "decide", chair)
    log_in(client, chair)
    shown = client.get(f"/applications/{second.id}").get_data(as_text=True)
    blocked = re.search(r'data-approval-blocked>(.*?)</div>', shown).group(1)
    assert blocked == _over(small_round.name, 680_000, 1_000_000)
    response = client.post(f"/committee/applications/{second.id}/close",
                           data={"version": second.version})
    assert response.status_code == 409
    assert "would take it over its budget by ¥680,000" in response.get_data(as_text=True)


def test_a_round_s_budget_cannot_be_lowered_below_what_it_approved(
        app, client, in_committee, members, chair, small_round, login_as):
    [application] = _approvable(in_committee, members, small_round, [680_000])
    fire(application, "decide", chair)
    login_as("secretariat")
    fund = db.session.get(Fund, small_round.fund_id)
    form = {"fund_id": str(fund.id), "name": small_round.name, "opens_on":
            small_round.opens_on.isoformat(), "closes_on": small_round.closes_on.isoformat(),
            "budget_yen": "600,000", "cap_yen": "600,000", "min_own_percent": "20"}
    response = client.post(f"/rounds/{small_round.id}/edit", data=form)
    assert "¥680,000 is already approved in this round: its budget cannot be lower." in (
        response.get_data(as_text=True))
    db.session.expire_all()
    assert db.session.get(Round, small_round.id).budget_yen == ISSUE_BUDGET
    assert client.post(f"/rounds/{small_round.id}/edit",
                       data={**form, "budget_yen": "700,000"}).status_code == 302


def test_figures_count_only_the_round_s_own_applications(app, in_committee, members, chair,
                                                         small_round, make_round):
    other = make_round(db.session.get(Fund, small_round.fund_id), name="Another round")
    [mine] = _approvable(in_committee, members, small_round, [400_000])
    [theirs] = _approvable(in_committee, members, other, [900_000])
    fire(mine, "decide", chair)
    fire(theirs, "decide", chair)
    kept = round_budget.figures_by_round()
    assert (kept[small_round.id].approved, kept[other.id].approved) == (400_000, 900_000)
    entries = db.session.scalars(select(LedgerEntry).where(
        LedgerEntry.kind == "commitment")).all()
    assert sorted(e.amount_yen for e in entries) == [400_000, 900_000]


def test_a_duplicate_round_name_racing_past_the_check_is_refused_next_to_the_field(
        app, make_fund, make_round, monkeypatch):
    """Two secretaries saving the same name at once: the second's check saw the name free
    (the first had not committed), the database refuses its insert, and the refusal reads
    as the check's would, next to the field."""
    from models import write_intent
    from workflow.money import fund_records

    fund = make_fund("WNF")
    taken = make_round(fund, name="WNF FY2027")
    monkeypatch.setattr(fund_records, "refuse_clash", lambda clash: None)  # saw it free
    db.session.commit()
    with write_intent(True), pytest.raises(ValidationFailed) as refused:
        fund_records.save_round(None, fund=fund, name=taken.name, opens_on=taken.opens_on,
                                closes_on=taken.closes_on, budget_yen=5_000_000,
                                cap_yen=1_000_000, min_own_percent=0)
    db.session.rollback()
    assert (refused.value.message, refused.value.field) == (
        "The fund already has a round named WNF FY2027.", "name")
    assert db.session.scalars(select(Round.name)).all() == ["WNF FY2027"]
