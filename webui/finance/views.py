"""Disbursement pages: load → authorise → validate → call workflow → commit once → flash.

Every refusal of a tranche form (bad input, a rule, a form sent twice) is told
the same way: the transaction is rolled back and the sentence is flashed on the
application page, where the tranche panel is.
"""

from collections.abc import Callable

from flask import abort, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from models import Application, Tranche, db
from workflow.money import tranches
from workflow.money.finance_queue import (
    count_ready,
    count_requested,
    ready_page,
    requested_page,
)

from .. import paging
from ..access import roles
from ..actions import Done, carry_out
from ..application_loading import visible_application_or_404
from . import bp
from .forms import RequestTrancheForm, TrancheActionForm

FINANCE = "finance_officer"
# Rows per list and page: both lists grow with the books, and each is counted in full.
PER_PAGE = 50


@bp.route("/")
@roles(FINANCE)
def index():
    ready_at, awaiting_at = paging.place("ready_"), paging.place("awaiting_")
    return render_template(
        "finance/index.html",
        ready=ready_page(PER_PAGE, after=ready_at.after, before=ready_at.before),
        to_authorise=requested_page(current_user, PER_PAGE, by_others=True,
                                    after=awaiting_at.after, before=awaiting_at.before),
        counts={"ready": count_ready(),
                "awaiting": count_requested(current_user, by_others=True)},
        places={"ready": ready_at, "awaiting": awaiting_at},
        # Each list's links keep the other list where it is.
        args={name: paging.other_args(name + "_") for name in ("ready", "awaiting")},
        # Her own requests, the oldest first, in a sentence: the rest are only counted.
        mine=requested_page(current_user, PER_PAGE, by_others=False).rows,
        mine_count=count_requested(current_user, by_others=False),
    )


def _back_to(application: Application) -> str:
    return url_for("applications.show", application_id=application.id, _anchor="tranches")


def _submit_once(application: Application, form, act: Callable[[], str]):
    """Validate, claim the form's one-time key, act, commit; any refusal is flashed."""
    back = _back_to(application)
    return carry_out(form, lambda: Done(act(), back), once=back, back=back)


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
        return _("Tranche %(number)s of ¥%(amount)s requested; another finance officer must "
                 "authorise it.", number=tranche.number, amount=f"{tranche.amount_yen:,}")

    return _submit_once(application, form, act)


@bp.route("/tranches/<int:tranche_id>/authorise", methods=["POST"])
@roles(FINANCE)
def authorise(tranche_id: int):
    tranche = _tranche_or_404(tranche_id)

    def act() -> str:
        tranches.authorise_tranche(tranche, current_user)
        return _("Tranche %(number)s of ¥%(amount)s released to %(reference)s.",
                 number=tranche.number, amount=f"{tranche.amount_yen:,}",
                 reference=tranche.application.reference)

    return _submit_once(tranche.application, TrancheActionForm(), act)


@bp.route("/tranches/<int:tranche_id>/cancel", methods=["POST"])
@roles(FINANCE)
def cancel(tranche_id: int):
    tranche = _tranche_or_404(tranche_id)

    def act() -> str:
        tranches.cancel_tranche(tranche, current_user)
        return _("Tranche %(number)s of ¥%(amount)s cancelled.", number=tranche.number,
                 amount=f"{tranche.amount_yen:,}")

    return _submit_once(tranche.application, TrancheActionForm(), act)
