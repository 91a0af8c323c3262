"""The hash chain: it verifies, and every kind of tampering is caught at the right event."""

import json
from datetime import datetime

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from models import db, write_intent
from tests.database import tamper
from workflow.engine import audit


def _append(count: int) -> None:
    with write_intent(True):
        db.session.rollback()
        for n in range(count):
            audit.record("test_event", actor=None, object_type="thing", object_id=n,
                         data={"n": n, "name": "日本語 and ünïcode", "amount": 10**12})
        db.session.commit()


def test_an_untouched_chain_verifies(app):
    _append(10)
    result = audit.verify()
    assert result.ok and result.count == 10
    assert str(result) == "10 events verified"


def test_a_changed_field_is_caught_at_its_event(app):
    _append(10)
    tamper("UPDATE audit_events SET action = 'something_else' WHERE seq = 6")
    result = audit.verify()
    assert (result.ok, result.bad_seq) == (False, 6)
    assert "does not match its hash" in str(result)


def test_changed_data_is_caught(app):
    _append(10)
    tamper("UPDATE audit_events SET data = :data WHERE seq = 3",
            data=json.dumps({"n": 2, "name": "x", "amount": 10**12 + 1}))
    assert audit.verify().bad_seq == 3


def test_a_deleted_event_is_caught(app):
    _append(10)
    tamper("DELETE FROM audit_events WHERE seq = 4")
    result = audit.verify()
    assert result.bad_seq == 4 and "missing" in str(result)


def test_a_reordered_pair_is_caught(app):
    _append(10)
    tamper("UPDATE audit_events SET seq = -1 WHERE seq = 7")
    tamper("UPDATE audit_events SET seq = 7 WHERE seq = 8")
    tamper("UPDATE audit_events SET seq = 8 WHERE seq = -1")
    assert audit.verify().bad_seq == 7


def test_a_rehashed_forgery_is_caught_by_the_next_link(app):
    """Recomputing a forged event's own hash still breaks the link of the event after it."""
    _append(10)
    row = db.session.execute(text("SELECT * FROM audit_events WHERE seq = 5")).mappings().one()
    data = row["data"] if isinstance(row["data"], dict) else json.loads(row["data"])
    occurred = row["occurred_at"]
    occurred = datetime.fromisoformat(occurred) if isinstance(occurred, str) else occurred
    forged = audit.event_hash(5, occurred, None, "forged", row["object_type"],
                              row["object_id"], None, None, data, row["prev_hash"])
    tamper("UPDATE audit_events SET action = 'forged', hash = :h WHERE seq = 5", h=forged)
    result = audit.verify()
    assert result.bad_seq == 6 and "does not link" in str(result)


def test_a_cut_tail_is_caught_against_a_checkpoint(app):
    _append(10)
    checkpoint = audit.chain_head()
    assert checkpoint[0] == 10
    tamper("DELETE FROM audit_events WHERE seq >= 8")
    assert audit.verify().ok  # without the checkpoint the shorter chain looks whole
    result = audit.verify(checkpoint)
    assert result.bad_seq == 10 and "short of the checkpoint" in str(result)


def test_a_checkpoint_that_differs_is_caught(app):
    _append(5)
    result = audit.verify((3, "f" * 64))
    assert result.bad_seq == 3 and "differs from the checkpoint" in str(result)


@pytest.mark.parametrize("sql", ["UPDATE audit_events SET action = 'x' WHERE seq = 1",
                                 "DELETE FROM audit_events WHERE seq = 1"])
def test_the_database_refuses_to_change_or_delete_events(app, sql):
    _append(2)
    db.session.rollback()
    with write_intent(True), pytest.raises(DBAPIError, match="append-only"):
        db.session.execute(text(sql))
    db.session.rollback()
    assert audit.verify().count == 2


def test_the_cli_verifies_checkpoints_and_exports(app, tmp_path):
    _append(4)
    runner = app.test_cli_runner()
    ok = runner.invoke(args=["audit", "verify"])
    assert ok.exit_code == 0 and "4 events verified" in ok.output
    db.session.commit()  # the commands run in the test's app context: end verify's reading
    head = runner.invoke(args=["audit", "checkpoint"]).output.splitlines()[0]
    assert head.startswith("5:") and len(head) == 2 + 64  # its own event is the head
    out = tmp_path / "audit.jsonl"
    exported = runner.invoke(args=["audit", "export", "--out", str(out)])
    assert exported.exit_code == 0, exported.output
    lines = out.read_text().splitlines()
    assert [json.loads(line)["seq"] for line in lines] == [1, 2, 3, 4, 5]
    tamper("DELETE FROM audit_events WHERE seq = 5")
    cut = runner.invoke(args=["audit", "verify", "--checkpoint", head])
    assert cut.exit_code == 1 and "event 5" in cut.output
    bad = runner.invoke(args=["audit", "verify", "--checkpoint", "nonsense"])
    assert bad.exit_code == 2


def _stored_data(seq: int) -> str:
    return db.session.execute(
        text("SELECT CAST(data AS TEXT) FROM audit_events WHERE seq = :seq"), {"seq": seq}
    ).scalar_one()


def test_event_data_is_stored_as_the_text_the_chain_hashes(app):
    """Verifying hashes the stored text as it is; the layout must be the canonical one."""
    _append(1)
    assert _stored_data(1) == '{"amount":1000000000000,"n":0,"name":"日本語 and ünïcode"}'


def test_data_written_in_another_json_layout_still_verifies(app):
    """A chain written by another serializer (spaces, escaped non-ASCII, other key order)
    holds the same data: it verifies, and a change of content in it is still caught."""
    _append(5)
    for seq in range(1, 6):
        data = json.loads(_stored_data(seq))
        tamper("UPDATE audit_events SET data = :data WHERE seq = :seq", seq=seq,
                data=json.dumps(dict(reversed(data.items())), indent=2))
    assert audit.verify().ok
    tamper("UPDATE audit_events SET data = :data WHERE seq = 4",
            data=json.dumps({"n": 3, "name": "日本語 and ünïcode", "amount": 10**12 + 1}))
    assert audit.verify().bad_seq == 4


@pytest.mark.parametrize(("column", "value"), [
    ("object_id", "1,null"), ("action", 7), ("occurred_at", "yesterday"),
    ("data", '{"n": 1,'), ("to_state", 7)])
def test_values_no_longer_of_their_type_are_caught_not_a_crash(app, on_postgres, column,
                                                               value):
    if on_postgres:
        pytest.skip("PostgreSQL's typed columns cannot hold such values")
    _append(3)
    original = db.session.execute(text(f"SELECT {column} FROM audit_events WHERE seq = 2"))
    original = original.scalar_one()
    tamper(f"UPDATE audit_events SET {column} = :value WHERE seq = 2", value=value)
    result = audit.verify()
    assert (result.bad_seq, "does not match its hash" in str(result)) == (2, True)
    tamper(f"UPDATE audit_events SET {column} = :value WHERE seq = 2", value=original)
    assert audit.verify().ok
