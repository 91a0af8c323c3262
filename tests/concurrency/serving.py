"""The app served by real gunicorn on a loopback port, as in production, for the HTTP races.

`served(...)` starts `gunicorn -c gunicorn.conf.py` (the project's own settings) as a
subprocess with the configuration in its environment, waits for /healthz, and stops it at
the end. With `--preload`, unlike production: each host builds the app once and forks its
workers from it (tests/concurrency/served_app.py), which spares the suite an app's start-up
per worker. CSRF protection is on, as in production: WNF_ENV=test changes nothing about it.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).parent / "gunicorn"
HOST = "127.0.0.1"
# Seconds for a host to build the app, fork its workers and answer /healthz. Generous: on a
# host as busy as a whole suite run makes it, this took over 45 s; a server that dies is
# seen at once, whatever the limit.
START_TIMEOUT = 180
STOP_TIMEOUT = 20
# Every login of a race comes from 127.0.0.1: the per-address login limit (counted in each
# worker's memory here) would refuse them; the limit has tests of its own.
UNLIMITED_LOGINS = "100000 per minute"


def is_postgres_url(url: str) -> bool:
    return url.startswith("postgresql")


def workers_for(database_url: str) -> int:
    """4 workers on PostgreSQL, 2 on SQLite (its single writer queues them anyway)."""
    return 4 if is_postgres_url(database_url) else 2


def free_port() -> int:
    """A port nobody listens on right now (the kernel's choice)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


@dataclass
class Server:
    """One running gunicorn master and its workers."""

    process: subprocess.Popen
    port: int
    log_path: Path

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    def log_tail(self, lines: int = 40) -> str:
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return "(no log)"
        return "\n".join(text.splitlines()[-lines:])

    def log_size(self) -> int:
        return self.log_path.stat().st_size

    def errors_logged(self, since: int = 0) -> list[str]:
        """Lines of gunicorn's log (from byte `since`) telling of a traceback or a lost worker."""
        markers = ("Traceback", "WORKER TIMEOUT", "Worker exiting", "[CRITICAL]", "[ERROR]",
                   '"level": "error"', '"level": "critical"')
        with open(self.log_path, "rb") as log:
            log.seek(since)
            text = log.read().decode(errors="replace")
        return [line for line in text.splitlines() if any(m in line for m in markers)]


def _environment(database_url: str, secret_key: str, upload_dir: Path, port: int,
                 workers: int, extra_env: dict[str, str] | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("TEST_DATABASE_URL",)}
    env.update(
        DATABASE_URL=database_url, SECRET_KEY=secret_key, WNF_ENV="test",
        UPLOAD_DIR=str(upload_dir), PROXY_COUNT="0",
        GUNICORN_BIND=f"{HOST}:{port}", GUNICORN_WORKERS=str(workers),
        GUNICORN_TIMEOUT="60", GUNICORN_ACCESS_LOG="-",
        LOGIN_RATE_LIMIT=UNLIMITED_LOGINS, PYTHONPATH=str(PROJECT_ROOT),
    )
    env.update(extra_env or {})
    return env


def _healthy(port: int) -> bool:
    connection = http.client.HTTPConnection(HOST, port, timeout=2)
    try:
        connection.request("GET", "/healthz")
        return connection.getresponse().status == 200
    except OSError:
        return False
    finally:
        connection.close()


def _launch(database_url: str, secret_key: str, run_dir: Path, workers: int,
            taken: set[int], extra_env: dict[str, str] | None = None) -> Server:
    port = free_port()
    while port in taken:
        port = free_port()
    taken.add(port)
    upload_dir = run_dir / "uploads"  # shared by the hosts of one run, as UPLOAD_DIR must be
    upload_dir.mkdir(parents=True, exist_ok=True)
    log_path = run_dir / f"gunicorn-{port}.log"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [str(GUNICORN), "-c", str(PROJECT_ROOT / "gunicorn.conf.py"), "--preload",
             "--chdir", str(PROJECT_ROOT), "tests.concurrency.served_app:app"],
            cwd=PROJECT_ROOT, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
            env=_environment(database_url, secret_key, upload_dir, port, workers, extra_env))
    return Server(process, port, log_path)


def _wait_healthy(server: Server, deadline: float) -> None:
    while not _healthy(server.port):
        if server.process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"gunicorn did not come up on port {server.port}:\n"
                               f"{server.log_tail()}")
        time.sleep(0.2)


def _stop(servers: list[Server]) -> None:
    """TERM every master (each stops its workers), KILL one only if it does not end in time."""
    running = [s.process for s in servers if s.process.poll() is None]
    for process in running:
        process.send_signal(signal.SIGTERM)
    for process in running:
        try:
            process.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=STOP_TIMEOUT)


@contextlib.contextmanager
def served_hosts(database_url: str, *, secret_key: str, run_dir: Path, hosts: int = 1,
                 workers: int | None = None,
                 extra_env: dict[str, str] | None = None) -> Iterator[list[Server]]:
    """Serve the app from `hosts` gunicorn instances (started side by side) on free ports;
    `extra_env` adds to or overrides their environment."""
    workers = workers or workers_for(database_url)
    servers: list[Server] = []
    try:
        taken: set[int] = set()
        for _ in range(hosts):
            servers.append(_launch(database_url, secret_key, run_dir, workers, taken,
                                   extra_env))
        deadline = time.monotonic() + START_TIMEOUT
        for server in servers:
            _wait_healthy(server, deadline)
        yield servers
    finally:
        _stop(servers)


@contextlib.contextmanager
def served(database_url: str, *, secret_key: str, run_dir: Path, workers: int | None = None,
           extra_env: dict[str, str] | None = None) -> Iterator[Server]:
    """Serve the app with gunicorn on a free loopback port until the block ends."""
    with served_hosts(database_url, secret_key=secret_key, run_dir=run_dir,
                      workers=workers, extra_env=extra_env) as (server,):
        yield server
