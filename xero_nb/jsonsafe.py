"""JSON from untrusted places, refused before it nests deep enough to exhaust the stack.

``json.loads`` recurses once per ``[`` or ``{``: text nested 100,000 deep raises RecursionError,
which callers that catch ``ValueError`` do not expect. ``loads`` measures the nesting first
(linearly, without recursion) and raises ``TooDeepError``, a ``ValueError``, past ``MAX_DEPTH``.

>>> loads('{"a": [1, 2]}')
{'a': [1, 2]}
>>> depth('[[["]]]]"]]]')
3
"""

from __future__ import annotations

import json
import re
from itertools import accumulate
from typing import Any

MAX_DEPTH = 100  # Xero's deepest documents (reports) nest about ten levels
# A JSON string, escapes included (unrolled: linear, no nested quantifier on the same text).
_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
_STEP = {"[": 1, "{": 1, "]": -1, "}": -1}


class TooDeepError(ValueError):
    """JSON nested deeper than the limit (refused before parsing)."""

    def __init__(self, found: int, limit: int) -> None:
        self.depth = found
        self.limit = limit
        super().__init__(f"JSON nested {found} levels deep; more than {limit} is refused")


def _text(data: str | bytes | bytearray) -> str:
    if isinstance(data, str):
        return data
    raw = bytes(data)
    return raw.decode(json.detect_encoding(raw), "surrogatepass")


def depth(data: str | bytes | bytearray) -> int:
    """The deepest bracket nesting of ``data``, brackets inside JSON strings not counted."""
    text = _text(data)
    if text.count("[") + text.count("{") == 0:
        return 0
    brackets = _NOT_BRACKET.sub("", _STRING.sub("", text))
    return max(0, max(accumulate(_STEP[c] for c in brackets), default=0))


def check_depth(data: str | bytes | bytearray, max_depth: int = MAX_DEPTH) -> None:
    """Raise TooDeepError if ``data`` nests deeper than ``max_depth``."""
    text = _text(data)
    if text.count("[") + text.count("{") <= max_depth:
        return  # cannot nest deeper than it has brackets
    found = depth(text)
    if found > max_depth:
        raise TooDeepError(found, max_depth)


def loads(data: str | bytes | bytearray, *, max_depth: int = MAX_DEPTH) -> Any:
    """``json.loads`` that raises ValueError (TooDeepError) instead of RecursionError."""
    text = _text(data)
    check_depth(text, max_depth)
    return json.loads(text)
