"""A WNF grant from proposal to closure, through the pages, by every kind of user in turn.

After each step: the state, the ledger entries of the grant, its audit events (one per
transition), and what every user's page of the grant shows (its badge, and exactly the
buttons and forms offered to them).
"""

from __future__ import annotations

import functools
import re

import pytest
from sqlalchemy import select

from models import Ballot, Tranche, db

from . import pages
from .conftest import DONATED, donate
from .grant_steps import (
    EVERYONE,
    PDF,
    REQUESTED,
    authorise_form,
    close,
    done,
    draft,
    final_report,
    press,
    refer,
    request_tranche,
    submit_and_screen,
    tally,
    vote,
)
from .pages import error_message, events, page, post, reload, text, waiting

BADGES = {  # state -> (what staff read, what the applicant reads)
    "draft": ("Draft", "Draft"),
    "submitted": ("Submitted", "Submitted"),
    "screening": ("Screening", "Under review by the secretariat"),
    "committee_review": ("Committee review", "Under review by the committee"),
    "approved": ("Approved", "Approved"),
    "in_implementation": ("In implementation", "In implementation"),
    "report_submitted": ("Report submitted", "Final report under review"),
    "closed": ("Closed", "Closed"),
    "rejected": ("Rejected", "Not approved"),
}
RECUSED = "You are recused: you are a member of Alumni Society of Viet Nam, a partner society."
REQUESTER = "You requested this tranche; another finance officer must authorise it."


check = functools.partial(pages.check, badges=BADGES, watchers=EVERYONE)


def test_a_grant_from_proposal_to_closure(cast, app):
    donate(cast.fund, DONATED)
    grant = draft(cast)
    assert (grant.requested_yen, grant.round_id) == (REQUESTED, cast.round.id)
    shown = page(cast, "applicant", grant)
    assert "Own share: <strong>25 %</strong>" in shown and 'data-total="total">1,200,000' in shown
    assert "Alumni Society of Viet Nam" in shown and "programme.pdf" in shown
    assert "(Thailand: 20 people, Vietnam: 10 people)" in shown
    steps: list = []
    check(cast, grant, "draft", [], steps, applicant={"submit", "withdraw", "edit", "attach"},
          hidden_from=("secretariat", "member1", "member5", "chair", "finance1", "finance2"))

    shown = done(press(cast, "applicant", grant, "submit"))
    assert f"{grant.reference}: done. It is now “Submitted”." in shown
    steps.append(("submit", "draft", "submitted"))
    check(cast, grant, "submitted", [], steps, applicant={"withdraw"},
          secretariat={"start_screening", "checklist", "note"})
    assert grant.reference in text(cast.client("secretariat").get("/grants/screening"))
    assert waiting(cast, "secretariat") == {"Proposals to start screening": 1}

    done(press(cast, "secretariat", grant, "start_screening"))
    steps.append(("start_screening", "submitted", "screening"))
    check(cast, grant, "screening", [], steps, applicant={"withdraw"}, secretariat={
        "request_revision", "refer_to_committee", "reject", "checklist", "note"})
    grant = refer(cast, grant)  # the checklist ticked, then referred
    assert "7 / 7" in page(cast, "secretariat", grant)
    steps.append(("refer_to_committee", "screening", "committee_review"))
    check(cast, grant, "committee_review", [], steps, secretariat={"note"},
          member1={"vote", "conflict"}, chair={"close", "conflict"})
    assert "Committee ballot" not in page(cast, "applicant", grant)  # for staff only
    assert (waiting(cast, "member1"), waiting(cast, "member5"), waiting(cast, "chair")) == (
        {"Ballots awaiting my vote": 1}, {}, {"Open ballots to close": 1})
    pdf = re.search(r'href="(/grants/\d+/attachments/\d+)">programme.pdf<',
                    page(cast, "member1", grant)).group(1)
    assert cast.client("member1").get(pdf).data == PDF  # members read every attachment

    # The committee: member 5 belongs to the partner society, so is recused and told why.
    assert grant.reference not in text(cast.client("member5").get("/committee/"))
    assert RECUSED in page(cast, "member5", grant)
    refused = vote(cast, "member5", grant, "approve")
    assert refused.status_code == 409
    assert error_message(text(refused)) == f"{RECUSED} You cannot vote on this ballot."
    for who, choice in (("member1", "approve"), ("member2", "approve"), ("member3", "approve"),
                        ("member3", "reject"), ("member4", "abstain")):
        assert grant.reference in text(cast.client(who).get("/committee/"))
        label = choice.capitalize()
        assert f"{grant.reference}: your vote is “{label}”." in done(vote(cast, who, grant, choice))
    [changed] = events("vote_changed")
    assert (changed.actor_id, changed.data["old"], changed.data["new"]) == (
        cast.member3.id, "approve", "reject")
    assert len(events("vote_cast")) == 4
    assert {k: v for k, v in tally(cast, grant).items() if k != "ballot"} == {
        "number": 1, "state": "open", "outcome": None, "eligible": 4, "approvals": 2,
        "rejections": 1, "abstentions": 1, "cast": 4, "quorum_needed": 2, "quorum_met": True,
        "tie": False, "leading": "approved"}
    shown = done(close(cast, grant, approved_yen="700,000",
                       conditions="Share the training materials with the partner societies."))
    assert f"{grant.reference}: ballot 1 closed — approved." in shown
    assert "Conditions of approval:</strong> Share the training materials" in shown
    steps.append(("decide", "committee_review", "approved"))
    money = [("commitment", 700_000)]
    check(cast, grant, "approved", money, steps, secretariat={"cancel", "note"},
          finance1={"request_tranche"}, finance2={"request_tranche"})
    [decided] = events("decide")
    assert {k: decided.data[k] for k in ("outcome", "approvals", "rejections", "abstentions",
                                         "eligible", "approved_yen")} == {
        "outcome": "approved", "approvals": 2, "rejections": 1, "abstentions": 1,
        "eligible": 4, "approved_yen": 700_000}

    # Finance: one officer requests, the same officer may not authorise, another does.
    assert grant.reference in text(cast.client("finance1").get("/finance/"))
    assert waiting(cast, "finance1") == {"Approvals ready for disbursement": 1}
    too_much = text(request_tranche(cast, "finance1", grant, "700,001"))
    assert "At most ¥700,000 can still be requested" in too_much
    shown = done(request_tranche(cast, "finance1", grant, "600,000", "Lecturers and travel"))
    assert "Tranche 1 of ¥600,000 requested; another finance officer must authorise it." in shown
    assert REQUESTER in shown
    check(cast, grant, "approved", money, steps, secretariat={"cancel", "note"},
          finance1={"request_tranche", "cancel_tranche"},
          finance2={"request_tranche", "authorise", "cancel_tranche"})
    assert waiting(cast, "finance2") == {"Approvals ready for disbursement": 1,
                                         "Tranches awaiting my authorisation": 1}
    url, form = authorise_form(cast, "finance2", grant)
    refused = done(post(cast.client("finance1"), url, data={"idempotency_key": "by-requester"}))
    assert REQUESTER in refused and db.session.scalar(select(Tranche.state)) == "requested"
    shown = done(post(cast.client("finance2"), url, data=form))
    assert f"Tranche 1 of ¥600,000 released to {grant.reference}." in shown
    again = done(post(cast.client("finance2"), url, data=form))
    assert "This request was already received." in again  # a double click releases once
    steps.append(("release_tranche", "approved", "in_implementation"))
    money.append(("disbursement", 600_000))
    check(cast, grant, "in_implementation", money, steps, applicant={"report", "attach"},
          secretariat={"cancel", "note"}, finance1={"request_tranche"},
          finance2={"request_tranche"})
    assert waiting(cast, "applicant") == {"Activities awaiting their final report": 1}

    # The final report: ¥550,000 of the ¥600,000 released was spent on WNF's lines.
    shown = done(final_report(cast, grant, {"Lecturers": "480,000", "Travel": "70,000",
                                            "Venue": "310,000", "Materials": "100,000"},
                              {"TH": "19", "VN": "9"}))
    assert f"{grant.reference}: final report submitted to the secretariat." in shown
    assert "data-unspent>50,000" in shown.replace(" ", "")
    steps.append(("submit_report", "in_implementation", "report_submitted"))
    check(cast, grant, "report_submitted", money, steps,
          secretariat={"return_report", "accept_report", "note"})
    assert waiting(cast, "secretariat") == {"Final reports to review": 1}

    shown = done(press(cast, "secretariat", grant, "accept_report"))
    assert f"{grant.reference}: done. It is now “Closed”." in shown
    steps.append(("accept_report", "report_submitted", "closed"))
    money += [("refund_due", 50_000), ("commitment_release", 100_000)]
    check(cast, grant, "closed", money, steps, secretariat={"note"})
    assert "Nothing waits for you on this file now." in page(cast, "applicant", grant)
    shown = page(cast, "finance1", grant)
    assert "Still to request" not in shown and "Returned to the fund" in shown
    assert all(waiting(cast, who) == {} for who in EVERYONE)

    fund_page = text(cast.client("auditor").get("/funds/WNF"))
    for figure, amount in (("cash", DONATED - 600_000), ("committed", 0),
                           ("available", DONATED - 600_000), ("refunds", 50_000)):
        assert f'data-figure="{figure}">¥{amount:,}<' in fund_page, figure
    assert [b.outcome for b in db.session.scalars(select(Ballot))] == ["approved"]
    db.session.commit()  # the commands run in this app context: end the test's reading
    anchored = app.test_cli_runner().invoke(args=["audit", "checkpoint"])
    assert anchored.exit_code == 0, anchored.output
    verified = app.test_cli_runner().invoke(args=["audit", "verify"])
    assert verified.exit_code == 0, verified.output
    assert ("ledger entries match their events; the chain holds the anchor written"
            in verified.output)


def referred(cast, donated: int = DONATED):
    """A complete proposal submitted, screened and referred: ballot 1 is open."""
    donate(cast.fund, donated)
    grant = draft(cast)
    submit_and_screen(cast, grant)
    return refer(cast, grant)


UP_TO_THE_COMMITTEE = [("submit", "draft", "submitted"),
                       ("start_screening", "submitted", "screening"),
                       ("refer_to_committee", "screening", "committee_review")]


@pytest.mark.parametrize("choices, casting, state, ledger", [
    (("reject", "reject", "approve", "abstain"), "", "rejected", []),
    (("approve", "reject"), "approve", "approved", [("commitment", REQUESTED)]),
    (("approve", "reject", "abstain", "abstain"), "reject", "rejected", []),
], ids=["rejected by the votes", "tie approved by the chair", "tie rejected by the chair"])
def test_the_committee_decides(cast, choices, casting, state, ledger):
    grant = referred(cast)
    for n, choice in enumerate(choices, start=1):
        done(vote(cast, f"member{n}", grant, choice))
    count = tally(cast, grant)
    tied = count["approvals"] == count["rejections"]
    assert (count["eligible"], count["quorum_met"], count["tie"]) == (4, True, tied)
    if tied:  # the page says so, and the chair may not close without the deciding vote
        assert re.search(r'data-tally="tie"\s*>', page(cast, "chair", grant))  # not hidden
        refused = close(cast, grant)
        assert refused.status_code == 200 and refused.via is None
        assert ("The votes are tied 1–1: cast the deciding vote to close the ballot."
                in text(refused))
        assert reload(grant).state == "committee_review" and not events("decide")
    shown = done(close(cast, grant, casting_vote=casting))
    assert f"{grant.reference}: ballot 1 closed — {state}." in shown
    [decided] = events("decide")
    assert (decided.data["outcome"], decided.data["casting_vote"]) == (state, casting or None)
    offered = {"secretariat": {"note"}}
    if state == "approved":
        offered.update(secretariat={"cancel", "note"}, finance1={"request_tranche"},
                       finance2={"request_tranche"})
    check(cast, grant, state, ledger, [*UP_TO_THE_COMMITTEE,
                                       ("decide", "committee_review", state)], **offered)


def test_without_a_quorum_the_grant_is_deferred_to_a_new_ballot(cast):
    grant = referred(cast)
    done(vote(cast, "member1", grant, "approve"))
    count = tally(cast, grant)  # member 5 is recused: 4 eligible, 2 votes make the quorum
    assert (count["eligible"], count["cast"], count["quorum_needed"], count["quorum_met"]) == (
        4, 1, 2, False)
    shown = done(close(cast, grant, approved_yen="800,000"))
    assert (f"{grant.reference}: ballot 1 closed — deferred for want of a quorum; the next "
            "ballot is open.") in shown
    assert "Committee ballot 2" in shown
    deferred = ("decide", "committee_review", "committee_review")
    check(cast, grant, "committee_review", [], [*UP_TO_THE_COMMITTEE, deferred],
          secretariat={"note"}, member1={"vote", "conflict"}, chair={"close", "conflict"})
    assert "Cast my vote" in page(cast, "member1", grant)  # ballot 1's vote does not carry
    assert tally(cast, grant)["number"] == 2 and tally(cast, grant)["cast"] == 0

    for who in ("member1", "member2", "member3"):
        done(vote(cast, who, grant, "approve"))
    shown = done(close(cast, grant))
    assert f"{grant.reference}: ballot 2 closed — approved." in shown
    assert [b.outcome for b in db.session.scalars(select(Ballot).order_by(Ballot.number))] == [
        "deferred", "approved"]
    check(cast, grant, "approved", [("commitment", REQUESTED)],
          [*UP_TO_THE_COMMITTEE, deferred, ("decide", "committee_review", "approved")],
          secretariat={"cancel", "note"}, finance1={"request_tranche"},
          finance2={"request_tranche"})


def test_an_approval_the_fund_cannot_cover_is_refused_with_the_figures(cast):
    grant = referred(cast, donated=500_000)
    for who in ("member1", "member2", "member3"):
        done(vote(cast, who, grant, "approve"))
    refused = close(cast, grant, conditions="Report every quarter.")
    assert refused.status_code == 409
    assert error_message(text(refused)) == (
        "The WNF fund has ¥500,000 available; approving ¥800,000 would take it below zero "
        "(short by ¥300,000).")
    check(cast, grant, "committee_review", [], UP_TO_THE_COMMITTEE, secretariat={"note"},
          member1={"vote", "conflict"}, chair={"close", "conflict"})
    assert tally(cast, grant)["state"] == "open" and not events("decide")

    shown = done(close(cast, grant, approved_yen="500,000", conditions="Report every quarter."))
    assert f"{grant.reference}: ballot 1 closed — approved." in shown
    assert reload(grant).approved_yen == 500_000
    fund_page = text(cast.client("secretariat").get("/funds/WNF"))
    assert 'data-figure="available">¥0<' in fund_page
