"""Reading a failure out of whatever object the user holds: an httpx2 Response, the client's
CallResult, an SDK exception, a dict, or text, duck-typed and never raising on odd objects.

>>> read_response({"Status": 403, "Detail": "AuthenticationUnsuccessful"}).status
403
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from xero_nb.diagnose.fields import Pasted, as_status, walk_fields
from xero_nb.diagnose.paste import parse_paste


def header_pairs(headers: Any) -> list[tuple[str, str]]:
    """Header pairs from a Mapping, httpx Headers, a list of pairs or a raw header block."""
    if headers is None:
        return []
    if isinstance(headers, (str, bytes)):
        raw = headers.decode("latin-1") if isinstance(headers, bytes) else headers
        out = []
        for line in raw.splitlines():
            name, sep, value = line.partition(":")
            if sep and name.strip() and " " not in name.strip():
                out.append((name.strip(), value.strip()))
        return out
    multi = getattr(headers, "multi_items", None)
    items: Iterable[Any] = multi() if callable(multi) else (
        headers.items() if isinstance(headers, Mapping) or hasattr(headers, "items") else headers)
    return [(str(k), "" if v is None else str(v)) for k, v in items]


def text_of(body: Any) -> str:
    """Any body as text: bytes decoded, JSON values serialised, None as empty."""
    if body is None:
        return ""
    if isinstance(body, bytes):
        return body.decode("utf-8", "replace")
    if isinstance(body, (dict, list)):
        try:
            return json.dumps(body, default=str)
        except (TypeError, ValueError):
            return str(body)
    return str(body)


def read_response(response: Any) -> Pasted:
    """Duck-typed: httpx2 Response, the client's CallResult, an SDK exception, a dict, or text."""
    out = Pasted()
    if isinstance(response, (str, bytes)):
        return parse_paste(text_of(response))
    if isinstance(response, (dict, list)):
        walk_fields(response, out)
        out.body = text_of(response)
        out.status = as_status(out.fields.get("status") or out.fields.get("statuscode"))
        return out
    status = getattr(response, "status_code", None)
    out.status = as_status(status if status is not None else getattr(response, "status", None))
    try:
        out.headers = header_pairs(getattr(response, "headers", None))
    except Exception:  # odd header objects: go on without them
        out.headers = []
    body: Any = None
    for attr in ("text", "body", "content"):
        try:
            body = getattr(response, attr, None)
        except Exception:  # e.g. httpx ResponseNotRead
            body = None
        if body is not None and not callable(body):
            break
        body = None
    out.body = text_of(body)
    for attr, key in (("error", "error"), ("description", "error_description")):
        value = getattr(response, attr, None)  # authlib's OAuthError carries these
        if isinstance(value, str) and value:
            out.fields[key] = value
    try:
        request = getattr(response, "request", None)
    except Exception:  # httpx raises RuntimeError when no request is attached
        request = None
    if request is not None:
        read_request(request, out)
    if out.status is None and not out.body and isinstance(response, BaseException):
        return parse_paste(str(response))
    return out


def read_request(request: Any, out: Pasted) -> None:
    """The method, URL and headers of the request a response carries (a Mapping or an object)."""
    if isinstance(request, Mapping):
        method, url, headers = request.get("method"), request.get("url"), request.get("headers")
    else:
        method, url, headers = (getattr(request, n, None) for n in ("method", "url", "headers"))
    out.method = str(method).upper() if method else None
    out.url = str(url) if url else None
    try:
        out.request_headers = header_pairs(headers) if headers is not None else None
    except Exception:
        out.request_headers = None
