"""Back up while the app writes, restore into an empty database, and find every yen."""

import json
import threading

from sqlalchemy import text

from models import db, write_intent
from workflow.money import ledger

from .conftest import app_on as _app_on


def _keep_writing(app, fund_id: int, stop: threading.Event, written: list[int]) -> None:
    from models import Fund

    with app.app_context():
        while not stop.is_set():
            with write_intent(True):
                ledger.post(db.session.get(Fund, fund_id), "donation", 1_000, actor=None)
                db.session.commit()
            written.append(1)
        db.session.remove()


def test_backup_while_writing_then_restore(_app, app, make_application, empty_database,
                                           tmp_path):
    application = make_application("grant", state="approved")
    fund = application.fund
    db.session.commit()
    with write_intent(True):
        ledger.post(fund, "donation", 9_000_000, actor=None)
        ledger.reserve(application, 2_500_000, None)
        db.session.commit()
    upload = tmp_path / "uploads-source"
    upload.mkdir()
    (upload / "abc123").write_bytes(b"%PDF-1.4 signed agreement")
    _app.config["UPLOAD_DIR"] = str(upload)
    stop, written = threading.Event(), []
    writer = threading.Thread(target=_keep_writing, args=(_app, fund.id, stop, written))
    writer.start()
    try:
        while len(written) < 5:
            stop.wait(0.01)
        result = app.test_cli_runner().invoke(args=["backup", "create", "--out",
                                                    str(tmp_path / "backup")])
    finally:
        stop.set()
        writer.join()
    assert result.exit_code == 0, result.output
    assert len(written) > 5  # the app kept writing during the backup
    manifest = json.loads((tmp_path / "backup" / "manifest.json").read_text())
    assert manifest["summary"]["ledger_totals"]["commitment"] == 2_500_000

    target_uploads = tmp_path / "uploads-target"
    restored_app = _app_on(empty_database, target_uploads)
    with restored_app.app_context():
        outcome = restored_app.test_cli_runner().invoke(args=["backup", "restore",
                                                              str(tmp_path / "backup")])
        assert outcome.exit_code == 0, outcome.output
        assert "ledger totals match" in outcome.output and "events verified" in outcome.output
        with db.engine.connect() as conn:
            donations = conn.execute(text(
                "SELECT sum(amount_yen) FROM ledger_entries WHERE kind = 'donation'")).scalar()
        assert donations == manifest["summary"]["ledger_totals"]["donation"]
        assert (target_uploads / "abc123").read_bytes() == b"%PDF-1.4 signed agreement"
        again = restored_app.test_cli_runner().invoke(args=["backup", "restore",
                                                            str(tmp_path / "backup")])
        assert again.exit_code != 0 and "not empty" in again.output
        db.session.remove()
        db.engine.dispose()


def test_a_folder_that_holds_a_backup_is_refused(app, tmp_path):
    runner = app.test_cli_runner()
    assert runner.invoke(args=["backup", "create", "--out", str(tmp_path / "b")]).exit_code == 0
    second = runner.invoke(args=["backup", "create", "--out", str(tmp_path / "b")])
    assert second.exit_code != 0 and "already holds a backup" in second.output


def test_a_corrupted_backup_is_detected_before_anything_is_written(app, tmp_path,
                                                                   empty_database):
    app.test_cli_runner().invoke(args=["backup", "create", "--out", str(tmp_path / "b")])
    manifest = json.loads((tmp_path / "b" / "manifest.json").read_text())
    dump = tmp_path / "b" / next(iter(manifest["files"]))
    data = bytearray(dump.read_bytes())
    data[len(data) // 2] ^= 0xFF
    dump.write_bytes(bytes(data))
    restored_app = _app_on(empty_database, tmp_path / "u")
    with restored_app.app_context():
        result = restored_app.test_cli_runner().invoke(args=["backup", "restore",
                                                             str(tmp_path / "b")])
        assert result.exit_code != 0 and "does not match its checksum" in result.output
        from workflow.operations.backup import database_is_empty

        assert database_is_empty()
        db.session.remove()
        db.engine.dispose()
