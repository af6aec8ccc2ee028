"""The API's JSON parser: DRF's, with the nesting of a body bounded (json_input.MAX_DEPTH)."""

from __future__ import annotations

from rest_framework import parsers
from rest_framework.exceptions import ParseError

from ..errors import InvalidInput
from ..json_input import check_depth, too_deep


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
            return check_depth(data)
        except RecursionError:
            raise ParseError(f"JSON parse error - {too_deep().message}") from None
        except InvalidInput as exc:
            raise ParseError(f"JSON parse error - {exc.message}") from None
