"""The loan scene of tests/workflow/loans, for the company's home page."""

from tests.workflow.loans.conftest import (  # noqa: F401
    active_loan,
    client_for,
    company,
    make_loan,
    people,
    release,
    sme,
)
