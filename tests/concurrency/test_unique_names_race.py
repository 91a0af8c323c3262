"""The same name saved by ten processes at the same instant: one record, and every other
save refused with the sentence the form shows next to the name (never a database error).

On PostgreSQL each process's check sees the name free (nobody has committed yet); the
database makes the inserts wait for the first and then refuses them, inside a savepoint.
"""

from datetime import date

import pytest
from sqlalchemy import func, select

from models import Fund, Organisation, Round, User, db
from workflow.money import fund_records
from workflow.people import accounts

from .racing import race

RACERS = 10


def _organisation(name: str) -> int:
    return accounts.save_organisation(None, kind="related_organisation", name=name,
                                      country_code="TH", city="Bangkok").id


def _round(fund_id: int, name: str) -> int:
    return fund_records.save_round(None, fund=db.session.get(Fund, fund_id), name=name,
                                   opens_on=date(2027, 4, 1), closes_on=date(2028, 3, 31),
                                   budget_yen=10_000_000, cap_yen=1_000_000,
                                   min_own_percent=20).id


def _user(email: str, n: int) -> int:
    return accounts.create_user(email=email, name=f"Racer {n}",
                                password="a long enough password", roles=("auditor",)).id


@pytest.mark.parametrize("what", ["organisation", "round", "user"])
def test_one_name_saved_at_once_by_ten_makes_one_record(app, database_url, make_fund, what):
    fund = make_fund("WNF")
    db.session.commit()
    if what == "organisation":
        job, args = _organisation, [("Chulalongkorn University",)] * RACERS
        model = Organisation
        refusal = "An organisation named Chulalongkorn University already exists."
    elif what == "round":
        job, args = _round, [(fund.id, "WNF FY2027")] * RACERS
        model, refusal = Round, "The fund already has a round named WNF FY2027."
    else:
        job, args = _user, [("racer@example.org", n) for n in range(RACERS)]
        model, refusal = User, "A user with the email racer@example.org already exists."

    outcomes = race(database_url, job, args)

    assert sorted(kind for kind, _ in outcomes) == ["ok"] + ["refused"] * (RACERS - 1), outcomes
    assert {message for kind, message in outcomes if kind == "refused"} == {refusal}
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(model)) == 1
