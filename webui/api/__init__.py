"""The JSON API at /api/v1, for scripts: the accounting system, alumni societies' own tools,
auditors' exports.

flask-smorest (with marshmallow) was chosen over spectree (with pydantic): it sits on Flask's
own blueprints and routing like the pages do, so the API shares their before-request hooks
(transactions, the rate limiter), error handlers and url_for; its schemas also validate the
input and document it, and its document is OpenAPI 3.1 from the code alone.

Every write calls the workflow as the pages do (same roles, object rules, guards and audit
events); webui.api.writes adds Idempotency-Key and If-Match, webui.api.tokens the tokens.
"""

from __future__ import annotations

from flask import Flask
from flask_smorest import Api

from ..extensions import csrf


def register(app: Flask) -> None:
    """Add the API, its document and the profile page of tokens to the app."""
    # Imported here: webui.errors reads webui.problems while the app's modules load.
    from . import (
        applications,
        attachments,
        committee,
        docs,
        grants,
        loans,
        money,
        token_pages,
        tokens,
        trail,
    )
    from .schemas import ProblemSchema

    # The blueprints of the API's operations, each under /api/v1.
    resources = (applications.blp, attachments.blp, grants.blp, loans.blp, committee.blp,
                 money.blp, trail.blp)
    class ProblemApi(Api):
        ERROR_SCHEMA = ProblemSchema  # every error answer is a problem document

    api = ProblemApi(app, spec_kwargs={
        "info": {"description": "Personal access token in `Authorization: Bearer …`. Errors "
                                "are application/problem+json (RFC 9457)."},
        "security": [{"token": []}],
    })
    api.spec.components.security_scheme("token", {"type": "http", "scheme": "bearer"})
    for blueprint in resources:
        csrf.exempt(blueprint)  # no cookie authenticates the API: nothing to forge
        api.register_blueprint(blueprint)
    app.extensions["wnf_api"] = api
    app.register_blueprint(docs.bp)
    app.register_blueprint(token_pages.bp)
    tokens.register(app)
