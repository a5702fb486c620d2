"""The only module that interprets Xero's scope lists.

Xero's ``OAuth2: [X, X.read]`` means ANY ONE of the listed scopes grants the call (not all,
as a strict OpenAPI reading would have it). Eras decide which scopes count:

- ``broad``: only the scopes the spec lists (the world before March 2026, or a what-if);
- ``granular``: apps from 2 Mar 2026 and custom connections from 29 Apr 2026; the broad
  ``accounting.transactions(.read)`` and ``accounting.reports.read`` grant nothing there;
- ``mixed``: every app created before 2 Mar 2026 today: Xero assigned the granular scopes to
  all existing Web and PKCE apps in March 2026 (no opt-in), so either kind grants, until the
  broad scopes go in September 2027 (docs/xero-facts.md §2b).

Xero's 2026 scopes page (``data/scopes.csv``: every scope with its status, the resources it
names and the source) and the per-operation overlay (``data/granular.csv``: granular scopes,
confidence, source and, where sources disagree, the other reading) are the only inputs.
ExpenseClaims and Receipts have no granular scope at all: no scope reaches them in the
granular era (``unreachable``).

>>> ep = load_catalog().find("GET", "/Invoices")
>>> sorted(required_scopes(ep, era="granular"))
['accounting.invoices', 'accounting.invoices.read']
"""

from __future__ import annotations

import csv
import difflib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from xero_nb.catalog import files
from xero_nb.catalog.index import load_catalog
from xero_nb.catalog.scope_text import scope_names
from xero_nb.errors import AmbiguousEndpointError, UnknownEraError, UnknownScopeError, non_ascii, warn_user
from xero_nb.models import Endpoint

ERAS = ("broad", "granular", "mixed")
OVERLAY_PATH = Path(files.OVERLAY)
SCOPES_PATH = Path(files.SCOPES)
# a scope's standing on Xero's 2026 scopes page ("unlisted": not on the page, seen elsewhere)
STATUSES = ("new", "unchanged", "deprecated", "certification-only", "non-tenanted", "restricted", "unlisted")
NOT_IN_SPECS = "documented by Xero, not in the OpenAPI specs"
NO_GRANULAR = ("no granular scope: Xero lists these only under the deprecated "
               "accounting.transactions, so an app limited to granular scopes cannot call them; "
               "an older app keeps them through the broad scope until September 2027")

OIDC_SCOPES = frozenset({"openid", "profile", "email", "offline_access"})
# Broad scopes that grant nothing to granular-era apps (docs/xero-facts.md §3).
DEPRECATED_BROAD = frozenset(
    {"accounting.transactions", "accounting.transactions.read", "accounting.reports.read"}
)
GRANULAR_FAMILIES = (
    "accounting.invoices", "accounting.payments", "accounting.banktransactions",
    "accounting.manualjournals",
)
GRANULAR_REPORTS = (
    "accounting.reports.aged.read", "accounting.reports.balancesheet.read",
    "accounting.reports.banksummary.read", "accounting.reports.budgetsummary.read",
    "accounting.reports.executivesummary.read", "accounting.reports.profitandloss.read",
    "accounting.reports.trialbalance.read", "accounting.reports.taxreports.read",
)
GRANULAR_SCOPES = frozenset(
    [f for f in GRANULAR_FAMILIES] + [f + ".read" for f in GRANULAR_FAMILIES] + list(GRANULAR_REPORTS)
)

# Why an app may be refused a scope, or an endpoint refused though the scope is held.
RESTRICTED_SCOPES: Mapping[str, str] = {
    "paymentservices": "restricted: Xero must approve the app for payment services",
    "bankfeeds": "closed API: financial-institution partners only",
    "finance.statements.read": "closed API: Finance API partners only",
    "finance.cashvalidation.read": "closed API: Finance API partners only",
    "finance.bankstatementsplus.read": "closed API: Finance API partners only",
    "finance.accountingactivity.read": "closed API: Finance API partners only",
    **{f"practicemanager.{n}{r}": "Practice Manager: partner registration first"
       for n in ("job", "client", "staff", "time") for r in ("", ".read")},
    "marketplace.billing": "App Store partners only (client_credentials grant)",
    "accounting.reports.bankstatement.read": "restricted: Xero grants it only under a signed terms "
                                             "addendum",
}
JOURNALS_SCOPE = "accounting.journals.read"
JOURNALS_GATE = ("Journals need the Advanced tier from 2 Mar 2026 (apps created since then also "
                 "Xero's approval)")


@dataclass(frozen=True, slots=True)
class ScopeInfo:
    """One scope as Xero documents it: status, the resources it names, where we read it."""

    scope: str
    status: str  # one of STATUSES
    resources: tuple[str, ...]
    description: str
    source: str
    in_specs: bool  # False: documented by Xero, but no operation in the OpenAPI specs uses it


def _spec_scopes() -> frozenset[str]:
    return frozenset(s for ep in load_catalog() for s in ep.scopes)


@lru_cache(maxsize=1)
def scope_table() -> dict[str, ScopeInfo]:
    """Every scope Xero documents (its 2026 scopes page, plus the spec's), by name."""
    used = _spec_scopes() | _overlay_scopes()
    with SCOPES_PATH.open(encoding="utf-8", newline="") as fh:
        rows = [ScopeInfo(r["scope"], r["status"], tuple(r["resources"].split()), r["description"],
                          r["source"], r["scope"] in used or r["scope"] in OIDC_SCOPES)
                for r in csv.DictReader(fh)]
    return {r.scope: r for r in rows}


@lru_cache(maxsize=1)
def known_scopes() -> frozenset[str]:
    """Every scope name xero-nb accepts: the spec's and every scope Xero documents."""
    return _spec_scopes() | OIDC_SCOPES | GRANULAR_SCOPES | frozenset(scope_table())


def check_era(era: str) -> str:
    """``era`` as this package names it (``"Granular "`` -> ``"granular"``), else a clear error."""
    name = era.strip().lower() if isinstance(era, str) else era
    if name not in ERAS:
        raise UnknownEraError(f"era must be one of {', '.join(ERAS)}, not {era!r}")
    return name


# Names that third parties use and Xero has no scope for: what to say instead of a near miss.
_NO_EXPENSE_SCOPE = ("ExpenseClaims and Receipts have no granular scope; only the deprecated "
                     "accounting.transactions(.read) reaches them, until Sept 2027")
NOT_A_SCOPE = {
    "accounting.classicexpenses": "not a Xero scope (third parties name it): " + _NO_EXPENSE_SCOPE,
    "accounting.expenseclaims": "not a Xero scope: " + _NO_EXPENSE_SCOPE,
    "accounting.receipts": "not a Xero scope: " + _NO_EXPENSE_SCOPE,
}
# A resource as people write it in a made-up scope name -> as the scopes page names it.
_RESOURCE_WORDS = {"gst": "gstreport", "bas": "basreport", "pnl": "profitandloss",
                   "organization": "organisation", "org": "organisation", "payslip": "payslips",
                   "employee": "employees", "timesheet": "timesheets",
                   # report words people write for the report scopes' own names
                   "tax": "gstreport", "taxes": "gstreport", "vat": "gstreport", "salestax": "gstreport",
                   "budget": "budgetsummary", "agedreceivables": "agedreceivablesbycontact",
                   "agedpayables": "agedpayablesbycontact", "aging": "agedreceivablesbycontact",
                   "1099": "tenninetynine", "ten99": "tenninetynine"}
# a read-only suffix however written: the scopes' own is ".read"
_READ_SUFFIXES = (".readonly", ".read_only", ".read-only", ".ro")
# a bare family, no scope: nothing to guess (accounting: 20 scopes)
_FAMILIES = frozenset({"accounting", "payroll", "finance", "practicemanager", "accounting.reports"})


@lru_cache(maxsize=1)
def _live_scopes() -> tuple[tuple[str, ...], dict[str, tuple[str, ...]], frozenset[str]]:
    """(known scopes that are not deprecated, resource -> the live scopes naming it, resources
    only deprecated scopes reach)."""
    info = scope_table()
    live = tuple(sorted(k for k in known_scopes() if k not in info or info[k].status != "deprecated"))
    by_resource: dict[str, list[str]] = {}
    for k in live:
        for r in info[k].resources if k in info else ():
            by_resource.setdefault(r.lower(), []).append(k)
    dead = frozenset(r.lower() for i in info.values() if i.status == "deprecated"
                     for r in i.resources) - set(by_resource)
    return live, {r: tuple(v) for r, v in by_resource.items()}, dead


def not_a_scope(name: str) -> str | None:
    """What to say of a name third parties use that is no Xero scope (accounting.classicexpenses)."""
    low = name.strip().lower()
    return NOT_A_SCOPE.get(low[:-5] if low.endswith(".read") else low)


def suggest(name: str) -> str | None:
    """The known scope ``name`` was most likely meant to be (for "did you mean"), else None.

    In order: a real scope one letter off (a plural: ``accounting.transaction``, deprecated or
    not); the read-write scope for a ``.write`` guess; a live scope that extends the name
    (``accounting.reports.aged`` -> ``.aged.read``); the live scope of the same family whose
    resources include a word of the name (``accounting.quotes.read`` -> ``accounting.invoices.read``,
    ``.gst.`` -> taxreports); else the closest spelling among live scopes. Deprecated broad scopes
    are never suggested (they grant nothing to a new app), nor is anything for a name of a resource
    only they reach (Receipts) or a name that is no Xero scope (accounting.classicexpenses).
    """
    low = name.strip().lower()
    known = known_scopes()
    if low in known:
        return low
    if not_a_scope(low) or low in _FAMILIES:
        return None
    for suffix in _READ_SUFFIXES:
        if low.endswith(suffix):
            low = low.removesuffix(suffix) + ".read"
            if low in known:
                return low
    if low.endswith(".read") and low[:-5] in known:  # no read-only variant (paymentservices, einvoicing)
        return low[:-5]
    live, by_resource, dead = _live_scopes()
    for plural in (low + "s", low.removesuffix("s"), low.replace(".read", "s.read", 1)):
        if plural in known:  # one letter off a real scope, deprecated or not (accounting.transaction)
            return plural
    if low.endswith(".write") and low[:-6] in known:
        return low[:-6]
    longer = sorted((k for k in live if k.startswith(low + ".")), key=len)
    if longer:
        return longer[0]
    parts = low.split(".")
    reading = parts[-1] == "read"
    words = [_RESOURCE_WORDS.get(w, w) for w in parts[1:] if w not in ("read", "write")]
    for word in words:
        for form in (word, word + "s", word.removesuffix("s")):
            if form in dead:
                return None  # only a deprecated scope reaches it: no live scope to offer
            named = [k for k in by_resource.get(form, ()) if k.split(".")[0] == parts[0]]
            if named:
                fit = [k for k in named if k.endswith(".read") == reading] or named
                return min(fit, key=len)
    # a misspelling: the same family and access, its middle part spelt nearly alike (settngs ->
    # settings; not widgets -> budgets, which only share the letters around them)
    family, _, rest = low.partition(".")
    families = {k.partition(".")[0] for k in live if "." in k}
    if rest and family not in families:  # the family misspelt (acounting.settings)
        fixed = difflib.get_close_matches(family, sorted(families), n=1, cutoff=0.75)
        return suggest(f"{fixed[0]}.{rest}") if fixed else None
    middle = rest.removesuffix(".read")
    alike = {k.partition(".")[2].removesuffix(".read"): k for k in live
             if k.partition(".")[0] == family and k.endswith(".read") == reading}
    near = difflib.get_close_matches(middle, sorted(alike), n=1, cutoff=0.75) if middle else []
    if near:
        return alike[near[0]]
    near = difflib.get_close_matches(low, live, n=1, cutoff=0.75) if not rest else []
    if near:
        return near[0]  # one word (openid, email, assets, files, projects)
    started = sorted((k for k in live if k.startswith(low)), key=len)  # offline -> offline_access
    return started[0] if started else None


def parse_scopes(granted: Any, *, strict: bool = True) -> frozenset[str]:
    """Normalise anything scope-like to a frozenset of names.

    Accepts a list, a space-separated string (token endpoint), a JSON array string (JWT
    ``scope`` claim), a token response dict, a Token, or a JWT. Unknown names raise
    UnknownScopeError naming the closest known scope, unless ``strict=False``.
    """
    names = frozenset(n.strip() for n in scope_names(granted) if n.strip())
    if strict:
        known = known_scopes()
        for name in sorted(names):
            if name not in known:
                raise UnknownScopeError(name, suggest(name), not_a_scope(name))
    return names


def unknown_scope_note(name: str) -> str:
    """What to say of a scope name the catalog does not know, when it is carried rather than
    refused: the near miss (or why it is no scope), and that it grants nothing here. A name shaped
    like a credential (a token pasted where scopes go) is masked."""
    from xero_nb.redact import said_safely

    near, why = suggest(name), not_a_scope(name)
    said = [f'did you mean "{near}"?' if near else why or "", non_ascii(name, "it") or ""]
    hint = f" ({'; '.join(p for p in said if p)})" if any(said) else ""
    return said_safely(f'"{shown_name(name)}" is not a scope the catalog knows{hint}: it is carried, and '
                       "grants nothing here")


SHOWN_NAME = 80  # a name longer than this is cut where it is echoed (a paste of a whole file)


def shown_name(name: str) -> str:
    """A scope name as a message may echo it: control characters escaped (no terminal sequence
    runs), cut to ``SHOWN_NAME`` characters, any credential masked."""
    from xero_nb.errors import printable
    from xero_nb.redact import said_safely

    text = printable(name)
    cut = f"{text[:SHOWN_NAME]}... ({len(name):,} characters)" if len(text) > SHOWN_NAME else text
    return said_safely(cut)


def scopes_noted(value: Any) -> tuple[frozenset[str], list[str]]:
    """(the scope names in ``value``, a note for each the catalog does not know): for APIs that
    judge scopes and must not refuse a whole table for one unknown name (a newer scope in a real
    token, a typo, which the note names)."""
    names = parse_scopes(value, strict=False)
    known = known_scopes()
    return names, [unknown_scope_note(n) for n in sorted(names) if n not in known]


def scopes_warned(value: Any) -> frozenset[str]:
    """``scopes_noted``'s names, each note given as a warning at the caller's line."""
    names, notes = scopes_noted(value)
    for note in notes:
        warn_user(note)
    return names


@dataclass(frozen=True, slots=True)
class OverlayRow:
    """One curated broad -> granular mapping: how sure we are, whose word, and any other reading."""

    api: str
    method: str
    path: str
    operation_id: str
    granular: frozenset[str]  # empty: no granular scope reaches this operation
    confidence: str  # "documented", "disputed" or "uncertain"
    source: str
    other_reading: str  # what a disagreeing source says ("" when none)
    note: str


@lru_cache(maxsize=1)
def granular_overlay() -> dict[tuple[str, str], OverlayRow]:
    """The curated granular table, keyed ``(api, operation_id)``."""
    with OVERLAY_PATH.open(encoding="utf-8", newline="") as fh:
        rows = [
            OverlayRow(r["api"], r["method"], r["path"], r["operation_id"],
                       frozenset(r["granular_scopes"].split()), r["confidence"], r["source"],
                       r["other_reading"], r["note"])
            for r in csv.DictReader(fh)
        ]
    return {(r.api, r.operation_id): r for r in rows}


def _overlay_scopes() -> frozenset[str]:
    return frozenset(s for row in granular_overlay().values() for s in row.granular)


def _granular(ep: Endpoint) -> frozenset[str]:
    row = granular_overlay().get(ep.key)
    if row is not None:
        return row.granular
    return frozenset(s for s in ep.scopes if s not in DEPRECATED_BROAD)


def unreachable(ep: Endpoint | str, era: str = "broad") -> str | None:
    """Why no scope at all grants ``ep`` in ``era`` (None: some scope does, or none is needed)."""
    ep = _ep(ep)
    if check_era(era) == "granular" and ep.scopes and not _granular(ep):
        return NO_GRANULAR
    return None


def mapping(ep: Endpoint | str, era: str | None = None) -> tuple[str, str, str]:
    """``(source, confidence, other reading)`` of ``ep``'s scopes, for every table to show.

    The spec's own list where the overlay has no row; Xero's page, a third party or an
    assumption where it has; ``disputed`` rows carry the reading of the source that disagrees.
    In the broad era (``era="broad"``) the scopes are the spec's own: an overlay row counts there
    only when it disputes the spec's own reading (not when it is about the 2026 scopes alone).
    """
    ep = _ep(ep)
    row = granular_overlay().get(ep.key)
    if row is not None and (era != "broad" or row.confidence == "disputed"):
        return row.source, row.confidence, row.other_reading
    if ep.source != "spec":
        return ep.source, "documented", ""
    return "spec v16.1.0", "documented", ""


@lru_cache(maxsize=4096)
def _required(ep: Endpoint, era: str) -> frozenset[str]:
    if era == "broad":
        return ep.scopes
    if era == "granular":
        return _granular(ep)
    return ep.scopes | _granular(ep)


def _ep(ep: Endpoint | str) -> Endpoint:
    return ep if isinstance(ep, Endpoint) else load_catalog().endpoint(ep)


def required_scopes(ep: Endpoint | str, era: str = "broad") -> frozenset[str]:
    """The scopes any ONE of which grants ``ep`` in ``era`` (empty: any valid token).

    ``ep`` is an Endpoint or a string such as ``"GET /Invoices"``.
    """
    return _required(_ep(ep), check_era(era))


def granted_by(ep: Endpoint | str, granted: Any, era: str = "broad") -> frozenset[str]:
    """Which of the granted scopes grant ``ep``."""
    have = granted if isinstance(granted, frozenset) else scopes_warned(granted)
    return required_scopes(ep, era) & have


class _DefaultEra(str):
    """The era a caller did not choose (``"broad"``, the public API's default): told apart from an
    ``era="broad"`` passed on purpose, so a surprising answer of the default can be said."""

    __slots__ = ()


DEFAULT_ERA = _DefaultEra("broad")


def is_allowed(ep: Endpoint | str, granted: Any, era: str = DEFAULT_ERA) -> bool:
    """True if the granted scopes let ``ep`` through Xero's scope check in ``era``. A URL that
    means one operation per payroll region is answered when every region's answer is the same
    (``payroll.employees.read`` allows NZ's and UK's GET /Employees alike); else it raises
    AmbiguousEndpointError, which names the candidates.

    With no ``era`` given the broad era judges (the specs' scopes only); when that says False but
    a 2026 scope in ``granted`` would grant the call for an existing app, a warning says so."""
    if isinstance(ep, str):
        try:
            ep = _ep(ep)
        except AmbiguousEndpointError as exc:
            answers = {is_allowed(c, granted, era) for c in exc.candidates}
            if len(answers) == 1:
                return answers.pop()
            raise
    if unreachable(ep, era):
        return False
    need = required_scopes(ep, era)
    allowed = not need or bool(granted_by(ep, granted, era))
    if not allowed and type(era) is _DefaultEra and (by := granted_by(ep, granted, "mixed")):
        warn_user(f"{', '.join(sorted(by))} would grant {ep.method} {ep.path} for an app created before "
                  "2 Mar 2026, but with no era given the broad era judges (the specs' scopes only): pass "
                  "era='mixed' (such an app) or era='granular' (one created since)")
    return allowed


@lru_cache(maxsize=8)
def scope_reach(era: str) -> dict[str, int]:
    """How many endpoints each scope grants in ``era`` (smaller = narrower)."""
    counts: dict[str, int] = {}
    for ep in load_catalog():
        for s in required_scopes(ep, era):
            counts[s] = counts.get(s, 0) + 1
    return counts


def narrowest(ep: Endpoint | str, era: str = "broad") -> str | None:
    """The narrowest scope that grants ``ep``: a read scope for GETs, then the smallest reach."""
    ep = _ep(ep)
    need = required_scopes(ep, era)
    if not need:
        return None
    reach = scope_reach(era)
    return min(need, key=lambda s: (not s.endswith(".read") if ep.method == "GET" else
                                    s.endswith(".read"), reach.get(s, 0), s))


def restriction(ep: Endpoint | str, era: str = "broad") -> str | None:
    """Why Xero may refuse ``ep`` even with the scope: closed API, restricted scope, tier gate."""
    ep = _ep(ep)
    gone = unreachable(ep, era)
    if gone:
        return gone
    need = required_scopes(ep, era)
    if JOURNALS_SCOPE in need:  # the tier gate applies to every app from 2 Mar 2026
        return JOURNALS_GATE
    reasons = [RESTRICTED_SCOPES[s] for s in sorted(need) if s in RESTRICTED_SCOPES]
    return reasons[0] if reasons and len(reasons) == len(need) else None


def deprecation(ep: Endpoint | str, era: str = "mixed") -> str | None:
    """What an app that still reaches ``ep`` through a broad scope must know (None: nothing): an
    endpoint no granular scope reaches goes with that scope in September 2027."""
    ep = _ep(ep)
    if check_era(era) == "granular" or not required_scopes(ep, era) or not unreachable(ep, "granular"):
        return None
    return ("deprecated: " + NO_GRANULAR.split(": ", 1)[1].replace(
        "an older app keeps them through the broad scope until September 2027",
        "this app keeps them through the broad scope only until September 2027, then they are gone"))


def refused_at_authorize(scope: str, era: str) -> str | None:
    """Why an app of ``era`` may not even request ``scope`` (None: it may)."""
    if era == "granular" and scope in DEPRECATED_BROAD:
        return "broad scope: apps created from 2 Mar 2026 must use granular scopes"
    if era == "granular" and scope == JOURNALS_SCOPE:
        return JOURNALS_GATE
    # Granular scopes are not refused to older apps: Xero assigned them to every existing Web
    # and PKCE app in March 2026, with no opt-in step (docs/xero-facts.md §2b).
    return RESTRICTED_SCOPES.get(scope)


def read_variant(scope: str) -> str:
    """``X.read`` for a read-write scope ``X`` when Xero has one, else ``scope``."""
    if scope.endswith(".read") or scope in OIDC_SCOPES:
        return scope
    cand = scope + ".read"
    return cand if cand in known_scopes() else scope


def family(scope: str) -> str:
    """The read-write name a scope belongs to (``accounting.invoices.read`` -> ``accounting.invoices``)."""
    return scope[: -len(".read")] if scope.endswith(".read") else scope


def grants(scope: str, era: str = "broad") -> list[Endpoint]:
    """The endpoints one scope grants in ``era``."""
    era = check_era(era)
    return [ep for ep in load_catalog() if scope in required_scopes(ep, era)]
