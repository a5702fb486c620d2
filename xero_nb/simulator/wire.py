"""The simulator's own request and answer: plain objects each front end fills and reads.

The ASGI app builds a ``SimRequest`` straight from the scope and writes an ``Answer`` straight
to the socket; the in-process transport adapts an httpx2 ``Request`` to a ``SimRequest`` and an
``Answer`` to an httpx2 ``Response``. Neither costs a URL parse or a header model per call.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import overload
from urllib.parse import parse_qs

from xero_nb.http import Request, Response

_DEFAULT_PORTS = {"http": "80", "https": "443", "ws": "80", "wss": "443"}


class RequestHeaders:
    """Read-only, case-insensitive request headers (repeated names joined with ``", "``)."""

    __slots__ = ("_items", "_map")

    def __init__(self, items: list[tuple[str, str]]) -> None:
        self._items = items
        found: dict[str, str] = {}
        for k, v in items:
            low = k.lower()
            found[low] = found[low] + ", " + v if low in found else v
        self._map = found

    @overload
    def get(self, name: str) -> str | None: ...

    @overload
    def get(self, name: str, default: str) -> str: ...

    def get(self, name: str, default: str | None = None) -> str | None:
        """The value of ``name`` (any case), else ``default``."""
        return self._map.get(name.lower(), default)

    def __getitem__(self, name: str) -> str:
        return self._map[name.lower()]

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and name.lower() in self._map

    def multi_items(self) -> list[tuple[str, str]]:
        """Every header as sent, in order."""
        return list(self._items)


class SimRequest:
    """One request: method, where it went (scheme, host, path, raw query), headers, body."""

    __slots__ = (
        "_params",
        "content",
        "headers",
        "host",
        "method",
        "netloc",
        "path",
        "query",
        "scheme",
        "url",
    )

    def __init__(self, method: str, scheme: str, netloc: str, path: str, query: str,
                 headers: RequestHeaders, content: bytes, url: str) -> None:
        self.method = method
        self.scheme = scheme
        self.netloc = netloc  # host[:port], as an origin spells it (no default port)
        self.host = _host_of(netloc)
        self.path = path  # percent-decoded
        self.query = query  # raw, without "?"
        self.headers = headers
        self.content = content
        self.url = url  # the full URL (for the record)
        self._params: dict[str, list[str]] | None = None

    def param(self, name: str) -> str | None:
        """The first value of query parameter ``name``."""
        if self._params is None:
            self._params = parse_qs(self.query, keep_blank_values=True) if self.query else {}
        vals = self._params.get(name)
        return vals[0] if vals else None

    @classmethod
    def from_httpx(cls, request: Request) -> SimRequest:
        """Adapt an httpx2 request (already read) for the engine."""
        url = request.url
        return cls(request.method, url.scheme, url.netloc.decode("ascii"), url.path,
                   url.query.decode("ascii"), RequestHeaders(request.headers.multi_items()),
                   request.content, str(url))


def _host_of(netloc: str) -> str:
    """The lower-cased host of ``host[:port]`` (IPv6 in brackets)."""
    if netloc.startswith("["):
        return netloc[1:netloc.find("]")].lower()
    return netloc.partition(":")[0].lower()


def asgi_request(scope: Mapping[str, object], body: bytes) -> SimRequest:
    """A ``SimRequest`` from an ASGI HTTP scope, without building a URL model."""
    raw = scope["headers"]
    assert isinstance(raw, Iterable)
    items = [(k.decode("latin-1"), v.decode("latin-1")) for k, v in raw]
    headers = RequestHeaders(items)
    scheme = str(scope.get("scheme", "http"))
    netloc = headers.get("host") or "127.0.0.1"
    host, sep, port = netloc.rpartition(":") if not netloc.endswith("]") else (netloc, "", "")
    if sep and _DEFAULT_PORTS.get(scheme) == port:
        netloc = host  # as httpx2 spells the origin: no default port
    qs = scope.get("query_string", b"")
    query = qs.decode("latin-1") if isinstance(qs, bytes) else ""
    raw_path = scope.get("raw_path")
    path_text = str(scope["path"])
    raw_text = raw_path.decode("latin-1") if isinstance(raw_path, bytes) and raw_path else path_text
    url = f"{scheme}://{netloc}{raw_text}" + (f"?{query}" if query else "")
    if "%" in raw_text or "/." in raw_text or not raw_text.isascii() or not raw_text.startswith("/"):
        # Rare spellings (escapes, dot segments): let httpx2 normalise the path as it always did.
        path = Request("GET", url).url.path
    else:
        path = raw_text
    return SimRequest(str(scope["method"]), scheme, netloc, path, query, headers, body, url)


class AnswerHeaders:
    """Mutable, case-insensitive answer headers kept in order (``name: value`` pairs)."""

    __slots__ = ("_items",)

    def __init__(self, items: list[tuple[str, str]]) -> None:
        self._items = items

    def _index(self, name: str) -> int:
        low = name.lower()
        for i, (k, _) in enumerate(self._items):
            if k.lower() == low:
                return i
        return -1

    @overload
    def get(self, name: str) -> str | None: ...

    @overload
    def get(self, name: str, default: str) -> str: ...

    def get(self, name: str, default: str | None = None) -> str | None:
        """The first value of ``name`` (any case), else ``default``."""
        i = self._index(name)
        return self._items[i][1] if i >= 0 else default

    def __getitem__(self, name: str) -> str:
        i = self._index(name)
        if i < 0:
            raise KeyError(name)
        return self._items[i][1]

    def __setitem__(self, name: str, value: str) -> None:
        """Replace ``name`` (its first occurrence; later ones dropped) or append it."""
        low = name.lower()
        keep = [(k, v) for k, v in self._items if k.lower() != low]
        if len(keep) == len(self._items):
            self._items.append((name, value))
            return
        i = self._index(name)
        keep.insert(i, (name, value))
        self._items[:] = keep

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and self._index(name) >= 0

    def __iter__(self) -> Iterator[str]:
        return (k for k, _ in self._items)

    def items(self) -> list[tuple[str, str]]:
        """Every header, in order."""
        return list(self._items)

    multi_items = items


class Answer:
    """What the engine answers: a status, headers and a body (Content-Length set as httpx2 sets it)."""

    __slots__ = ("content", "headers", "status_code")

    def __init__(self, status_code: int,
                 headers: Mapping[str, str] | Iterable[tuple[str, str]] | None = None,
                 content: bytes | None = None) -> None:
        self.status_code = status_code
        if headers is None:
            items: list[tuple[str, str]] = []
        elif isinstance(headers, Mapping):
            items = list(headers.items())
        else:
            items = list(headers)
        self.headers = AnswerHeaders(items)
        if content is not None and "content-length" not in self.headers:
            items.append(("Content-Length", str(len(content))))
        self.content = content if content is not None else b""

    def __repr__(self) -> str:
        return f"<Answer [{self.status_code}]>"

    def to_httpx(self) -> Response:
        """The answer as an httpx2 response (for in-process clients and the record)."""
        # No Content-Length means no body was given: httpx2 then adds none either.
        content = self.content if "content-length" in self.headers else None
        return Response(self.status_code, headers=self.headers.items(), content=content)

    def asgi_headers(self) -> list[tuple[bytes, bytes]]:
        """Raw headers for the socket, Content-Length last and true to the body."""
        out = [(k.encode("latin-1"), v.encode("latin-1")) for k, v in self.headers.items()
               if k.lower() != "content-length"]
        out.append((b"content-length", str(len(self.content)).encode()))
        return out
