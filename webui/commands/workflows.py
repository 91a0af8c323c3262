"""`flask workflow show|migrate` and `flask audit verify|checkpoint|export`."""

from __future__ import annotations

import json
import os
import sys

import click
from flask.cli import AppGroup

from models import db, write_intent
from workflow import audit, diagrams, registry, versioning
from workflow.errors import ValidationFailed

workflow_cli = AppGroup("workflow", help="See and migrate the workflow definitions.")
audit_cli = AppGroup("audit", help="Verify and export the audit trail.")


@workflow_cli.command("show")
@click.argument("name", type=click.Choice(["grant", "loan"]))
@click.option("--version", "version", type=int, help="Definition version (default: current).")
@click.option("--format", "fmt", type=click.Choice(["table", "mermaid"]), default="table")
def show(name, version, fmt):
    """Print the states and transitions with their roles, or the Mermaid diagram."""
    definition = registry.get(name, version)
    if fmt == "mermaid":
        click.echo(diagrams.mermaid(definition.name, definition.version))
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


@audit_cli.command("verify")
@click.option("--checkpoint", help="SEQ:HASH printed earlier by `flask audit checkpoint`.")
def verify(checkpoint):
    """Recompute the hash chain; exit 1 naming the first bad event."""
    try:
        mark = audit.parse_checkpoint(checkpoint) if checkpoint else None
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="--checkpoint") from None
    result = audit.verify(mark)
    click.echo(str(result))
    if not result.ok:
        raise SystemExit(1)


@audit_cli.command("checkpoint")
def checkpoint():
    """Print the chain head as SEQ:HASH, to keep somewhere else."""
    seq, digest = audit.chain_head()
    click.echo(f"{seq}:{digest}")


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
