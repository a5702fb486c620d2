"""What the EndpointBrowser does, without widgets: filter the catalog's endpoints, show one."""

from __future__ import annotations

from typing import Any

import pandas as pd

from xero_nb.catalog.frames import select
from xero_nb.catalog.index import load_catalog
from xero_nb.catalog.scopes import (
    ERAS,
    is_allowed,
    mapping,
    narrowest,
    required_scopes,
    restriction,
    unreachable,
)
from xero_nb.models import Endpoint
from xero_nb.widgets.notice import Noticed, guarded
from xero_nb.widgets.scope_state import ScopeState
from xero_nb.widgets.table import TableState

_SHOWN = ("api", "tag", "method", "path", "operation_id", "required", "allowed", "missing",
          "restricted", "confidence", "source")


def endpoint_label(ep: Endpoint) -> str:
    """``GET /Invoices  ·  accounting.getInvoices``: how an endpoint appears in pickers."""
    return f"{ep.method} {ep.path}  ·  {ep.api}.{ep.operation_id}"


class BrowserState(Noticed):
    """Filters over the catalog joined with the shared scope state's coverage."""

    def __init__(self, scopes: ScopeState | None = None, page_size: int = 25) -> None:
        super().__init__()
        self.scopes = scopes if scopes is not None else ScopeState()
        self.api = ""
        self.tag = ""
        self.method = ""
        self.text = ""
        self.blocked_only = False
        self.current: tuple[str, str] | None = None
        self.table = TableState(name="endpoints", page_size=page_size)
        self.scopes.subscribe(lambda what: self.refresh() if what != "selected" else None)
        self.refresh()

    # -- options ---------------------------------------------------------------------
    @property
    def apis(self) -> list[str]:
        return list(load_catalog().apis)

    def tags(self) -> list[str]:
        """The tags of the chosen API (or all)."""
        return sorted({ep.tag for ep in load_catalog() if not self.api or ep.api == self.api})

    # -- actions -----------------------------------------------------------------------
    @guarded
    def set_filters(self, *, api: str | None = None, tag: str | None = None,
                    method: str | None = None, text: str | None = None,
                    blocked_only: bool | None = None) -> None:
        """Change any of the filters; unchanged ones stay."""
        if api is not None:
            if api and api not in self.apis:
                raise ValueError(f"no API {api!r}; APIs: {', '.join(self.apis)}")
            if api != self.api:
                self.tag = ""
            self.api = api
        if tag is not None:
            self.tag = tag
        if method is not None:
            self.method = method.upper()
        if text is not None:
            self.text = text.strip()
        if blocked_only is not None:
            self.blocked_only = bool(blocked_only)
        self.refresh()

    def refresh(self) -> None:
        """Recompute the filtered rows from the what-if coverage."""
        frame = select(self.scopes.coverage(), api=self.api or None, tag=self.tag or None,
                       method=self.method or None, text=self.text or None,
                       blocked_only=self.blocked_only)
        self.table.set_frame(frame[list(_SHOWN)])
        self._notify("rows")

    def rows(self) -> list[tuple[str, str]]:
        """The filtered endpoints' keys, in table order."""
        view = self.table.view()
        return list(zip(view["api"], view["operation_id"], strict=True))

    def options(self, limit: int = 500) -> list[tuple[str, tuple[str, str]]]:
        """(label, key) pairs for a picker over the filtered endpoints."""
        cat = load_catalog()
        return [(endpoint_label(cat.get(*k)), k) for k in self.rows()[:limit]]

    @guarded
    def choose(self, key: tuple[str, str] | None) -> None:
        """Show one endpoint's details."""
        if key is not None:
            load_catalog().get(*key)  # KeyError names near matches
        self.current = tuple(key) if key is not None else None  # type: ignore[assignment]
        self._notify("current")

    @guarded
    def add_current_to_selection(self) -> None:
        """Add the shown endpoint to the selection used for least privilege."""
        if self.current is None:
            raise ValueError("choose an endpoint first")
        self.scopes.add_selected([self.current])
        self.tell(f"{len(self.scopes.selected)} endpoint(s) selected for least privilege", "ok")

    @guarded
    def select_filtered(self) -> None:
        """Make the filtered endpoints the selection used for least privilege."""
        self.scopes.select(self.rows())
        self.tell(f"{len(self.scopes.selected)} endpoint(s) selected for least privilege", "ok")

    @guarded
    def clear_selection(self) -> None:
        self.scopes.select(())
        self.tell("selection cleared", "info")

    # -- display -----------------------------------------------------------------------
    def details(self) -> dict[str, Any] | None:
        """Everything about the shown endpoint: scopes per era, params, restrictions.

        ``allowed``, ``narrowest``, ``restriction`` and ``granted_by`` are reality: the token's
        scopes in the app's own era. While the Scopes tab explores (another era, scopes
        toggled), ``whatif`` holds the same answers for the exploration, labelled as such
        (None otherwise).
        """
        if self.current is None:
            return None
        ep = load_catalog().get(*self.current)
        st = self.scopes
        era = st.token_era
        source, confidence, other = mapping(ep)
        whatif = None
        if st.exploring:
            whatif = {"label": st.whatif_note(), **_answer(ep, st.whatif, st.era)}
        return {
            "endpoint": ep,
            "url": ep.url,
            "required": {e: sorted(required_scopes(ep, e)) for e in ERAS},
            "unreachable": {e: bool(unreachable(ep, e)) for e in ERAS},
            **_answer(ep, st.granted, era),
            "held": sorted(st.granted),
            "whatif": whatif,
            "source": source, "confidence": confidence, "other_reading": other,
            "tenant_header": ep.tenant_header,
            "write": ep.is_write,
            "payroll_region": ep.payroll_region,
            "params": pd.DataFrame(
                [(p.name, p.location, p.type, p.format or "", p.required) for p in ep.params],
                columns=["name", "in", "type", "format", "required"]),
        }


def _answer(ep: Endpoint, have: frozenset[str], era: str) -> dict[str, Any]:
    """Whether ``have`` may call ``ep`` in ``era``, what grants it, what is narrowest."""
    return {
        "era": era,
        "allowed": is_allowed(ep, have, era),
        "narrowest": narrowest(ep, era),
        "granted_by": sorted(required_scopes(ep, era) & have),
        "restriction": restriction(ep, era),
    }
