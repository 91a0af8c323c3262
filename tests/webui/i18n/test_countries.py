"""A country is named in its reader's language wherever it is shown (CLDR's names, Babel)."""

from __future__ import annotations

from flask_babel import force_locale

from workflow.people.accounts import country_name, country_options


def test_a_country_is_named_in_the_readers_language(app):
    with app.test_request_context():
        assert country_name("VN") == "Vietnam"
        with force_locale("ja"):
            assert country_name("VN") == "ベトナム"
            options = dict(country_options())
            assert options["TH"] == "タイ" and options["JP"] == "日本"
