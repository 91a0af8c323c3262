"""The screening queue a page at a time: the longest-waiting first, Next and Previous walk
every waiting proposal once, and a page costs the same statements however long the queue."""

import html
import re
from datetime import datetime, timedelta

import pytest

from models import db, write_intent
from tests.conftest import log_in
from tests.webui.performance.test_query_counts import counting
from webui.grants import screening as views

ITEM = re.compile(r'class="card mb-3 queue-item" data-reference="([^"]+)"')


def _references(body: str) -> list[str]:
    return ITEM.findall(body)


def _link(body: str, rel: str) -> str | None:
    match = re.search(rf'rel="{rel}" href="([^"]+)"', body)
    return html.unescape(match.group(1)) if match else None


@pytest.fixture
def waiting(make_application, scene, monkeypatch):
    """Proposals waiting since different days, given in no particular order; 4 per page."""
    monkeypatch.setattr(views, "PER_PAGE", 4)
    start = datetime(2026, 5, 1, 9, 0)

    def make(days: list[int]) -> list:
        made = []
        for day in days:
            application = make_application("grant", state="screening" if day % 2 else
                                           "submitted", organisation=scene.society,
                                           round_=scene.round, title=f"Waiting {day} days")
            with write_intent(True):
                application.submitted_at = start - timedelta(days=day)
                db.session.commit()
            made.append(application)
        return made

    return make


def test_the_first_page_shows_the_longest_waiting_and_next_the_others(
        client, make_user, waiting):
    made = waiting([3, 9, 1, 7, 5, 8, 2, 6, 4, 10])  # ten proposals: pages of 4, 4, 2
    oldest_first = [a.reference for a in sorted(made, key=lambda a: a.submitted_at)]
    log_in(client, make_user("secretariat"))
    pages, url = [], "/grants/screening"
    while url:
        body = client.get(url).get_data(as_text=True)
        pages.append((_references(body), body))
        url = _link(body, "next")
    assert [refs for refs, _ in pages] == [oldest_first[:4], oldest_first[4:8],
                                           oldest_first[8:]]
    assert "10 waiting" in pages[0][1] and "Page 2" in pages[1][1]
    back = client.get(_link(pages[2][1], "prev")).get_data(as_text=True)
    assert _references(back) == oldest_first[4:8]
    first = client.get(_link(pages[1][1], "prev")).get_data(as_text=True)
    assert _references(first) == oldest_first[:4] and _link(first, "prev") is None


def test_a_page_link_of_another_list_is_refused_in_words(client, make_user, waiting):
    waiting([1, 2])
    log_in(client, make_user("secretariat"))
    response = client.get("/grants/screening?after=bm90IGEgY3Vyc29y")
    assert response.status_code == 400
    assert "start again from the first page" in response.get_data(as_text=True)


def test_a_page_of_the_queue_costs_the_same_statements_at_two_sizes(client, make_user,
                                                                    waiting):
    log_in(client, make_user("secretariat"))
    counts = []
    for days in ([1, 2, 3, 4, 5, 6], list(range(7, 25))):
        waiting(days)
        for url in ("/grants/screening", None):
            if url is None:  # the second page, by the first page's Next
                url = _link(client.get("/grants/screening").get_data(as_text=True), "next")
            client.get(url)  # warm caches
            with counting(db.engine) as statements:
                assert client.get(url).status_code == 200
            counts.append(len(statements))
    assert counts[:2] == counts[2:], counts
