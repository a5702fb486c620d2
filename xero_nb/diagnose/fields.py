"""The fields of a failure found in parsed or half-parsed JSON: Xero's problem keys, OAuth errors,
SDK wrappers, nested bodies; and the richest JSON object hidden in a paste.

>>> find_json('error: {"Detail": "TokenExpired", "Status": 401} at line 3')["Detail"]
'TokenExpired'
"""

from __future__ import annotations

import ast
import json
import re
from dataclasses import dataclass, field
from typing import Any

MAX_TEXT = 100_000  # longer pastes are cut: nothing useful hides after 100 kB of error text
MAX_JSON_STARTS = 64
# Keys of Xero's problem bodies, problem+json, OAuth errors and common SDK wrappers.
FIELD_KEYS = frozenset({
    "type", "title", "status", "statuscode", "status_code", "detail", "instance", "error",
    "error_description", "message", "errornumber", "reason", "errorcode", "code",
})
HALF_JSON = re.compile(
    r"""["']([A-Za-z_][A-Za-z0-9_-]{0,40})["']\s*:\s*(?:"((?:[^"\\\n]|\\.)*)"?|'([^'\n]*)'?|(-?\d+))""")


@dataclass(slots=True)
class Pasted:
    """What could be read out of one pasted text (any part may be missing)."""

    status: int | None = None
    headers: list[tuple[str, str]] = field(default_factory=list)
    request_headers: list[tuple[str, str]] | None = None
    body: str = ""
    fields: dict[str, str] = field(default_factory=dict)
    method: str | None = None
    url: str | None = None


def as_status(value: Any) -> int | None:
    """An HTTP status from an int or digit string, else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if 100 <= value <= 599 else None
    if isinstance(value, str) and value.strip().isdigit() and len(value.strip()) == 3:
        return as_status(int(value.strip()))
    return None


def _scalar(value: Any) -> str | None:
    if value is None or isinstance(value, (dict, list)):
        return None
    return str(value)


def walk_fields(obj: Any, out: Pasted, depth: int = 0) -> None:
    """Collect problem keys (case-insensitive), headers and status from parsed JSON, outermost first."""
    if depth > 5:
        return
    if isinstance(obj, list):
        for item in obj[:5]:
            walk_fields(item, out, depth + 1)
        return
    if not isinstance(obj, dict):
        return
    nested: list[Any] = []
    for key, value in obj.items():
        low = str(key).lower()
        if low == "headers" and isinstance(value, dict):
            for name, val in value.items():
                if _scalar(val) is not None:
                    out.headers.append((str(name), str(_scalar(val))))
            continue
        if low in FIELD_KEYS and _scalar(value) is not None and low not in out.fields:
            out.fields[low] = str(_scalar(value))
        if isinstance(value, (dict, list)):
            nested.append(value)
        elif low in ("body", "text", "content", "response") and isinstance(value, str):
            inner = find_json(value[:MAX_TEXT])
            if inner is not None:
                nested.append(inner)
    for value in nested:
        walk_fields(value, out, depth + 1)


def balanced_braces(text: str, start: int) -> str | None:
    """The ``{...}`` starting at ``start``, matched by brace depth (quotes respected)."""
    depth, quote, escape = 0, "", False
    for i in range(start, min(len(text), start + MAX_TEXT)):
        ch = text[i]
        if quote:
            if escape:
                escape = False
            elif ch == "\\":
                escape = True
            elif ch == quote:
                quote = ""
        elif ch in "\"'":
            quote = ch
        elif ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
            if depth == 0:
                return text[start:i + 1]
    return None


def find_json(text: str) -> Any:
    """The richest JSON (or Python-literal) object in ``text``, or None."""
    decoder = json.JSONDecoder()
    best: Any = None
    best_score = -1
    starts = [m.start() for m in re.finditer(r"[{\[]", text)][:MAX_JSON_STARTS]
    for pos in starts:
        value: Any = None
        try:
            value, _ = decoder.raw_decode(text, pos)
        except (ValueError, RecursionError):
            chunk = balanced_braces(text, pos) if text[pos] == "{" else None
            if chunk is not None and len(chunk) < 20_000 and chunk.count("{") < 50:
                try:
                    value = ast.literal_eval(chunk)
                except Exception:  # any malformed literal means "not a literal"
                    value = None
        if isinstance(value, (dict, list)):
            probe = Pasted()
            walk_fields(value, probe)
            score = len(probe.fields) * 10 + len(probe.headers) + (1 if isinstance(value, dict) else 0)
            if score > best_score:
                best, best_score = value, score
    return best


def half_json_fields(text: str) -> dict[str, str]:
    """Problem keys from JSON cut off mid-way (``{"Title":"Unauthorized","Detail":"Authori``)."""
    out: dict[str, str] = {}
    for m in HALF_JSON.finditer(text):
        key = m.group(1).lower()
        if key in FIELD_KEYS and key not in out:
            value = m.group(2) if m.group(2) is not None else m.group(3) or m.group(4)
            if value is not None:
                out[key] = value
    return out
