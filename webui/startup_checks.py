"""Checks at a production server's start-up that warn rather than refuse."""

from __future__ import annotations

import logging

from flask import Flask
from sqlalchemy.exc import SQLAlchemyError

from models import db
from workflow.operations import database_login

log = logging.getLogger("wnf.startup")
UNCHECKED = "Could not check at start-up what the database login may do: {error}."


def warn_about_the_database_login(app: Flask) -> str | None:
    """In production on PostgreSQL, warn (and return the warning) when the app connects as a
    superuser, the tables' owner or any role that could lift the append-only triggers."""
    if app.config.get("WNF_ENV") != "production":
        return None
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            return None
        try:
            with db.engine.connect() as conn:
                role = database_login.current_role(conn)
                problems = database_login.problems_of(conn, role)
        except SQLAlchemyError as error:  # the database is down: /healthz will say so
            log.warning(UNCHECKED.format(error=type(error).__name__))
            return None
    if not problems:
        return None
    warning = database_login.warning_for(role, problems)
    log.warning(warning)
    return warning
