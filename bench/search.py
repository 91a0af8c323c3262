"""The application list searched at scale: words of titles, of organisation names and
readings, typed full-width or in hiragana, and words found nowhere (every file is read),
each next to the plain list page in the same process (the ratio is the figure).

    python -m bench.search [--size 100000] [--database-url URL] [--reuse]

The database is the one bench.pages fills (`--reuse` keeps its rows).
"""

from __future__ import annotations

import argparse
import json
import tempfile
from urllib.parse import quote

from . import pages
from .common import fresh_app, save

# label → the search box's text
QUERIES = {
    "title word": "seminar",
    "company name": "Hamamatsu",
    "name in kanji": "浜松",
    "reading in hiragana": "はままつ",
    "full-width, found nowhere": "ＷＮＦ",
    "found nowhere": "zqxj",
    "two words": "Hamamatsu Precision",
}


def scene() -> pages.Scene:
    urls = {"list": "/applications/"}
    urls.update((label, f"/applications/?q={quote(text)}") for label, text in QUERIES.items())
    return pages.Scene(urls, 0, "")


def run(size: int, database_url: str | None, *, reuse: bool = False, runs: int = 30) -> dict:
    app, url = fresh_app(database_url, keep=reuse)
    pages.seed(app, size, tempfile.mkdtemp(prefix="wnf-bench-uploads-"))
    measured = scene()
    figures = {"database": pages.db_name(url), "applications": size,
               "latency_after_a_change": pages.latency(app, measured, runs, after_a_change=True),
               "latency": pages.latency(app, measured, runs)}
    for kind in ("latency", "latency_after_a_change"):
        base = figures[kind]["list"]["p50_ms"]
        figures[f"{kind}_ratio_to_list"] = {
            name: round(values["p50_ms"] / base, 2) for name, values in figures[kind].items()}
    save(f"search_{figures['database']}", figures)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--database-url")
    parser.add_argument("--reuse", action="store_true",
                        help="keep the database's rows if it is already filled")
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    print(json.dumps(run(args.size, args.database_url, reuse=args.reuse, runs=args.runs),
                     indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
