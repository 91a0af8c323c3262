"""Fifty committee members vote at once through the served app's ballot form.

Each member sends the vote twice at the same instant (a double click): one vote row per
member, one "vote_cast" audit event each, and the tally exactly what they chose.
"""

from collections import Counter

from sqlalchemy import func, select

from models import AuditEvent, Ballot, Vote, db, write_intent
from workflow.committee import decision
from workflow.committee import tally as ballot_tally
from workflow.engine import audit

from .web_client import at_once, in_parallel, tally

MEMBERS = 50
CHOICES = ("approve", "reject", "abstain")


def test_fifty_members_voting_at_once_cast_one_vote_each(web, make_application, make_user):
    application = make_application("grant", state="committee_review")
    with write_intent(True):
        ballot = decision.open_ballot(application, None)
        db.session.commit()
    members = [make_user("committee_member") for _ in range(MEMBERS)]
    choice_of = {m.id: CHOICES[n % 3] for n, m in enumerate(members)}
    browsers = web.logged_in(members)
    page = f"/committee/applications/{application.id}"
    action = f"{page}/vote"
    forms = in_parallel([lambda b=b: b.form(page, action) for b in browsers])
    sends = [(b, {**f, "choice": choice_of[m.id], "comment": f"Member {m.id}"})
             for m, b, f in zip(members, browsers, forms, strict=True)]

    answers = at_once([lambda b=b, s=s: b.post(action, s, keep_cookies=False)
                       for b, s in sends for _ in range(2)])

    figures = tally("50 members voting at once, each twice", answers)
    assert figures.errors == 0 and web.new_errors() == [], figures.messages
    assert set(figures.statuses) == {302}
    assert figures.successes == 2 * MEMBERS  # the second send is the same vote: no change
    db.session.rollback()
    votes = db.session.scalars(select(Vote).where(Vote.ballot_id == ballot.id)).all()
    assert sorted(v.member_id for v in votes) == sorted(choice_of)
    assert {v.member_id: v.choice for v in votes} == choice_of
    assert all(v.changes == 0 for v in votes)
    cast_events = db.session.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "vote_cast", AuditEvent.object_id == ballot.id))
    assert cast_events == MEMBERS
    count = ballot_tally.tally(db.session.get(Ballot, ballot.id))
    expected = Counter(choice_of.values())
    print(f"    tally: eligible {count.eligible}, approve {count.approvals}, "
          f"reject {count.rejections}, abstain {count.abstentions}; quorum "
          f"{count.quorum_needed} {'met' if count.quorum_met else 'not met'}")
    assert (count.eligible, count.approvals, count.rejections, count.abstentions) == (
        MEMBERS, expected["approve"], expected["reject"], expected["abstain"])
    assert audit.verify().ok
