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


@pytest.fixture
def two_companies(make_application, make_org):
    """A file of each of two companies, whose titles name neither of them."""
    hamamatsu = make_org(kind="company", country_code="JP", name="浜松精密部品株式会社",
                         name_reading="ハママツセイミツブヒンカブシキガイシャ")
    kyoto = make_org(kind="company", country_code="JP", name="京都テキスタイル商事株式会社",
                     name_reading="キョウトテキスタイルショウジカブシキガイシャ")
    files = (make_application("grant", state="screening", organisation=hamamatsu,
                              title="ベトナム工場向け精密加工技術研修"),
             make_application("grant", state="screening", organisation=kyoto,
                              title="WNF染色技術セミナー"))
    db.session.commit()
    return files


def _found(client, query: str, files) -> list[bool]:
    page = client.get(f"/applications/?q={quote(query)}").get_data(as_text=True)
    return [file.reference in page for file in files]


@pytest.mark.parametrize(("query", "found"), [
    ("浜松", [True, False]),  # the name
    ("テキスタイル商事", [False, True]),
    ("ハママツ", [True, False]),  # the reading
    ("はままつ", [True, False]),  # the reading typed in hiragana
    ("ｷｮｳﾄ", [False, True]),  # in half-width kana
    ("カブシキガイシャ", [True, True]),
    ("浜松 研修", [True, False]),  # one word in the name, one in the title
    ("浜松 セミナー", [False, False]),
])
def test_a_file_is_found_by_its_organisations_name_or_reading(client, login_as, two_companies,
                                                              query, found):
    login_as("auditor")
    assert _found(client, query, two_companies) == found


@pytest.mark.parametrize(("query", "found"), [
    ("ＷＮＦ染色", [False, True]),  # full-width Latin finds the plain letters
    ("ｾﾐﾅｰ", [False, True]),  # half-width kana finds full-width
    ("精密加工　研修", [True, False]),  # words apart by an ideographic space
])
def test_the_query_is_made_plain_before_it_is_looked_for(client, login_as, two_companies, query,
                                                         found):
    login_as("auditor")
    assert _found(client, query, two_companies) == found


def test_a_full_width_reference_finds_its_file(client, login_as, two_companies):
    login_as("auditor")
    wide = two_companies[1].reference.translate({c: c + 0xFEE0 for c in range(0x21, 0x7F)})
    assert _found(client, wide, two_companies) == [False, True]


def test_the_list_shows_the_reading_above_the_name(client, login_as, two_companies):
    login_as("auditor")
    page = client.get("/applications/").get_data(as_text=True)
    assert ('<span class="d-block small text-muted name-reading" lang="ja">'
            "ハママツセイミツブヒンカブシキガイシャ</span>浜松精密部品株式会社") in page
