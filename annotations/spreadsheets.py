"""Cells of CSV files that people open in a spreadsheet. A cell that starts with `=`, `+`,
`-` or `@` (or a tab or carriage return before one) is read as a formula and run:
`=HYPERLINK(...)` in a speaker's name can send the sheet's contents elsewhere. OWASP's
advice, followed here: such a cell is written with a leading single quote, which
spreadsheets show as text."""

from __future__ import annotations

from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def inert_cell(value: Any) -> Any:
    """The value, with a single quote before it when it is text that starts a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def inert_cells(values: list[Any]) -> list[Any]:
    return [inert_cell(value) for value in values]


def inert_cell_sql(expression: str) -> str:
    """inert_cell as SQL, for rows PostgreSQL writes itself (COPY ... TO STDOUT)."""
    starts = ", ".join(f"'{c}'" for c in FORMULA_STARTS if c.isprintable()) + ", chr(9), chr(13)"
    return f"CASE WHEN left({expression}, 1) IN ({starts}) THEN '''' || {expression} ELSE {expression} END"
