"""The every-page benchmark's verdicts (bench.every_page): a page that costs too much CPU or
runs more statements at the larger size is named, and a database it was told to keep is
there to measure again."""

from pathlib import Path

from bench.common import own_database
from bench.every_page import over_goal, table


def _page(statements: int, cpu_p95: float, wall_p95: float, url: str = "/portfolio/") -> dict:
    return {"url": url, "filled_from": "", "status": 200, "statements": statements,
            "p50_ms": wall_p95, "p95_ms": wall_p95, "cpu_p50_ms": cpu_p95,
            "cpu_p95_ms": cpu_p95}


def test_a_page_over_the_cpu_goal_or_with_more_statements_at_the_larger_size_is_named():
    assert over_goal(_page(5, 10, 20), _page(5, 12, 30)) == []
    assert over_goal(_page(5, 10, 20), _page(7, 12, 30)) == ["statements grow"]
    # A busy host stretches the wall time, not the CPU: the two are told apart.
    assert over_goal(_page(5, 10, 20), _page(5, 12, 400)) == ["wall p95 > 50 ms"]
    assert over_goal(None, _page(5, 70, 400)) == ["CPU p95 > 50 ms", "wall p95 > 50 ms"]
    # A whole export grows with the books by nature: held to the statement goal only.
    assert over_goal(_page(5, 10, 20, "/loans/export.csv"),
                     _page(5, 900, 2000, "/loans/export.csv")) == []


def test_the_table_shows_cpu_and_wall_at_each_size_measured():
    by_size = {"sizes": [1000, 20000],
               "1000": {"pages": {"chair /portfolio/": _page(11, 70.5, 400)}, "unreached": {},
                        "measured_at": "2026-12-07 14:05 UTC"},
               "20000": {"pages": {"chair /portfolio/": _page(11, 80.5, 500)},
                         "unreached": {"member /audit/": 403},
                         "measured_at": "2026-12-07 14:40 UTC"}}
    shown = table({"postgresql": by_size})
    row = next(line for line in shown.splitlines() if line.startswith("chair /portfolio/"))
    assert "70.5 / 70.5" in row and "80.5 / 80.5" in row and "500 / 500" in row
    assert "11 / 11" in row and "CPU p95 > 50 ms" in row
    assert "14:40 UTC" in shown and "member 403: /audit/" in shown


def test_a_kept_database_outlives_the_benchmark_and_another_does_not():
    with own_database("sqlite", keep=True) as kept_url:
        Path(kept_url.removeprefix("sqlite:///")).write_bytes(b"")
    with own_database("sqlite") as dropped_url:
        Path(dropped_url.removeprefix("sqlite:///")).write_bytes(b"")
    kept_file = Path(kept_url.removeprefix("sqlite:///"))
    assert kept_file.exists()
    assert not Path(dropped_url.removeprefix("sqlite:///")).exists()
    kept_file.unlink()
    kept_file.parent.rmdir()
