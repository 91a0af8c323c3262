"""Schemathesis against the running app's own OpenAPI document: every operation, with inputs
made from the document (and inputs that break it), by a user holding every role. No answer
is a server error, and every answer is what the document says it may be (its status, its
content type, its body's schema)."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from models import ROLES, db

from .conftest import bearer, make_token_for

EXAMPLES = 10  # per operation and mode: the suite runs twice (SQLite, PostgreSQL)
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance]


@pytest.fixture
def api_schema(app, make_user, make_application):
    """The document as the app serves it, and a scene with a file of each kind in it."""
    make_application("grant", state="submitted")
    make_application("loan", state="draft")
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)


@pytest.fixture
def everyone(make_user):
    user = make_user(*ROLES)
    return bearer(make_token_for(user, "write"))


def _exercise(operation, mode, headers) -> None:
    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(max_examples=EXAMPLES, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    def run(case):
        try:
            case.call_and_validate(headers=headers, checks=CHECKS)
        finally:
            db.session.rollback()

    run()


def test_every_operation_keeps_to_the_document(api_schema, everyone):
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 16
    broken = []
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            try:
                _exercise(operation, mode, everyone)
            except Exception as failure:  # every operation is tried; all failures shown
                broken.append(f"{operation.label} ({mode.value}): {failure}"[:2000])
    assert broken == []
