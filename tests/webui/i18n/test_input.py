"""What people type in Japan is taken as they type it: amounts in full-width digits with the
yen sign or 円, names in kanji and kana; a NUL is told beside its field, and WTForms' own
messages come in the page's language."""

from __future__ import annotations

import html
import re
from datetime import date

import pytest
from sqlalchemy import select

from models import Donation, Organisation, db
from tests.conftest import once_key
from webui.forms import CONTROL_IN_FIELD, plain_amount


def donation(**changes) -> dict:
    return {"donor_kind": "person", "donor_organisation_id": "0", "donor_name": "Ms Tanaka",
            "received_on": date.today().isoformat(), "amount_yen": "1,000", "note": "",
            **once_key(), **changes}


def error_next_to(page: str, field_name: str, message: str) -> bool:
    """The message comes after the field's input and before the next field's."""
    match = re.search(rf'name="{re.escape(field_name)}"', page)
    if match is None:
        return False
    rest = page[match.end():]
    following = re.search(r"<(input|select|textarea)\b", rest)
    return message in (rest[:following.start()] if following else rest)


@pytest.mark.parametrize(("typed", "amount"), [
    ("１，０００円", 1000), ("￥１，２３４，５６７", 1234567), ("¥1,000", 1000),
    ("1000 円", 1000), ("　５００　", 500), ("-1,000", -1000),
])
def test_amounts_are_read_as_typed(typed, amount):
    assert int(plain_amount(typed)) == amount


@pytest.mark.parametrize("typed", ["1.5", "１．５円", "¥", "千円", "1,000ドル", "-¥-1"])
def test_what_is_not_a_whole_number_of_yen_is_not_read(typed):
    assert plain_amount(typed) is None


def test_a_full_width_amount_and_a_kanji_name_are_booked(client, login_as, make_fund):
    login_as("secretariat")
    make_fund("WNF")
    response = client.post("/funds/WNF", data=donation(amount_yen="１，０００円",
                                                       donor_name="田中 花子（タナカ ハナコ）"))
    assert response.status_code == 302
    booked = db.session.scalars(select(Donation)).one()
    assert (booked.amount_yen, booked.donor_name) == (1000, "田中 花子（タナカ ハナコ）")


def test_a_nul_is_told_beside_its_field_and_nothing_is_booked(client, login_as, make_fund):
    login_as("secretariat")
    make_fund("WNF")
    response = client.post("/funds/WNF", data=donation(donor_name="Ms\x00Tanaka"))
    assert response.status_code == 200
    assert error_next_to(html.unescape(response.get_data(as_text=True)), "donor_name",
                         CONTROL_IN_FIELD)
    assert db.session.scalars(select(Donation)).all() == []


def test_an_organisation_named_in_kanji_is_kept(client, login_as):
    login_as("admin")
    response = client.post("/admin/organisations/new", data={
        "kind": "company", "name": "株式会社さくら精機", "country_code": "JP", "city": "大阪市",
        **once_key()})
    assert response.status_code == 302
    org = db.session.scalar(select(Organisation).where(Organisation.name == "株式会社さくら精機"))
    assert org.city == "大阪市" and org.locale == "ja"  # a Japanese company speaks Japanese
    assert "株式会社さくら精機" in client.get("/admin/organisations").get_data(as_text=True)


def test_wtforms_own_messages_are_in_the_pages_language(client):
    response = client.post("/auth/login", data={"email": "", "password": ""},
                           headers={"Accept-Language": "ja"})
    page = response.get_data(as_text=True)
    assert "このフィールドは必須です。" in page  # WTForms' "This field is required."
    assert "This field is required." not in page
