"""The scale seed's bulk writer: rows as the driver takes them, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from demo.scale_writer import _postgres_value, _sqlite_value, _tuples
from models import db

ENTRY = {"id": 1, "fund_id": 2, "kind": "donation", "amount_yen": 5_000_000,
         "booked_on": date(2020, 4, 1), "application_id": None, "tranche_id": None,
         "donation_id": 3, "repayment_id": None, "actor_id": 4, "memo": "Donation",
         "created_at": datetime(2020, 4, 1, 2, 3, 4, 5)}


@pytest.mark.parametrize("value_for", [_sqlite_value, _postgres_value])
def test_rows_go_by_column_and_may_not_leave_out_a_default_only_python_knows(value_for):
    table = db.metadata.tables["ledger_entries"]
    names, values = _tuples(table, [ENTRY, dict(reversed(ENTRY.items()))], value_for)
    assert names == list(ENTRY)
    assert values[0] == values[1]  # whatever order a row's keys were set in
    without_memo = {k: v for k, v in ENTRY.items() if k != "memo"}
    with pytest.raises(ValueError, match="ledger_entries rows leave out memo"):
        _tuples(table, [without_memo], value_for)


def test_postgres_rows_carry_the_json_text_the_engine_writes():
    table = db.metadata.tables["audit_events"]
    row = {"seq": 1, "data": {"b": "é", "a": [1, 2]}}
    names, values = _tuples(table, [row], _postgres_value)
    assert dict(zip(names, values[0], strict=True))["data"] == '{"a":[1,2],"b":"é"}'
