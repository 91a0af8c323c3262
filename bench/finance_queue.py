"""The finance queue (`/finance/`) viewed first after a change (nothing kept by the worker):
its ready files found from the sums kept per file (workflow.money.release_totals) against
the old way (the tranches of every file that may release money summed on each view), in
turn on the same database, so that the ratio compares runs of the same minutes.

    python -m bench.finance_queue --database-url URL [--runs 30]

The database is one filled before (bench.every_page --keep, `flask demo seed --scale`);
it is migrated, not emptied.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import statistics
import time

from sqlalchemy import func, select

from models import Application, db
from workflow.engine import kept
from workflow.money import finance_queue

from . import summed_figures
from .common import fresh_app, save
from .page_cpu import ServerCpu
from .url_map import log_in

PAGE = "/finance/"


@contextlib.contextmanager
def summing_the_tranches():
    """The queue as it was: every tranche of every file that may release money summed."""
    kept_query = finance_queue._ready_query
    finance_queue._ready_query = summed_figures.ready_query
    try:
        yield
    finally:
        finance_queue._ready_query = kept_query


def _view(client, server: ServerCpu) -> tuple[float, float]:
    """(wall ms, CPU ms of this process and the database's backends) of a first view."""
    kept.forget_all(client.application)
    server_start, start, cpu_start = server.now_ns(), time.perf_counter(), time.process_time()
    response = client.get(PAGE)
    wall, cpu = time.perf_counter() - start, time.process_time() - cpu_start
    assert response.status_code == 200, response.status_code
    return wall * 1000, cpu * 1000 + (server.now_ns() - server_start) / 1e6


def _figures(times: list[float]) -> dict[str, float]:
    ordered = sorted(times)
    return {"p50_ms": round(statistics.median(ordered), 1),
            "p95_ms": round(ordered[max(0, round(len(ordered) * 0.95) - 1)], 1)}


def run(database_url: str, runs: int) -> dict:
    app, _ = fresh_app(database_url, keep=True)
    visitor = log_in(app, "finance officer")
    with app.app_context():
        files = db.session.scalar(select(func.count(Application.id)))
        ready = finance_queue.count_ready()
        db.session.rollback()
    for _ in range(3):
        visitor.client.get(PAGE)
        with summing_the_tranches():
            visitor.client.get(PAGE)
    server = ServerCpu(app)
    found = {"kept": ([], []), "summed": ([], [])}
    for _ in range(runs):
        for way in ("kept", "summed"):
            with summing_the_tranches() if way == "summed" else contextlib.nullcontext():
                wall, cpu = _view(visitor.client, server)
            found[way][0].append(wall)
            found[way][1].append(cpu)
    figures = {"applications": files, "ready_files": ready, "runs": runs,
               **{way: {"wall": _figures(walls), "cpu": _figures(cpus)}
                  for way, (walls, cpus) in found.items()}}
    figures["ratio_cpu_p50"] = round(figures["summed"]["cpu"]["p50_ms"]
                                     / figures["kept"]["cpu"]["p50_ms"], 2)
    save("finance_queue", figures)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    print(json.dumps(run(args.database_url, args.runs), indent=2))


if __name__ == "__main__":
    main()
