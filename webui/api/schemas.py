"""What the API sends and takes, as marshmallow schemas: flask-smorest writes the OpenAPI
document from them and checks every request against them. Money is whole yen (integers)."""

from __future__ import annotations

from datetime import UTC, datetime

from marshmallow import Schema, fields, validate

from workflow.files.search import SORTS

from .loan_schemas import (
    COUNT,
    POSITIVE,
    YEN,
    AssessmentSchema,
    CompanySchema,
    LoanSchema,
    percent,
)


class UtcDateTime(fields.DateTime):
    """A moment as RFC 3339 with its offset: the database keeps UTC without one."""

    def _serialize(self, value, attr, obj, **kwargs):
        if isinstance(value, datetime) and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return super()._serialize(value, attr, obj, **kwargs)


class ProblemSchema(Schema):
    """RFC 9457 problem details."""

    type = fields.String(required=True)
    title = fields.String(required=True)
    status = fields.Integer(required=True)
    detail = fields.String(required=True)
    instance = fields.String()
    field = fields.String()
    errors = fields.Dict()


class ApplicationListArgs(Schema):
    """The filters, order and place of the application list (as on the list page)."""

    q = fields.String(validate=validate.Length(max=200),
                      metadata={"description": "A reference, or words each found in the title "
                                               "or the organisation's name or reading"})
    organisation_id = fields.Integer(validate=POSITIVE)
    country = fields.String(validate=validate.Length(max=2))
    state = fields.String(validate=validate.Length(max=40))
    round_id = fields.Integer(validate=POSITIVE)
    fund = fields.String(validate=validate.OneOf(["WNF", "SME"]))
    date_from = fields.Date()
    date_to = fields.Date()
    sort = fields.String(load_default="created", validate=validate.OneOf(list(SORTS)))
    direction = fields.String(load_default="desc", validate=validate.OneOf(["asc", "desc"]))
    after = fields.String(validate=validate.Length(max=500),
                          metadata={"description": "The `next` cursor of the page before"})
    before = fields.String(validate=validate.Length(max=500),
                           metadata={"description": "The `previous` cursor of the page after"})
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))


class ApplicationRowSchema(Schema):
    id = fields.Integer(required=True)
    reference = fields.String(required=True)
    title = fields.String(required=True)
    state = fields.String(required=True)
    state_label = fields.String(required=True)
    organisation = fields.String(required=True)
    organisation_reading = fields.String(required=True, metadata={
        "description": "How a Japanese company's name is read, in katakana; else empty"})
    country = fields.String(required=True)
    requested_yen = fields.Integer(required=True)
    approved_yen = fields.Integer(allow_none=True)


class ApplicationPageSchema(Schema):
    items = fields.List(fields.Nested(ApplicationRowSchema), required=True)
    next = fields.String(allow_none=True, metadata={"description": "Cursor of the next page"})
    previous = fields.String(allow_none=True)


class GrantSchema(Schema):
    programme_type = fields.String(allow_none=True)
    objectives = fields.String()
    start_date = fields.Date(allow_none=True)
    end_date = fields.Date(allow_none=True)
    venue_country = fields.String(allow_none=True)
    venue_city = fields.String()
    expected_participants = fields.Integer(allow_none=True)
    conditions = fields.String()


class ApplicationSchema(Schema):
    id = fields.Integer(required=True)
    reference = fields.String(required=True)
    kind = fields.String(required=True)
    title = fields.String(required=True)
    state = fields.String(required=True)
    state_label = fields.String(required=True)
    version = fields.Integer(required=True)
    workflow = fields.String(required=True, attribute="workflow_name")
    workflow_version = fields.Integer(required=True)
    fund = fields.Function(lambda a: a.fund.code, required=True)
    round_id = fields.Integer(allow_none=True)
    organisation_id = fields.Integer(required=True)
    organisation = fields.Function(lambda a: a.organisation.name, required=True)
    organisation_reading = fields.Function(lambda a: a.organisation.name_reading, required=True)
    requested_yen = fields.Integer(required=True)
    approved_yen = fields.Integer(allow_none=True)
    created_at = UtcDateTime(required=True)
    submitted_at = UtcDateTime(allow_none=True)
    state_changed_at = UtcDateTime(required=True)
    due_on = fields.Date(allow_none=True)
    grant = fields.Nested(GrantSchema, allow_none=True)
    loan = fields.Nested(LoanSchema, allow_none=True)
    company = fields.Nested(CompanySchema, allow_none=True, attribute="company_shown",
                            metadata={"description": "A loan's company figures"})
    assessment = fields.Nested(AssessmentSchema, allow_none=True, attribute="assessment_shown",
                               metadata={"description": "A loan's credit assessment, for the "
                                                        "staff"})


class ActionSchema(Schema):
    trigger = fields.String(required=True)
    label = fields.String(required=True)
    requires = fields.List(fields.String(), required=True)
    blocked = fields.String(allow_none=True,
                            metadata={"description": "Why it cannot be done now, if so"})


class ActionListSchema(Schema):
    items = fields.List(fields.Nested(ActionSchema), required=True)


class ActionInputSchema(Schema):
    """The inputs an action may take (those it `requires` must be given): a comment or a
    reason; the chair's decision (amount, conditions, deciding vote, a loan's terms); a
    repayment received."""

    comment = fields.String(validate=validate.Length(max=5000))
    reason = fields.String(validate=validate.Length(max=5000))
    approved_yen = fields.Integer(validate=YEN)
    conditions = fields.String(validate=validate.Length(max=5000))
    casting_vote = fields.String(validate=validate.OneOf(["approve", "reject"]))
    annual_rate = fields.Decimal(as_string=True, places=None, validate=percent)
    term_months = fields.Integer(validate=validate.Range(min=1, max=600))
    grace_months = fields.Integer(validate=validate.Range(min=0, max=600))
    method = fields.String(validate=validate.Length(max=16))
    damages_rate = fields.Decimal(as_string=True, places=None, validate=percent)
    prepayment_mode = fields.String(validate=validate.Length(max=16))
    amount_yen = fields.Integer(validate=YEN)
    received_on = fields.Date()
    bank_reference = fields.String(validate=validate.Length(max=100))


class FiredSchema(Schema):
    application = fields.Nested(ApplicationSchema, required=True)
    message = fields.String(required=True)


class BallotSchema(Schema):
    id = fields.Integer(required=True)
    number = fields.Integer(required=True)
    state = fields.String(required=True)
    outcome = fields.String(allow_none=True)
    opened_at = UtcDateTime(required=True)
    closed_at = UtcDateTime(allow_none=True)
    tally = fields.Dict(required=True, metadata={
        "description": "Eligible, cast, quorum; the counts of each choice only when the "
                       "caller may see them (as on the ballot page)"})


class BallotListSchema(Schema):
    items = fields.List(fields.Nested(BallotSchema), required=True)


class VoteInputSchema(Schema):
    choice = fields.String(required=True, validate=validate.OneOf(["approve", "reject",
                                                                   "abstain"]))
    comment = fields.String(load_default="", validate=validate.Length(max=5000))


class ConflictInputSchema(Schema):
    reason = fields.String(required=True, validate=validate.Length(min=1, max=2000))


class DoneSchema(Schema):
    message = fields.String(required=True)


class TrancheSchema(Schema):
    id = fields.Integer(required=True)
    application_id = fields.Integer(required=True)
    number = fields.Integer(required=True)
    amount_yen = fields.Integer(required=True)
    state = fields.String(required=True)
    note = fields.String(required=True)
    requested_at = UtcDateTime(required=True)
    released_at = UtcDateTime(allow_none=True)


class TrancheListSchema(Schema):
    items = fields.List(fields.Nested(TrancheSchema), required=True)


class TrancheInputSchema(Schema):
    amount_yen = fields.Integer(required=True, validate=YEN)
    note = fields.String(load_default="", validate=validate.Length(max=300))


class FundSchema(Schema):
    code = fields.String(required=True)
    name = fields.String(required=True)
    kind = fields.String(required=True)
    currency = fields.String(required=True)
    cash_yen = fields.Integer(required=True)
    committed_yen = fields.Integer(required=True)
    available_yen = fields.Integer(required=True)
    disbursed_this_year_yen = fields.Integer(required=True)
    refunds_due_yen = fields.Integer(required=True)
    loans_outstanding_yen = fields.Integer(required=True)
    written_off_yen = fields.Integer(required=True)


class FundListSchema(Schema):
    items = fields.List(fields.Nested(FundSchema), required=True)


class CursorArgs(Schema):
    after = fields.Integer(validate=COUNT,
                           metadata={"description": "The `next` of the page before"})
    limit = fields.Integer(load_default=100, validate=validate.Range(min=1, max=1000))


class LedgerEntrySchema(Schema):
    id = fields.Integer(required=True)
    kind = fields.String(required=True)
    amount_yen = fields.Integer(required=True)
    booked_on = fields.Date(required=True)
    application_id = fields.Integer(allow_none=True)
    tranche_id = fields.Integer(allow_none=True)
    donation_id = fields.Integer(allow_none=True)
    repayment_id = fields.Integer(allow_none=True)
    memo = fields.String(required=True)


class LedgerPageSchema(Schema):
    items = fields.List(fields.Nested(LedgerEntrySchema), required=True)
    next = fields.Integer(allow_none=True)


class RoundSchema(Schema):
    id = fields.Integer(required=True)
    fund = fields.Function(lambda r: r.fund.code, required=True)
    name = fields.String(required=True)
    opens_on = fields.Date(required=True)
    closes_on = fields.Date(required=True)
    budget_yen = fields.Integer(required=True)
    cap_yen = fields.Integer(required=True)
    min_own_percent = fields.Integer(required=True)


class RoundListSchema(Schema):
    items = fields.List(fields.Nested(RoundSchema), required=True)


class AuditEventSchema(Schema):
    seq = fields.Integer(required=True)
    occurred_at = UtcDateTime(required=True)
    actor = fields.String(allow_none=True)
    action = fields.String(required=True)
    object_type = fields.String(required=True)
    object_id = fields.Integer(allow_none=True)
    from_state = fields.String(allow_none=True)
    to_state = fields.String(allow_none=True)
    data = fields.Dict(required=True)
    prev_hash = fields.String(required=True)
    hash = fields.String(required=True)


class AuditPageSchema(Schema):
    items = fields.List(fields.Nested(AuditEventSchema), required=True)
    next = fields.Integer(allow_none=True)


class NotificationSchema(Schema):
    id = fields.Integer(required=True)
    kind = fields.String(required=True)
    message = fields.String(required=True)
    application_id = fields.Integer(allow_none=True)
    created_at = UtcDateTime(required=True)
    read_at = UtcDateTime(allow_none=True)


class NotificationListSchema(Schema):
    items = fields.List(fields.Nested(NotificationSchema), required=True)
    unread = fields.Integer(required=True)


class MarkedReadSchema(Schema):
    marked = fields.Integer(required=True)


class PortfolioSchema(Schema):
    by_state = fields.List(fields.Dict(), required=True)
    by_round = fields.List(fields.Dict(), required=True)
    by_country_and_year = fields.List(fields.Dict(), required=True)
    loan_book = fields.Dict(required=True)


class NewProposalSchema(Schema):
    round_id = fields.Integer(required=True, validate=POSITIVE)
    title = fields.String(required=True, validate=validate.Length(min=1, max=300))


class ParticipantRowSchema(Schema):
    country_code = fields.String(required=True, validate=validate.Length(equal=2))
    participants = fields.Integer(required=True, validate=POSITIVE)


class BudgetRowSchema(Schema):
    category = fields.String(required=True, validate=validate.Length(min=1, max=100))
    description = fields.String(load_default="", validate=validate.Length(max=300))
    amount_yen = fields.Integer(required=True, validate=YEN)
    funded_by = fields.String(required=True, validate=validate.OneOf(["wnf", "own",
                                                                       "partner"]))


class ProposalSchema(Schema):
    """The whole proposal: it replaces what was saved before."""

    title = fields.String(required=True, validate=validate.Length(min=1, max=300))
    programme_type = fields.String(allow_none=True, validate=validate.Length(max=20))
    objectives = fields.String(load_default="", validate=validate.Length(max=10000))
    start_date = fields.Date(allow_none=True)
    end_date = fields.Date(allow_none=True)
    venue_country = fields.String(allow_none=True, validate=validate.Length(max=2))
    venue_city = fields.String(load_default="", validate=validate.Length(max=100))
    expected_participants = fields.Integer(allow_none=True,
                                           validate=POSITIVE)
    partner_ids = fields.List(fields.Integer(validate=POSITIVE),
                              load_default=list, validate=validate.Length(max=50))
    participants = fields.List(fields.Nested(ParticipantRowSchema), load_default=list,
                               validate=validate.Length(max=100))
    budget = fields.List(fields.Nested(BudgetRowSchema), load_default=list,
                         validate=validate.Length(max=100))


class ChecklistSchema(Schema):
    items = fields.List(fields.String(validate=validate.Length(max=40)), required=True,
                        validate=validate.Length(max=20),
                        metadata={"description": "The items ticked; the others are cleared"})
