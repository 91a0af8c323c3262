"""Schemathesis, statefully: scenarios that follow the document's OpenAPI links (create →
read → act) with real ids from earlier answers, run once per role with that role's token
(a society's and a company's applicants, the secretariat, finance) over the operations of
that role's work. No answer is a server error, every answer keeps to the document, and the
links are really followed. (test_schemathesis.py runs every operation, one at a time.)"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from models import db

from .conftest import bearer, make_token_for
from .test_schemathesis import CHECKS

SCENARIOS = 20  # per role: the suite runs twice (SQLite, PostgreSQL)
STEPS = 6
FILES = ("listApplications", "getApplication", "listActions", "fireAction", "listAttachments",
         "downloadAttachment")
# Each role's work: the operations its scenarios are made of.
WORK = {
    "society applicant": (*FILES, "createProposal", "saveProposal", "uploadAttachment"),
    "company applicant": (*FILES, "createLoan", "saveLoan", "uploadAttachment", "loanSchedule",
                          "listRepayments"),
    "secretariat": (*FILES, "assessLoan", "signAgreement", "listBallots"),
    "finance": (*FILES, "listTranches", "requestTranche", "authoriseTranche", "loanSchedule",
                "listRepayments", "recordRepayment"),
}


@pytest.fixture
def people(app, make_user, make_org, make_application, make_fund, make_round):
    """A society and a company with files in several states, and one user per role."""
    society = make_org(name="Stateful society")
    company = make_org(kind="company", country_code="JP", name="Stateful company",
                       industry="manufacturing", capital_yen=50_000_000, employees=40)
    make_round(make_fund("SME"))
    make_application("grant", state="draft", organisation=society)
    make_application("grant", state="submitted", organisation=society)
    make_application("loan", state="draft", organisation=company)
    make_application("loan", state="submitted", organisation=company)
    return {"society applicant": make_user("applicant", organisation=society),
            "company applicant": make_user("applicant", organisation=company),
            "secretariat": make_user("secretariat"),
            "finance": make_user("finance_officer")}


def _scenarios(app, operations: tuple[str, ...], headers: dict) -> list[tuple]:
    """Run the scenarios as one user; returns each step that followed a link of the document
    (not one schemathesis inferred): (operation, status)."""
    followed: list[tuple] = []
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app).include(
        operation_id=list(operations))

    class AsOneUser(schema.as_state_machine()):
        def before_call(self, case):
            case.headers = {**(case.headers or {}), **headers}  # the token, not a made-up one

        def step(self, input):
            output = super().step(input)
            link = input.transition
            if link is not None and not link.is_inferred and input.is_applied:
                followed.append((input.case.operation.label, output.response.status_code))
            return output

        def validate_response(self, response, case, additional_checks=None, **kwargs):
            case.validate_response(response, checks=CHECKS, transport_kwargs=kwargs)

        def teardown(self):
            db.session.rollback()

    AsOneUser.run(settings=settings(max_examples=SCENARIOS, stateful_step_count=STEPS,
                                    deadline=None, database=None,
                                    suppress_health_check=list(HealthCheck)))
    return followed


@pytest.mark.parametrize("role", list(WORK))
def test_scenarios_that_follow_the_links_keep_to_the_document(app, people, role):
    followed = _scenarios(app, WORK[role], bearer(make_token_for(people[role], "write")))
    # A link took a real file's id from an answer to an operation on that file, which took it.
    assert any("{application_id}" in operation and status < 300
               for operation, status in followed), followed
