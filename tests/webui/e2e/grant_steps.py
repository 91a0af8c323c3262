"""The steps of a WNF grant as its users take them, each through the real page and form."""

from __future__ import annotations

import io
import re
from datetime import date, timedelta

from sqlalchemy import select

from models import Application, db
from tests.conftest import once_key

from .conftest import Cast
from .pages import page, post, reload, text

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
TITLE = "Kaizen training for SME supervisors"
REQUESTED = 800_000  # the WNF-funded lines of the budget below
EVERYONE = ("applicant", "secretariat", "member1", "member5", "chair", "finance1", "finance2",
            "auditor")


def proposal(cast: Cast) -> dict:
    """Every field of the proposal: WNF ¥800,000, own ¥300,000 (25 %), partner ¥100,000."""
    return {
        "title": TITLE, "programme_type": "training_course",
        "objectives": "Train 30 supervisors in kaizen and 5S.\nSpread the method to partners.",
        "start_date": (date.today() + timedelta(days=60)).isoformat(),
        "end_date": (date.today() + timedelta(days=64)).isoformat(),
        "venue_country": "TH", "venue_city": "Bangkok", "expected_participants": "30",
        "partner_ids": [str(cast.partner.id)],
        "participants-0-country_code": "TH", "participants-0-participants": "20",
        "participants-1-country_code": "VN", "participants-1-participants": "10",
        "budget-0-category": "Lecturers", "budget-0-description": "Two Japanese experts",
        "budget-0-amount_yen": "500,000", "budget-0-funded_by": "wnf",
        "budget-1-category": "Travel", "budget-1-description": "Participants' flights",
        "budget-1-amount_yen": "300000", "budget-1-funded_by": "wnf",
        "budget-2-category": "Venue", "budget-2-description": "Conference hall, 5 days",
        "budget-2-amount_yen": "300,000", "budget-2-funded_by": "own",
        "budget-3-category": "Materials", "budget-3-description": "Printed manuals",
        "budget-3-amount_yen": "100,000", "budget-3-funded_by": "partner",
        "save": "Save the draft",
    }


def draft(cast: Cast) -> Application:
    """The applicant creates a draft in the open round, fills in every field, attaches a PDF."""
    applicant = cast.client("applicant")
    shown = text(applicant.get("/grants/new"))
    assert cast.round.name in shown
    response = applicant.post("/grants/new", data={"round_id": str(cast.round.id),
                                                   "title": TITLE, **once_key(shown)})
    assert response.status_code == 302, text(response)
    application = db.session.scalar(select(Application).order_by(Application.id.desc()))
    assert response.headers["Location"] == f"/grants/{application.id}/edit"
    assert cast.partner.name in text(applicant.get(response.headers["Location"]))
    response = applicant.post(f"/grants/{application.id}/edit", data=proposal(cast))
    assert response.status_code == 302, text(response)
    shown = text(applicant.get(f"/grants/{application.id}/attachments"))
    response = applicant.post(f"/grants/{application.id}/attachments",
                              data={"file": (io.BytesIO(PDF), "programme.pdf"),
                                    **once_key(shown)},
                              content_type="multipart/form-data")
    assert response.status_code == 302, text(response)
    return reload(application)


def done(response) -> str:
    """The page a successful form led to (through its redirect), flashes included."""
    page_text = text(response)
    problem = re.search(r'class="lead error-message">(.*?)<', page_text, re.S)
    assert response.status_code == 200 and response.via is not None, (
        response.status_code, problem.group(1) if problem else page_text[-3000:])
    return text(response)


def press(cast: Cast, who: str, application: Application, trigger: str, **fields):
    """Press a plain workflow button of the application page, with the version it showed."""
    version = reload(application).version
    return post(cast.client(who), f"/applications/{application.id}/actions/{trigger}",
                data={"version": str(version), **fields})


def tick_checklist(cast: Cast, application: Application) -> None:
    items = re.findall(r'name="items" value="(\w+)"', page(cast, "secretariat", application))
    assert len(items) == 7
    shown = done(post(cast.client("secretariat"), f"/grants/{application.id}/checklist",
                      data={"items": items, "back": "application"}))
    assert "checklist saved (7 ticked, 0 cleared)" in shown


def submit_and_screen(cast: Cast, application: Application) -> None:
    for who, trigger in (("applicant", "submit"), ("secretariat", "start_screening")):
        done(press(cast, who, application, trigger))


def refer(cast: Cast, application: Application) -> Application:
    """The secretariat ticks the whole checklist and refers the proposal to the committee."""
    tick_checklist(cast, application)
    done(press(cast, "secretariat", application, "refer_to_committee"))
    return reload(application)


def vote(cast: Cast, who: str, application: Application, choice: str, comment: str = ""):
    return post(cast.client(who), f"/committee/applications/{application.id}/vote",
                data={"choice": choice, "comment": comment})


def tally(cast: Cast, application: Application) -> dict:
    """The chair reads the live tally, from the URL the ballot panel polls."""
    url = re.search(r'data-tally-url="([^"]+)"', page(cast, "chair", application)).group(1)
    return cast.client("chair").get(url).get_json()


def close(cast: Cast, application: Application, **fields):
    data = {"version": str(reload(application).version), "approved_yen": "",
            "conditions": "", "casting_vote": "", **fields}
    return post(cast.client("chair"), f"/committee/applications/{application.id}/close",
                data=data)


def keyed_form(page_html: str, action: str) -> tuple[str, str]:
    """(URL, one-time key) of the first finance form whose action matches the pattern."""
    match = re.search(rf'action="({action})"', page_html)
    assert match, f"no form {action} on the page"
    key = re.search(r'name="idempotency_key" value="([^"]+)"', page_html[match.end():])
    return match.group(1), key.group(1)


def request_tranche(cast: Cast, who: str, application: Application, amount: str,
                    note: str = ""):
    url, key = keyed_form(page(cast, who, application),
                          f"/finance/applications/{application.id}/tranches")
    return post(cast.client(who), url, data={"idempotency_key": key, "amount_yen": amount,
                                             "note": note})


def authorise_form(cast: Cast, who: str, application: Application) -> tuple[str, dict]:
    """The Authorise form as `who`'s page shows it: its URL and what it sends."""
    url, key = keyed_form(page(cast, who, application), r"/finance/tranches/\d+/authorise")
    return url, {"idempotency_key": key}


def final_report(cast: Cast, application: Application, spent: dict[str, str],
                 participants: dict[str, str]):
    """The applicant fills in the report form, whose lines start from the proposal's budget."""
    applicant = cast.client("applicant")
    form = text(applicant.get(f"/grants/{application.id}/report"))
    data = {"version": re.search(r'name="version"[^>]*value="(\d+)"', form).group(1),
            "outcomes": "28 supervisors trained; 5S adopted in 12 plants.",
            "submit": "Submit the final report", **once_key(form)}
    lines = re.findall(r'name="expenses-(\d+)-budget_line_id"[^>]*value="(\d+)"', form)
    categories = re.findall(r'name="expenses-\d+-category"[^>]*value="([^"]*)"', form)
    assert categories[:len(lines)] == list(spent), categories
    funded = {"Lecturers": "wnf", "Travel": "wnf", "Venue": "own", "Materials": "partner"}
    for (index, line_id), category in zip(lines, spent, strict=True):
        data.update({f"expenses-{index}-budget_line_id": line_id,
                     f"expenses-{index}-category": category,
                     f"expenses-{index}-amount_yen": spent[category],
                     f"expenses-{index}-funded_by": funded[category]})
    for index, (country, count) in enumerate(participants.items()):
        data.update({f"participants-{index}-country_code": country,
                     f"participants-{index}-participants": count})
    return post(applicant, f"/grants/{application.id}/report", data=data)
