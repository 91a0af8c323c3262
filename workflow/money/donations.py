"""Donations to a fund: recorded once, with their ledger entry and audit event."""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _

from models import Donation, Fund, Organisation, User, db
from models.ledger import DONOR_KINDS
from workflow.engine.errors import ValidationFailed

from . import ledger


def record_donation(fund: Fund, *, donor_kind: str, donor_name: str,
                    donor_organisation: Organisation | None, received_on: date,
                    amount_yen: int, note: str, actor: User, today: date) -> Donation:
    if donor_kind not in DONOR_KINDS:
        raise ValidationFailed(_("Choose who gave: an alumni society, a person or a company."),
                               "donor_kind")
    if donor_kind in ("alumni_society", "company"):
        if donor_organisation is None:
            raise ValidationFailed(_("Choose the donating organisation."), "donor_organisation_id")
        expected = "alumni_society" if donor_kind == "alumni_society" else "company"
        if donor_organisation.kind != expected:
            sentence = (_("%(name)s is not an alumni society.", name=donor_organisation.name)
                        if expected == "alumni_society" else
                        _("%(name)s is not a company.", name=donor_organisation.name))
            raise ValidationFailed(sentence, "donor_organisation_id")
        donor_name = donor_organisation.name
    elif not (donor_name or "").strip():
        raise ValidationFailed(_("Enter the name of the donor."), "donor_name")
    if not isinstance(amount_yen, int) or amount_yen <= 0:
        raise ValidationFailed(_("A donation must be at least ¥1."), "amount_yen")
    if received_on > today:
        raise ValidationFailed(_("A donation cannot be received in the future."), "received_on")
    # The fund row before the insert: the donation's foreign key takes a KEY SHARE lock on it
    # (PostgreSQL), and two donations upgrading that lock to FOR UPDATE would deadlock.
    ledger.lock_fund(fund)
    donation = Donation(fund_id=fund.id, donor_kind=donor_kind, donor_name=donor_name.strip(),
                        donor_organisation_id=donor_organisation.id if donor_organisation
                        else None, received_on=received_on, amount_yen=amount_yen,
                        note=(note or "").strip(), recorded_by_id=actor.id)
    db.session.add(donation)
    db.session.flush()
    ledger.post(fund, "donation", amount_yen, actor=actor, booked_on=received_on,
                memo=f"Donation from {donation.donor_name}", donation_id=donation.id)
    return donation
