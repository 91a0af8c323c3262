"""The URL converters every route uses by default: a path never reaches the database with a
value its column cannot hold.

An id past PostgreSQL's INTEGER (2^31 − 1), or one written with other than ASCII digits
(full-width "１２"), matches no route and is a 404, as a missing row is; so is a path
segment holding a control character such as NUL, which PostgreSQL refuses in text.
"""

from __future__ import annotations

from flask import Flask
from werkzeug.routing import IntegerConverter, UnicodeConverter, ValidationError

from models import INTEGER_COLUMN_MAX

_CONTROL_CHARACTERS = "".join(chr(c) for c in (*range(0x20), 0x7F))


class ColumnIdConverter(IntegerConverter):
    """`<int:…>`: ASCII digits, 1 … 2^31 − 1 (ids and versions start at 1)."""

    regex = r"[0-9]+"

    def __init__(self, map, fixed_digits: int = 0, min: int | None = 1,  # noqa: A002
                 max: int | None = INTEGER_COLUMN_MAX, signed: bool = False) -> None:  # noqa: A002
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


class PlainSegmentConverter(UnicodeConverter):
    """`<name>` / `<string:…>`: one path segment without control characters."""

    def to_python(self, value: str) -> str:
        if any(c in _CONTROL_CHARACTERS for c in value):
            raise ValidationError()
        return value


def register(app: Flask) -> None:
    """Install before the blueprints' rules are added: a rule binds its converter then."""
    app.url_map.converters["int"] = ColumnIdConverter
    app.url_map.converters["default"] = PlainSegmentConverter
    app.url_map.converters["string"] = PlainSegmentConverter
