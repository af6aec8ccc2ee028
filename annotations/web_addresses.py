"""The one rule for the web addresses the workbench stores and links to (a document's URL,
a source, a published fact-check, an organisation's site): http or https only. A
`javascript:` or `data:` address would run in the browser of whoever clicks the link.

Pages, the API, uploads, dataset imports and sources all check with `check_web_address`;
forms and serializers through `validate_web_address`."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

from .errors import InvalidInput

SCHEMES = ("http", "https")
MAX_LENGTH = 2000

_validate = URLValidator(schemes=list(SCHEMES))


def check_web_address(value: object, *, field: str, line: int | None = None) -> str:
    """The address without surrounding spaces ("" when there is none); InvalidInput naming
    the field, and the line of a file, when it is not an http or https address."""
    if value is None:
        return ""
    if not isinstance(value, str):
        raise InvalidInput("must be a web address (text).", field=field, line=line)
    value = value.strip()
    if not value:
        return ""
    if len(value) > MAX_LENGTH:
        raise InvalidInput(f"is longer than {MAX_LENGTH} characters.", field=field, line=line)
    try:
        _validate(value)
    except ValidationError:
        raise InvalidInput(
            f"{shorten(value)!r} is not a web address: use one starting with http:// or https://.",
            field=field,
            line=line,
        ) from None
    return value


def validate_web_address(value: str) -> None:
    """check_web_address as a Django validator, for form and serializer fields."""
    try:
        check_web_address(value, field="url")
    except InvalidInput as exc:
        raise ValidationError(exc.message, code="invalid") from None


def is_web_address(value: str) -> bool:
    """Whether a stored address may be rendered as a link."""
    try:
        return bool(check_web_address(value, field="url"))
    except InvalidInput:
        return False


def shorten(value: str, limit: int = 80) -> str:
    return value if len(value) <= limit else value[: limit - 1] + "…"
