"""The loan form asks how the company's name is read (フリガナ): typed in hiragana or
half-width kana it is kept in katakana on the company's record, shown above the name on the
loan's page and in the lists, and refused beside its field when it is not kana."""

from __future__ import annotations

import html

import pytest
from sqlalchemy import func, select

from models import Application, Organisation, db
from tests.conftest import speaks
from tests.webui.i18n.test_input import error_next_to

from .test_lifecycle import current, loan_form

READING = "ハママツセイミツブヒン"
READING_ABOVE_NAME = (f'<span class="d-block small text-muted name-reading" lang="ja">{READING}'
                      "</span>Hamamatsu Precision Parts")


def _reading() -> str:
    db.session.expire_all()
    return db.session.scalar(select(Organisation.name_reading).where(
        Organisation.name == "Hamamatsu Precision Parts"))


def _page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return html.unescape(response.get_data(as_text=True))


@pytest.mark.parametrize("typed", ["はままつせいみつぶひん", "ﾊﾏﾏﾂｾｲﾐﾂﾌﾞﾋﾝ", READING])
def test_the_reading_is_kept_in_katakana_and_shown_above_the_name(sme, people, client_for,
                                                                  make_user, typed):
    applicant = client_for(people.applicant)
    assert applicant.post("/loans/new", data=loan_form(sme.id, name_reading=typed)
                          ).status_code == 302
    assert _reading() == READING
    loan = db.session.scalar(select(Application))
    shown = _page(applicant, f"/applications/{loan.id}")
    assert f'<rt lang="ja">{READING}</rt>' in shown  # over the name in the file's header
    assert READING_ABOVE_NAME in shown  # the loan's company figures
    assert READING_ABOVE_NAME in _page(applicant, "/loans/")
    auditor = client_for(make_user("auditor"))  # the staff who see drafts
    assert READING_ABOVE_NAME in _page(auditor, "/applications/")
    assert f'value="{READING}"' in _page(applicant, f"/loans/{loan.id}/edit")


@pytest.mark.parametrize(("locale", "message"), [
    ("en", "Write the reading in katakana (hiragana is turned into katakana); these "
           "characters are not kana: H, a, m, t, s."),
    ("ja", "フリガナはカタカナでご入力ください（ひらがなはカタカナに変換されます）。"
           "次の文字はかなではありません：H、a、m、t、s。"),
])
def test_a_reading_in_latin_letters_is_refused_beside_its_field(sme, people, client_for,
                                                                locale, message):
    speaks(people.applicant, locale)
    db.session.commit()
    response = client_for(people.applicant).post(
        "/loans/new", data=loan_form(sme.id, name_reading="Hamamatsu"))
    assert response.status_code == 200
    assert error_next_to(html.unescape(response.get_data(as_text=True)), "name_reading", message)
    assert db.session.scalar(select(func.count()).select_from(Application)) == 0
    assert _reading() == ""


def test_a_reading_in_kanji_on_an_edit_changes_nothing(make_loan, people, client_for, sme):
    loan = make_loan("draft", name_reading=READING)
    response = client_for(people.applicant).post(
        f"/loans/{loan.id}/edit", data=loan_form(sme.id, name_reading="浜松精密",
                                                 requested_yen="2,000,000"))
    assert response.status_code == 200
    assert error_next_to(html.unescape(response.get_data(as_text=True)), "name_reading",
                         "these characters are not kana: 浜, 松, 精, 密.")
    assert (_reading(), current(loan).requested_yen) == (READING, 1_000_000)


def test_the_form_says_whose_name_it_reads(sme, people, client_for):
    page = _page(client_for(people.applicant), "/loans/new")
    assert "How Hamamatsu Precision Parts is read, in katakana" in page
