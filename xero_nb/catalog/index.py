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
from functools import lru_cache
from pathlib import Path
from typing import Any

from xero_nb.catalog import files
from xero_nb.catalog.paths import PathMatcher
from xero_nb.errors import AmbiguousEndpointError, CatalogError, EndpointNotFoundError, non_ascii, printable
from xero_nb.models import Endpoint, Param

INDEX_PATH = Path(files.INDEX)
# Operations Xero documents that its OpenAPI specs leave out (each row names its source).
DOCUMENTED_PATH = Path(files.DOCUMENTED)

_REGIONS = {"AU", "NZ", "UK"}
_METHODS = {"GET", "POST", "PUT", "PATCH", "DELETE"}
_METHOD_SPLIT = re.compile(r"([A-Za-z]+)(?:[ \t]*[,;][ \t]*|[ \t]+)")


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


class Catalog:
    """An immutable, iterable set of endpoints with URL lookup."""

    def __init__(self, endpoints: Iterable[Endpoint], spec_version: str = "") -> None:
        self._endpoints = tuple(endpoints)
        self.spec_version = spec_version
        # The lookup indexes are built on first use: iterating (coverage, scope reach) needs none.
        self._keys: dict[tuple[str, str], Endpoint] | None = None
        self._matcher: PathMatcher | None = None

    @property
    def _by_key(self) -> dict[tuple[str, str], Endpoint]:
        """(api, operation_id) -> endpoint."""
        keys = self._keys
        if keys is None:
            keys = self._keys = {ep.key: ep for ep in self._endpoints}
        return keys

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
        matcher = self._matcher
        if matcher is None:
            matcher = self._matcher = PathMatcher(
                [(ep.api, ep.method, ep.path, ep.base_url) for ep in self._endpoints])
        return [(self._endpoints[row], params) for row, params in matcher.match(method, url_or_template)]

    def find(self, method: str, url_or_template: str, region: str | None = None) -> Endpoint | None:
        """The endpoint for a URL or path template, or None when the catalog has none.

        ``region`` ("AU", "NZ", "UK") settles payroll URLs shared by several payroll APIs;
        without it such a URL raises AmbiguousEndpointError listing the candidates.
        """
        if _broken(url_or_template):  # two URLs copied from a log, one a line: neither is meant
            return None
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
                regions = " or ".join(repr(r) for r in sorted({ep.payroll_region for ep in found
                                                               if ep.payroll_region}))
                hint = (f"the organisation's country settles it: find() or endpoint() with region="
                        f"{regions} gives the Endpoint that is_allowed(), required_scopes() and "
                        "diagnose() take")
            else:
                hint = "give the full URL with its API's base, e.g. " + found[0].url
            raise AmbiguousEndpointError(
                f"{method.strip().upper()} {url_or_template} could mean {names} — {hint}", tuple(found))
        return found[0]

    def endpoint(self, item: Endpoint | str | tuple[str, str], region: str | None = None) -> Endpoint:
        """An Endpoint from itself, ``(method, url)``, ``"GET /Invoices"`` or ``"GET:https://..."``.

        Raises EndpointNotFoundError (or AmbiguousEndpointError) saying what to write instead.
        """
        if isinstance(item, Endpoint):
            return item
        if isinstance(item, str):
            text = item.strip()
            # "GET /Invoices", "GET\t/Invoices" or "GET,/Invoices" (two cells of a spreadsheet)
            split = _METHOD_SPLIT.match(text)
            head, sep, rest = (split.group(1), " ", text[split.end():]) if split else (text, "", "")
            # "GET:URL" (the URL may hold spaces in its query: where=Name == "x")
            if (not sep or head.upper() not in _METHODS) and text.split(":", 1)[0].upper() in _METHODS:
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
        if found is None and _broken(url):
            raise EndpointNotFoundError(f"the URL holds a line break or tab: give one URL (two pasted on "
                                        f"two lines?): {url.strip()[:120]!r}")
        if found is None:
            from xero_nb.catalog.nearby import nearby

            odd = non_ascii(method, "the method") or non_ascii(url, "the URL")
            raise EndpointNotFoundError(
                f"no Xero endpoint matches {printable(method.strip().upper())} {printable(url.strip())} "
                f"(catalog of {len(self)} operations, spec {self.spec_version})"
                f"{f'; {odd}' if odd else ''}{nearby(self, method, url.strip(), region)}")
        return found


def _broken(url: object) -> bool:
    """A URL with a line break or tab inside it (not only around it)."""
    return isinstance(url, str) and any(c in url.strip() for c in "\r\n\t")


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
