"""`flask backup create --out DIR` and `flask backup restore DIR [--force]`."""

from __future__ import annotations

import subprocess

import click
from flask import current_app
from flask.cli import AppGroup

from models import db, write_intent
from workflow.engine import audit
from workflow.operations import backup

backup_cli = AppGroup("backup", help="Back up and restore the database and uploads.")


@backup_cli.command("create")
@click.option("--out", "out", required=True, type=click.Path(file_okay=False),
              help="A new or empty folder for the backup.")
def create(out):
    """Copy the database consistently (even while the app writes) and the uploads."""
    try:
        manifest = backup.create(out, current_app.config["UPLOAD_DIR"])
    except backup.BackupError as error:
        raise click.ClickException(str(error)) from None
    except subprocess.CalledProcessError as error:
        raise click.ClickException(f"pg_dump failed: {error.stderr.decode()[:500]}") from None
    facts = manifest["summary"]
    click.echo(f"Backup written to {out}: {facts['applications']} applications, audit chain "
               f"head {facts['audit_head'][:20]}…, {len(manifest['files'])} files.")


@backup_cli.command("restore")
@click.argument("folder", type=click.Path(exists=True, file_okay=False))
@click.option("--force", is_flag=True, help="Replace a database that is not empty.")
def restore(folder, force):
    """Check the backup's checksums, restore it, then verify what was restored."""
    try:
        manifest = backup.restore(folder, current_app.config["UPLOAD_DIR"], force=force)
    except backup.BackupError as error:
        raise click.ClickException(str(error)) from None
    except subprocess.CalledProcessError as error:
        raise click.ClickException(f"pg_restore failed: {error.stderr.decode()[:500]}") from None
    with write_intent(False), db.engine.connect() as conn:
        restored = backup.summary(conn)
    chain = audit.verify()
    db.session.rollback()
    problems = []
    if restored != manifest["summary"]:
        problems.append(f"restored figures {restored} differ from the manifest "
                        f"{manifest['summary']}")
    if not chain.ok:
        problems.append(str(chain))
    if problems:
        raise click.ClickException("Restored, but: " + "; ".join(problems))
    click.echo(f"Restored {restored['applications']} applications; {chain}; audit head "
               "matches the manifest; ledger totals match.")
