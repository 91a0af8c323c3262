"""`verify` matches the ledger to the audit chain: someone with database access who changes an
entry (its amount, fund, kind or application), adds one or removes one is named by it."""

import pytest
from sqlalchemy import select

from models import AuditEvent, LedgerEntry, db, write_intent
from tests.database import tamper
from workflow.engine import audit
from workflow.money import ledger


@pytest.fixture
def books(app, make_fund, make_application):
    """Donations to both funds and a commitment to an application, booked as the app does."""
    wnf, sme = make_fund("WNF"), make_fund("SME")
    application = make_application(kind="grant", state="approved")
    with write_intent(True):
        ledger.post(wnf, "donation", 5_000_000, actor=None, memo="Gift")
        ledger.post(sme, "donation", 90_000_000, actor=None, memo="Gift")
        commitment = ledger.post(wnf, "commitment", 1_200_000, actor=None,
                                 application=application, memo="Approval")
        db.session.commit()
    return {"commitment": commitment.id, "application": application}


def _event_of(entry_id: int) -> int:
    return db.session.scalar(select(AuditEvent.seq).where(
        AuditEvent.object_type == "ledger_entry", AuditEvent.object_id == entry_id))


def test_a_ledger_booked_by_the_app_matches_its_chain(books):
    result = audit.verify()
    assert result.ok, str(result)
    assert result.entries == 3
    assert "3 ledger entries match their events" in str(result)


def test_a_changed_amount_is_named_by_its_ledger_entry(books):
    entry = books["commitment"]
    tamper("UPDATE ledger_entries SET amount_yen = 200000 WHERE id = :id", id=entry)
    result = audit.verify()
    assert not result.ok and result.bad_entry == entry
    assert (f"ledger entry {entry} holds ¥200,000; its audit event {_event_of(entry)} "
            "records ¥1,200,000.") in str(result)


def test_a_changed_fund_is_named(books):
    entry = books["commitment"]
    tamper("UPDATE ledger_entries SET fund_id = (SELECT id FROM funds WHERE code = 'SME') "
            "WHERE id = :id", id=entry)
    result = audit.verify()
    assert result.bad_entry == entry
    assert f"ledger entry {entry} is booked to the SME fund" in str(result)
    assert "records WNF" in str(result)


def test_a_changed_kind_is_named(books):
    entry = books["commitment"]
    tamper("UPDATE ledger_entries SET kind = 'commitment_release' WHERE id = :id", id=entry)
    result = audit.verify()
    assert result.bad_entry == entry
    assert f"ledger entry {entry} is a commitment_release" in str(result)


def test_an_entry_moved_to_no_application_is_named(books):
    entry = books["commitment"]
    tamper("UPDATE ledger_entries SET application_id = NULL WHERE id = :id", id=entry)
    result = audit.verify()
    assert result.bad_entry == entry
    assert (f"ledger entry {entry} is booked to no application; its audit event "
            f"{_event_of(entry)} records {books['application'].reference}.") in str(result)


def test_an_entry_added_behind_the_apps_back_is_named(books):
    tamper("INSERT INTO ledger_entries (fund_id, kind, amount_yen, booked_on, memo, "
            "created_at) SELECT fund_id, 'disbursement', 700000, booked_on, 'x', created_at "
            "FROM ledger_entries WHERE id = :id", id=books["commitment"])
    added = db.session.scalar(select(LedgerEntry.id).order_by(LedgerEntry.id.desc()))
    result = audit.verify()
    assert result.bad_entry == added
    assert f"ledger entry {added} (disbursement, ¥700,000) has no audit event." in str(result)


def test_a_removed_entry_is_named_by_its_event(books):
    entry = books["commitment"]
    seq = _event_of(entry)
    tamper("DELETE FROM ledger_entries WHERE id = :id", id=entry)
    result = audit.verify()
    assert result.bad_entry == entry and result.bad_seq == seq
    assert (f"audit event {seq} (ledger.commitment) records ledger entry {entry}, "
            "which is not there.") in str(result)


def test_a_second_event_for_one_entry_is_named(books):
    """Two money events for one entry would count its money twice in the chain's story."""
    entry = books["commitment"]
    db.session.rollback()
    with write_intent(True):
        audit.record("ledger.commitment", actor=None, object_type="ledger_entry",
                     object_id=entry, data={"fund": "WNF", "amount_yen": 1_200_000,
                                            "application": books["application"].reference})
        db.session.commit()
    result = audit.verify()
    assert result.bad_entry == entry
    assert f"ledger entry {entry} has more than one audit event" in str(result)


def test_the_cli_and_the_audit_page_name_the_entry(books, client, login_as):
    entry = books["commitment"]
    tamper("UPDATE ledger_entries SET amount_yen = amount_yen + 1 WHERE id = :id", id=entry)
    verified = client.application.test_cli_runner().invoke(args=["audit", "verify"])
    assert verified.exit_code == 1
    assert f"ledger entry {entry} holds ¥1,200,001" in verified.output
    login_as("auditor")
    page = client.post("/audit/verify")
    assert page.status_code == 200
    assert f"ledger entry {entry} holds ¥1,200,001" in page.get_data(as_text=True)
