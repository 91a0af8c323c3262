"""The living demo's round whose budget is nearly used.

This year's WNF round approves a second programme (partnered by a related organisation,
a chamber of commerce), and the secretariat then sets the round's budget at what this
year's campaign raised: ¥3,000,000, of which ¥2,700,000 is approved. The chair closing the
ballots still open in the round (the lean course, the study tour) sees above the form that
approving the amount asked would take the round over its budget, with the figures.
"""

from __future__ import annotations

from workflow.money import fund_records

from .cast import Cast
from .living_grants import ID, Proposal, approve, write

CEBU_CHAMBER = "Chamber of Commerce and Industry of the Philippines (Cebu)"
CAMPAIGN_BUDGET = 3_000_000  # what this year's campaign raised

EXPORT = Proposal(
    "applicant.ph", "Export packaging and labelling workshop for food SMEs",
    "training_course", "Teach 30 owners of small food companies the packaging, labelling and "
    "documentation that export buyers in Japan and the EU ask for.",
    ("PH", "Cebu"), (ID, CEBU_CHAMBER), (("PH", 24), ("ID", 6)),
    (700_000, 500_000, 600_000, 400_000, 100_000, 0), weeks_ahead=16, days=4)


def tell_story(cast: Cast) -> None:
    """The second approval of this year's round, then its budget set at the campaign's."""
    app = write(cast, EXPORT)
    approve(cast, app, EXPORT, {"member1": "approve", "member2": "approve",
                                "member3": "approve", "member4": "approve"})
    round_ = cast.rounds[("WNF", "current")]
    fund_records.save_round(round_, fund=round_.fund, name=round_.name,
                            opens_on=round_.opens_on, closes_on=round_.closes_on,
                            budget_yen=CAMPAIGN_BUDGET, cap_yen=round_.cap_yen,
                            min_own_percent=round_.min_own_percent, actor=cast["secretariat"])
