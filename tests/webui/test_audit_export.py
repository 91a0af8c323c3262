"""The auditor's export of audit events: the days chosen (the reader's own days, the last 30
by default), an action, in the chain's order, read a page at a time however many."""

from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta

from models import dated_at, db, utcnow, write_intent
from workflow.engine import audit
from workflow.files import exports


def _record(action: str, moment: datetime) -> int:
    db.session.commit()  # the test's reads: a change needs a transaction of its own
    with write_intent(True), dated_at(moment):
        audit.record(action, actor=None, object_type="user", object_id=None, data={})
        db.session.commit()
    return audit.chain_head()[0]


def _exported(client, **query) -> list[tuple[int, str]]:
    response = client.get("/audit/events.csv", query_string=query)
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0][:4] == ["seq", "occurred_at", "actor", "action"]
    return [(int(r[0]), r[3]) for r in rows[1:]]


def test_the_export_holds_the_days_chosen_in_the_readers_time_zone(app, client, login_as):
    login_as("auditor")  # no organisation: Tokyo time
    before = _record("seen_1_nov", datetime(2026, 11, 1, 14, 59))  # 1 Nov 23:59 in Tokyo
    first = _record("seen_2_nov", datetime(2026, 11, 1, 15, 0))  # 2 Nov 00:00 in Tokyo
    second = _record("vote_cast", datetime(2026, 11, 2, 14, 59))
    _record("seen_3_nov", datetime(2026, 11, 2, 15, 0))
    assert _exported(client, date_from="2026-11-02", date_to="2026-11-02") == [
        (first, "seen_2_nov"), (second, "vote_cast")]
    assert _exported(client, date_from="2026-11-01", date_to="2026-11-02",
                     action="vote_cast") == [(second, "vote_cast")]
    assert (before, "seen_1_nov") in _exported(client, date_from="2026-11-01",
                                               date_to="2026-11-01")


def test_by_default_the_last_thirty_days(app, client, login_as):
    login_as("auditor")
    now = utcnow()
    _record("too_old", now - timedelta(days=31))
    recent = _record("recent", now - timedelta(days=20))
    today = _record("today", now)
    exported = _exported(client)
    assert (recent, "recent") in exported and (today, "today") in exported
    assert "too_old" not in {action for _seq, action in exported}
    page = client.get("/audit/").get_data(as_text=True)
    assert f'value="{(now + timedelta(hours=9)).date().isoformat()}"' in page  # to: today


def test_a_long_range_is_read_a_page_at_a_time_in_the_chains_order(app, client, login_as,
                                                                    monkeypatch):
    login_as("auditor")
    monkeypatch.setattr(exports, "EXPORT_PAGE", 2)
    moment = datetime(2026, 10, 5, 3, 0)
    chosen = [_record("same_moment", moment) for _ in range(5)]
    _record("another_month", datetime(2026, 12, 1, 3, 0))
    chosen.append(_record("later_that_day", moment + timedelta(hours=1)))
    chosen.append(_record("recorded_late_for_that_day", moment))
    assert [seq for seq, _action in _exported(
        client, date_from="2026-10-05", date_to="2026-10-05")] == chosen
    everything = _exported(client, date_from="1900-01-01", date_to="9998-12-31")
    assert [seq for seq, _action in everything] == sorted(seq for seq, _ in everything)
    assert set(chosen) <= {seq for seq, _action in everything}


def test_days_that_are_not_a_range_are_told_not_answered_with_an_error(app, client, login_as):
    login_as("auditor")
    for query, told in (({"date_from": "yesterday"}, "Not a valid date value."),
                        ({"date_from": "2026-11-02", "date_to": "2026-11-01"},
                         "The last day comes before the first."),
                        ({"date_from": "0001-01-01"}, "Choose days between 1900 and 9998."),
                        ({"action": "x" * 65}, "Field cannot be longer than 64 characters.")):
        response = client.get("/audit/events.csv", query_string=query)
        assert response.status_code == 302 and response.location == "/audit/", query
        assert told in client.get("/audit/").get_data(as_text=True), query
