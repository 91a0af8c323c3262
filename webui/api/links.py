"""OpenAPI links between the API's operations (create → read → act): what a client, or
schemathesis's stateful run, may call next with values from an answer. Each operation a
link names has its operationId given here too, through `@blp.doc(**operation(...))`."""

from __future__ import annotations

FILE_IN_PATH = "$request.path.application_id"
NEW_ID = "$response.body#/id"


def to(operation_id: str, **parameters: str) -> dict:
    """A link to `operation_id`, its parameters taken from the request or the answer."""
    return {"operationId": operation_id,
            "parameters": {name.replace("__", "."): value for name, value in parameters.items()}}


def operation(operation_id: str, status: int | None = None, **links: dict) -> dict:
    """@blp.doc's arguments: the operation's id and the links from its `status` answer."""
    doc: dict = {"operationId": operation_id}
    if links:
        doc["responses"] = {status: {"links": links}}
    return doc


def file_links(application_id: str) -> dict[str, dict]:
    """What may follow an answer that names a file: reading it and what it offers."""
    return {"GetFile": to("getApplication", application_id=application_id),
            "ListActions": to("listActions", application_id=application_id),
            "ListAttachments": to("listAttachments", application_id=application_id)}
