"""Officers acting at the same instant, in real processes against the real database."""

from collections import Counter

from sqlalchemy import func, select

from models import LedgerEntry, Tranche, User, db
from tests.concurrency.racing import race
from workflow.engine import audit
from workflow.money import tranches

from .conftest import APPROVED, request


def _authorise(tranche_id: int, user_id: int):
    tranche = db.session.get(Tranche, tranche_id)
    tranches.authorise_tranche(tranche, db.session.get(User, user_id))
    return tranche_id


def _request(application_id: int, user_id: int, amount: int):
    from models import Application

    application = db.session.get(Application, application_id)
    return tranches.request_tranche(application, amount, db.session.get(User, user_id)).number


def _outcomes(outcomes) -> Counter:
    errors = [detail for kind, detail in outcomes if kind == "error"]
    assert not errors, errors[0]
    db.session.rollback()  # end the test's snapshot: see what the racers committed
    return Counter(kind for kind, _ in outcomes)


def test_officers_authorising_at_the_same_instant_release_once(
        database_url, scene, make_user):
    application = scene()
    requester = make_user("finance_officer")
    tranche = request(application, 400_000, requester)
    others = [make_user("finance_officer").id for _ in range(8)]
    db.session.commit()
    outcomes = race(database_url, _authorise, [(tranche.id, user) for user in others])
    assert _outcomes(outcomes) == {"ok": 1, "refused": 7}
    assert {detail for kind, detail in outcomes if kind == "refused"} == {
        "This tranche was already released."}
    assert db.session.scalar(select(func.count()).select_from(LedgerEntry).where(
        LedgerEntry.kind == "disbursement")) == 1
    assert db.session.get(Tranche, tranche.id).state == "released"
    assert audit.verify().ok


def test_requests_racing_for_the_last_yen_never_exceed_the_approved_amount(
        database_url, scene, make_user):
    application = scene()
    officers = [make_user("finance_officer").id for _ in range(8)]
    db.session.commit()
    outcomes = race(database_url, _request,
                    [(application.id, user, 300_000) for user in officers])
    assert _outcomes(outcomes) == {"ok": 3, "refused": 5}
    assert sorted(detail for kind, detail in outcomes if kind == "ok") == [1, 2, 3]
    assert all(detail.startswith("At most ¥100,000 can still be requested")
               for kind, detail in outcomes if kind == "refused")
    assert tranches.figures(application).pending == 900_000 <= APPROVED
