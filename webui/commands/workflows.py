"""`flask workflow show|migrate` and `flask audit verify|work|checkpoint|export`."""

from __future__ import annotations

import json
import os
import sys
import time

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import func, select

from models import Fund, db, write_intent
from workflow.engine import anchors, audit, diagrams, registry, verifying, versioning
from workflow.engine.errors import TransitionRefused, ValidationFailed
from workflow.money import fund_totals, kept_figures
from workflow.operations import checkpoints

workflow_cli = AppGroup("workflow", help="See and migrate the workflow definitions.")
audit_cli = AppGroup("audit", help="Verify, anchor and export the audit trail.")


@workflow_cli.command("show")
@click.argument("name", type=click.Choice(["grant", "loan"]))
@click.option("--version", "version", type=int, help="Definition version (default: current).")
@click.option("--format", "fmt", type=click.Choice(["table", "dot"]), default="table")
def show(name, version, fmt):
    """Print the states and transitions with their roles, or the diagram's Graphviz source."""
    definition = registry.get(name, version)
    if fmt == "dot":
        click.echo(diagrams.dot_source(definition.name, definition.version))
        return
    click.echo(f"{definition.name} workflow, version {definition.version}")
    click.echo("\nStates:")
    for state in definition.states:
        end = " (end)" if state.final else ""
        click.echo(f"  {state.name:<20} {state.staff_label} / {state.applicant_label}{end}")
    rows = diagrams.transition_rows(definition)
    headers = ("trigger", "from", "to", "roles", "requires", "rules")
    widths = [max(len(h), *(len(r[h]) for r in rows)) for h in headers]
    click.echo("\nTransitions:")
    click.echo("  " + "  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)))
    for row in rows:
        click.echo("  " + "  ".join(row[h].ljust(w) for h, w in zip(headers, widths,
                                                                       strict=True)))


@workflow_cli.command("migrate")
@click.argument("name", type=click.Choice(["grant", "loan"]))
@click.option("--from", "from_version", type=int, required=True)
@click.option("--to", "to_version", type=int, required=True)
@click.option("--map", "pairs", multiple=True, help="old_state=new_state; repeat as needed.")
def migrate(name, from_version, to_version, pairs):
    """Move applications in flight to another definition version (audited)."""
    with write_intent(True):
        try:
            moved = versioning.migrate(name, from_version, to_version,
                                       versioning.parse_mapping(list(pairs)))
        except ValidationFailed as refusal:
            db.session.rollback()
            raise click.ClickException(refusal.message) from None
        db.session.commit()
    total = sum(moved.values())
    detail = ", ".join(f"{n} now {state}" for state, n in sorted(moved.items()))
    click.echo(f"Moved {total} {name} applications from v{from_version} to v{to_version}"
               + (f": {detail}." if detail else "."))


NO_ANCHOR = ("No anchor yet in {directory}: until `flask audit checkpoint` has run, a chain "
             "cut short or emptied cannot be told from a young one.")
UNCHANGED = "The chain has not moved since {anchor}: nothing to anchor."
ANCHORED = "Anchored in {path}; emailed to {emailed} auditors."
ANCHORED_NO_AUDITOR = ("Anchored in {path}. No active user has the auditor role: nobody was "
                       "emailed.")
ANCHORED_NO_EMAIL = "Anchored in {path} (not emailed)."
NOT_WRITTEN = ("The chain was anchored at {mark} and emailed to {emailed} auditors, but {error} "
               "Add the line {line!r} to the file by hand.")


def _latest_anchor() -> anchors.Anchor | None:
    try:
        return anchors.latest(current_app.config["AUDIT_ANCHOR_DIR"])
    except anchors.AnchorError as error:
        raise click.ClickException(str(error)) from None


@audit_cli.command("verify")
@click.option("--checkpoint", help="SEQ:HASH to hold the chain to instead of the latest anchor "
                                   "(e.g. from an auditor's email).")
@click.option("--full", is_flag=True,
              help="Recompute every event from the first (with a progress bar) and hold the "
                   "funds' kept totals to their ledgers, instead of only the events after "
                   "the last verification.")
def verify(checkpoint, full):
    """Recompute the hash chain after the last verification (all of it with --full), hold it
    to the latest anchor and match the ledger to it; exit 1 naming the first bad event or
    ledger entry."""
    if checkpoint:
        try:
            mark = anchors.Anchor(*audit.parse_checkpoint(checkpoint))
        except ValueError as error:
            raise click.BadParameter(str(error), param_hint="--checkpoint") from None
    else:
        mark = _latest_anchor()
    if full:
        with click.progressbar(length=audit.event_count(), label="Verifying audit events",
                               file=sys.stderr) as bar:
            result = verifying.verify(mark, full=True, by="command", progress=bar.update)
    else:
        result = verifying.verify(mark, by="command")
    click.echo(str(result))
    if mark is None:
        click.echo(NO_ANCHOR.format(directory=current_app.config["AUDIT_ANCHOR_DIR"]))
    if not result.ok:
        raise SystemExit(1)
    if full:
        problems = kept_figures.differences()
        db.session.rollback()
        for problem in problems:
            click.echo(problem)
        if problems:
            raise SystemExit(1)
        click.echo(fund_totals.MATCHED.format(funds=_fund_count()))
        click.echo(kept_figures.MATCHED)


def _fund_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Fund))


@audit_cli.command("work")
@click.option("--poll", type=float, default=0,
              help="Seconds to wait for the next job once none is queued; 0 (default): stop "
                   "then, as a cron job would.")
def work(poll):
    """Run the full re-verifications queued on the audit page, writing each one's progress
    for the page to show (run it from cron or a process supervisor)."""
    while True:
        job = verifying.run_next(_latest_anchor(), more_checks=kept_figures.differences)
        if job is not None:
            click.echo(f"Verification job {job.id}: {job.result}")
            continue
        if not poll:
            return
        time.sleep(poll)


@audit_cli.command("checkpoint")
@click.option("--email/--no-email", default=True,
              help="Email the anchor to the auditors too (default), or only write the file.")
def checkpoint(email):
    """Anchor the chain: print its head as SEQ:HASH, append it to the anchor file and email
    it to the auditors (run it on a schedule)."""
    previous = _latest_anchor()
    with write_intent(True):
        try:
            anchored = checkpoints.anchor_chain(previous, email=email)
        except TransitionRefused as refusal:
            db.session.rollback()
            raise click.ClickException(refusal.message) from None
        db.session.commit()
    if anchored is None:
        click.echo(previous.mark)
        click.echo(UNCHANGED.format(anchor=previous.name))
        return
    anchor, emailed = anchored
    click.echo(anchor.mark)
    try:
        path = anchors.append(current_app.config["AUDIT_ANCHOR_DIR"], anchor)
    except anchors.AnchorError as error:
        raise click.ClickException(NOT_WRITTEN.format(
            mark=anchor.mark, emailed=emailed, error=error, line=anchor.line())) from None
    if not email:
        click.echo(ANCHORED_NO_EMAIL.format(path=path))
    else:
        click.echo((ANCHORED if emailed else ANCHORED_NO_AUDITOR).format(path=path,
                                                                         emailed=emailed))


@audit_cli.command("export")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False))
def export(out):
    """Write every event as one JSON object per line, with a progress bar."""
    if os.path.exists(out):
        raise click.ClickException(f"{out} already exists; choose another file.")
    total = audit.event_count()
    with open(out, "w", encoding="utf-8") as handle, click.progressbar(
        length=total, label="Exporting audit events", file=sys.stderr
    ) as bar:
        for event in audit.export_rows():
            handle.write(json.dumps(event, ensure_ascii=False, sort_keys=True) + "\n")
            bar.update(1)
    click.echo(f"Exported {total} events to {out}.")
