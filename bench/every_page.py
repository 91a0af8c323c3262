"""Every page each demo role reaches, on SQLite and on PostgreSQL, at two sizes: CPU and
wall p50/p95 in-process and SQL statements per page. Goal: p95 ≤ 50 ms, the same count at
both sizes.

    python -m bench.every_page [--quick] [--sizes 1000,100000] [--databases sqlite,postgresql]
                               [--runs 20] [--roles admin,member] [--keep]
    python -m bench.every_page --sizes 100000 --database-url URL [--upload-dir DIR]
    python -m bench.every_page --table

Each database is the benchmark's own (bench.common.own_database), filled by the scale
generator (demo.scale) for each size in turn; --keep leaves the last one, and
--database-url measures one filled before without filling it again. The URL map is walked
as each role (bench.url_map); routes a role cannot reach are listed, not timed.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import json
import os
import signal
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime

from models import db
from workflow.engine import kept

from .common import RESULTS, Stopwatch, counting_statements, fresh_app, own_database, save
from .page_cpu import ServerCpu
from .pages import seed
from .url_map import ROLES, Page, Visitor, log_in, walk

GOAL_MS = 50
WARM_UP = 3
# Whole lists written out at once: their time grows with the books by nature. They are
# timed and counted, but held to the statement goal only.
EXPORTS = (".csv", "/audit-events", "/export")


def _measure(app, visitor: Visitor, page: Page, runs: int) -> dict:
    """p50/p95 of `runs` views after a warm-up, wall and CPU, and the statements of a view
    run first after a change (nothing kept by the worker: its most).

    CPU is this process's (on SQLite the database's work too) plus, on a PostgreSQL server
    on this host, its backends' (bench.page_cpu): unlike the wall time, it does not grow
    with the wait for a CPU on a shared host.
    """
    client, engine = visitor.client, None
    with app.app_context():
        engine = db.engine
    for _ in range(WARM_UP):
        client.get(page.url, headers=page.headers)
    kept.forget_all(app)
    with counting_statements(engine) as seen:
        status = client.get(page.url, headers=page.headers).status_code
    server = ServerCpu(app)
    walls, cpus, servers = [], [], []
    for _ in range(runs if not page.url.endswith(EXPORTS) else max(3, runs // 5)):
        server_start = server.now_ns()
        start, cpu_start = time.perf_counter(), time.process_time()
        client.get(page.url, headers=page.headers)
        cpu, wall = time.process_time() - cpu_start, time.perf_counter() - start
        server_ms = (server.now_ns() - server_start) / 1e6
        walls.append(wall * 1000)
        cpus.append(cpu * 1000 + server_ms)
        servers.append(server_ms)
    figures = {"url": page.url, "filled_from": page.filled_from, "status": status,
               "statements": len(seen), "p50_ms": _p50(walls), "p95_ms": _p95(walls),
               "cpu_p50_ms": _p50(cpus), "cpu_p95_ms": _p95(cpus)}
    if server.readable:
        figures["server_cpu_p95_ms"] = _p95(servers)
    return figures


def _p50(times: list[float]) -> float:
    return round(statistics.median(times), 1)


def _p95(times: list[float]) -> float:
    ordered = sorted(times)
    return round(ordered[max(0, round(len(ordered) * 0.95) - 1)], 1)


def measure_size(url: str, size: int, roles: list[str], runs: int,
                 hints: dict[tuple[str, str], str], reuse: bool = False,
                 upload_dir: str | None = None) -> dict:
    """Fill the database with `size` files and measure every page as each role.

    reuse: measure the database as it is when it already holds files (filled before by
    this benchmark, bench.load_setup or `flask demo seed --scale`); upload_dir: where its
    attachments were written (else those pages answer 404 and are listed as not reached).
    """
    app, _ = fresh_app(url, keep=reuse)
    app.config["UPLOAD_DIR"] = upload_dir or tempfile.mkdtemp(prefix="wnf-bench-uploads-")
    print(f"  attachments in {app.config['UPLOAD_DIR']}", flush=True)
    load_before = _load()
    seconds = seed(app, size, app.config["UPLOAD_DIR"])
    print(f"  {size:,} files written (or found, and analysed) in {seconds:.0f} s", flush=True)
    pages, unreached = {}, {}
    # As a worker does (webui.wsgi): what it built before serving is left out of the
    # collector's full passes (here the filled database's leftovers are collected first).
    gc.collect()
    gc.freeze()
    with Stopwatch() as watch:
        for role in roles:
            visitor = log_in(app, role)
            found = walk(app, visitor, {rule: label for (r, rule), label in hints.items()
                                        if r == role})
            for page in found:
                if page.status == 200:
                    hints[(role, page.rule)] = page.filled_from
                    pages[f"{role} {page.rule}"] = _measure(app, visitor, page, runs)
                else:
                    unreached[f"{role} {page.rule}"] = page.status
            print(f"  {role}: {sum(p.status == 200 for p in found)} pages", flush=True)
    with app.app_context():
        db.engine.dispose()
    gc.unfreeze()  # the next size builds an app of its own
    return {"seed_seconds": round(seconds, 1), "walk_seconds": round(watch.seconds, 1),
            "walk_cpu_seconds": round(watch.cpu_seconds, 1), "measured_at": _utc_now(),
            "load_average_before": load_before, "load_average_after": _load(),
            "pages": pages, "unreached": unreached}


def run(sizes: list[int], databases: list[str], runs: int, roles: list[str],
        database_url: str | None = None, keep: bool = False,
        upload_dir: str | None = None) -> dict:
    """The figures of each database, saved in bench/results.json as every_page_<database>.

    Sizes measured in an earlier run and not in this one are kept beside this run's (each
    size says when it was measured and under what load), so that a kept 100,000-file
    database can be measured apart from a fresh 1,000-file one.
    database_url: measure that database (one size, its files as they are); keep: leave the
    database made by this run (the last size's) for a later --database-url.
    """
    figures = {"sizes": sizes, "runs": runs}
    if database_url:
        databases = ["sqlite" if database_url.startswith("sqlite") else "postgresql"]
    for kind in databases:
        hints: dict[tuple[str, str], str] = {}
        mine = _saved(kind)
        mine.update(runs=runs, sizes=sorted({*mine.get("sizes", []), *sizes}))
        with _database(kind, database_url, keep) as url:
            for size in sizes:
                print(f"{kind}, {size:,} files", flush=True)
                mine[str(size)] = measure_size(url, size, roles, runs, hints,
                                               reuse=database_url is not None,
                                               upload_dir=upload_dir)
                save(f"every_page_{kind}", mine)  # each size as it is measured
        figures[kind] = mine
    return figures


def _saved(kind: str) -> dict:
    saved = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    return saved.get(f"every_page_{kind}", {})


@contextlib.contextmanager
def _database(kind: str, database_url: str | None, keep: bool) -> Iterator[str]:
    if database_url:
        yield database_url
        return
    with own_database(kind, keep=keep) as url:
        yield url
        if keep:
            print(f"  kept: --database-url {url}", flush=True)


def _utc_now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")


def _load() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def over_goal(small: dict | None, big: dict) -> list[str]:
    """What a page misses of the goal at the larger size: CPU first (what the page costs),
    then wall (what it cost on this host at the time, waits for a CPU included)."""
    missed = []
    if not big["url"].endswith(EXPORTS):
        if big.get("cpu_p95_ms", 0) > GOAL_MS:
            missed.append(f"CPU p95 > {GOAL_MS} ms")
        if big["p95_ms"] > GOAL_MS:
            missed.append(f"wall p95 > {GOAL_MS} ms")
    if small is not None and small["statements"] != big["statements"]:
        missed.append("statements grow")
    return missed


def table(figures: dict) -> str:
    """One line per page and database: CPU and wall p50/p95 and statements at each size."""
    lines = []
    for kind in ("sqlite", "postgresql"):
        if kind not in figures:
            continue
        by_size = figures[kind]
        sizes = [str(s) for s in by_size["sizes"] if str(s) in by_size]  # as far as it ran
        header = ["page (role, route: what fills it)"]
        header += [f"CPU p50/p95 ms @{int(s):,}" for s in sizes]
        header += [f"wall p50/p95 ms @{int(s):,}" for s in sizes]
        header += ["statements " + " / ".join(f"{int(s):,}" for s in sizes), "goal"]
        rows = []
        for key, big in by_size[sizes[-1]]["pages"].items():
            each = [by_size[s]["pages"].get(key) for s in sizes]
            row = [f"{key}: {big['filled_from']}" if big["filled_from"] else key]
            row += [f"{p.get('cpu_p50_ms', '-')} / {p.get('cpu_p95_ms', '-')}" if p else "-"
                    for p in each]
            row += [f"{p['p50_ms']} / {p['p95_ms']}" if p else "-" for p in each]
            row.append(" / ".join(str(p["statements"]) if p else "-" for p in each))
            row.append(", ".join(over_goal(each[0], big)) or "met")
            rows.append(row)
        widths = [max(len(r[i]) for r in (header, *rows)) for i in range(len(header))]
        lines.append(f"\n{kind}: " + "; ".join(
            f"{int(s):,} files measured {by_size[s].get('measured_at', '?')}, load average "
            f"{by_size[s].get('load_average_before', '?')} before, "
            f"{by_size[s].get('load_average_after', '?')} after" for s in sizes))
        server = any("server_cpu_p95_ms" in p for p in by_size[sizes[-1]]["pages"].values())
        lines.append("CPU: this process's" + (" + the PostgreSQL backends' (/proc)"
                                               if server else "") + "; wall: waits included")
        lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True))
                  for r in (header, *rows)]
        lines.append("not reached, by role and answer (0: no row to fill the route):")
        lines += _unreached(by_size[sizes[-1]]["unreached"])
    return "\n".join(lines)


def _unreached(unreached: dict[str, int]) -> list[str]:
    by_role: dict[str, dict[int, list[str]]] = {}
    for key, status in unreached.items():
        role = next(r for r in ROLES if key.startswith(f"{r} /"))
        by_role.setdefault(role, {}).setdefault(status, []).append(key[len(role) + 1:])
    return [f"  {role} {status}: " + " ".join(rules)
            for role, answers in by_role.items() for status, rules in sorted(answers.items())]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="200 and 1,000 files, 5 runs")
    parser.add_argument("--sizes", help="comma-separated (default 1000,100000)")
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--runs", type=int, help="views timed per page (default 20)")
    parser.add_argument("--roles", help="comma-separated, of: " + ", ".join(ROLES))
    parser.add_argument("--database-url", help="measure this database, filled before (one "
                        "size: --sizes N, the files it holds), and leave it")
    parser.add_argument("--upload-dir", help="with --database-url: its attachments' folder")
    parser.add_argument("--keep", action="store_true",
                        help="keep the database made (the last size's) for --database-url")
    parser.add_argument("--table", action="store_true",
                        help="print the table of the figures saved, measure nothing")
    args = parser.parse_args()
    if args.table:
        print(table({k: _saved(k) for k in ("sqlite", "postgresql") if _saved(k)}))
        return
    sizes = [int(s) for s in (args.sizes or ("200,1000" if args.quick else "1000,100000"))
             .split(",")]
    if args.database_url and len(sizes) != 1:
        parser.error("--database-url measures one size: give it with --sizes N")
    # A stop from outside still drops the benchmark's database (own_database's finally).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    figures = run(sizes, args.databases.split(","), args.runs or (5 if args.quick else 20),
                  args.roles.split(",") if args.roles else list(ROLES),
                  args.database_url, args.keep, args.upload_dir)
    print(table(figures))
    print("Figures saved in bench/results.json")


if __name__ == "__main__":
    main()
