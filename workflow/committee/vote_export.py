"""CSV rows of the committee's votes, streamed from the database in batches.

They hold what their reader may see: the votes of files the reader may see
(workflow.engine.permissions), and no vote of an open ballot to a member recused from it
(the committee's rule, workflow.committee.filters). The audit events' rows:
workflow.files.exports.
"""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import and_, not_, select

from models import Application, Ballot, User, Vote, db
from models.i18n import N_
from workflow.engine.permissions import AUDITOR, visibility, visible_conditions
from workflow.engine.wording import csv_header

from .filters import recused

VOTE_HEADER = (N_("reference"), N_("ballot"), N_("ballot_state"), N_("ballot_outcome"),
               N_("member"), N_("email"), N_("choice"), N_("comment"), N_("cast_at"),
               N_("changed_at"), N_("changes"))


def vote_rows(reader: User, batch: int = 5000) -> Iterator[tuple]:
    yield csv_header(VOTE_HEADER)
    seen = visibility(reader)
    query = (select(Application.reference, Ballot.number, Ballot.state, Ballot.outcome,
                    User.name, User.email, Vote.choice, Vote.comment, Vote.cast_at,
                    Vote.changed_at, Vote.changes)
             .join(Ballot, Ballot.id == Vote.ballot_id)
             .join(Application, Application.id == Ballot.application_id)
             .join(User, User.id == Vote.member_id)
             .where(*visible_conditions(seen.kind))
             .order_by(Application.reference, Ballot.number, User.name))
    if not reader.has_role(AUDITOR, "secretariat"):  # a chair: not while recused
        query = query.where(not_(and_(Ballot.state == "open",
                                      recused(reader.id, reader.organisation_id))))
    for row in db.session.execute(query.execution_options(yield_per=batch), seen.params):
        yield tuple("" if v is None else v for v in row)
