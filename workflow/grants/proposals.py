"""WNF grant proposals: creating and editing them, and the rules checked at submission.

The applicant edits a proposal only while it is a draft or a revision was requested.
The amount requested is never typed: it is the WNF-funded total of the budget,
recomputed on every save. The rows of a form arrive as lists whose positions name the
form fields (`budget-2-amount_yen`), so that a refusal is shown next to its field.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import bindparam, delete, select

from models import (
    PARTNER_KINDS,
    PROGRAMME_TYPES,
    Application,
    BudgetLine,
    Fund,
    GrantDetails,
    GrantPartner,
    Organisation,
    ParticipantCountry,
    Round,
    User,
    db,
)
from models.i18n import N_
from workflow.engine import audit, reading, registry, rules, service
from workflow.engine.definition import OWNER
from workflow.engine.errors import TransitionRefused, ValidationFailed
from workflow.engine.permissions import is_member_of_applicant
from workflow.engine.wording import long_date, lower_first, word
from workflow.files.applications import create_application
from workflow.files.common_rules import missing_fields_check
from workflow.people.accounts import check_country

from .budget import (
    BudgetLineInput,
    ParticipantInput,
    Totals,
    clean_budget_rows,
    clean_participant_rows,
    format_percent,
    totals_of,
)
from .participation import CountryCount, Partner, participation_of

EDITABLE_STATES = ("draft", "revision_requested")
GRANT_FUND_CODE = "WNF"
REVIEW_PHRASES = {
    "submitted": N_("it is under review by the secretariat"),
    "screening": N_("it is under review by the secretariat"),
    "committee_review": N_("it is under review by the committee"),
}


@dataclass(frozen=True)
class ProposalInput:
    """What the proposal form hands over. Rows: None = removed, all-blank rows are skipped."""

    title: str
    programme_type: str | None = None
    objectives: str = ""
    start_date: date | None = None
    end_date: date | None = None
    venue_country: str | None = None
    venue_city: str = ""
    expected_participants: int | None = None
    partner_ids: tuple[int, ...] = ()
    participants: tuple[ParticipantInput | None, ...] = ()
    budget: tuple[BudgetLineInput | None, ...] = ()


def open_rounds(today: date | None = None) -> list[Round]:
    """The WNF rounds that accept proposals today, closing soonest first."""
    today = today or date.today()
    return list(db.session.scalars(
        select(Round).join(Round.fund)
        .where(Fund.code == GRANT_FUND_CODE, Round.opens_on <= today, Round.closes_on >= today)
        .order_by(Round.closes_on, Round.id)
    ))


def partner_choices(organisation: Organisation) -> list[Organisation]:
    """The organisations a proposal may name as partners, as the WNF guidelines allow:
    alumni societies and related organisations (universities, chambers of commerce, public
    bodies that co-organise with a society), all but the proposer; societies first."""
    return list(db.session.scalars(
        select(Organisation)
        .where(Organisation.kind.in_(PARTNER_KINDS), Organisation.id != organisation.id)
        .order_by(Organisation.kind, Organisation.name)
    ))


def create_proposal(*, round_: Round, title: str, actor: User,
                    today: date | None = None) -> Application:
    """A new draft proposal of the actor's alumni society in an open WNF round."""
    organisation = actor.organisation
    if not actor.has_role(OWNER) or organisation is None:
        raise TransitionRefused(_("Only members of an alumni society may propose WNF grants."))
    if organisation.kind != "alumni_society":
        raise ValidationFailed(_("Only alumni societies may propose WNF grants."), "round_id")
    if round_.fund.code != GRANT_FUND_CODE:
        raise ValidationFailed(_("Choose a round of the WNF fund."), "round_id")
    if not round_.is_open(today or date.today()):
        raise ValidationFailed(_("The round %(name)s is not open for proposals (%(opens_on)s – "
                                 "%(closes_on)s).", name=round_.name,
                                 opens_on=long_date(round_.opens_on),
                                 closes_on=long_date(round_.closes_on)),
                               "round_id")
    title = _clean_title(title)
    application = create_application(fund=round_.fund, organisation=organisation, title=title,
                                     actor=actor, round_=round_, requested_yen=0, today=today)
    db.session.add(GrantDetails(application=application))
    db.session.flush()
    return application


def edit_refusal(application: Application, actor: User | None) -> str | None:
    """Why this user may not edit this proposal now, or None when they may."""
    if application.kind != "grant":
        return _("Only grant proposals are edited here.")
    if actor is None or not actor.has_role(OWNER) or not is_member_of_applicant(actor,
                                                                                application):
        return _("Only the applying society may edit this proposal.")
    if application.state in EDITABLE_STATES:
        return None
    state = registry.get(application.workflow_name, application.workflow_version).state(
        application.state)
    if application.state in REVIEW_PHRASES:
        return _("This proposal can no longer be edited: %(phrase)s.",
                 phrase=word(REVIEW_PHRASES[application.state]))
    return _("This proposal can no longer be edited: it is %(state)s.",
             state=lower_first(word(state.applicant_label)))


# Built once, as the page's other statements: building it cost a page a third of running it.
_BUDGET_LINES = (select(BudgetLine)
                 .where(BudgetLine.application_id.in_(bindparam("ids", expanding=True)))
                 .order_by(BudgetLine.position, BudgetLine.id))


def budget_lines_of(applications: list[Application]) -> dict[int, list[BudgetLine]]:
    """Per application id, its budget lines in order, for many files in one query."""
    def query(missing: list[Application]) -> dict[int, list[BudgetLine]]:
        found: dict[int, list[BudgetLine]] = {a.id: [] for a in missing}
        if missing:
            for line in db.session.scalars(_BUDGET_LINES, {"ids": list(found)}):
                found[line.application_id].append(line)
        return found

    return reading.remember_each("budget_lines", applications, query)


def budget_lines(application: Application) -> list[BudgetLine]:
    return list(budget_lines_of([application])[application.id])


def budget_totals(application: Application) -> Totals:
    """WNF / own / partner totals of the proposal's budget."""
    return totals_of(budget_lines(application))


def partners(application: Application) -> list[Partner]:
    """The partner organisations, by name (read with the participants:
    workflow.grants.participation)."""
    return list(participation_of([application])[application.id].partners)


def participant_countries(application: Application) -> list[CountryCount]:
    """The expected participants by country, by country code."""
    return list(participation_of([application])[application.id].expected)


def save_proposal(application: Application, actor: User, data: ProposalInput) -> Application:
    """Validate everything, then replace the proposal's details, partners, participants and
    budget; the amount requested becomes the WNF-funded total. Nothing is saved on a refusal.
    """
    app = service.lock(application)
    refusal = edit_refusal(app, actor)
    if refusal:
        raise TransitionRefused(refusal)
    title = _clean_title(data.title)
    details = _clean_details(data)
    partner_orgs = _clean_partners(app, data.partner_ids)
    participants = clean_participant_rows(data.participants, "participants")
    by_country = sum(p.participants for p in participants)
    expected = details["expected_participants"]
    if expected is not None and by_country > expected:
        raise ValidationFailed(_("The participants by country add up to %(by_country)s, more "
                                 "than the %(expected)s expected.", by_country=by_country,
                                 expected=expected), "expected_participants")
    lines = clean_budget_rows(data.budget, "budget")

    grant = app.grant or GrantDetails(application=app)
    db.session.add(grant)
    for name, value in details.items():
        setattr(grant, name, value)
    # Bulk deletes run at once, so the new rows never meet the old ones' unique keys.
    for model in (GrantPartner, ParticipantCountry, BudgetLine):
        db.session.execute(delete(model).where(model.application_id == app.id))
    db.session.add_all(GrantPartner(application_id=app.id, organisation_id=org.id)
                       for org in partner_orgs)
    db.session.add_all(ParticipantCountry(application_id=app.id, country_code=p.country_code,
                                          participants=p.participants) for p in participants)
    db.session.add_all(BudgetLine(application_id=app.id, position=i, category=line.category,
                                  description=line.description, amount_yen=line.amount_yen,
                                  funded_by=line.funded_by) for i, line in enumerate(lines))
    totals = totals_of(lines)
    app.title = title
    app.requested_yen = totals.wnf
    db.session.flush()
    audit.record("proposal_saved", actor=actor, object_type="application", object_id=app.id,
                 from_state=app.state, to_state=app.state,
                 data={"reference": app.reference, "title": title,
                       "requested_yen": totals.wnf, "own_yen": totals.own,
                       "partner_yen": totals.partner, "budget_lines": len(lines),
                       "partners": [org.name for org in partner_orgs],
                       "participants": {p.country_code: p.participants for p in participants}})
    return app


def _clean_title(title: str | None) -> str:
    title = (title or "").strip()
    if not title:
        raise ValidationFailed(_("Enter a title."), "title")
    if len(title) > 300:
        raise ValidationFailed(_("The title is too long: 300 characters at most."), "title")
    return title


def _clean_details(data: ProposalInput) -> dict:
    programme = data.programme_type or None
    if programme is not None and programme not in PROGRAMME_TYPES:
        raise ValidationFailed(_("Choose a programme type from the list."), "programme_type")
    if data.start_date and data.end_date and data.end_date < data.start_date:
        raise ValidationFailed(_("The end date is before the start date."), "end_date")
    country = (data.venue_country or "").strip()
    city = (data.venue_city or "").strip()
    if len(city) > 100:
        raise ValidationFailed(_("The city name is too long: 100 characters at most."),
                               "venue_city")
    expected = data.expected_participants
    if expected is not None and expected < 0:
        raise ValidationFailed(_("The number of participants cannot be negative."),
                               "expected_participants")
    return {"programme_type": programme, "objectives": (data.objectives or "").strip(),
            "start_date": data.start_date, "end_date": data.end_date,
            "venue_country": check_country(country, "venue_country") if country else None,
            "venue_city": city, "expected_participants": expected}


def _clean_partners(application: Application, ids) -> list[Organisation]:
    wanted = list(dict.fromkeys(int(i) for i in ids))
    if application.organisation_id in wanted:
        raise ValidationFailed(_("Your own society cannot be its own partner: choose other "
                                 "alumni societies or related organisations."), "partner_ids")
    found = list(db.session.scalars(
        select(Organisation).where(Organisation.id.in_(wanted),
                                   Organisation.kind.in_(PARTNER_KINDS))
    )) if wanted else []
    if len(found) != len(wanted):
        raise ValidationFailed(_("Choose the partners from the list."), "partner_ids")
    return sorted(found, key=lambda org: org.name)


@missing_fields_check("grant")
def grant_missing_fields(application: Application) -> list[str]:
    """What a proposal still lacks before it may be submitted."""
    grant = application.grant
    missing = []
    checks = (
        (N_("a programme type"), grant and grant.programme_type),
        (N_("the objectives"), grant and grant.objectives.strip()),
        (N_("the start date"), grant and grant.start_date),
        (N_("the end date"), grant and grant.end_date),
        (N_("the venue country"), grant and grant.venue_country),
        (N_("the venue city"), grant and grant.venue_city.strip()),
        (N_("the number of expected participants"), grant and grant.expected_participants),
        (N_("the participants' countries"), participant_countries(application)),
    )
    missing.extend(label for label, present in checks if not present)
    totals = budget_totals(application)
    if not budget_lines(application):
        missing.append(N_("at least one budget line"))
    elif totals.wnf <= 0:
        missing.append(N_("a budget line funded by WNF"))
    return missing


@rules.guard("own_share_met")
def own_share_met(step: rules.Step) -> str | None:
    """Own funds / whole budget ≥ the round's minimum.

    Only the proposing society's own funds count: WNF rests on self-help, so money from
    partner societies, welcome as it is, does not make up the proposer's share.
    """
    round_ = step.application.round
    if round_ is None or not round_.min_own_percent:
        return None
    totals = budget_totals(step.application)
    if totals.meets(round_.min_own_percent):
        return None
    percents = {"own": format_percent(totals.own_percent), "least": round_.min_own_percent}
    if totals.partner:
        return _("Your own contribution is %(own)s %% of the budget; this round asks for at "
                 "least %(least)s %%. Contributions from partners do not count as your own.",
                 **percents)
    return _("Your own contribution is %(own)s %% of the budget; this round asks for at least "
             "%(least)s %%.", **percents)


@rules.guard("activity_not_begun")
def activity_not_begun(step: rules.Step) -> str | None:
    """WNF finances activities still to come: one that starts before the day the proposal is
    (re)submitted is refused, with its date."""
    grant = step.application.grant
    if grant is None or grant.start_date is None or grant.start_date >= step.today:
        return None
    return (_("The activity starts on %(start_date)s, before the day of submission (%(today)s): "
              "change its dates before submitting.", start_date=long_date(grant.start_date),
              today=long_date(step.today)))


@rules.effect("note_requested_amount")
def note_requested_amount(step: rules.Step) -> None:
    """The amount asked, as submitted (the submission time: workflow.files.applications)."""
    step.data["requested_yen"] = step.application.requested_yen
