"""`flask demo seed`: grants and loans in every state, made by the real workflow."""

from __future__ import annotations

import html
from datetime import date

import pytest
from sqlalchemy import select

from demo.living import DEMO_PASSWORD, HAMAMATSU, KYOTO
from models import Application, Attachment, Donation, Organisation, ReportParticipant, User, db
from screenshots.pages import ROLES, resolved_paths
from tests.conftest import log_in
from tests.pdf_text import printed_characters
from workflow.committee import lists
from workflow.engine import audit, registry
from workflow.files import japanese_font

from . import checks
from .conftest import row_counts


@pytest.fixture
def app(demo_app):
    """The demo seeded once for the test process (tests.conftest.seeded_demo): each test
    here reads it, and none changes what another reads (a login writes only its own session
    and attempt; seeding again adds nothing)."""
    return demo_app


def states_of(kind: str) -> set[str]:
    return set(db.session.scalars(select(Application.state).where(Application.kind == kind)))


def test_every_state_of_both_workflows_is_shown(app):
    for kind in ("grant", "loan"):
        wanted = {s.name for s in registry.get(kind).states}
        assert states_of(kind) == wanted, f"{kind}: missing {wanted - states_of(kind)}"


def test_the_demo_holds_together(app):
    """The chain verifies; paths, versions, references, ballots, ledger and loans add up."""
    assert audit.verify().ok
    problems = (checks.paths_follow_the_workflow() + checks.references_unique()
                + checks.ledger_consistent() + checks.ballots_consistent()
                + checks.loans_consistent(date.today()) + checks.chronological()
                + checks.rounds_within_budget() + checks.loans_carry_their_documents())
    assert problems == []


def test_the_demo_has_donations_reports_and_files(app):
    donors = {d.donor_kind for d in db.session.scalars(select(Donation))}
    assert donors == {"alumni_society", "person", "company"}
    countries = set(db.session.scalars(select(ReportParticipant.country_code)))
    assert {"TH", "VN", "MM"} <= countries
    stored = db.session.scalars(select(Attachment)).all()
    assert {a.kind for a in stored} == {"proposal", "report", "agreement", "business_plan",
                                        "financial_statements"}
    with open(f"{app.config['UPLOAD_DIR']}/{stored[0].stored_name}", "rb") as handle:
        assert handle.read().startswith(b"%PDF-1.")


@pytest.mark.skipif(not japanese_font.SOURCE.is_file(), reason="needs fonts-noto-cjk")
def test_the_japanese_companies_documents_are_in_japanese_and_the_societies_in_english(app):
    def printed(attachment: Attachment) -> tuple[set[str], bytes]:
        with open(f"{app.config['UPLOAD_DIR']}/{attachment.stored_name}", "rb") as handle:
            data = handle.read()
        return printed_characters(data), data

    for attachment in db.session.scalars(select(Attachment)):
        characters, data = printed(attachment)
        company = db.session.get(Application, attachment.application_id).organisation.name
        if attachment.kind in ("business_plan", "financial_statements"):
            label = {"business_plan": "事業計画書", "financial_statements": "直近の財務諸表"}
            assert set(label[attachment.kind] + company + "作成日") <= characters
        elif attachment.kind == "agreement":
            assert set("金銭消費貸借契約書" + company + "融資額円締結日") <= characters
        else:  # an alumni society's programme or report, in English and the core font
            assert characters == set() and b"/BaseFont /Helvetica" in data


def test_seeding_twice_adds_nothing(app, seed):
    first = row_counts()  # after the module's seed
    seed()
    assert row_counts() == first


def _log_in_as(client, email: str):
    user = db.session.scalar(select(User).where(User.email == email))
    response = log_in(client, user, DEMO_PASSWORD)
    assert response.status_code == 302, response.get_data(as_text=True)
    return user


def test_the_thai_applicant_sees_the_thai_proposals_only(app, client):
    thai = db.session.scalars(select(Application).join(Application.organisation).where(
        Application.kind == "grant")).all()
    ours = [a for a in thai if a.organisation.country_code == "TH"]
    theirs = [a for a in thai if a.organisation.country_code != "TH"]
    _log_in_as(client, "applicant.th@wnf.example")
    page = html.unescape(client.get("/applications/").get_data(as_text=True))
    assert ours and all(a.reference in page for a in ours)
    assert not any(a.reference in page for a in theirs)


@pytest.mark.parametrize("role", ROLES, ids=lambda role: role.slug)
def test_every_page_make_screenshots_takes_opens_for_its_role(app, client, role):
    paths = resolved_paths(role)
    if role.files:  # the role is shown on a file the demo has and it may open
        assert any(path.rstrip("/").split("/")[-1].isdigit() for _, path in paths), paths
    _log_in_as(client, role.email)
    answers = {path: client.get(path).status_code for _, path in paths}
    assert answers == dict.fromkeys(answers, 200)


@pytest.mark.parametrize("member, awaiting", [
    ("member1@wnf.example", 3),  # has voted on none of the three open ballots
    ("member2@wnf.example", 0),  # recused from the Indian proposal, voted on the others
    ("member5@wnf.example", 0),  # voted on one, declared a conflict on another; not on SME
])
def test_members_have_ballots_awaiting_their_vote(app, client, member, awaiting):
    user = _log_in_as(client, member)
    waiting = lists.ballots_awaiting(user)
    assert len(waiting) == awaiting
    page = html.unescape(client.get("/committee/").get_data(as_text=True))
    assert all(b.application.title in page for b in waiting)


def test_the_demo_has_a_committee_per_programme_each_with_its_deputy(app):
    from workflow.people import committees

    by_email = {u.email.split("@")[0]: committees.seats_of(u)
                for u in db.session.scalars(select(User))}
    for society_member in ("member2", "member3", "member4", "member5"):
        assert by_email[society_member] == {"WNF": {"member"}}, society_member
    assert by_email["chair"] == {"WNF": {"chair", "member"}, "SME": {"chair", "member"}}
    assert by_email["deputy.wnf"]["WNF"] >= {"deputy_chair"} and "SME" not in by_email[
        "deputy.wnf"]
    assert by_email["deputy.sme"]["SME"] >= {"deputy_chair"} and "WNF" not in by_email[
        "deputy.sme"]


def test_the_japanese_companies_have_their_readings_and_are_found_by_them(app, client):
    readings = dict(db.session.execute(select(Organisation.name, Organisation.name_reading)
                                       .where(Organisation.kind == "company",
                                              Organisation.name.in_((HAMAMATSU, KYOTO)))).all())
    assert readings == {HAMAMATSU: "ハママツセイミツブヒンカブシキガイシャ",
                        KYOTO: "キョウトテキスタイルショウジカブシキガイシャ"}
    log_in(client, db.session.scalar(select(User).where(User.email == "auditor@wnf.example")),
           DEMO_PASSWORD)
    found = html.unescape(client.get("/loans/?q=はままつ").get_data(as_text=True))
    assert "ハママツセイミツブヒンカブシキガイシャ</span>" + HAMAMATSU in found
    assert "キョウトテキスタイルショウジカブシキガイシャ</span>" not in found  # the other's files
