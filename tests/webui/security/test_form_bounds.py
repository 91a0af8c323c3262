"""Every form is an AppForm: what no column can hold is told beside the field, a name taken
by a double submit or a concurrent save is told beside the field too, and nothing is saved
half-way."""

from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict
from wtforms import DecimalField, IntegerField, StringField, TextAreaField

from models import AuditEvent, Organisation, Round, User, db
from tests.conftest import once_key
from tests.workflow.grants.conftest import error_next_to, text_of
from webui.forms import (
    LINE_BREAK_IN_FIELD,
    NUMBER_TOO_LARGE,
    RATE_OUT_OF_RANGE,
    AppForm,
)
from workflow.money import fund_records
from workflow.people import accounts


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _all_subclasses(cls) -> set[type]:
    found = set()
    for sub in cls.__subclasses__():
        found |= {sub, *_all_subclasses(sub)}
    return found


def test_every_form_of_the_application_is_an_app_form(app):
    from flask_wtf import FlaskForm

    ours = {c for c in _all_subclasses(FlaskForm) if c.__module__.startswith("webui.")}
    assert ours, "no form found"
    assert {c.__qualname__ for c in ours if not issubclass(c, AppForm)} == set()


class _Sample(AppForm):
    class Meta:
        csrf = False

    title = StringField()
    notes = TextAreaField()
    people = IntegerField()
    rate = DecimalField(places=None)


REFUSED = [
    ("title", "one\ntwo", LINE_BREAK_IN_FIELD),
    ("title", "one\rtwo", LINE_BREAK_IN_FIELD),
    ("people", str(2**31), NUMBER_TOO_LARGE),
    ("people", str(-(2**31)), NUMBER_TOO_LARGE),
    ("rate", "sNaN", RATE_OUT_OF_RANGE),
    ("rate", "NaN", RATE_OUT_OF_RANGE),
    ("rate", "Infinity", RATE_OUT_OF_RANGE),
    ("rate", "1e999999", RATE_OUT_OF_RANGE),
    ("rate", "1000", RATE_OUT_OF_RANGE),
]


def test_the_base_form_refuses_what_no_column_holds(app):
    with app.test_request_context(method="POST"):
        for field, value, message in REFUSED:
            form = _Sample(formdata=MultiDict({field: value}))
            assert not form.validate()
            assert form[field].errors == [message], value


def test_the_base_form_keeps_what_columns_hold(app):
    with app.test_request_context(method="POST"):
        form = _Sample(formdata=MultiDict({"title": "Kaizen", "notes": "one\r\ntwo",
                                           "people": str(2**31 - 1), "rate": "999.9999"}))
        assert form.validate(), form.errors


ORGANISATION = {"kind": "company", "name": "Kyoto Textile Trading K.K.", "country_code": "JP",
                "city": "Kyoto", "industry": "wholesale"}


PAST_THE_COLUMNS = [
    ("employees", str(2**31), NUMBER_TOO_LARGE),
    ("employees", str(2**63), NUMBER_TOO_LARGE),
    ("capital_yen", str(2**63), "The amount is larger than any this system handles."),
    ("name", "Kyoto Textile\r\nTrading", LINE_BREAK_IN_FIELD),
    ("city", "Kyoto\n", LINE_BREAK_IN_FIELD),
]


def test_an_organisation_past_its_columns_is_told_beside_the_field(client, login_as):
    login_as("admin")
    for field, value, message in PAST_THE_COLUMNS:
        response = client.post("/admin/organisations/new",
                               data={**ORGANISATION, field: value, **once_key()})
        assert response.status_code == 200, value
        assert error_next_to(text_of(response), field, message), value
    assert _count(Organisation) == 0


def test_a_company_without_capital_or_employees_is_saved(client, login_as):
    """A blank figure is None: never compared with a number."""
    login_as("admin")
    response = client.post("/admin/organisations/new",
                           data={**ORGANISATION, "capital_yen": "", "employees": "",
                                 **once_key()})
    assert response.status_code == 302
    org = db.session.scalar(select(Organisation))
    assert (org.capital_yen, org.employees) == (None, None)


def test_a_name_taken_by_a_concurrent_save_is_told_beside_the_field(client, login_as,
                                                                    make_org, monkeypatch):
    """Two admins save the same name at once: the check saw it free, the database refuses
    the second insert, and that admin reads the check's sentence beside the field."""
    login_as("admin")
    make_org(name=ORGANISATION["name"], kind="company", country_code="JP")
    events = _count(AuditEvent)
    monkeypatch.setattr(accounts, "refuse_clash", lambda clash: None)  # saw it free
    response = client.post("/admin/organisations/new", data={**ORGANISATION, **once_key()})
    assert response.status_code == 200
    assert error_next_to(text_of(response), "name",
                         f"An organisation named {ORGANISATION['name']} already exists.")
    assert (_count(Organisation), _count(AuditEvent)) == (1, events)


def test_a_round_name_taken_by_a_double_submit_is_told_beside_the_field(
        client, login_as, make_fund, make_round, monkeypatch):
    login_as("secretariat")
    fund = make_fund("WNF")
    make_round(fund, name="WNF FY2027")
    form = {"fund_id": str(fund.id), "name": "WNF FY2027", "opens_on": "2027-04-01",
            "closes_on": "2028-03-31", "budget_yen": "30,000,000", "cap_yen": "3,000,000",
            "min_own_percent": "20"}
    checked = client.post("/rounds/new", data={**form, **once_key()})
    monkeypatch.setattr(fund_records, "refuse_clash", lambda clash: None)  # saw it free
    raced = client.post("/rounds/new", data={**form, **once_key()})
    for response in (checked, raced):
        assert response.status_code == 200
        assert error_next_to(text_of(response), "name",
                             "The fund already has a round named WNF FY2027.")
    assert _count(Round) == 1


def test_an_email_taken_by_a_concurrent_save_is_told_beside_the_field(
        client, login_as, make_user, monkeypatch):
    login_as("admin")
    make_user("auditor", email="taken@example.org")
    other = make_user("auditor", email="other@example.org")
    monkeypatch.setattr(accounts, "refuse_clash", lambda clash: None)  # saw it free
    response = client.post(f"/admin/users/{other.id}", data={
        "email": "taken@example.org", "name": other.name, "organisation_id": "0",
        "roles": ["auditor"], "locale": "en", "active": "y"})
    assert response.status_code == 200
    assert error_next_to(text_of(response), "email",
                         "A user with the email taken@example.org already exists.")
    db.session.expire_all()
    assert db.session.get(User, other.id).email == "other@example.org"


def test_every_range_message_can_be_shown(app):
    """WTForms fills a range's message with %-formatting: a bare "%" in it made a 500 of
    every rate out of range on the chair's close form."""
    from flask_wtf import FlaskForm
    from wtforms import FieldList, FormField
    from wtforms.validators import NumberRange

    def fields(form):
        for field in form:
            if isinstance(field, FormField):
                yield from fields(field.form)
            elif isinstance(field, FieldList):
                field.append_entry()
                yield from fields(field.entries)
            else:
                yield field

    broken = []
    with app.test_request_context(method="GET"):
        for form_class in _all_subclasses(FlaskForm):
            if not form_class.__module__.startswith("webui."):
                continue
            for field in fields(form_class(formdata=None)):
                for check in field.validators:
                    if isinstance(check, NumberRange) and check.message:
                        try:
                            check.message % {"min": check.min, "max": check.max}
                        except (ValueError, TypeError):
                            broken.append((form_class.__name__, field.name))
    assert broken == []


def test_a_rate_out_of_range_on_the_close_form_is_told(app):
    from webui.committee.forms import CloseForm

    with app.test_request_context(method="POST"):
        form = CloseForm(formdata=MultiDict({"version": "1", "annual_rate": "101",
                                             "damages_rate": "-1"}))
        assert not form.validate()
        assert form.annual_rate.errors == form.damages_rate.errors == [
            "A rate from 0 to 100 %."]
