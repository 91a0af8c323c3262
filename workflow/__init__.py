"""The state machines and the one service that changes state, votes and money.

Importing the package registers the workflow definitions and their rules.
"""

from . import common_rules, notifications, registry  # noqa: F401 - registers rules and hooks
