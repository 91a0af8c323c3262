"""The application list moves by cursor: Next and Previous walk every file exactly once, in
every order, and the count stops at a limit instead of reading the whole table."""

import html
import re

import pytest

from models import Application, Organisation, db, write_intent
from webui.file_lists import listing
from workflow.engine import kept
from workflow.people import accounts

ROW = re.compile(r'<a href="/applications/(\d+)">')


def _ids(body: str) -> list[int]:
    return [int(n) for n in ROW.findall(body)]


def _link(body: str, rel: str) -> str | None:
    match = re.search(rf'rel="{rel}" href="([^"]+)"', body)
    return html.unescape(match.group(1)) if match else None


@pytest.fixture
def files(make_application, make_org, monkeypatch):
    """13 submitted files over two countries, some approved, some with equal titles; 5 per
    page."""
    monkeypatch.setattr(listing, "PER_PAGE", 5)
    th, ke = make_org(country_code="TH"), make_org(country_code="KE")
    made = []
    for n in range(13):
        application = make_application("grant", organisation=th if n % 3 else ke,
                                       title=f"Course {n % 4}", requested_yen=100_000 + n % 5,
                                       state="submitted")
        if n % 2:
            application.approved_yen = 50_000 * (n % 4)
        made.append(application)
    db.session.commit()
    return made


def _walk(client, url: str) -> tuple[list[int], list[str]]:
    """Follow Next to the end; the ids seen and the page labels."""
    seen, labels = [], []
    while url:
        body = client.get(url).get_data(as_text=True)
        seen += _ids(body)
        labels += re.findall(r"Page [\d,]+(?: of [\d,]+)?", body)
        url = _link(body, "next")
    return seen, labels


@pytest.mark.parametrize("sort", ["created", "reference", "title", "organisation", "country",
                                  "state", "requested", "approved", "updated"])
@pytest.mark.parametrize("direction", ["asc", "desc"])
def test_next_walks_every_file_once_in_order(client, login_as, files, monkeypatch, sort,
                                             direction):
    login_as("auditor")
    seen, labels = _walk(client, f"/applications/?sort={sort}&direction={direction}")
    assert sorted(seen) == sorted(a.id for a in files)
    assert labels == ["Page 1 of 3", "Page 2 of 3", "Page 3 of 3"]
    # The same order as one page holding them all.
    monkeypatch.setattr(listing, "PER_PAGE", 50)
    whole = _ids(client.get(f"/applications/?sort={sort}&direction={direction}")
                 .get_data(as_text=True))
    assert seen == whole


def test_previous_goes_back_to_the_same_rows(client, login_as, files):
    login_as("auditor")
    pages, url = [], "/applications/?country=TH&sort=title&direction=asc"
    while url:
        body = client.get(url).get_data(as_text=True)
        pages.append((_ids(body), body))
        url = _link(body, "next")
    assert [len(ids) for ids, _ in pages] == [5, 3]  # 8 Thai files
    back = client.get(_link(pages[1][1], "prev")).get_data(as_text=True)
    assert _ids(back) == pages[0][0] and "Page 1 of 2" in back


def test_a_third_page_back_uses_the_cursor(client, login_as, files):
    login_as("auditor")
    first = client.get("/applications/").get_data(as_text=True)
    second = client.get(_link(first, "next")).get_data(as_text=True)
    third = client.get(_link(second, "next")).get_data(as_text=True)
    back = client.get(_link(third, "prev")).get_data(as_text=True)
    assert "before=" in _link(third, "prev")
    assert _ids(back) == _ids(second) and "Page 2 of 3" in back


@pytest.mark.parametrize("query", ["after=garbage", "after=W10", "before=bm90IGpzb24",
                                   "after=WyJ0aXRsZSIsdHJ1ZSxbMSwyXV0"])
def test_a_broken_or_foreign_cursor_is_told_not_a_500(client, login_as, files, query):
    login_as("auditor")
    response = client.get(f"/applications/?{query}")
    assert response.status_code == 400
    assert "start again from the first page" in response.get_data(as_text=True)


def test_a_cursor_of_another_order_is_refused(client, login_as, files):
    login_as("auditor")
    body = client.get("/applications/?sort=title").get_data(as_text=True)
    cursor = re.search(r"after=([^&\"]+)", _link(body, "next")).group(1)
    response = client.get(f"/applications/?sort=requested&after={cursor}")
    assert response.status_code == 400


def test_deep_pages_are_reached_by_cursor_not_by_number(client, login_as, files):
    login_as("auditor")
    response = client.get(f"/applications/?page={listing.NUMBERED_PAGES + 1}")
    assert response.status_code == 400
    assert "Next" in response.get_data(as_text=True)
    assert client.get(f"/applications/?page={listing.NUMBERED_PAGES}").status_code == 200


def test_applicants_pages_hold_their_files_only(client, login_as, files, make_application):
    mine = files[1].organisation
    login_as("applicant", organisation=mine)
    seen, _ = _walk(client, "/applications/")
    assert sorted(seen) == sorted(a.id for a in files if a.organisation_id == mine.id)


def test_the_count_stops_at_the_limit(client, login_as, files, monkeypatch):
    login_as("auditor")
    monkeypatch.setattr(listing, "COUNT_LIMIT", 10)
    body = client.get("/applications/").get_data(as_text=True)
    assert "more than 10 found" in body and "Page 1</span>" in body and _link(body, "next")
    body = client.get("/applications/?country=KE").get_data(as_text=True)
    kenyan = db.session.query(Application).filter(
        Application.organisation_id == files[0].organisation_id).count()
    assert f"{kenyan} found" in body and "more than" not in body


def test_a_column_heading_sorts_the_filtered_list_and_then_reverses_it(client, login_as,
                                                                      files):
    login_as("secretariat")

    def heading(body: str, label: str) -> str:
        return html.unescape(re.search(rf'<a href="([^"]+)">{label}[ ▲▼]*</a></th>',
                                       body).group(1))

    body = client.get("/applications/?country=KE&q=course").get_data(as_text=True)
    url = heading(body, "Title")
    assert url.startswith("/applications/?") and "country=KE" in url and "q=course" in url
    body = client.get(url).get_data(as_text=True)
    kenyan = sorted((a for a in files if a.organisation_id == files[0].organisation_id),
                    key=lambda a: (a.title, a.id))
    # A new column sorts descending first, then ascending when clicked again.
    assert _ids(body) == [a.id for a in reversed(kenyan)] and "5 found" in body
    body = client.get(heading(body, "Title")).get_data(as_text=True)
    assert _ids(body) == [a.id for a in kenyan]


def test_the_count_is_kept_between_pages_but_follows_every_change(client, login_as, files,
                                                                  make_application,
                                                                  make_user):
    """Each worker keeps a filter's count, but a new file, a file that moves and an
    organisation that moves all show at once."""
    from tests.conftest import fire

    login_as("secretariat")

    def found(query: str = "") -> str:
        body = client.get(f"/applications/{query}").get_data(as_text=True)
        return re.search(r'class="[^"]*found">([^<]*) found<', body).group(1)

    kenyan = files[0].organisation
    assert (found(), found(), found("?country=KE")) == ("13", "13", "5")
    moving = make_application("grant", organisation=kenyan, state="submitted")
    assert (found(), found("?country=KE"), found("?state=screening")) == ("14", "6", "0")
    fire(moving, "start_screening", make_user("secretariat"))
    assert (found("?state=screening"), found("?country=KE")) == ("1", "6")
    _save_organisation(kenyan, country_code="TZ")  # an organisation moves: no file changes
    assert (found("?country=KE"), found("?country=TZ")) == ("0", "6")


def _save_organisation(org: Organisation, **changes) -> None:
    """As the admin's form saves it: through workflow.accounts, in a transaction of its own."""
    fields = {name: getattr(org, name) for name in ("kind", "name", "country_code", "city",
                                                     "industry", "capital_yen", "employees")}
    db.session.commit()
    with write_intent(True):
        accounts.save_organisation(org, **{**fields, **changes})
        db.session.commit()


def test_the_organisation_filter_follows_new_and_renamed_organisations(client, login_as,
                                                                      make_org):
    """The filter's choices are kept between pages, but not past a change to them."""
    login_as("secretariat")
    first = make_org(name="Alumni Society of Lanna")

    def offered() -> list[str]:
        body = client.get("/applications/").get_data(as_text=True)
        select = re.search(r'<select[^>]*name="organisation_id">(.*?)</select>', body, re.S)
        return re.findall(r"<option[^>]*>([^<]*)</option>", select.group(1))

    assert "Alumni Society of Lanna" in offered()
    make_org(name="Alumni Society of Isan")
    assert {"Alumni Society of Lanna", "Alumni Society of Isan"} <= set(offered())
    _save_organisation(first, name="Lanna Alumni Society")
    names = offered()
    assert "Lanna Alumni Society" in names and "Alumni Society of Lanna" not in names
    db.session.delete(first)  # the app deletes no organisation: as it would if it did
    kept.catalogue_changed(db.session.connection())
    db.session.commit()
    assert "Lanna Alumni Society" not in offered()
