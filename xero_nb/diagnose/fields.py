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

MAX_TEXT = 100_000  # of a longer paste this much is read: its start, its end and around the failure
MAX_JSON_STARTS = 64
# Keys of Xero's problem bodies, problem+json, OAuth errors and common SDK wrappers.
FIELD_KEYS = frozenset({
    "type", "title", "status", "statuscode", "status_code", "detail", "instance", "error",
    "error_description", "message", "errornumber", "reason", "errorcode", "code", "oauth_problem",
})
# Every pattern here is linear: possessive repeats, nothing ambiguous (tests/test_diagnose_linear.py).
HALF_JSON = re.compile(
    r"""["']([A-Za-z_][A-Za-z0-9_-]{0,40})["']\s*+(?::|=>)\s*+(?:"((?:[^"\\\n]|\\.)*+)"?|'([^'\n]*+)'?|(-?\d++))""")
_JSON_START = re.compile(r"[{\[]")
SCAN_BUDGET = 400_000  # characters find_json may scan for brace matching, over all its starts
MAX_LITERAL = 20_000  # a Python literal longer than this (or with 50 braces) is not an error body
REQUEST_KEYS = ("request", "req", "config", "options")
METHODS = frozenset({"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"})


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
    operation: tuple[str, str] | None = None  # (API or "", operation id) named by an SDK's text
    sdk_class: str | None = None  # a known SDK exception class seen (its name says a status)
    notes: list[str] = field(default_factory=list)  # what could not be read (a long paste cut)
    library: str | None = None  # the SDK that printed or raised it ("xero-python", "pyxero", ...)
    secrets: list[str] = field(default_factory=list)  # credential values an object's request carried


def fill_gaps(first: Pasted, second: Pasted) -> Pasted:
    """``first``, with what it left empty filled from ``second`` (``first`` wins where both say)."""
    return Pasted(
        status=first.status if first.status is not None else second.status,
        headers=first.headers or second.headers,
        request_headers=first.request_headers if first.request_headers is not None
        else second.request_headers,
        body=first.body or second.body, fields={**second.fields, **first.fields},
        method=first.method or second.method, url=first.url or second.url,
        operation=first.operation or second.operation, sdk_class=first.sdk_class or second.sdk_class,
        notes=[*first.notes, *(n for n in second.notes if n not in first.notes)],
        library=first.library or second.library,
        secrets=[*first.secrets, *(v for v in second.secrets if v not in first.secrets)])


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
        if low in REQUEST_KEYS and isinstance(value, dict):
            read_request_map(value, out)  # the request's headers are not the response's
            continue
        if low in ("headers", "responseheaders") and isinstance(value, dict):
            for name, val in value.items():
                if _scalar(val) is not None:
                    out.headers.append((str(name), str(_scalar(val))))
            continue
        if low == "headers" and isinstance(value, list):  # HAR, Charles, Make: [{"name", "value"}]
            for item in value[:200]:
                if isinstance(item, dict) and _scalar(item.get("value")) is not None:
                    name = item.get("name", item.get("key"))
                    if isinstance(name, str) and name:
                        out.headers.append((name, str(_scalar(item.get("value")))))
            continue
        if low in FIELD_KEYS and _scalar(value) is not None and low not in out.fields:
            out.fields[low] = str(_scalar(value))
        if isinstance(value, (dict, list)):
            nested.append(value)
        elif low in ("body", "text", "content", "response", "message", "error", "data",
                     "responsebody") and isinstance(
                value, str) and "{" in value:  # a body kept as text inside a wrapper's JSON
            inner = find_json(value[:MAX_TEXT])
            if inner is not None:
                nested.append(inner)
    for value in nested:
        walk_fields(value, out, depth + 1)


def read_request_map(req: dict[Any, Any], out: Pasted) -> None:
    """Method, URL and headers of a request written as a mapping (xero-node, axios, request)."""
    low = {str(k).lower(): v for k, v in req.items()}
    method = low.get("method")
    if isinstance(method, str) and method.upper() in METHODS and out.method is None:
        out.method = method.upper()
    url = next((low[k] for k in ("url", "uri", "href") if low.get(k)), None)
    if isinstance(url, dict):
        url = _url_of({str(k).lower(): v for k, v in url.items()})
    elif url is None and isinstance(low.get("path"), str):
        url = _url_of(low)
    if isinstance(url, str) and url and out.url is None:
        out.url = url
    headers = low.get("headers")
    if isinstance(headers, dict) and out.request_headers is None:
        out.request_headers = [(str(k), ", ".join(map(str, v)) if isinstance(v, list) else str(_scalar(v)))
                               for k, v in headers.items() if _scalar(v) is not None or isinstance(v, list)]


def _url_of(parts: dict[str, Any]) -> str | None:
    """A URL from ``href`` or protocol/host/port/path parts (xero-node's request.url)."""
    if isinstance(parts.get("href"), str):
        return str(parts["href"])
    host, path = parts.get("host") or parts.get("hostname"), parts.get("path") or parts.get("pathname")
    if not isinstance(path, str):
        return None
    if not isinstance(host, str) or not host:
        return path
    scheme = str(parts.get("protocol") or "https:").rstrip(":/")
    return f"{scheme}://{host}{path if path.startswith('/') else '/' + path}"


def balanced_braces(text: str, start: int, limit: int = MAX_TEXT) -> str | None:
    """The ``{...}`` starting at ``start``, matched by brace depth (quotes respected)."""
    return _balanced(text, start, limit)[0]


def _balanced(text: str, start: int, limit: int, max_open: int | None = None) -> tuple[str | None, int]:
    """(the braced chunk or None, characters scanned); gives up past ``limit`` or ``max_open``."""
    depth, opened, quote, escape = 0, 0, "", False
    end = min(len(text), start + limit)
    for i in range(start, end):
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
            opened += 1
            if max_open is not None and opened >= max_open:
                return None, i - start + 1
        elif ch == "}":
            depth -= 1
            if depth == 0:
                return text[start:i + 1], i - start + 1
    return None, end - start


def find_json(text: str) -> Any:
    """The richest JSON (or Python-literal) object in ``text``, or None.

    JSON printed as a JSON string (``"{\\"Title\\":...}"``: xero-node v13 rejects with
    ``JSON.stringify(error)``, which loggers quote again) is read once unescaped too, and the
    richer reading wins: an empty ``{}`` inside the quoted text (Xero's ``"Extensions":{}``) is
    JSON as printed, but the quoted object around it holds the request and the headers.
    """
    best, score = _richest_json(text)
    if '\\"' in text:
        unquoted, unquoted_score = _richest_json(text.replace('\\"', '"'))
        if unquoted_score > score:
            return unquoted
    return best


def _richest_json(text: str) -> tuple[Any, int]:
    """The JSON value in ``text`` with the most fields, and its score (-1: none)."""
    decoder = json.JSONDecoder()
    best: Any = None
    best_score = -1
    budget, decoded_to, tried = SCAN_BUDGET, 0, 0
    for m in _JSON_START.finditer(text):
        pos = m.start()
        if pos < decoded_to:  # inside a value already read: its fields were walked with it
            continue
        tried += 1
        if tried > MAX_JSON_STARTS:
            break
        value: Any = None
        try:
            value, decoded_to = decoder.raw_decode(text, pos)
        except (ValueError, RecursionError):
            chunk = None
            if text[pos] == "{" and budget > 0:
                chunk, spent = _balanced(text, pos, min(MAX_LITERAL, budget), max_open=50)
                budget -= spent
            if chunk is not None:
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
    return best, best_score


def half_json_fields(text: str) -> dict[str, str]:
    """Problem keys from JSON cut off mid-way (``{"Title":"Unauthorized","Detail":"Authori``)."""
    out: dict[str, str] = {}
    if '\\"' in text:  # a body quoted once more by a logger or a wrapper's JSON (\"Detail\":...)
        text = text + "\n" + text.replace('\\"', '"')
    for m in HALF_JSON.finditer(text):
        key = m.group(1).lower()
        if key in FIELD_KEYS and key not in out:
            value = m.group(2) if m.group(2) is not None else m.group(3) or m.group(4)
            if value is not None:
                out[key] = value
    return out
