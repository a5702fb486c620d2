"""The one scope state a ScopeLab shares: era, granted, requested and what-if scopes.

Plain Python (no ipywidgets): panels subscribe and redraw; tests drive it directly.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterable
from typing import Any

import pandas as pd

from xero_nb.catalog.frames import coverage
from xero_nb.catalog.index import load_catalog
from xero_nb.catalog.scopes import (
    DEPRECATED_BROAD,
    ERAS,
    OIDC_SCOPES,
    check_era,
    known_scopes,
    parse_scopes,
    refused_at_authorize,
    required_scopes,
    scope_reach,
    scope_table,
    unknown_scope_note,
)

Listener = Callable[[str], None]

# Groups of the scope toggles, by the API family a scope belongs to.
_GROUPS = (
    ("sign-in", lambda s: s in OIDC_SCOPES),
    ("accounting", lambda s: s.startswith("accounting.")),
    ("payroll", lambda s: s.startswith("payroll.")),
    ("files", lambda s: s.startswith("files")),
    ("projects", lambda s: s.startswith("projects")),
    ("assets", lambda s: s.startswith("assets")),
    ("finance", lambda s: s.startswith("finance.")),
    ("restricted & partner", lambda s: True),
)


def scope_change(before: Iterable[str], after: Iterable[str]) -> str:
    """What a re-consent changed, in words: "added a b; removed c" (or "no scope changed")."""
    old, new = frozenset(before), frozenset(after)
    parts = []
    if new - old:
        parts.append("added " + " ".join(sorted(new - old)))
    if old - new:
        parts.append("removed " + " ".join(sorted(old - new)))
    return "; ".join(parts) or "no scope changed"


def scope_group(scope: str) -> str:
    """The toggle group a scope is shown in."""
    return next(name for name, test in _GROUPS if test(scope))


class ScopeState:
    """Era, granted/requested scopes from the token, and the what-if set being explored."""

    def __init__(self, granted: Any = (), era: str = "broad", requested: Any = None) -> None:
        self.era = check_era(era)
        # The era the token lives in (its app's): gained/lost are measured against it, so
        # switching to "granular" shows what a migration would keep and lose.
        self.token_era = self.era
        self.notes: tuple[str, ...] = ()  # what was given that the catalog does not know
        self.granted: frozenset[str] = self._read(granted)
        self.requested: frozenset[str] = self._read(requested, keep_notes=True) if requested is not None \
            else self.granted
        self.whatif: frozenset[str] = self.granted
        self.selected: tuple[tuple[str, str], ...] = ()
        self._listeners: list[Listener] = []
        self._cache: OrderedDict[tuple[frozenset[str], str], pd.DataFrame] = OrderedDict()

    # -- observers ----------------------------------------------------------------
    def subscribe(self, listener: Listener) -> None:
        """Call ``listener(what)`` after each change (what: era, granted, whatif, selected)."""
        self._listeners.append(listener)

    def _notify(self, what: str) -> None:
        for listener in list(self._listeners):
            listener(what)

    # -- changes ------------------------------------------------------------------
    def set_era(self, era: str) -> None:
        """Switch between broad, granular and mixed."""
        era = check_era(era)
        if era != self.era:
            self.era = era
            self._notify("era")

    def set_token_era(self, era: str) -> None:
        """The token's own era (its app's); also switches the explored era to it."""
        self.token_era = era = check_era(era)
        if self.era != era:
            self.era = era
            self._notify("era")
        else:
            self._notify("granted")

    def set_granted(self, granted: Any, requested: Any = None) -> None:
        """A new token: its scopes become granted, and the what-if set starts from them."""
        self.granted = self._read(granted)
        self.requested = self._read(requested, keep_notes=True) if requested is not None else self.granted
        self.whatif = self.granted
        self._notify("granted")

    def _read(self, value: Any, keep_notes: bool = False) -> frozenset[str]:
        """The scope names in ``value``: one the catalog does not know is carried and noted (a real
        token may hold a scope newer than the specs, or a typo the note names); a value shaped like
        a token or secret is left out, never shown. An unreadable list raises (ScopeTextError)."""
        from xero_nb.diagnose.context import scope_values  # (the diagnosis package: loaded when used)

        names, alien = scope_values(value)
        known = known_scopes()
        notes = [unknown_scope_note(n) for n in sorted(names - known)]
        if alien:
            notes.append(f"{alien} value(s) shaped like a token or secret, not a scope name, were left "
                         "out (not shown)")
        self.notes = (*self.notes, *notes) if keep_notes else tuple(notes)
        return names

    def toggle(self, scope: str, on: bool | None = None) -> None:
        """Add ``scope`` to the what-if set, or remove it (``on`` None flips it)."""
        # strict: a name typed to toggle that Xero does not have is refused with its "did you mean"
        # (a token's own scopes, and plans, are carried whatever they hold)
        name = next(iter(parse_scopes([scope])))
        want = (name not in self.whatif) if on is None else bool(on)
        new = self.whatif | {name} if want else self.whatif - {name}
        if new != self.whatif:
            self.whatif = new
            self._notify("whatif")

    def set_whatif(self, scopes: Any) -> None:
        """Replace the what-if set (e.g. with a least-privilege or migration result)."""
        new = parse_scopes(scopes, strict=False)
        if new != self.whatif:
            self.whatif = new
            self._notify("whatif")

    def reset(self) -> None:
        """Back to the token's scopes and the token's own era."""
        self.set_whatif(self.granted)
        self.set_era(self.token_era)

    def select(self, keys: Iterable[tuple[str, str]]) -> None:
        """The endpoints chosen in the browser, as ``(api, operation_id)`` keys."""
        new = tuple(dict.fromkeys((str(a), str(o)) for a, o in keys))
        if new != self.selected:
            self.selected = new
            self._notify("selected")

    def add_selected(self, keys: Iterable[tuple[str, str]]) -> None:
        """Add endpoints to the selection."""
        self.select(self.selected + tuple(keys))

    # -- derived --------------------------------------------------------------------
    @property
    def exploring(self) -> bool:
        """True while the what-if differs from reality (another era, or scopes toggled)."""
        return self.era != self.token_era or self.whatif != self.granted

    def whatif_note(self) -> str:
        """What the what-if explores, in words ("" when it is the token as it is)."""
        if not self.exploring:
            return ""
        parts = []
        if self.era != self.token_era:
            parts.append(f"{self.era} era")
        if self.added:
            parts.append(f"+{len(self.added)} scope(s)")
        if self.removed:
            parts.append(f"-{len(self.removed)} scope(s)")
        return "what-if " + ", ".join(parts)

    @property
    def added(self) -> frozenset[str]:
        return self.whatif - self.granted

    @property
    def removed(self) -> frozenset[str]:
        return self.granted - self.whatif

    def coverage(self, scopes: frozenset[str] | None = None, era: str | None = None
                 ) -> pd.DataFrame:
        """``coverage()`` of the what-if set (or ``scopes``) in this era (or ``era``), cached."""
        key = (self.whatif if scopes is None else scopes, era or self.era)
        hit = self._cache.get(key)
        if hit is None:
            hit = coverage(key[0], key[1])
            self._cache[key] = hit
            if len(self._cache) > 32:
                self._cache.popitem(last=False)
        else:
            self._cache.move_to_end(key)
        return hit

    def compared(self) -> pd.DataFrame:
        """Coverage of the what-if set with ``change`` (gained/lost/"") against the token's."""
        new = self.coverage()
        old = self.coverage(self.granted, self.token_era)
        was, now = old["allowed"].to_numpy(), new["allowed"].to_numpy()
        change = pd.Series("", index=new.index, dtype=object)
        change[now & ~was] = "gained"
        change[was & ~now] = "lost"
        out = new.copy()
        out.insert(0, "change", change)
        return out

    def scope_names(self) -> list[str]:
        """The scopes worth a toggle in this era: those some endpoint needs, OIDC, held ones."""
        reach = scope_reach(self.era)
        names = set(reach) | OIDC_SCOPES | self.granted | self.whatif
        if self.era == "granular":
            names -= DEPRECATED_BROAD - self.granted - self.whatif
        return sorted(names)

    def groups(self) -> dict[str, list[str]]:
        """Scope names by toggle group, in display order."""
        out: dict[str, list[str]] = {name: [] for name, _ in _GROUPS}
        for s in self.scope_names():
            out[scope_group(s)].append(s)
        return {k: v for k, v in out.items() if v}

    @staticmethod
    def describe(scope: str) -> str:
        """What Xero's scopes page says ``scope`` grants ("" when it does not list it)."""
        info = scope_table().get(scope)
        return info.description if info is not None else ""

    def find_scopes(self, query: str) -> list[str]:
        """The toggles' scopes whose name or description holds every word of ``query``."""
        words = query.lower().split()
        return [s for s in self.scope_names()
                if all(w in f"{s} {self.describe(s)}".lower() for w in words)]

    def scope_status(self, scope: str) -> dict[str, Any]:
        """What a toggle shows: granted, requested, on in the what-if set, reach, refusal."""
        return {
            "scope": scope,
            "granted": scope in self.granted,
            "requested": scope in self.requested,
            "on": scope in self.whatif,
            "endpoints": scope_reach(self.era).get(scope, 0),
            "refused": refused_at_authorize(scope, self.era),
            "description": self.describe(scope),
        }

    def selected_endpoints(self) -> list[Any]:
        cat = load_catalog()
        return [cat.get(a, o) for a, o in self.selected]

    def required_for(self, api: str, operation_id: str) -> dict[str, frozenset[str]]:
        """The scopes one endpoint needs, in every era."""
        ep = load_catalog().get(api, operation_id)
        return {era: required_scopes(ep, era) for era in ERAS}
