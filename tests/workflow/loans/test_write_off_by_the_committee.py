"""A loan's write-off is approved by an officer of the SME loan committee, not of another."""

import pytest

from workflow.engine import service
from workflow.engine.errors import TransitionRefused
from workflow.loans import arrears

from .conftest import act
from .test_lifecycle import current
from .test_write_off import late_loan  # noqa: F401 - the fixture


def test_only_the_loan_committees_chair_or_deputy_approves_a_write_off(late_loan,  # noqa: F811
                                                                       people, make_user):
    act(arrears.request_write_off, current(late_loan), people.finance, "Insolvent.")
    grant_officer = make_user("committee_chair", committees=("WNF",), name="Grant Deputy")
    with pytest.raises(TransitionRefused) as refused:
        act(service.fire, current(late_loan), "write_off", grant_officer)
    assert str(refused.value) == ("Only the chair or the deputy chair of the SME loan "
                                  "committee may approve a write-off.")
    assert "write_off" not in {a.trigger for a in service.available_actions(
        current(late_loan), grant_officer)}
    act(service.fire, current(late_loan), "write_off", people.chair)
    assert current(late_loan).state == "written_off"
