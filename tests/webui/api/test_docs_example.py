"""The Python example of docs/api.md, run as it is against the app served over HTTP: a grant
goes from a new proposal to its approval through the API alone."""

from __future__ import annotations

import re
import threading
from datetime import date, timedelta
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from models import db
from tests.webui.e2e.conftest import DONATED, cast, donate  # noqa: F401 - the fixture

from .conftest import make_token_for

DOCS = Path(__file__).resolve().parents[3] / "docs" / "api.md"


@pytest.fixture
def served(app):
    """The app on a free local port, in a thread, for as long as the test runs."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/api/v1"
    server.shutdown()
    thread.join()


def _example() -> dict:
    code = re.search(r"## Example.*?```python\n(.*?)```", DOCS.read_text(), re.S).group(1)
    namespace: dict = {}
    exec(compile(code, str(DOCS), "exec"), namespace)  # noqa: S102 - our own documentation
    return namespace


def test_the_documented_example_takes_a_grant_to_approval(cast, served):  # noqa: F811
    donate(cast.fund, DONATED)
    tokens = {who: make_token_for(cast.users[who], "write")
              for who in ("applicant", "secretariat", "member1", "member2", "member3",
                          "chair")}
    round_id, partner_id = cast.round.id, cast.partner.id
    db.session.commit()  # the server's requests never wait on this test's transaction
    start = date.today() + timedelta(days=60)
    approved = _example()["grant_from_proposal_to_approval"](
        served, tokens, round_id, partner_id, start.isoformat(),
        (start + timedelta(days=4)).isoformat())
    assert approved["state"] == "approved"
    assert approved["approved_yen"] == 800_000
