"""A file's page read by a user who chose Japanese: its headings, labels and buttons are in
Japanese, not in English (the same page in English is the control)."""

from __future__ import annotations

import pytest

from models import LoanDetails, db
from tests.conftest import log_in, speaks
from tests.workflow.loans.conftest import (  # noqa: F401 - the loan scene's fixtures
    active_loan,
    company,
    make_loan,
    people,
    release,
    sme,
)


def page_as(client, user, application, locale: str) -> str:
    speaks(user, locale)
    db.session.commit()
    log_in(client, user)
    response = client.get(f"/applications/{application.id}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


# (English, Japanese) of what the applicant of a draft reads on its page.
GRANT_WORDS = [
    ("What you can do", "対応できること"),
    (">Proposal</h2>", ">申請内容</h2>"),
    (">Edit the proposal</a>", ">申請内容を編集する</a>"),
    (">Budget</h3>", ">予算</h3>"),
    (">Funded by</th>", ">負担者</th>"),
    (">No budget lines yet.<", ">予算項目はまだありません。<"),
    (">Attach or remove files</a>", ">ファイルの添付・削除</a>"),
]
LOAN_WORDS = [
    ("What you can do", "対応できること"),
    (">Company</h2>", ">企業</h2>"),
    (">Investment country</dt>", ">投資先国</dt>"),
    (">Documents</h2>", ">書類</h2>"),
    (">Edit the loan application</a>", ">融資申請を編集する</a>"),
    (">No documents attached yet.<", ">添付された書類はまだありません。<"),
    ("36 months", "36 か月"),
]


@pytest.fixture
def grant_draft(make_application, make_user):
    application = make_application("grant")
    return application, make_user("applicant", organisation=application.organisation)


@pytest.fixture
def loan_draft(make_application, make_user):
    application = make_application("loan")
    db.session.add(LoanDetails(application_id=application.id, requested_term_months=36))
    db.session.commit()
    return application, make_user("applicant", organisation=application.organisation)


@pytest.mark.parametrize(("scene", "words"), [("grant_draft", GRANT_WORDS),
                                              ("loan_draft", LOAN_WORDS)])
def test_a_file_page_reads_in_japanese_for_a_user_set_to_japanese(client, request, scene,
                                                                  words):
    application, applicant = request.getfixturevalue(scene)
    japanese = page_as(client, applicant, application, "ja")
    assert '<html lang="ja"' in japanese
    for english_words, japanese_words in words:
        assert japanese_words in japanese, japanese_words
        assert english_words not in japanese, english_words


@pytest.mark.parametrize(("scene", "words"), [("grant_draft", GRANT_WORDS),
                                              ("loan_draft", LOAN_WORDS)])
def test_the_same_page_reads_in_english_for_a_user_set_to_english(client, request, scene,
                                                                  words):
    application, applicant = request.getfixturevalue(scene)
    english = page_as(client, applicant, application, "en")
    for english_words, japanese_words in words:
        assert english_words in english, english_words
        assert japanese_words not in english, japanese_words


def test_the_loan_figures_kept_between_requests_are_kept_per_language(client, loan_draft):
    """The figures are rendered once and kept: an English reader first must not leave the
    next, Japanese reader English figures."""
    application, applicant = loan_draft
    assert ">Company</h2>" in page_as(client, applicant, application, "en")
    client.post("/auth/logout")
    japanese = page_as(client, applicant, application, "ja")
    assert ">企業</h2>" in japanese and ">Company</h2>" not in japanese


def _badge_and_current_step(page: str) -> tuple[str, str]:
    badge = page.split('state-badge">', 1)[1].split("<", 1)[0]
    current = page.split('aria-current="step">', 1)[1]
    return badge, current.split('class="step-label">', 1)[1].split("<", 1)[0]


@pytest.mark.parametrize(("locale", "word"), [("en", "Active: repaying"), ("ja", "返済中")])
def test_a_company_reads_its_repaying_loan_by_one_word_in_the_badge_and_the_stepper(
        client, active_loan, people, locale, word):  # noqa: F811
    page = page_as(client, people.applicant, active_loan(), locale)
    assert _badge_and_current_step(page) == (word, word)


@pytest.mark.parametrize(("locale", "word"), [("en", "Active"), ("ja", "実行中")])
def test_the_staff_read_the_same_loan_by_their_own_word_in_both_places(
        client, active_loan, people, locale, word):  # noqa: F811
    page = page_as(client, people.secretariat, active_loan(), locale)
    assert _badge_and_current_step(page) == (word, word)
