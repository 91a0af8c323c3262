"""Errors of the JSON API as `application/problem+json` (RFC 9457): the status, a title, and
the workflow's own sentence as the detail, so that a script shows its user what a page would."""

from __future__ import annotations

from flask import Response, json, request

PROBLEM_TYPE = "application/problem+json"
API_PREFIX = "/api/"


def is_api_request() -> bool:
    return request.path.startswith(API_PREFIX)


def problem(status: int, title: str, detail: str, *, field: str | None = None,
            errors: dict | None = None, headers: dict | None = None) -> Response:
    """A problem document; `field` names the input the detail is about, `errors` the
    complaints about each input of a request that could not be read."""
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail,
            "instance": request.path}
    if field:
        body["field"] = field
    if errors:
        body["errors"] = errors
    response = Response(json.dumps(body), status=status, mimetype=PROBLEM_TYPE)
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def input_errors(error) -> dict | None:
    """The per-input complaints webargs attaches to a 422 (flask_smorest.abort), flattened
    to {location: {input: [sentences]}}."""
    data = getattr(error, "data", None)
    messages = data.get("messages") if isinstance(data, dict) else None
    return messages if isinstance(messages, dict) else None
