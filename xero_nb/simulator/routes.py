"""The API route table, precomputed once from the catalog: path matching and required scopes."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import unquote, urlsplit

from xero_nb.catalog import Catalog, load_catalog
from xero_nb.models import Endpoint
from xero_nb.scopes import ERAS, required_scopes

_GUID = re.compile(r"^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$")


@dataclass(frozen=True, slots=True)
class Route:
    """One catalog endpoint as the router sees it."""

    endpoint: Endpoint
    segments: tuple[str | None, ...]  # lower-cased literals; None for a {param}
    names: tuple[str, ...]  # parameter names, in order
    id_like: tuple[bool, ...]  # per parameter: does its name end in ID/Id?
    required: dict[str, frozenset[str]]  # era -> any-of scopes

    def params(self, segs: list[str]) -> dict[str, str]:
        """The path parameters' values."""
        vals = [s for s, t in zip(segs, self.segments, strict=True) if t is None]
        return dict(zip(self.names, vals, strict=True))


@dataclass(frozen=True, slots=True)
class Match:
    """A route and the path parameters it bound."""

    route: Route
    params: dict[str, str]

    @property
    def endpoint(self) -> Endpoint:
        return self.route.endpoint


class RouteTable:
    """Routes grouped by base path, method and segment count, so a lookup scores few templates."""

    def __init__(self, catalog: Catalog) -> None:
        groups: dict[str, dict[tuple[str, int], list[Route]]] = {}
        for ep in catalog:
            if ep.api == "identity":
                continue  # /connections is served by the identity module
            base = urlsplit(ep.base_url).path.rstrip("/").lower()
            raw = [s for s in ep.path.split("/") if s]
            segs = tuple(None if s.startswith("{") else s.lower() for s in raw)
            names = tuple(s[1:-1] for s in raw if s.startswith("{"))
            route = Route(ep, segs, names, tuple(n.endswith(("ID", "Id", "id")) for n in names),
                          {era: required_scopes(ep, era) for era in ERAS})
            groups.setdefault(base, {}).setdefault((ep.method, len(segs)), []).append(route)
        self._bases = sorted(groups.items(), key=lambda kv: -len(kv[0]))
        self.routes = [r for _, g in self._bases for rs in g.values() for r in rs]
        self._cache: dict[tuple[str, str], list[Match]] = {}

    def is_api_path(self, path: str) -> bool:
        """True if ``path`` lies under one of the API base paths."""
        low = path.lower()
        return any(low == b or low.startswith(b + "/") for b, _ in self._bases)

    def match(self, method: str, path: str) -> list[Match]:
        """The best route per API for this call (several only on the shared payroll 2.0 URLs)."""
        key = (method, path)
        hit = self._cache.get(key)
        if hit is None:
            hit = self._match(method, path)
            if len(self._cache) > 20000:  # bounded: ids in paths make the key space open
                self._cache.clear()
            self._cache[key] = hit
        return hit

    def _match(self, method: str, path: str) -> list[Match]:
        low = path.lower()
        for base, group in self._bases:
            if low == base or low.startswith(base + "/"):
                segs = [unquote(s) for s in path[len(base):].split("/") if s]
                lsegs = [s.lower() for s in segs]
                best: dict[str, tuple[tuple[int, ...], Route]] = {}
                for route in group.get((method, len(segs)), ()):
                    score = _score(route, lsegs, segs)
                    if score is None:
                        continue
                    held = best.get(route.endpoint.api)
                    if held is None or score > held[0]:
                        best[route.endpoint.api] = (score, route)
                ranked = sorted(best.values(), key=lambda sr: sr[0], reverse=True)
                return [Match(r, r.params(segs)) for _, r in ranked]
        return []

    def path_exists(self, path: str) -> bool:
        """True if some method serves this path (so a wrong method is 405, not 404)."""
        return any(self.match(m, path) for m in ("GET", "POST", "PUT", "DELETE", "PATCH"))


def _score(route: Route, lsegs: list[str], segs: list[str]) -> tuple[int, ...] | None:
    out = []
    p = 0
    for t, low, raw in zip(route.segments, lsegs, segs, strict=True):
        if t is None:
            out.append(1 if route.id_like[p] == bool(_GUID.match(raw)) else 0)
            p += 1
        elif t == low:
            out.append(3)
        else:
            return None
    return tuple(out)


@lru_cache(maxsize=1)
def route_table() -> RouteTable:
    """The shipped catalog's route table (built once per process)."""
    return RouteTable(load_catalog())
