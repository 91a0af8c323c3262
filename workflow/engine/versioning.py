"""Moving applications in flight from one workflow version to another, by an explicit map.

A feature whose records depend on a file's state (the committee's open ballots) registers a
check (`migration_check`) that may refuse the whole migration before anything moves.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

from sqlalchemy import select

from models import Application, User, db

from . import audit, registry
from .errors import ValidationFailed
from .locking import ensure_write_transaction

# Each file of a migration with the state it would move to; the check returns None, or the
# sentence that refuses the migration.
MigrationCheck = Callable[[list[tuple[Application, str]]], str | None]
_MIGRATION_CHECKS: list[MigrationCheck] = []


def migration_check(check: MigrationCheck) -> MigrationCheck:
    """Register a feature's rule on moving files between versions: run on every migration
    with every file it would move, under the files' row locks, before any of them moves."""
    if check not in _MIGRATION_CHECKS:
        _MIGRATION_CHECKS.append(check)
    return check


def parse_mapping(pairs: list[str]) -> dict[str, str]:
    mapping = {}
    for pair in pairs:
        old, sep, new = pair.partition("=")
        if not sep or not old.strip() or not new.strip():
            raise ValidationFailed(f"{pair!r} is not of the form old_state=new_state.", "map")
        mapping[old.strip()] = new.strip()
    return mapping


def migrate(name: str, from_version: int, to_version: int, mapping: dict[str, str],
            actor: User | None = None) -> Counter:
    """Move every application of `name` v`from_version` to v`to_version`; count by new state.

    States that keep their name carry over; the others must be mapped. Nothing
    moves unless every application can.
    """
    try:
        source, target = registry.get(name, from_version), registry.get(name, to_version)
    except KeyError as error:
        raise ValidationFailed(str(error.args[0])) from None
    if from_version == to_version:
        raise ValidationFailed("The two versions are the same.")
    for old, new in mapping.items():
        if old not in source.state_map:
            raise ValidationFailed(f"Version {from_version} has no state {old!r}.", "map")
        if new not in target.state_map:
            raise ValidationFailed(f"Version {to_version} has no state {new!r}.", "map")
    ensure_write_transaction(db.session)
    rows = db.session.scalars(
        select(Application)
        .where(Application.workflow_name == name, Application.workflow_version == from_version)
        .order_by(Application.id).with_for_update()
    ).all()
    stranded = Counter(a.state for a in rows if mapping.get(a.state, a.state)
                       not in target.state_map)
    if stranded:
        listed = ", ".join(f"{count} in {state}" for state, count in sorted(stranded.items()))
        raise ValidationFailed(
            f"Version {to_version} lacks states that applications are in ({listed}); "
            "map each with --map old_state=new_state.", "map")
    moves = [(application, mapping.get(application.state, application.state))
             for application in rows]
    for check in _MIGRATION_CHECKS:
        refusal = check(moves)
        if refusal:
            raise ValidationFailed(refusal, "map")
    moved: Counter = Counter()
    for application in rows:
        old_state = application.state
        application.state = mapping.get(old_state, old_state)
        application.workflow_version = to_version
        db.session.flush()
        audit.record("workflow_migrated", actor=actor, object_type="application",
                     object_id=application.id, from_state=old_state, to_state=application.state,
                     data={"reference": application.reference, "workflow": name,
                           "from_version": from_version, "to_version": to_version})
        moved[application.state] += 1
    return moved
