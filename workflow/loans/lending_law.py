"""What Japanese law lets a loan charge, in one place: the rate caps and the longest term.

The Interest Rate Restriction Act (利息制限法) caps interest by the principal of the loan
(art. 1): 20 % a year on a principal under ¥100,000, 18 % from ¥100,000 to under
¥1,000,000, 15 % from ¥1,000,000. Delay damages are capped at 1.46 times those rates
(art. 4): 29.2 %, 26.28 % and 21.9 %. The principal is the loan's contract amount (the
approved amount; the recommended amount during the assessment), not what has been drawn.

MAX_TERM_MONTHS is the fund's own limit: thirty years; anything longer is a typing
mistake, not a loan (and a schedule that long would only fill memory).

Each check returns None when the figure is lawful, else a sentence naming the cap and why.
"""

from __future__ import annotations

from decimal import Decimal

from flask_babel import gettext as _

from models.i18n import N_
from workflow.engine.wording import word

MAX_TERM_MONTHS = 360
DAMAGES_FACTOR = Decimal("1.46")
DEFAULT_DAMAGES_RATE = Decimal("14.6")  # the usual contractual rate, within every cap
ACT = N_("Interest Rate Restriction Act")

# (principal below which the band applies, cap in % a year, the band in words)
_BANDS = (
    (100_000, Decimal("20"), N_("under ¥100,000")),
    (1_000_000, Decimal("18"), N_("from ¥100,000 to under ¥1,000,000")),
    (None, Decimal("15"), N_("of ¥1,000,000 or more")),
)
# The highest caps of all, for the database's CHECK constraints (they cannot see the amount).
HIGHEST_INTEREST_CAP = _BANDS[0][1]
HIGHEST_DAMAGES_CAP = HIGHEST_INTEREST_CAP * DAMAGES_FACTOR


def _band(principal_yen: int) -> tuple[Decimal, str]:
    for below, cap, words in _BANDS:
        if below is None or principal_yen < below:
            return cap, words
    raise AssertionError("unreachable")


def interest_cap(principal_yen: int) -> Decimal:
    """The highest lawful annual interest rate, in percent, on a loan of this principal."""
    return _band(principal_yen)[0]


def damages_cap(principal_yen: int) -> Decimal:
    """The highest lawful annual rate of delay damages, in percent."""
    return interest_cap(principal_yen) * DAMAGES_FACTOR


def _percent(value: Decimal) -> str:
    return f"{value.normalize():f} %"


def interest_rate_problem(rate: Decimal, principal_yen: int) -> str | None:
    """Why this annual interest rate is unlawful on this principal, or None."""
    if not rate.is_finite():
        return _("The annual rate must be a number.")
    if rate < 0:
        return _("The annual rate cannot be negative.")
    cap, words = _band(principal_yen)
    if rate > cap:
        return (_("The annual rate may be at most %(cap)s a year on a principal %(words)s "
                  "(%(act)s); %(rate)s was given.", cap=_percent(cap), words=word(words),
                  act=word(ACT), rate=_percent(rate)))
    return None


def damages_rate_problem(rate: Decimal, principal_yen: int) -> str | None:
    """Why this annual rate of delay damages is unlawful on this principal, or None."""
    if not rate.is_finite():
        return _("The delay damages rate must be a number.")
    if rate < 0:
        return _("The delay damages rate cannot be negative.")
    cap, words = _band(principal_yen)
    if rate > cap * DAMAGES_FACTOR:
        return (_("The delay damages rate may be at most %(damages_factor)s a year on a "
                  "principal %(words)s (%(act)s: 1.46 times the interest cap of %(cap)s); "
                  "%(rate)s was given.", damages_factor=_percent(cap * DAMAGES_FACTOR),
                  words=word(words), act=word(ACT), cap=_percent(cap), rate=_percent(rate)))
    return None


def term_problem(months: int) -> str | None:
    """Why this term is not one the fund lends for, or None."""
    if months > MAX_TERM_MONTHS:
        return (_("The term may be at most %(max_term_months)s months (thirty years); %(months)s "
                  "months was given.", max_term_months=MAX_TERM_MONTHS, months=f"{months:,}"))
    return None
