"""Static files under names that change with their content, cached by browsers for a year.

At start-up the files of webui/static are copied into a build folder of the instance
folder under fingerprinted names (`app.css` → `app.3f2a9c1b0d4e.css`), each with its gzip
and Brotli forms made ahead of time. WhiteNoise, wrapped around the WSGI app, answers them
with `Cache-Control: public, max-age=31536000, immutable` and the encoding the browser
accepts; `url_for('static', filename='app.css')` writes the fingerprinted name. A changed
file gets a new name, so no browser ever keeps an old one.

The build folder is named after the files' digests: an unchanged tree is found again and
not rebuilt (the first start after a change takes some seconds: Brotli's best is slow), and
of several workers starting at once one builds while the others wait. It holds the served
files in `files/` and, beside them, the manifest (original name → fingerprinted).
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import tempfile
import time
from pathlib import Path

from flask import Flask
from whitenoise import WhiteNoise
from whitenoise.compress import Compressor

from .security import CSP

YEAR = 365 * 24 * 60 * 60
CACHE_CONTROL = f"public, max-age={YEAR}, immutable"
MANIFEST = "manifest.json"
# Another worker may still serve an older build for a while: those are left this long.
OLD_BUILDS_KEPT_SECONDS = 24 * 60 * 60

_digests: dict[tuple, dict[str, str]] = {}  # a tree's stat signature → its manifest


def fingerprinted(name: str, digest: str) -> str:
    """`vendor/chartjs/chart.umd.min.js` → `vendor/chartjs/chart.umd.min.<digest>.js`."""
    stem, dot, suffix = name.rpartition(".")
    return f"{stem}.{digest}.{suffix}" if dot and "/" not in suffix else f"{name}.{digest}"


def _sources(source: Path) -> list[Path]:
    return sorted(p for p in source.rglob("*") if p.is_file() and not p.name.startswith("."))


def manifest_of(source: Path) -> dict[str, str]:
    """Each file's name relative to `source` → its fingerprinted name (12 hex digits of
    SHA-256). Remembered per process while no file's size or time changes."""
    files = _sources(source)
    signature = (str(source), *((str(p), p.stat().st_mtime_ns, p.stat().st_size)
                                for p in files))
    manifest = _digests.get(signature)
    if manifest is None:
        manifest = {}
        for path in files:
            name = path.relative_to(source).as_posix()
            manifest[name] = fingerprinted(name, hashlib.sha256(path.read_bytes()).hexdigest()[:12])
        _digests[signature] = manifest
    return manifest


def build(source: Path, builds: Path) -> tuple[Path, dict[str, str]]:
    """The folder of `source`'s current files, fingerprinted and compressed (built when
    missing), and the manifest."""
    manifest = manifest_of(source)
    key = hashlib.sha256(json.dumps(manifest, sort_keys=True).encode()).hexdigest()[:16]
    target = builds / key
    if not (target / MANIFEST).is_file():
        builds.mkdir(parents=True, exist_ok=True)
        with open(builds / ".lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)  # one process builds, the others wait for it
            if not (target / MANIFEST).is_file():
                _build_into(target, source, manifest)
                _forget_old_builds(builds, keep=target)
    os.utime(target)  # in use: not an old build to forget
    return target / "files", manifest


def _build_into(target: Path, source: Path, manifest: dict[str, str]) -> None:
    """Copy, compress, then rename into place: a crash leaves no half-built folder."""
    work = Path(tempfile.mkdtemp(prefix=".building-", dir=target.parent))
    try:
        compressor = Compressor(quiet=True)
        (work / "files").mkdir()
        for name, hashed in manifest.items():
            copy = work / "files" / hashed
            copy.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source / name, copy)
            if compressor.should_compress(hashed):
                compressor.compress(str(copy))
        (work / MANIFEST).write_text(json.dumps(manifest, indent=1, sort_keys=True))
        work.rename(target)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _forget_old_builds(builds: Path, keep: Path) -> None:
    now = time.time()
    for folder in builds.iterdir():
        if folder != keep and folder.is_dir() and (
                now - folder.stat().st_mtime > OLD_BUILDS_KEPT_SECONDS):
            shutil.rmtree(folder, ignore_errors=True)


def _headers(headers, path: str, url: str) -> None:
    headers["Cache-Control"] = CACHE_CONTROL
    # What webui/security.py sends with every other answer (an SVG opened by itself is a page).
    headers["Content-Security-Policy"] = CSP
    headers["X-Content-Type-Options"] = "nosniff"


def register(app: Flask) -> None:
    """Build (or find) the fingerprinted files, serve them with WhiteNoise, and make
    url_for('static', filename=…) write their names."""
    folder, manifest = build(Path(app.static_folder),
                             Path(app.instance_path) / "static-builds")
    prefix = app.static_url_path.rstrip("/") + "/"
    app.wsgi_app = WhiteNoise(app.wsgi_app, root=str(folder), prefix=prefix, max_age=None,
                              allow_all_origins=False, add_headers_function=_headers)
    # Any other name under /static/ (a file added since start-up, an old bookmark) is
    # still answered by Flask's own static view, which revalidates it every time.

    @app.url_defaults
    def _fingerprint(endpoint: str, values: dict) -> None:
        if endpoint == "static" and "filename" in values:
            values["filename"] = manifest.get(values["filename"], values["filename"])
