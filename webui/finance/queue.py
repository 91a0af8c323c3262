"""The tranche panel of the application page (its rows from workflow.money.finance_queue)."""

from __future__ import annotations

from dataclasses import dataclass, field

from models import Application, User
from workflow.engine.idempotency import new_key
from workflow.money.finance_queue import figures_of, tranche_rows
from workflow.money.tranches import (
    Figures,
    authorise_blocker,
    may_release_now,
    not_releasable_message,
)


@dataclass
class Panel:
    """The tranche panel of one application page."""

    application: Application
    money: Figures
    tranches: list  # rows of workflow.money.finance_queue.tranche_rows
    officer: bool  # a finance officer: may request, authorise, cancel
    releasable: bool
    not_releasable: str | None
    blockers: dict[int, str | None] = field(default_factory=dict)  # tranche id -> why not

    @staticmethod
    def new_key() -> str:
        return new_key()


def finance_panel(application: Application, user: User) -> Panel:
    """Everything the panel shows, in one query."""
    rows = tranche_rows(application)
    officer = user.is_authenticated and user.has_role("finance_officer")
    releasable = may_release_now(application)
    return Panel(
        application=application, money=figures_of(application, rows), tranches=rows,
        officer=officer, releasable=releasable,
        not_releasable=None if releasable else not_releasable_message(application),
        blockers={t.id: authorise_blocker(t, application, user) for t in rows
                  if officer and t.state == "requested"},
    )
