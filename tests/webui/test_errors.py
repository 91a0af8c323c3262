"""Error pages never show a traceback."""


def test_unknown_page_gives_a_friendly_404(client, login_as):
    login_as("auditor")
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert "There is no such page" in response.get_data(as_text=True)


def test_an_unexpected_error_shows_no_traceback(app, make_user):
    from tests.conftest import log_in
    from webui import create_app

    app2 = create_app(app.config_class_instance)
    app2.test_client_class = app.test_client_class
    app2.config["PROPAGATE_EXCEPTIONS"] = False

    def explode():
        raise RuntimeError("secret internal detail")

    explode.access = "signed_in"
    app2.add_url_rule("/explode", "explode", explode)
    client = app2.test_client()
    log_in(client, make_user("auditor"))
    response = client.get("/explode")
    body = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Something went wrong" in body
    assert "Traceback" not in body and "secret internal detail" not in body


def test_pages_carry_the_security_headers(client, login_as):
    login_as("auditor")
    response = client.get("/home")
    csp = response.headers["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";"))
    assert directives["script-src"] == "'self'"  # no inline script, no eval
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "no-store"
    assert "Referrer-Policy" in response.headers


def test_no_template_has_inline_script(app):
    """The CSP forbids inline script; a template with one would silently break in browsers."""
    import re
    from pathlib import Path

    root = Path(app.root_path) / "templates"
    offenders = []
    for path in root.rglob("*.html"):
        text = path.read_text()
        if re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text) or re.search(
                r"\son(click|submit|change|load|input)=", text):
            offenders.append(str(path.relative_to(root)))
    assert offenders == []
