"""No string a person reads is left untranslated: in a pseudo-locale whose every translation is
the English wrapped in ⟦…⟧, each demo role walks every page its pages link to (one page per
route), and any English word left outside the markers that is not the database's own data
(names, titles, references, emails) is a string nobody marked for translation."""

from __future__ import annotations

import copy
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from babel import Locale
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from sqlalchemy import String, select, update
from werkzeug.exceptions import HTTPException

from demo.living import DEMO_PASSWORD
from models import User, db, set_write_intent
from models.user import LOCALES
from tests.conftest import log_in
from tests.database import empty_all_tables
from tests.kept_guard import behind_the_services_back
from tests.webui.test_human_words import DEMO_PEOPLE
from webui.i18n import babel
from workflow.engine import kept

pytestmark = pytest.mark.xdist_group("living demo")

ROOT = Path(__file__).resolve().parents[3]
PSEUDO = "ja"  # the pseudo catalogue stands in for Japanese, so dates come out in Japanese
OPEN, CLOSE = "⟦", "⟧"
MARKED = re.compile(f"{OPEN}[^{OPEN}{CLOSE}]*{CLOSE}")  # innermost first: a string within one
WORD = re.compile(r"[A-Za-z]{2,}")
MACHINE_CODE = re.compile(r"[a-z0-9_]+")  # a state, role or kind as stored, not data to read
NOT_WALKED = ("/auth/logout", "/static/")
READ_ATTRIBUTES = ("title", "alt", "placeholder", "aria-label")
UNREAD = ("script", "style", "template", "code")
VOID = ("area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr")


def pseudo_catalogue(directory: Path) -> None:
    """Every marked string (as `make translations` gathers them), translated as itself in
    markers; placeholders stay intact inside them."""
    template = directory / "messages.pot"
    pybabel = Path(sys.executable).parent / "pybabel"
    subprocess.run([str(pybabel), "-q", "extract", "-F", "pyproject.toml",
                    "--no-location", "-o", str(template),
                    "webui", "workflow", "models", "demo"], cwd=ROOT, check=True)
    with open(template, "rb") as pot:
        catalogue = read_po(pot, locale=PSEUDO)
    for message in catalogue:
        if not message.id:
            continue
        if message.pluralizable:
            message.string = tuple(f"{OPEN}{form}{CLOSE}" for form in message.id)
        else:
            message.string = f"{OPEN}{message.id}{CLOSE}"
    target = directory / PSEUDO / "LC_MESSAGES"
    target.mkdir(parents=True)
    with open(target / "messages.mo", "wb") as mo:
        write_mo(mo, catalogue)


@pytest.fixture(scope="module")
def pseudo_app(_app, tmp_path_factory):
    """The app again, reading the pseudo catalogue, over the seeded demo with every user
    reading the pseudo-locale."""
    from webui import create_app

    directory = tmp_path_factory.mktemp("pseudo-translations")
    pseudo_catalogue(directory)
    config = copy.copy(_app.config_class_instance)
    config.BABEL_TRANSLATION_DIRECTORIES = str(directory)
    app = create_app(config)
    app.test_client_class = _app.test_client_class
    with app.app_context():
        db.session.commit()
        result = app.test_cli_runner().invoke(args=["demo", "seed"])
        assert result.exit_code == 0, result.output + repr(result.exception)
        db.session.execute(update(User).values(locale=PSEUDO))  # scene-setting
        kept.people_changed(db.session.connection())
        db.session.commit()
        db.session.remove()
    yield app
    with app.app_context(), behind_the_services_back():
        empty_all_tables(db.engine, db.metadata)
        db.engine.dispose()


def forget_loaded_catalogues() -> None:
    """Flask-Babel keeps the catalogues it loaded per locale for the process, whichever app
    loaded them: without this the crawl would read the real Japanese catalogue loaded by an
    earlier test, and the tests after it the pseudo one."""
    babel.domain_instance.get_translations_cache(None).clear()


@pytest.fixture
def app(pseudo_app):
    with pseudo_app.app_context():
        kept.forget_in_every_app()
        set_write_intent(False)
        forget_loaded_catalogues()
        yield pseudo_app
        forget_loaded_catalogues()
        db.session.remove()


def data_words() -> tuple[list[str], set[str]]:
    """What the database holds for people to read: every value of its text columns (longest
    first, to be taken out of a page whole), and the words of the short ones (a name or a
    city may be shown cut or joined to other data)."""
    values: set[str] = set()
    for table in db.metadata.sorted_tables:
        columns = [c for c in table.columns if isinstance(c.type, String)]
        if not columns:
            continue
        for row in db.session.execute(select(*columns)):
            values.update(v for v in row if isinstance(v, str) and v.strip()
                          and not MACHINE_CODE.fullmatch(v))
    words = {w.lower() for v in values if len(v.split()) <= 4 for w in WORD.findall(v)}
    # A language is named in its own words on the switch between languages.
    words |= {w.lower() for code in LOCALES
              for w in WORD.findall(Locale.parse(code).display_name)}
    return whole_values(values), words


def whole_values(values) -> list[str]:
    """The values of two letters or more, longest first (so that a value is taken out before
    a shorter one within it)."""
    return sorted((v for v in values if WORD.search(v)), key=len, reverse=True)


def without_data(line: str, values: list[str]) -> str:
    """The line with each value of the data that stands whole in it (not inside a longer
    word) taken out."""
    for value in values:
        if value in line:
            line = re.sub(f"(?<![A-Za-z]){re.escape(value)}(?![A-Za-z])", " ", line)
    return line


class PageText(HTMLParser):
    """The text a person reads, as lines, and the links the page offers. Left out: scripts,
    styles, templates, code, and what the page says is not to be translated
    (translate="no", e.g. the API's reference, in English like the names of its fields)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = []
        self.links: list[str] = []
        self.open: list[tuple[str, bool]] = []  # the elements around here, and whether unread

    def unread(self) -> bool:
        return bool(self.open) and self.open[-1][1]

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        unread = self.unread() or tag in UNREAD or attributes.get("translate") == "no"
        if tag not in VOID:
            self.open.append((tag, unread))
        if not unread:
            self.lines += [attributes[name] for name in READ_ATTRIBUTES if attributes.get(name)]
        if tag == "a" and (attributes.get("href") or "").startswith("/"):
            self.links.append(attributes["href"])

    def handle_endtag(self, tag):
        if any(name == tag for name, _ in self.open):
            while self.open.pop()[0] != tag:
                pass

    def handle_data(self, data):
        if not self.unread() and data.strip():
            self.lines.append(data.strip())


def untranslated(lines: list[str], values: list[str], words: set[str]) -> list[str]:
    """The pieces of text with an English word outside the markers and outside the data.
    The markers are taken out across lines: a marked sentence may hold a tag or two."""
    text = "\n".join(lines)
    while (unmarked := MARKED.sub("\n", text)) != text:
        text = unmarked
    found = []
    for line in text.split("\n"):
        if foreign(line, words) and foreign(line := without_data(line, values), words):
            found.append(line.strip())
    return found


def foreign(text: str, words: set[str]) -> bool:
    """Whether the text has an English word the data does not have."""
    return any(w.lower() not in words for w in WORD.findall(text))


def route_of(app, path: str) -> str | None:
    try:
        endpoint, _ = app.url_map.bind("localhost").match(urlsplit(path).path, method="GET")
    except HTTPException:
        return None
    return endpoint


def walk(app, client) -> tuple[int, list[str]]:
    """Every page reached from /home by links, one page per route; returns the pages walked
    and what each shows untranslated."""
    values, words = data_words()
    queue, routes, walked, found = ["/home"], set(), 0, []
    while queue:
        path = queue.pop(0)
        route = route_of(app, path)
        if route is None or route in routes or path.startswith(NOT_WALKED):
            continue
        routes.add(route)
        response = client.get(path)
        if response.status_code in (301, 302, 303):
            response = client.get(response.headers["Location"])
        if response.status_code in (403, 404) or response.mimetype != "text/html":
            continue  # not this person's page, or a download
        assert response.status_code == 200, f"{path}: {response.status_code}"
        walked += 1
        page = PageText()
        page.feed(response.get_data(as_text=True))
        queue += page.links
        found += [f"{path}: {text!r}" for text in untranslated(page.lines, values, words)]
    return walked, found


@pytest.mark.parametrize("email", DEMO_PEOPLE)
def test_every_page_a_demo_user_reaches_is_translated(app, email):
    user = db.session.scalar(select(User).where(User.email == email))
    client = app.test_client()
    assert log_in(client, user, DEMO_PASSWORD).status_code == 302
    walked, found = walk(app, client)
    assert walked >= 5  # the walk did reach the pages
    assert not found, f"{len(found)} untranslated:\n" + "\n".join(dict.fromkeys(found))


def test_the_reading_leaves_out_code_scripts_and_what_is_not_to_be_translated():
    page = PageText()
    page.feed('<p title="Hint">Read <code>flask run</code> me<br>too</p><script>let x;</script>'
              '<div translate="no"><div>Ref</div><p>erence</p></div><a href="/x">Link</a>')
    assert page.lines == ["Hint", "Read", "me", "too", "Link"]
    assert page.links == ["/x"]


def test_the_check_finds_english_outside_the_markers_only():
    values, words = whole_values(["Somchai Prasert", "WNF-2026-001", "C"]), {"bangkok"}
    lines = ["⟦Welcome, Somchai Prasert⟧", "⟦Files of", "Bangkok", "⟧", "WNF-2026-001",
             "¥1,000", "2026年12月7日", "Save changes", "Change",
             "⟦Made ⟦today⟧ by⟧ Somchai Prasert"]
    assert untranslated(lines, values, words) == ["Save changes", "Change"]
