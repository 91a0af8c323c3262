"""Fixtures for the engine's own tests, independent of the lifecycles' rules."""

from collections import defaultdict

import pytest

from workflow.engine import rules


class _AllRulesHold(dict):
    def __missing__(self, name):
        return lambda step: None


@pytest.fixture
def engine_only(monkeypatch):
    """Every named guard holds and no lifecycle effect runs: the engine alone is tested.

    The guards themselves are tested with the lifecycles that own them.
    """
    monkeypatch.setattr(rules, "GUARDS", _AllRulesHold())
    monkeypatch.setattr(rules, "_EFFECTS", defaultdict(list))
    monkeypatch.setattr(rules, "_OUTCOMES", {})
    monkeypatch.setattr(rules, "_PERMISSIONS", defaultdict(list))
    monkeypatch.setattr(rules, "_EVERY_TRANSITION", [])
