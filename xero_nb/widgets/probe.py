"""What the ProbePanel does, without widgets: predicted vs observed over chosen tenants."""

from __future__ import annotations

from typing import Any

import pandas as pd

from xero_nb.markup import el, fmt, join
from xero_nb.widgets.background import Background
from xero_nb.widgets.notice import Noticed, guarded
from xero_nb.widgets.scope_state import ScopeState
from xero_nb.widgets.table import TableState

_ROW_COLUMNS = ("tenant", "api", "family", "method", "path", "predicted", "observed", "verdict",
                "cause")


class ProbeState(Background, Noticed):
    """Run ``xero_nb.probe.engine.probe`` for the connection's token, with progress and Cancel."""

    job = "probe"

    def __init__(self, connection: Any = None, scopes: ScopeState | None = None,
                 **probe_options: Any) -> None:
        super().__init__()
        self.connection = connection
        self.scopes = scopes if scopes is not None else getattr(connection, "scopes", None) \
            or ScopeState()
        self.options = probe_options
        self.chosen: tuple[str, ...] = ()
        self.done = 0
        self.total = 0
        self.running = False
        self.report: Any = None
        self.table = TableState(name="probe", page_size=20)
        self._init_background()
        # The token the shown report was probed with: another token (re-consent, sign-out,
        # another app) makes the report out of date, so it goes.
        self._token = getattr(connection, "token", None)
        if hasattr(connection, "subscribe"):
            connection.subscribe(self._on_connection)

    def _on_connection(self, what: str) -> None:
        token = getattr(self.connection, "token", None)
        if what != "token" or token is self._token:
            return
        self._token = token
        if self.report is not None and not self.running:
            self.clear("signed out" if token is None else "the token changed")

    def clear(self, why: str = "") -> None:
        """Forget the last report (its table, grid and progress)."""
        self.report, self.done, self.total = None, 0, 0
        self.table.set_frame(self.frame())
        if why:
            self.tell(f"The last probe was cleared: {why}. Probe again.", "info")
        self._notify("progress")
        self._notify("report")

    def tenant_options(self) -> list[tuple[str, str]]:
        """(name, tenant id) of the connected organisations."""
        return [(t.tenant_name or t.tenant_id, t.tenant_id)
                for t in getattr(self.connection, "tenants", [])]

    def choose(self, tenant_ids: Any) -> None:
        """Probe these tenants (empty: all connected)."""
        self.chosen = tuple(tenant_ids or ())

    @guarded
    def run(self) -> Any:
        """Probe now, in this thread (tests; the widget uses ``start``)."""
        from xero_nb.probe.engine import probe

        conn = self.connection
        if conn is None or getattr(conn, "token", None) is None:
            raise RuntimeError("sign in first (Connect tab)")
        tenants = [t for t in conn.tenants if not self.chosen or t.tenant_id in self.chosen]
        if not tenants:
            raise ValueError("no organisation to probe: connect one first")
        self._cancel.clear()
        self._token = used = conn.token
        self.running, self.done, self.total, self.report = True, 0, 0, None
        self._notify("progress")
        client = conn.client()
        options = dict(self.options)
        if "tier" not in options and getattr(conn, "mode", None) == "simulator":
            # the demo app's developer tier settles which refusals are its known gates (Journals)
            app = getattr(getattr(conn, "sim", None), "apps", {}).get(getattr(conn, "app", None))
            tier = getattr(app, "tier", None)
            if tier:
                options["tier"] = tier
        try:
            # the token's own era (its app's), not the Scopes tab's what-if era: a probe calls Xero
            self.report = probe(client, tenants, era=self.era(), progress=self._progress,
                                cancel=self._cancel, **options)
        finally:
            client.close()
            self.running = False
        if conn.token is not used:  # re-consent or sign-out while probing: not this token's
            self.clear("the token changed while probing")
            return None
        self.table.set_frame(self.frame())
        s = self.report.summary()
        if s.get("cancelled"):  # the bar shows what was probed, not the probes skipped after Cancel
            self.done = sum(1 for r in self.report.results if getattr(r, "call", None) is not None)
            self._notify("progress")
        nothing = self.report.unanswered()  # an outage or a spent day limit: no pass
        self.tell(f"{'Cancelled: ' if s.get('cancelled') else ''}{s['probes']} probes over "
                  f"{s['tenants']} organisation(s) in the app's {self.era()} era, {s['calls']} calls (one "
                  f"per GET endpoint would be {s['get_endpoints']} per organisation); "
                  + (f"{nothing}." if nothing else f"{len(self.report.mismatches())} mismatch(es)"
                     + (f", {len(self.report.gated())} refused by a known gate (tier or plan)"
                        if self.report.gated() else "") + "."),
                  "error" if self.report.mismatches() or nothing else "ok")
        self._notify("report")
        return self.report

    def era(self) -> str:
        """The era a probe judges in: the token's own (its app's), whatever the Scopes tab explores."""
        return getattr(self.connection, "era", None) or self.scopes.token_era

    def _progress(self, done: int, total: int, _result: Any) -> None:
        self.done, self.total = done, total
        self._notify("progress")

    def report_sources(self) -> dict[str, Any]:
        """What the Report button reports: the token, its organisations, era and last probe."""
        conn = self.connection
        out: dict[str, Any] = {"era": self.era()}
        token = getattr(conn, "token", None)
        if token is not None:
            out["token"] = token
            out["tenants"] = list(getattr(conn, "tenants", []) or [])
        if self.report is not None:
            out["probe"] = self.report
        return out

    # -- display -------------------------------------------------------------------------
    def frame(self) -> pd.DataFrame:
        """One row per probe: tenant, API, scope family, predicted, observed, verdict, cause."""
        if self.report is None:
            return pd.DataFrame(columns=list(_ROW_COLUMNS))
        names = {t.tenant_id: t.tenant_name for t in self.report.tenants}
        rows = []
        for r in self.report.results:
            row = r.row() if hasattr(r, "row") else {}
            ep = getattr(r, "endpoint", None)
            rows.append({
                "tenant": names.get(getattr(r, "tenant_id", None) or "", "(token-wide)"),
                # (the row's own label: "payroll_nz or payroll_uk", "no Xero payroll in US")
                "api": row.get("api") or (ep.api if ep is not None else ""),
                "family": getattr(r, "family", row.get("family", "")),
                "method": ep.method if ep is not None else "",
                "path": ep.path if ep is not None else "",
                "predicted": _said(row.get("predicted", getattr(r, "predicted", ""))),
                "observed": row.get("observed", getattr(r, "observed", "")),
                "verdict": getattr(r, "verdict", ""),
                "cause": row.get("cause", getattr(r, "cause", "")) or "",
            })
        return pd.DataFrame(rows, columns=list(_ROW_COLUMNS))

    def grid(self) -> pd.DataFrame:
        """Tenants x API: "agreeing/decided" counts; a refusal by a known gate (tier, plan) agrees
        with the catalog; inconclusive, skipped and other regions' probes are left out."""
        frame = self.frame()
        frame = frame[frame["verdict"].isin(["match", "mismatch", "gated"])].assign(
            agree=lambda f: f["verdict"] != "mismatch")
        if frame.empty:
            return pd.DataFrame()
        g = frame.groupby(["tenant", "api"])["agree"].agg(["sum", "count"])
        g["cell"] = g["sum"].astype(int).astype(str) + "/" + g["count"].astype(str)
        return g["cell"].unstack(fill_value="")

    def grid_html(self) -> str:
        """The tenants x API grid coloured by agreement (green all agree, red any mismatch)."""
        grid = self.grid()
        if grid.empty:
            return ""
        head = join(el("th", str(c)) for c in grid.columns)
        body = []
        for tenant, row in grid.iterrows():
            cells = []
            for value in row:
                kind = ""  # theme-aware tints from render.TABLE_CSS
                if value:
                    ok, n = value.split("/")
                    kind = "xnb-ok" if ok == n else "xnb-no"
                cells.append(el("td", value, class_=kind) if kind else el("td", value))
            body.append(el("tr", el("th", str(tenant)), *cells))
        return el("div", fmt("<table><thead><tr><th>tenant</th>{}</tr></thead><tbody>{}</tbody></table>",
                             head, join(body)), class_="xnb-table xnb-probe-grid")


def _said(predicted: Any) -> Any:
    """A prediction as the table shows it: None (the payroll region is not known) in words."""
    return "unknown region" if predicted is None else predicted
