"""python -m screenshots [--out DIR]: photograph each demo role's key pages (see __init__)."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import threading
from contextlib import contextmanager
from pathlib import Path

from playwright.sync_api import sync_playwright
from werkzeug.serving import make_server

from .camera import photograph_role
from .pages import ROLES, resolved_paths
from .readme import write_readme

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update"]


def demo_environment(folder: Path) -> dict[str, str]:
    """Settings that keep the demo, its uploads and its anchors inside `folder`."""
    return {"DATABASE_URL": f"sqlite:///{folder / 'wnf.db'}", "UPLOAD_DIR": str(folder / "uploads"),
            "AUDIT_ANCHOR_DIR": str(folder / "anchors"), "WNF_ENV": "development",
            "LOG_LEVEL": "WARNING",  # the walk's requests are not worth a line each
            "FLASK_APP": "webui:create_app"}


def seed_demo(settings: dict[str, str]) -> None:
    """Migrate and seed as `make run` does, in a child process reading these settings."""
    env = {**os.environ, **settings}
    for args in (["db", "upgrade"], ["demo", "seed-if-empty"]):
        subprocess.run([sys.executable, "-m", "flask", *args], cwd=ROOT, env=env, check=True)


@contextmanager
def served(app):
    """The app on a free loopback port, in a thread of this process; yields its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    out = parser.parse_args().out
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("*.png"):  # a page dropped from the list leaves no stale picture
        old.unlink()
    with tempfile.TemporaryDirectory(prefix="wnf-screenshots-") as folder:
        settings = demo_environment(Path(folder))
        seed_demo(settings)
        os.environ.update(settings)  # read by Config when webui is imported below
        from webui import create_app

        app = create_app()
        with app.app_context():
            walks = [(role, resolved_paths(role)) for role in ROLES]
        taken = {}
        with served(app) as base, sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                                 args=CHROMIUM_ARGS)
            try:
                for role, paths in walks:
                    taken[role] = photograph_role(browser, app, base, role, paths, out)
                    print(f"{role.slug}: {len(taken[role])} pictures", flush=True)
            finally:
                browser.close()
    write_readme(out, taken)
    print(f"Screenshots written to {out}")


if __name__ == "__main__":
    main()
