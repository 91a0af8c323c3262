"""`flask outbox send` and `flask reminders send`: the scheduled jobs of notifications."""

from __future__ import annotations

from datetime import date

import click
from flask import current_app, url_for
from flask.cli import AppGroup

from models import db, utcnow, write_intent
from workflow.committee import reminders
from workflow.people import digest, due_reminders, outbox

outbox_cli = AppGroup("outbox", help="Email outbox.")
reminders_cli = AppGroup("reminders", help="Deadline reminders.")


def mail_settings() -> outbox.MailSettings | None:
    config = current_app.config
    if not config.get("MAIL_SERVER"):
        return None
    return outbox.MailSettings(config["MAIL_SERVER"], config["MAIL_PORT"],
                               config["MAIL_USE_TLS"], config["MAIL_USERNAME"],
                               config["MAIL_PASSWORD"], config["MAIL_FROM"])


@outbox_cli.command("send")
@click.option("--limit", type=int, default=500, help="At most this many messages in one run.")
def send(limit):
    """Send the pending emails (SMTP from the settings; without a server, to the log)."""
    settings = mail_settings()
    transport = outbox.smtp_transport(settings) if settings else outbox.log_transport
    sender = settings.sender if settings else current_app.config["MAIL_FROM"]
    report = outbox.send_pending(transport, sender, limit=limit)
    click.echo(f"Outbox: {report}.")


@outbox_cli.command("digest")
def queue_digest():
    """Write the daily digest of each user who chose it (run once a day, before `send`)."""
    with current_app.test_request_context(base_url=current_app.config["PUBLIC_URL"]):
        def link_for(application_id: int) -> str:
            return url_for("applications.show", application_id=application_id, _external=True)

        with write_intent(True):
            written = digest.queue_digests(utcnow(), link_for)
            db.session.commit()
    click.echo(f"Daily digests written: {written}.")


@reminders_cli.command("send")
@click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="The day to count from (default: today).")
def send_reminders(today):
    """Notify whoever holds an overdue item (at most once a day each), and the applicants
    of final reports and loan instalments due soon or overdue (once each)."""
    day = today.date() if today else date.today()
    with write_intent(True):
        told = reminders.send_reminders(day)
        due = due_reminders.send_due_reminders(day)
        db.session.commit()
    click.echo(f"Reminders: {told} people notified of overdue items.")
    click.echo(f"Due-date reminders sent: {due}.")
