"""`make bench`: run the benchmarks, print a table, write bench/results.json.

    python -m bench [--quick] [--database-url URL] [--pages-size N]

Every page each demo role reaches is measured on SQLite and on PostgreSQL whatever the URL
(bench.every_page: a database of its own on each).
"""

from __future__ import annotations

import argparse
import signal
import sys

from . import (
    audit_verify,
    every_page,
    japanese_pdf,
    money_pages,
    pages,
    slow_network,
    transitions,
)


def _page_rows(p: dict) -> list[tuple]:
    """The pages' figures as table rows: latency, statements, rps ratios, memory, CSV."""
    size, small = str(p["applications"]), min(p["statements"], key=int)
    names = {"home": "home page", "list": "application list, page 1",
             "deep": f"application list, page {p['deep_page']} of {p['country']}",
             "file": "application page, 30 timeline events"}
    rows = []
    for key, label in names.items():
        lat, counts = p["latency"][key], p["statements"]
        first = p["latency_after_a_change"][key]
        rows.append((f"{label}: p50 / p95 ms at {int(size):,}",
                     f"{lat['p50_ms']} / {lat['p95_ms']}", "", "", "p95 ≤ 50 ms"))
        rows.append((f"{label}: the same, first view after a change",
                     f"{first['p50_ms']} / {first['p95_ms']}", "", "", "p95 ≤ 50 ms"))
        rows.append((f"{label}: SQL statements at {int(small):,} / {int(size):,} "
                     "(first view after a change)",
                     f"{counts[small][key]} / {counts[size][key]}", "", "", "≤ 12, equal"))
    rps = p.get("rps")
    if rps:
        ok = rps["bare_ok"]["rps"]  # the mean of a run before the pages and one after
        rows.append(("bare Flask \"ok\": requests/s before / after the pages",
                     f"{rps['bare_ok_before']['rps']:.0f} / {rps['bare_ok_after']['rps']:.0f}",
                     "", "", "(the baseline: their mean)"))
        for key, label in names.items():
            rows.append((f"{label}: requests/s (gunicorn ×2, mean of 2 runs)",
                         f"{rps[key]['rps']:.0f}",
                         f"{ok:.0f}", f"{rps[key]['ratio']:.3f}", "≥ 0.10"))
        rows.append(("bare Flask+SQLAlchemy+Jinja 50-row list: requests/s",
                     f"{rps['bare_list50']['rps']:.0f}", f"{ok:.0f}",
                     f"{rps['bare_list50']['ratio']:.3f}", "(≈ 0.13)"))
        memory, export = p["memory"], p["csv_export"]
        rows.append(("worker RSS after 5,000 / 10,000 requests (MB)",
                     f"{memory['after_5000_mb']} / {memory['after_10000_mb']}", "", "",
                     "< 200, flat"))
        rows.append((f"CSV export of {export['rows']:,} applications: peak RSS (MB)",
                     f"{export['peak_rss_mb']}", "", "", "< 200"))
    else:
        rows.append(("requests/s, memory, CSV export", p.get("serving", "skipped"), "", "", ""))
    return rows


def _money_rows(m: dict) -> list[tuple]:
    """Kept figures against the old way, each pair timed in turn (bench.money_pages)."""
    rows = []
    for name, figures in m["pages"].items():
        rows.append((f"{name} page at {m['applications']:,} files: p50 ms, kept totals "
                     "(baseline: summing the ledger)", f"{figures['kept']['p50_ms']}",
                     f"{figures['summed']['p50_ms']}", f"{figures['ratio_p50']}", "≥ 1"))
    v = m["audit_verify"]
    rows.append((f"audit page verify, {v['new_events_per_check']:,} new events of "
                 f"{v['events_at_the_end']:,}: p50 ms (baseline: the whole chain)",
                 f"{v['page_from_checkpoint']['p50_ms']}", f"{v['whole_chain']['p50_ms']}",
                 f"{v['ratio_p50']}", "milliseconds"))
    return rows


def _slow_network_rows(s: dict) -> list[tuple]:
    """Each key page on slow 3G: seconds to load and KiB, first visit / repeat visit."""
    if "pages" not in s:
        return [("pages on slow 3G", s.get("skipped", "skipped"), "", "", "")]
    rows = []
    for name, f in s["pages"].items():
        rows.append((f"{name} on slow 3G: load s, first / repeat visit",
                     f"{f['first_ms'] / 1000:.1f} / {f['repeat_ms'] / 1000:.1f}", "", "",
                     f"{f['first_bytes'] / 1024:.0f} / {f['repeat_bytes'] / 1024:.0f} KiB "
                     "(≤ 150 / 20)"))
    return rows


def _databases() -> list[str]:
    """SQLite, and PostgreSQL when the server the suite uses answers (tests.run_suites)."""
    from tests.run_suites import postgres_reachable, postgres_server_url

    reason = postgres_reachable(postgres_server_url())
    if reason:
        print(f"PostgreSQL skipped for every page: {reason}")
    return ["sqlite"] if reason else ["sqlite", "postgresql"]


def _japanese_pdf_rows(j: dict) -> list[tuple]:
    """The schedule PDF in Japanese (cut-down font; the whole collection) against English."""
    if "median_ms" not in j:
        return [("Japanese schedule PDF", j.get("skipped", "skipped"), "", "", "")]
    ms, ratio = j["median_ms"], j["ratio_to_english"]
    return [(f"schedule PDF, 120 instalments, {label}: median ms (baseline: English)",
             f"{ms[kind]}", f"{ms['en']}", f"{ratio[kind]}", goal)
            for kind, label, goal in (("ja_cut_down", "Japanese", "≤ 3"),
                                      ("ja_whole_collection", "Japanese, whole font", "(before)"))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="default: a fresh SQLite file")
    parser.add_argument("--quick", action="store_true", help="smaller sizes, for a smoke run")
    parser.add_argument("--pages-size", type=int, help="applications for the pages' figures "
                        "(default 100,000; 2,000 with --quick)")
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))  # every_page then drops its database
    rows = []
    t = transitions.run(1000 if args.quick else 4000, args.database_url)
    rows.append(("transitions/s, service vs raw SQL", f"{t['service_per_second']:.0f}",
                 f"{t['raw_sql_per_second']:.0f}", f"{t['ratio']:.3f}", "≥ 0.25"))
    rows.append(("CPU ms per transition, service vs raw SQL (a busy host's view)",
                 f"{t['service_cpu_ms']:.2f}", f"{t['raw_sql_cpu_ms']:.2f}",
                 f"{t['cpu_ratio']:.3f}", ""))
    a = audit_verify.run(50_000 if args.quick else 1_000_000, args.database_url)
    rows.append((f"audit verify, {a['events']:,} events (s)", f"{a['verify_seconds']}", "",
                 "", "< 10 s"))
    p = pages.run(args.pages_size or (2000 if args.quick else 100_000), args.database_url)
    rows += _page_rows(p)
    m = money_pages.run(1000 if args.quick else 5000, args.database_url, runs=30)
    rows += _money_rows(m)
    rows += _slow_network_rows(slow_network.run(args.database_url, 1 if args.quick else 3))
    rows += _japanese_pdf_rows(japanese_pdf.run(3 if args.quick else 7))
    every = every_page.run([200, 1000] if args.quick else [1000, 100_000], _databases(),
                           5 if args.quick else 20, list(every_page.ROLES))
    print(f"\nBenchmarks on {t['database']}")
    header = ("measure", "value", "baseline", "ratio", "goal")
    widths = [max(len(str(r[i])) for r in (*rows, header)) for i in range(len(header))]
    for row in (header, *rows):
        print("  ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)))
    print("\nEvery page each demo role reaches (bench.every_page)")
    print(every_page.table(every))
    print("\nFigures saved in bench/results.json")


if __name__ == "__main__":
    main()
