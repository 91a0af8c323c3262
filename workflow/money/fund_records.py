"""Funds and their rounds: the records the admin and the secretariat keep.

A fund's settings include its deadline days; a round's budget binds its approvals
(workflow.money.round_budget), so it may not be lowered below what is already approved.
"""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select

from models import Fund, Round, User, db
from workflow.engine.errors import ValidationFailed
from workflow.engine.records import audit_changes, fields_of, refuse_clash, unique_names

from . import round_budget

_FUND_RECORD = ("code", "name", "kind", "report_due_days", "reminder_days")
# The days a fund's settings may take (the database's CHECK constraints say the same).
FUND_DAYS = (("report_due_days", 1, 3650), ("reminder_days", 0, 365))
_ROUND_RECORD = ("fund_id", "name", "opens_on", "closes_on", "budget_yen", "cap_yen",
                 "min_own_percent")


def save_fund(fund: Fund | None, *, actor: User | None = None, **fields) -> Fund:
    """A fund's record; `fields` may set its report and reminder days (from 1 and 0)."""
    code = fields["code"]

    def clash() -> tuple[str, str] | None:
        other = db.session.scalar(select(Fund.id).where(Fund.code == code))
        if other is not None and (fund is None or other != fund.id):
            return _("The fund %(code)s already exists.", code=code), "code"
        return None

    refuse_clash(clash)
    for name, lowest, highest in FUND_DAYS:
        value = fields.get(name)
        if value is not None and not lowest <= value <= highest:
            raise ValidationFailed(_("Enter a number of days from %(lowest)s to %(highest)s.",
                                     lowest=lowest, highest=f"{highest:,}"),
                                   name)
    before = fields_of(fund, _FUND_RECORD) if fund else dict.fromkeys(_FUND_RECORD)
    with unique_names(clash):
        fund = fund or Fund(currency="JPY")
        for key, value in fields.items():
            if value is not None:
                setattr(fund, key, value)
        db.session.add(fund)
    audit_changes("fund_saved", fund, before, actor)
    return fund


def save_round(
    round_: Round | None,
    *,
    fund: Fund,
    name: str,
    opens_on: date,
    closes_on: date,
    budget_yen: int,
    cap_yen: int,
    min_own_percent: int,
    actor: User | None = None,
) -> Round:
    name = name.strip()
    if closes_on < opens_on:
        raise ValidationFailed(_("The round cannot close before it opens."), "closes_on")
    if budget_yen < 0:
        raise ValidationFailed(_("The budget cannot be negative."), "budget_yen")
    if cap_yen <= 0:
        raise ValidationFailed(_("The cap per application must be above zero."), "cap_yen")
    if cap_yen > budget_yen:
        raise ValidationFailed(_("The cap per application cannot exceed the budget."), "cap_yen")
    if not 0 <= min_own_percent <= 100:
        raise ValidationFailed(_("The minimum own share is a percentage from 0 to 100."),
                               "min_own_percent")

    def clash() -> tuple[str, str] | None:
        other = db.session.scalar(select(Round.id).where(Round.fund_id == fund.id,
                                                         Round.name == name))
        if other is not None and (round_ is None or other != round_.id):
            return _("The fund already has a round named %(name)s.", name=name), "name"
        return None

    refuse_clash(clash)
    if round_ is not None and budget_yen < round_.budget_yen:
        round_budget.refuse_budget_below_approved(round_, budget_yen)
    before = fields_of(round_, _ROUND_RECORD) if round_ else dict.fromkeys(_ROUND_RECORD)
    with unique_names(clash):
        round_ = round_ or Round()
        round_.fund, round_.name = fund, name
        round_.opens_on, round_.closes_on = opens_on, closes_on
        round_.budget_yen, round_.cap_yen = budget_yen, cap_yen
        round_.min_own_percent = min_own_percent
        db.session.add(round_)
    audit_changes("round_saved", round_, before, actor)
    return round_
