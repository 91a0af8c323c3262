"""The locustfile of the load test: the people of a working day, acting through the pages.

    locust -f bench/load_users.py --headless …   (bench.load_day runs it; not by hand)

Each simulated user logs in with an account of its own (WNF_LOAD_ACCOUNTS: the JSON that
bench.load_setup wrote), with its TOTP code when its role needs one, and then does what its
role does on a day: fetch a page, read its form (CSRF token, the version seen, the one-time
key), send it, and read the flashed answer on the page it lands on. What each user did —
the tranches it had released, the repayments it had recorded, each with a reference of its
own — goes to WNF_LOAD_ACTIONS at the end, for bench.load_ledger to hold the ledger to.

A refusal (someone else moved the file first: the 409 page, or a danger flash) is an
answer, counted apart from the errors (a 5xx, a 400 or any status no page should give).
"""

from __future__ import annotations

import json
import os
import random
import re
import uuid
from collections import Counter

import gevent
import pyotp
from locust import FastHttpUser, constant, events, task

from bench.load_forms import Form, flashes, form_to, links, refusal

THINK = float(os.environ.get("WNF_LOAD_THINK", "0"))
SECONDS = float(os.environ.get("WNF_LOAD_SECONDS", "60"))
USERS = int(os.environ.get("WNF_LOAD_USERS", "32"))
APPLICATION = r"/applications/\d+"
SENT: list[dict] = []  # the forms that move money the users sent, and what they were told
OUTCOMES: Counter = Counter()  # (action, outcome) → count
REASONS: Counter = Counter()  # (action, the refusal's first words) → count




def _accounts() -> dict[str, list[dict]]:
    """role → its accounts; none for the baseline's run."""
    by_role: dict[str, list[dict]] = {}
    if path := os.environ.get("WNF_LOAD_ACCOUNTS"):
        with open(path) as source:
            for account in json.load(source):
                by_role.setdefault(account["role"], []).append(account)
    return by_role


ACCOUNTS = _accounts()


_ready: list[int] = []


def _arrived(environment) -> None:
    """Once every user is signed in, the figures start afresh and the day lasts SECONDS:
    the logins' password hashing is not part of the day's mix."""
    _ready.append(1)
    if len(_ready) == USERS:
        environment.stats.reset_all()
        if marker := os.environ.get("WNF_LOAD_READY"):
            open(marker, "w").close()  # bench.load_watch starts counting
        gevent.spawn_later(SECONDS, environment.runner.quit)


@events.test_stop.add_listener
def _write_actions(**_kwargs) -> None:
    path = os.environ.get("WNF_LOAD_ACTIONS")
    if path:
        with open(path, "w") as out:
            json.dump({"sent": SENT, "outcomes": [[*key, n] for key, n in OUTCOMES.items()],
                       "refusals": [[*key, n] for key, n in REASONS.most_common(30)]}, out)


class Person(FastHttpUser):
    """A signed-in user of the app: pages, forms and the answers they give."""

    abstract = True
    wait_time = constant(THINK)
    role = ""

    def on_start(self) -> None:
        self.account = ACCOUNTS[self.role].pop(0)
        self.rng = random.Random(self.account["email"])
        try:
            for _attempt in range(3):  # a TOTP code may age past its window on a busy host
                if self._log_in():
                    break
            else:
                OUTCOMES[("log in", "refused")] += 1
                raise RuntimeError(f"{self.account['email']} could not log in")
        finally:
            _arrived(self.environment)  # the day starts when all have tried

    def _log_in(self) -> bool:
        form = self._form("/auth/login", r"/auth/login", "login")
        answer = self.client.post(form.action, data=form.data(
            email=self.account["email"], password=self.account["password"]),
            name="POST login", allow_redirects=False)
        if self.account["totp_secret"] and "/auth/two-factor" in answer.headers.get(
                "Location", ""):
            code_form = self._form("/auth/two-factor", r"/auth/two-factor", "login")
            code = pyotp.TOTP(self.account["totp_secret"]).now()
            answer = self.client.post(code_form.action, data=code_form.data(code=code),
                                      name="POST login", allow_redirects=False)
        return answer.status_code == 302 and "/auth/" not in answer.headers.get("Location", "")

    def _form(self, url: str, action: str, kind: str) -> Form:
        html = self.page(url, kind)
        form = form_to(html or "", action, url)
        if form is None:
            raise RuntimeError(f"no form to {action} on {url}")
        return form

    def page(self, url: str, kind: str) -> str | None:
        """GET a page, timed under its kind; its HTML when it is a 200."""
        with self.client.get(url, name=kind, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code} for {url}")
                return None
            return response.text

    def send(self, action: str, form: Form, **changes: str) -> str:
        """POST a form as the page gave it, with the user's changes; read where it lands.

        Returns "done", "refused" (409, or a danger flash, or the form shown again) or
        "error" (counted by Locust as a failure).
        """
        with self.client.post(form.action, data=form.data(**changes), name=f"POST {action}",
                              catch_response=True, allow_redirects=False) as response:
            status, html = response.status_code, ""
            if status in (200, 409):  # the form again with why, or the 409 page: an answer
                outcome, html = "refused", response.text
                response.success()
            elif status == 302:
                outcome = "landed"
            else:
                response.failure(f"{status} for POST {form.action}")
                outcome = "error"
        if outcome == "landed":
            location = response.headers.get("Location", "")
            html = self.page(location, _kind(location)) or ""
            said = [category for category, _ in flashes(html)]
            outcome = "refused" if "danger" in said else "done"
        OUTCOMES[(action, outcome)] += 1
        if outcome == "refused":
            REASONS[(action, refusal(html))] += 1
        return outcome

    def pick(self, html: str | None, pattern: str = APPLICATION, first: int = 50) -> str | None:
        found = links(html or "", pattern)[:first]
        return self.rng.choice(found) if found else None

    @task(2)
    def home(self) -> None:
        self.page("/home", "home")


def _kind(url: str) -> str:
    """The page kind a URL is timed under."""
    path = url.split("://", 1)[-1].split("/", 1)[-1].split("#")[0]
    path = "/" + path
    if re.fullmatch(r"/applications/\d+", path):
        return "application page"
    if path.startswith("/applications/"):
        return "application list"
    return path.split("?")[0]


class Applicant(Person):
    """Browses the society's files, edits its drafts, sometimes submits one."""

    role = "applicant"

    @task(3)
    def my_files(self) -> None:
        html = self.page("/applications/", "application list")
        if url := self.pick(html):
            self.page(url, "application page")

    @task(3)
    def edit_draft(self) -> None:
        html = self.page("/applications/?state=draft", "application list")
        if not (url := self.pick(html)):
            return
        edit = self.pick(self.page(url, "application page"), r"/(?:grants|loans)/\d+/edit")
        if edit is None:
            return
        form = form_to(self.page(edit, "proposal form") or "", r"/edit$", edit)
        if form is not None:
            field = "objectives" if "objectives" in form.fields else "project"
            text = form.fields.get(field, "")
            self.send("edit proposal", form, **{field: (text + " Revised.")[-2000:]})

    @task(1)
    def submit_draft(self) -> None:
        html = self.page("/applications/?state=draft", "application list")
        if url := self.pick(html):
            form = form_to(self.page(url, "application page") or "", r"/actions/submit$")
            if form is not None:
                self.send("submit", form)


class Member(Person):
    """Votes on the ballots awaiting them, the oldest first, as the committee page lists."""

    role = "member"

    @task(6)
    def vote(self) -> None:
        html = self.page("/committee/", "committee page")
        if not (url := self.pick(html, first=5)):
            return
        form = form_to(self.page(url, "application page") or "", r"/vote$")
        if form is not None:
            choice = self.rng.choices(["approve", "reject", "abstain"], [7, 2, 1])[0]
            self.send("vote", form, choice=choice, comment="")

    @task(1)
    def read_file(self) -> None:
        if url := self.pick(self.page("/applications/?state=committee_review",
                                      "application list")):
            self.page(url, "application page")


class Secretariat(Person):
    """Screens what came in: starts screening, refers grants to the committee, loans to the
    credit assessment; looks at the funds and the portfolio now and then."""

    role = "secretariat"
    MOVES = {"submitted": ("start_screening",),
             "screening": ("refer_to_committee", "refer_to_assessment")}

    @task(5)
    def screen(self) -> None:
        state = self.rng.choice(list(self.MOVES))
        html = self.page(f"/applications/?state={state}", "application list")
        if not (url := self.pick(html)):
            return
        page = self.page(url, "application page") or ""
        for trigger in self.MOVES[state]:
            if form := form_to(page, rf"/actions/{trigger}$"):
                self.send(trigger, form)
                return

    @task(1)
    def funds(self) -> None:
        self.page(f"/funds/{self.rng.choice(['WNF', 'SME'])}", "fund page")

    @task(1)
    def portfolio(self) -> None:
        self.page("/portfolio/", "portfolio")


class Finance(Person):
    """Requests tranches, authorises those another officer requested (four eyes), records
    the loans' repayments; now and then sends a form twice (a double click)."""

    role = "finance"

    @task(4)
    def tranches(self) -> None:
        html = self.page("/finance/", "finance queue")
        if not (url := self.pick(html, r"/applications/\d+", first=20)):
            return
        page = self.page(url, "application page") or ""
        if form := form_to(page, r"/finance/tranches/\d+/authorise$"):
            tranche = int(re.search(r"/tranches/(\d+)/", form.action).group(1))
            self._twice("authorise", form, {"what": "release", "tranche": tranche})
        elif form := form_to(page, r"/finance/applications/\d+/tranches$"):
            note = f"LOAD-{uuid.uuid4().hex[:12]}"
            amount = str(self.rng.choice([100_000, 250_000, 500_000]))
            self.send("request tranche", form, amount_yen=amount, note=note)

    @task(3)
    def repayment(self) -> None:
        html = self.page("/applications/?state=active", "application list")
        if not (url := self.pick(html)):
            return
        number = url.rsplit("/", 1)[1]
        url = f"/loans/{number}/repayments"
        form = form_to(self.page(url, "repayment form") or "", r"/repayments$", url)
        if form is None:
            return
        reference = f"LOAD-{uuid.uuid4().hex[:12]}"
        amount = self.rng.randrange(30, 300) * 1000
        self._twice("record repayment", form, {"what": "repayment", "application": int(number),
                                               "reference": reference, "amount_yen": amount},
                    amount_yen=str(amount), bank_reference=reference)

    def _twice(self, action: str, form: Form, money: dict, **changes: str) -> None:
        """Send a form that moves money, noted in SENT with what the user then saw (none if
        the day ended first); one time in ten, send it again (it must act not at all)."""
        SENT.append(money)
        money["outcome"] = self.send(action, form, **changes)
        if self.rng.random() < 0.1:
            money["sent_again"] = self.send(f"{action} (sent again)", form, **changes)


class Chair(Person):
    """Closes the ballots whose quorum is met, the oldest first; one time in five closes
    one that has none (it is deferred and a new ballot opens)."""

    role = "chair"
    ROW = re.compile(r'<tr data-ballot="\d+".*?</tr>', re.S)

    @task(4)
    def close_ballot(self) -> None:
        html = self.page("/committee/", "committee page") or ""
        rows = [row for row in self.ROW.findall(html) if 'badge text-bg-primary">' in row]
        met = [row for row in rows if re.search(r'data-tally="quorum_met"[^>]*>\s*met', row)]
        chosen = met or (rows if self.rng.random() < 0.2 else [])
        url = self.pick("".join(chosen[:5]))
        if url is None:
            return
        form = form_to(self.page(url, "application page") or "", r"/close$")
        if form is not None and self.send("close ballot", form) == "refused":
            self.send("close ballot", form, casting_vote="approve")  # a tie: the deciding vote


class BareFlask(FastHttpUser):
    """The baseline: the same number of users, with the same think time, on bench.bare_app's
    "ok" and its 50-row list (a page with one query and a template)."""

    wait_time = constant(THINK)

    def on_start(self) -> None:
        _arrived(self.environment)

    @task(1)
    def ok(self) -> None:
        self.client.get("/", name="bare ok")

    @task(1)
    def listing(self) -> None:
        self.client.get("/list", name="bare 50-row list")


# Exactly one simulated user per account: Locust spawns each class's fixed count.
for _class in (Applicant, Member, Secretariat, Finance, Chair):
    _class.fixed_count = len(ACCOUNTS.get(_class.role, []))
