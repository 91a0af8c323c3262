"""Hostile input into every main form: a message or a clean save, never a 500;
script in any text comes back escaped wherever it is shown."""

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from models import db
from webui.forms import CONTROL_IN_FIELD
from workflow.engine.idempotency import new_key

NASTY_TEXT = st.one_of(
    st.text(max_size=40),  # any unicode, control characters included
    st.sampled_from(["", " ", "\x00", "\u202e\u0000abc", "日本語テキスト", "Ωmega ٣٤٥",
                     "two\r\nlines", "cr\ronly", "Bcc: x@example.org\n",
                     "<script>alert(1)</script>", "' OR 1=1 --", "%s%n", "../../etc/passwd",
                     "a" * 5000, "😀" * 300]),
)
NASTY_NUMBER = st.one_of(
    st.integers(min_value=-10**20, max_value=10**20).map(str),
    st.sampled_from(["1.5", "-0", "1e9", "NaN", "sNaN", "Infinity", "1e999999", "12,34,5",
                     "０１２", "", "9" * 40, str(2**31), str(2**63), str(-(2**31) - 1),
                     "1\x00"]),
)
NASTY_DATE = st.sampled_from(["2027-02-30", "0000-00-00", "99999-01-01", "2027-13-01",
                              "yesterday", "", "2027-04-01", "1900-01-01"])


def _field_names(html: str) -> list[str]:
    names = re.findall(r'<(?:input|select|textarea)[^>]*\bname="([^"]+)"', html)
    return sorted({n for n in names if n not in ("csrf_token",)})


def _value_for(name: str):
    if name.endswith("idempotency_key"):  # mostly a good key: the data reaches the workflow
        return st.one_of(st.builds(new_key), NASTY_TEXT)
    if any(k in name for k in ("date", "_on")):
        return NASTY_DATE
    if any(k in name for k in ("yen", "amount", "months", "participants", "rate", "capital",
                               "employees", "percent", "version", "_id", "number", "days")):
        return NASTY_NUMBER
    return NASTY_TEXT


def _fuzz(client, url: str, names: list[str], examples: int = 25):
    @settings(max_examples=examples, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(st.fixed_dictionaries({name: _value_for(name) for name in names}))
    def run(data):
        response = client.post(url, data=data)
        assert response.status_code < 500, (url, data, response.status_code)
        db.session.rollback()

    run()


@pytest.fixture
def draft_grant(app, make_application, make_org, make_user):
    org = make_org()
    application = make_application("grant", state="draft", organisation=org)
    return application, org


FORMS = [
    ("admin", "/admin/users/new"),
    ("admin", "/admin/organisations/new"),
    ("admin", "/admin/funds/new"),
    ("secretariat", "/rounds/new"),
    ("secretariat", "/funds/WNF"),
    ("applicant", "/grants/{id}/edit"),
    ("applicant", "/grants/new"),
    ("applicant", "/loans/new"),
]


@pytest.mark.parametrize("role, url", FORMS)
def test_hostile_input_never_causes_a_server_error(client, login_as, draft_grant, make_fund,
                                                   make_org, make_round, role, url):
    application, org = draft_grant
    make_round(make_fund("SME"))
    if url.startswith("/loans"):
        org = make_org(kind="company", country_code="JP", industry="manufacturing",
                       capital_yen=90_000_000, employees=120)
    login_as(role, organisation=org if role == "applicant" else None)
    target = url.format(id=application.id)
    page = client.get(target)
    assert page.status_code == 200, (target, page.status_code)
    names = _field_names(page.get_data(as_text=True))
    assert names, target
    _fuzz(client, target, names)


def test_hostile_workflow_comments_never_cause_a_server_error(client, login_as,
                                                              make_application):
    login_as("secretariat")
    application = make_application("grant", state="screening")
    _fuzz(client, f"/applications/{application.id}/actions/request_revision",
          ["comment", "reason", "version"])


XSS = "<script>alert('wnf')</script><img src=x onerror=alert(1)>"


def test_script_in_text_fields_comes_back_escaped(client, login_as, make_application, make_org,
                                                  make_user):
    org = make_org(name=f"Society {XSS}")
    login_as("secretariat")
    application = make_application("grant", state="screening", organisation=org,
                                    title=f"Course {XSS}")
    response = client.post(f"/applications/{application.id}/actions/request_revision",
                           data={"version": application.version, "comment": f"Fix {XSS}"})
    assert response.status_code == 302
    pages = [f"/applications/{application.id}", "/applications/", "/home",
             "/applications/?q=Course", "/grants/screening"]
    for url in pages:
        body = client.get(url).get_data(as_text=True)
        assert "<script>alert('wnf')</script>" not in body, url
        assert "<img src=x onerror" not in body, url
    shown = client.get(f"/applications/{application.id}").get_data(as_text=True)
    assert "&lt;script&gt;" in shown


@pytest.mark.parametrize("value", ["a\x00b", "bell\x07", "esc\x1b[31m"])
def test_control_characters_are_refused_with_a_message(client, login_as, value):
    """In a form: beside the field, the rest of the form kept; in a link: a 400 page."""
    login_as("admin")
    response = client.post("/admin/organisations/new", data={
        "kind": "alumni_society", "name": value, "country_code": "TH", "city": "Bangkok"})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    beside_name = page.split('name="name"', 1)[1].split("<input", 1)[0]
    assert CONTROL_IN_FIELD in beside_name
    assert 'value="Bangkok"' in page
    assert client.get(f"/home?q={value}").status_code == 400


def test_tabs_and_newlines_are_fine(client, login_as):
    login_as("admin")
    response = client.post("/admin/organisations/new", data={
        "kind": "alumni_society", "name": "Tab\tand\nline", "country_code": "TH",
        "city": "Bangkok"})
    assert response.status_code in (200, 302)


# --- every form class, through the route that shows it ------------------------------------

# Each form of the application and the route it is posted to (GET: a filter form, sent in
# the query string). A new form must be added here: the test below says so.
FORM_ROUTES = {
    "ActionForm": ("POST", "applications.act"),
    "AgreementForm": ("POST", "loans.agreement"),
    "AssessmentForm": ("POST", "loans.assessment"),
    "AwayForm": ("POST", "committee.away"),
    "CancellationDecisionForm": ("POST", "loans.confirm_cancellation"),
    "ChangePasswordForm": ("POST", "auth.change_password"),
    "ChecklistForm": ("POST", "grants.record_checklist"),
    "CloseForm": ("POST", "committee.close"),
    "CodeForm": ("POST", "auth.two_factor"),
    "ConflictForm": ("POST", "committee.conflict"),
    "DigestForm": ("POST", "notifications.digest_choice"),
    "DocumentForm": ("POST", "loans.documents"),
    "DeactivateWebhookForm": ("POST", "admin.deactivate_webhook"),
    "DonationForm": ("POST", "funds.show"),
    "EventExportForm": ("GET", "audit.events_csv"),
    "FilterForm": ("GET", "applications.index"),
    "FiscalYearForm": ("GET", "portfolio.index"),
    "FundForm": ("POST", "admin.edit_fund"),
    "LanguageForm": ("POST", "preferences.language"),
    "LedgerFilterForm": ("GET", "funds.show"),
    "LoanForm": ("POST", "loans.new"),
    "LoginForm": ("POST", "auth.login"),
    "NewProposalForm": ("POST", "grants.new_proposal"),
    "NewTokenForm": ("POST", "api_tokens.index"),
    "NoteForm": ("POST", "grants.add_note"),
    "OrganisationForm": ("POST", "admin.edit_organisation"),
    "ProposalForm": ("POST", "grants.edit"),
    "RepaymentForm": ("POST", "loans.repayment"),
    "ReportForm": ("POST", "grants.report"),
    "RequestTrancheForm": ("POST", "finance.request_tranche"),
    "RevokeTokenForm": ("POST", "api_tokens.revoke"),
    "RoundForm": ("POST", "rounds.edit"),
    "SettingsForm": ("POST", "preferences.settings"),
    "TrancheActionForm": ("POST", "finance.authorise"),
    "UndrawnCancellationForm": ("POST", "loans.propose_cancellation"),
    "UploadForm": ("POST", "grants.attachments_page"),
    "UserForm": ("POST", "admin.edit_user"),
    "VoteForm": ("POST", "committee.vote"),
    "WebhookForm": ("POST", "admin.webhook_endpoints"),
    "WriteOffForm": ("POST", "loans.write_off"),
    "WriteOffRequestForm": ("POST", "loans.request_write_off"),
}
BASE_FORMS = {"AppForm", "PanelForm", "VersionedForm"}  # never shown on their own


def _form_classes() -> dict[str, type]:
    from flask_wtf import FlaskForm

    found, todo = {}, [FlaskForm]
    while todo:
        for sub in todo.pop().__subclasses__():
            todo.append(sub)
            if sub.__module__.startswith("webui.") and sub.__name__ not in BASE_FORMS:
                found[sub.__name__] = sub
    return found


def test_every_form_class_has_a_route_to_fuzz(app):
    assert set(_form_classes()) == set(FORM_ROUTES)


def _names_of(app, form_class) -> list[str]:
    """Every field name the form posts, one row of each repeated list included."""
    from wtforms import FieldList

    with app.test_request_context(method="GET"):
        form = form_class(formdata=None)
        for field in form:
            if isinstance(field, FieldList):
                field.append_entry()
        return sorted(name for name in re.findall(r'\bname="([^"]+)"', "".join(
            str(field()) for field in form)) if name != "csrf_token")


def _route_values(rule, scene) -> dict:
    extra = {"trigger": "request_revision", "tranche_id": 1, "proposal_id": 1, "token_id": 1,
             "endpoint_id": 1}
    values = {}
    for argument in rule.arguments:
        key = "loan_id" if (argument == "application_id"
                            and rule.endpoint.startswith("loans.")) else argument
        values[argument] = scene.get(key, extra.get(argument))
    return values


def test_every_form_class_is_fuzzed_through_its_route(app, client, login_as, scene):
    from flask import url_for

    from models import ROLES

    login_as(*ROLES, organisation=scene["organisation"])
    rules = {}
    for rule in app.url_map.iter_rules():  # of "/new" and "/<id>", the form that creates
        if rule.endpoint not in rules or len(rule.arguments) < len(rules[rule.endpoint].arguments):
            rules[rule.endpoint] = rule
    for name, form_class in sorted(_form_classes().items()):
        method, endpoint = FORM_ROUTES[name]
        with app.test_request_context():
            url = url_for(endpoint, **_route_values(rules[endpoint], scene))
        names = _names_of(app, form_class)
        assert names, name
        _fuzz_through(client, method, url, names, examples=6)


def _fuzz_through(client, method: str, url: str, names: list[str], examples: int):
    @settings(max_examples=examples, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(st.fixed_dictionaries({n: _value_for(n) for n in names}))
    def run(data):
        sent = {"query_string": data} if method == "GET" else {"data": data}
        response = client.open(url, method=method, **sent)
        assert response.status_code < 500, (url, data, response.status_code)
        db.session.rollback()

    run()
