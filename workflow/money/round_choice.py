"""Which rounds an application form offers: those open today, and the file's own.

A closed round is never offered on a new application; an application keeps the round it
names when that round closes (its submission is then refused by the round_open rule, with
the date).
"""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select

from models import Fund, Round, db
from workflow.engine.errors import ValidationFailed
from workflow.engine.wording import long_date


def round_choices(fund_code: str, today: date | None = None, keep: Round | None = None
                  ) -> list[Round]:
    """The fund's rounds open today, closing soonest first, then `keep` if it is not one."""
    today = today or date.today()
    rounds = list(db.session.scalars(
        select(Round).join(Round.fund)
        .where(Fund.code == fund_code, Round.opens_on <= today, Round.closes_on >= today)
        .order_by(Round.closes_on, Round.id)))
    if keep is not None and keep not in rounds:
        rounds.append(keep)
    return rounds


def check_round_choice(round_: Round | None, fund_code: str, today: date | None,
                       keep_id: int | None) -> None:
    """Refuse on the round field a round of another fund, or a new choice of a round that is
    not open today; the round the application already names may stay."""
    if round_ is None or round_.id == keep_id:
        return
    if round_.fund.code != fund_code:
        raise ValidationFailed(_("Choose a round of the %(fund_code)s fund.",
                                 fund_code=fund_code), "round_id")
    if not round_.is_open(today or date.today()):
        raise ValidationFailed(_("The round %(name)s is not open for applications (%(opens_on)s "
                                 "– %(closes_on)s).", name=round_.name,
                                 opens_on=long_date(round_.opens_on),
                                 closes_on=long_date(round_.closes_on)),
                               "round_id")
