"""`flask loans …`: SME loan tools on the command line, thin wrappers over workflow/."""

from __future__ import annotations

import csv
import io
from decimal import Decimal, InvalidOperation

import click
from flask.cli import AppGroup

from models import db, write_intent
from workflow.loans import arrears
from workflow.loans.lending_law import interest_rate_problem
from workflow.loans.schedule import METHODS, build_schedule, schedule_csv_rows

loans_cli = AppGroup("loans", help="SME loans.")


@loans_cli.command("schedule")
@click.option("--amount", type=int, required=True, help="Loan amount in whole yen.")
# A string, not a float, so "1.1" reaches the Decimal arithmetic exactly as typed.
@click.option("--rate", required=True, help="Annual interest rate in percent, e.g. 1.25 "
              "(capped by the Interest Rate Restriction Act on the amount).")
@click.option("--months", type=int, required=True,
              help="Whole term in months, grace included (at most 360).")
@click.option("--method", type=click.Choice(METHODS), default="annuity", show_default=True)
@click.option("--grace", type=int, default=0, show_default=True,
              help="Interest-only months at the start of the term.")
@click.option("--start", type=click.DateTime(formats=["%Y-%m-%d"]),
              help="Disbursement date; instalment k falls due k months after it.")
def schedule_command(amount, rate, months, method, grace, start):
    """Print the repayment schedule of a loan as CSV."""
    try:
        unlawful = amount > 0 and interest_rate_problem(Decimal(rate.strip()), amount)
    except InvalidOperation:
        unlawful = None  # not a number: build_schedule says so
    if unlawful:
        raise click.ClickException(unlawful)
    try:
        schedule = build_schedule(amount, rate, months, method=method, grace_months=grace,
                                  start=start.date() if start is not None else None)
    except ValueError as error:
        raise click.ClickException(str(error)) from None
    # Built in memory and printed with click.echo, which click's test runner captures.
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(schedule_csv_rows(schedule))
    click.echo(out.getvalue(), nl=False)


@loans_cli.command("mark-arrears", help=(
    f"Move active loans with an instalment unpaid more than {arrears.GRACE_DAYS} days "
    "(workflow.loans.repayments.GRACE_DAYS) past its due date to in arrears, and print them. "
    "Run it daily: a second run the same day moves nothing more."))
@click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]),
              help="Judge lateness as of this date instead of today (YYYY-MM-DD).")
def mark_arrears_command(today):
    """The daily arrears job; one commit for the whole run."""
    with write_intent(True):
        moves = arrears.mark_arrears(today.date() if today is not None else None)
        db.session.commit()
    for move in moves:
        click.echo(str(move))
    click.echo(f"{len(moves)} loan(s) moved to arrears.")
