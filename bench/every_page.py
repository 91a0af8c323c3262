"""Every page each demo role reaches, on SQLite and on PostgreSQL, at two sizes: p50/p95
in-process and SQL statements per page. Goal: p95 ≤ 50 ms, the same count at both sizes.

    python -m bench.every_page [--quick] [--sizes 1000,100000] [--databases sqlite,postgresql]
                               [--runs 20] [--roles admin,member]

Each database is the benchmark's own (bench.common.own_database), filled by the scale
generator (demo.scale) for each size in turn. The URL map is walked as each role
(bench.url_map); routes a role cannot reach are listed, not timed.
"""

from __future__ import annotations

import argparse
import json
import signal
import statistics
import sys
import tempfile
import time

from models import db
from workflow.engine import kept

from .common import RESULTS, Stopwatch, counting_statements, fresh_app, own_database, save
from .pages import seed
from .url_map import ROLES, Page, Visitor, log_in, walk

GOAL_MS = 50
WARM_UP = 3
# Whole lists written out at once: their time grows with the books by nature. They are
# timed and counted, but held to the statement goal only.
EXPORTS = (".csv", "/audit-events", "/export")


def _measure(app, visitor: Visitor, page: Page, runs: int) -> dict:
    """p50/p95 of `runs` views after a warm-up, and the statements of a view run first after
    a change (nothing kept by the worker: its most)."""
    client, engine = visitor.client, None
    with app.app_context():
        engine = db.engine
    for _ in range(WARM_UP):
        client.get(page.url, headers=page.headers)
    kept.forget_all(app)
    with counting_statements(engine) as seen:
        status = client.get(page.url, headers=page.headers).status_code
    times = []
    for _ in range(runs if not page.url.endswith(EXPORTS) else max(3, runs // 5)):
        start = time.perf_counter()
        client.get(page.url, headers=page.headers)
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return {"url": page.url, "filled_from": page.filled_from, "status": status,
            "statements": len(seen), "p50_ms": round(statistics.median(times), 1),
            "p95_ms": round(times[max(0, round(len(times) * 0.95) - 1)], 1)}


def measure_size(url: str, size: int, roles: list[str], runs: int,
                 hints: dict[tuple[str, str], str]) -> dict:
    """Fill the database with `size` files and measure every page as each role."""
    app, _ = fresh_app(url)
    app.config["UPLOAD_DIR"] = tempfile.mkdtemp(prefix="wnf-bench-uploads-")  # the files'
    seconds = seed(app, size, app.config["UPLOAD_DIR"])
    print(f"  {size:,} files written in {seconds:.0f} s", flush=True)
    pages, unreached = {}, {}
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
    return {"seed_seconds": round(seconds, 1), "walk_seconds": round(watch.seconds, 1),
            "pages": pages, "unreached": unreached}


def run(sizes: list[int], databases: list[str], runs: int, roles: list[str]) -> dict:
    """The figures of each database, saved in bench/results.json as every_page_<database>."""
    figures = {"sizes": sizes, "runs": runs}
    for kind in databases:
        hints: dict[tuple[str, str], str] = {}
        mine = {"sizes": sizes, "runs": runs, "load_average_before": _load()}
        with own_database(kind) as url:
            for size in sizes:
                print(f"{kind}, {size:,} files", flush=True)
                mine[str(size)] = measure_size(url, size, roles, runs, hints)
                mine["load_average_after"] = _load()
                save(f"every_page_{kind}", mine)  # each size as it is measured
        figures[kind] = mine
    return figures


def _load() -> list[float]:
    import os

    return [round(x, 2) for x in os.getloadavg()]


def over_goal(small: dict | None, big: dict) -> list[str]:
    """What a page misses of the goal at the larger size."""
    missed = []
    if big["p95_ms"] > GOAL_MS and not big["url"].endswith(EXPORTS):
        missed.append(f"p95 > {GOAL_MS} ms")
    if small is not None and small["statements"] != big["statements"]:
        missed.append("statements grow")
    return missed


def table(figures: dict) -> str:
    """One line per page and database: p50/p95 and statements at each size."""
    lines = []
    for kind in ("sqlite", "postgresql"):
        if kind not in figures:
            continue
        by_size = figures[kind]
        sizes = [str(s) for s in figures["sizes"] if str(s) in by_size]  # as far as it ran
        header = ["page (role, route: what fills it)"]
        header += [f"p50/p95 ms @{int(s):,}" for s in sizes]
        header += ["statements " + " / ".join(f"{int(s):,}" for s in sizes), "goal"]
        rows = []
        for key, big in by_size[sizes[-1]]["pages"].items():
            each = [by_size[s]["pages"].get(key) for s in sizes]
            row = [f"{key}: {big['filled_from']}" if big["filled_from"] else key]
            row += [f"{p['p50_ms']} / {p['p95_ms']}" if p else "-" for p in each]
            row.append(" / ".join(str(p["statements"]) if p else "-" for p in each))
            row.append(", ".join(over_goal(each[0], big)) or "met")
            rows.append(row)
        widths = [max(len(r[i]) for r in (header, *rows)) for i in range(len(header))]
        lines.append(f"\n{kind}: files written in " + ", ".join(
            f"{int(s):,}: {by_size[s]['seed_seconds']} s" for s in sizes))
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
    parser.add_argument("--table", action="store_true",
                        help="print the table of the figures saved, measure nothing")
    args = parser.parse_args()
    if args.table:
        saved = json.loads(RESULTS.read_text())
        kinds = {k: saved[f"every_page_{k}"] for k in ("sqlite", "postgresql")
                 if f"every_page_{k}" in saved}
        print(table({"sizes": next(iter(kinds.values()))["sizes"], **kinds}))
        return
    # A stop from outside still drops the benchmark's database (own_database's finally).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    sizes = [int(s) for s in (args.sizes or ("200,1000" if args.quick else "1000,100000"))
             .split(",")]
    figures = run(sizes, args.databases.split(","), args.runs or (5 if args.quick else 20),
                  args.roles.split(",") if args.roles else list(ROLES))
    print(table(figures))
    print("\nLoad average (1, 5, 15 min) before / after: " + "; ".join(
        f"{kind} {figures[kind]['load_average_before']} / {figures[kind]['load_average_after']}"
        for kind in ("sqlite", "postgresql") if kind in figures))
    print("Figures saved in bench/results.json")


if __name__ == "__main__":
    main()
