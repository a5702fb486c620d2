"""The API route table, precomputed once from the catalog: path matching and required scopes."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import urlsplit

from xero_nb.catalog.index import Catalog, load_catalog
from xero_nb.catalog.scopes import ERAS, required_scopes
from xero_nb.models import Endpoint

# What an Invoice-only user may reach (Xero's "Invoice only" role: sales and the lists they need).
INVOICE_ONLY_PATHS = ("/invoices", "/contacts", "/items", "/organisation", "/currencies",
                      "/taxrates", "/brandingthemes", "/contactgroups")


@dataclass(frozen=True, slots=True)
class Route:
    """One catalog endpoint as the router sees it: its any-of scopes per era, and more.

    What the API's checks ask of it is worked out once: its API, payroll region, whether it
    writes, is a report, or is open to an Invoice-only user.
    """

    endpoint: Endpoint
    required: dict[str, frozenset[str]]  # era -> any-of scopes
    api: str = ""
    region: str | None = None
    write: bool = False
    report: bool = False
    invoice_only: bool = False

    @classmethod
    def of(cls, ep: Endpoint) -> Route:
        """The route of a catalog endpoint."""
        accounting = ep.api == "accounting"
        return cls(ep, {era: required_scopes(ep, era) for era in ERAS}, ep.api,
                   ep.payroll_region, ep.is_write, accounting and ep.path.startswith("/Reports"),
                   accounting and ep.path.lower().startswith(INVOICE_ONLY_PATHS))


@dataclass(frozen=True, slots=True)
class Match:
    """A route and the path parameters it bound."""

    route: Route
    params: dict[str, str]

    @property
    def endpoint(self) -> Endpoint:
        return self.route.endpoint


class RouteTable:
    """The catalog's own URL matcher (Catalog.match), with per-era scopes and a lookup cache."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self._routes = {
            ep.key: Route.of(ep)
            for ep in catalog if ep.api != "identity"  # /connections is the identity module's
        }
        self.routes = list(self._routes.values())
        self._bases = sorted({urlsplit(r.endpoint.base_url).path.rstrip("/").lower()
                              for r in self.routes}, key=len, reverse=True)
        self._cache: dict[tuple[str, str], list[Match]] = {}
        # base path -> {payroll region (None outside payroll): API}; payroll 2.0 holds three
        self._apis: dict[str, dict[str | None, str]] = {}
        for r in self.routes:
            ep = r.endpoint
            base = urlsplit(ep.base_url).path.rstrip("/").lower()
            self._apis.setdefault(base, {}).setdefault(ep.payroll_region, ep.api)

    def is_api_path(self, path: str) -> bool:
        """True if ``path`` lies under one of the API base paths."""
        low = path.lower()
        return any(low == b or low.startswith(b + "/") for b in self._bases)

    def api_of(self, path: str, region: str | None = None) -> str | None:
        """The API whose base path holds ``path`` (None: none does).

        The payroll 2.0 base is shared by the AU, NZ and UK payroll APIs: the organisation's
        ``region`` picks one, and without it NZ stands for them (NZ and UK answer alike).
        """
        low = path.lower()
        for base in self._bases:
            if low == base or low.startswith(base + "/"):
                apis = self._apis[base]
                return apis.get(region) or apis.get("NZ") or next(iter(apis.values()))
        return None

    def match(self, method: str, path: str) -> list[Match]:
        """The best route per API for this call (several only on the shared payroll 2.0 URLs)."""
        key = (method, path)
        hit = self._cache.get(key)
        if hit is None:
            hit = self._match(method, path) if self.is_api_path(path) else []
            if len(self._cache) > 20000:  # bounded: ids in paths make the key space open
                self._cache.clear()
            self._cache[key] = hit
        return hit

    def _match(self, method: str, path: str) -> list[Match]:
        return [Match(self._routes[ep.key], params)
                for ep, params in self.catalog.match(method, path) if ep.key in self._routes]

    def path_exists(self, path: str) -> bool:
        """True if some method serves this path (so a wrong method is 405, not 404)."""
        return any(self.match(m, path) for m in ("GET", "POST", "PUT", "DELETE", "PATCH"))


@lru_cache(maxsize=1)
def route_table() -> RouteTable:
    """The shipped catalog's route table (built once per process)."""
    return RouteTable(load_catalog())
