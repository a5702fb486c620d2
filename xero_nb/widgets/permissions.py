"""The permissions of one request: each scope that would grant it, and the one to consent to.

Plain Python. Xero's scope lists are any-of: one scope of the list grants the call. Every row
is judged in the app's real era with the token's real scopes (never the Scopes tab's what-if).

>>> from xero_nb.catalog.index import load_catalog
>>> ep = load_catalog().get("accounting", "getInvoices")
>>> fix_scope(ep, "mixed", {"accounting.contacts.read"})
'accounting.invoices.read'
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from xero_nb.catalog.scopes import (
    ERAS,
    is_allowed,
    narrowest,
    refused_at_authorize,
    required_scopes,
    scope_reach,
    scope_table,
)
from xero_nb.models import Endpoint

GRANTED = "granted"
NOT_CONSENTED = "requested, not consented"
NOT_REQUESTED = "not requested"
RESTRICTED = "restricted"
OTHER_ERA = "not available in this era"
STATUSES = (GRANTED, NOT_CONSENTED, NOT_REQUESTED, RESTRICTED, OTHER_ERA)


@dataclass(frozen=True)
class ScopeRow:
    """One scope that would grant the request (in this era or another), and where it stands."""

    scope: str
    description: str
    status: str  # one of STATUSES
    note: str = ""  # why it is restricted, or which eras it grants the request in
    fix: bool = False  # the one the Consent button adds


def _obtainable(ep: Endpoint, era: str) -> list[str]:
    """The scopes that grant ``ep`` in ``era`` and that the app may ask for, narrowest first."""
    need = required_scopes(ep, era)
    first = narrowest(ep, era)
    reach = scope_reach(era)
    return sorted((s for s in need if refused_at_authorize(s, era) is None),
                  key=lambda s: (s != first, not s.endswith(".read") if ep.method == "GET"
                                 else s.endswith(".read"), reach.get(s, 0), s))


def fix_scope(ep: Endpoint, era: str, granted: Iterable[str]) -> str | None:
    """The narrowest scope to add so the app may call ``ep`` (None: allowed already, or none)."""
    held = frozenset(granted)
    if is_allowed(ep, held, era):
        return None
    found = _obtainable(ep, era)
    return found[0] if found else None


def scope_rows(ep: Endpoint, era: str, granted: Iterable[str],
               requested: Iterable[str] | None = None) -> list[ScopeRow]:
    """Every scope that would grant ``ep``: this era's first (any one of them is enough)."""
    held = frozenset(granted)
    asked = frozenset(requested) if requested is not None else held
    info = scope_table()
    fix = fix_scope(ep, era, held)
    here = required_scopes(ep, era)
    rows = []
    for s in _obtainable(ep, era) + sorted(here - set(_obtainable(ep, era))):
        refused = refused_at_authorize(s, era)
        if s in held:
            status, note = GRANTED, ""
        elif refused:
            status, note = RESTRICTED, refused
        elif s in asked:
            status, note = NOT_CONSENTED, "asked for, but the token does not hold it"
        else:
            status, note = NOT_REQUESTED, ""
        rows.append(ScopeRow(s, info[s].description if s in info else "", status, note, s == fix))
    elsewhere: dict[str, list[str]] = {}
    for other in ERAS:
        for s in required_scopes(ep, other) - here:
            elsewhere.setdefault(s, []).append(other)
    for s in sorted(elsewhere):
        rows.append(ScopeRow(s, info[s].description if s in info else "", OTHER_ERA,
                             f"grants it in the {' and '.join(elsewhere[s])} "
                             f"era{'s' if len(elsewhere[s]) > 1 else ''}, not in {era}"))
    return rows
