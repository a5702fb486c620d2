"""What the ScopeExplorer does, without widgets: toggles -> coverage table, summaries, plans."""

from __future__ import annotations

import time
from typing import Any

import pandas as pd

from xero_nb.catalog.frames import least_privilege, migration_plan
from xero_nb.catalog.privilege import least_privilege_notes
from xero_nb.catalog.scopes import DEPRECATED_BROAD, OIDC_SCOPES, refused_at_authorize
from xero_nb.widgets.notice import Noticed, guarded
from xero_nb.widgets.scope_state import ScopeState, scope_change
from xero_nb.widgets.table import TableState

VIEWS = ("all", "changed", "allowed", "blocked")
_SHOWN = ("change", "api", "method", "path", "operation_id", "required", "granted_by",
          "allowed", "missing", "restricted", "confidence", "source")


class ExplorerState(Noticed):
    """Scope toggles over one ScopeState, with the coverage table kept computed.

    ``connection`` (optional) is anything with ``reconsent(scopes)``: the one-click
    "authorize with these scopes" loop.
    """

    def __init__(self, scopes: ScopeState | None = None, connection: Any = None,
                 page_size: int = 25) -> None:
        super().__init__()
        self.scopes = scopes if scopes is not None else ScopeState()
        self.connection = connection
        self.view_mode = "all"
        self.scope_query = ""  # the scope list's search box
        self.table = TableState(name="coverage", page_size=page_size,
                                hidden=("tag", "tenant_header", "write"))
        self.summary = TableState(name="api_summary", page_size=20, key_columns=("api",))
        self.plan_table = TableState(name="migration_plan", page_size=15)
        self.least: frozenset[str] | None = None
        self.full = pd.DataFrame()  # every row, with `change`; set by refresh()
        self.plan: Any = None
        self.last_refresh_ms = 0.0
        self.scopes.subscribe(self._on_scopes)
        # Notices and plans speak of one token ("Re-consented: ..."): another token or a
        # sign-out makes them out of date.
        self._token = getattr(connection, "token", None)
        if hasattr(connection, "subscribe"):
            connection.subscribe(self._on_connection)
        self.refresh()

    # -- reactions -------------------------------------------------------------------
    def _on_scopes(self, what: str) -> None:
        if what in ("era", "granted", "whatif"):
            self.refresh()

    def _on_connection(self, what: str) -> None:
        token = getattr(self.connection, "token", None)
        if what != "token" or token is self._token:
            return
        self._token = token
        self.least, self.plan = None, None
        self.plan_table.set_frame(pd.DataFrame())
        self.notice = ("", "")
        self._notify("notice")

    def refresh(self) -> None:
        """Recompute the coverage and summary tables from the scope state."""
        start = time.perf_counter()
        full = self.scopes.compared()
        self.full = full
        self.table.set_frame(self._select(full)[[c for c in _SHOWN if c in full.columns]])
        self.summary.set_frame(self._summary(full))
        self.last_refresh_ms = (time.perf_counter() - start) * 1000
        self._notify("table")

    def _select(self, full: pd.DataFrame) -> pd.DataFrame:
        if self.view_mode == "changed":
            return full[full["change"] != ""]
        if self.view_mode == "allowed":
            return full[full["allowed"]]
        if self.view_mode == "blocked":
            return full[~full["allowed"]]
        return full

    def _summary(self, full: pd.DataFrame) -> pd.DataFrame:
        flags = pd.DataFrame({"api": full["api"], "allowed": full["allowed"].astype(int),
                              "total": 1, "gained": (full["change"] == "gained").astype(int),
                              "lost": (full["change"] == "lost").astype(int)})
        out = flags.groupby("api", sort=True).sum()
        out.insert(1, "blocked", out["total"] - out["allowed"])
        return out[["allowed", "blocked", "total", "gained", "lost"]].reset_index()

    # -- actions (one per widget handler) --------------------------------------------
    @guarded
    def toggle(self, scope: str, on: bool | None = None) -> None:
        """Turn one scope on or off in the what-if set; the table follows."""
        self.scopes.toggle(scope, on)

    def search_scopes(self, text: str) -> list[str]:
        """Narrow the scope list to names or descriptions holding every word of ``text``."""
        self.scope_query = text.strip()
        self._notify("scope_query")
        return self.scopes.find_scopes(self.scope_query)

    @guarded
    def set_era(self, era: str) -> None:
        """Switch era (broad / granular / mixed)."""
        self.scopes.set_era(era)

    @guarded
    def set_view(self, mode: str) -> None:
        """Show all rows, only changed ones, only allowed or only blocked."""
        if mode not in VIEWS:
            raise ValueError(f"view must be one of {', '.join(VIEWS)}, not {mode!r}")
        self.view_mode = mode
        self.table.page = 0
        self.refresh()

    @guarded
    def reset(self) -> None:
        """Back to the token's scopes and era (the what-if and its notices go)."""
        self.scopes.reset()
        self.least, self.plan = None, None
        self.plan_table.set_frame(pd.DataFrame())
        self.tell(f"Reset to the token: its {len(self.scopes.granted)} scope(s), judged in its own "
                  f"{self.scopes.era} era.", "info")

    @guarded
    def compute_least_privilege(self) -> frozenset[str] | None:
        """The smallest scope set for the selected endpoints (or the allowed ones if none)."""
        eps = self.scopes.selected_endpoints()
        source = "selected endpoints"
        if not eps:
            from xero_nb.catalog.frames import endpoints_of

            eps = endpoints_of(self.full[self.full["allowed"]])
            source = "endpoints the what-if scopes allow"
        self.least = least_privilege(eps, era=self.scopes.era)
        notes = least_privilege_notes(eps, self.least, self.scopes.era)
        self.tell(f"Least privilege for {len(eps)} {source} ({self.scopes.era}): "
                  + (" ".join(sorted(self.least)) or "no scope needed")
                  + "".join(f" — Note: {n}" for n in notes[:4])
                  + (f" (and {len(notes) - 4} more notes)" if len(notes) > 4 else ""), "ok")
        return self.least

    @guarded
    def apply_least_privilege(self) -> None:
        """Put the least-privilege set (plus sign-in scopes held) into the what-if set."""
        if self.least is None:
            self.compute_least_privilege()
        if self.least is not None:
            keep = set(self.scopes.granted & OIDC_SCOPES)
            self.scopes.set_whatif(self.least | keep)

    @guarded
    def compute_migration(self) -> Any:
        """The granular scopes that keep the token's broad access, what is lost, and when."""
        self.plan = migration_plan(self.scopes.whatif or self.scopes.granted)
        self.plan_table.set_frame(self.plan.to_frame())
        lost, gated = len(self.plan.cannot_keep), len(self.plan.tier_gated)
        self.tell(
            "Migration: " + ("request " + " ".join(sorted(self.plan.granular))
                             if self.plan.granular else "nothing to request")
            + "; " + ("drop " + " ".join(sorted(self.plan.drop)) if self.plan.drop
                      else "nothing to drop")
            + (f"; {lost} endpoint(s) cannot be kept" if lost else "")
            + (f"; {gated} kept but tier-gated (Journals: Advanced tier)" if gated else ""), "ok")
        return self.plan

    @guarded
    def apply_migration(self) -> None:
        """Explore the granular era with the migration plan's scopes."""
        if self.plan is None:
            self.compute_migration()
        if self.plan is not None:
            oidc = set(self.scopes.whatif & OIDC_SCOPES)
            self.scopes.set_era("granular")
            self.scopes.set_whatif((self.plan.granular - DEPRECATED_BROAD) | oidc)
            self.tell(f"Granular era with the plan's scopes: {self.headline()} (the lost rows "
                      "are what cannot be kept)", "ok")

    def real_era(self) -> str:
        """The era the connection's app really is in (never the what-if one).

        Live Xero not told its era: guessed from the token's scopes, else "mixed" (in which
        only the restricted scopes are refused).
        """
        era = getattr(self.connection, "real_era", None)
        if era is None and self.connection is None:
            era = self.scopes.token_era
        if era is None:
            from xero_nb.diagnose.context import guess_era

            era = guess_era(self.scopes.granted) or "mixed"
        return str(era)

    def authorize_plan(self) -> tuple[list[str], dict[str, str]]:
        """What Authorize asks for: the what-if scopes the real app may request, and the
        others with why the app's real era refuses them (held scopes are always kept)."""
        era = self.real_era()
        keep, refused = [], {}
        for s in sorted(self.scopes.whatif):
            why = None if s in self.scopes.granted else refused_at_authorize(s, era)
            if why:
                refused[s] = why
            else:
                keep.append(s)
        return keep, refused

    @guarded
    def authorize(self) -> Any:
        """Re-consent with the what-if scopes (the fix loop): new token, new granted scopes.

        Judged in the connection's real era: scopes its app would be refused (a broad scope
        for a granular-era app, a restricted one) are dropped and named in the notice, never
        asked for silently; when nothing obtainable is left to add, nothing is asked.
        """
        if self.connection is None:
            raise RuntimeError("no connection: connect first (Connect tab)")
        era = self.real_era()
        keep, refused = self.authorize_plan()
        dropped = "; ".join(f"{s} ({why})" for s, why in refused.items())
        whatif_era = (f" (the what-if {self.scopes.era} era is an exploration only)"
                      if self.scopes.era != era else "")
        if refused and set(keep) == set(self.scopes.granted):
            raise ValueError(f"nothing to authorize: the app's real {era} era refuses "
                             f"{dropped}{whatif_era}")
        before = self.scopes.granted
        allowed_before = self._allowed_real()
        result = self.connection.reconsent(keep)
        note = (f" Not requested, refused in the app's real {era} era: {dropped}{whatif_era}."
                if refused else "")
        if isinstance(result, str):  # live without loopback: a link to open
            self.tell(f"Open this link, consent, then paste the redirect URL in Connect: {result}"
                      + note, "info")
        elif result is not None:
            self.tell(f"Re-consented: {scope_change(before, self.scopes.granted)}; endpoints "
                      f"allowed in the {era} era {allowed_before} -> {self._allowed_real()}; "
                      "the token now holds " + " ".join(sorted(self.scopes.granted)) + "." + note,
                      "info" if refused else "ok")
        return result

    def _allowed_real(self) -> int:
        return int(self.scopes.coverage(self.scopes.granted, self.real_era())["allowed"].sum())

    def context_note(self) -> str:
        """The connection's warnings from the last sign-in (shown with an error)."""
        note = getattr(self.connection, "context_note", None)
        return note() if callable(note) else ""

    # -- display ----------------------------------------------------------------------
    @property
    def allowed_count(self) -> int:
        """Endpoints the what-if scopes allow in the current era."""
        return int(self.full["allowed"].sum())

    def headline(self) -> str:
        """"212 of 477 allowed (+50 gained, -0 lost) · broad": the line above the table."""
        full = self.full
        gained = int((full["change"] == "gained").sum())
        lost = int((full["change"] == "lost").sum())
        st = self.scopes
        return (f"{int(full['allowed'].sum())} of {len(full)} endpoints allowed "
                f"(+{gained} gained, -{lost} lost vs the token in the {st.token_era} era) "
                f"· era {st.era}")
