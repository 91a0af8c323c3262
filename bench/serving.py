"""The pages served by gunicorn on loopback, loaded by wrk, next to bare Flask baselines.

* requests per second of each page (2 sync workers; the mean of two runs), and of
  bench.bare_app's "ok" endpoint (before and after the pages) and 50-row list page served
  the same way, as ratios;
* one worker's resident memory after 5,000 and after 10,000 requests of the pages;
* the worker's peak memory while it streams the CSV export of every application.

wrk (Debian's package; `make bench` installs it) sends the session cookie of a login made
here with urllib, so the pages are those a signed-in secretariat member sees.
"""

from __future__ import annotations

import http.client
import http.cookiejar
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from contextlib import contextmanager
from pathlib import Path

from demo.living import DEMO_PASSWORD

ROOT = Path(__file__).resolve().parent.parent
USER = "secretariat@wnf.example"
AGENT = "wnf-bench"
SECONDS = 10


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def gunicorn(app_path: str, database_url: str, workers: int = 2):
    """A gunicorn serving `app_path` on a free loopback port; yields its base URL and pid.

    The app and the baselines are served with the same flags, without gunicorn.conf.py
    (which gunicorn would read from the project folder: it recycles workers every 5,000
    requests, and the memory figure must see one worker serve them all).
    """
    port = _free_port()
    env = {**os.environ, "DATABASE_URL": database_url, "WNF_ENV": "development",
           "SECRET_KEY": "bench-only-secret", "PROXY_COUNT": "0",
           "UPLOAD_DIR": tempfile.mkdtemp(prefix="wnf-bench-serve-")}
    log = Path(tempfile.mkdtemp(prefix="wnf-bench-gunicorn-")) / "gunicorn.log"
    with log.open("w") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--config", os.devnull, "--workers",
             str(workers), "--worker-class", "sync", "--bind", f"127.0.0.1:{port}",
             "--keep-alive", "5", "--timeout", "300", app_path],
            cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                urllib.request.urlopen(base + "/", timeout=2)
                break
            except urllib.error.HTTPError:
                break  # it answers (a redirect to the login, or 404)
            except OSError:
                time.sleep(0.1)
        else:
            raise RuntimeError(f"gunicorn did not start; see {log}")
        yield base, process.pid
    finally:
        process.terminate()  # our own child, by its pid
        process.wait(timeout=60)


def login_cookie(base: str) -> str:
    """Log in through the form (with its CSRF token); the Cookie header that wrk sends.

    Flask-Login's strong session protection ties the session to the browser's address and
    User-Agent: every request here and from wrk says it is the same AGENT.
    """
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    opener.addheaders = [("User-Agent", AGENT)]
    page = opener.open(base + "/auth/login").read().decode()
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    data = urllib.parse.urlencode({"csrf_token": token, "email": USER,
                                   "password": DEMO_PASSWORD}).encode()
    opener.open(base + "/auth/login", data=data).read()
    cookie = "; ".join(f"{c.name}={c.value}" for c in jar)
    check = urllib.request.Request(base + "/home", headers=_headers(cookie))
    with urllib.request.urlopen(check) as response:
        assert response.url.endswith("/home"), f"the login failed: {response.url}"
    return cookie


def _headers(cookie: str) -> dict:
    return {"Cookie": cookie, "User-Agent": AGENT}


def wrk(url: str, cookie: str | None = None, seconds: int = SECONDS, script: str | None = None,
        threads: int = 2, connections: int = 8) -> dict:
    """Requests per second, and how many answers were not 2xx/3xx (must be none)."""
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s"]
    if cookie:
        command += ["-H", f"Cookie: {cookie}", "-H", f"User-Agent: {AGENT}"]
    if script:
        command += ["-s", script]
    output = subprocess.run([*command, url], capture_output=True, text=True,
                            check=True).stdout
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
            "requests": int(re.search(r"(\d+) requests in", output).group(1)),
            "errors": int(bad.group(1)) if bad else 0}


def _status(pid: int, field: str) -> float:
    """VmRSS / VmHWM of a process, in MB."""
    text = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(rf"{field}:\s+(\d+) kB", text).group(1)) / 1024


def _worker(master: int) -> int:
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    return int(children[0])


def _requests(base: str, cookie: str, paths: list[str], count: int) -> None:
    """`count` requests cycling over the paths on one kept-alive connection, each a 200.

    (Plain http.client rather than wrk: wrk runs for a duration, not a number of requests.)
    """
    connection = http.client.HTTPConnection(urllib.parse.urlsplit(base).netloc, timeout=300)
    try:
        for n in range(count):
            connection.request("GET", paths[n % len(paths)], headers=_headers(cookie))
            response = connection.getresponse()
            response.read()
            assert response.status == 200, (paths[n % len(paths)], response.status)
    finally:
        connection.close()


def memory(database_url: str, pages: dict[str, str]) -> dict:
    """One worker's resident memory after 5,000 and after 10,000 requests of the pages."""
    with gunicorn("webui.wsgi:app", database_url, workers=1) as (base, master):
        cookie = login_cookie(base)
        worker, paths = _worker(master), list(pages.values())
        figures = {"start_mb": round(_status(worker, "VmRSS"), 1)}
        _requests(base, cookie, paths, 5000)
        figures["after_5000_mb"] = round(_status(worker, "VmRSS"), 1)
        _requests(base, cookie, paths, 5000)
        assert _worker(master) == worker, "the worker was replaced"
        figures["after_10000_mb"] = round(_status(worker, "VmRSS"), 1)
    figures["goal_mb"] = 200
    return figures


def csv_export(database_url: str) -> dict:
    """The worker's resident memory while it streams the export of every application:
    sampled every 20 ms (its lifetime peak, VmHWM, is set by the login's scrypt hashing)."""
    with gunicorn("webui.wsgi:app", database_url, workers=1) as (base, master):
        cookie = login_cookie(base)
        worker = _worker(master)
        before, samples, done = _status(worker, "VmRSS"), [], threading.Event()

        def sample() -> None:
            while not done.wait(0.02):
                samples.append(_status(worker, "VmRSS"))

        sampler = threading.Thread(target=sample)
        sampler.start()
        request = urllib.request.Request(base + "/applications/export.csv",
                                         headers=_headers(cookie))
        start, size, lines = time.perf_counter(), 0, 0
        try:
            with urllib.request.urlopen(request) as response:
                while chunk := response.read(1 << 16):
                    size += len(chunk)
                    lines += chunk.count(b"\n")
        finally:
            done.set()
            sampler.join()
        seconds = time.perf_counter() - start
    peak = max(samples, default=before)
    return {"rows": lines - 1, "megabytes": round(size / 1e6, 1), "seconds": round(seconds, 1),
            "rss_before_mb": round(before, 1), "peak_rss_mb": round(peak, 1), "goal_mb": 200}


def throughput(database_url: str, pages: dict[str, str], rounds: int = 2) -> dict:
    """Requests per second of each page and of the baselines, 2 workers each, same run.

    The bare "ok" is measured before the pages and again after them, and the ratios use
    the mean of the two; each page is loaded `rounds` times, in turn with the others, and
    its figure is the mean. A shared host's speed drifts within a minute: one run taken at
    a quick or a slow moment would move a ratio by as much as a tenth.
    """
    figures = {}
    with gunicorn("bench.bare_app:app", database_url) as (base, _):
        figures["bare_ok_before"] = wrk(base + "/")
        figures["bare_list50"] = wrk(base + "/list")
    runs: dict[str, list[dict]] = {name: [] for name in pages}
    with gunicorn("webui.wsgi:app", database_url) as (base, _):
        cookie = login_cookie(base)
        for path in pages.values():
            _requests(base, cookie, [path], 1)  # a 200, not a redirect to the login page
        for _ in range(rounds):
            for name, path in pages.items():
                runs[name].append(wrk(base + path, cookie))
                assert runs[name][-1]["errors"] == 0, (name, runs[name][-1])
    with gunicorn("bench.bare_app:app", database_url) as (base, _):
        figures["bare_ok_after"] = wrk(base + "/")
    for name, results in runs.items():
        figures[name] = {"rps": round(sum(r["rps"] for r in results) / len(results), 1),
                         "runs": [r["rps"] for r in results],
                         "requests": sum(r["requests"] for r in results), "errors": 0}
    ok = (figures["bare_ok_before"]["rps"] + figures["bare_ok_after"]["rps"]) / 2
    figures["bare_ok"] = {"rps": round(ok, 1)}
    for result in figures.values():
        result["ratio"] = round(result["rps"] / ok, 3)
    return figures


def run(database_url: str, pages: dict[str, str]) -> dict:
    if shutil.which("wrk") is None:
        return {"serving": "skipped: wrk is not installed (apt-get install wrk)"}
    return {"rps": throughput(database_url, pages), "memory": memory(database_url, pages),
            "csv_export": csv_export(database_url)}
