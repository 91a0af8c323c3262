"""Personal access tokens in a real browser: made from the profile menu, shown once, used by
a script, then revoked."""

import requests
from playwright.sync_api import expect

from models import db

from .conftest import assert_page_healthy
from .session_cookie import sign_in_browser


def test_a_token_is_made_shown_once_used_and_revoked(page, live_server, make_user):
    user = make_user("auditor", name="Aoki Auditor")
    db.session.commit()
    sign_in_browser(page, live_server, user)
    page.goto(f"{live_server}/home")

    page.get_by_role("button", name="Aoki Auditor").click()
    page.get_by_role("link", name="API tokens").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("API tokens")
    page.get_by_label("Name", exact=True).fill("Audit export")
    page.get_by_label("Scope", exact=True).select_option("read")
    page.get_by_role("button", name="Make token").click()
    secret = page.locator("code.new-token").inner_text().strip()
    assert secret.startswith("wnf_")
    assert_page_healthy(page)

    api = f"{live_server}/api/v1/audit-events"
    assert requests.get(api, headers={"Authorization": f"Bearer {secret}"},
                        timeout=10).status_code == 200
    page.goto(f"{live_server}/account/tokens/")
    expect(page.locator("code.new-token")).to_have_count(0)
    row = page.get_by_role("row", name="Audit export")
    expect(row).not_to_contain_text("Never")  # its last use is shown

    row.get_by_role("button", name="Revoke").click()
    expect(page.get_by_role("alert")).to_contain_text("is revoked")
    refused = requests.get(api, headers={"Authorization": f"Bearer {secret}"}, timeout=10)
    assert refused.status_code == 401
    assert refused.headers["Content-Type"] == "application/problem+json"
    assert_page_healthy(page)
