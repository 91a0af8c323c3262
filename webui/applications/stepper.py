"""The stepper at the top of the application page: the programme's main path, the steps
the file has passed, the one it is at, and a note when it stands off the path (a revision
asked during screening, arrears while repaying, a rejection)."""

from __future__ import annotations

from dataclasses import dataclass

from workflow.engine.registry import WorkflowDefinition
from workflow.engine.wording import word

DONE, CURRENT, TO_COME, SKIPPED = "done", "current", "to_come", "skipped"


@dataclass(frozen=True)
class Step:
    label: str
    status: str  # DONE, CURRENT, TO_COME, or SKIPPED (never reached: the file ended before)
    note: str | None = None  # the state's own words when it stands off the main path


def _furthest(path: tuple[str, ...], moves: tuple[tuple[str, str], ...]) -> int:
    """The furthest step of the main path the file reached before it left it."""
    reached = [path.index(state) for move in moves for state in move if state in path]
    return max(reached, default=0)


def steps(definition: WorkflowDefinition, state: str,
          moves: tuple[tuple[str, str], ...], staff: bool = True) -> list[Step]:
    """The steps named as the page's state badge names them: the staff's word for staff,
    the applicant's for applicants (one state, one word on a page)."""
    path = definition.main_path
    if not path:
        return []
    label = {s.name: word(s.staff_label if staff else s.applicant_label)
             for s in definition.states}
    at = state if state in path else dict(definition.step_of).get(state)
    note = None if state in path else label[state]
    ended = at is None  # left the path for good: rejected, withdrawn, cancelled …
    position = path.index(at) if at else _furthest(path, moves)
    shown = []
    for index, name in enumerate(path):
        if index < position:
            status = DONE
        elif index == position:
            status = CURRENT
        else:
            status = SKIPPED if ended else TO_COME
        shown.append(Step(label[name], status, note if index == position else None))
    return shown
