"""Who presides over a ballot: closes it and casts the deciding vote on a tie.

The chair of the file's committee, unless recused from the ballot, away or no longer
active; then the deputy chair, on the same conditions; else nobody, and the secretariat may
defer the file to the next ballot (the "defer" transition), so that no ballot is ever stuck.

Also what a ballot that cannot go on says, on the file and to the secretariat: nobody may
vote on it (it waits for a member who may), or nobody may close it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _

from models import Application, Ballot, User
from models.i18n import N_
from workflow.engine.wording import long_date
from workflow.people.committees import committee_name, is_away, members_of, officers_of

from .ballot_records import BallotRecord
from .ballots import open_ballot_of, recusal_reason
from .tally import eligible_voter_ids

# Whole sentences per office, so that each can be translated as a whole.
# Sentences with %(name)s and %(until)s, translated when they are said (gettext).
WHY_NOT = {
    "vacant": {"chair": N_("The chair's seat is empty."),
               "deputy_chair": N_("The deputy chair's seat is empty.")},
    "inactive": {"chair": N_("The chair, %(name)s, no longer has an active account."),
                 "deputy_chair": N_("The deputy chair, %(name)s, no longer has an active "
                                    "account.")},
    "away": {"chair": N_("The chair, %(name)s, is away until %(until)s."),
             "deputy_chair": N_("The deputy chair, %(name)s, is away until %(until)s.")},
    "recused": {"chair": N_("The chair, %(name)s, is recused from this ballot."),
                "deputy_chair": N_("The deputy chair, %(name)s, is recused from this ballot.")},
}
ACTS_INSTEAD = {
    "chair": N_("The chair, %(name)s, acts in your place."),
    "deputy_chair": N_("The deputy chair, %(name)s, acts in your place."),
    None: N_("Nobody else may act, so the secretariat may defer the file to the next ballot."),
}
PRESIDES_NOW = {
    "chair": N_("The chair, %(name)s, presides over this ballot: the secretariat defers a file "
                "only when neither the chair nor the deputy chair can act."),
    "deputy_chair": N_("The deputy chair, %(name)s, presides over this ballot: the secretariat "
                       "defers a file only when neither the chair nor the deputy chair can "
                       "act."),
}


@dataclass(frozen=True)
class Presiding:
    """Who presides over a ballot now, and why each of the others may not."""

    presider: User | None
    office: str | None  # "chair" or "deputy_chair" while someone presides
    why_not: dict[str, str]  # office → why its holder may not preside (a sentence)
    fund_code: str

    def may_preside(self, user: User | None) -> bool:
        return user is not None and self.presider is not None and self.presider.id == user.id


def _why_not(user: User | None, office: str, subject, today: date) -> str | None:
    """Why the holder of `office` may not preside over the ballot, or None when they may."""
    if user is None:
        return _(WHY_NOT["vacant"][office])
    if not user.active:
        why = "inactive"
    elif is_away(user, today):
        why = "away"
    elif recusal_reason(subject, user):
        why = "recused"
    else:
        return None
    until = long_date(user.away_until) if user.away_until else ""
    return _(WHY_NOT[why][office], name=user.name, until=until)


def presiding(subject: Ballot | BallotRecord | Application, today: date | None = None
              ) -> Presiding:
    """Who presides over the ballot (or the application's current one) on `today`."""
    today = today or date.today()
    application = subject if isinstance(subject, Application) else subject.application
    officers = officers_of(application.fund_id)
    why_not: dict[str, str] = {}
    for office in ("chair", "deputy_chair"):
        holder = officers.holder(office)
        reason = _why_not(holder, office, subject, today)
        if reason is None:
            return Presiding(holder, office, why_not, application.fund.code)
        why_not[office] = reason
    return Presiding(None, None, why_not, application.fund.code)


def refusal_to_preside(application: Application, actor: User | None,
                       today: date | None = None) -> str | None:
    """Why this user may not close the application's ballot (said to them), or None when
    they preside over it."""
    today = today or date.today()
    now = presiding(application, today)
    if now.may_preside(actor):
        return None
    committee = committee_name(now.fund_code)
    officers = officers_of(application.fund_id)
    office = next((o for o in ("chair", "deputy_chair")
                   if actor is not None and getattr(officers.holder(o), "id", None) == actor.id),
                  None)
    if office is None:
        return (_("Only the chair of %(committee)s, or its deputy chair when the chair is "
                  "recused or away, may close this ballot.", committee=committee))
    reason = recusal_reason(application, actor)
    if reason:
        return (_("%(reason)s A recused chair may neither close the ballot nor cast the deciding "
                  "vote. %(now)s", reason=reason, now=_who_acts(now)))
    if office == "deputy_chair" and now.office == "chair":
        return (_("%(name)s chairs %(committee)s and presides over this ballot: the deputy chair "
                  "acts only when the chair is recused or away.", name=now.presider.name,
                  committee=committee))
    if is_away(actor, today):
        return (_("You are marked away until %(away_until)s. %(now)s Clear your absence on the "
                  "committee page to act yourself.", away_until=long_date(actor.away_until),
                  now=_who_acts(now)))
    return f"{now.why_not[office]} {_who_acts(now)}"  # two sentences, each translated


def _who_acts(now: Presiding) -> str:
    """Who acts instead of the user told (a sentence)."""
    if now.office is None:
        return _(ACTS_INSTEAD[None])
    return _(ACTS_INSTEAD[now.office], name=getattr(now.presider, "name", ""))


def nobody_may_vote(ballot: Ballot | BallotRecord, voters: set[int]) -> str | None:
    """What a ballot nobody may vote on says (`voters`: its eligible voters), or None."""
    if voters:
        return None
    application = ballot.application
    committee = committee_name(application.fund.code)
    if members_of(application.fund_id):
        return (_("Nobody may vote on ballot %(number)s of %(reference)s: every member of "
                  "%(committee)s is recused from it. It stays open until the administrator seats "
                  "a member who may vote.", number=ballot.number, reference=application.reference,
                  committee=committee))
    return (_("Nobody may vote on ballot %(number)s of %(reference)s: %(committee)s has no "
              "active member. It stays open until the administrator seats a member who may vote.",
              number=ballot.number, reference=application.reference, committee=committee))


def nobody_may_close(ballot: Ballot | BallotRecord, today: date | None = None) -> str | None:
    """What a ballot nobody may preside over says, or None while someone may."""
    now = presiding(ballot, today)
    if now.presider is not None:
        return None
    why = " ".join(now.why_not[office] for office in ("chair", "deputy_chair"))
    return (_("Nobody may close ballot %(number)s of %(reference)s. %(why)s The secretariat may "
              "defer the file to the next ballot.", number=ballot.number,
              reference=ballot.application.reference, why=why))


def deferral_refusal(application: Application, today: date | None = None) -> str | None:
    """Why the secretariat may not defer the file to the next ballot now, or None.

    Only when neither the chair nor the deputy chair can act; and not when nobody may vote
    on the ballot, which a new ballot would not change.
    """
    now = presiding(application, today)
    if now.presider is not None:
        return _(PRESIDES_NOW[now.office], name=now.presider.name)
    ballot = open_ballot_of(application)
    if ballot is None:
        return _("%(reference)s has no open ballot.", reference=application.reference)
    return nobody_may_vote(ballot, eligible_voter_ids(ballot))
