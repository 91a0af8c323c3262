"""What the living demo's pages look like in Chromium, in English and in Japanese: a loan's
nine steps on one line at 1280 px, the workflow named in words on the diagram page, and the
digest's choice drawn as radio buttons."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from models import Application, db

from .conftest import assert_page_healthy
from .language import speaking
from .session_cookie import sign_in_demo_user

COMPANY = "sme@wnf.example"
DESKTOP = {"width": 1280, "height": 900}
STEP_TOPS = """() => [...document.querySelectorAll('.stepper .step')].map(
  s => s.getBoundingClientRect().top)"""


@pytest.fixture
def app(demo_app):
    return demo_app


def _company_loan(state: str) -> int:
    return db.session.scalar(select(Application.id).where(
        Application.kind == "loan", Application.state == state,
        Application.organisation.has(name="浜松精密部品株式会社")).order_by(Application.id))


@pytest.mark.parametrize("locale", ["en", "ja"])
def test_a_loan_s_nine_steps_stand_on_one_line_at_1280_px(page, live_server, locale):
    loan = _company_loan("active")
    with speaking(COMPANY, locale):
        page.set_viewport_size(DESKTOP)
        sign_in_demo_user(page, live_server, COMPANY)
        page.goto(f"{live_server}/applications/{loan}")
        tops = page.evaluate(STEP_TOPS)
        assert len(tops) == 9
        assert max(tops) - min(tops) < 2, tops
        assert_page_healthy(page)


@pytest.mark.parametrize(("locale", "words"), [
    ("en", "in the Loan workflow (version 1)"), ("ja", "融資ワークフロー（バージョン 1）")])
def test_the_diagram_page_names_the_workflow_in_words(page, live_server, locale, words):
    loan = _company_loan("active")
    with speaking(COMPANY, locale):
        sign_in_demo_user(page, live_server, COMPANY)
        page.goto(f"{live_server}/applications/{loan}/diagram")
        expect(page.locator("main")).to_contain_text(words)
        expect(page.locator("main")).not_to_contain_text("loan workflow")


def test_the_digest_is_chosen_with_round_radio_buttons(page, live_server):
    sign_in_demo_user(page, live_server, COMPANY)
    page.goto(f"{live_server}/notifications/")
    radios = page.locator("input[type=radio]")
    expect(radios).to_have_count(2)
    for radio in radios.all():
        assert radio.evaluate("r => getComputedStyle(r).borderRadius") == "50%"
