"""The endpoint catalog: every callable Xero operation, loaded from the shipped index.

The index holds the OpenAPI specs' 477 operations; ``data/documented.csv`` adds the few that
Xero documents elsewhere (``Endpoint.source`` names where), such as ``GET /Reports/BankStatement``
with its own restricted scope: a literal path, so it wins over ``/Reports/{ReportID}``.

>>> cat = load_catalog()
>>> cat.find("GET", "https://api.xero.com/api.xro/2.0/Invoices").operation_id
'getInvoices'
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from xero_nb.errors import AmbiguousEndpointError, CatalogError, EndpointNotFoundError
from xero_nb.models import Endpoint, Param

INDEX_PATH = Path(__file__).parent / "data" / "catalog.json"
# Operations Xero documents that its OpenAPI specs leave out (each row names its source).
DOCUMENTED_PATH = Path(__file__).parent / "data" / "documented.csv"

_GUID = re.compile(r"^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$")
_REGIONS = {"AU", "NZ", "UK"}
_METHODS = {"GET", "POST", "PUT", "PATCH", "DELETE"}


def _endpoints_from_index(index: dict[str, Any]) -> list[Endpoint]:
    apis = index["apis"]
    # Endpoints share equal parameters and scope sets (both immutable): 724 parameters are
    # 157 distinct ones, so building each once makes loading the index markedly cheaper.
    params_seen: dict[tuple[Any, ...], Param] = {}
    scopes_seen: dict[tuple[str, ...], frozenset[str]] = {}
    out = []
    for api, method, path, op_id, tag, scopes, tenant, params in index["endpoints"]:
        meta = apis[api]
        shared = []
        for p in params:
            key = tuple(p)
            param = params_seen.get(key)
            if param is None:
                n, loc, typ, req, fmt = p
                param = params_seen[key] = Param(n, loc, typ, bool(req), fmt)
            shared.append(param)
        scope_key = tuple(scopes)
        scope_set = scopes_seen.get(scope_key)
        if scope_set is None:
            scope_set = scopes_seen[scope_key] = frozenset(scopes)
        out.append(Endpoint(
            api=api, method=method, path=path, operation_id=op_id, tag=tag,
            scopes=scope_set, base_url=meta["base_url"], tenant_header=bool(tenant),
            params=tuple(shared), spec_version=meta["spec_version"],
        ))
    return out


def _documented(index: dict[str, Any]) -> list[Endpoint]:
    """The operations Xero documents outside its specs, on the same APIs' base URLs."""
    import csv

    with DOCUMENTED_PATH.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    apis = index["apis"]
    return [Endpoint(api=r["api"], method=r["method"], path=r["path"], operation_id=r["operation_id"],
                     tag=r["tag"], scopes=frozenset(r["scopes"].split()),
                     base_url=apis[r["api"]]["base_url"], tenant_header=r["tenant_header"] == "true",
                     spec_version=apis[r["api"]]["spec_version"], source=r["source"])
            for r in rows if r["api"] in apis]


def _is_param(segment: str) -> bool:
    return segment.startswith("{") and segment.endswith("}")


def _id_like_name(name: str) -> bool:
    return name.endswith(("ID", "Id", "id"))


@dataclass(frozen=True, slots=True)
class _Template:
    """An endpoint's path as the matcher sees it."""

    endpoint: Endpoint
    literals: tuple[str | None, ...]  # lower-cased literal segments; None for a {param}
    names: tuple[str, ...]  # the parameters' names, in order

    @classmethod
    def of(cls, ep: Endpoint) -> _Template:
        raw = [s for s in ep.path.split("/") if s]
        return cls(ep, tuple(None if _is_param(s) else s.lower() for s in raw),
                   tuple(s[1:-1] for s in raw if _is_param(s)))

    def score(self, segs: list[str]) -> tuple[int, ...] | None:
        """Per segment: 3 literal, 2 same-named {param}, 1 fitting value, 0 other; None: no match."""
        out = []
        names = iter(self.names)
        for lit, seg in zip(self.literals, segs, strict=True):
            if lit is not None:
                if lit != seg.lower():
                    return None
                out.append(3)
                continue
            name = next(names)
            if _is_param(seg):
                out.append(2 if seg[1:-1].lower() == name.lower() else 1)
            else:
                # Literal segments beat parameters; among parameters, an id-shaped value
                # prefers an ...ID parameter and any other value a ...Number/FileName one.
                out.append(1 if _id_like_name(name) == bool(_GUID.match(seg)) else 0)
        return tuple(out)

    def bind(self, segs: list[str]) -> dict[str, str]:
        """The path parameters' values in a matching URL."""
        values = [s for s, lit in zip(segs, self.literals, strict=True) if lit is None]
        return dict(zip(self.names, values, strict=True))


class Catalog:
    """An immutable, iterable set of endpoints with URL lookup."""

    def __init__(self, endpoints: Iterable[Endpoint], spec_version: str = "") -> None:
        self._endpoints = tuple(endpoints)
        self.spec_version = spec_version
        # The lookup indexes are built on first use: iterating (coverage, scope reach) needs none.
        self._keys: dict[tuple[str, str], Endpoint] | None = None
        self._url_index: tuple[list[tuple[str, set[str]]],
                               dict[tuple[str, int], list[_Template]]] | None = None

    @property
    def _by_key(self) -> dict[tuple[str, str], Endpoint]:
        """(api, operation_id) -> endpoint."""
        keys = self._keys
        if keys is None:
            keys = self._keys = {ep.key: ep for ep in self._endpoints}
        return keys

    def _url_lookup(self) -> tuple[list[tuple[str, set[str]]], dict[tuple[str, int], list[_Template]]]:
        """The base paths (longest first) with their APIs, and the templates by (method, segments)."""
        found = self._url_index
        if found is None:
            # base path ("/api.xro/2.0") -> apis served there, longest first for prefix matching
            bases: dict[str, set[str]] = {}
            for base_url, api in dict.fromkeys((ep.base_url, ep.api) for ep in self._endpoints):
                bases.setdefault(urlsplit(base_url).path.rstrip("/").lower(), set()).add(api)
            # (method, segment count) -> templates, so a lookup scores only same-shaped paths
            shapes: dict[tuple[str, int], list[_Template]] = {}
            for ep in self._endpoints:
                tpl = _Template.of(ep)
                shapes.setdefault((ep.method, len(tpl.literals)), []).append(tpl)
            found = self._url_index = (sorted(bases.items(), key=lambda kv: -len(kv[0])), shapes)
        return found

    def __iter__(self) -> Iterator[Endpoint]:
        return iter(self._endpoints)

    def __len__(self) -> int:
        return len(self._endpoints)

    def __repr__(self) -> str:
        return f"<Catalog {len(self)} endpoints, {len(self.apis)} APIs, spec {self.spec_version}>"

    @property
    def apis(self) -> tuple[str, ...]:
        """The API names, sorted."""
        return tuple(sorted({ep.api for ep in self._endpoints}))

    def get(self, api: str, operation_id: str) -> Endpoint:
        """The endpoint keyed ``(api, operation_id)``; KeyError names near matches."""
        try:
            return self._by_key[(api, operation_id)]
        except KeyError:
            near = [k for k in self._by_key if k[1].lower() == operation_id.lower()]
            raise KeyError(f"no endpoint {api}.{operation_id}; same operationId in: {near}") from None

    def candidates(self, method: str, url_or_template: str) -> list[Endpoint]:
        """Every endpoint the URL could mean, best match first within each API."""
        return [ep for ep, _ in self.match(method, url_or_template)]

    def match(self, method: str, url_or_template: str) -> list[tuple[Endpoint, dict[str, str]]]:
        """The best (endpoint, path parameters) per API that the URL or template could mean.

        Several only where specs share a URL (payroll.xro/2.0 is NZ, UK and AU v2).
        """
        if not isinstance(method, str) or not isinstance(url_or_template, str):
            raise TypeError("find(method, url) takes two strings, e.g. find('GET', '/Invoices')")
        method = method.strip().upper()
        best: dict[str, tuple[tuple[int, ...], _Template, list[str]]] = {}
        shapes = self._url_lookup()[1]
        for apis, rel in self._relative_paths(url_or_template):
            segs = [unquote(s) for s in rel.split("/") if s]
            for tpl in shapes.get((method, len(segs)), ()):
                if apis is not None and tpl.endpoint.api not in apis:
                    continue
                score = tpl.score(segs)
                if score is None:
                    continue
                held = best.get(tpl.endpoint.api)
                if held is None or score > held[0]:
                    best[tpl.endpoint.api] = (score, tpl, segs)
        ranked = sorted(best.values(), key=lambda found: found[0], reverse=True)
        return [(tpl.endpoint, tpl.bind(segs)) for _, tpl, segs in ranked]

    def find(self, method: str, url_or_template: str, region: str | None = None) -> Endpoint | None:
        """The endpoint for a URL or path template, or None when the catalog has none.

        ``region`` ("AU", "NZ", "UK") settles payroll URLs shared by several payroll APIs;
        without it such a URL raises AmbiguousEndpointError listing the candidates.
        """
        found = self.candidates(method, url_or_template)
        if region is not None:
            reg = region.upper()
            if reg not in _REGIONS:
                raise ValueError(f"region must be one of AU, NZ, UK, not {region!r}")
            payroll = [ep for ep in found if ep.payroll_region is not None]
            if payroll:
                found = [ep for ep in payroll if ep.payroll_region == reg]
        if not found:
            return None
        if len(found) > 1:
            names = ", ".join(f"{ep.api}.{ep.operation_id}"
                              + (f" ({ep.payroll_region})" if ep.payroll_region else "") for ep in found)
            if all(ep.base_url == found[0].base_url for ep in found):
                hint = "pass region='AU', 'NZ' or 'UK' (the organisation's country)"
            else:
                hint = "give the full URL with its API's base, e.g. " + found[0].url
            raise AmbiguousEndpointError(
                f"{method.strip().upper()} {url_or_template} could mean {names} — {hint}")
        return found[0]

    def endpoint(self, item: Endpoint | str | tuple[str, str], region: str | None = None) -> Endpoint:
        """An Endpoint from itself, ``(method, url)``, ``"GET /Invoices"`` or ``"GET:https://..."``.

        Raises EndpointNotFoundError (or AmbiguousEndpointError) saying what to write instead.
        """
        if isinstance(item, Endpoint):
            return item
        if isinstance(item, str):
            text = item.strip()
            head, sep, rest = text.partition(" ")
            if not sep and ":" in text and text.split(":", 1)[0].upper() in _METHODS:
                head, sep, rest = text.partition(":")
            if not sep or head.upper() not in _METHODS:
                raise EndpointNotFoundError(
                    f"{item!r} names no HTTP method: write it as 'GET /Invoices' or "
                    "'GET https://api.xero.com/api.xro/2.0/Invoices'")
            method, url = head, rest
        elif isinstance(item, tuple) and len(item) == 2:
            method, url = item
        else:
            raise TypeError(f"expected an Endpoint, (method, url) or 'METHOD URL', not {item!r}")
        found = self.find(method, url, region=region)
        if found is None:
            raise EndpointNotFoundError(
                f"no Xero endpoint matches {method.strip().upper()} {url.strip()} "
                f"(catalog of {len(self)} operations, spec {self.spec_version})")
        return found

    def _relative_paths(self, text: str) -> list[tuple[set[str] | None, str]]:
        """Split a URL or template into (apis it can belong to, path under that API's base)."""
        text = text.strip()
        if not text.startswith("/") and "://" not in text and text.split("/", 1)[0].count(".") >= 2:
            text = "https://" + text  # a host without a scheme: api.xero.com/api.xro/2.0/...
        parts = urlsplit(text)
        path = parts.path if (parts.scheme or text.startswith("/")) else "/" + parts.path
        low = path.lower().rstrip("/")
        out: list[tuple[set[str] | None, str]] = []
        bases = self._url_lookup()[0]
        for base, apis in bases:
            if base and (low == base or low.startswith(base + "/")):
                out.append((apis, path[len(base):]))
                break
        # A bare template such as "/Invoices" may belong to any API; so may an identity path.
        for base, apis in bases:
            if not base:
                out.append((apis, path))
        if not out or not parts.scheme:
            out.append((None, path))
        return out


@lru_cache(maxsize=1)
def _shipped() -> Catalog:
    try:
        index = json.loads(INDEX_PATH.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise CatalogError(
            f"the shipped catalog {INDEX_PATH} is unreadable ({exc}); reinstall xero-nb"
        ) from exc
    return Catalog(_endpoints_from_index(index) + _documented(index), index.get("spec_version", ""))


def load_catalog(spec_dir: str | Path | None = None) -> Catalog:
    """The shipped catalog, or one built at run time from a folder of newer Xero specs."""
    if spec_dir is None:
        return _shipped()
    from xero_nb.catalog.build import build_index

    index = build_index(spec_dir)
    return Catalog(_endpoints_from_index(index) + _documented(index), index["spec_version"])
