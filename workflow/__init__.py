"""The state machines and the one service that changes state, votes and money.

Importing the package registers the workflow definitions and their rules.
"""

from . import common_rules, notifications, registry  # noqa: F401 - registers rules and hooks
from . import decisions as decisions  # noqa: F401 - committee ballots: open, decide, funds
from . import grant_reports as grant_reports  # noqa: F401 - grants: proposal, report rules
from . import loan_documents as loan_documents  # noqa: F401 - the loan's documents rule
from . import loans as loans  # noqa: F401 - SME loans: assessment, schedule, arrears
from . import tranches as tranches  # noqa: F401 - four eyes, release, cancel effects
