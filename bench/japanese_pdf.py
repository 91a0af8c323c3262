"""A loan's repayment schedule as a PDF: Japanese against English, in one process.

    python -m bench.japanese_pdf [--runs 7]

The English PDF (core Helvetica, nothing embedded) is the baseline. The Japanese one embeds
Noto Sans CJK: a face of its own glyphs, taken from the cut-down font of
workflow.files.japanese_font (workflow.files.document_font), and, for comparison, the whole
collection as before. Each kind is timed in turn, run after run, so that the machine's load
weighs on all alike; the figures are medians, of wall time and of this process's CPU (on a
shared host the wait for a core stretches the first), the ratios against English.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
from datetime import date
from pathlib import Path
from types import SimpleNamespace
from unittest import mock

from flask_babel import force_locale

from webui.dashboard.schedule_pdf import schedule_pdf
from workflow.files import japanese_font

from .common import Stopwatch, fresh_app, save


def _loan(company: str, title: str) -> SimpleNamespace:
    """What schedule_pdf reads of a loan statement: a 10-year loan, monthly instalments."""
    application = SimpleNamespace(reference="SME-2026-0007", title=title,
                                  organisation=SimpleNamespace(name=company))
    following = SimpleNamespace(due_on=date(2027, 1, 31))
    return SimpleNamespace(application=application, next_instalment=following,
                           outstanding_principal_yen=48_000_000, arrears_yen=0,
                           next_payment_yen=456_789)


ROWS = [(n, date(2027, 1, 31).replace(year=2027 + n // 12).isoformat(), 400_000, 56_789,
         456_789, 0, 48_000_000 - 400_000 * n) for n in range(1, 121)]
KINDS = {
    "en": ("en", _loan("Saigon Precision Parts", "CNC machining plant in Binh Duong"), False),
    "ja_cut_down": ("ja", _loan("浜松精密部品株式会社", "ビンズオン省CNC加工工場の設立"), False),
    "ja_whole_collection": ("ja", _loan("浜松精密部品株式会社", "ビンズオン省CNC加工工場の設立"),
                            True),
}


def _render(locale: str, loan, whole: bool) -> int:
    with force_locale(locale), mock.patch.object(
            japanese_font, "font_for",
            side_effect=(lambda *_: japanese_font.SOURCE) if whole else japanese_font.font_for):
        return len(schedule_pdf(loan, ROWS, date(2026, 12, 7)))


def run(runs: int) -> dict:
    if not japanese_font.SOURCE.is_file():
        return {"skipped": f"no {japanese_font.SOURCE} (Debian's fonts-noto-cjk)"}
    app, _ = fresh_app()
    times: dict[str, list[float]] = {kind: [] for kind in KINDS}
    cpu_times: dict[str, list[float]] = {kind: [] for kind in KINDS}
    with app.test_request_context():
        folder = Path(app.instance_path)
        made = japanese_font.subset_path(folder).is_file()
        with Stopwatch() as first:
            japanese_font.cut_down_font(folder)
        sizes = {kind: _render(*args) for kind, args in KINDS.items()}  # warm up
        for _ in range(runs):
            for kind, args in KINDS.items():
                with Stopwatch() as watch:
                    _render(*args)
                times[kind].append(watch.seconds)
                cpu_times[kind].append(watch.cpu_seconds)
    medians = {kind: statistics.median(t) * 1000 for kind, t in times.items()}
    figures = {
        "runs": runs, "load_average_1min": round(os.getloadavg()[0], 2),
        "cut_down_font_made_ms": None if made else round(first.seconds * 1000),
        "median_ms": {kind: round(ms, 1) for kind, ms in medians.items()},
        "median_cpu_ms": {kind: round(statistics.median(t) * 1000, 1)
                          for kind, t in cpu_times.items()},
        "pdf_bytes": sizes,
        "ratio_to_english": {kind: round(ms / medians["en"], 1) for kind, ms in medians.items()},
        "whole_over_cut_down": round(medians["ja_whole_collection"] / medians["ja_cut_down"], 1),
    }
    save("japanese_pdf", figures)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    print(json.dumps(run(parser.parse_args().runs), indent=2))


if __name__ == "__main__":
    main()
