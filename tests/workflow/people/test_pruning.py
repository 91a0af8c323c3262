"""`flask security prune-login-attempts`: the scheduled job that keeps login_attempts small."""

from datetime import timedelta

from freezegun import freeze_time
from sqlalchemy import select

from models import db, utcnow, write_intent
from models.security import LoginAttempt
from workflow.people import throttle

from .conftest import audit_events

NOW = "2027-04-01 09:00:00"


def attempt(email, address, succeeded, age) -> LoginAttempt:
    return LoginAttempt(email=email, remote_addr=address, stage="password",
                        succeeded=succeeded, at=utcnow() - age)


def test_pruning_keeps_what_the_throttle_reads(app):
    with freeze_time(NOW):
        with write_intent(True):
            db.session.add_all([
                attempt("a@example.org", "192.0.2.1", False, throttle.WINDOW + timedelta(hours=1)),
                attempt("a@example.org", "192.0.2.1", False, timedelta(hours=1)),
                attempt("a@example.org", "198.51.100.1", True,
                        throttle.KNOWN_FOR + timedelta(days=1)),
                attempt("a@example.org", "198.51.100.2", True, timedelta(days=10)),
            ])
            db.session.commit()
        known = [throttle.known_address("a@example.org", f"198.51.100.{n}") for n in (1, 2)]
        assert known == [False, True]  # a login of 91 days ago makes no address known
        db.session.commit()
        result = app.test_cli_runner().invoke(args=["security", "prune-login-attempts"])
        assert result.exit_code == 0, result.output
        assert "2 removed, 2 kept" in result.output
        kept = db.session.execute(select(LoginAttempt.remote_addr, LoginAttempt.succeeded)
                                  .order_by(LoginAttempt.id)).all()
        assert kept == [("192.0.2.1", False), ("198.51.100.2", True)]
        assert known == [throttle.known_address("a@example.org", f"198.51.100.{n}")
                         for n in (1, 2)]
    [event] = audit_events("login_attempts_pruned")
    assert event.data == {"removed": 2, "kept": 2}


def test_pruning_changes_no_wait(app, client, make_user):
    """What the job removes is what no wait counts any more: the same wait before and after."""
    user = make_user("auditor")
    with freeze_time(NOW) as clock:
        with write_intent(True):
            db.session.add_all([attempt(user.email, "203.0.113.9", False, timedelta(hours=h))
                                for h in (30, 28, 2, 1, 0)] +
                               [attempt(user.email, "203.0.113.9", False, timedelta(minutes=m))
                                for m in (3, 2)])
            db.session.commit()
        before = throttle.wait_for(user.email, "203.0.113.9")
        db.session.commit()
        app.test_cli_runner().invoke(args=["security", "prune-login-attempts"])
        assert throttle.wait_for(user.email, "203.0.113.9") == before
        assert before is not None and before.until == utcnow() + timedelta(seconds=30)
        clock.tick(timedelta(seconds=31))
        assert throttle.wait_for(user.email, "203.0.113.9") is None
