"""Verification from the last checkpoint: `flask audit verify` and the audit page recompute
only the events after the last verification that found nothing wrong, still say where a
chain breaks, and leave no checkpoint when it does; `--full` recomputes them all with a
progress bar; a full re-verification asked for on the page is run by `flask audit work`."""

import re

import pytest
from sqlalchemy import func, select

from models import AuditVerification, AuditVerificationJob, db, write_intent
from tests.database import append_test_events, tamper
from workflow.engine import audit, verifying


def _checkpoints() -> list[tuple[int, bool, int]]:
    db.session.rollback()
    return [tuple(row) for row in db.session.execute(
        select(AuditVerification.up_to_seq, AuditVerification.full,
               AuditVerification.events_checked).order_by(AuditVerification.id))]


@pytest.fixture
def cli(app):
    runner = app.test_cli_runner()

    def run(*args, exit_code=0):
        db.session.commit()
        result = runner.invoke(args=list(args))
        assert result.exit_code == exit_code, result.output
        return result.output

    return run


def test_the_second_verification_checks_only_the_new_events(app, cli):
    append_test_events(6)
    assert "6 events verified" in cli("audit", "verify")  # no checkpoint yet: all of them
    append_test_events(3)
    assert "3 events verified after event 6, verified before" in cli("audit", "verify")
    assert "0 events verified after event 9" in cli("audit", "verify")
    assert _checkpoints() == [(6, True, 6), (9, False, 3), (9, False, 0)]


def test_a_new_event_changed_is_found_and_leaves_no_checkpoint(app, cli):
    append_test_events(5)
    cli("audit", "verify")
    append_test_events(4)
    tamper("UPDATE audit_events SET action = 'forged' WHERE seq = 7")
    output = cli("audit", "verify", exit_code=1)
    assert "Audit chain broken at event 7: its content does not match its hash." in output
    assert _checkpoints() == [(5, True, 5)]


def test_a_checkpoint_rewritten_sends_the_check_back_to_the_start(app, cli):
    """Rewriting history before the checkpoint and re-hashing up to it changes the
    checkpoint's own hash: the check then goes through the whole chain, naming the break."""
    append_test_events(6)
    cli("audit", "verify")
    tamper("UPDATE audit_events SET hash = :forged WHERE seq = 6", forged="f" * 64)
    output = cli("audit", "verify", exit_code=1)
    assert "Audit chain broken at event 6: its content does not match its hash." in output


def test_an_old_event_changed_is_left_to_the_full_verification(app, cli):
    append_test_events(6)
    cli("audit", "verify")
    tamper("UPDATE audit_events SET action = 'forged' WHERE seq = 2")
    assert "0 events verified after event 6" in cli("audit", "verify")
    output = cli("audit", "verify", "--full", exit_code=1)
    assert "Audit chain broken at event 2: its content does not match its hash." in output


def test_a_new_ledger_entry_changed_is_found_from_the_checkpoint(app, cli, make_fund):
    from workflow.money import ledger

    fund = make_fund("WNF")
    with write_intent(True):
        ledger.post(fund, "donation", 1_000, actor=None)
        db.session.commit()
    cli("audit", "verify")
    with write_intent(True):
        entry = ledger.post(fund, "donation", 2_000, actor=None).id
        db.session.commit()
    tamper("UPDATE ledger_entries SET amount_yen = 2001 WHERE id = :id", id=entry)
    output = cli("audit", "verify", exit_code=1)
    assert f"ledger entry {entry} holds ¥2,001" in output


def test_the_full_verification_shows_a_progress_bar(app, cli):
    append_test_events(4)
    output = cli("audit", "verify", "--full")
    assert "Verifying audit events" in output
    assert "4 events verified" in output


def test_the_page_verifies_from_the_checkpoint_and_says_so(app, client, login_as):
    user = login_as("auditor", name="Aoki")
    append_test_events(3)
    head = audit.chain_head()[0]
    first = client.post("/audit/verify").get_data(as_text=True)
    assert f"{head} events verified" in first
    assert f"Last verified up to event {head} on" in first and "by Aoki" in first
    append_test_events(2)
    again = client.post("/audit/verify").get_data(as_text=True)
    assert f"2 events verified after event {head}" in again
    assert f"Last verified up to event {head + 2} on" in again
    assert _checkpoints() == [(head, True, head), (head + 2, False, 2)]
    assert db.session.scalar(select(AuditVerification.by_user_id).order_by(
        AuditVerification.id.desc()).limit(1)) == user.id


def test_a_get_verifies_nothing(app, client, login_as):
    append_test_events(2)
    login_as("auditor")
    page = client.get("/audit/?verify=1").get_data(as_text=True)
    assert "Not verified yet" in page and "events verified" not in page
    assert _checkpoints() == []


def test_a_full_reverification_is_queued_run_by_the_worker_and_shown(app, client, login_as,
                                                                     cli):
    login_as("secretariat")
    append_test_events(7)
    events = audit.chain_head()[0]
    assert client.post("/audit/full").status_code == 302
    queued = client.get("/audit/").get_data(as_text=True)
    assert "A full re-verification of the chain is queued" in queued
    assert "waits for the worker" in queued
    assert '<meta http-equiv="refresh"' in queued  # the page comes back by itself, no JS
    client.post("/audit/full")
    twice = client.get("/audit/").get_data(as_text=True)
    assert "already queued or running" in twice
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(AuditVerificationJob)) == 1

    output = cli("audit", "work")
    assert re.search(rf"Verification job \d+: {events} events verified", output)
    page = client.get("/audit/").get_data(as_text=True)
    assert "The last full re-verification, finished on" in page
    assert f"{events} events verified" in page and '<meta http-equiv="refresh"' not in page
    db.session.rollback()
    job = verifying.current_job()
    assert (job.state, job.done, job.total) == ("done", events, events)
    assert _checkpoints() == [(events, True, events)]
    assert cli("audit", "work") == ""  # nothing left to do


def test_the_worker_writes_its_progress_as_it_goes(app, monkeypatch):
    append_test_events(5)
    with write_intent(True):
        verifying.request_full(None)
        db.session.commit()
    monkeypatch.setattr(verifying, "PROGRESS_EVERY", 2)
    writer, seen = verifying.progress_writer, []

    def watched(job_id):
        step = writer(job_id)

        def and_read(events):
            step(events)
            with db.engine.connect() as conn:  # as the page would, meanwhile
                seen.append(tuple(conn.execute(
                    select(AuditVerificationJob.state, AuditVerificationJob.done,
                           AuditVerificationJob.total)
                    .where(AuditVerificationJob.id == job_id)).one()))
        return and_read

    monkeypatch.setattr(verifying, "progress_writer", watched)
    verifying.run_next(None)
    assert seen == [("running", 0, 5), ("running", 2, 5), ("running", 2, 5),
                    ("running", 4, 5), ("running", 4, 5)]


def test_a_running_job_shows_its_progress_and_refreshes(app, client, login_as):
    login_as("auditor")
    client.post("/audit/full")
    tamper("UPDATE audit_verification_jobs SET state = 'running', done = 40000, "
            "total = 120000")
    page = client.get("/audit/").get_data(as_text=True)
    assert "Full re-verification running: 40,000 of 120,000 events checked." in page
    assert '<meta http-equiv="refresh"' in page
    assert '<progress max="120000" value="40000"' in page


def test_a_failed_job_says_where_the_chain_breaks(app, client, login_as, cli):
    append_test_events(4)
    tamper("UPDATE audit_events SET action = 'forged' WHERE seq = 3")
    login_as("auditor")
    client.post("/audit/full")
    cli("audit", "work")
    page = client.get("/audit/").get_data(as_text=True)
    assert "Audit chain broken at event 3" in page
    db.session.rollback()
    assert verifying.current_job().state == "failed" and _checkpoints() == []


@pytest.mark.parametrize("role", ["applicant", "finance_officer", "committee_member"])
def test_only_auditors_and_the_secretariat_verify(app, client, login_as, role):
    login_as(role)
    assert client.post("/audit/verify").status_code == 403
    assert client.post("/audit/full").status_code == 403


def test_a_job_whose_worker_stopped_does_not_block_a_new_one(app, client, login_as):
    login_as("auditor")
    client.post("/audit/full")
    tamper("UPDATE audit_verification_jobs SET state = 'running', "
            "started_at = '2026-01-01 00:00:00'")
    client.post("/audit/full")
    db.session.rollback()
    states = db.session.scalars(select(AuditVerificationJob.state)
                                .order_by(AuditVerificationJob.id)).all()
    assert states == ["failed", "queued"]
    assert verifying.WORKER_LOST in db.session.scalar(select(AuditVerificationJob.result)
                                                      .order_by(AuditVerificationJob.id)
                                                      .limit(1))


@pytest.mark.parametrize("forged", ["missing entry", "second event"])
def test_a_money_event_after_the_checkpoint_is_matched_to_the_ledger(app, cli, make_fund,
                                                                      forged):
    from workflow.money import ledger

    fund = make_fund("WNF")
    with write_intent(True):
        entry = ledger.post(fund, "donation", 1_000, actor=None).id
        db.session.commit()
    cli("audit", "verify")
    recorded = 999_999 if forged == "missing entry" else entry  # an old entry, twice
    append_test_events(0)
    with write_intent(True):
        seq = audit.record("ledger.donation", actor=None, object_type="ledger_entry",
                           object_id=recorded, data={"fund": "WNF", "amount_yen": 1_000,
                                                     "application": None})["seq"]
        db.session.commit()
    output = cli("audit", "verify", exit_code=1)
    if forged == "missing entry":
        assert f"audit event {seq} (ledger.donation) records ledger entry 999999" in output
    else:
        assert f"ledger entry {entry} has more than one audit event" in output
