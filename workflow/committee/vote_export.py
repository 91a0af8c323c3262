"""CSV rows of the committee's votes, read from the database a range of files at a time.

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


# Files whose votes are read at once: some 20,000 votes in memory at most (as many as the
# audit events' page; fewer than half the files reach a ballot), and no cursor nor
# transaction held open for a slow download.
FILES_AT_ONCE = 10_000


def vote_rows(reader: User, files_at_once: int = FILES_AT_ONCE) -> Iterator[tuple]:
    """The votes the reader may see, by file reference, ballot and member, read a range of
    file references at a time (as the audit events are read by seq): each range's end is
    found first in the references' index, then its votes are read and sorted, so that a
    page costs what its votes cost however many there are in all."""
    yield csv_header(VOTE_HEADER)
    seen = visibility(reader)
    # Counted from the references' index alone: asking each file for a ballot cost the
    # database more than reading the votes.
    files = visible_conditions(seen.kind)
    query = (select(Application.reference, Ballot.number, Ballot.state, Ballot.outcome,
                    User.name, User.email, Vote.choice, Vote.comment, Vote.cast_at,
                    Vote.changed_at, Vote.changes)
             .join(Ballot, Ballot.id == Vote.ballot_id)
             .join(Application, Application.id == Ballot.application_id)
             .join(User, User.id == Vote.member_id)
             .where(*visible_conditions(seen.kind))
             .order_by(Application.reference, Ballot.number, User.name, Vote.id))
    if not reader.has_role(AUDITOR, "secretariat"):  # a chair: not while recused
        query = query.where(not_(and_(Ballot.state == "open",
                                      recused(reader.id, reader.organisation_id))))
    after = None
    while True:
        since = [] if after is None else [Application.reference > after]
        last = db.session.scalar(
            select(Application.reference).where(*files, *since)
            .order_by(Application.reference).offset(files_at_once - 1).limit(1),
            seen.params)
        until = [] if last is None else [Application.reference <= last]
        # Plain rows from the connection: the ORM's handling of each row cost more than
        # the row's CSV line. The CSV writer writes None as an empty field.
        yield from db.session.connection().execute(query.where(*since, *until), seen.params)
        if last is None:
            return
        after = last
