"""JSON that people send: a request's body, the lines of an uploaded file. Its nesting is
bounded, so that a hostile document of 100,000 brackets is refused with a message rather
than exhausting the parser's recursion, and nothing stored is too deep to export again
(orjson writes at most 254 levels)."""

from __future__ import annotations

import json
from typing import Any

from .errors import InvalidInput, describe_json_error

# Far deeper than anything the workbench reads or writes (a ClaimReview is six levels).
MAX_DEPTH = 32


def too_deep(line: int | None = None) -> InvalidInput:
    return InvalidInput(f"the JSON is nested more than {MAX_DEPTH} levels deep.", line=line)


def nesting_depth(value: Any) -> int:
    """How many arrays and objects deep the value goes (a scalar is 0), counted without
    recursion."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            item = list(item.values())
        elif not isinstance(item, list):
            continue
        deepest = max(deepest, depth)
        if depth > MAX_DEPTH:
            break
        stack.extend((child, depth + 1) for child in item if isinstance(child, dict | list))
    return deepest


def check_depth(value: Any, *, line: int | None = None) -> Any:
    """The value, when it is not nested deeper than MAX_DEPTH."""
    if nesting_depth(value) > MAX_DEPTH:
        raise too_deep(line)
    return value


def load_json(text: str | bytes, *, line: int | None = None) -> Any:
    """Parsed JSON, or InvalidInput saying what is wrong (and on which line of a file)."""
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InvalidInput(describe_json_error(exc), line=line) from None
    except RecursionError:
        raise too_deep(line) from None
    return check_depth(value, line=line)
