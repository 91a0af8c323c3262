"""Static files fingerprinted, cached for a year and compressed ahead of time; pages
compressed as they are sent; Bootstrap's CSS trimmed without losing a class a page uses
(issue 24)."""

from __future__ import annotations

import gzip
import re
from pathlib import Path

import brotli
from flask import url_for

from webui import static_files

WEBUI = Path(static_files.__file__).parent
YEAR_IMMUTABLE = "public, max-age=31536000, immutable"
STATIC_LINK = re.compile(r'(?:href|src|data-atlas)="(/static/[^"]+)"')


def test_a_static_file_is_named_after_its_content_and_kept_for_a_year(app, client):
    with app.test_request_context():
        url = url_for("static", filename="app.css")
    assert re.fullmatch(r"/static/app\.[0-9a-f]{12}\.css", url), url
    source = (WEBUI / "static" / "app.css").read_bytes()

    plain = client.get(url)
    assert plain.status_code == 200
    assert plain.headers["Cache-Control"] == YEAR_IMMUTABLE
    assert plain.headers["X-Content-Type-Options"] == "nosniff"
    assert "Content-Encoding" not in plain.headers and plain.data == source

    br = client.get(url, headers={"Accept-Encoding": "gzip, deflate, br"})
    assert br.headers["Content-Encoding"] == "br"
    assert brotli.decompress(br.data) == source and len(br.data) < len(source)
    assert "Accept-Encoding" in br.headers["Vary"]
    gz = client.get(url, headers={"Accept-Encoding": "gzip"})
    assert gz.headers["Content-Encoding"] == "gzip" and gzip.decompress(gz.data) == source


def test_every_file_a_page_links_to_is_fingerprinted_and_answers(client, login_as):
    login_as("secretariat")
    for page in ("/home", "/portfolio/"):
        links = STATIC_LINK.findall(client.get(page).get_data(as_text=True))
        assert len(links) >= 3, (page, links)  # the styles, the icon, the scripts
        for link in links:
            assert re.search(r"\.[0-9a-f]{12}\.\w+$", link), link
            assert client.get(link).headers["Cache-Control"] == YEAR_IMMUTABLE, link


def test_an_unfingerprinted_name_is_still_answered_but_revalidated(client):
    response = client.get("/static/app.css")
    assert response.status_code == 200
    assert response.data == (WEBUI / "static" / "app.css").read_bytes()
    assert "immutable" not in response.headers.get("Cache-Control", "")


def test_a_changed_file_gets_a_new_name_and_the_old_build_is_kept(tmp_path):
    source, builds = tmp_path / "static", tmp_path / "builds"
    (source / "js").mkdir(parents=True)
    (source / "js" / "page.min.js").write_text("console.log(1);" * 100)
    first, names = static_files.build(source, builds)
    assert re.fullmatch(r"js/page\.min\.[0-9a-f]{12}\.js", names["js/page.min.js"])
    served = first / names["js/page.min.js"]
    assert served.read_text() == "console.log(1);" * 100
    assert (first / (names["js/page.min.js"] + ".br")).is_file()  # compressed ahead of time
    assert (first / (names["js/page.min.js"] + ".gz")).is_file()
    assert static_files.build(source, builds) == (first, names)  # found again, not rebuilt

    (source / "js" / "page.min.js").write_text("console.log(22);" * 100)
    second, renamed = static_files.build(source, builds)
    assert renamed["js/page.min.js"] != names["js/page.min.js"]
    assert second != first and served.is_file()  # a worker still serving it finds it


def test_a_page_is_sent_compressed_to_a_browser_that_accepts_it(client):
    plain = client.get("/auth/login")
    compressed = client.get("/auth/login", headers={"Accept-Encoding": "gzip, deflate, br"})
    assert "Content-Encoding" not in plain.headers
    assert compressed.headers["Content-Encoding"] == "br"
    assert len(compressed.data) < len(plain.data) / 2
    assert b"Log in" in brotli.decompress(compressed.data)


def _styled_alone(css: str) -> set[str]:
    """The classes a rule styles by themselves (`.card{…}`, `.btn-primary:hover,…`), not
    only inside a combination a page may not use (`.nav-fill .nav-item`)."""
    return set(re.findall(r"(?:^|[{},])\.(-?[A-Za-z_][\w-]*)(?=[{,:])", css))


def test_the_trimmed_bootstrap_keeps_every_bootstrap_class_a_template_writes():
    full = _styled_alone((WEBUI / "assets" / "bootstrap.full.min.css").read_text())
    trimmed = _styled_alone(
        (WEBUI / "static" / "vendor" / "bootstrap" / "bootstrap.min.css").read_text())
    written = set()
    for template in (WEBUI / "templates").rglob("*.html"):
        for classes in re.findall(r'class="([^"]*)"', template.read_text()):
            written.update(c for c in re.sub(r"{{.*?}}|{%.*?%}", " ", classes).split())
    assert {"navbar", "card", "table", "btn-primary"} <= written & full  # the scan works
    missing = sorted((written & full) - trimmed)
    assert missing == [], f"run `make bootstrap-css`: {missing} are not in the trimmed CSS"
