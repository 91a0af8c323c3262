"""The API's description: an OpenAPI 3.1 document generated from the code, valid, naming
every operation; and the page that reads it, served by the app itself."""

from __future__ import annotations

from openapi_spec_validator import validate

from webui.access import API_TOKEN, access_table


def test_the_document_is_valid_openapi_and_describes_every_operation(app, client):
    answer = client.get("/api/v1/openapi.json")
    assert answer.status_code == 200
    document = answer.get_json()
    validate(document)
    assert document["openapi"].startswith("3.1")
    described = {(method.upper(), path) for path, item in document["paths"].items()
                 for method in item if method in ("get", "post", "put")}
    routed = set()
    table = access_table(app)
    for rule in app.url_map.iter_rules():
        if table.get(rule.endpoint) == API_TOKEN:
            path = rule.rule.replace("<int:", "{").replace("<", "{").replace(">", "}")
            routed |= {(m, path) for m in rule.methods if m in ("GET", "POST", "PUT")}
    assert routed and routed == described
    problem = document["components"]["responses"]["DEFAULT_ERROR"]["content"]
    assert list(problem) == ["application/problem+json"]


def test_the_docs_page_lists_the_operations_without_the_web(client):
    page = client.get("/api/v1/docs").get_data(as_text=True)
    assert "/api/v1/applications/{application_id}/actions/{trigger}" in page
    assert "Idempotency-Key" in page and "<script src=\"http" not in page
