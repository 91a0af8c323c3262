"""The templates' words (webui.i18n.template_gettext and its siblings, from the catalogue of the
locale in force: workflow.engine.wording.catalogue) read as Jinja's own newstyle gettext
writes them, and follow a locale forced in the middle of a page (an email to a reader of the
other language) and back."""

from __future__ import annotations

import pytest
from flask_babel import force_locale, get_translations

from webui import labels
from workflow.engine.wording import word

SNIPPETS = [
    '{{ _("Timeline") }}',
    '{{ _("Reason") }} {{ _("Comment") }}',
    '{{ _("%(reference)s: done. It is now “%(state)s”.", reference="<b>", state="x & y") }}',
    '{{ _("100%%") }}',
    '{% trans day="<i>" %}signed {{ day }}{% endtrans %}',
    '{% trans count=3 %}{{ count }} in all{% endtrans %}',
    '{% trans n=1 %}{{ n }} day{% pluralize %}{{ n }} days{% endtrans %}',
    '{{ pgettext("amount", "Approved") }}',
    '{{ ngettext("%(num)d file attached", "%(num)d files attached", 2) }}',
    '{% trans string="s", context="c", num=2 %}{{ string }} {{ context }} {{ num }}{% endtrans %}',
    '{{ _("Own share: <strong>%(own)s %%</strong> of the budget.", own="<5>") }}',
]


def jinjas_own(app):
    """The app's environment with Jinja's newstyle gettext, as Flask-Babel installs it."""
    env = app.jinja_env.overlay()
    env.globals = dict(app.jinja_env.globals)
    env.install_gettext_callables(
        gettext=lambda s: get_translations().ugettext(s),
        ngettext=lambda s, p, n: get_translations().ungettext(s, p, n),
        pgettext=lambda c, s: get_translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: get_translations().unpgettext(c, s, p, n),
        newstyle=True)
    env.globals["_"] = env.globals["gettext"]  # what Jinja's own _ resolves and calls
    return env


@pytest.mark.parametrize("language", ["en", "ja"])
@pytest.mark.parametrize("autoescape", [True, False])
def test_template_words_read_as_jinjas_newstyle_gettext_writes_them(app, language, autoescape):
    theirs = jinjas_own(app)
    with app.test_request_context("/", headers={"Accept-Language": language}):
        for snippet in SNIPPETS:
            source = f"{{% autoescape {str(autoescape).lower()} %}}{snippet}{{% endautoescape %}}"
            assert (app.jinja_env.from_string(source).render()
                    == theirs.from_string(source).render()), snippet


def test_a_japanese_page_reads_japanese(app):
    with app.test_request_context("/", headers={"Accept-Language": "ja"}):
        assert app.jinja_env.from_string('{{ _("Timeline") }}').render() == "経過"
        assert word("Timeline") == "経過"
        assert labels.yen(1000) == "1,000円"


def test_a_locale_forced_in_the_middle_of_a_page_is_followed_and_left(app):
    # The amount a variable: Jinja writes a filter of a constant once, when it compiles.
    page = app.jinja_env.from_string('{{ _("Timeline") }} {{ amount|yen }}')
    with app.test_request_context("/", headers={"Accept-Language": "en"}):
        assert page.render(amount=1000) == "Timeline ¥1,000"
        with force_locale("ja"):  # an email to a Japanese reader, written during the request
            assert page.render(amount=1000) == "経過 1,000円"
            assert word("Timeline") == "経過"
        assert page.render(amount=1000) == "Timeline ¥1,000"
        assert word("Timeline") == "Timeline"
