"""The settings page: a person's language, time zone and the Japanese era, each saved in their
profile with an audit event; a zone that is not one is told beside its field."""

from __future__ import annotations

from sqlalchemy import select

from models import AuditEvent, db


def test_settings_are_saved_and_used(client, login_as, make_org):
    user = login_as("applicant", organisation=make_org(country_code="TH"))
    page = client.get("/settings").get_data(as_text=True)
    assert "My organisation&#39;s: Asia/Bangkok" in page  # the default, named
    response = client.post("/settings", data={"locale": "ja", "time_zone": "Asia/Tokyo",
                                              "japanese_era": "y"})
    assert response.status_code == 302
    db.session.expire_all()
    assert (user.locale, user.time_zone, user.japanese_era) == ("ja", "Asia/Tokyo", True)
    event = db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "preferences_changed")).one()
    assert event.data["changes"]["time_zone"] == [None, "Asia/Tokyo"]
    shown = client.get("/settings").get_data(as_text=True)
    assert "設定を保存しました。" in shown and '<html lang="ja">' in shown


def test_back_to_the_defaults(client, login_as):
    user = login_as("auditor")
    user.locale, user.time_zone = "ja", "Europe/Paris"
    db.session.commit()
    client.post("/settings", data={"locale": "", "time_zone": ""})
    db.session.expire_all()
    assert (user.locale, user.time_zone, user.japanese_era) == (None, None, False)


def test_an_unknown_zone_is_told_beside_its_field(client, login_as):
    user = login_as("auditor")
    response = client.post("/settings", data={"locale": "", "time_zone": "Mars/Olympus"})
    assert response.status_code == 200
    assert "Not a valid choice." in response.get_data(as_text=True)
    db.session.expire_all()
    assert user.time_zone is None


def test_the_settings_are_in_the_users_menu(client, login_as):
    login_as("auditor")
    assert 'href="/settings"' in client.get("/home").get_data(as_text=True)


def test_a_japanese_reader_chooses_among_places_named_in_japanese(client, login_as):
    user = login_as("auditor")
    user.locale, user.time_zone = "ja", "US/Eastern"  # an alias saved before: still shown
    db.session.commit()
    page = client.get("/settings").get_data(as_text=True)
    assert '<option value="Asia/Tokyo">日本時間</option>' in page
    assert "アメリカ合衆国（ニューヨーク）時間" in page and "協定世界時（UTC）" in page
    assert '<option selected value="US/Eastern">アメリカ合衆国（ニューヨーク）時間' in page
    assert 'value="GB"' not in page and 'value="Etc/GMT+5"' not in page  # aliases, offsets


def test_the_zone_list_is_written_as_wtforms_writes_a_select(app):
    """The time zones' select is written by its own quicker widget: the browser gets the same
    markup, quotes and tags in a name escaped, the saved zone selected."""
    from wtforms.widgets import Select

    from webui.preferences.forms import SettingsForm

    with app.test_request_context():
        form = SettingsForm(meta={"csrf": False})
        form.time_zone.choices = [("", "Mine"), ("Asia/Tokyo", "日本時間"),
                                  ('Odd/"Zone"', "<b>Fish & Chips</b>"), ("Etc/UTC", "")]
        for saved in ("", "Asia/Tokyo", 'Odd/"Zone"', "Etc/UTC"):
            form.time_zone.data = saved
            quick = form.time_zone(class_="form-select")
            assert quick == Select()(form.time_zone, class_="form-select")
            assert quick.count("<option selected ") == 1
        assert "&lt;b&gt;Fish &amp; Chips&lt;/b&gt;" in quick
