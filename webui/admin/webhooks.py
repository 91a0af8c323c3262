"""The administrator's webhook endpoints: register one (its signing secret shown once),
see how its deliveries went, switch it off."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import func, select
from wtforms import SelectMultipleField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, Optional

from models import WebhookDelivery, db
from workflow.engine import idempotency
from workflow.engine.errors import ValidationFailed
from workflow.operations import webhooks

from ..access import roles
from ..forms import AppForm, show_refusal, word_choices
from ..once import OneTimeKey
from . import bp


class WebhookForm(OneTimeKey, AppForm):
    """A one-time key: the same form sent again (a reload) registers no second endpoint."""

    url = StringField(_l("Endpoint URL"), validators=[DataRequired(), Length(max=500)])
    topics = SelectMultipleField(_l("Events"), choices=word_choices(webhooks.TOPIC_LABELS),
                                 default=["state", "money"], validators=[DataRequired()])
    description = StringField(_l("What it is"), validators=[Optional(), Length(max=200)])
    submit = SubmitField(_l("Register endpoint"))


# What a delivery's state means to the administrator.
DELIVERY_STATES = {"pending": _l("Waiting to be tried again"),
                   "sending": _l("Stuck in sending: check the endpoint received it"),
                   "failed": _l("Failed for good")}


class DeactivateWebhookForm(AppForm):
    submit = SubmitField(_l("Switch off"))


def _delivery_counts() -> dict[int, dict[str, int]]:
    counts: dict[int, dict[str, int]] = {}
    for endpoint_id, state, n in db.session.execute(
            select(WebhookDelivery.endpoint_id, WebhookDelivery.state, func.count())
            .group_by(WebhookDelivery.endpoint_id, WebhookDelivery.state)):
        counts.setdefault(endpoint_id, {})[state] = n
    return counts


def _page(form: WebhookForm, secret: str | None = None, status: int = 200):
    return render_template("admin/webhooks.html", form=form, secret=secret,
                           endpoints=webhooks.endpoints(), counts=_delivery_counts(),
                           troubled=webhooks.deliveries_in_trouble(),
                           max_attempts=webhooks.MAX_ATTEMPTS, delivery_states=DELIVERY_STATES,
                           labels=webhooks.TOPIC_LABELS,
                           off_form=DeactivateWebhookForm()), status


@bp.route("/webhooks", methods=["GET", "POST"])
@roles("admin")
def webhook_endpoints():
    form = WebhookForm()
    if not form.validate_on_submit():
        return _page(form, status=400 if form.errors else 200)
    try:
        if not idempotency.claim(form.idempotency_key.data, current_user, request.endpoint):
            db.session.rollback()
            flash(_(idempotency.ALREADY_RECEIVED), "info")
            return redirect(url_for("admin.webhook_endpoints"))
        _endpoint, secret = webhooks.register(form.url.data, form.topics.data,
                                              form.description.data, current_user)
    except ValidationFailed as refusal:
        db.session.rollback()
        show_refusal(form, refusal)
        return _page(form, status=400)
    db.session.commit()
    return _page(WebhookForm(formdata=None), secret=secret)


@bp.route("/webhooks/<int:endpoint_id>/deactivate", methods=["POST"])
@roles("admin")
def deactivate_webhook(endpoint_id: int):
    if DeactivateWebhookForm().validate_on_submit():
        endpoint = webhooks.deactivate(endpoint_id, current_user)
        db.session.commit()
        flash(_("%(url)s is switched off: it is told of no more events.", url=endpoint.url),
              "success")
    return redirect(url_for("admin.webhook_endpoints"))
