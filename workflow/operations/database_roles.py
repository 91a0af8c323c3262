"""`flask db roles`: the two PostgreSQL roles of a production database, set up or put right.

* the owner owns the database, its schema and every table, sequence and function in it,
  and runs the migrations (`flask db upgrade` connects as the owner);
* the application's login owns nothing and may SELECT, INSERT, UPDATE and DELETE, except
  on the audit and ledger tables (SELECT and INSERT only) and on alembic_version (SELECT):
  it cannot lift the append-only triggers, drop or empty a table. Default privileges give
  it the same on the tables and sequences later migrations make; a later migration's new
  append-only table needs the command run again (docs/deploy.md says: after every upgrade).

Run by a superuser, in one transaction: it all happens or none of it. Every step is
idempotent and said in a line; running it again changes nothing and says so.
"""

from __future__ import annotations

import re

from sqlalchemy import text

from workflow.engine.errors import ValidationFailed

from .database_login import (
    APPEND_ONLY_TABLES,
    IS_SUPERUSER,
    MAY_CREATE_ROLES,
    missing_tables,
    problems_of,
)

SELECT_ONLY_TABLES = ("alembic_version",)
ROLE_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")

BAD_NAME = ("A role name is 1 to 63 lower-case letters, digits and underscores, beginning "
            "with a letter or underscore: not {name!r}.")
SAME_NAMES = "The owner and the application's login must be two different roles."
NOT_SUPERUSER = ("`flask db roles` must connect as a superuser (it creates roles and gives "
                 "away ownership); {role} is not one.")
LOGIN_IS_YOU = ("The application's login cannot be {role}, the role this command runs as: "
                "choose another name.")
LOGIN_TOO_MIGHTY = ("{role} {problem}: it cannot be the application's login. Choose another "
                    "name, or take that from it first.")
IS_MEMBER = "is a member of {owner}"
STILL_UNFIT = "Set up, but {role} still {problems}."
EXISTS = "Role {role} exists."
CREATED_OWNER = "Created role {role}: it will own the schema and run the migrations."
CREATED_LOGIN = "Created role {role}: the application connects as it."
PASSWORD_SET = "Set the password of {role}."
GAVE_DATABASE = "Gave the database {database} to {owner} (it was {was}'s)."
GAVE_SCHEMA = "Gave the schema public to {owner} (it was {was}'s)."
GAVE_OBJECTS = "Gave {count} tables, sequences and functions to {owner}."
GRANTED = ("Granted {login} SELECT, INSERT, UPDATE and DELETE on the {count} tables, SELECT and "
           "INSERT only on {append_only}, SELECT only on {select_only}; the same on tables "
           "{owner} makes later.")
CHECKED = "Checked: {login} owns nothing and may only SELECT and INSERT on {tables}."
NOT_MIGRATED = ("Checked: {login} owns nothing. The audit and ledger tables are not made yet: "
                "run this again after `flask db upgrade` (as the owner).")

_OBJECT_KINDS = {"r": "TABLE", "p": "TABLE", "f": "FOREIGN TABLE", "v": "VIEW",
                 "m": "MATERIALIZED VIEW", "S": "SEQUENCE"}
# Sequences that belong to a column follow their table's owner and cannot be given alone.
_NOT_OWNED_BY_OWNER = text("""
    SELECT c.relkind, quote_ident(c.relname) FROM pg_class c
    JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'f', 'v', 'm', 'S')
      AND c.relowner <> (SELECT oid FROM pg_roles WHERE rolname = :owner)
      AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass
                      AND d.objid = c.oid AND d.deptype IN ('a', 'i'))
    ORDER BY c.relkind <> 'S' DESC, c.relname""")
_FUNCTIONS_NOT_OWNED = text("""
    SELECT p.oid::regprocedure::text FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
    WHERE n.nspname = 'public'
      AND p.proowner <> (SELECT oid FROM pg_roles WHERE rolname = :owner)
    ORDER BY 1""")


def _check_names(owner: str, login: str) -> None:
    for field, name in (("owner", owner), ("login", login)):
        if not ROLE_NAME.match(name or ""):
            raise ValidationFailed(BAD_NAME.format(name=name), field)
    if owner == login:
        raise ValidationFailed(SAME_NAMES, "login")


def _q(name: str) -> str:
    """The name as an SQL identifier (checked by ROLE_NAME; quoted, so even `user` will do)."""
    return f'"{name}"'


def _role_exists(conn, name: str) -> bool:
    return conn.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :name"),
                        {"name": name}).first() is not None


def _set_password(conn, role: str, password: str) -> None:
    """As psql's \\password: the server is sent the SCRAM verifier, never the password."""
    pgconn = conn.connection.driver_connection.pgconn
    verifier = pgconn.encrypt_password(password.encode(), role.encode(), b"scram-sha-256")
    conn.exec_driver_sql(f"ALTER ROLE {_q(role)} PASSWORD '{verifier.decode()}'")


def _roles(conn, owner: str, login: str, passwords: dict[str, str]) -> list[str]:
    said = []
    me = conn.execute(text("SELECT current_user, rolsuper FROM pg_roles "
                           "WHERE rolname = current_user")).one()
    if not me.rolsuper:
        raise ValidationFailed(NOT_SUPERUSER.format(role=me.current_user))
    if login == me.current_user:
        raise ValidationFailed(LOGIN_IS_YOU.format(role=login), "login")
    for role, attributes, created in (
            (owner, "LOGIN", CREATED_OWNER),
            (login, "LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS",
             CREATED_LOGIN)):
        if _role_exists(conn, role):
            said.append(EXISTS.format(role=role))
        else:
            conn.exec_driver_sql(f"CREATE ROLE {_q(role)} {attributes}")
            said.append(created.format(role=role))
        if passwords.get(role):
            _set_password(conn, role, passwords[role])
            said.append(PASSWORD_SET.format(role=role))
    for problem in problems_of(conn, login):
        if problem in (IS_SUPERUSER, MAY_CREATE_ROLES):
            raise ValidationFailed(LOGIN_TOO_MIGHTY.format(role=login, problem=problem),
                                   "login")
    if conn.execute(text("SELECT pg_has_role(:login, :owner, 'MEMBER')"),
                    {"login": login, "owner": owner}).scalar():
        raise ValidationFailed(LOGIN_TOO_MIGHTY.format(
            role=login, problem=IS_MEMBER.format(owner=owner)), "login")
    return said


def _ownership(conn, owner: str) -> list[str]:
    said = []
    database = conn.execute(text("SELECT quote_ident(current_database()), "
                                 "pg_get_userbyid(datdba) FROM pg_database "
                                 "WHERE datname = current_database()")).one()
    if database[1] != owner:
        conn.exec_driver_sql(f"ALTER DATABASE {database[0]} OWNER TO {_q(owner)}")
        said.append(GAVE_DATABASE.format(database=database[0], owner=owner, was=database[1]))
    schema_owner = conn.execute(text(
        "SELECT pg_get_userbyid(nspowner) FROM pg_namespace WHERE nspname = 'public'")).scalar()
    if schema_owner not in (owner, "pg_database_owner"):
        conn.exec_driver_sql(f"ALTER SCHEMA public OWNER TO {_q(owner)}")
        said.append(GAVE_SCHEMA.format(owner=owner, was=schema_owner))
    given = [f"{_OBJECT_KINDS[kind]} {name}"
             for kind, name in conn.execute(_NOT_OWNED_BY_OWNER, {"owner": owner})]
    given += [f"FUNCTION {signature}"
              for signature in conn.execute(_FUNCTIONS_NOT_OWNED, {"owner": owner}).scalars()]
    for thing in given:
        conn.exec_driver_sql(f"ALTER {thing} OWNER TO {_q(owner)}")
    if given:
        said.append(GAVE_OBJECTS.format(count=len(given), owner=owner))
    return said


def _privileges(conn, owner: str, login: str) -> list[str]:
    existing = set(conn.execute(text(
        "SELECT tablename FROM pg_tables WHERE schemaname = 'public'")).scalars())
    database = conn.execute(text("SELECT quote_ident(current_database())")).scalar()
    the_owner, the_login = _q(owner), _q(login)
    statements = [
        "REVOKE CREATE ON SCHEMA public FROM PUBLIC",
        f"GRANT USAGE ON SCHEMA public TO {the_login}",
        f"REVOKE CREATE ON DATABASE {database} FROM {the_login}",
        f"GRANT CONNECT, TEMPORARY ON DATABASE {database} TO {the_login}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {the_login}",
        f"REVOKE TRUNCATE, REFERENCES, TRIGGER ON ALL TABLES IN SCHEMA public FROM {the_login}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {the_login}",
        f"REVOKE UPDATE ON ALL SEQUENCES IN SCHEMA public FROM {the_login}",
        *(f"REVOKE UPDATE, DELETE, TRUNCATE ON {table} FROM {the_login}, PUBLIC"
          for table in APPEND_ONLY_TABLES if table in existing),
        *(f"REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON {table} FROM {the_login}, PUBLIC"
          for table in SELECT_ONLY_TABLES if table in existing),
        f"ALTER DEFAULT PRIVILEGES FOR ROLE {the_owner} IN SCHEMA public "
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {the_login}",
        f"ALTER DEFAULT PRIVILEGES FOR ROLE {the_owner} IN SCHEMA public "
        f"GRANT USAGE, SELECT ON SEQUENCES TO {the_login}",
    ]
    for statement in statements:
        conn.exec_driver_sql(statement)
    return [GRANTED.format(login=login, count=len(existing), owner=owner,
                           append_only=", ".join(APPEND_ONLY_TABLES),
                           select_only=", ".join(SELECT_ONLY_TABLES))]


def set_up(conn, owner: str, login: str, passwords: dict[str, str] | None = None) -> list[str]:
    """Create or put right the two roles on the connection's database; return what was done.
    ValidationFailed (nothing done, the caller rolls back) when it cannot be done safely."""
    _check_names(owner, login)
    said = _roles(conn, owner, login, passwords or {})
    said += _ownership(conn, owner)
    said += _privileges(conn, owner, login)
    problems = problems_of(conn, login)
    if problems:
        raise ValidationFailed(STILL_UNFIT.format(role=login, problems="; ".join(problems)))
    if missing_tables(conn):
        said.append(NOT_MIGRATED.format(login=login))
    else:
        said.append(CHECKED.format(login=login, tables=", ".join(APPEND_ONLY_TABLES)))
    return said
