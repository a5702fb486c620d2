"""The simulator's own request and answer: plain objects each front end fills and reads.

The ASGI app builds a ``SimRequest`` straight from the scope and writes an ``Answer`` straight
to the socket; the in-process transport adapts an httpx2 ``Request`` to a ``SimRequest`` and an
``Answer`` to an httpx2 ``Response``. Neither costs a URL parse or a header model per call.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any, overload
from urllib.parse import parse_qs

from xero_nb.http import Request, Response

_DEFAULT_PORTS = {"http": "80", "https": "443", "ws": "80", "wss": "443"}


class RequestHeaders:
    """Read-only, case-insensitive request headers (repeated names joined with ``", "``)."""

    __slots__ = ("_items", "_map", "_raw")

    def __init__(self, items: list[tuple[str, str]], found: dict[str, str] | None = None) -> None:
        """``found``: the lower-case map, when the caller built it on the way in."""
        self._items: list[tuple[str, str]] | None = items
        self._raw: list[tuple[bytes, bytes]] = []
        if found is None:
            found = {}
            for k, v in items:
                low = k.lower()
                found[low] = found[low] + ", " + v if low in found else v
        self._map = found

    @classmethod
    def from_asgi(cls, raw: list[tuple[bytes, bytes]]) -> RequestHeaders:
        """From an ASGI scope's raw pairs: the lower-case map now, the list as sent when asked."""
        found: dict[str, str] = {}
        for k, v in raw:
            low = k.decode("latin-1")
            if not low.islower():  # ASGI servers send lower case already
                low = low.lower()
            value = v.decode("latin-1")
            found[low] = found[low] + ", " + value if low in found else value
        self = cls.__new__(cls)
        self._items, self._raw, self._map = None, raw, found
        return self

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
        if self._items is None:
            self._items = [(k.decode("latin-1"), v.decode("latin-1")) for k, v in self._raw]
        return list(self._items)


class SimRequest:
    """One request: method, where it went (scheme, host, path, raw query), headers, body."""

    __slots__ = (
        "_host",
        "_params",
        "_raw_path",
        "_url",
        "content",
        "headers",
        "method",
        "netloc",
        "path",
        "query",
        "scheme",
    )

    def __init__(self, method: str, scheme: str, netloc: str, path: str, query: str,
                 headers: RequestHeaders, content: bytes, url: str | None = None,
                 raw_path: str | None = None) -> None:
        """``url``: the full URL; without it, it is spelled from the parts (and ``raw_path``)."""
        self.method = method
        self.scheme = scheme
        self.netloc = netloc  # host[:port], as an origin spells it (no default port)
        self.path = path  # percent-decoded
        self.query = query  # raw, without "?"
        self.headers = headers
        self.content = content
        self._url = url
        self._raw_path = raw_path if raw_path is not None else path
        self._host: str | None = None
        self._params: dict[str, list[str]] | None = None

    @property
    def host(self) -> str:
        """The lower-cased host (no port)."""
        if self._host is None:
            self._host = _host_of(self.netloc)
        return self._host

    @property
    def url(self) -> str:
        """The full URL (for the record), spelled once when first asked for."""
        if self._url is None:
            self._url = (f"{self.scheme}://{self.netloc}{self._raw_path}"
                         + (f"?{self.query}" if self.query else ""))
        return self._url

    def param(self, name: str) -> str | None:
        """The first value of query parameter ``name``."""
        vals = self.params(name)
        return vals[0] if vals else None

    def params(self, name: str) -> list[str]:
        """Every value of query parameter ``name``, in order."""
        if self._params is None:
            self._params = parse_qs(self.query, keep_blank_values=True) if self.query else {}
        return self._params.get(name) or []

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


def asgi_request(scope: Mapping[str, Any], body: bytes) -> SimRequest:
    """A ``SimRequest`` from an ASGI HTTP scope, without building a URL model."""
    headers = RequestHeaders.from_asgi(scope["headers"])
    scheme: str = scope.get("scheme") or "http"
    netloc = headers._map.get("host") or "127.0.0.1"
    if netloc.endswith((":80", ":443")):
        host, _, port = netloc.rpartition(":")
        if _DEFAULT_PORTS.get(scheme) == port:
            netloc = host  # as httpx2 spells the origin: no default port
    qs = scope.get("query_string")
    query = qs.decode("latin-1") if qs else ""
    raw_path = scope.get("raw_path")
    raw_text: str = raw_path.decode("latin-1") if raw_path else scope["path"]
    if "%" in raw_text or "/." in raw_text or not raw_text.isascii() or raw_text[:1] != "/":
        # Rare spellings (escapes, dot segments): let httpx2 normalise the path as it always did.
        url = f"{scheme}://{netloc}{raw_text}" + (f"?{query}" if query else "")
        return SimRequest(scope["method"], scheme, netloc, Request("GET", url).url.path, query,
                          headers, body, url)
    return SimRequest(scope["method"], scheme, netloc, raw_text, query, headers, body,
                      raw_path=raw_text)


def has_body(scope: Mapping[str, Any], headers: RequestHeaders) -> bool:
    """False when HTTP/1.x framing says the request has none (no Content-Length, no
    Transfer-Encoding: RFC 9112 section 6.3), so there is nothing to ``receive``."""
    found = headers._map
    return ("content-length" in found or "transfer-encoding" in found
            or scope.get("http_version") not in ("1.1", "1.0"))


class AnswerHeaders:
    """Mutable, case-insensitive answer headers kept in order (``name: value`` pairs)."""

    __slots__ = ("_items", "_low")

    def __init__(self, items: list[tuple[str, str]]) -> None:
        self._items = items
        self._low: list[str] | None = None  # the names lower-cased, once a lookup needs them

    @property
    def _lower(self) -> list[str]:
        low = self._low
        if low is None:
            low = self._low = [k.lower() for k, _ in self._items]
        return low

    def _index(self, name: str) -> int:
        try:
            return self._lower.index(name.lower())
        except ValueError:
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
        i = self._index(low)
        if i < 0:
            self.append(name, value)
            return
        keep = [(k, v) for k, v in self._items if k.lower() != low]
        keep.insert(i, (name, value))
        self._items[:] = keep
        self._low = None

    def append(self, name: str, value: str) -> None:
        """Add ``name`` without looking for an earlier one."""
        self._items.append((name, value))
        if self._low is not None:
            self._low.append(name.lower())

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and name.lower() in self._lower

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
        elif type(headers) is dict:  # the common kinds first: they skip the ABC check
            items = list(headers.items())
        elif type(headers) is list:
            items = list(headers)
        elif isinstance(headers, Mapping):
            items = list(headers.items())
        else:
            items = list(headers)
        if content is None:
            self.content = b""
        else:
            self.content = content
            for k, _ in items:
                if len(k) == 14 and k.lower() == "content-length":
                    break
            else:
                items.append(("Content-Length", str(len(content))))
        self.headers = AnswerHeaders(items)

    @classmethod
    def built(cls, status_code: int, items: list[tuple[str, str]], content: bytes) -> Answer:
        """From header pairs known to hold no Content-Length (it is appended, true to ``content``)."""
        self = cls.__new__(cls)
        items.append(("Content-Length", str(len(content))))
        self.status_code, self.content, self.headers = status_code, content, AnswerHeaders(items)
        return self

    def __repr__(self) -> str:
        return f"<Answer [{self.status_code}]>"

    def to_httpx(self) -> Response:
        """The answer as an httpx2 response (for in-process clients and the record)."""
        # No Content-Length means no body was given: httpx2 then adds none either.
        content = self.content if "content-length" in self.headers else None
        return Response(self.status_code, headers=self.headers.items(), content=content)

    def asgi_headers(self) -> list[tuple[bytes, bytes]]:
        """Raw headers for the socket, Content-Length last and true to the body."""
        out = [(k.encode("latin-1"), v.encode("latin-1")) for k, v in self.headers._items
               if len(k) != 14 or k.lower() != "content-length"]  # only 14 letters need a look
        out.append((b"content-length", str(len(self.content)).encode()))
        return out
