"""Money through the API: a file's tranches (request, authorise: four eyes, as on the
pages), the funds with their balances and ledger entries, and the rounds."""

from __future__ import annotations

from flask import abort
from flask_babel import gettext as _
from sqlalchemy import select

from models import Fund, LedgerEntry, Round, Tranche, db
from workflow.money import ledger, tranches

from ..access import api_token
from .blueprints import api_blueprint
from .files import VIEWERS, visible_application
from .links import NEW_ID, operation, to
from .schemas import (
    CursorArgs,
    DoneSchema,
    FundListSchema,
    LedgerPageSchema,
    RoundListSchema,
    TrancheInputSchema,
    TrancheListSchema,
    TrancheSchema,
)
from .tokens import api_roles, caller
from .writes import IDEMPOTENCY_PARAMETER, carry_out

blp = api_blueprint("api_money", __name__, url_prefix="/api/v1",
                description="Tranches, funds, their ledgers, and rounds.")

FINANCE = "finance_officer"
FUND_READERS = ("secretariat", "finance_officer", "auditor")  # as the funds pages
ROUND_READERS = ("secretariat", "committee_member", "committee_chair", "finance_officer",
                 "auditor")
TRANCHE_FIELDS = ("id", "application_id", "number", "amount_yen", "state", "note",
                  "requested_at", "released_at")


def _tranche(tranche: Tranche) -> dict:
    return TrancheSchema().dump(tranche)


@blp.route("/applications/<int:application_id>/tranches")
@api_token
@api_roles(*VIEWERS)
@blp.response(200, TrancheListSchema)
@blp.doc(**operation("listTranches", 200,
                     Authorise=to("authoriseTranche", tranche_id="$response.body#/items/0/id")))
def list_tranches(application_id: int):
    """The file's tranches, in order."""
    application = visible_application(application_id, caller())
    return {"items": tranches.tranches_of(application)}


@blp.route("/applications/<int:application_id>/tranches", methods=["POST"])
@api_token
@api_roles(FINANCE)
@blp.arguments(TrancheInputSchema)
@blp.response(201, TrancheSchema)
@blp.doc(parameters=[IDEMPOTENCY_PARAMETER])
@blp.doc(**operation("requestTranche", 201, Authorise=to("authoriseTranche", tranche_id=NEW_ID),
                     ListTranches=to("listTranches",
                                     application_id="$response.body#/application_id")))
def request_tranche(inputs: dict, application_id: int):
    """Request a tranche; another finance officer must authorise it."""
    user = caller()

    def act() -> tuple[dict, int]:
        application = visible_application(application_id, user)
        tranche = tranches.request_tranche(application, inputs["amount_yen"], user,
                                           inputs["note"])
        return _tranche(tranche), 201

    return carry_out(act)


def _visible_tranche(tranche_id: int) -> Tranche:
    tranche = db.session.get(Tranche, tranche_id)
    if tranche is None:
        abort(404, _("There is no such tranche, or you may not see it."))
    visible_application(tranche.application_id, caller())
    return tranche


@blp.route("/tranches/<int:tranche_id>/authorise", methods=["POST"])
@api_token
@api_roles(FINANCE)
@blp.response(200, DoneSchema)
@blp.doc(parameters=[IDEMPOTENCY_PARAMETER])
@blp.doc(**operation("authoriseTranche"))
def authorise_tranche(tranche_id: int):
    """Authorise a tranche another finance officer requested: the money is released."""
    user = caller()

    def act() -> tuple[dict, int]:
        tranche = _visible_tranche(tranche_id)
        tranches.authorise_tranche(tranche, user)
        return {"message": _("Tranche %(number)s of ¥%(amount)s released to %(reference)s.",
                             number=tranche.number, amount=f"{tranche.amount_yen:,}",
                             reference=tranche.application.reference)}, 200

    return carry_out(act)


@blp.route("/funds")
@api_token
@api_roles(*FUND_READERS)
@blp.response(200, FundListSchema)
def list_funds():
    """Every fund with its balances, derived from its ledger."""
    items = []
    for fund in db.session.scalars(select(Fund).order_by(Fund.code)):
        figures = ledger.balances(fund)
        items.append({"code": fund.code, "name": fund.name, "kind": fund.kind,
                      "currency": fund.currency, "cash_yen": figures.cash,
                      "committed_yen": figures.committed, "available_yen": figures.available,
                      "disbursed_this_year_yen": figures.disbursed_this_year,
                      "refunds_due_yen": figures.refunds_due,
                      "loans_outstanding_yen": figures.loans_outstanding,
                      "written_off_yen": figures.written_off})
    return {"items": items}


@blp.route("/funds/<code>/ledger")
@api_token
@api_roles(*FUND_READERS)
@blp.arguments(CursorArgs, location="query", as_kwargs=True)
@blp.response(200, LedgerPageSchema)
def fund_ledger(code: str, limit: int, after: int = 0):
    """The fund's ledger entries, oldest first, a page at a time (follow `next`)."""
    fund = db.session.scalar(select(Fund).where(Fund.code == code.upper()[:8]))
    if fund is None:
        abort(404, _("There is no such fund."))
    rows = db.session.scalars(select(LedgerEntry).where(LedgerEntry.fund_id == fund.id,
                                                        LedgerEntry.id > after)
                              .order_by(LedgerEntry.id).limit(limit + 1)).all()
    more = len(rows) > limit
    rows = rows[:limit]
    return {"items": rows, "next": rows[-1].id if more else None}


@blp.route("/rounds")
@api_token
@api_roles(*ROUND_READERS)
@blp.response(200, RoundListSchema)
def list_rounds():
    """Every round of every fund, the latest first."""
    return {"items": db.session.scalars(select(Round).join(Round.fund)
                                        .order_by(Fund.code, Round.opens_on.desc())).all()}
