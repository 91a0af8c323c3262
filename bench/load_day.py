"""A working day under load: 32 people at once on gunicorn (4 workers) and PostgreSQL at
100,000 files, then bare Flask under the same Locust users, and the ledger checked after.

    python -m bench.load_day [--files 100000] [--seconds 180] [--database-url URL]
    make load [LOAD_FILES=5000] [LOAD_SECONDS=60]

1. A database of its own on the local PostgreSQL (wnf_load_<pid>_<random>, dropped at the
   end), filled by the scale generator (demo.scale), and an account per simulated user
   (bench.load_setup). --database-url reuses a database filled before (left in place).
2. gunicorn with 4 sync workers serves the app; Locust (bench.load_users, headless) runs
   12 applicants, 8 committee members, 4 of the secretariat, 6 finance officers and the two
   committees' chairs for --seconds, every one acting through the pages' forms; the
   database's sessions, waits and CPU are sampled meanwhile (bench.load_watch).
3. gunicorn with 4 workers serves bench.bare_app, and as many Locust users load its "ok"
   and its 50-row list for as long: the baseline of the requests-per-second ratio.
4. The ledger is held to what the users did (bench.load_ledger).

Figures: bench/results_load.json, and a table on stdout.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy.engine import make_url

from . import load_ledger, load_setup, load_watch, serving
from .common import fresh_app

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).with_name("results_load.json")
WORKERS = 4
ROLE_CLASSES = ("Applicant", "Member", "Secretariat", "Finance", "Chair")


def locust(base: str, classes: tuple[str, ...], users: int, seconds: int, env: dict,
           watch: load_watch.Watch | None = None) -> dict[str, dict]:
    """Run Locust headless against `base`; its per-name figures from its CSV."""
    prefix = Path(tempfile.mkdtemp(prefix="wnf-load-locust-")) / "run"
    command = [sys.executable, "-m", "locust", "-f", str(ROOT / "bench" / "load_users.py"),
               "--headless", "--users", str(users), "--spawn-rate", "8",
               "--stop-timeout", "15", "--host", base,
               "--csv", str(prefix), "--only-summary", "--loglevel", "WARNING", *classes]
    env = {**os.environ, **env, "WNF_LOAD_SECONDS": str(seconds), "WNF_LOAD_USERS": str(users)}
    process = subprocess.Popen(command, cwd=ROOT, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if watch is not None:
        watch.start_cpu(process.pid)
    try:  # the users sign in, then the day lasts `seconds`
        output, _ = process.communicate(timeout=seconds + 600)
    except subprocess.TimeoutExpired:
        process.terminate()  # our own child
        output, _ = process.communicate()
    rows = _stats(Path(f"{prefix}_stats.csv"))
    if not rows:
        raise RuntimeError(f"Locust gave no figures:\n{output}")
    rows["_locust_said"] = output.splitlines()[-40:]
    return rows


def _stats(path: Path) -> dict[str, dict]:
    if not path.exists():
        return {}
    figures = {}
    with path.open() as source:
        for row in csv.DictReader(source):
            name = row["Name"] if row["Name"] != "Aggregated" else "all requests"
            figures[name] = {"requests": int(row["Request Count"]),
                             "failures": int(row["Failure Count"]),
                             "rps": round(float(row["Requests/s"]), 1),
                             "p50_ms": _ms(row["50%"]), "p95_ms": _ms(row["95%"]),
                             "max_ms": _ms(row["Max Response Time"])}
    return figures


def _ms(value: str) -> float | None:
    return None if value in ("", "N/A") else round(float(value), 1)


def app_run(url: str, name: str, accounts_path: str, users: int, seconds: int) -> dict:
    folder = Path(tempfile.mkdtemp(prefix="wnf-load-"))
    actions, ready = folder / "actions.json", folder / "ready"
    env = {"WNF_LOAD_ACCOUNTS": accounts_path, "WNF_LOAD_ACTIONS": str(actions),
           "WNF_LOAD_READY": str(ready)}
    with serving.gunicorn("webui.wsgi:app", url, workers=WORKERS) as (base, master), \
            load_watch.Watch(load_setup.SERVER, name, master, ready) as watch:
        pages = locust(base, ROLE_CLASSES, users, seconds, env, watch)
    said = json.loads(actions.read_text()) if actions.exists() else {}
    return {"pages": pages, "database_and_cpu": watch.report(),
            "sent": said.get("sent", []), "outcomes": said.get("outcomes", []),
            "refusals": said.get("refusals", [])}


def bare_run(url: str, users: int, seconds: int) -> dict:
    with serving.gunicorn("bench.bare_app:app", url, workers=WORKERS) as (base, _):
        return locust(base, ("BareFlask",), users, seconds, {"WNF_LOAD_ACCOUNTS": ""})


def _outcomes(pairs: list) -> dict[str, dict[str, int]]:
    table: dict[str, dict[str, int]] = {}
    for action, outcome, count in pairs:
        table.setdefault(action, {})[outcome] = count
    return table


def run(files: int, seconds: int, database_url: str | None = None, keep: bool = False) -> dict:
    figures: dict = {"machine_before": load_watch.machine(), "files": files,
                     "seconds": seconds, "workers": WORKERS}
    name = make_url(database_url).database if database_url else None
    if database_url is None:
        name, url = load_setup.new_database()
    else:
        url = database_url
    try:
        if database_url is None:
            started = time.perf_counter()
            app, seed_seconds = load_setup.build(url, files)
            figures["build_seconds"] = round(time.perf_counter() - started, 1)
            figures["seed_seconds"] = round(seed_seconds, 1)
        else:
            app, _ = fresh_app(url, keep=True)
        accounts = load_setup.create_accounts(app)
        users = len(accounts)
        before = load_ledger.marks(app)
        day = app_run(url, name, load_setup.write_accounts(accounts), users, seconds)
        figures["machine_after_app"] = load_watch.machine()
        bare = bare_run(url, users, seconds)
        figures["ledger"] = load_ledger.check(app, url, before, day["sent"])
    finally:
        if database_url is None and not keep:
            load_setup.drop(name)
    app_rps, bare_ok = day["pages"]["all requests"]["rps"], bare["all requests"]["rps"]
    figures.update(users=users, app=day["pages"], bare_flask=bare,
                   ratio_to_bare_flask=round(app_rps / bare_ok, 3) if bare_ok else None,
                   outcomes=_outcomes(day["outcomes"]), refusals=day["refusals"],
                   database_and_cpu=day["database_and_cpu"],
                   errors=day["pages"]["all requests"]["failures"])
    RESULTS.write_text(json.dumps(figures, indent=2, sort_keys=True, default=str) + "\n")
    return figures


def table(f: dict) -> str:
    load = f["machine_before"]["load_average_1_5_15"]
    lines = [f"{f['users']} users, {f['seconds']} s, gunicorn ×{f['workers']}, PostgreSQL, "
             f"{f['files']:,} files; load average before {load}"]
    for name, p in sorted(f["app"].items()):
        if not name.startswith("_"):
            lines.append(f"  {name:32} {p['requests']:7} req  {p['rps']:7} /s  "
                         f"p50 {p['p50_ms']} ms  p95 {p['p95_ms']} ms  failures {p['failures']}")
    bare = f["bare_flask"]["all requests"]
    lines.append(f"bare Flask, same users: {bare['rps']} /s (p95 {bare['p95_ms']} ms); "
                 f"ratio {f['ratio_to_bare_flask']}; errors {f['errors']}")
    lines.append("outcomes: " + json.dumps(f["outcomes"], sort_keys=True))
    ledger = f["ledger"]
    lines.append(f"ledger: {'OK' if ledger['ok'] else 'NOT OK'} — releases "
                 f"{json.dumps(ledger['releases'])}; repayments "
                 f"{json.dumps(ledger['repayments'])}; audit verify: "
                 f"{ledger['audit_verify_full']['said']}")
    lines.append("database and CPU: " + json.dumps(f["database_and_cpu"], sort_keys=True))
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=100_000,
                        help="applications generated (e.g. 5000 for a quick try)")
    parser.add_argument("--seconds", type=int, default=180, help="how long the day lasts")
    parser.add_argument("--database-url", help="a database filled before by this benchmark "
                        "or `flask demo seed --scale N` (kept; its accounts are added once)")
    parser.add_argument("--keep", action="store_true", help="keep the database it made")
    args = parser.parse_args()
    figures = run(args.files, args.seconds, args.database_url, args.keep)
    print(table(figures))
    print(f"\nFigures saved in {RESULTS.relative_to(ROOT)}")
    if not figures["ledger"]["ok"] or figures["errors"]:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
