"""`flask api purge`: the API's housekeeping, from cron."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from models import db, write_intent
from workflow.operations import api_retention

api_cli = AppGroup("api", help="Housekeeping of the JSON API.")


@api_cli.command("purge")
@click.option("--answer-days", type=click.IntRange(min=1),
              help="Keep Idempotency-Key answers this many days (API_ANSWER_DAYS).")
@click.option("--delivery-days", type=click.IntRange(min=1),
              help="Keep delivered and failed webhook deliveries this many days "
                   "(WEBHOOK_DELIVERY_DAYS).")
def purge(answer_days: int | None, delivery_days: int | None):
    """Delete the Idempotency-Key answers and the finished webhook deliveries past their
    retention."""
    config = current_app.config
    with write_intent(True):
        report = api_retention.purge(answer_days or config["API_ANSWER_DAYS"],
                                     delivery_days or config["WEBHOOK_DELIVERY_DAYS"])
        db.session.commit()
    click.echo(f"{report['idempotency_answers']} Idempotency-Key answers older than "
               f"{report['answer_days']} days and {report['webhook_deliveries']} finished "
               f"webhook deliveries older than {report['delivery_days']} days deleted.")
