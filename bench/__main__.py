"""`make bench`: run the benchmarks, print a table, write bench/results.json.

    python -m bench [--quick] [--database-url URL]
"""

from __future__ import annotations

import argparse

from . import audit_verify, transitions


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="default: a fresh SQLite file")
    parser.add_argument("--quick", action="store_true", help="smaller sizes, for a smoke run")
    args = parser.parse_args()
    rows = []
    t = transitions.run(1000 if args.quick else 4000, args.database_url)
    rows.append(("transitions/s, service vs raw SQL", f"{t['service_per_second']:.0f}",
                 f"{t['raw_sql_per_second']:.0f}", f"{t['ratio']:.3f}", "≥ 0.25"))
    a = audit_verify.run(50_000 if args.quick else 1_000_000, args.database_url)
    rows.append((f"audit verify, {a['events']:,} events (s)", f"{a['verify_seconds']}", "",
                 "", "< 10 s"))
    print(f"\nBenchmarks on {t['database']}")
    header = ("measure", "value", "baseline", "ratio", "goal")
    widths = [max(len(str(r[i])) for r in (*rows, header)) for i in range(len(header))]
    for row in (header, *rows):
        print("  ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)))
    print("\nFigures saved in bench/results.json")


if __name__ == "__main__":
    main()
