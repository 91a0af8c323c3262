"""What a PostgreSQL role could do to the evidence: the check behind `flask db roles` and the
warning at start-up in production.

The audit and ledger tables refuse UPDATE, DELETE and TRUNCATE through their triggers,
but a trigger holds only against someone who cannot lift it: the tables' owner (and any
member of the owner's role) may disable it, drop the table or empty it; a superuser may
do anything. So the application's login must own nothing and may only SELECT and INSERT
on those tables (docs/deploy.md).
"""

from __future__ import annotations

from sqlalchemy import text

from models.append_only import APPEND_ONLY_TABLES

MAY_NOT = ("UPDATE", "DELETE", "TRUNCATE", "TRIGGER", "REFERENCES")
MUST = ("SELECT", "INSERT")

# Each names what the role could do; the warning puts them in a list after the role's name.
IS_SUPERUSER = "is a superuser"
MAY_CREATE_ROLES = "may create roles (and so grant itself the owner's)"
OWNS_DATABASE = "owns the database"
OWNS_OBJECTS = "owns {count} objects in this database, {examples} among them"
IS_OWNER_MEMBER = "has the privileges of {owner}, the owner of {table}"
MAY = "may {privileges} {table}"
MAY_NOT_NEEDED = "may not {privileges} {table}, which the application needs"
WARNING = ("The application connects to PostgreSQL as {role}, which {problems}: a bug or an "
           "intruder in the application could then lift the append-only triggers and wipe "
           "the audit or ledger tables. Connect as the login that `flask db roles` sets up "
           "(docs/deploy.md).")

_ROLE = text("""
    SELECT r.rolsuper, r.rolcreaterole, d.datdba = r.oid
    FROM pg_roles r, pg_database d
    WHERE r.rolname = :role AND d.datname = current_database()""")
_OWNED = text("""
    SELECT name FROM (
        SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relowner = (SELECT oid FROM pg_roles WHERE rolname = :role)
          AND n.nspname NOT IN ('pg_catalog', 'information_schema')
          AND n.nspname NOT LIKE 'pg_toast%' AND n.nspname NOT LIKE 'pg_temp%'
        UNION ALL
        SELECT p.oid::regprocedure::text FROM pg_proc p
        WHERE p.proowner = (SELECT oid FROM pg_roles WHERE rolname = :role)
        UNION ALL
        SELECT n.nspname FROM pg_namespace n
        WHERE n.nspowner = (SELECT oid FROM pg_roles WHERE rolname = :role)
          AND n.nspname NOT LIKE 'pg_toast%' AND n.nspname NOT LIKE 'pg_temp%'
    ) AS owned ORDER BY name""")
_PRIVILEGES = ", ".join(f"has_table_privilege(:role, c.oid, '{p}')" for p in MAY_NOT + MUST)
_TABLE_OWNER = text(f"""
    SELECT pg_get_userbyid(c.relowner), pg_has_role(:role, c.relowner, 'MEMBER'), {_PRIVILEGES}
    FROM pg_class c WHERE c.oid = to_regclass(:table)""")


def problems_of(conn, role: str) -> list[str]:
    """What the role could do that the application's login must not, or could not do that
    it must; empty when it is fit to be the application's login."""
    found = []
    row = conn.execute(_ROLE, {"role": role}).first()
    if row is None:
        return found
    superuser, create_roles, owns_database = row
    if superuser:
        return [IS_SUPERUSER]  # nothing else matters
    if create_roles:
        found.append(MAY_CREATE_ROLES)
    if owns_database:
        found.append(OWNS_DATABASE)
    owned = conn.execute(_OWNED, {"role": role}).scalars().all()
    if owned:
        found.append(OWNS_OBJECTS.format(count=len(owned), examples=", ".join(owned[:3])))
    for table in APPEND_ONLY_TABLES:
        facts = conn.execute(_TABLE_OWNER, {"role": role, "table": table}).first()
        if facts is None:  # not migrated yet
            continue
        owner, member, *privileges = facts
        if member and owner != role:
            found.append(IS_OWNER_MEMBER.format(owner=owner, table=table))
        granted = dict(zip(MAY_NOT + MUST, privileges, strict=True))
        too_much = [p for p in MAY_NOT if granted[p]]
        too_little = [p for p in MUST if not granted[p]]
        if too_much:
            found.append(MAY.format(privileges=", ".join(too_much), table=table))
        if too_little:
            found.append(MAY_NOT_NEEDED.format(privileges=", ".join(too_little), table=table))
    return found


def missing_tables(conn) -> list[str]:
    """The append-only tables not made yet (a database not migrated)."""
    return [table for table in APPEND_ONLY_TABLES
            if conn.execute(text("SELECT to_regclass(:table)"), {"table": table}).scalar() is None]


def current_role(conn) -> str:
    return conn.execute(text("SELECT current_user")).scalar_one()


def warning_for(role: str, problems: list[str]) -> str:
    return WARNING.format(role=role, problems="; ".join(problems))
