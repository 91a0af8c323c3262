"""Reading a page as a browser would for the load test: its forms with their hidden fields
(the CSRF token, the version seen, the one-time key) and values, its links, its flashes.

The standard library's HTMLParser, so that the Locust process needs nothing more.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass
class Form:
    action: str
    method: str
    fields: dict[str, str] = field(default_factory=dict)
    radios: dict[str, list[str]] = field(default_factory=dict)
    options: dict[str, list[str]] = field(default_factory=dict)

    def data(self, **changes: str) -> dict[str, str]:
        """What the browser sends: the form's values, with the user's changes (a change
        names a field with or without its form's prefix: amount_yen, repayment-amount_yen)."""
        sent = dict(self.fields)
        for name, value in changes.items():
            prefixed = [f for f in sent if f.endswith("-" + name)]
            sent[prefixed[0] if name not in sent and prefixed else name] = value
        return sent


class _Forms(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._textarea: str | None = None
        self._select: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self._form = Form(a.get("action", ""), a.get("method", "get").lower())
            self.forms.append(self._form)
            return
        form = self._form
        if form is None or "disabled" in a:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "text").lower()
            if kind == "radio":
                form.radios.setdefault(name, []).append(a.get("value", "on"))
                if "checked" in a:
                    form.fields[name] = a.get("value", "on")
            elif kind == "checkbox":
                if "checked" in a:
                    form.fields[name] = a.get("value", "y")
            elif kind not in ("submit", "button", "file", "reset", "image"):
                form.fields[name] = a.get("value", "")
        elif tag == "textarea" and name:
            self._textarea, self._text = name, []
        elif tag == "select" and name:
            self._select = name
            form.options[name] = []
        elif tag == "option" and self._select:
            value = a.get("value", "")
            form.options[self._select].append(value)
            if "selected" in a or self._select not in form.fields:
                form.fields[self._select] = value

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea" and self._textarea is not None and self._form is not None:
            self._form.fields[self._textarea] = "".join(self._text).lstrip("\n")
            self._textarea = None
        elif tag == "select":
            self._select = None
        elif tag == "form":
            self._form = None


def forms(html: str) -> list[Form]:
    parser = _Forms()
    parser.feed(html)
    return parser.forms


def form_to(html: str, pattern: str, url: str = "") -> Form | None:
    """The first post form whose action matches the regular expression (a form without an
    action posts to its page's `url`)."""
    for form in forms(html):
        form.action = form.action or url
        if form.method == "post" and re.search(pattern, form.action):
            return form
    return None


def links(html: str, pattern: str) -> list[str]:
    """The distinct hrefs matching the regular expression (less any #anchor), in page
    order."""
    found = re.findall(r'href="(' + pattern + r')(?:#[\w-]*)?"', html)
    return list(dict.fromkeys(found))


def refusal(html: str) -> str:
    """The sentence a refused form or the 409 page gives, its first words."""
    for pattern in (r'class="invalid-feedback[^"]*"[^>]*>\s*([^<]+)',
                    r'class="alert alert-danger[^"]*"[^>]*>\s*([^<]+)',
                    r'class="lead error-message"[^>]*>\s*([^<]+)'):
        if found := re.search(pattern, html, re.S):
            return " ".join(found.group(1).split())[:90]
    return ""


FLASH = re.compile(r'class="alert alert-(\w+)[^"]*"[^>]*>\s*(.*?)\s*<', re.S)


def flashes(html: str) -> list[tuple[str, str]]:
    """(category, first words) of each flashed message: success, danger, info, warning."""
    return [(category, text.strip()) for category, text in FLASH.findall(html)]
