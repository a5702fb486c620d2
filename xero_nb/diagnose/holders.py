"""Which object holds the failure, and the credentials it carries.

Code wraps an HTTP error in its own (``raise SyncError(...) from err``), gathers several in an
``ExceptionGroup``, keeps responses in a list, or logs them to a table: the failure is found
inside, bounded and cycle-safe. The request an object carries holds the credentials it sent
(the bearer token, the Basic client id and secret, a refresh token or code in the form body):
those values are collected so that an answer echoing one back never shows it.
"""

from __future__ import annotations

import base64
import binascii
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from xero_nb.redact import secret_name

MAX_CHAIN = 50  # exceptions looked at in a cause/context chain or a group
MAX_ITEMS = 1000  # items of a list or rows of a table looked at for the first failure
_JSON_TYPES = (dict, list, tuple, str, bytes, int, float, bool, type(None))


def attribute(obj: Any, name: str) -> Any:
    """An attribute, or None when it is missing or raises (SDK properties parse bodies lazily).
    Of a unittest.mock object, only what was set on it: a mock makes up every other attribute
    (an empty ``request.headers`` read as "no xero-tenant-id sent")."""
    try:
        if _mocked(obj):
            own = vars(obj)
            return own[name] if name in own else own.get("_mock_children", {}).get(name)
        return getattr(obj, name, None)
    except Exception:  # properties that raise (unread bodies, odd objects)
        return None


def _mocked(obj: Any) -> bool:
    return any(kind.__module__ == "unittest.mock" for kind in type(obj).__mro__[:-1])


def answered(obj: Any) -> bool:
    """Whether an object carries an HTTP answer: a status, or a response holding one."""
    for name in ("status_code", "status", "code"):
        value = attribute(obj, name)
        if isinstance(value, int) and not isinstance(value, bool) and 100 <= value <= 599:
            return True
    inner = attribute(obj, "response")
    return inner is not None and inner is not obj and not isinstance(inner, (str, bytes)) and any(
        isinstance(attribute(inner, n), int) for n in ("status_code", "status"))


def chained_failure(exc: BaseException) -> BaseException | None:
    """The first exception in ``exc``'s chain (``__cause__``, ``__context__``) or group members
    that carries an HTTP answer, breadth first; None when none does."""
    queue: list[Any] = [exc]
    seen: set[int] = set()
    while queue and len(seen) < MAX_CHAIN:
        current = queue.pop(0)
        if id(current) in seen:
            continue
        seen.add(id(current))
        if current is not exc and answered(current):
            return current  # type: ignore[no-any-return]
        members = attribute(current, "exceptions")
        for nxt in (*(members if isinstance(members, tuple) else ()), attribute(current, "__cause__"),
                    attribute(current, "__context__")):
            if isinstance(nxt, BaseException):
                queue.append(nxt)
    return None


def _failed(obj: Any) -> bool:
    """Whether an object carries a failing status, on itself or on the response it holds (a
    requests or httpx error)."""
    inner = attribute(obj, "response")
    for holder in (obj, inner) if inner is not None and inner is not obj else (obj,):
        for name in ("status_code", "status", "code"):
            value = attribute(holder, name)
            if isinstance(value, int) and not isinstance(value, bool) and value >= 400:
                return True
    return False


def first_failure(items: list[Any] | tuple[Any, ...]) -> tuple[Any, str | None]:
    """The item to diagnose among objects held in a list (the first that failed, else the first),
    and a note when there were several."""
    looked = items[:MAX_ITEMS]
    failed = [i for i, item in enumerate(looked) if _failed(item)]
    pick = failed[0] if failed else 0
    if len(items) == 1:
        return items[0], None
    return items[pick], (f"{len(items)} objects were given: the {'first that failed' if failed else 'first'} "
                         f"(number {pick + 1}) is diagnosed")


def holds_objects(items: list[Any] | tuple[Any, ...]) -> bool:
    """Whether a list holds objects (responses, errors) rather than parsed JSON."""
    return bool(items) and not all(isinstance(i, _JSON_TYPES) for i in items[:MAX_ITEMS])


def table_row(table: Any) -> tuple[Any, str | None] | None:
    """The row of a table (a pandas DataFrame, duck-typed) to diagnose: the first with a failing
    status column, else the first; None when it is no table or has no rows."""
    if not (hasattr(table, "iloc") and hasattr(table, "columns")) or attribute(table, "ndim") != 2:
        return None
    try:
        rows = len(table)
        if rows == 0:
            return None
        pick = 0
        for name in ("status", "status_code", "statuscode", "code"):
            if name in table.columns:
                column = list(table[name].iloc[:MAX_ITEMS])
                pick = next((i for i, v in enumerate(column)
                             if isinstance(v, (int, float)) and not isinstance(v, bool) and v >= 400), 0)
                break
        row = table.iloc[pick]
    except Exception:  # an odd table: nothing to read from it
        return None
    return row, (None if rows == 1 else f"a table of {rows} rows was given: row {pick + 1} is diagnosed")


def _credential_field(name: str) -> bool:
    """A form or query field whose value is a credential: one redact names so, and OAuth's
    ``code`` (an ordinary word elsewhere, a credential in a token request)."""
    return secret_name(name) or name.lower() == "code"


def credentials(headers: Any, body: Any, url: Any) -> list[str]:
    """The credential values a request carried: its bearer token, its Basic pair (and the secret
    in it), the secret fields of its form body and URL query, a password in its URL."""
    found: list[str] = []
    for name, value in headers or ():
        low = str(name).lower()
        text = str(value).strip()
        if low in ("authorization", "proxy-authorization"):
            scheme, _, rest = text.partition(" ")
            rest = rest.strip()
            found.append(rest)
            if scheme.lower() == "basic":
                try:
                    pair = base64.b64decode(rest + "=" * (-len(rest) % 4), validate=False).decode("utf-8")
                except (binascii.Error, UnicodeDecodeError, ValueError):
                    pair = ""
                found += [p for p in pair.split(":", 1)[1:] if p]
        elif low in ("xero-client-secret", "client-secret", "x-api-key", "api-key", "cookie"):
            found.append(text)
    if isinstance(body, bytes):
        body = body.decode("utf-8", "replace")
    if isinstance(body, str) and "=" in body and len(body) < 100_000:
        found += [v for k, v in parse_qsl(body) if _credential_field(k)]
    if isinstance(url, str) and len(url) < 10_000:
        try:
            parts = urlsplit(url)
            found += [v for k, v in parse_qsl(parts.query) if _credential_field(k)]
            found += [parts.password] if parts.password else []
        except ValueError:  # an unparsable URL carries nothing readable
            pass
    # (a placeholder or a hidden value is no credential: "{{access_token}}", "<token>", "[redacted]")
    return [f for f in dict.fromkeys(found) if len(f) >= 8 and not any(c.isspace() for c in f)
            and not f.startswith(("{", "<", "$", "%", "[", "..."))]
