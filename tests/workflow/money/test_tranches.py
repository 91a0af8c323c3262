"""Tranches through the workflow: request, four-eyes authorisation, the cap, cancellation."""

from datetime import datetime

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from models import AuditEvent, LedgerEntry, Tranche, db, write_intent
from tests.conftest import fire
from workflow.engine import idempotency
from workflow.engine.errors import TransitionRefused, ValidationFailed
from workflow.money import ledger, tranches

from .conftest import APPROVED, DONATED, act, authorise, request


def _disbursements(application) -> list[LedgerEntry]:
    return db.session.scalars(select(LedgerEntry).where(
        LedgerEntry.application_id == application.id, LedgerEntry.kind == "disbursement")).all()


def _events(application, action) -> list[AuditEvent]:
    return db.session.scalars(select(AuditEvent).where(
        AuditEvent.object_id == application.id, AuditEvent.action == action)
        .order_by(AuditEvent.seq)).all()


def test_one_officer_requests_another_authorises_and_the_money_moves(scene, officers):
    application = scene()
    alice, bob = officers
    before = ledger.balances(application.fund)
    assert (before.cash, before.committed, before.available) == (
        DONATED, APPROVED, DONATED - APPROVED)

    tranche = request(application, 400_000, alice, "First half of the venue costs")
    assert (tranche.number, tranche.state, tranche.requested_by_id) == (1, "requested", alice.id)
    assert application.state == "approved"  # a request alone moves nothing
    assert _events(application, "tranche_requested")[0].data["amount_yen"] == 400_000

    authorise(tranche, bob)
    db.session.expire_all()
    assert application.state == "in_implementation"
    assert tranche.state == "released" and tranche.authorised_by_id == bob.id
    assert tranche.released_at is not None
    [entry] = _disbursements(application)
    assert (entry.amount_yen, entry.tranche_id, entry.actor_id) == (400_000, tranche.id, bob.id)
    after = ledger.balances(application.fund)
    assert after.cash == before.cash - 400_000
    assert after.committed == before.committed - 400_000
    assert after.available == before.available
    [event] = _events(application, "release_tranche")
    assert (event.from_state, event.to_state) == ("approved", "in_implementation")
    assert (event.data["tranche"], event.data["amount_yen"]) == (1, 400_000)


def test_a_second_tranche_keeps_the_grant_in_implementation(scene, officers):
    application = scene()
    alice, bob = officers
    authorise(request(application, 400_000, alice), bob)
    second = request(application, 600_000, bob)
    assert second.number == 2
    authorise(second, alice)  # the roles swap: four eyes is per tranche
    db.session.expire_all()
    assert application.state == "in_implementation"
    assert tranches.figures(application) == tranches.Figures(APPROVED, APPROVED, 0)
    assert ledger.outstanding_commitment(application) == 0


def test_a_loan_tranche_makes_the_contracted_loan_active(scene, officers):
    application = scene(kind="loan", state="contracted")
    alice, bob = officers
    authorise(request(application, 700_000, alice), bob)
    db.session.expire_all()
    assert application.state == "active"
    authorise(request(application, 300_000, bob), alice)
    db.session.expire_all()
    assert application.state == "active"
    assert sum(e.amount_yen for e in _disbursements(application)) == APPROVED


def test_requests_are_capped_by_what_is_neither_released_nor_pending(scene, officers):
    application = scene()
    alice, bob = officers
    authorise(request(application, 400_000, alice), bob)
    request(application, 300_000, alice)
    with pytest.raises(ValidationFailed) as refused:
        request(application, 300_001, bob)
    assert refused.value.message == (
        "At most ¥300,000 can still be requested: approved ¥1,000,000, released ¥400,000, "
        "awaiting authorisation ¥300,000.")
    assert refused.value.field == "amount_yen"
    assert request(application, 300_000, bob).number == 3  # exactly the rest is fine
    assert tranches.figures(application).remaining == 0


@pytest.mark.parametrize("amount", [0, -1, 1.5, "1000", True])
def test_an_amount_must_be_a_positive_whole_number(scene, officers, amount):
    application = scene()
    with pytest.raises(ValidationFailed, match="positive whole number"):
        request(application, amount, officers[0])
    assert db.session.scalar(select(func.count()).select_from(Tranche)) == 0


@pytest.mark.parametrize("role", ["secretariat", "committee_chair", "auditor", "admin"])
def test_only_finance_officers_request(scene, make_user, role):
    application = scene()
    with pytest.raises(TransitionRefused, match="Only finance officers may request"):
        request(application, 100_000, make_user(role))


@pytest.mark.parametrize(("kind", "state", "allowed"), [
    ("grant", "committee_review", "approved or in implementation"),
    ("grant", "report_submitted", "approved or in implementation"),
    ("grant", "cancelled", "approved or in implementation"),
    ("loan", "approved", "contracted or active"),
    ("loan", "in_arrears", "contracted or active"),
])
def test_no_request_outside_the_releasing_states(scene, officers, kind, state, allowed):
    application = scene(kind=kind, state=state)
    with pytest.raises(TransitionRefused, match=f"only while the application is {allowed}"):
        request(application, 100_000, officers[0])


def test_the_requester_cannot_authorise_their_own_tranche(scene, officers):
    application = scene()
    alice, _ = officers
    tranche = request(application, 400_000, alice)
    with pytest.raises(TransitionRefused) as refused:
        authorise(tranche, alice)
    assert str(refused.value) == ("You requested this tranche; another finance officer must "
                                  "authorise it.")
    db.session.expire_all()
    assert (application.state, tranche.state) == ("approved", "requested")
    assert _disbursements(application) == []


def test_the_database_refuses_a_self_authorised_tranche(scene, officers):
    """Four eyes holds even for a write that bypasses the workflow."""
    application = scene()
    alice, _ = officers
    tranche = request(application, 400_000, alice)
    with write_intent(True):
        tranche.state = "released"
        tranche.released_at = datetime(2026, 4, 1, 9, 0)
        tranche.authorised_by_id = alice.id
        with pytest.raises(IntegrityError):
            db.session.flush()
        db.session.rollback()


def test_a_second_authorisation_is_refused_and_pays_nothing(scene, officers, make_user):
    application = scene()
    alice, bob = officers
    tranche = request(application, 400_000, alice)
    authorise(tranche, bob)
    for officer in (bob, make_user("finance_officer")):
        with pytest.raises(TransitionRefused, match="This tranche was already released."):
            authorise(tranche, officer)
    assert len(_disbursements(application)) == 1
    assert ledger.balances(application.fund).cash == DONATED - 400_000


def test_a_cancelled_tranche_frees_its_amount_and_cannot_be_authorised(scene, officers):
    application = scene()
    alice, bob = officers
    tranche = request(application, 800_000, alice)
    act(tranches.cancel_tranche, tranche, alice)
    db.session.expire_all()
    assert (tranche.state, tranche.cancelled_by_id) == ("cancelled", alice.id)
    assert tranches.figures(application).remaining == APPROVED
    assert _events(application, "tranche_cancelled")[0].data["tranche"] == 1
    with pytest.raises(TransitionRefused, match="This tranche was cancelled."):
        authorise(tranche, bob)
    with pytest.raises(TransitionRefused, match="This tranche was cancelled."):
        act(tranches.cancel_tranche, tranche, bob)
    assert _disbursements(application) == []


def test_a_released_tranche_cannot_be_cancelled(scene, officers):
    application = scene()
    alice, bob = officers
    tranche = request(application, 400_000, alice)
    authorise(tranche, bob)
    with pytest.raises(TransitionRefused, match="already released"):
        act(tranches.cancel_tranche, tranche, alice)


def test_release_never_exceeds_an_approved_amount_lowered_after_the_request(scene, officers):
    application = scene()
    alice, bob = officers
    tranche = request(application, 600_000, alice)
    application.approved_yen = 500_000
    db.session.commit()
    with pytest.raises(TransitionRefused, match="above the approved ¥500,000"):
        authorise(tranche, bob)
    assert _disbursements(application) == []


def test_money_never_reserved_is_not_paid_out(make_application, officers):
    application = make_application(state="approved")
    application.approved_yen = 500_000
    db.session.commit()
    with write_intent(True):
        ledger.post(application.fund, "donation", DONATED, actor=None)
        db.session.commit()
    tranche = request(application, 500_000, officers[0])
    with pytest.raises(TransitionRefused, match="Only ¥0 is still reserved"):
        authorise(tranche, officers[1])


@pytest.mark.parametrize(("kind", "state", "released", "pending"), [
    ("grant", "approved", 0, 200_000),
    ("grant", "approved", 300_000, 200_000),  # the release makes it in implementation
    ("loan", "approved", 0, 0),  # no tranche before the agreement is signed
    ("loan", "contracted", 0, 200_000),
])
def test_cancelling_the_file_returns_the_unreleased_money(scene, officers, make_user, kind,
                                                          state, released, pending):
    application = scene(kind=kind, state=state)
    alice, bob = officers
    if released:
        authorise(request(application, released, alice), bob)
    waiting = request(application, pending, alice) if pending else None
    fire(application, "cancel", make_user("secretariat"), reason="The seminar was called off.")
    db.session.expire_all()
    assert application.state == "cancelled"
    assert ledger.outstanding_commitment(application) == 0
    money = ledger.balances(application.fund)
    assert money.cash == DONATED - released
    assert money.committed == 0 and money.available == DONATED - released
    [freed] = db.session.scalars(select(LedgerEntry).where(
        LedgerEntry.application_id == application.id,
        LedgerEntry.kind == "commitment_release")).all()
    assert freed.amount_yen == APPROVED - released
    [event] = _events(application, "cancel")
    assert event.data["commitment_released_yen"] == APPROVED - released
    assert event.data["cancelled_tranches"] == ([waiting.number] if waiting else [])
    if waiting is not None:
        assert waiting.state == "cancelled"
        assert tranches.figures(application).pending == 0


def test_a_form_key_is_claimed_once(app, officers):
    with write_intent(True):
        key = idempotency.new_key()
        assert idempotency.claim(key, officers[0], "finance.request_tranche") is True
        assert idempotency.claim(key, officers[0], "finance.request_tranche") is False
        assert idempotency.claim(idempotency.new_key(), officers[0], "x") is True
        db.session.commit()


def test_a_release_names_a_tranche_of_this_application(scene, officers, make_user):
    application, other = scene(), scene()
    alice, bob = officers
    elsewhere = request(other, 100_000, alice)
    with pytest.raises(TransitionRefused, match="There is no such tranche on this application."):
        fire(application, "release_tranche", bob, tranche_id=elsewhere.id)
    with pytest.raises(TransitionRefused, match="Choose the requested tranche to release."):
        fire(application, "release_tranche", bob)
    db.session.expire_all()
    assert application.state == "approved" and elsewhere.state == "requested"
    assert _disbursements(application) == [] and _disbursements(other) == []
