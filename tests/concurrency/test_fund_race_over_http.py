"""Fifty approvals and fifty tranches racing for a fund too small for all of them.

The fund's available balance (cash − committed) only falls when money is committed: the
chair's approval reserves it, under the fund's row lock. So the race for the last yen is
run where it is decided: the chair closes 50 ballots at once against cash for 10 of them.
Then 50 tranche requests race for the approved amounts (3 of 5 fit on each file), and every
requested tranche is authorised by two officers at once. A watcher on another connection
samples the ledger throughout: no committed state may show available < 0. At the end, the
sums of the raw ledger rows must agree with `ledger.balances`, the approvals and tranches.
"""

from collections import Counter

from sqlalchemy import func, select

from models import Application, LedgerEntry, Tranche, db, write_intent
from workflow.committee import ballots, decision
from workflow.engine import audit
from workflow.money import ledger

from .scenes import LedgerWatcher, cash_and_committed, give_cash, independent_sums, with_totp
from .web_client import Click, race_forms, tally

FILES, REQUESTED = 50, 1_000_000
CASH = 10_500_000  # room for 10 approvals of ¥1,000,000, not 11
FITS = CASH // REQUESTED
OFFICERS, TRANCHE = 5, 300_000  # 3 tranches fit in an approval, the 4th does not
SHORT = ("The WNF fund has ¥500,000 available; approving ¥1,000,000 would take it below "
         "zero (short by ¥500,000).")
TOO_MUCH = ("At most ¥100,000 can still be requested: approved ¥1,000,000, released ¥0, "
            "awaiting authorisation ¥900,000.")


def _files_before_the_committee(make_application, make_user) -> list[Application]:
    files = [make_application("grant", state="committee_review", requested_yen=REQUESTED)
             for _ in range(FILES)]
    voter = make_user("committee_member")
    with write_intent(True):
        for application in files:
            decision.open_ballot(application, None)
            ballots.cast_vote(application, voter, "approve")
        db.session.commit()
    return files


def _check_the_books(database_url, fund, approved_files, released):
    """The raw rows, `ledger.balances` and the files all tell the same story."""
    sums = independent_sums(database_url, fund.id)
    cash, committed = cash_and_committed(sums)
    balances = ledger.balances(fund)
    print(f"    ledger by kind {sums}; cash ¥{cash:,}, committed ¥{committed:,}, "
          f"available ¥{cash - committed:,}")
    assert (balances.cash, balances.committed) == (cash, committed)
    assert cash - committed >= 0
    assert sums["donation"] == CASH
    assert sums["commitment"] == sum(a.approved_yen for a in approved_files)
    assert sums.get("disbursement", 0) == released
    assert (cash, committed) == (CASH - released, sums["commitment"] - released)


def test_fifty_approvals_and_tranches_never_overdraw_the_fund(
        web, database_url, make_application, make_user):
    files = _files_before_the_committee(make_application, make_user)
    fund = files[0].fund
    give_cash(fund, CASH)
    chair = make_user("committee_chair")
    officers = [make_user("finance_officer") for _ in range(OFFICERS)]
    secrets = {u.id: with_totp(u) for u in [chair, *officers]}
    chair_browser, *desks = web.logged_in([chair, *officers], secrets)

    ids = [a.id for a in files]
    desk = {officer.id: n for n, officer in enumerate(officers)}
    with LedgerWatcher(database_url, fund.id) as watch:
        answers = race_forms([Click(chair_browser, f"/committee/applications/{i}",
                                    f"/committee/applications/{i}/close") for i in ids])
        approvals = tally("50 approvals racing for cash for 10", answers)

        db.session.rollback()
        approved = [i for i in ids if db.session.get(Application, i).state == "approved"]
        assert len(approved) == FITS
        answers = race_forms([Click(
            desks[n % OFFICERS], f"/applications/{approved[n % FITS]}",
            f"/finance/applications/{approved[n % FITS]}/tranches",
            {"amount_yen": str(TRANCHE)}) for n in range(FILES)])
        tranche_requests = tally("50 tranche requests for 10 approvals", answers)

        db.session.rollback()
        pending = db.session.execute(select(
            Tranche.id, Tranche.application_id, Tranche.requested_by_id)).all()
        # The two officers after the requester (four eyes) click Authorise at the same time.
        answers = race_forms([Click(desks[(desk[requester] + k) % OFFICERS],
                                    f"/applications/{application_id}",
                                    f"/finance/tranches/{tranche_id}/authorise")
                              for tranche_id, application_id, requester in pending
                              for k in (1, 2)])
        authorisations = tally("each tranche authorised by two officers at once", answers)
    print(f"    watcher: {watch.samples} samples, lowest available "
          f"¥{watch.lowest_available:,}, lowest cash ¥{watch.lowest_cash:,}")

    for figures in (approvals, tranche_requests, authorisations):
        assert figures.errors == 0, figures.messages
    assert web.new_errors() == []
    assert (approvals.successes, approvals.refusals) == (FITS, FILES - FITS)
    assert approvals.statuses == Counter({302: FITS, 409: FILES - FITS})
    # The fund and the round (¥10,000,000) both run out at the tenth approval: the guard
    # reads one and then the other, so a refusal racing the tenth commit may name either.
    round_full = sum(n for message, n in approvals.messages.items()
                     if message.startswith("The round ") and "over its budget" in message)
    assert approvals.messages[SHORT] + round_full == FILES - FITS
    assert sum(count for message, count in approvals.messages.items()
               if message.endswith(": ballot 1 closed — approved.")) == FITS
    assert (tranche_requests.successes, tranche_requests.refusals) == (3 * FITS, 2 * FITS)
    assert tranche_requests.messages[TOO_MUCH] == 2 * FITS
    assert (authorisations.successes, authorisations.refusals) == (3 * FITS, 3 * FITS)
    assert authorisations.messages["This tranche was already released."] == 3 * FITS
    assert watch.samples > 0 and watch.lowest_available >= 0

    db.session.rollback()
    tranches = db.session.scalars(select(Tranche)).all()
    assert Counter(t.state for t in tranches) == {"released": 3 * FITS}
    assert Counter(t.application_id for t in tranches) == dict.fromkeys(approved, 3)
    payouts = db.session.execute(select(LedgerEntry.tranche_id, func.count()).where(
        LedgerEntry.kind == "disbursement").group_by(LedgerEntry.tranche_id)).all()
    assert sorted(payouts) == sorted((t.id, 1) for t in tranches)
    still_open = db.session.scalar(select(func.count()).select_from(Application).where(
        Application.state == "committee_review"))
    assert still_open == FILES - FITS
    _check_the_books(database_url, fund, [db.session.get(Application, i) for i in approved],
                     released=3 * FITS * TRANCHE)
    assert audit.verify().ok
