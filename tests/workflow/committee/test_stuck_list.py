"""The secretariat's list ("waiting for the secretariat"): every open ballot nobody may vote
on or nobody may close, whatever keeps it there, oldest first, a page at a time."""

from models import GrantPartner, db
from workflow.committee import ballots, stuck

from .conftest import act


def test_each_reason_a_ballot_waits_puts_it_on_the_list_in_order(
        app, in_committee, members, make_org, make_user, chair):
    peru = make_org(name="Alumni Society of Peru", country_code="PE")
    members(1, organisation=peru, committees=("WNF",))  # the grants committee's only voter
    # The loans committee has a chair but no member at all.
    votable = in_committee()
    partnered = in_committee()
    db.session.add(GrantPartner(application_id=partnered.id, organisation_id=peru.id))
    db.session.commit()
    peruvian = in_committee(organisation=peru)
    loan = in_committee("loan")
    conflicted = in_committee()
    act(ballots.declare_conflict, conflicted, chair, "Former employer.")  # and no deputy

    def listed():
        return [(ballot.application_id, may_vote, presided)
                for ballot, may_vote, presided in stuck.stuck_ballots()]

    assert listed() == [(partnered.id, False, True), (peruvian.id, False, True),
                        (loan.id, False, True), (conflicted.id, True, False)]
    assert votable.id not in {row[0] for row in listed()}
    assert stuck.count_stuck() == 4 and stuck.count_stuck(limit=3) == 3

    first = stuck.stuck_page(3)
    second = stuck.stuck_page(3, after=first.after)
    assert [row[2] for row in first.rows + second.rows] == [
        partnered.reference, peruvian.reference, loan.reference, conflicted.reference]
    assert [row[-2:] for row in second.rows] == [(True, False)]
    assert [row[2] for row in stuck.stuck_page(3, before=second.before).rows] == [
        partnered.reference, peruvian.reference, loan.reference]

    make_user("committee_member", committees=("SME",))  # of no organisation
    assert [row[0] for row in listed()] == [partnered.id, peruvian.id, conflicted.id]
    assert stuck.count_stuck() == 3
