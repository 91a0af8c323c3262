"""The schema of an answer that lists things: `{"items": [...]}`, with a page's cursor or a
count beside the items where the answer has one."""

from __future__ import annotations

from marshmallow import Schema, fields


def listing(item: type[Schema], name: str, **beside: fields.Field) -> type[Schema]:
    """A schema class named `name` (its OpenAPI component is `name` less "Schema") whose
    required `items` are `item`s, with the fields `beside` them."""
    return Schema.from_dict(
        {"items": fields.List(fields.Nested(item), required=True), **beside}, name=name)
