"""The chair's tally follows the votes without a reload (webui/static/js/committee.js)."""

import pytest
from playwright.sync_api import expect

from models import db
from tests.webui.browser.conftest import (  # noqa: F401 - the browser fixtures, used here too
    assert_page_healthy,
    browser,
    live_server,
    page,
)
from tests.webui.browser.session_cookie import sign_in_browser
from workflow.committee import ballots

from .conftest import act

pytestmark = pytest.mark.browser
REFRESH_SECONDS = 5  # webui/static/js/committee.js asks for the tally this often


def test_the_tally_refreshes_while_the_chair_watches(page, live_server, in_committee, members,  # noqa: F811
                                                     chair):
    application = in_committee()
    voters = members(4)
    act(ballots.cast_vote, application, voters[0], "approve")
    url = f"/applications/{application.id}"
    db.session.commit()

    sign_in_browser(page, live_server, chair)
    # The page's own timers run on a clock the test moves: the next refresh comes when the
    # test says its seconds have passed, not after the seconds themselves.
    page.clock.install()
    page.goto(url)
    tally = page.locator("#committee .tally")
    expect(tally.locator('[data-tally="approvals"]')).to_have_text("1")
    expect(tally.locator('[data-tally="quorum_met"]')).to_have_text("not met")
    expect(tally.locator('[data-tally="tie"]')).to_be_hidden()

    act(ballots.cast_vote, application, voters[1], "reject")
    db.session.commit()
    page.clock.run_for(REFRESH_SECONDS * 1000)
    expect(tally.locator('[data-tally="rejections"]')).to_have_text("1")
    expect(tally.locator('[data-tally="quorum_met"]')).to_have_text("met")
    expect(tally.locator('[data-tally="tie"]')).to_be_visible()
    assert_page_healthy(page)
