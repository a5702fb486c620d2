"""The endpoint catalog: every callable Xero operation, loaded from the shipped index.

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
from urllib.parse import unquote, urlsplit

from xero_nb.errors import AmbiguousEndpointError, CatalogError
from xero_nb.models import Endpoint, Param

INDEX_PATH = Path(__file__).parent / "data" / "catalog.json"

_GUID = re.compile(r"^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$")
_REGIONS = {"AU", "NZ", "UK"}


def _endpoints_from_index(index: dict[str, Any]) -> list[Endpoint]:
    apis = index["apis"]
    out = []
    for api, method, path, op_id, tag, scopes, tenant, params in index["endpoints"]:
        meta = apis[api]
        out.append(Endpoint(
            api=api, method=method, path=path, operation_id=op_id, tag=tag,
            scopes=frozenset(scopes), base_url=meta["base_url"], tenant_header=bool(tenant),
            params=tuple(Param(n, loc, typ, bool(req), fmt) for n, loc, typ, req, fmt in params),
            spec_version=meta["spec_version"],
        ))
    return out


def _is_param(segment: str) -> bool:
    return segment.startswith("{") and segment.endswith("}")


def _id_like_name(name: str) -> bool:
    return name.endswith(("ID", "Id", "id"))


class Catalog:
    """An immutable, iterable set of endpoints with URL lookup."""

    def __init__(self, endpoints: Iterable[Endpoint], spec_version: str = "") -> None:
        self._endpoints = tuple(endpoints)
        self.spec_version = spec_version
        self._by_key = {ep.key: ep for ep in self._endpoints}
        # base path ("/api.xro/2.0") -> apis served there, longest first for prefix matching
        bases: dict[str, set[str]] = {}
        for ep in self._endpoints:
            bases.setdefault(urlsplit(ep.base_url).path.rstrip("/").lower(), set()).add(ep.api)
        self._bases = sorted(bases.items(), key=lambda kv: -len(kv[0]))
        self._segments: dict[str, list[tuple[Endpoint, tuple[str, ...]]]] = {}
        for ep in self._endpoints:
            segs = tuple(s for s in ep.path.split("/") if s)
            self._segments.setdefault(ep.method, []).append((ep, segs))

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
        method = method.upper()
        rel_paths = self._relative_paths(url_or_template)
        best: dict[str, tuple[tuple[int, ...], Endpoint]] = {}
        for apis, rel in rel_paths:
            segs = [unquote(s) for s in rel.split("/") if s]
            for ep, tsegs in self._segments.get(method, ()):
                if apis is not None and ep.api not in apis:
                    continue
                score = self._score(tsegs, segs)
                if score is None:
                    continue
                held = best.get(ep.api)
                if held is None or score > held[0]:
                    best[ep.api] = (score, ep)
        ranked = sorted(best.values(), key=lambda se: se[0], reverse=True)
        return [ep for _, ep in ranked]

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
            raise AmbiguousEndpointError(
                f"{method.upper()} {url_or_template} means different endpoints by payroll region: "
                + ", ".join(f"{ep.api}.{ep.operation_id} ({ep.payroll_region})" for ep in found)
                + " — pass region='AU', 'NZ' or 'UK' (the organisation's country)"
            )
        return found[0]

    def _relative_paths(self, text: str) -> list[tuple[set[str] | None, str]]:
        """Split a URL or template into (apis it can belong to, path under that API's base)."""
        text = text.strip()
        parts = urlsplit(text)
        path = parts.path if (parts.scheme or text.startswith("/")) else "/" + parts.path
        low = path.lower().rstrip("/")
        out: list[tuple[set[str] | None, str]] = []
        for base, apis in self._bases:
            if base and (low == base or low.startswith(base + "/")):
                out.append((apis, path[len(base):]))
                break
        # A bare template such as "/Invoices" may belong to any API; so may an identity path.
        for base, apis in self._bases:
            if not base:
                out.append((apis, path))
        if not out or not parts.scheme:
            out.append((None, path))
        return out

    @staticmethod
    def _score(tsegs: tuple[str, ...], segs: list[str]) -> tuple[int, ...] | None:
        if len(tsegs) != len(segs):
            return None
        score = []
        for t, s in zip(tsegs, segs, strict=True):
            if _is_param(t):
                if _is_param(s):
                    score.append(2 if s[1:-1].lower() == t[1:-1].lower() else 1)
                    continue
                # Literal segments beat parameters; among parameters, an id-shaped value
                # prefers an ...ID parameter and any other value a ...Number/FileName one.
                score.append(1 if _id_like_name(t[1:-1]) == bool(_GUID.match(s)) else 0)
            elif t.lower() == s.lower():
                score.append(3)
            else:
                return None
        return tuple(score)


@lru_cache(maxsize=1)
def _shipped() -> Catalog:
    try:
        index = json.loads(INDEX_PATH.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise CatalogError(
            f"the shipped catalog {INDEX_PATH} is unreadable ({exc}); reinstall xero-nb"
        ) from exc
    return Catalog(_endpoints_from_index(index), index.get("spec_version", ""))


def load_catalog(spec_dir: str | Path | None = None) -> Catalog:
    """The shipped catalog, or one built at run time from a folder of newer Xero specs."""
    if spec_dir is None:
        return _shipped()
    from xero_nb.catalog_build import build_index

    index = build_index(spec_dir)
    return Catalog(_endpoints_from_index(index), index["spec_version"])
