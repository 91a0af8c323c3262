"""SME eligibility by the thresholds of Japan's SME Basic Act (Article 2) and of the cabinet
order that sets three industries apart.

A company is an SME when its capital OR its headcount is within the limit of
its industry group.
"""

from __future__ import annotations

from flask_babel import gettext as _

from models import Organisation
from models.i18n import N_
from workflow.engine.wording import word

# industry -> (capital limit in yen, employee limit)
THRESHOLDS = {
    "manufacturing": (300_000_000, 300),
    "other": (300_000_000, 300),
    "wholesale": (100_000_000, 100),
    "services": (50_000_000, 100),
    "retail": (50_000_000, 50),
    # The cabinet order's exceptions.
    "rubber_products": (300_000_000, 900),
    "software": (300_000_000, 300),
    "hotels": (50_000_000, 200),
}
GROUP_NAMES = {
    "manufacturing": N_("manufacturing and other industries"),
    "other": N_("manufacturing and other industries"),
    "wholesale": N_("wholesale"),
    "services": N_("services"),
    "retail": N_("retail"),
    "rubber_products": N_("rubber products"),
    "software": N_("software and information-processing services"),
    "hotels": N_("hotels and inns"),
}


def eligibility_problem(company: Organisation) -> str | None:
    """None when the company qualifies; else which threshold it fails, in a sentence."""
    if company.kind != "company":
        return _("Only a company can apply for an SME loan.")
    if company.industry is None or company.capital_yen is None or company.employees is None:
        return (_("The company's industry, capital and number of employees are needed to check "
                  "SME eligibility."))
    capital_limit, staff_limit = THRESHOLDS[company.industry]
    if company.capital_yen <= capital_limit or company.employees <= staff_limit:
        return None
    return (
        _("%(name)s is not an SME under the SME Basic Act: in %(industry)s the capital must be "
          "at most ¥%(capital_limit)s or the employees at most %(staff_limit)s, and it has "
          "¥%(capital_yen)s and %(employees)s employees.", name=company.name,
          industry=word(GROUP_NAMES[company.industry]), capital_limit=f"{capital_limit:,}",
          staff_limit=f"{staff_limit:,}", capital_yen=f"{company.capital_yen:,}",
          employees=f"{company.employees:,}")
    )
