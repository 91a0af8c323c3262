from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from models import INDUSTRY_LABELS, Fund, Organisation, User, db
from workflow.engine.errors import ValidationFailed
from workflow.money import fund_records
from workflow.people import accounts, committees, second_factor

from ..access import roles
from ..actions import Done, carry_out
from . import bp
from .forms import FUND_KIND_LABELS, SEAT_FIELDS, FundForm, OrganisationForm, UserForm
from .rows import user_rows


def _get_or_404(model, ident):
    obj = db.session.get(model, ident)
    if obj is None:
        abort(404)
    return obj


def _organisation_choices():
    orgs = db.session.scalars(select(Organisation).order_by(Organisation.name))
    return [(0, _("— none —"))] + [(o.id, f"{o.name} ({o.country_code})") for o in orgs]


# Where a saved record lands, the first submission of its form and a second alike: its list.
def _user_page(_user_id: int) -> str:
    return url_for("admin.users")


def _organisation_page(_org_id: int) -> str:
    return url_for("admin.organisations")


def _fund_page(_fund_id: int) -> str:
    return url_for("admin.funds")


@bp.route("/users")
@roles("admin")
def users():
    # Each row names the user's organisation: loaded with the users, not one query a row.
    rows = db.session.scalars(select(User).options(selectinload(User.organisation))
                              .order_by(User.name)).all()
    return render_template("admin/users.html", users=user_rows(rows))


@bp.route("/users/new", methods=["GET", "POST"])
@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@roles("admin")
def edit_user(user_id: int | None = None):
    user = _get_or_404(User, user_id) if user_id else None
    form = UserForm(obj=user)
    form.organisation_id.choices = _organisation_choices()
    funds = set(db.session.scalars(select(Fund.code)))
    for code, name in SEAT_FIELDS.items():
        if code not in funds:  # no fund yet, so no committee to sit on
            del form[name]
    if user is not None and not form.is_submitted():
        form.roles.data = sorted(user.roles - committees.COMMITTEE_ROLES)
        form.organisation_id.data = user.organisation_id or 0
        for code, held in committees.seats_of(user).items():
            if SEAT_FIELDS.get(code) in form:
                form[SEAT_FIELDS[code]].data = committees.choice_of(held)

    def act() -> Done:
        org_id = form.organisation_id.data
        org = db.session.get(Organisation, org_id) if org_id else None
        fields = {"email": form.email.data, "name": form.name.data, "roles": form.roles.data,
                  "organisation": org, "locale": form.locale.data or None,
                  "active": form.active.data,
                  "seats": {code: committees.SEAT_CHOICES[form[name].data]
                            for code, name in SEAT_FIELDS.items() if name in form}}
        if user is None:
            if not form.password.data:
                raise ValidationFailed(_("A new user needs a password."), "password")
            saved = accounts.create_user(password=form.password.data, actor=current_user,
                                         **fields)
            committees.set_away(saved, form.away_until.data, current_user)
        else:
            saved = user
            accounts.update_user(user, actor=current_user, password=form.password.data or None,
                                 away_until=form.away_until.data, **fields)
        return Done(_("Saved %(name)s.", name=saved.name), _user_page(saved.id), created=saved)

    if done := carry_out(form, act, refusals=ValidationFailed,
                         creates=_user_page if user is None else None):
        return done
    return render_template("admin/user_form.html", form=form, user=user)


@bp.route("/users/<int:user_id>/second-factor/reset", methods=["POST"])
@roles("admin")
def reset_second_factor(user_id: int):
    """A lost phone: the user sets up two-factor login again at their next login."""
    user = _get_or_404(User, user_id)
    try:
        second_factor.reset_second_factor(user, actor=current_user)
    except ValidationFailed as refusal:
        db.session.rollback()
        flash(refusal.message, "warning")
    else:
        db.session.commit()
        flash(_("%(name)s's two-factor login was reset: they set it up again at their next login, "
                "and have been told by email.", name=user.name), "success")
    return redirect(url_for("admin.edit_user", user_id=user.id))


@bp.route("/organisations")
@roles("admin")
def organisations():
    rows = db.session.scalars(select(Organisation).order_by(Organisation.kind, Organisation.name))
    return render_template("admin/organisations.html", organisations=rows.all(),
                           country_name=accounts.country_name, industries=INDUSTRY_LABELS)


@bp.route("/organisations/new", methods=["GET", "POST"])
@bp.route("/organisations/<int:org_id>", methods=["GET", "POST"])
@roles("admin")
def edit_organisation(org_id: int | None = None):
    org = _get_or_404(Organisation, org_id) if org_id else None
    form = OrganisationForm(obj=org)

    def act() -> Done:
        saved = accounts.save_organisation(
            org, kind=form.kind.data, name=form.name.data,
            name_reading=form.name_reading.data or "",
            country_code=form.country_code.data, city=form.city.data or "",
            industry=form.industry.data or None, capital_yen=form.capital_yen.data,
            employees=form.employees.data, actor=current_user,
        )
        return Done(_("Saved %(name)s.", name=saved.name), _organisation_page(saved.id),
                    created=saved)

    if done := carry_out(form, act, refusals=ValidationFailed,
                         creates=_organisation_page if org is None else None):
        return done
    return render_template("admin/organisation_form.html", form=form, organisation=org)


@bp.route("/funds")
@roles("admin")
def funds():
    rows = db.session.scalars(select(Fund).order_by(Fund.code)).all()
    return render_template("admin/funds.html", funds=rows, fund_kinds=FUND_KIND_LABELS)


@bp.route("/funds/new", methods=["GET", "POST"])
@bp.route("/funds/<int:fund_id>", methods=["GET", "POST"])
@roles("admin")
def edit_fund(fund_id: int | None = None):
    fund = _get_or_404(Fund, fund_id) if fund_id else None
    form = FundForm(obj=fund)

    def act() -> Done:
        saved = fund_records.save_fund(
            fund, code=form.code.data, name=form.name.data, kind=form.kind.data,
            report_due_days=form.report_due_days.data,
            reminder_days=form.reminder_days.data, actor=current_user)
        return Done(_("Saved the fund %(code)s.", code=saved.code), _fund_page(saved.id),
                    created=saved)

    if done := carry_out(form, act, refusals=ValidationFailed,
                         creates=_fund_page if fund is None else None):
        return done
    return render_template("admin/fund_form.html", form=form, fund=fund)
