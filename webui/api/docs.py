"""The API's description: its OpenAPI document, generated from the code by flask-smorest,
and a page that reads it for people (drawn on the server, so it needs nothing from the web)."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, render_template

from ..access import public
from ..problems import PROBLEM_TYPE

bp = Blueprint("api_docs", __name__, url_prefix="/api/v1")

METHODS = ("get", "post", "put", "patch", "delete")


def document() -> dict:
    """The OpenAPI document; its error answers are said to be problem documents (RFC 9457),
    which is what webui.errors sends for the API."""
    spec = current_app.extensions["wnf_api"].spec.to_dict()
    for response in spec.get("components", {}).get("responses", {}).values():
        content = response.get("content", {})
        if "application/json" in content:
            content[PROBLEM_TYPE] = content.pop("application/json")
    return spec


@bp.route("/openapi.json")
@public
def openapi_json():
    return jsonify(document())


@bp.route("/docs")
@public
def docs_page():
    spec = document()
    operations = [
        {"method": method.upper(), "path": path, "summary": op.get("summary", ""),
         "description": op.get("description", ""), "tag": (op.get("tags") or [""])[0],
         "parameters": [*item.get("parameters", []), *op.get("parameters", [])],
         "body": op.get("requestBody"), "responses": op.get("responses", {})}
        for path, item in spec.get("paths", {}).items()
        for method, op in item.items() if method in METHODS]
    return render_template("api/docs.html", spec=spec, operations=operations)
