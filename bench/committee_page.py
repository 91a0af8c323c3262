"""`/committee/` alone as the chair, the deputy chair and a member, on a database filled
before (bench.every_page's or the scale generator's): CPU p50/p95 of views warm and of views
first after a change (nothing kept by the worker, forgotten outside the time taken), in turn,
and the statements of each kind of view.

    python -m bench.committee_page --database-url URL [--runs 20] [--roles chair,member]

CPU is this process's plus the database's backends' (bench.page_cpu), as bench.every_page
counts it. To compare two versions, run each in its own process in the same minutes.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import time

from models import db
from workflow.engine import kept

from .common import counting_statements, fresh_app
from .every_page import _p50, _p95
from .page_cpu import ServerCpu
from .url_map import log_in

URL = "/committee/"
WARM_UP = 3


def _view(app, client, server: ServerCpu, *, first: bool) -> float:
    if first:
        kept.forget_all(app)
    server_start, cpu_start = server.now_ns(), time.process_time()
    assert client.get(URL).status_code == 200
    return (time.process_time() - cpu_start) * 1000 + (server.now_ns() - server_start) / 1e6


def measure(app, role: str, runs: int) -> dict:
    client = log_in(app, role).client
    for _ in range(WARM_UP):
        client.get(URL)
    with app.app_context():
        engine = db.engine
    with counting_statements(engine) as warm_statements:
        client.get(URL)
    kept.forget_all(app)
    with counting_statements(engine) as first_statements:
        client.get(URL)
    server = ServerCpu(app)
    warm, first = [], []
    for _ in range(runs):
        warm.append(_view(app, client, server, first=False))
        first.append(_view(app, client, server, first=True))
    return {"warm_p50": _p50(warm), "warm_p95": _p95(warm),
            "first_p50": _p50(first), "first_p95": _p95(first),
            "statements_warm": len(warm_statements), "statements_first": len(first_statements)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--roles", default="chair,deputy chair,member")
    args = parser.parse_args()
    app, _ = fresh_app(args.database_url, keep=True)
    gc.collect()
    gc.freeze()  # as a worker does (webui.wsgi)
    figures = {"load_average": [round(x, 1) for x in os.getloadavg()]}
    for role in args.roles.split(","):
        figures[role] = measure(app, role, args.runs)
        print(role, json.dumps(figures[role]), flush=True)
    figures["load_average_after"] = [round(x, 1) for x in os.getloadavg()]
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
