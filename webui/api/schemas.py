"""What the API sends and takes, as marshmallow schemas: flask-smorest writes the OpenAPI
document from them and checks every request against them. Money is whole yen (integers)."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from workflow.files.search import SORTS


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
                      metadata={"description": "Reference or words of the title"})
    organisation_id = fields.Integer(validate=validate.Range(min=1, max=2**31 - 1))
    country = fields.String(validate=validate.Length(max=2))
    state = fields.String(validate=validate.Length(max=40))
    round_id = fields.Integer(validate=validate.Range(min=1, max=2**31 - 1))
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


class LoanSchema(Schema):
    investment_country = fields.String(allow_none=True)
    project = fields.String()
    purpose = fields.String()
    requested_term_months = fields.Integer(allow_none=True)
    risk_grade = fields.String(allow_none=True)
    annual_rate = fields.Decimal(allow_none=True, as_string=True)
    term_months = fields.Integer(allow_none=True)
    grace_months = fields.Integer(allow_none=True)
    method = fields.String(allow_none=True)
    approved_on = fields.Date(allow_none=True)
    agreement_date = fields.Date(allow_none=True)


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
    requested_yen = fields.Integer(required=True)
    approved_yen = fields.Integer(allow_none=True)
    created_at = fields.DateTime(required=True)
    submitted_at = fields.DateTime(allow_none=True)
    state_changed_at = fields.DateTime(required=True)
    due_on = fields.Date(allow_none=True)
    grant = fields.Nested(GrantSchema, allow_none=True)
    loan = fields.Nested(LoanSchema, allow_none=True)


class ActionSchema(Schema):
    trigger = fields.String(required=True)
    label = fields.String(required=True)
    requires = fields.List(fields.String(), required=True)
    blocked = fields.String(allow_none=True,
                            metadata={"description": "Why it cannot be done now, if so"})


class ActionListSchema(Schema):
    items = fields.List(fields.Nested(ActionSchema), required=True)


class ActionInputSchema(Schema):
    """The inputs an action may take (those it `requires` must be given)."""

    comment = fields.String(validate=validate.Length(max=5000))
    reason = fields.String(validate=validate.Length(max=5000))


class FiredSchema(Schema):
    application = fields.Nested(ApplicationSchema, required=True)
    message = fields.String(required=True)
