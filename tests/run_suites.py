"""Run the test suite on SQLite, then again on PostgreSQL (`make test`).

PostgreSQL comes from DATABASE_URL_TEST, or the local server at
127.0.0.1:5432, database `test`. When it cannot be reached the second run is
skipped with a notice, or fails when REQUIRE_POSTGRES=1 (as in CI).
"""

from __future__ import annotations

import os
import subprocess
import sys

import psycopg

DEFAULT_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
NO_TESTS_RAN = 5


def postgres_url() -> str:
    return os.environ.get("DATABASE_URL_TEST") or DEFAULT_POSTGRES


def postgres_reachable(url: str) -> str | None:
    """None when a connection opens, else the reason it did not."""
    try:
        with psycopg.connect(url.replace("+psycopg", ""), connect_timeout=5):
            return None
    except psycopg.Error as error:
        return str(error).strip().splitlines()[0]


def run_pytest(label: str, env: dict[str, str], args: list[str]) -> int:
    print(f"\n=== test suite on {label} ===", flush=True)
    code = subprocess.call([sys.executable, "-m", "pytest", *args], env=env)
    if code == NO_TESTS_RAN:
        print(f"pytest ran no tests on {label}: that is a failure.", flush=True)
        return 1
    return code


def main(args: list[str]) -> int:
    base_env = {k: v for k, v in os.environ.items() if k != "TEST_DATABASE_URL"}
    failures = []
    if run_pytest("SQLite", base_env, args):
        failures.append("SQLite")
    url = postgres_url()
    reason = postgres_reachable(url)
    if reason is None:
        if run_pytest("PostgreSQL", {**base_env, "TEST_DATABASE_URL": url}, args):
            failures.append("PostgreSQL")
    elif os.environ.get("REQUIRE_POSTGRES") == "1":
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
    sys.exit(main(sys.argv[1:]))
