"""`flask webhooks deliver`: queue and send the webhooks' deliveries (cron runs it)."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from workflow.operations import webhooks

webhooks_cli = AppGroup("webhooks", help="Webhook deliveries of state and money events.")


@webhooks_cli.command("deliver")
def deliver():
    """Make the deliveries of new events, then send those due (retries included)."""
    made = webhooks.queue()
    report = webhooks.send_due()
    click.echo(f"{made} queued; {report}")
