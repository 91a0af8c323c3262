"""Each key page in Chromium on a throttled "slow 3G" network (issue 24): load time on a
first visit (empty cache) and on the next one, and the bytes each took.

    python -m bench.slow_network [--database-url URL] [--runs 3]

The living demo is seeded and served by gunicorn (2 workers) on loopback; Chromium's
network is slowed as DevTools' network conditions do (400 kbit/s each way, 400 ms round
trip). A page's time runs from the navigation's start to its load event; each figure is the
median of the runs. The bytes are those of the browser tests' budgets
(tests/webui/browser/transfer.py).
"""

from __future__ import annotations

import argparse
import statistics
from datetime import date

from playwright.sync_api import sync_playwright
from sqlalchemy import select

from demo import living
from models import Application, User, db, write_intent
from tests.conftest import ready_for_a_code, totp_code
from tests.webui.browser.conftest import CHROMIUM_ARGS, chromium_path
from tests.webui.browser.transfer import Transfers, total
from workflow.people.security import requires_second_factor

from . import serving
from .common import fresh_app, save

SLOW_3G = {"down_kbit": 400, "up_kbit": 400, "rtt_ms": 400}
STAFF = "secretariat@wnf.example"
HOMES = {"applicant": "applicant.th@wnf.example", "company": "sme@wnf.example",
         "secretariat": STAFF, "committee member": "member1@wnf.example",
         "chair": "chair@wnf.example", "finance": "finance1@wnf.example",
         "auditor": "auditor@wnf.example", "admin": "admin@wnf.example"}
GRANT_STATES = ("closed", "report_submitted", "in_implementation", "approved")
LOAN_STATES = ("active", "in_arrears", "repaid", "contracted", "approved")
LOAD_MS = """() => { const n = performance.getEntriesByType("navigation")[0];
                     return Math.round(n.loadEventEnd - n.startTime); }"""


def _file(kind: str, states: tuple[str, ...]) -> int:
    found = dict(db.session.execute(
        select(Application.state, Application.id).where(Application.kind == kind)
        .order_by(Application.id.desc())).all())
    return next(found[s] for s in states if s in found)


def key_pages() -> dict[str, tuple[str | None, str]]:
    """Each page's name → (who opens it, None for a visitor; its path)."""
    grant, loan = _file("grant", GRANT_STATES), _file("loan", LOAN_STATES)
    pages = {"login": (None, "/auth/login")}
    pages |= {f"home ({role})": (email, "/home") for role, email in HOMES.items()}
    pages |= {"applications list": (STAFF, "/applications/"),
              "grant file": (STAFF, f"/applications/{grant}"),
              "loan file": (STAFF, f"/applications/{loan}"),
              "portfolio": (STAFF, "/portfolio/"),
              "diagram": (STAFF, f"/applications/{grant}/diagram")}
    return pages


def _log_in(page, base: str, email: str) -> None:
    user = db.session.scalar(select(User).where(User.email == email))
    code = None
    if requires_second_factor(user):
        with write_intent(True):
            ready_for_a_code(user)  # enrolled, as if the QR code had been scanned
        code = totp_code(user)
    db.session.rollback()  # no transaction held while the server works
    page.goto(f"{base}/auth/login")
    page.get_by_label("Email", exact=True).fill(email)
    page.get_by_label("Password", exact=True).fill(living.DEMO_PASSWORD)
    page.get_by_role("button", name="Log in", exact=True).click()
    if code:
        page.get_by_label("Code", exact=True).fill(code)
        page.get_by_role("button", name="Continue", exact=True).click()
    page.wait_for_url(f"{base}/home")


def _measure(browser, base: str, who: str | None, path: str, runs: int) -> dict:
    figures: dict[str, list[int]] = {"first_ms": [], "repeat_ms": [], "first_bytes": [],
                                     "repeat_bytes": []}
    for _ in range(runs):
        context = browser.new_context(base_url=base)
        try:
            page = context.new_page()
            if who:
                _log_in(page, base, who)
            transfers = Transfers(page)
            transfers.forget_the_cache()
            transfers.throttle(**SLOW_3G)
            for visit in ("first", "repeat"):
                requests = transfers.visit(base + path)
                figures[f"{visit}_ms"].append(page.evaluate(LOAD_MS))
                figures[f"{visit}_bytes"].append(total(requests))
        finally:
            context.close()
    return {k: int(statistics.median(v)) for k, v in figures.items()}


def run(database_url: str | None, runs: int = 3) -> dict:
    app, url = fresh_app(database_url)
    with app.app_context():
        result = app.test_cli_runner().invoke(args=["demo", "seed"])
        assert result.exit_code == 0, result.output
        db.session.commit()
        pages = key_pages()
        db.session.rollback()
        executable, sought = chromium_path()
        if executable is None:
            return {"skipped": f"no Chromium at {sought}"}
        measured = {}
        with serving.gunicorn("webui.wsgi:app", url) as (base, _), sync_playwright() as p:
            browser = p.chromium.launch(executable_path=executable, headless=True,
                                        args=CHROMIUM_ARGS)
            try:
                for name, (who, path) in pages.items():
                    measured[name] = _measure(browser, base, who, path, runs)
                    print(f"{name:28} {measured[name]}", flush=True)
            finally:
                browser.close()
    figures = {"profile": SLOW_3G, "runs": runs, "day": date.today().isoformat(),
               "pages": measured}
    save("slow_network", figures)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="default: a fresh SQLite file")
    parser.add_argument("--runs", type=int, default=3, help="visits of each page (median)")
    args = parser.parse_args()
    run(args.database_url, args.runs)


if __name__ == "__main__":
    main()
