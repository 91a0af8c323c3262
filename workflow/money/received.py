"""The money an organisation has received: the disbursements the ledger books to its files."""

from __future__ import annotations

from datetime import date
from typing import NamedTuple

from sqlalchemy import select

from models import Application, LedgerEntry, Organisation, Tranche, db


class Released(NamedTuple):
    """One disbursement to the organisation, as the ledger booked it."""

    application_id: int
    reference: str
    title: str
    booked_on: date
    tranche_number: int | None
    amount_yen: int


def released_to(organisation: Organisation) -> list[Released]:
    """Every disbursement booked to the organisation's files, the latest first."""
    rows = db.session.execute(
        select(Application.id, Application.reference, Application.title, LedgerEntry.booked_on,
               Tranche.number, LedgerEntry.amount_yen)
        .join(Application, Application.id == LedgerEntry.application_id)
        .outerjoin(Tranche, Tranche.id == LedgerEntry.tranche_id)
        .where(Application.organisation_id == organisation.id,
               LedgerEntry.kind == "disbursement")
        .order_by(LedgerEntry.booked_on.desc(), LedgerEntry.id.desc())).all()
    return [Released(*row) for row in rows]
