"""What the machine did during the load test: PostgreSQL's sessions and their waits
(pg_stat_activity, sampled every second), and the CPU time of gunicorn, of the PostgreSQL
backends serving the test's database and of Locust, from /proc.

The evidence for docs/performance.md's "what a larger AOTS would change first": how many
connections the workers hold, whether they wait on locks (and on which statement), and how
the two cores are split between the app and the database.
"""

from __future__ import annotations

import os
import threading
import time
from collections import Counter
from pathlib import Path

from sqlalchemy import create_engine, text

TICKS = os.sysconf("SC_CLK_TCK")
ACTIVITY = text(
    "SELECT pid, state, wait_event_type, wait_event, left(query, 120) AS query "
    "FROM pg_stat_activity WHERE datname = :name AND pid <> pg_backend_pid()")


def cpu_seconds(pid: int) -> float:
    """User + system CPU of a process so far (0 once it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / TICKS


def children(pid: int) -> list[int]:
    try:
        return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def machine() -> dict:
    load = os.getloadavg()
    model = next((line.split(":", 1)[1].strip() for line in
                  Path("/proc/cpuinfo").read_text().splitlines()
                  if line.startswith("model name")), "unknown")
    memory = int(Path("/proc/meminfo").read_text().split()[1]) // 1024
    return {"cpus": os.cpu_count(), "cpu_model": model, "memory_mb": memory,
            "load_average_1_5_15": [round(x, 2) for x in load]}


class Watch:
    """Samples the database's sessions while the day lasts, and the CPU of gunicorn, of the
    database's backends and of Locust: from when `ready` (a file) appears, once every
    simulated user has signed in."""

    def __init__(self, server_url: str, database: str, gunicorn_master: int, ready: Path
                 ) -> None:
        self.engine = create_engine(server_url)
        self.database, self.master, self.ready = database, gunicorn_master, ready
        self.samples: list[list] = []
        self.backends: set[int] = set()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._cpu_before: dict[int, float] = {}
        self._cpu_last: dict[int, float] = {}  # a process gone keeps the last figure read
        self.locust: int | None = None

    def __enter__(self) -> Watch:
        self.started = time.monotonic()
        self._thread.start()
        return self

    def _sample(self) -> None:
        while not self.ready.exists():
            if self._stop.wait(0.2):
                return
        self.started = time.monotonic()
        for pid in [*self.gunicorn_pids(), *([self.locust] if self.locust else [])]:
            self._cpu_before[pid] = cpu_seconds(pid)
        with self.engine.connect() as conn:
            while not self._stop.wait(1.0):
                rows = conn.execute(ACTIVITY, {"name": self.database}).all()
                conn.rollback()
                self.samples.append([tuple(r) for r in rows])
                for pid, *_ in rows:
                    if pid not in self.backends:
                        self.backends.add(pid)
                        self._cpu_before.setdefault(pid, cpu_seconds(pid))
                self._read_cpu()

    def _read_cpu(self) -> None:
        for pid in [*self._cpu_before, *children(self.master)]:
            if (seconds := cpu_seconds(pid)) > 0:
                self._cpu_last[pid] = seconds
                self._cpu_before.setdefault(pid, seconds)

    def gunicorn_pids(self) -> list[int]:
        return [self.master, *children(self.master)]

    def start_cpu(self, locust_pid: int) -> None:
        self.locust = locust_pid

    def __exit__(self, *exc) -> None:
        self.seconds = time.monotonic() - self.started
        self._read_cpu()
        self.cpu = {
            "gunicorn": self._spent(self.gunicorn_pids()),
            "postgres_backends": self._spent(sorted(self.backends)),
            "locust": self._spent([self.locust] if self.locust else []),
        }
        self._stop.set()
        self._thread.join()
        self.engine.dispose()

    def _spent(self, pids: list[int]) -> float:
        return round(sum(self._cpu_last.get(p, 0.0) - self._cpu_before.get(p, 0.0)
                         for p in pids), 1)

    def report(self) -> dict:
        """Connections and waits per sample, the waits by kind, the statements that waited
        on a lock, and the CPU seconds and share of two cores each part used."""
        sessions = [len(s) for s in self.samples] or [0]
        active = [sum(1 for r in s if r[1] == "active") for s in self.samples] or [0]
        waits: Counter = Counter()
        locked: Counter = Counter()
        for sample in self.samples:
            for _, state, kind, event, query in sample:
                if state == "active" and kind:
                    waits[f"{kind}:{event}"] += 1
                    if kind == "Lock":
                        locked[" ".join((query or "").split())[:100]] += 1
        capacity = self.seconds * (os.cpu_count() or 1)
        return {
            "samples": len(self.samples),
            "connections": {"max": max(sessions), "mean": round(sum(sessions) / len(sessions), 1)},
            "active_queries": {"max": max(active), "mean": round(sum(active) / len(active), 2)},
            "waits_seen_in_samples": dict(waits.most_common(10)),
            "lock_waits_by_statement": dict(locked.most_common(5)),
            "cpu_seconds": self.cpu,
            "cpu_share_of_machine": {k: round(v / capacity, 3) for k, v in self.cpu.items()},
            "run_seconds": round(self.seconds, 1),
        }
