"""Scope coverage as DataFrames: which endpoints a set of scopes reaches, and what a change does.

>>> df = coverage("accounting.settings.read offline_access", era="broad")
>>> int(df["allowed"].sum()) > 0
True
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd

from xero_nb import markup
from xero_nb.catalog.index import load_catalog
from xero_nb.catalog.scopes import (
    GRANULAR_SCOPES,
    JOURNALS_GATE,
    JOURNALS_SCOPE,
    NOT_IN_SPECS,
    OIDC_SCOPES,
    RESTRICTED_SCOPES,
    check_era,
    deprecation,
    known_scopes,
    mapping,
    narrowest,
    required_scopes,
    restriction,
    scope_reach,
    scope_table,
    scopes_warned,
    unknown_scope_note,
    unreachable,
)
from xero_nb.errors import warn_user
from xero_nb.models import Endpoint

COLUMNS = (
    "api", "tag", "method", "path", "operation_id", "required", "granted_by", "allowed",
    "missing", "restricted", "tenant_header", "write", "source", "confidence", "other_reading", "url",
)
NO_SCOPE = "(no scope grants it)"
# Theme-aware: a status colour from JupyterLab's CSS variables mixed into the page's own
# background (light tints in Light, dark ones in Dark, so the theme's text stays readable); the
# fallbacks (JupyterLab Light's values) serve an exported .html opened anywhere else.
_PAGE = "var(--jp-layout-color1, #ffffff)"
ALLOWED_COLOUR = f"background-color: color-mix(in srgb, var(--jp-success-color1, #388e3c) 20%, {_PAGE})"
BLOCKED_COLOUR = f"background-color: color-mix(in srgb, var(--jp-error-color1, #d32f2f) 20%, {_PAGE})"
GAINED_COLOUR = f"background-color: color-mix(in srgb, var(--jp-success-color1, #388e3c) 38%, {_PAGE})"
LOST_COLOUR = f"background-color: color-mix(in srgb, var(--jp-error-color1, #d32f2f) 38%, {_PAGE})"
# the mapping is disputed or uncertain: not decided
UNSURE_COLOUR = f"background-color: color-mix(in srgb, var(--jp-warn-color1, #f57c00) 22%, {_PAGE})"


@lru_cache(maxsize=8)
def _static(era: str) -> tuple[tuple[Endpoint, ...], tuple[frozenset[str], ...], dict[str, list[Any]]]:
    """The columns that do not depend on the granted scopes, computed once per era."""
    eps = tuple(load_catalog())
    reqs = tuple(required_scopes(ep, era) for ep in eps)
    cols: dict[str, list[Any]] = {
        "api": [ep.api for ep in eps],
        "tag": [ep.tag for ep in eps],
        "method": [ep.method for ep in eps],
        "path": [ep.path for ep in eps],
        "url": [ep.url for ep in eps],
        "operation_id": [ep.operation_id for ep in eps],
        "required": [" | ".join(sorted(r)) if r else NO_SCOPE if unreachable(ep, era)
                     else "(any valid token)" for ep, r in zip(eps, reqs, strict=True)],
        "reachable": [not unreachable(ep, era) for ep in eps],
        "restricted": [restriction(ep, era) or deprecation(ep, era) or "" for ep in eps],
        "tenant_header": [ep.tenant_header for ep in eps],
        "write": [ep.is_write for ep in eps],
        "narrowest": [narrowest(ep, era) or "" for ep in eps],
        "mapping": [mapping(ep, era) for ep in eps],
    }
    return eps, reqs, cols


def _granted_set(granted: Any) -> frozenset[str]:
    """The scope names given; one the catalog does not know is carried with a warning that names
    the near miss, never a refusal of the whole table (a newer scope in a real token)."""
    return granted if isinstance(granted, frozenset) else scopes_warned(granted)


def coverage(granted: Any = (), era: str = "broad") -> pd.DataFrame:
    """One row per endpoint: what it requires (any one of), which granted scope grants it, allowed."""
    era = check_era(era)
    have = _granted_set(granted)
    _eps, reqs, static = _static(era)
    idle = sorted((have & GRANULAR_SCOPES) - set().union(*reqs)) if era == "broad" else []
    if idle:  # the default era judges the 2026 scopes as granting nothing: say so
        warn_user(f"{', '.join(idle[:3])}{' and more' if len(idle) > 3 else ''}: granular scopes "
                  "grant nothing in the broad era; pass era='mixed' (an app created before 2 Mar "
                  "2026) or era='granular' (one created since)")
    granted_by = []
    allowed = []
    for req, reachable in zip(reqs, static["reachable"], strict=True):
        hit = req & have
        granted_by.append(" ".join(sorted(hit)))
        allowed.append(reachable and (not req or bool(hit)))
    missing = ["" if ok else n for ok, n in zip(allowed, static["narrowest"], strict=True)]
    data = {
        "api": static["api"], "tag": static["tag"], "method": static["method"],
        "path": static["path"], "operation_id": static["operation_id"],
        "required": static["required"], "granted_by": granted_by, "allowed": allowed,
        "missing": missing, "restricted": static["restricted"],
        "tenant_header": static["tenant_header"], "write": static["write"],
        "source": [m[0] for m in static["mapping"]], "confidence": [m[1] for m in static["mapping"]],
        "other_reading": [m[2] for m in static["mapping"]],
        "url": static["url"],  # (the path alone is several APIs' /Employees: the export stands alone)
    }
    frame = pd.DataFrame(data, columns=list(COLUMNS))
    frame.attrs["notes"] = coverage_notes(have, era)
    return frame


def coverage_notes(granted: Any = (), era: str = "broad") -> list[str]:
    """What a coverage table cannot show (``coverage()`` puts it in ``frame.attrs["notes"]``):
    no scopes given, a scope that grants nothing in this era (and why), or a scope none of whose
    endpoints is in the catalog (Xero documents it; its OpenAPI specs describe no operation)."""
    era = check_era(era)
    have = _granted_set(granted)
    if not have:
        return ["no scopes were given: every endpoint shows as refused"]
    reach, anywhere, known, info = scope_reach(era), scope_reach("mixed"), known_scopes(), scope_table()
    notes = []
    for s in sorted(have - OIDC_SCOPES):
        if reach.get(s):
            continue
        if anywhere.get(s) and s in GRANULAR_SCOPES:
            notes.append(f"{s} allows nothing in the {era} era: it is a 2026 granular scope; pass "
                         "era='mixed' (an app created before 2 Mar 2026) or era='granular'")
        elif anywhere.get(s):
            notes.append(f"{s} allows nothing in the {era} era: it is a deprecated broad scope, "
                         "which grants nothing to an app created from 2 Mar 2026 (era='mixed' "
                         "if the app is older)")
        elif s not in known:
            notes.append(unknown_scope_note(s))
        elif s in info and info[s].status == "non-tenanted":
            # app.connections, marketplace.billing: for a client-credentials token's calls outside
            # any organisation; the specs list those calls (GET /connections) with no scope
            notes.append(f"{s} is for a client-credentials token's calls outside any organisation "
                         f"({', '.join(info[s].resources)}): the specs list them with no scope (a "
                         "user's token needs none), so it is carried, not judged")
        elif s in info and not info[s].source.startswith("Xero"):  # workflowmax.read: not on Xero's page
            notes.append(f"{s} allows no endpoint in the catalog: it is not on Xero's scopes page (seen "
                         f"in {info[s].source}), and the OpenAPI specs describe none of its operations; it "
                         "is carried, not judged")
        else:
            notes.append(f"{s} allows no endpoint in the catalog: Xero documents the scope, but its "
                         "OpenAPI specs describe none of its operations; it is carried, not judged")
    return notes


def _not_in_specs(info: Any) -> str:
    """The note of a scope no spec operation uses: Xero's own, or only seen elsewhere."""
    if info.source.startswith("Xero"):
        return NOT_IN_SPECS
    return f"not on Xero's scopes page (seen in {info.source})"


def endpoints_of(frame: pd.DataFrame) -> list[Endpoint]:
    """The catalog endpoints behind the rows of a coverage frame."""
    cat = load_catalog()
    return [cat.get(a, o) for a, o in zip(frame["api"], frame["operation_id"], strict=True)]


def api_summary(granted: Any = (), era: str = "broad") -> pd.DataFrame:
    """Per API: endpoints allowed, blocked, total and the share allowed."""
    df = coverage(granted, era)
    out = df.groupby("api")["allowed"].agg(allowed="sum", total="count")
    out["blocked"] = out["total"] - out["allowed"]
    out["share"] = (out["allowed"] / out["total"]).round(3)
    return out[["allowed", "blocked", "total", "share"]].reset_index()


def scope_summary(granted: Any = (), era: str = "broad") -> pd.DataFrame:
    """Per scope x API: how many endpoints each scope unlocks, and whether the token holds it."""
    era = check_era(era)
    have = _granted_set(granted)
    eps, reqs, _ = _static(era)
    counts: dict[tuple[str, str], int] = {}
    for ep, req in zip(eps, reqs, strict=True):
        for s in req:
            counts[(s, ep.api)] = counts.get((s, ep.api), 0) + 1
    long = pd.DataFrame(
        [(s, a, n) for (s, a), n in counts.items()], columns=["scope", "api", "endpoints"]
    )
    table = long.pivot_table(index="scope", columns="api", values="endpoints", fill_value=0)
    table.columns.name = None
    table = table.astype(int)
    info = scope_table()
    # Scopes Xero documents that no operation here uses: shown, never an error.
    extra = sorted(s for s, i in info.items() if not i.in_specs and s not in table.index)
    if extra:
        table = pd.concat([table, pd.DataFrame(0, index=pd.Index(extra, name="scope"),
                                               columns=table.columns)])
    table["total"] = table.sum(axis=1)
    table.insert(0, "granted", [s in have for s in table.index])
    table["status"] = [info[s].status if s in info else "" for s in table.index]
    table["note"] = [_not_in_specs(info[s]) if s in info and not info[s].in_specs
                     else JOURNALS_GATE if s == JOURNALS_SCOPE else RESTRICTED_SCOPES.get(s, "")
                     for s in table.index]
    table.index.name = "scope"
    return table.reset_index().sort_values(["granted", "total"], ascending=[False, False],
                                           ignore_index=True)


def what_if(granted: Any = (), add: Any = (), remove: Any = (), era: str = "broad") -> pd.DataFrame:
    """Only the rows whose access changes when scopes are added/removed; column ``change``."""
    before = _granted_set(granted)
    after = (before | scopes_warned(add)) - scopes_warned(remove)
    old = coverage(before, era)
    new = coverage(after, era)
    changed = old["allowed"] != new["allowed"]
    out = new[changed].copy()
    out.insert(0, "change", ["gained" if a else "lost" for a in new.loc[changed, "allowed"]])
    out["granted_by_before"] = old.loc[changed, "granted_by"]
    return out.reset_index(drop=True)


def style(frame: pd.DataFrame) -> Any:
    """A pandas Styler colouring allowed/blocked rows (and gained/lost ones from what_if).

    Rows whose mapping is disputed or uncertain get their own colour whatever ``allowed`` says:
    the table does not pick a side silently.
    """

    def colour(row: pd.Series) -> list[str]:
        if "change" in row.index:
            c = GAINED_COLOUR if row["change"] == "gained" else LOST_COLOUR
        elif row.get("confidence", "documented") in ("disputed", "uncertain"):
            c = UNSURE_COLOUR
        elif "allowed" in row.index:
            c = ALLOWED_COLOUR if bool(row["allowed"]) else BLOCKED_COLOUR
        else:
            c = ""
        return [c] * len(row)

    # Styler shows cells and headers unescaped: every one goes through the escaping helper.
    return (frame.style.apply(colour, axis=1).format(markup.text)
            .format_index(markup.text, axis=0).format_index(markup.text, axis=1))


def export(frame: pd.DataFrame, path: str | Path) -> Path:
    """Write a coverage frame to .csv, .xlsx, .html (styled) or .json, chosen by the file's suffix.

    In a CSV, a text cell a spreadsheet would run as a formula (``=``, ``+``, ``-``, ``@``, tab,
    CR first) gets a leading ``'``. An .xlsx holds booleans as TRUE/FALSE and text as text (never a
    formula), with no package beyond the standard library.
    """
    target = Path(path)
    suffix = target.suffix.lower()
    if suffix == ".csv":
        safe = frame.map(markup.csv_cell).rename(columns=lambda c: markup.csv_cell(str(c)))
        safe.to_csv(target, index=False, lineterminator=markup.CSV_LINE_END)
    elif suffix in (".html", ".htm"):
        target.write_text(style(frame).to_html(), encoding="utf-8")
    elif suffix == ".json":
        frame.to_json(target, orient="records", indent=1)
    elif suffix == ".xlsx":
        from xero_nb.spreadsheet import workbook

        target.write_bytes(workbook(frame, target.stem))
    else:
        raise ValueError(f"cannot export to {target.name!r}: use a .csv, .xlsx, .html or .json file name")
    return target


def select(frame: pd.DataFrame, *, api: str | None = None, tag: str | None = None,
           method: str | None = None, text: str | None = None,
           blocked_only: bool = False) -> pd.DataFrame:
    """Filter a coverage frame the way the endpoint browser does."""
    mask = pd.Series(True, index=frame.index)
    if api:
        mask &= frame["api"] == api
    if tag:
        mask &= frame["tag"] == tag
    if method:
        mask &= frame["method"] == method.upper()
    if text:
        t = text.lower()
        mask &= (frame["path"].str.lower().str.contains(t, regex=False)
                 | frame["operation_id"].str.lower().str.contains(t, regex=False)
                 | frame["required"].str.contains(t, regex=False))
    if blocked_only and "allowed" in frame:
        mask &= ~frame["allowed"]
    return frame[mask]


from xero_nb.catalog.privilege import as_endpoints, least_privilege, migration_plan  # noqa: E402

__all__ = [
    "COLUMNS", "api_summary", "as_endpoints", "coverage", "endpoints_of", "export",
    "least_privilege", "migration_plan", "scope_summary", "select", "style", "what_if",
]
