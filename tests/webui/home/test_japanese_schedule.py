"""A Japanese company's repayment schedule as a PDF: its name and its loan's title are
printed in a Japanese font (Noto Sans CJK), not as question marks, and a reader who chose
Japanese reads the schedule's words and dates in Japanese."""

from __future__ import annotations

import logging

import pytest

from models import db
from tests.conftest import speaks
from tests.pdf_text import printed_characters
from webui.dashboard.schedule_pdf import CJK_FONTS

pytestmark = pytest.mark.skipif(not (CJK_FONTS / "NotoSansCJK-Regular.ttc").is_file(),
                                reason="needs Debian's fonts-noto-cjk (make install puts it)")


def _schedule_pdf(client, loan) -> bytes:
    response = client.get(f"/home/loans/{loan.id}/schedule.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    return response.data


def test_a_japanese_schedule_is_printed_in_a_japanese_font(active_loan, people, company,
                                                            client_for):
    company.name = "浜松精密部品株式会社"
    loan = active_loan()
    loan.title = "ビンズオン省CNC加工工場の設立"
    db.session.commit()
    pdf = _schedule_pdf(client_for(people.applicant), loan)
    assert b"NotoSansCJK" in pdf
    assert b"Helvetica" not in pdf
    assert set("浜松精密部品株式会社ビンズオン省") <= printed_characters(pdf)


def test_a_reader_who_chose_japanese_reads_the_schedule_in_japanese(active_loan, people,
                                                                    client_for):
    speaks(people.applicant, "ja")
    loan = active_loan()
    db.session.commit()
    printed = printed_characters(_schedule_pdf(client_for(people.applicant), loan))
    assert set("返済予定表企業次回の返済年月日") <= printed  # the title, labels and dates


def test_an_english_schedule_keeps_the_core_font(active_loan, people, client_for):
    pdf = _schedule_pdf(client_for(people.applicant), active_loan())
    assert b"/BaseFont /Helvetica" in pdf
    assert b"NotoSansCJK" not in pdf


def test_every_character_of_a_japanese_schedule_is_drawn_none_as_a_box(
        active_loan, people, company, client_for, caplog):
    speaks(people.applicant, "ja")
    company.name = "株式会社髙橋精工　ＡＢＣ①"  # NEC/IBM kanji, full-width letters, a circled one
    loan = active_loan()
    loan.title = "Nhà máy Bình Dương — “第２工場”"
    db.session.commit()
    with caplog.at_level(logging.WARNING):
        pdf = _schedule_pdf(client_for(people.applicant), loan)
    assert not [r for r in caplog.records if "missing" in r.getMessage()]  # fpdf2's boxes
    assert set(company.name + loan.title) - {" ", "　"} <= printed_characters(pdf)


def test_a_rare_kanji_in_a_companys_name_is_printed_as_written(active_loan, people, company,
                                                                client_for):
    company.name = "株式会社𠮷野精機"  # U+20BB7, outside Windows-31J and the cut-down face
    loan = active_loan()
    db.session.commit()
    assert set(company.name) <= printed_characters(_schedule_pdf(client_for(people.applicant),
                                                                 loan))
