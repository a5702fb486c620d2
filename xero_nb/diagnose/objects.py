"""Reading a failure out of whatever object the user holds: an httpx2 Response, the client's
CallResult, an SDK exception, a dict, or text, duck-typed and never raising on odd objects.

An exception tells what its printout would, and more: the request URL its wrapped answer keeps
(xero-python's ``http_resp.urllib3_response.geturl()``), and the SDK method and HTTP method its
traceback's frames name (``AccountingApi.get_invoices``, ``RESTClientObject.GET``).

>>> read_response({"Status": 403, "Detail": "AuthenticationUnsuccessful"}).status
403
"""

from __future__ import annotations

import contextlib
import json
import zlib
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import parse_qsl

from xero_nb.diagnose.client_side import client_side_error
from xero_nb.diagnose.fields import METHODS, Pasted, as_status, fill_gaps, read_request_map, walk_fields
from xero_nb.diagnose.holders import (
    attribute,
    chained_failure,
    credentials,
    first_failure,
    holds_objects,
    table_row,
)
from xero_nb.diagnose.paste import parse_paste
from xero_nb.diagnose.sdk import class_of, operation_hint

MAX_PEEK = 65_536  # bytes of an urllib error's buffered body read without consuming it
_JSONISH = (dict, list, str, bytes, int, float, bool)
MAX_FRAMES = 200  # of a traceback, the frames read for the SDK method (a deep one is cut)
# Where a response object keeps the answer it wraps: xero-python's ApiException.http_resp (a
# RESTResponse) and its urllib3_response; requests' Response.raw is urllib3's too.
_WRAPPED = ("http_resp", "urllib3_response", "raw")


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
    out = []
    for item in items:
        if isinstance(item, Mapping):  # HAR, Charles, Postman: {"name"|"key": ..., "value": ...}
            name = item.get("name", item.get("key"))
            if name is not None:
                out.append((str(name), "" if item.get("value") is None else str(item.get("value"))))
            continue
        k, v = item
        out.append((str(k), "" if v is None else str(v)))
    return out


MAX_INFLATED = 1_000_000  # a gzip body is read up to this many bytes


def decode_bytes(data: bytes) -> str:
    """Bytes as text: UTF-16 with its byte-order mark (what Windows PowerShell's ``>`` writes),
    else UTF-8 (a UTF-8 byte-order mark dropped); bytes that are not UTF-8 become U+FFFD. A gzip
    body (``Content-Encoding: gzip`` kept by a raw response) is inflated first, up to
    ``MAX_INFLATED`` bytes (no more, whatever it claims: a small bomb stays small)."""
    if data.startswith(b"\x1f\x8b"):
        with contextlib.suppress(zlib.error):  # (not gzip after all: read as it is)
            data = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(data, MAX_INFLATED)
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", "replace")
    return data.decode("utf-8-sig", "replace")


def text_of(body: Any) -> str:
    """Any body as text: bytes decoded (``decode_bytes``), JSON values serialised, None as empty."""
    if body is None:
        return ""
    if isinstance(body, bytes):
        return decode_bytes(body)
    if isinstance(body, (dict, list)):
        try:
            return json.dumps(body, default=str)
        except (TypeError, ValueError):
            return str(body)
    return str(body)


def read_response(response: Any, depth: int = 0) -> Pasted:
    """Duck-typed: httpx2 Response, the client's CallResult, an SDK exception, a dict, or text.

    SDK exceptions are read from their attributes (xero-python's ``status``/``reason``/
    ``headers``/``body``, ``ErrorCode``/``ErrorContent`` in .NET's shape, the ``.response`` that
    pyxero, requests and httpx errors carry), then from their message, and their class name
    stands for a status when nothing else gives one: nothing the text would show is lost.
    """
    out = Pasted()
    if isinstance(response, (str, bytes)):
        return parse_paste(text_of(response))
    if isinstance(response, (list, tuple)) and holds_objects(response) and depth < 3:
        item, note = first_failure(response)  # responses or errors kept in a list
        out = read_response(item, depth + 1)
        out.notes += [note] if note else []
        return out
    if isinstance(response, dict) and depth < 3 and not isinstance(response.get("response"), _JSONISH) \
            and response.get("response") is not None:  # {"response": <a response object>}
        return read_response(response["response"], depth + 1)
    if (row := table_row(response)) is not None and depth < 3:  # a logged error in a table
        out = read_response(row[0], depth + 1)
        out.notes += [row[1]] if row[1] else []
        return out
    if isinstance(response, (dict, list)):
        inner = response.get("response") if isinstance(response, dict) else None
        if isinstance(inner, dict) and "statusCode" in inner:  # xero-node's thrown error, parsed
            out.library = "xero-node"
        walk_fields(response, out)
        out.body = text_of(response)
        out.status = as_status(out.fields.get("status") or out.fields.get("statuscode"))
        return out
    for attr in ("status_code", "status", "statusCode", "ErrorCode", "error_code"):
        out.status = as_status(attribute(response, attr))
        if out.status is not None:
            break
    # oauthlib's errors carry their class's status and WWW-Authenticate, not what was answered
    # (its InvalidClientError says 401 where Xero's token endpoint answered 400): neither is evidence
    oauthlib = (type(response).__module__ or "").startswith("oauthlib")
    if client_side_error(attribute(response, "error")) is not None or oauthlib:
        out.status = None  # oauthlib's class default: nothing was answered by Xero
    try:
        out.headers = [] if oauthlib else header_pairs(attribute(response, "headers")
                                                       or attribute(response, "response_headers"))
    except Exception:  # odd header objects: go on without them
        out.headers = []
    out.body = _body_of(response)
    for attr, key in (("error", "error"), ("description", "error_description"),
                      ("reason", "reason"), ("problem", "message")):
        value = attribute(response, attr)  # authlib's OAuthError, xero-python's reason, pyxero's problem
        if isinstance(value, str) and value and not (key == "reason" and value.isdigit()):
            out.fields.setdefault(key, value)
    request = attribute(response, "request")
    if request is None or isinstance(request, (str, bytes)):
        request = attribute(response, "request_info")  # aiohttp's ClientResponse and its errors
    if request is not None and not isinstance(request, (str, bytes)):
        read_request(request, out)
    _read_url(response, out)
    inner = attribute(response, "response")
    if depth < 2 and inner is not None and inner is not response and not isinstance(inner, (str, bytes)):
        out = fill_gaps(out, read_response(inner, depth + 1))  # pyxero, requests, httpx errors
    module = type(response).__module__ or ""
    out.library = ("xero-python" if module.startswith("xero_python") else
                   "pyxero" if module.startswith("xero.") else
                   "requests-oauthlib" if module.startswith(("oauthlib", "requests_oauthlib")) else
                   "authlib" if module.startswith("authlib") else None)
    hint = class_of([c.__name__ for c in type(response).__mro__])
    if hint is not None:
        out.sdk_class = hint[0]
    if isinstance(response, BaseException):
        try:
            message = str(response)
        except Exception:  # a broken __str__: the attributes are all there is
            message = ""
        if message:  # read as a traceback's last line shows it: the class names what failed
            module = type(response).__module__
            named = type(response).__name__ if module in ("builtins", "__main__") else (
                f"{module}.{type(response).__name__}")
            out = fill_gaps(out, parse_paste(message if out.status is not None or named in message
                                             else f"{named}: {message}"))
    if out.status is None and hint is not None and not oauthlib:  # (oauthlib's: its class's, not Xero's)
        out.status = hint[1]
    if isinstance(response, BaseException) and depth < 3 and out.status is None and not out.fields.get(
            "error") and (wrapped := chained_failure(response)) is not None:
        # the app's own exception raised from (or during) the HTTP error: that error's answer
        out = fill_gaps(read_response(wrapped, depth + 1), out)
        out.notes.append(f"the {type(wrapped).__name__} this {type(response).__name__} was raised "
                         "from is diagnosed")
    if isinstance(response, BaseException) and (out.operation is None or out.method is None):
        operation, method = traceback_hint(response)
        # xero-python's translated errors (NotFoundException, RateLimitException...) are raised while
        # handling the one its REST client raised: that one's traceback holds the method and the call
        earlier = attribute(response, "__context__") or attribute(response, "__cause__")
        if isinstance(earlier, BaseException) and (operation is None or method is None):
            before = traceback_hint(earlier)
            operation, method = operation or before[0], method or before[1]
        out.operation = out.operation or operation
        out.method = out.method or method
    return out


def _body_of(response: Any) -> str:
    """The body an object already holds; never a read that could wait on the network (a
    requests response made with ``stream=True`` and not read, an urllib error's socket)."""
    unread = attribute(response, "_content") is False  # requests: the stream is not read yet
    raw = None if unread else attribute(response, "content")
    if isinstance(raw, bytes) and raw.startswith(b"\x1f\x8b"):
        return text_of(raw)  # gzip bytes kept as they came: its .text would be their garbled decoding
    for attr in ("text", "body", "content", "ErrorContent", "response_body", "data", "_body"):
        if unread and attr in ("text", "content"):
            continue
        body = attribute(response, attr)
        if isinstance(body, (str, bytes, dict, list)) and body:
            return text_of(body)
    fp = attribute(response, "fp")  # urllib's HTTPError: what is buffered, without consuming it
    peek = attribute(fp, "peek")
    if callable(peek) and attribute(fp, "closed") is False:
        try:
            seen = peek(MAX_PEEK)
        except Exception:  # a closed or odd stream: no body
            return ""
        return text_of(seen) if isinstance(seen, bytes) else ""
    return ""


def _read_url(response: Any, out: Pasted) -> None:
    """The request URL the wrapped answer still knows: urllib3's ``geturl()``/``.url`` (reached
    through xero-python's ``http_resp.urllib3_response``), a response's own ``url``."""
    if out.url is not None:
        return
    holders = [response]
    for holder in holders:  # breadth first over the wrappers, each seen once
        for name in _WRAPPED:
            inner = attribute(holder, name)
            if inner is not None and len(holders) < 6 and all(inner is not h for h in holders):
                holders.append(inner)
    for holder in holders:
        url = _url_of(holder)
        if url is not None:
            base = _pool_base(holder) if url.startswith("/") else None
            out.url = (base or "") + url
            return


def _url_of(holder: Any) -> str | None:
    for name in ("geturl", "url"):
        value = attribute(holder, name)
        try:
            value = value() if callable(value) else value
        except Exception:  # urllib3 1.x's geturl on an odd object, a property that raises
            continue
        if value is not None and not isinstance(value, str) and type(value).__name__ == "URL":
            value = str(value)  # httpx's URL
        if isinstance(value, str) and value.startswith(("http://", "https://", "/")):
            return value
    return None


def _pool_base(holder: Any) -> str | None:
    """``scheme://host[:port]`` of the urllib3 connection pool that made the request, or None."""
    pool = attribute(holder, "_pool")
    scheme, host, port = (attribute(pool, n) for n in ("scheme", "host", "port"))
    if scheme not in ("http", "https") or not isinstance(host, str) or not host or "/" in host:
        return None
    default = 443 if scheme == "https" else 80
    return f"{scheme}://{host}" + (f":{port}" if isinstance(port, int) and port != default else "")


def traceback_hint(exc: BaseException) -> tuple[tuple[str, str] | None, str | None]:
    """(the SDK operation, the HTTP method) an exception's traceback names, else None for each.

    The frames are written as a traceback prints them, each with the class of its ``self``
    (``AccountingApi.get_invoices``), and read by ``sdk.operation_hint``, as a pasted traceback
    is; the HTTP method is the name of an SDK's REST client frame (xero-python's ``rest.GET``).
    """
    lines: list[str] = []
    method = None
    tb = attribute(exc, "__traceback__")
    for _ in range(MAX_FRAMES):
        if tb is None:
            break
        frame = attribute(tb, "tb_frame")
        code = attribute(frame, "f_code")
        name, filename = attribute(code, "co_name"), attribute(code, "co_filename")
        if isinstance(name, str) and isinstance(filename, str):
            lines.append(f'  File "{filename}", line {attribute(tb, "tb_lineno")}, in {name}')
            owner = _owner(frame)
            if owner:
                lines.append(f"{owner}.{name}")
            if name in METHODS and (owner == "RESTClientObject" or "xero_python" in filename):
                method = name  # xero-python's RESTClientObject.GET/POST/... made the request
        tb = attribute(tb, "tb_next")
    try:
        return operation_hint("\n".join(lines)), method
    except Exception:  # nothing a traceback holds may stop the diagnosis
        return None, method


def _owner(frame: Any) -> str:
    """The class name of a frame's ``self``, or ""."""
    try:
        local = frame.f_locals
        owner = local.get("self") if isinstance(local, Mapping) else None
        return type(owner).__name__ if owner is not None else ""
    except Exception:
        return ""


def read_request(request: Any, out: Pasted) -> None:
    """The method, URL and headers of the request a response carries (a Mapping or an object)."""
    if isinstance(request, Mapping):
        read_request_map(dict(request), out)
        return
    method, url, headers = (attribute(request, n) for n in ("method", "url", "headers"))
    if isinstance(method, bytes):  # (a raw HTTP library's b"GET")
        method = method.decode("ascii", "replace")
    out.method = method.upper() if isinstance(method, str) and method else out.method
    url = str(url) if url is not None and type(url).__name__ == "URL" else url  # httpx, yarl
    out.url = url if isinstance(url, str) and url else out.url
    try:
        out.request_headers = header_pairs(headers) if headers is not None else out.request_headers
    except Exception:
        out.request_headers = None
    body = attribute(request, "body")
    if body is None:
        body = attribute(request, "content")  # httpx's Request
    out.secrets += credentials(out.request_headers, body if isinstance(body, (str, bytes)) else None,
                               out.url)
    if isinstance(body, (str, bytes)) and (form := _token_form(body)):
        out.fields.setdefault("request", form)  # what the token request asked for (never a secret)


_FORM_KEYS = ("grant_type", "scope")  # of a token request's form: the only values kept


def _token_form(body: str | bytes) -> str:
    """``grant_type=...&scope=...`` of a token request's form body ("" when it has none), without
    any other parameter (a code, a refresh token, a client secret)."""
    text = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
    if "grant_type=" not in text[:4000]:
        return ""
    try:
        pairs = parse_qsl(text[:4000], keep_blank_values=False)
    except ValueError:
        return ""
    return "&".join(f"{k}={v}" for k, v in pairs if k in _FORM_KEYS)
