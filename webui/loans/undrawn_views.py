"""The cancellation of a loan's undrawn part: one finance officer proposes, another confirms
(workflow.loans.undrawn). Each form carries a one-time key: sent twice, it acts once."""

from datetime import date

from flask import request
from flask_babel import gettext as _
from flask_login import current_user

from workflow.loans import undrawn

from ..access import roles
from ..actions import Done, carry_out
from . import bp
from .forms import CancellationDecisionForm, UndrawnCancellationForm
from .panel import proposal_form
from .views import _action_page, _done, _loan_or_404, _show_url


@bp.route("/<int:application_id>/undrawn/cancel", methods=["GET", "POST"])
@roles("finance_officer")
def propose_cancellation(application_id: int):
    application = _loan_or_404(application_id)
    form = UndrawnCancellationForm() if request.method == "POST" else proposal_form()

    def act() -> Done:
        undrawn.propose_cancellation(application, current_user, form.amount_yen.data,
                                     form.reason.data)
        return _done(application, _("the cancellation of ¥%(amount)s of the undrawn part is "
                                    "proposed; another finance officer must confirm it.",
                                    amount=f"{form.amount_yen.data:,}"))

    if done := carry_out(form, act, once=_show_url(application.id)):
        return done
    return _action_page(application, form, _("Cancel part of the undrawn loan"),
                        "loans.propose_cancellation")


def _decide(application_id: int, proposal_id: int, act, done: str):
    application = _loan_or_404(application_id)
    back = _show_url(application.id)

    def decide() -> Done:
        act(application, proposal_id)
        return _done(application, done)

    return carry_out(CancellationDecisionForm(), decide, once=back, back=back,
                     about=f"{application.reference}: ",
                     incomplete=lambda form: _("The form is incomplete or has expired; "
                                               "reload the page."))


@bp.route("/<int:application_id>/undrawn/<int:proposal_id>/confirm", methods=["POST"])
@roles("finance_officer")
def confirm_cancellation(application_id: int, proposal_id: int):
    return _decide(application_id, proposal_id, lambda app, pid: undrawn.confirm_cancellation(
        app, pid, current_user, today=date.today()),
        _("the cancellation is confirmed; its reservation is back in the fund."))


@bp.route("/<int:application_id>/undrawn/<int:proposal_id>/withdraw", methods=["POST"])
@roles("finance_officer")
def withdraw_cancellation(application_id: int, proposal_id: int):
    return _decide(application_id, proposal_id, lambda app, pid: undrawn.withdraw_cancellation(
        app, pid, current_user), _("the proposed cancellation is withdrawn."))
