"""The Call tab's request bar: read a request from whatever names one, complete over the catalog.

Plain Python. What is typed or pasted (``GET https://api.xero.com/api.xro/2.0/Invoices?where=...``,
a bare path, ``GET /Invoices``, a ``curl`` command, an SDK or HTTP log line) is read by the
readers the diagnosis already uses (``diagnose.paste.parse_paste`` for commands and log lines,
``diagnose.endpoint.split_endpoint``/``resolve_endpoint`` for the endpoint, the catalog's URL
matching underneath); this module only picks which reader fits and fills the parameters.

>>> read_request("GET /Invoices?where=Status%3D%3D%22PAID%22").query_values
{'where': 'Status=="PAID"'}
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from urllib.parse import parse_qsl, urlsplit

from xero_nb.catalog.index import load_catalog
from xero_nb.diagnose.endpoint import resolve_endpoint, split_endpoint
from xero_nb.diagnose.paste import parse_paste
from xero_nb.models import Endpoint
from xero_nb.redact import redact

# "GET /api.xro/2.0/Invoices · accounting.getInvoices": the completion's option text.
SEPARATOR = " · "
_SPACE = re.compile(r"\s")


@dataclass(frozen=True)
class RequestRead:
    """What a request bar's text names: the endpoint (None: not settled), values and notes."""

    method: str | None
    url: str
    endpoint: Endpoint | None
    candidates: tuple[Endpoint, ...] = ()
    path_values: dict[str, str] = field(default_factory=dict)
    query_values: dict[str, str] = field(default_factory=dict)
    notes: tuple[str, ...] = ()


def option_text(ep: Endpoint) -> str:
    """The completion option for one endpoint (unique: it ends with the catalog key)."""
    return f"{ep.method} {urlsplit(ep.url).path}{SEPARATOR}{ep.api}.{ep.operation_id}"


@lru_cache(maxsize=1)
def completions() -> tuple[str, ...]:
    """Every catalog endpoint as a completion option, sorted by path then method."""
    eps = sorted(load_catalog(), key=lambda e: (urlsplit(e.url).path.lower(), e.method, e.api))
    return tuple(option_text(ep) for ep in eps)


def _from_option(text: str) -> Endpoint | None:
    _head, sep, key = text.rpartition(SEPARATOR)
    api, dot, op = key.strip().partition(".")
    if not (sep and dot):
        return None
    try:
        return load_catalog().get(api, op)
    except KeyError:
        return None


def _method_and_url(raw: str) -> tuple[str | None, str]:
    """The method and URL: typed forms directly, commands and log lines through parse_paste."""
    one_line = "\n" not in raw and not raw.lower().startswith("curl ")
    if one_line:
        method, url = split_endpoint(raw)
        if method is not None or not _SPACE.search(url):
            if "://" not in url and not url.startswith("/"):
                url = "/" + url  # "Invoices": a bare path
            return method, url
    pasted = parse_paste(raw)
    if pasted.url:
        return pasted.method, pasted.url
    return split_endpoint(raw.splitlines()[0] if raw.splitlines() else raw)


def path_values(ep: Endpoint, url: str) -> dict[str, str]:
    """Path parameter values read back from a concrete URL."""
    tail = [s for s in urlsplit(url).path.split("/") if s] if "://" in url else \
        [s for s in url.split("?")[0].split("/") if s]
    tmpl = [s for s in ep.path.split("/") if s]
    tail = tail[len(tail) - len(tmpl):] if len(tail) >= len(tmpl) else []
    return {t[1:-1]: v for t, v in zip(tmpl, tail, strict=False)
            if t.startswith("{") and t.endswith("}")}


def _query_values(ep: Endpoint, url: str) -> tuple[dict[str, str], tuple[str, ...]]:
    names = {p.name.lower(): p.name for p in ep.query_params}
    out: dict[str, str] = {}
    unknown = []
    query = url.split("?", 1)[1] if "?" in url else ""
    for key, value in parse_qsl(query, keep_blank_values=True):
        name = names.get(key.lower())
        if name is None:
            unknown.append(key)
        else:
            out[name] = value
    notes = (f"not a parameter of {ep.operation_id}: {', '.join(unknown)}",) if unknown else ()
    return out, notes


def read_request(text: str, country: str | None = None) -> RequestRead:
    """The endpoint and parameter values ``text`` names; ValueError when it names none.

    ``country`` (AU, NZ, UK) settles payroll URLs that several payroll APIs share.
    """
    raw = text.strip()
    if not raw:
        raise ValueError("type or paste a request, e.g. GET /Invoices or a full URL")
    ep = _from_option(raw)
    if ep is not None:
        return RequestRead(ep.method, ep.url, ep, (ep,))
    method, url = _method_and_url(raw)
    found = resolve_endpoint(method, url, None, country)
    if found.endpoint is None:
        why = "; ".join(found.notes) or f"no Xero endpoint matches {raw[:120]!r}"
        if found.fact:
            why += f" (to settle it: {found.fact})"
        raise LookupError(redact(why))  # the notes quote the text, which may hold a token
    ep = found.endpoint
    query, notes = _query_values(ep, url)
    return RequestRead(found.method or ep.method, url, ep, found.candidates,
                       path_values(ep, url), query, found.notes + notes)
