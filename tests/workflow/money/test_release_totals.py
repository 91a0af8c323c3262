"""Each file's money released and awaiting release, kept per file (workflow.money.release_totals),
stays equal to an independent sum of its tranches and cancellations after random requests,
authorisations, withdrawals, cancellations of a loan's undrawn part and cancelled files; the
finance queue read from those rows lists exactly the files with money left to release, with
the figures the tranches themselves give; `flask audit verify --full`'s check and
`rebuild` hold them to the same sums."""

import contextlib

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test
from sqlalchemy import delete, select

from models import Application, ReleaseTotal, Tranche, UndrawnCancellation, db, write_intent
from tests.conftest import fire
from workflow.engine.errors import DomainError
from workflow.loans import undrawn
from workflow.money import finance_queue, kept_figures, tranches

from .conftest import act, authorise, request


def _summed_by_hand() -> dict[int, tuple[int, int, int]]:
    """file → (released, pending, cancelled), from the rows one by one."""
    sums: dict[int, list[int]] = {}
    for application_id, state, amount in db.session.execute(
            select(Tranche.application_id, Tranche.state, Tranche.amount_yen)):
        row = sums.setdefault(application_id, [0, 0, 0])
        row[0] += amount if state == "released" else 0
        row[1] += amount if state == "requested" else 0
    for application_id, state, amount in db.session.execute(
            select(UndrawnCancellation.application_id, UndrawnCancellation.state,
                   UndrawnCancellation.amount_yen)):
        sums.setdefault(application_id, [0, 0, 0])[2] += amount if state == "confirmed" else 0
    return {key: tuple(row) for key, row in sums.items() if any(row)}


def _kept() -> dict[int, tuple[int, int, int]]:
    return {t.application_id: (t.released_yen, t.pending_yen, t.cancelled_yen)
            for t in db.session.scalars(select(ReleaseTotal))
            if (t.released_yen, t.pending_yen, t.cancelled_yen) != (0, 0, 0)}


def _ready_by_hand() -> dict[int, tuple[int, int, int, int]]:
    """The files the queue should list, with their figures, each from its own rows."""
    ready = {}
    for application in db.session.scalars(select(Application)):
        money = tranches.figures(application)
        if tranches.may_release_now(application) and money.remaining > 0:
            ready[application.id] = (money.approved, money.released, money.pending,
                                     money.cancelled)
    return ready


def _ready_listed() -> dict[int, tuple[int, int, int, int]]:
    page = finance_queue.ready_page(500)  # every run's files, on one page
    assert finance_queue.count_ready() == len(page.rows)
    return {row.application_id: (row.money.approved, row.money.released, row.money.pending,
                                 row.money.cancelled) for row in page.rows}


def test_random_money_keeps_each_file_s_sums_and_the_queue(scene, officers, make_user):
    secretariat = make_user("secretariat")
    officer_ids = [o.id for o in officers]

    def officer(index: int):
        return db.session.get(type(officers[0]), officer_ids[index])

    def tried(func, *args) -> None:
        # Refused (too much asked, the file ended, four eyes): nothing written.
        with contextlib.suppress(DomainError):
            act(func, *args)

    class Money(RuleBasedStateMachine):
        def __init__(self):
            super().__init__()
            # Each run its own files: two approved grants and a contracted loan, each
            # reserved in a funded fund (the queue lists those of earlier runs too).
            self.ids = [scene("grant").id, scene("grant", approved=700_000).id,
                        scene("loan", state="contracted").id]

        @rule(which=st.integers(0, 2), share=st.integers(1, 60), by=st.sampled_from([0, 1]))
        def request(self, which, share, by):
            application = db.session.get(Application, self.ids[which])
            tried(tranches.request_tranche, application,
                  (application.approved_yen or 0) * share // 100 + 1, officer(by))

        @rule(pick=st.integers(0, 20), by=st.sampled_from([0, 1]), release=st.booleans())
        def decide_a_request(self, pick, by, release):
            waiting = db.session.scalars(select(Tranche).where(Tranche.state == "requested")
                                         .order_by(Tranche.id)).all()
            if waiting:
                tranche = waiting[pick % len(waiting)]
                tried(tranches.authorise_tranche if release else tranches.cancel_tranche,
                      tranche, officer(by))

        @rule(share=st.integers(1, 40), confirm=st.booleans())
        def cancel_some_undrawn(self, share, confirm):
            loan = db.session.get(Application, self.ids[2])
            try:
                proposal = act(undrawn.propose_cancellation, loan, officer(0),
                               loan.approved_yen * share // 100 + 1, "Scope reduced.")
            except DomainError:
                return
            decide = undrawn.confirm_cancellation if confirm else undrawn.withdraw_cancellation
            tried(decide, loan, proposal.id, officer(1))

        @rule(which=st.integers(0, 2))
        def cancel_the_file(self, which):
            try:
                fire(db.session.get(Application, self.ids[which]), "cancel", secretariat,
                     reason="Called off.")
            except DomainError:
                db.session.rollback()

        @invariant()
        def kept_sums_are_the_rows(self):
            db.session.expire_all()
            assert _kept() == _summed_by_hand()

        @invariant()
        def the_queue_lists_the_files_with_money_left(self):
            assert _ready_listed() == _ready_by_hand()

        def teardown(self):
            db.session.rollback()
            assert kept_figures.differences() == []

    run_state_machine_as_test(Money, settings=settings(
        max_examples=8, stateful_step_count=15, deadline=None,
        suppress_health_check=list(HealthCheck)))


def test_a_kept_sum_that_differs_is_named_and_rebuilt(scene, officers):
    application = scene()
    alice, bob = officers
    authorise(request(application, 300_000, alice), bob)
    request(application, 200_000, alice)
    assert _kept() == {application.id: (300_000, 200_000, 0)}
    with write_intent(True):
        db.session.execute(delete(ReleaseTotal))
        db.session.commit()
    [said] = kept_figures.differences()
    assert "release_totals" in said and "(300000, 200000, 0)" in said
    with write_intent(True):
        kept_figures.rebuild()
        db.session.commit()
    assert kept_figures.differences() == []
    assert _kept() == {application.id: (300_000, 200_000, 0)}
