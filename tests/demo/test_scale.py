"""`flask demo seed --scale N`: generated histories that look as if the service made them."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from models import Application, AuditEvent, Organisation, db
from tests.database import empty_all_tables
from workflow.engine import audit, registry

from . import checks
from .conftest import row_counts

SCALE = 2000
# The service writes these only when the user typed something.
OPTIONAL = frozenset({"comment", "conditions"})


def test_scale_generates_every_state_over_ten_years_consistently(app, seed):
    output = seed("--scale", str(SCALE))
    assert f"{SCALE} applications" in output
    for kind in ("grant", "loan"):
        states = set(db.session.scalars(select(Application.state)
                                        .where(Application.kind == kind)))
        assert states == {s.name for s in registry.get(kind).states}
    years = set(db.session.scalars(select(Application.fiscal_year)))
    assert len(years) == 10
    countries = db.session.scalar(select(func.count(func.distinct(Organisation.country_code)))
                                  .join(Application,
                                        Application.organisation_id == Organisation.id))
    assert countries >= 80
    result = audit.verify()
    assert result.ok, str(result)
    assert result.count > 10 * SCALE
    problems = (checks.paths_follow_the_workflow() + checks.references_unique()
                + checks.ledger_consistent() + checks.ballots_consistent()
                + checks.loans_consistent(date.today()) + checks.chronological()
                + checks.rounds_within_budget() + checks.loans_carry_their_documents()
                + checks.activities_after_submission())
    assert problems == []


def test_generated_events_carry_what_the_service_writes(app, seed):
    """Every action the generator writes appears in the living demo (made by the service)
    on the same kind of object, with the same data keys."""
    seed()
    made_by_service = checks.event_shapes()
    db.session.commit()
    empty_all_tables(db.engine, db.metadata)
    seed("--scale", "300")
    for action, (object_type, key_sets) in checks.event_shapes().items():
        assert action in made_by_service, action
        service_type, service_keys = made_by_service[action]
        assert object_type == service_type, action
        known = frozenset().union(*service_keys) | OPTIONAL
        always = frozenset.intersection(*service_keys) - OPTIONAL
        for keys in key_sets:
            assert always <= keys <= known, (action, sorted(keys ^ known))


def test_scale_refuses_a_database_with_applications(app, seed):
    seed()
    before = row_counts()
    output = seed("--scale", "10", expect_ok=False)
    assert "needs a database without applications" in output
    assert row_counts() == before


def test_scale_is_refused_in_production(app, seed):
    app.config["WNF_ENV"] = "production"
    try:
        output = seed("--scale", "10", expect_ok=False)
    finally:
        app.config["WNF_ENV"] = "test"
    assert "refused in production" in output
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == 0


def test_the_application_carries_on_after_the_scale_seed(app, seed):
    """New files, ledger entries and events follow the generated ones: the next reference,
    fresh ids (PostgreSQL's sequences were moved on), a chain that still verifies."""
    from models import Fund, ReferenceCounter, write_intent
    from workflow.engine.fiscal import fiscal_year
    from workflow.files.applications import create_application
    from workflow.money import ledger

    seed("--scale", "300")
    fund = db.session.scalar(select(Fund).where(Fund.code == "WNF"))
    year = fiscal_year(date.today())
    last = db.session.get(ReferenceCounter, (fund.id, year)).last_number
    society = db.session.scalar(select(Organisation).where(
        Organisation.kind == "alumni_society"))
    db.session.commit()
    with write_intent(True):
        made = create_application(fund=fund, organisation=society, title="One more",
                                  actor=None)
        ledger.post(fund, "donation", 1_000, actor=None, memo="After the seed")
        db.session.commit()
    assert made.reference == f"WNF-{year}-{last + 1:04d}"
    assert audit.verify().ok
