"""Saving an administrative record: its audit event, and its unique name kept under a race.

Every record created or changed joins the audit chain with what changed, and moves the
revision that what the workers keep of the pages naming it is filed under (workflow.engine.kept):
an organisation, fund or round the lists' and the people's, a user the people's.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator

from sqlalchemy.exc import IntegrityError

from models import User, db

from . import audit, kept
from .errors import ValidationFailed

# A duplicate-name check: the refusal (sentence, field) when the name is taken, else None.
Clash = Callable[[], "tuple[str, str] | None"]


def fields_of(record, names: tuple[str, ...]) -> dict:
    return {name: getattr(record, name, None) for name in names}


def audit_changes(action: str, record, before: dict, actor: User | None) -> None:
    """One event naming each field that changed, before and after; none if nothing did.
    The object is named as the action is: "user" for "user_changed"."""
    after = fields_of(record, tuple(before))
    changes = {name: [before[name], after[name]] for name in before
               if before[name] != after[name]}
    if changes:
        kind = action.split("_")[0]
        audit.record(action, actor=actor, object_type=kind, object_id=record.id,
                     data={"changes": changes})
        if kind == "user":
            kept.people_changed(row_id=record.id)
        else:
            kept.catalogue_changed(row_id=record.id)


def refuse_clash(clash: Clash) -> None:
    """Refuse a name already taken, next to its field."""
    problem = clash()
    if problem is not None:
        raise ValidationFailed(*problem)


@contextlib.contextmanager
def unique_names(clash: Clash) -> Iterator[None]:
    """Write what the block adds or changes in a savepoint. Its name was checked free
    before, but another transaction may have taken it since (two admins saving at once):
    PostgreSQL makes this write wait for that one and then refuses it as a duplicate.
    Refused so, the savepoint is undone and the user is told next to the field, as if the
    check had seen it."""
    db.session.flush()  # what was pending before stays outside the savepoint
    try:
        with db.session.begin_nested():
            yield
            db.session.flush()
    except IntegrityError:
        problem = clash()
        if problem is None:
            raise
        raise ValidationFailed(*problem) from None
