"""Seeding the demo through its command, as `make run` does."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from models import db


@pytest.fixture
def seed(app):
    """`seed()` runs `flask demo seed` (with `--scale N` if given) and returns its output."""

    def run(*args: str, expect_ok: bool = True) -> str:
        db.session.commit()
        result = app.test_cli_runner().invoke(args=["demo", "seed", *args])
        if expect_ok:
            assert result.exit_code == 0, result.output + repr(result.exception)
        db.session.expire_all()
        return result.output

    return run


def row_counts() -> dict[str, int]:
    """Rows in every table."""
    return {table.name: db.session.scalar(select(func.count()).select_from(table))
            for table in db.metadata.sorted_tables}
