"""The search box finds Japanese titles by any part of them, on SQLite as on PostgreSQL."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from models import db


@pytest.fixture
def japanese_files(make_application, make_org):
    company = make_org(kind="company", country_code="JP", name="浜松精密部品株式会社")
    lathe = make_application("grant", state="screening", organisation=company,
                             title="ベトナム工場向け精密加工技術研修")
    kaizen = make_application("grant", state="screening", organisation=company,
                              title="カイゼン指導者セミナー（タイ）")
    db.session.commit()
    return lathe, kaizen


@pytest.mark.parametrize("query, found", [
    ("精密加工", 0), ("工場向け", 0), ("研修", 0),
    ("カイゼン", 1), ("セミナー", 1), ("（タイ）", 1),
])
def test_any_part_of_a_japanese_title_finds_it(client, login_as, japanese_files, query, found):
    login_as("auditor")
    page = client.get(f"/applications/?q={quote(query)}").get_data(as_text=True)
    assert japanese_files[found].reference in page
    assert japanese_files[1 - found].reference not in page


def test_no_part_of_a_title_finds_nothing(client, login_as, japanese_files):
    login_as("auditor")
    page = client.get(f"/applications/?q={quote('融資')}").get_data(as_text=True)
    assert not any(file.reference in page for file in japanese_files)
