"""Calls built step by step, as generated SDKs write them (APIMatic's Python SDKs for Xero)::

    RequestBuilder().server(Server.SERVER_1)
        .path('/Currencies')
        .http_method(HttpMethodEnum.PUT)

The path and the verb are literal; the server is a name the SDK's configuration maps to a base URL
(``Server.SERVER_1: 'https://api.xero.com/api.xro/2.0'``), read from whichever file holds it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from xero_nb.scan.model import CallSite, UnknownCall
from xero_nb.scan.source import Source

_PATH = re.compile(r"""\.path\(\s*['"](/[^'"\n]{0,200})['"]\s*\)""")
_VERB = re.compile(r"\.http_method\(\s*HttpMethodEnum\.(GET|POST|PUT|PATCH|DELETE)\s*\)")
_SERVER = re.compile(r"\.server\(\s*Server\.(\w+)\s*\)")
# the configuration's map: Server.SERVER_1: 'https://api.xero.com/api.xro/2.0'
SERVER_BASE = re.compile(r"""Server\.(\w+)\s*:\s*['"](https://api\.xero\.com[^'"\s]*)['"]""")


@dataclass(frozen=True, slots=True)
class Built:
    """One built call, waiting for its server's base URL (known once every file is read)."""

    file: str
    line: int
    snippet: str
    server: str
    path: str
    method: str


def built_calls(src: Source) -> Iterator[Built]:
    """The built calls of a Python file (a path and a verb in one builder chain)."""
    if src.suffix != ".py" or "http_method(" not in src.text:
        return
    text = src.text
    for m in _PATH.finditer(text):
        if src.spans.kind_at(m.start()) != "code":
            continue
        nxt = text.find(".path(", m.end())
        verb = _VERB.search(text, m.end(), min(m.end() + 600, nxt if nxt >= 0 else len(text)))
        server = None
        for found in _SERVER.finditer(text, max(0, m.start() - 300), m.start()):
            server = found
        if verb is None:
            continue
        yield Built(src.rel, src.line(m.start()), src.snippet(m.start()), server.group(1) if server else "",
                    m.group(1), verb.group(1))


def servers(src: Source) -> dict[str, str]:
    """``{server name: Xero base URL}`` a file's configuration maps."""
    if "Server." not in src.text:
        return {}
    return {m.group(1): m.group(2) for m in SERVER_BASE.finditer(src.text)}


def settle_built(b: Built, bases: dict[str, str]) -> CallSite | UnknownCall | None:
    """The Xero call a built one is (None: its server is no Xero base the tree maps)."""
    from xero_nb.scan.urls import resolve

    base = bases.get(b.server)
    if base is None:
        return None
    ep, note, verb = resolve(b.method, base.rstrip("/") + b.path)
    if ep is None:
        return UnknownCall(b.file, b.line, b.snippet, verb, base.rstrip("/") + b.path)
    return CallSite(b.file, b.line, b.snippet, ep.api, ep.operation_id, ep.method, ep.path, "http",
                    0.6 if "could also be" in note else 0.9, f"built call (Server.{b.server})")
