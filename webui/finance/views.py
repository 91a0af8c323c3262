"""Disbursement pages: load → authorise → validate → call workflow → commit once → flash.

Every refusal of a tranche form (bad input, a rule, a form sent twice) is told
the same way: the transaction is rolled back and the sentence is flashed on the
application page, where the tranche panel is.
"""

from collections.abc import Callable

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from models import Application, Tranche, db
from workflow.engine import idempotency
from workflow.engine.errors import DomainError
from workflow.money import tranches
from workflow.money.finance_queue import ready_for_disbursement, requested_tranches

from ..access import roles
from ..applications.loading import visible_application_or_404
from . import bp
from .forms import RequestTrancheForm, TrancheActionForm
from .queue import finance_panel

FINANCE = "finance_officer"


def _register_panel(state) -> None:
    # The application page includes finance/_panel.html, which asks for its data here.
    state.app.jinja_env.globals.update(
        finance_panel=lambda application: finance_panel(application, current_user))


bp.record_once(_register_panel)


@bp.route("/")
@roles(FINANCE)
def index():
    return render_template(
        "finance/index.html", ready=ready_for_disbursement(),
        to_authorise=requested_tranches(current_user, by_others=True),
        mine=requested_tranches(current_user, by_others=False),
    )


def _back_to(application: Application):
    return redirect(url_for("applications.show", application_id=application.id,
                            _anchor="tranches"))


def _first_error(form) -> str:
    for errors in form.errors.values():
        if errors:
            return errors[0]
    return "The form could not be read; reload the page."


def _submit_once(application: Application, form, act: Callable[[], str]):
    """Validate, claim the form's one-time key, act, commit; any refusal is flashed."""
    if not form.validate():
        flash(_first_error(form), "danger")
        return _back_to(application)
    try:
        if not idempotency.claim(form.idempotency_key.data, current_user, request.endpoint):
            db.session.rollback()
            flash(idempotency.ALREADY_RECEIVED, "info")
            return _back_to(application)
        done = act()
    except DomainError as refusal:
        db.session.rollback()
        flash(refusal.message, "danger")
        return _back_to(application)
    db.session.commit()
    flash(done, "success")
    return _back_to(application)


def _tranche_or_404(tranche_id: int) -> Tranche:
    tranche = db.session.get(Tranche, tranche_id)
    if tranche is None:
        abort(404)
    visible_application_or_404(tranche.application_id)
    return tranche


@bp.route("/applications/<int:application_id>/tranches", methods=["POST"])
@roles(FINANCE)
def request_tranche(application_id: int):
    application = visible_application_or_404(application_id)
    form = RequestTrancheForm()

    def act() -> str:
        tranche = tranches.request_tranche(application, form.amount_yen.data, current_user,
                                           form.note.data or "")
        return (f"Tranche {tranche.number} of ¥{tranche.amount_yen:,} requested; another "
                "finance officer must authorise it.")

    return _submit_once(application, form, act)


@bp.route("/tranches/<int:tranche_id>/authorise", methods=["POST"])
@roles(FINANCE)
def authorise(tranche_id: int):
    tranche = _tranche_or_404(tranche_id)

    def act() -> str:
        tranches.authorise_tranche(tranche, current_user)
        return (f"Tranche {tranche.number} of ¥{tranche.amount_yen:,} released to "
                f"{tranche.application.reference}.")

    return _submit_once(tranche.application, TrancheActionForm(), act)


@bp.route("/tranches/<int:tranche_id>/cancel", methods=["POST"])
@roles(FINANCE)
def cancel(tranche_id: int):
    tranche = _tranche_or_404(tranche_id)

    def act() -> str:
        tranches.cancel_tranche(tranche, current_user)
        return f"Tranche {tranche.number} of ¥{tranche.amount_yen:,} cancelled."

    return _submit_once(tranche.application, TrancheActionForm(), act)
