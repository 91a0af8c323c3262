"""The loan scene of tests/loans, for the pages of loans."""

from ..loans.conftest import active_loan, company, make_loan, people, release, sme  # noqa: F401
