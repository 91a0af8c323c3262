"""Every route of the URL map, with hostile values in its path, its query string and its
form: 2^31, 2^63, −1, NUL, 10 kB of text, right-to-left text and full-width digits. Whatever
the answer (a message, a 400, a 403, a 404), it is never a 5xx."""

import json
import re
from urllib.parse import quote

import pytest
from flask import url_for

from models import ROLES
from webui.access import PUBLIC, SIGNED_IN, access_table

HOSTILE = [str(2**31), str(2**63), "-1", "\x00", "x" * 10_240, "\u202eevil\u202c", "１２３"]
# Query arguments the pages read: the page numbers and cursors of every list (with each
# list's prefix on the committee page), the filters of the application and ledger lists.
QUERY_NAMES = ["page", "after", "before", "q", "organisation_id", "country", "state",
               "round_id", "fund", "date_from", "date_to", "sort", "direction", "kind",
               "reference", "verify", "next",
               *(f"{lst}_{arg}" for lst in ("awaiting", "voted", "open", "stuck")
                 for arg in ("page", "after", "before"))]
# Routes that end the walker's own session are left out of the walk.
SKIPPED = {"auth.logout"}
# Path values the scene does not make: the walk only needs them well-formed.
EXTRA_VALUES = {"trigger": "withdraw", "tranche_id": 1, "proposal_id": 1, "token_id": 1,
                "endpoint_id": 1}
_ARGUMENT = re.compile(r"<(?:[^:<>]+:)?([^<>]+)>")


def _valid(rule, scene) -> dict:
    values = {}
    for argument in rule.arguments:
        key = "loan_id" if (argument == "application_id"
                            and rule.endpoint.startswith("loans.")) else argument
        values[argument] = scene.get(key, EXTRA_VALUES.get(argument))
    return values


def _url_with(rule, values: dict) -> str:
    """The rule's path with these values written in as they come, quoted (url_for would
    refuse what the converters refuse: that is the point)."""
    return _ARGUMENT.sub(lambda m: quote(str(values[m.group(1)]), safe=""), rule.rule)


def _rules(app):
    return [r for r in app.url_map.iter_rules() if r.endpoint not in SKIPPED]


def _methods(rule) -> list[str]:
    return [m for m in ("GET", "POST") if m in rule.methods]


def _server_errors(client, requests) -> list:
    wrong = []
    for method, url, kwargs in requests:
        status = client.open(url, method=method, **kwargs).status_code
        if status >= 500:
            wrong.append((method, url[:120], status))
    return wrong


def test_hostile_path_values_never_cause_a_server_error(app, client, login_as, scene):
    login_as(*ROLES, organisation=scene["organisation"])
    requests = []
    for rule in _rules(app):
        for argument in rule.arguments:
            for value in HOSTILE:
                url = _url_with(rule, {**_valid(rule, scene), argument: value})
                requests += [(method, url, {}) for method in _methods(rule)]
    assert _server_errors(client, requests) == []


@pytest.mark.parametrize("role", ROLES)
def test_hostile_query_values_never_cause_a_server_error(app, client, login_as, scene,
                                                         role):
    login_as(role, organisation=scene["organisation"])
    declared = access_table(app)
    # Every argument at once, each with another value; the roles start the values at
    # different places, so that each argument meets every value on the pages all reach.
    first = ROLES.index(role)
    shifts = (first, first + len(HOSTILE) // 2)
    requests = []
    for rule in _rules(app):
        audience = declared[rule.endpoint]
        if "GET" not in rule.methods or not (audience in (PUBLIC, SIGNED_IN) or
                                             role in audience):
            continue
        with app.test_request_context():
            base = url_for(rule.endpoint, **_valid(rule, scene))
        for shift in shifts:
            args = {name: HOSTILE[(shift + n) % len(HOSTILE)]
                    for n, name in enumerate(QUERY_NAMES)}
            requests.append(("GET", base, {"query_string": args}))
    assert _server_errors(client, requests) == []


def _form_field_names(client, app, scene) -> list[str]:
    """The names of the fields of every form the site shows in the scene."""
    names = set()
    for rule in _rules(app):
        if "GET" not in rule.methods or rule.endpoint == "static" or (
                "application/json" in rule.rule):
            continue
        with app.test_request_context():
            url = url_for(rule.endpoint, **_valid(rule, scene))
        page = client.get(url).get_data(as_text=True)
        names |= set(re.findall(r'<(?:input|select|textarea)[^>]*\bname="([^"]+)"', page))
    return sorted(names - {"csrf_token"})


def test_hostile_form_values_never_cause_a_server_error(app, client, login_as, scene):
    login_as(*ROLES, organisation=scene["organisation"])
    names = _form_field_names(client, app, scene)
    assert "title" in names and "amount_yen" in names
    requests = []
    for rule in _rules(app):
        if "POST" not in rule.methods:
            continue
        with app.test_request_context():
            url = url_for(rule.endpoint, **_valid(rule, scene))
        for shift, _ in enumerate(HOSTILE):
            form = {name: HOSTILE[(shift + n) % len(HOSTILE)] for n, name in enumerate(names)}
            requests.append(("POST", url, {"data": form}))
        # As JSON, which Flask-WTF reads as form data too: NUL reaches the forms themselves.
        requests.append(("POST", url, {"data": json.dumps(dict.fromkeys(names, "a\x00b")),
                                       "content_type": "application/json"}))
    assert _server_errors(client, requests) == []
