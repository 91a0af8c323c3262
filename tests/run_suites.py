"""Run the test suite on SQLite and on PostgreSQL (`make test`), in turn, on every core.

PostgreSQL is the server named by TEST_DATABASE_URL (unset: the local one at
127.0.0.1:5432, user `postgres`; the database in the URL is only where we connect
to create others). Each run creates a database of its own there, wnf_test_<pid>_<random>,
and drops it at the end, also after a failure or Ctrl-C, so two runs on one server never
meet; each pytest-xdist worker makes its own database beside it (tests/conftest.py), and
the first that needs the living demo seeds it there once for all (tests/demo_database.py). When
the server cannot be reached the PostgreSQL pass is skipped with a notice, or fails when
REQUIRE_POSTGRES=1 (as in CI). TEST_PASSES_SIDE_BY_SIDE=1 runs the two passes at once: on two
cores that put four Chromium walks side by side and the timed-out requests of a loaded host in
the PostgreSQL pass, so it is not the default.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator

import psycopg
from sqlalchemy.engine import make_url

from .database import THROWAWAY_SETTING

DEFAULT_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
NO_TESTS_RAN = 5
MAX_WORKERS = 4  # beyond this, the fixed cost of each worker outweighs what it takes on
STOP_TIMEOUT = 30
FOLLOW_INTERVAL = 0.5  # seconds between two reads of the PostgreSQL pass's report


def postgres_server_url() -> str:
    return os.environ.get("TEST_DATABASE_URL") or DEFAULT_POSTGRES


def libpq(url: str) -> str:
    """The URL as psycopg takes it (no SQLAlchemy driver suffix)."""
    return url.replace("+psycopg", "", 1)


def postgres_reachable(url: str) -> str | None:
    """None when a connection opens, else the reason it did not."""
    try:
        with psycopg.connect(libpq(url), connect_timeout=5):
            return None
    except psycopg.Error as error:
        return str(error).strip().splitlines()[0]


def xdist_args(args: list[str]) -> list[str]:
    """`-n <cores>` (at most MAX_WORKERS), unless the caller chose the workers or turned
    xdist off; tests of one xdist_group (one gunicorn, one Chromium) share a worker."""
    chosen = any(a in ("-n", "--numprocesses", "--dist") or a.startswith(("-n", "--numproc"))
                 for a in args)
    turned_off = "no:xdist" in args or any(a.startswith("-pno:xdist") for a in args)
    if chosen or turned_off:
        return []
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return ["-n", str(max(1, min(cores or 1, MAX_WORKERS))), "--dist", "loadgroup"]


class Stopped(Exception):
    """SIGTERM reached us (CI's time limit, `kill`): clean up as after Ctrl-C."""


def _on_sigterm(signum, frame):
    raise Stopped


def start_pytest(env: dict[str, str], args: list[str], output=None) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "pytest", *xdist_args(args), *args],
                            env=env, stdout=output, stderr=subprocess.STDOUT if output else None)


def stop(children: list[subprocess.Popen]) -> None:
    """Ctrl-C or SIGTERM: each pytest and its workers end before we clean up."""
    for child in children:
        if child.poll() is None:
            child.terminate()
    for child in children:
        try:
            child.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()


def verdict(label: str, code: int) -> int:
    if code == NO_TESTS_RAN:
        print(f"pytest ran no tests on {label}: that is a failure.", flush=True)
        return 1
    return code


def run_pytest(label: str, env: dict[str, str], args: list[str]) -> int:
    print(f"\n=== test suite on {label} ===", flush=True)
    child = start_pytest(env, args)
    try:
        code = child.wait()
    except BaseException:
        stop([child])
        raise
    return verdict(label, code)


def follow(child: subprocess.Popen, log_path: str) -> int:
    """Copy what `child` wrote to `log_path`, and then what it writes, until it ends."""
    with open(log_path, "rb") as log:
        while True:
            ended = child.poll() is not None
            chunk = log.read()
            if chunk:
                sys.stdout.buffer.write(chunk)
                sys.stdout.flush()
            if ended and not chunk:
                return child.returncode
            if not chunk:
                time.sleep(FOLLOW_INTERVAL)


def run_side_by_side(sqlite_env: dict[str, str], postgres_env: dict[str, str],
                     args: list[str], folder: str) -> tuple[int, int]:
    """Both passes at once, each with its workers (4 processes on 2 cores): when one pass's
    last tests leave a core idle, the other's take it, and neither waits for the other's
    start-up. SQLite's report is shown as it runs, then PostgreSQL's, whole, in its turn."""
    log_path = os.path.join(folder, "postgresql.log")
    children: list[subprocess.Popen] = []
    try:
        with open(log_path, "wb") as log:
            children.append(start_pytest(postgres_env, args, log))
        print("\n=== test suite on SQLite (PostgreSQL's runs beside it: its report follows) ===",
              flush=True)
        children.append(start_pytest(sqlite_env, args))
        sqlite = verdict("SQLite", children[1].wait())
        print("\n=== test suite on PostgreSQL ===", flush=True)
        postgres = verdict("PostgreSQL", follow(children[0], log_path))
    except BaseException:
        stop(children)
        raise
    return sqlite, postgres


def run_database_name() -> str:
    return f"wnf_test_{os.getpid()}_{secrets.token_hex(3)}"


def create_run_database(server_url: str, name: str) -> str:
    with psycopg.connect(libpq(server_url), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
        conn.execute(THROWAWAY_SETTING.format(name=name))
    return make_url(server_url).set(database=name).render_as_string(hide_password=False)


def drop_run_databases(server_url: str, name: str) -> None:
    """Drop the run's database and any its workers left (one killed before its own
    clean-up), ending sessions that still hold them."""
    with psycopg.connect(libpq(server_url), autocommit=True) as conn:
        names = [row[0] for row in conn.execute(
            "SELECT datname FROM pg_database WHERE datname = %s OR datname LIKE %s",
            (name, name.replace("_", r"\_") + r"\_%"))]
        for each in names:
            conn.execute(f'DROP DATABASE IF EXISTS "{each}" WITH (FORCE)')


@contextlib.contextmanager
def postgres_run_env(server_url: str, base_env: dict[str, str]) -> Iterator[dict[str, str]]:
    """The environment of a pass on a database of this run's own, dropped at the end."""
    name = run_database_name()
    run_url = create_run_database(server_url, name)
    print(f"\n(PostgreSQL: this run's database is {name}, dropped at the end)", flush=True)
    try:
        yield {**base_env, "TEST_DATABASE_URL": run_url}
    finally:
        drop_run_databases(server_url, name)


def with_bytecode_kept(env: dict[str, str], folder: str) -> dict[str, str]:
    """Where PYTHONDONTWRITEBYTECODE is set, every pytest worker, gunicorn and subprocess
    would compile the project (and rewrite the tests' asserts) anew: keep their bytecode in
    `folder` instead, out of the source tree, so each is compiled once."""
    if not env.get("PYTHONDONTWRITEBYTECODE"):
        return env
    kept = {k: v for k, v in env.items() if k != "PYTHONDONTWRITEBYTECODE"}
    return {**kept, "PYTHONPYCACHEPREFIX": env.get("PYTHONPYCACHEPREFIX") or folder}


def kept_bytecode_folder() -> str | None:
    """The virtual environment's folder for that bytecode, kept from one run to the next:
    otherwise both workers of the first pass would compile and rewrite every test module
    again at every run. Python and pytest check each file against its source's time and
    size before using it, as in __pycache__, and replace it whole, so two runs at once
    never read half a file. None outside a virtual environment."""
    if sys.prefix == sys.base_prefix:
        return None
    return os.path.join(sys.prefix, "bytecode")


def main(args: list[str]) -> int:
    signal.signal(signal.SIGTERM, _on_sigterm)
    kept = kept_bytecode_folder()
    if kept is not None:
        return run_both(args, kept)
    bytecode = tempfile.mkdtemp(prefix="wnf-test-bytecode-")
    try:
        return run_both(args, bytecode)
    finally:
        shutil.rmtree(bytecode, ignore_errors=True)


def run_both(args: list[str], bytecode: str) -> int:
    base_env = with_bytecode_kept(
        {k: v for k, v in os.environ.items() if k != "TEST_DATABASE_URL"}, bytecode)
    server_url = postgres_server_url()
    reason = postgres_reachable(server_url)
    codes = {}
    if reason is None and os.environ.get("TEST_PASSES_SIDE_BY_SIDE") == "1":
        with (postgres_run_env(server_url, base_env) as postgres_env,
              tempfile.TemporaryDirectory(prefix="wnf-test-passes-") as folder):
            codes["SQLite"], codes["PostgreSQL"] = run_side_by_side(
                base_env, postgres_env, args, folder)
    else:
        codes["SQLite"] = run_pytest("SQLite", base_env, args)
        if reason is None:
            with postgres_run_env(server_url, base_env) as postgres_env:
                codes["PostgreSQL"] = run_pytest("PostgreSQL", postgres_env, args)
    failures = [label for label, code in codes.items() if code]
    if reason is not None:
        if os.environ.get("REQUIRE_POSTGRES") == "1":
            print(f"PostgreSQL is required (REQUIRE_POSTGRES=1) but unreachable: {reason}")
            failures.append("PostgreSQL (unreachable)")
        else:
            print(f"\nPostgreSQL run SKIPPED: {reason}. Set REQUIRE_POSTGRES=1 to make this fail.")
    if failures:
        print(f"\nFAILED on: {', '.join(failures)}")
        return 1
    print("\nAll suites passed.")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except (KeyboardInterrupt, Stopped):
        print("\nStopped: this run's databases are dropped.", file=sys.stderr)
        sys.exit(130)
