"""The state machines and the one service that changes state, votes and money.

One package per feature (docs/architecture.md): `engine` runs any workflow and imports no
feature; each feature registers its own definition, rules and effects with the engine from
the modules below. Importing `workflow` imports them, so that every arrow of every
definition has its rules before the first request.
"""

# The grant programme first, then the loans: the order the pages list the programmes in.
from .grants import definition as grant_definition  # noqa: F401, I001 - registered in order
from .loans import definition as loan_definition  # noqa: F401
from .committee import ballot_steps, decision  # noqa: F401 - ballots: open, decide, funds
from .files import common_rules  # noqa: F401 - the rules both programmes check
from .files import application_totals  # noqa: F401 - keeps the counts after each flush
from .grants import proposals, reports, screening  # noqa: F401 - proposal and report rules
from .grants import programme_totals  # noqa: F401 - keeps the counts after each flush
from .loans import applications, assessment, documents  # noqa: F401 - schedule, arrears
from .money import moved_files  # noqa: F401 - a moved application takes its sums along
from .money import release_totals  # noqa: F401 - keeps the sums after each flush
from .money import tranches  # noqa: F401 - four eyes, release, cancel effects
from .people import notifications  # noqa: F401 - the notice after every transition
