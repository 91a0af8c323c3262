"""The application page's sections are reachable at once: its index (a side column on a wide
screen, pills on a phone) links to each section shown, and each link lands on its section,
for a file in every state the demo has."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from demo.living import DEMO_PASSWORD
from models import User, db
from tests.conftest import log_in

from .test_human_words import files_in_each_state

# The side index: the first <nav> naming the sections (the phone's pills repeat its links).
SIDE_INDEX = re.compile(r'<nav class="col-lg-2[^"]*" aria-label="[^"]+">(.*?)</nav>', re.S)


@pytest.fixture
def app(demo_app):
    return demo_app


def test_every_link_of_the_section_index_lands_on_its_section(app):
    auditor = db.session.scalar(select(User).where(User.email == "auditor@wnf.example"))
    client = app.test_client()
    assert log_in(client, auditor, DEMO_PASSWORD).status_code == 302
    broken, indexed = [], 0
    for ident in files_in_each_state():
        page = client.get(f"/applications/{ident}").get_data(as_text=True)
        index = SIDE_INDEX.search(page)
        assert index, f"/applications/{ident} has no section index"
        anchors = re.findall(r'href="#([\w-]+)"', index.group(1))
        assert "timeline" in anchors and len(anchors) >= 3, anchors
        indexed += 1
        broken += [f"/applications/{ident} #{a}" for a in anchors if f'id="{a}"' not in page]
    assert indexed >= 20  # both programmes, every state the demo has
    assert broken == []
