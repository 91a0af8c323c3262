"""`flask audit checkpoint` anchors the chain outside the database (a file, and an email to
each auditor); `flask audit verify` holds the chain to the latest anchor by default, so a cut
tail, an emptied table or a chain rewritten and re-hashed before the anchor fails, naming it."""

import json
from datetime import datetime

import pytest
from sqlalchemy import func, select, text

from models import AuditEvent, OutboxMessage, db
from tests.database import append_test_events, tamper
from workflow.engine import anchors, audit


def _events() -> int:
    return db.session.scalar(select(func.count()).select_from(AuditEvent))


@pytest.fixture
def cli(app):
    runner = app.test_cli_runner()

    def run(*args, exit_code=0):
        db.session.commit()  # the command runs in the test's app context, as a new transaction
        result = runner.invoke(args=list(args))
        assert result.exit_code == exit_code, result.output
        return result.output

    return run


@pytest.fixture
def anchor_file(app):
    return anchors.file_in(app.config["AUDIT_ANCHOR_DIR"])


def test_an_emptied_table_fails_against_the_anchor(app, cli):
    """Today an emptied table verifies as '0 events'."""
    append_test_events(5)
    mark = cli("audit", "checkpoint").splitlines()[0]
    assert mark.startswith("6:")  # the anchoring event is the sixth
    tamper("DELETE FROM audit_events")
    output = cli("audit", "verify", exit_code=1)
    assert "Audit chain broken at event 6: the chain holds 0 events, short of the anchor " \
           "written" in output
    assert "(event 6)" in output


def test_a_cut_tail_fails_against_the_anchor(app, cli):
    append_test_events(8)
    cli("audit", "checkpoint")
    append_test_events(3)
    assert "12 events verified" in cli("audit", "verify")
    tamper("DELETE FROM audit_events WHERE seq > 7")
    output = cli("audit", "verify", exit_code=1)
    assert "the chain holds 7 events, short of the anchor written" in output


def test_a_chain_rewritten_and_rehashed_fails_against_the_anchor(app, cli):
    """Someone rewrites event 3 and recomputes every hash after it: each event links to the
    one before and matches its hash, but the anchored event's hash is not the anchor's."""
    append_test_events(6)
    cli("audit", "checkpoint")
    rows = db.session.execute(text("SELECT * FROM audit_events ORDER BY seq")).mappings().all()
    prev = rows[1]["hash"]
    db.session.rollback()
    for row in rows[2:]:
        data = row["data"] if isinstance(row["data"], dict) else json.loads(row["data"])
        occurred = row["occurred_at"]
        occurred = datetime.fromisoformat(occurred) if isinstance(occurred, str) else occurred
        action = "forged" if row["seq"] == 3 else row["action"]
        digest = audit.event_hash(row["seq"], occurred, row["actor_id"], action,
                                  row["object_type"], row["object_id"], row["from_state"],
                                  row["to_state"], data, prev)
        tamper("UPDATE audit_events SET action = :action, prev_hash = :prev, hash = :hash "
                "WHERE seq = :seq", action=action, prev=prev, hash=digest, seq=row["seq"])
        prev = digest
    assert audit.verify().ok  # without its anchor the forgery holds together
    output = cli("audit", "verify", exit_code=1)
    assert "Audit chain broken at event 7: it differs from the anchor written" in output


def test_checkpoint_writes_a_line_emails_the_auditors_and_joins_the_chain(
        app, cli, anchor_file, make_user):
    auditor = make_user("auditor", email="auditor@example.org")
    make_user("auditor", email="gone@example.org", active=False)
    make_user("secretariat", email="staff@example.org")
    append_test_events(3)
    output = cli("audit", "checkpoint")
    mark = output.splitlines()[0]
    seq, digest = audit.parse_checkpoint(mark)
    assert (seq, digest) == audit.chain_head() and seq == 4
    assert f"Anchored in {anchor_file}; emailed to 1 auditors." in output
    lines = anchor_file.read_text().splitlines()
    assert lines[0].startswith("#")
    number, line_hash, when = lines[1].split()
    assert (int(number), line_hash) == (seq, digest)
    assert datetime.strptime(when, "%Y-%m-%dT%H:%M:%SZ")
    event = db.session.get(AuditEvent, seq)
    assert event.action == "audit_anchored" and event.data["previous"] is None
    (email,) = db.session.scalars(select(OutboxMessage)).all()
    assert email.to_address == auditor.email and email.state == "pending"
    assert f"event {seq}" in email.subject and digest in email.body
    assert f"flask audit verify --checkpoint {seq}:{digest}" in email.body

    append_test_events(2)
    second = cli("audit", "checkpoint").splitlines()[0]
    assert second.startswith("7:")
    assert len(anchor_file.read_text().splitlines()) == 3  # appended, the header once
    assert db.session.get(AuditEvent, 7).data["previous"] == mark
    assert "the chain holds the anchor written" in cli("audit", "verify")


def test_a_chain_that_has_not_moved_is_not_anchored_again(app, cli, anchor_file, make_user):
    make_user("auditor")
    append_test_events(2)
    mark = cli("audit", "checkpoint").splitlines()[0]
    output = cli("audit", "checkpoint")
    assert output.splitlines()[0] == mark
    assert "has not moved since the anchor written" in output
    assert _events() == 3
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 1
    assert len(anchor_file.read_text().splitlines()) == 2


def test_checkpoint_refuses_to_vouch_for_a_chain_cut_since(app, cli, anchor_file, make_user):
    make_user("auditor")
    append_test_events(5)
    cli("audit", "checkpoint")
    before = anchor_file.read_text()
    tamper("DELETE FROM audit_events WHERE seq > 3")
    output = cli("audit", "checkpoint", exit_code=1)
    assert "The audit chain no longer holds the anchor written" in output
    assert "(event 6): nothing was anchored" in output
    assert _events() == 3
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 1
    assert anchor_file.read_text() == before


def test_checkpoint_without_auditors_still_writes_the_file(app, cli, anchor_file):
    append_test_events(1)
    output = cli("audit", "checkpoint")
    assert "nobody was emailed" in output
    assert anchor_file.exists()


def test_an_hourly_checkpoint_may_leave_the_email_to_the_daily_one(app, cli, anchor_file,
                                                                   make_user):
    make_user("auditor")
    append_test_events(1)
    assert "(not emailed)" in cli("audit", "checkpoint", "--no-email")
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 0
    append_test_events(1)
    assert "emailed to 1 auditors" in cli("audit", "checkpoint")
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 1
    assert len(anchor_file.read_text().splitlines()) == 3


def test_a_checkpoint_given_by_hand_overrides_the_file(app, cli):
    append_test_events(4)
    early = audit.chain_head()
    cli("audit", "checkpoint")
    tamper("DELETE FROM audit_events WHERE seq = 5")  # the anchoring event itself
    assert "short of the anchor" in cli("audit", "verify", exit_code=1)
    output = cli("audit", "verify", "--checkpoint", f"{early[0]}:{early[1]}")
    assert "4 events verified" in output and "the chain holds the checkpoint (event 4)" in output


def test_without_an_anchor_verify_says_so(app, cli):
    append_test_events(2)
    output = cli("audit", "verify")
    assert "2 events verified" in output
    assert "No anchor yet in" in output


def test_a_damaged_anchor_file_is_reported_not_trusted(app, cli, anchor_file, client,
                                                       login_as):
    append_test_events(2)
    anchor_file.parent.mkdir(parents=True, exist_ok=True)
    anchor_file.write_text(anchors.HEADER + "2 not-a-hash 2026-12-06T03:00:00Z\n")
    output = cli("audit", "verify", exit_code=1)
    assert f"Line 2 of {anchor_file} is not an anchor" in output
    login_as("auditor")
    page = client.post("/audit/verify")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "is not an anchor" in html and "events verified" not in html


def test_the_audit_page_holds_the_chain_to_the_anchor(app, cli, client, login_as):
    login_as("auditor")
    page = client.get("/audit/").get_data(as_text=True)
    assert "No anchor yet" in page
    mark = cli("audit", "checkpoint").splitlines()[0]
    seq, digest = audit.parse_checkpoint(mark)
    page = client.post("/audit/verify").get_data(as_text=True)
    assert digest in page and "Latest anchor" in page
    assert "the chain holds the anchor written" in page
    tamper("DELETE FROM audit_events")
    page = client.post("/audit/verify").get_data(as_text=True)
    assert f"Audit chain broken at event {seq}" in page and "short of the anchor" in page


def _line(seq: int) -> str:
    return anchors.Anchor(seq, f"{seq:064x}", datetime(2026, 12, 6, 3, 0)).line()


def test_the_latest_anchor_is_the_highest_and_a_torn_last_line_is_left_out(tmp_path):
    path = anchors.file_in(tmp_path)
    path.write_text(anchors.HEADER + _line(3) + _line(9) + _line(7) + _line(12)[:30])
    latest = anchors.latest(tmp_path)
    assert (latest.seq, latest.hash) == (9, f"{9:064x}")
    assert latest.written_at == datetime(2026, 12, 6, 3, 0)
    assert anchors.latest(tmp_path / "nothing-here") is None


def test_years_of_anchors_are_read_from_the_tail_alone(tmp_path):
    path = anchors.file_in(tmp_path)
    with path.open("w") as handle:
        handle.write(anchors.HEADER + "damaged long ago\n")  # outside the tail: not read
        for seq in range(1, 5_001):
            handle.write(_line(seq))
    assert path.stat().st_size > 4 * anchors.TAIL_BYTES
    assert anchors.latest(tmp_path).seq == 5_000
