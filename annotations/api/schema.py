"""The error answers every operation can give, written into the OpenAPI schema once
(a drf-spectacular postprocessing hook) instead of on each view."""

from __future__ import annotations

ERROR = {
    "type": "object",
    "description": "Every error answer: what went wrong for a person, the field it is about "
    "and, for files, the line. A stale edit (409) adds the current version and state; "
    "several errors at once are listed under `errors`.",
    "properties": {
        "detail": {"type": "string"},
        "field": {"type": "string"},
        "line": {"type": "integer"},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "field": {"type": "string", "nullable": True},
                    "line": {"type": "integer"},
                    "message": {"type": "string"},
                },
            },
        },
    },
    "required": ["detail"],
}

MEANINGS = {
    "400": "The input was refused: the message names the field (and the line of a file).",
    "401": "No valid credentials: log in, or send `Authorization: Token <key>`.",
    "403": "A member of the project without the role this needs.",
    "404": "No such object, or not one of your projects'.",
    "409": "Someone saved a newer version first, or the same work is already under way.",
    "413": "The body is over the size limit.",
    "429": "Too many failed logins for this username from this address: wait for the "
    "cool-off, or ask an administrator to unlock the account.",
}

READ = ("400", "401", "403", "404")
WRITE = (*READ, "409", "413")
TOKEN = ("400", "413", "429")


def document_errors(result: dict, generator, request, public) -> dict:
    """Add the `Error` component and the error answers of each operation."""
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR
    reference = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            if path.endswith("/auth/token/"):
                codes = TOKEN
            else:
                codes = READ if method in ("get", "head") else WRITE
            for code in codes:
                operation["responses"].setdefault(
                    code, {"description": MEANINGS[code], "content": reference}
                )
    return result
