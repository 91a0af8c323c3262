"""The rows of a grant's forms: budget lines, expenditure lines, participants by country.

Shared by the proposal (workflow.grants.proposals) and the final report (workflow.grants.reports).
A row's position names its form field (`budget-2-amount_yen`), so that a refusal is
shown next to the field that caused it.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal

from flask_babel import gettext as _

from models import FUNDING_SOURCES
from workflow.engine.errors import ValidationFailed
from workflow.people.accounts import check_country, country_name

MAX_ROWS = 50


@dataclass(frozen=True)
class BudgetLineInput:
    """One budget line (or, in a final report, one line of actual expenditure)."""

    category: str = ""
    amount_yen: int | None = None
    funded_by: str = "wnf"
    description: str = ""
    budget_line_id: int | None = None  # reports only: the proposal's line it accounts for

    def is_blank(self) -> bool:
        return not (self.category or "").strip() and self.amount_yen is None and not (
            self.description or "").strip()


@dataclass(frozen=True)
class ParticipantInput:
    country_code: str = ""
    participants: int | None = None

    def is_blank(self) -> bool:
        return not (self.country_code or "").strip() and self.participants is None


@dataclass(frozen=True)
class Totals:
    """Budget or expenditure by source of funds, in whole yen."""

    wnf: int = 0
    own: int = 0
    partner: int = 0

    @property
    def total(self) -> int:
        return self.wnf + self.own + self.partner

    @property
    def own_percent(self) -> Decimal:
        """The own share in per cent, rounded down to one decimal so it is never overstated."""
        if not self.total:
            return Decimal(0)
        return (Decimal(self.own * 100) / Decimal(self.total)).quantize(
            Decimal("0.1"), rounding=ROUND_FLOOR)

    def meets(self, minimum_percent: int) -> bool:
        """Own ≥ minimum % of the total, in exact integer arithmetic."""
        return self.own * 100 >= minimum_percent * self.total


def totals_of(lines) -> Totals:
    """Sum rows that have `amount_yen` and `funded_by` (budget lines, expenses, inputs)."""
    sums = dict.fromkeys(FUNDING_SOURCES, 0)
    for line in lines:
        sums[line.funded_by] += line.amount_yen
    return Totals(**sums)


def format_percent(value: Decimal) -> str:
    """12 → "12", 12.5 → "12.5"."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def clean_participant_rows(rows, prefix: str) -> list[ParticipantInput]:
    """Participants by country, each code checked and listed once."""
    cleaned, seen = [], set()
    for i, row in enumerate(rows):
        if row is None or row.is_blank():
            continue
        code = check_country(row.country_code, f"{prefix}-{i}-country_code")
        if code in seen:
            raise ValidationFailed(_("%(code)s is listed twice.", code=country_name(code)),
                                   f"{prefix}-{i}-country_code")
        count = row.participants
        if count is None:
            raise ValidationFailed(_("Enter the number of participants."),
                                   f"{prefix}-{i}-participants")
        if not isinstance(count, int) or isinstance(count, bool) or count < 0:
            raise ValidationFailed(_("Enter a whole number of participants, not negative."),
                                   f"{prefix}-{i}-participants")
        seen.add(code)
        cleaned.append(ParticipantInput(code, count))
    return cleaned


def clean_budget_rows(rows, prefix: str) -> list[BudgetLineInput]:
    """Budget or expenditure lines: a category, whole non-negative yen, a known source."""
    cleaned = []
    for i, row in enumerate(rows):
        if row is None or row.is_blank():
            continue
        field = f"{prefix}-{i}-"
        category = (row.category or "").strip()
        if not category:
            raise ValidationFailed(_("Give this line a category."), field + "category")
        if len(category) > 100:
            raise ValidationFailed(_("The category is too long: 100 characters at most."),
                                   field + "category")
        description = (row.description or "").strip()
        if len(description) > 300:
            raise ValidationFailed(_("The description is too long: 300 characters at most."),
                                   field + "description")
        amount = row.amount_yen
        if amount is None:
            raise ValidationFailed(_("Enter the amount of this line."), field + "amount_yen")
        if not isinstance(amount, int) or isinstance(amount, bool):
            raise ValidationFailed(_("Enter a whole number of yen, without decimals."),
                                   field + "amount_yen")
        if amount < 0:
            raise ValidationFailed(_("The amount cannot be negative."), field + "amount_yen")
        if row.funded_by not in FUNDING_SOURCES:
            raise ValidationFailed(_("Choose who funds this line: WNF, own funds or a partner."),
                                   field + "funded_by")
        cleaned.append(BudgetLineInput(category, amount, row.funded_by, description,
                                       row.budget_line_id))
    if len(cleaned) > MAX_ROWS:
        raise ValidationFailed(_("At most %(max_rows)s lines, please: group small items.",
                                 max_rows=MAX_ROWS))
    return cleaned
