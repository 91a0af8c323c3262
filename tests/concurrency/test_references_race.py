"""Twenty applications created at the same instant get twenty different references."""

from sqlalchemy import select

from models import Application, Fund, Organisation, db
from workflow.files.applications import create_application

from .racing import race


def _create(fund_id: int, organisation_id: int, n: int):
    application = create_application(
        fund=db.session.get(Fund, fund_id), organisation=db.session.get(Organisation,
                                                                        organisation_id),
        title=f"Seminar {n}", actor=None)
    return application.reference


def test_references_are_unique_and_consecutive_under_concurrency(app, database_url, make_fund,
                                                                 make_org):
    fund, org = make_fund("WNF"), make_org()
    db.session.commit()
    outcomes = race(database_url, _create, [(fund.id, org.id, n) for n in range(20)])
    assert [kind for kind, _ in outcomes] == ["ok"] * 20, outcomes
    db.session.rollback()
    numbers = sorted(db.session.scalars(select(Application.number)).all())
    assert numbers == list(range(1, 21))
    references = {detail for _, detail in outcomes}
    assert len(references) == 20
    assert all(r.startswith("WNF-") and len(r) == len("WNF-2027-0001") for r in references)
