"""A company name's reading (フリガナ): the katakana a Japanese form asks beside a name in
kanji, so that staff can say it and lists can be searched and sorted by sound.

Applicants type it as their keyboards give it: half-width kana (ﾊﾏﾏﾂ), hiragana (はままつ),
full-width spaces. It is kept in one form, full-width katakana with single spaces, so that
one search finds it however it was typed (workflow.files.search uses `katakana` on the query).
"""

from __future__ import annotations

import unicodedata

from flask_babel import gettext as _

from workflow.engine.errors import ValidationFailed
from workflow.engine.wording import listing

READING_LENGTH = 200  # as the name it reads (models.Organisation.name)

# Hiragana ぁ..ゖ and its iteration marks ゝゞ sit 0x60 below the same katakana.
_HIRAGANA = {code: code + 0x60 for code in (*range(0x3041, 0x3097), 0x309D, 0x309E)}
# Katakana ァ..ヺ, the middle dot ・ that separates words, the long-vowel mark ー, the
# iteration marks ヽヾ.
_KATAKANA = frozenset(chr(code) for code in range(0x30A1, 0x30FF))


def katakana(text: str) -> str:
    """`text` with half-width and compatibility forms made plain (NFKC: ﾊﾟ → パ, ＡＢ → AB)
    and hiragana turned into katakana; anything else is left as it is."""
    return unicodedata.normalize("NFKC", text).translate(_HIRAGANA)


def company_reading(text: str | None, field: str = "name_reading") -> str:
    """The reading in katakana, words separated by one space; "" when none is given.

    Refused, next to `field`, when it holds anything but kana: the reading says how the
    name sounds, so kanji or Latin letters in it are a slip (the name itself goes elsewhere).
    """
    reading = " ".join(katakana(text or "").split())
    if len(reading) > READING_LENGTH:
        raise ValidationFailed(_("The reading may be at most %(max)s characters long.",
                                 max=READING_LENGTH), field)
    strays = list(dict.fromkeys(ch for ch in reading if ch != " " and ch not in _KATAKANA))
    if strays:
        raise ValidationFailed(
            _("Write the reading in katakana (hiragana is turned into katakana); these "
              "characters are not kana: %(characters)s.", characters=listing(strays[:5])),
            field)
    return reading
