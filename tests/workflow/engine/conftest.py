"""Fixtures for the engine's own tests, independent of the lifecycles' rules."""

import pytest

from workflow.engine import rules


class _AllRulesHold(dict):
    def __missing__(self, name):
        return lambda step: None


class _NothingHappens(dict):  # every effect an arrow names does nothing
    def __missing__(self, name):
        return lambda step: None


class _OutcomeAsGiven(dict):  # the outcome is the test's `outcome` input
    def __missing__(self, name):
        return lambda step: step.inputs.get("outcome")


@pytest.fixture
def engine_only(monkeypatch):
    """Every named guard holds and no lifecycle effect runs: the engine alone is tested.

    The guards themselves are tested with the lifecycles that own them.
    """
    monkeypatch.setattr(rules, "GUARDS", _AllRulesHold())
    monkeypatch.setattr(rules, "_EFFECTS", _NothingHappens())
    monkeypatch.setattr(rules, "_OUTCOMES", _OutcomeAsGiven())
    monkeypatch.setattr(rules, "_PERMISSIONS", _AllRulesHold())
    monkeypatch.setattr(rules, "_EVERY_TRANSITION", [])
