"""Backups that lose not a yen: a consistent copy of the database, the uploaded files and a
manifest (checksums, the audit chain head, ledger totals) to check a restore against.

SQLite is copied through its online backup API, consistent while the app writes,
and summarised from the copy. PostgreSQL is dumped by pg_dump (custom format)
from a snapshot this process exported and summarised inside, so the manifest
describes exactly what the dump holds. A restore checks every checksum before
it writes anything, and goes only into an empty database unless forced.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import URL, create_engine, func, inspect, select, text

from models import Application, AuditEvent, LedgerEntry, db

MANIFEST = "manifest.json"
SQLITE_FILE = "database.sqlite3"
PG_FILE = "database.pgdump"
UPLOADS = "uploads"


class BackupError(RuntimeError):
    """A backup or restore that must not go ahead; the message says why."""


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def libpq_connection(url) -> tuple[str, dict[str, str]]:
    """pg_dump's and pg_restore's connection URI, without the password, and the environment
    that carries it (PGPASSWORD): a command line is readable by every user of the host
    (ps, /proc), the environment of a process only by its owner."""
    password = url.password or url.query.get("password")
    # Built anew: URL.set() leaves a None unchanged, so it cannot clear the password.
    bare = URL.create("postgresql", username=url.username, host=url.host, port=url.port,
                      database=url.database, query=url.difference_update_query(["password"]).query)
    env = dict(os.environ)
    if password:
        env["PGPASSWORD"] = str(password)
    return bare.render_as_string(hide_password=False), env


def summary(conn) -> dict:
    """What a restore must reproduce: applications, ledger totals by kind, the chain head."""
    head = conn.execute(select(AuditEvent.seq, AuditEvent.hash)
                        .order_by(AuditEvent.seq.desc()).limit(1)).first()
    totals = conn.execute(select(LedgerEntry.kind, func.sum(LedgerEntry.amount_yen))
                          .group_by(LedgerEntry.kind)).all()
    return {
        "applications": conn.scalar(select(func.count(Application.id))),
        "audit_head": f"{head.seq}:{head.hash}" if head else "0:",
        "ledger_totals": {kind: int(total) for kind, total in sorted(totals)},
    }


def _copy_sqlite(url, out: Path) -> tuple[Path, dict]:
    target = out / SQLITE_FILE
    source, destination = sqlite3.connect(url.database), sqlite3.connect(target)
    try:
        source.backup(destination)  # one consistent snapshot; writers carry on
    finally:
        source.close()
        destination.close()
    engine = create_engine(f"sqlite:///{target}")
    try:
        with engine.connect() as conn:
            return target, summary(conn)
    finally:
        engine.dispose()


def _dump_postgres(url, out: Path) -> tuple[Path, dict]:
    target = out / PG_FILE
    engine = create_engine(url, isolation_level="REPEATABLE READ")
    try:
        with engine.connect() as conn:
            snapshot = conn.execute(text("SELECT pg_export_snapshot()")).scalar_one()
            facts = summary(conn)  # the same snapshot pg_dump reads
            connection, env = libpq_connection(url)
            subprocess.run(["pg_dump", "--format=custom", "--no-owner", f"--snapshot={snapshot}",
                            f"--file={target}", connection], check=True,
                           capture_output=True, env=env)
            conn.rollback()
    finally:
        engine.dispose()
    return target, facts


def create(out: Path, upload_dir: Path | None) -> dict:
    """Write a backup into the folder `out` (new or empty); return its manifest."""
    out = Path(out)
    if (out / MANIFEST).exists():
        raise BackupError(f"{out} already holds a backup; choose a new folder.")
    out.mkdir(parents=True, exist_ok=True)
    url = db.engine.url
    sqlite = url.get_backend_name() == "sqlite"
    target, facts = _copy_sqlite(url, out) if sqlite else _dump_postgres(url, out)
    files = {target.name: _sha256(target)}
    if upload_dir and Path(upload_dir).exists():
        shutil.copytree(upload_dir, out / UPLOADS)
        for path in sorted((out / UPLOADS).rglob("*")):
            if path.is_file():
                files[str(path.relative_to(out))] = _sha256(path)
    manifest = {"created_at": datetime.now(UTC).isoformat(timespec="seconds"),
                "database": url.get_backend_name(), "files": files, "summary": facts}
    (out / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    return manifest


def check(folder: Path) -> dict:
    """The manifest, once every file's checksum matches; else BackupError naming the file."""
    folder = Path(folder)
    if not (folder / MANIFEST).exists():
        raise BackupError(f"{folder} holds no backup (no {MANIFEST}).")
    manifest = json.loads((folder / MANIFEST).read_text())
    for name, expected in manifest["files"].items():
        path = folder / name
        if not path.exists():
            raise BackupError(f"The backup is incomplete: {name} is missing.")
        if _sha256(path) != expected:
            raise BackupError(f"The backup is corrupted: {name} does not match its checksum.")
    return manifest


def database_is_empty() -> bool:
    tables = set(inspect(db.engine).get_table_names())
    if "applications" not in tables or "audit_events" not in tables:
        return True
    with db.engine.connect() as conn:
        return (conn.scalar(select(func.count(Application.id))) == 0
                and conn.scalar(select(func.count(AuditEvent.seq))) == 0)


def restore(folder: Path, upload_dir: Path, force: bool = False) -> dict:
    """Put a backup back: verified first, into an empty database unless forced."""
    manifest = check(folder)
    folder, url = Path(folder), db.engine.url
    if manifest["database"] != url.get_backend_name():
        raise BackupError(f"This is a {manifest['database']} backup; this database is "
                          f"{url.get_backend_name()}.")
    if not force and not database_is_empty():
        raise BackupError("The database is not empty: restore into an empty one, or pass "
                          "--force to replace what it holds.")
    db.session.remove()
    db.engine.dispose()
    if url.get_backend_name() == "sqlite":
        for suffix in ("-wal", "-shm"):
            Path(url.database + suffix).unlink(missing_ok=True)
        shutil.copyfile(folder / SQLITE_FILE, url.database)
    else:
        connection, env = libpq_connection(url)
        subprocess.run(["pg_restore", "--clean", "--if-exists", "--no-owner",
                        f"--dbname={connection}", str(folder / PG_FILE)],
                       check=True, capture_output=True, env=env)
    if (folder / UPLOADS).exists():
        shutil.copytree(folder / UPLOADS, upload_dir, dirs_exist_ok=True)
    return manifest
