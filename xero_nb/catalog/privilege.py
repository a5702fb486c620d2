"""Least privilege and the move to granular scopes: which scopes to ask for, and no more.

>>> sorted(least_privilege(["GET /Invoices", "GET /Accounts"], era="granular"))
['accounting.invoices.read', 'accounting.settings.read']
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from itertools import combinations
from typing import Any

from xero_nb import facts
from xero_nb.catalog.index import load_catalog
from xero_nb.catalog.scopes import (
    DEPRECATED_BROAD,
    JOURNALS_GATE,
    JOURNALS_SCOPE,
    check_era,
    granular_overlay,
    known_scopes,
    mapping,
    required_scopes,
    restriction,
    scope_reach,
    scope_table,
    scopes_warned,
    shown_name,
    unreachable,
)
from xero_nb.errors import UnreachableEndpointError
from xero_nb.models import Endpoint

# Above this many candidate scopes in one connected group, fall back to a greedy cover.
_EXACT_LIMIT = 18


def as_endpoints(items: Iterable[Any] | str, region: str | None = None) -> list[Endpoint]:
    """Endpoints from Endpoint objects, (method, url) pairs or "METHOD URL" strings (``region``:
    the organisation's country, AU, NZ or UK, for payroll URLs several regions share)."""
    cat = load_catalog()
    if isinstance(items, (str, Endpoint)):
        items = [items]
    return [cat.endpoint(item, region=region) for item in items]


def _cost(chosen: Iterable[str], reach: dict[str, int]) -> tuple[int, int, int]:
    """Fewer scopes first, then fewer read-write scopes, then the narrowest reach."""
    items = list(chosen)
    return (len(items), sum(not s.endswith(".read") for s in items), sum(reach.get(s, 0) for s in items))


def _cover_group(needs: list[frozenset[str]], reach: dict[str, int]) -> frozenset[str]:
    candidates = sorted(set().union(*needs))
    if len(candidates) <= _EXACT_LIMIT:
        for size in range(1, len(candidates) + 1):
            best: tuple[tuple[int, int, int], frozenset[str]] | None = None
            for combo in combinations(candidates, size):
                chosen = frozenset(combo)
                if all(n & chosen for n in needs):
                    key = (_cost(chosen, reach), chosen)
                    if best is None or key[0] < best[0]:
                        best = key
            if best is not None:
                return best[1]
    chosen_set: set[str] = set()
    left = list(needs)
    while left:
        pick = max(candidates, key=lambda s: (sum(s in n for n in left), s.endswith(".read"),
                                              -reach.get(s, 0)))
        chosen_set.add(pick)
        left = [n for n in left if pick not in n]
    return frozenset(chosen_set)


def least_privilege(endpoints: Iterable[Any], era: str = "granular", region: str | None = None
                    ) -> frozenset[str]:
    """The smallest scope set granting every endpoint, read scopes preferred when they suffice.

    Exact (a set cover solved per group of scopes that share endpoints); endpoints any valid
    token may call add nothing. In the mixed era the granular scopes come first: a deprecated
    broad scope (wider, and gone in September 2027) is chosen only for the endpoints no
    granular scope reaches, so two narrow scopes beat one wide one. The granular scopes stay
    beside such a broad scope even where it would grant their calls too: fewer scopes today, but
    when Xero removes it those calls would need a new consent; with them the token keeps them.
    ``least_privilege_notes`` says this where it applies. ``region`` (AU, NZ, UK) settles payroll
    URLs that several regions share (``GET /payroll.xro/2.0/Employees``).

    >>> sorted(least_privilege(["PUT /Receipts", "GET /BankTransfers"], era="mixed"))
    ['accounting.banktransactions.read', 'accounting.transactions']
    """
    era = check_era(era)
    eps = as_endpoints(endpoints, region)
    if era == "mixed":
        now = [ep for ep in eps if not unreachable(ep, "granular")]
        if len(now) < len(eps):
            rest = [ep for ep in eps if unreachable(ep, "granular")]
            return least_privilege(now, "granular") | _least(rest, "mixed")
        return least_privilege(eps, "granular")
    return _least(eps, era)


def least_privilege_notes(endpoints: Iterable[Any], chosen: Iterable[str],
                          era: str = "granular", region: str | None = None) -> list[str]:
    """What a least-privilege set cannot say by itself, one sentence each: the deprecated broad
    scopes in it and why, the granular scopes beside one on purpose, gates and unsettled mappings."""
    era = check_era(era)
    eps = [ep for ep in as_endpoints(endpoints, region) if not unreachable(ep, era)]
    deadline = f"{facts.BROAD_MIGRATION_DEADLINE:%B %Y}"
    notes = sorted({r for ep in eps if (r := restriction(ep, era))})
    for scope in sorted(chosen):
        if scope not in DEPRECATED_BROAD:
            continue
        uses = [f"{ep.method} {ep.path}" for ep in eps
                if scope in required_scopes(ep, era) and unreachable(ep, "granular")]
        if uses:
            notes.append(f"{scope} is a deprecated broad scope, chosen because no granular scope "
                         f"reaches {', '.join(uses[:3])}; Xero removes it by {deadline}")
        rest = [ep for ep in eps if not unreachable(ep, "granular")]
        if uses and era == "mixed" and rest and all(scope in required_scopes(ep, "mixed") for ep in rest):
            notes.append(f"the granular scopes beside {scope} are chosen on purpose: {scope} alone would "
                         f"grant their calls today too, but it goes in {deadline}, and they keep those calls "
                         "then (adding a scope later needs a new consent)")
        elif era == "broad":  # the broad era counts the specs' scopes only
            notes.append(f"{scope} is a deprecated broad scope (the broad era counts only the specs' "
                         f"scopes); Xero removes it by {deadline}: era='mixed' or era='granular' for "
                         "the 2026 scopes that replace it")
    if era != "broad":  # a granular mapping Xero has not settled is said, never hidden
        for ep in eps:
            source, confidence, other = mapping(ep)
            if confidence != "documented":
                notes.append(f"{ep.method} {ep.path}: its granular scope is {confidence} (source: {source}"
                             + (f"; other reading: {other}: request that too to be safe)" if other else ")"))
    return list(dict.fromkeys(notes))  # (each said once)


def _least(eps: list[Endpoint], era: str) -> frozenset[str]:
    """The exact set cover of ``eps`` in ``era``."""
    reach = scope_reach(era)
    gone = [ep for ep in eps if unreachable(ep, era)]
    if gone:
        names = ", ".join(f"{ep.method} {ep.path}" for ep in gone[:5]) + (" ..." if len(gone) > 5 else "")
        raise UnreachableEndpointError(
            f"no scope grants {names} in the {era} era: {unreachable(gone[0], era)}; "
            "leave them out, or plan for the mixed era (era='mixed')")
    needs = list({required_scopes(ep, era) for ep in eps} - {frozenset()})
    # Split into groups of needs connected through shared scopes; each is covered on its own.
    groups: list[tuple[set[str], list[frozenset[str]]]] = []
    for need in needs:
        joined = [g for g in groups if g[0] & need]
        scopes_u, members = set(need), [need]
        for g in joined:
            scopes_u |= g[0]
            members += g[1]
            groups.remove(g)
        groups.append((scopes_u, members))
    out: set[str] = set()
    for _, members in groups:
        out |= _cover_group(members, reach)
    return frozenset(out)


@dataclass(frozen=True, slots=True)
class MigrationPlan:
    """How an app on broad scopes keeps the same access with granular scopes."""

    broad: frozenset[str]
    granular: frozenset[str]
    keep: frozenset[str]
    drop: frozenset[str]
    add: frozenset[str]
    cannot_keep: tuple[tuple[Endpoint, str], ...]
    uncertain: tuple[tuple[Endpoint, str], ...]
    rows: tuple[tuple[Endpoint, str, str], ...]
    dates: tuple[tuple[str, str], ...]
    no_granular: tuple[tuple[Endpoint, str], ...] = ()  # reachable only by a broad scope, until 2027
    # kept: their scope does not change, but from 2 Mar 2026 they answer only on the Advanced tier
    # (Journals), migrated or not
    tier_gated: tuple[tuple[Endpoint, str], ...] = ()
    # names given that the catalog does not know (a typo, a credential pasted among the scopes):
    # left out of the plan, never requested; as a message may show them (masked, cut)
    unknown: tuple[str, ...] = ()

    @property
    def scopes(self) -> frozenset[str]:
        """The scope set to request after migrating."""
        return self.granular

    @property
    def keep_until_deadline(self) -> frozenset[str]:
        """The broad scopes that alone reach the ``no_granular`` endpoints (removal is permanent)."""
        return frozenset(s for ep, _ in self.no_granular for s in required_scopes(ep, "broad")) & self.broad

    def to_frame(self) -> Any:
        """One row per endpoint the app can reach now: broad grant, granular grant, status."""
        import pandas as pd

        cannot = {ep.key: why for ep, why in self.cannot_keep}
        unsure = {ep.key: why for ep, why in self.uncertain}
        none = {ep.key: why for ep, why in self.no_granular}
        gated = {ep.key: why for ep, why in self.tier_gated}
        return pd.DataFrame(
            [(ep.api, ep.method, ep.path, ep.operation_id, before, after,
              "cannot keep" if ep.key in cannot else "no granular scope" if ep.key in none
              else "kept (tier-gated)" if ep.key in gated else "uncertain" if ep.key in unsure else "kept",
              cannot.get(ep.key) or none.get(ep.key) or gated.get(ep.key) or unsure.get(ep.key, ""))
             for ep, before, after in self.rows],
            columns=["api", "method", "path", "operation_id", "broad_scope", "granular_scope",
                     "status", "note"],
        )

    @property
    def request_now(self) -> frozenset[str]:
        """What to request today: the granular set, plus the broad scopes that alone still reach
        endpoints no granular scope does (dropped by the deadline, not before)."""
        return self.granular | self.keep_until_deadline

    def to_markdown(self) -> str:
        deadline = facts.BROAD_MIGRATION_DEADLINE.isoformat()[:7]
        later = self.keep_until_deadline

        def names(scopes: Any) -> str:
            return f"`{' '.join(sorted(scopes))}`" if scopes else "none"

        lines = ["## Migration to granular scopes", "",
                 f"- Request now: {names(self.request_now)}",
                 f"- Drop now (deprecated broad): {names(self.drop - later)}",
                 f"- Drop by {deadline} (the only way to the endpoints below until then): {names(later)}",
                 f"- Add (granular): {names(self.add)}",
                 f"- Cannot keep: {len(self.cannot_keep)} endpoint(s)",
                 f"- Kept, tier-gated: {len(self.tier_gated)} endpoint(s)"
                 + (" (their scope does not change; from 2 Mar 2026 they answer only on the Advanced "
                    "tier, migrated or not)" if self.tier_gated else ""),
                 f"- No granular scope: {len(self.no_granular)} endpoint(s)"
                 + (f" (reachable through {names(later)} until {deadline}, then gone for this app; "
                    "dropping that scope ends them now)" if self.no_granular else ""),
                 f"- Rest on uncertain mappings: {len(self.uncertain)} endpoint(s)"
                 + (f" ({', '.join(f'{ep.method} {ep.path}' for ep, _ in self.uncertain[:6])}"
                    f"{' ...' if len(self.uncertain) > 6 else ''}: see the table's note)"
                    if self.uncertain else "")]
        info = scope_table()
        for scope in sorted(self.add):  # an added scope that is not one of 2026's: why it is asked for
            row = info.get(scope)
            if row is not None and row.status != "new":
                kept = [f"{ep.method} {ep.path}" for ep, _, after in self.rows if scope in after.split()]
                keeps = ", ".join(kept[:3]) or "its endpoints"
                lines.append(f"- `{scope}` is not one of the 2026 scopes ({row.status} on Xero's page: "
                             f"{row.description}); it is added to keep {keeps}"
                             + ("" if len(kept) <= 3 else " ...") + ": leave it out if the app does not "
                             "need that")
        if self.unknown:
            lines.append(f"- Left out, not scopes the catalog knows (check them: a typo is no scope Xero "
                         f"grants): {', '.join(f'`{n}`' for n in self.unknown)}")
        lines += ["", "Dates:"]
        lines += [f"- {d}: {what}" for d, what in self.dates]
        return "\n".join(lines)


def migration_plan(granted_broad: Any) -> MigrationPlan:
    """For an app on broad scopes: granular scopes with the same access, what is at risk, and when.

    Scopes that did not change (settings, contacts, journals, payroll, ...) are kept: removing a
    scope from an existing connection is permanent. Journals stay requested and are listed in
    ``tier_gated``: their scope is unchanged, but from 2 Mar 2026 they answer only on the Advanced
    tier whether or not the app migrates (``cannot_keep`` is left for access the move itself loses).
    """
    given = scopes_warned(granted_broad)  # an unknown name is warned of, and left out of the plan
    broad = given & known_scopes()  # (a typo or a secret is never a scope to request)
    unknown = tuple(sorted({shown_name(n) for n in given - broad}))
    reachable = [ep for ep in load_catalog()
                 if required_scopes(ep, "broad") and required_scopes(ep, "broad") & broad]
    overlay = granular_overlay()
    cannot: list[tuple[Endpoint, str]] = []
    gated: list[tuple[Endpoint, str]] = []
    uncertain: list[tuple[Endpoint, str]] = []
    none: list[tuple[Endpoint, str]] = []
    movable = []
    for ep in reachable:
        if JOURNALS_SCOPE in required_scopes(ep, "granular"):
            gated.append((ep, JOURNALS_GATE + " (the scope stays requested)"))
            continue
        gone = unreachable(ep, "granular")
        if gone:
            none.append((ep, "no granular scope: keep the broad scope until "
                             f"{facts.BROAD_MIGRATION_DEADLINE.isoformat()[:7]}, then these endpoints "
                             "are gone for this app"))
            continue
        movable.append(ep)
        row = overlay.get(ep.key)
        if row is not None and row.confidence == "uncertain":
            uncertain.append((ep, row.note or "mapping not published by Xero"))
    # Only the deprecated broad scopes are replaced; every other scope the app holds is kept.
    granular = set(least_privilege(
        [ep for ep in movable if required_scopes(ep, "broad") & broad <= DEPRECATED_BROAD],
        era="granular"))
    granular |= broad - DEPRECATED_BROAD
    rows = []
    for ep in reachable:
        before = " ".join(sorted(required_scopes(ep, "broad") & broad))
        after = " ".join(sorted(required_scopes(ep, "granular") & granular))
        rows.append((ep, before, after))
    granular_set = frozenset(granular)
    dates = (
        (facts.GRANULAR_APPS_FROM.isoformat(), "apps created from this day get granular scopes only"),
        (facts.GRANULAR_ASSIGNED_FROM.isoformat()[:7],
         "existing apps were assigned the granular scopes too (mixed era; no opt-in)"),
        (facts.GRANULAR_CUSTOM_CONNECTIONS_FROM.isoformat(),
         "custom connections created from this day are granular only, without Journals"),
        (facts.BROAD_MIGRATION_DEADLINE.isoformat()[:7], "older apps must have moved off broad scopes"),
    )
    return MigrationPlan(
        broad=broad, granular=granular_set, keep=frozenset(broad & granular_set),
        drop=frozenset(broad - granular_set), add=frozenset(granular_set - broad),
        cannot_keep=tuple(cannot), uncertain=tuple(uncertain), rows=tuple(rows), dates=dates,
        no_granular=tuple(none), tier_gated=tuple(gated), unknown=unknown,
    )
