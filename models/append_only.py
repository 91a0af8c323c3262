"""The append-only tables and the triggers that keep them so, written once.

The audit trail and the ledger refuse UPDATE, DELETE and (PostgreSQL) TRUNCATE at the
database itself: a correction is a new row, never an edit. The migrations that make the
triggers (0002, 0003, 0008, 0013), the check of the application's database login and the
tests that lift the triggers for a moment all read them here.

Migrations import this module, so what it writes for a table must never change once
released: a change to a trigger is a new migration with its own SQL.
"""

from __future__ import annotations

APPEND_ONLY_TABLES = ("audit_events", "ledger_entries")
REFUSED_VERBS = ("UPDATE", "DELETE")  # each row's; TRUNCATE is refused per statement


# --- PostgreSQL: one row trigger per table, and one TRUNCATE trigger (migration 0013) ----

def postgres_row_trigger(table: str) -> list[str]:
    return [
        f"""CREATE FUNCTION {table}_append_only() RETURNS trigger AS $$
            BEGIN
                RAISE EXCEPTION '{table} is append-only: % refused', TG_OP;
            END;
            $$ LANGUAGE plpgsql""",
        f"""CREATE TRIGGER {table}_append_only
            BEFORE UPDATE OR DELETE ON {table}
            FOR EACH ROW EXECUTE FUNCTION {table}_append_only()""",
    ]


def postgres_row_trigger_dropped(table: str) -> list[str]:
    return [f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}",
            f"DROP FUNCTION IF EXISTS {table}_append_only()"]


NO_TRUNCATE_FUNCTION = """CREATE FUNCTION append_only_no_truncate() RETURNS trigger AS $$
    BEGIN
        RAISE EXCEPTION '% is append-only: TRUNCATE refused', TG_TABLE_NAME;
    END;
    $$ LANGUAGE plpgsql"""
NO_TRUNCATE_FUNCTION_DROPPED = "DROP FUNCTION IF EXISTS append_only_no_truncate()"


def postgres_truncate_trigger(table: str) -> str:
    return (f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION append_only_no_truncate()")


def postgres_truncate_trigger_dropped(table: str) -> str:
    return f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}"


# --- SQLite: a trigger per table and verb ---------------------------------------------------

def sqlite_triggers(table: str) -> dict[str, str]:
    """name → CREATE TRIGGER statement."""
    return {
        f"{table}_no_{verb.lower()}": (
            f"CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON {table} "
            f"BEGIN SELECT RAISE(ABORT, '{table} is append-only: {verb} refused'); END")
        for verb in REFUSED_VERBS
    }


def sqlite_trigger_dropped(name: str) -> str:
    return f"DROP TRIGGER IF EXISTS {name}"


# --- Either ----------------------------------------------------------------------------------

def created(table: str, dialect: str) -> list[str]:
    """The statements that make `table` refuse UPDATE and DELETE on this dialect."""
    if dialect == "postgresql":
        return postgres_row_trigger(table)
    return list(sqlite_triggers(table).values())


def dropped(table: str, dialect: str) -> list[str]:
    if dialect == "postgresql":
        return postgres_row_trigger_dropped(table)
    return [sqlite_trigger_dropped(name) for name in sqlite_triggers(table)]
