"""Errors raised by the domain functions, turned into HTTP answers by pages and the API
and into messages by the CLI."""

from __future__ import annotations

from typing import Any

from django.db import InterfaceError, OperationalError

# The database refused or dropped the connection (or, on SQLite, stayed locked past the
# timeout): this passes, unlike a bad query. Requests answer 503; jobs wait, then retry.
DATABASE_AWAY = (OperationalError, InterfaceError)


class InvalidInput(ValueError):
    """The input cannot be accepted as it is; the message says why, for a person."""

    def __init__(self, message: str, *, field: str | None = None, line: int | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
        self.line = line

    def __str__(self) -> str:
        where = f"line {self.line}: " if self.line else ""
        field = f"{self.field}: " if self.field else ""
        return f"{where}{field}{self.message}"


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
