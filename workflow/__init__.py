"""The state machines and the one service that changes state, votes and money.

Importing the package registers the workflow definitions and their rules.
"""

from . import common_rules, registry  # noqa: F401 - registers definitions and guards
