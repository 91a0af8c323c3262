"""How the API carries out a write: once per Idempotency-Key, against the version the
caller read (If-Match), in one transaction through the workflow.

* `Idempotency-Key`: the first request with a key is carried out and its answer kept; the
  same key again (from the same user, to the same operation) gets that answer back, marked
  `Idempotent-Replayed: true`, and changes nothing. A refused request changed nothing and
  keeps nothing: sent again, it is answered afresh.
* `If-Match: "<version>"` (the ETag of the file read): a file that has moved since is
  answered 412 and left alone.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Response, abort, json, request
from flask_babel import gettext as _
from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from models import ApiAnswer, Application, db, utcnow
from workflow.engine.errors import StaleApplication
from workflow.engine.locking import ensure_write_transaction

from .tokens import caller

KEY_HEADER = "Idempotency-Key"
KEY_LENGTH = 64
OTHER_REQUEST = "This Idempotency-Key was already used for another request; use a new key."
BAD_IF_MATCH = 'If-Match takes the ETag of the file you read, e.g. If-Match: "3".'

IDEMPOTENCY_PARAMETER = {
    "in": "header", "name": KEY_HEADER, "required": False,
    "description": "Any unique string up to 64 characters: the same key again repeats the "
                   "first answer and changes nothing.",
    "schema": {"type": "string", "maxLength": KEY_LENGTH}}
IF_MATCH_PARAMETER = {
    "in": "header", "name": "If-Match", "required": False,
    "description": "The ETag of the file as you read it: 412 if it has moved since.",
    "schema": {"type": "string"}}


def etag_of(application: Application) -> str:
    return f'"{application.version}"'


def expected_version() -> int | None:
    """The version named by If-Match, if any (412 for one that is not a version)."""
    raw = request.headers.get("If-Match")
    if raw is None:
        return None
    value = raw.strip().removeprefix("W/").strip('"')
    if not (value.isascii() and value.isdigit() and len(value) < 10):
        abort(412, BAD_IF_MATCH)
    return int(value)


def check_version(application: Application, expected: int | None) -> None:
    if expected is not None and application.version != expected:
        abort(412, _("The file has changed since you read it (it is now at version "
                     "%(version)s); read it again.", version=application.version))


def _key() -> str | None:
    raw = request.headers.get(KEY_HEADER)
    if raw is None:
        return None
    key = raw.strip()
    if not key or len(key) > KEY_LENGTH or not key.isprintable():
        abort(400, _("The %(header)s is 1 to %(length)s printable characters.",
                     header=KEY_HEADER, length=KEY_LENGTH))
    return key


def _replay(answer: ApiAnswer) -> Response:
    if (answer.method, answer.path) != (request.method, request.path):
        abort(422, OTHER_REQUEST)
    response = Response(answer.body, status=answer.status, mimetype="application/json")
    response.headers["Idempotent-Replayed"] = "true"
    return response


def _claim(key: str) -> ApiAnswer | None:
    """Claim the key for this request; the earlier answer when it was claimed before.
    PostgreSQL makes a concurrent claim of the same key wait for the first to commit."""
    conn = ensure_write_transaction(db.session)
    insert = pg_insert if conn.dialect.name == "postgresql" else sqlite_insert
    user = caller()
    inserted = conn.execute(
        insert(ApiAnswer).values(key=key, user_id=user.id, method=request.method,
                                 path=request.path[:300], status=0, body="",
                                 created_at=utcnow())
        .on_conflict_do_nothing().returning(ApiAnswer.key)).first()
    if inserted is not None:
        return None
    return db.session.scalar(select(ApiAnswer).where(ApiAnswer.key == key,
                                                     ApiAnswer.user_id == user.id))


def carry_out(act: Callable[[], tuple[dict, int]], *, headers: dict | None = None) -> Response:
    """Run `act` (which calls the workflow and returns the answer's body and status) once
    for the request's Idempotency-Key, commit once, and answer."""
    key = _key()
    try:
        if key is not None and (earlier := _claim(key)) is not None:
            db.session.rollback()
            return _replay(earlier)
        try:
            body, status = act()
        except StaleApplication as moved:
            if request.headers.get("If-Match") is not None:
                abort(412, moved.message)
            raise
        text = json.dumps(body)
        if key is not None:
            db.session.execute(update(ApiAnswer).where(ApiAnswer.key == key,
                                                       ApiAnswer.user_id == caller().id)
                               .values(status=status, body=text))
    except Exception:
        db.session.rollback()
        raise
    db.session.commit()
    response = Response(text, status=status, mimetype="application/json")
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response
