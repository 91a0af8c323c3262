"""A company name's reading is kept in katakana however it was typed, and anything that is
not kana is refused beside its field."""

from __future__ import annotations

import pytest
from flask_babel import force_locale

from workflow.engine.errors import ValidationFailed
from workflow.people.readings import READING_LENGTH, company_reading, katakana


@pytest.mark.parametrize(("typed", "kept"), [
    ("ハママツセイミツブヒンカブシキガイシャ", "ハママツセイミツブヒンカブシキガイシャ"),
    ("はままつせいみつぶひんかぶしきがいしゃ", "ハママツセイミツブヒンカブシキガイシャ"),
    ("ﾊﾏﾏﾂｾｲﾐﾂﾌﾞﾋﾝ", "ハママツセイミツブヒン"),  # half-width, voiced mark and all
    ("キョウト　テキスタイル ", "キョウト テキスタイル"),  # a full-width space, trailing spaces
    ("ｷｮｳﾄ・ﾃｷｽﾀｲﾙｼｮｳｼﾞ", "キョウト・テキスタイルショウジ"),
    ("さくらせいきー", "サクラセイキー"),
    ("", ""),
    ("   ", ""),
])
def test_a_reading_is_kept_in_katakana(typed, kept):
    assert company_reading(typed) == kept


@pytest.mark.parametrize(("typed", "strays"), [
    ("Hamamatsu", "H, a, m"),
    ("浜松セイミツ", "浜, 松"),
    ("ハママツ(株)", "(, 株, )"),
    ("カブシキガイシャ1", "1"),
])
def test_what_is_not_kana_is_refused_and_named(app, typed, strays):
    with pytest.raises(ValidationFailed) as refused:
        company_reading(typed)
    assert refused.value.field == "name_reading"
    assert refused.value.message.startswith("Write the reading in katakana")
    assert strays in refused.value.message


def test_the_refusal_is_in_the_readers_language(app):
    with app.test_request_context(), force_locale("ja"), pytest.raises(ValidationFailed) as refused:
        company_reading("Hamamatsu")
    assert refused.value.message.startswith("フリガナはカタカナでご入力ください")


def test_a_reading_longer_than_the_name_column_is_refused(app):
    with pytest.raises(ValidationFailed, match="at most 200 characters"):
        company_reading("ア" * (READING_LENGTH + 1))


def test_katakana_makes_a_search_word_plain_but_keeps_what_is_not_kana():
    assert katakana("はままつ") == "ハママツ"
    assert katakana("ＷＮＦ") == "WNF"
    assert katakana("ｶｲｾﾞﾝ") == "カイゼン"
    assert katakana("浜松") == "浜松"
