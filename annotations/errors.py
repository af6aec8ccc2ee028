"""Errors raised by the domain functions, turned into HTTP answers by pages and the API
and into messages by the CLI."""

from __future__ import annotations

import json
from typing import Any

from django.db import InterfaceError, OperationalError

# The database refused or dropped the connection (or, on SQLite, stayed locked past the
# timeout): this passes, unlike a bad query. Requests answer 503; jobs wait, then retry.
DATABASE_AWAY = (OperationalError, InterfaceError)


class InvalidInput(ValueError):
    """The input cannot be accepted as it is; the message says why, for a person.

    `source` names the file the input came from, when it came from one."""

    def __init__(
        self,
        message: str,
        *,
        field: str | None = None,
        line: int | None = None,
        source: str | None = None,
    ):
        super().__init__(message)
        self.message = message
        self.field = field
        self.line = line
        self.source = source

    def __str__(self) -> str:
        if self.source and self.line:
            where = f"{self.source}, line {self.line}: "
        elif self.source or self.line:
            where = f"{self.source}: " if self.source else f"line {self.line}: "
        else:
            where = ""
        field = f"{self.field}: " if self.field else ""
        return f"{where}{field}{self.message}"


def describe_json_error(error: json.JSONDecodeError) -> str:
    """A JSON parser's complaint in full, with the column: "Unterminated string starting at
    column 12" rather than the bare "Unterminated string starting at"."""
    joint = " column" if error.msg.endswith(" at") else " at column"
    return f"not valid JSON: {error.msg}{joint} {error.colno}."


class TooLarge(InvalidInput):
    """An upload over the configured size limit."""


class StaleVersion(Exception):
    """A write was based on a version that is no longer current: someone else saved first."""

    def __init__(self, current: Any, current_version: int):
        super().__init__(f"stale version: the current version is {current_version}")
        self.current = current
        self.current_version = current_version


class Busy(Exception):
    """The work asked for is already in progress (answered with 409)."""


class NotAllowed(Exception):
    """The user may see the object but not do this to it (answered with 403)."""
