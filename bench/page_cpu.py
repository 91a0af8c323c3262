"""The CPU a page costs, apart from the wait for a CPU on a shared host.

In-process on SQLite the database runs inside this process, so the process's CPU time
(time.process_time) is the page's whole cost. On PostgreSQL the server's part is spent in
its backends: when the server runs on this host, each backend serving the benchmark's
database is read in /proc (schedstat's first field: nanoseconds on a CPU, exact where
/proc/<pid>/stat counts whole 10 ms ticks). A server elsewhere leaves the client's part only.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import text

from models import db

BACKENDS = text(
    "SELECT pid FROM pg_stat_activity "
    "WHERE datname = current_database() AND backend_type = 'client backend'")


class ServerCpu:
    """Nanoseconds on a CPU of the database's client backends, read before and after a view.

    The backends are listed once, after the warm-up (the test client's requests reuse the
    pool's one connection); a list that cannot be read in /proc makes `readable` false.
    """

    def __init__(self, app):
        self.pids: list[int] = []
        with app.app_context():
            if db.engine.dialect.name == "postgresql":
                self.pids = list(db.session.scalars(BACKENDS))
                db.session.rollback()
        self.readable = bool(self.pids) and all(_on_cpu_ns(p) is not None for p in self.pids)

    def now_ns(self) -> int:
        if not self.readable:
            return 0
        return sum(_on_cpu_ns(p) or 0 for p in self.pids)


def _on_cpu_ns(pid: int) -> int | None:
    try:
        return int(Path(f"/proc/{pid}/schedstat").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None
