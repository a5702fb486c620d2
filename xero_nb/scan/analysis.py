"""From a scan to what the code needs: least privilege per era, findings at file and line, the plan.

>>> from xero_nb.scan.engine import scan_tree  # doctest: +SKIP
>>> analyse(scan_tree("app/"), era="mixed").ok  # doctest: +SKIP
True
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from xero_nb import facts
from xero_nb.catalog.index import load_catalog
from xero_nb.catalog.privilege import least_privilege
from xero_nb.catalog.scopes import (
    ERAS,
    OIDC_SCOPES,
    check_era,
    is_allowed,
    narrowest,
    parse_scopes,
    read_variant,
    refused_at_authorize,
    required_scopes,
    restriction,
    unreachable,
)
from xero_nb.models import Endpoint
from xero_nb.scan.model import CallSite, ScanResult, ScopeSite

# finding kind -> SARIF level; the errors fail the CI gate ("no_calls": scopes requested but no call
# found, so none can be judged: said, with no "drop it" advice a reader could follow)
KINDS = {"missing_scope": "error", "unknown_scope": "error", "refused_scope": "error", "not_read": "error",
         "no_calls": "warning",
         "dynamic_calls": "warning", "no_granular": "warning",
         "restricted": "warning", "unknown_endpoint": "warning", "unused_scope": "warning",
         "wider_scope": "note"}


@dataclass(frozen=True, slots=True)
class Finding:
    """One thing to fix or know, at a file and line."""

    kind: str  # one of KINDS
    file: str
    line: int
    message: str
    scope: str = ""  # the scope to add, drop or narrow
    operation: str = ""  # api.operation_id

    @property
    def level(self) -> str:
        """``error``, ``warning`` or ``note``."""
        return KINDS[self.kind]


@dataclass(frozen=True, slots=True)
class CodePlan:
    """The move to granular scopes for exactly the operations this code calls."""

    request: frozenset[str]  # what to request now: granular, and broad only where nothing else reaches
    drop: frozenset[str]
    add: frozenset[str]
    keep_until_deadline: frozenset[str]  # broad scopes that alone reach calls with no granular scope
    rows: tuple[tuple[str, str, str, str, str, str, str], ...]  # api, op, method, path, now, after, status

    def to_markdown(self) -> str:
        """The plan as Markdown: what to request, drop and add, and each operation's status."""
        deadline = facts.BROAD_MIGRATION_DEADLINE.isoformat()[:7]
        lines = ["## Migration to granular scopes (this code)", "",
                 f"- Request now: `{' '.join(sorted(self.request)) or '-'}`",
                 f"- Drop: `{' '.join(sorted(self.drop)) or '-'}`",
                 f"- Add: `{' '.join(sorted(self.add)) or '-'}`",
                 f"- Keep until {deadline} (no granular scope, then gone): "
                 f"`{' '.join(sorted(self.keep_until_deadline)) or '-'}`", "",
                 "| operation | call | now | after | status |", "|---|---|---|---|---|"]
        lines += [f"| {api}.{op} | {method} {path} | {now or '-'} | {after or '-'} | {status} |"
                  for api, op, method, path, now, after, status in self.rows]
        return "\n".join(lines)


@dataclass(frozen=True, slots=True)
class ScanReport:
    """A scan judged against the requested scopes in one era."""

    result: ScanResult
    era: str
    requested: frozenset[str]
    requested_from: str  # "code" (found in the scan) or "given"
    least: dict[str, frozenset[str]]  # era -> least-privilege scope set (unreachable calls left out)
    findings: tuple[Finding, ...]
    plan: CodePlan

    @property
    def ok(self) -> bool:
        """True when the requested scopes grant every call the code makes and are all Xero
        scopes (the CI gate; a scan that found no call and no scope has nothing to pass)."""
        found = self.result.calls or self.result.scopes or self.requested_from == "given"
        # scopes found in the code but no call: the code calls Xero some way the scanner does not
        # read, so nothing was verified; a gate must not pass on that (--requested checks a list alone)
        blind = self.requested_from == "code" and any(f.kind == "no_calls" for f in self.findings)
        return bool(found) and not blind and not any(KINDS[f.kind] == "error" for f in self.findings)

    def to_dict(self) -> dict[str, Any]:
        """Everything as JSON-ready data."""
        res = self.result
        return {
            "root": res.root, "files": res.files, "bytes": res.bytes, "skipped": res.skipped,
            "left_out": list(res.left_out),
            "era": self.era, "ok": self.ok, "requested": sorted(self.requested),
            "requested_from": self.requested_from,
            "calls": [{"file": c.file, "line": c.line, "snippet": c.snippet, "api": c.api,
                       "operation_id": c.operation_id, "method": c.method, "path": c.path,
                       "recognised_by": c.recognised_by, "confidence": c.confidence, "note": c.note}
                      for c in res.calls],
            "requested_at": [{"scope": s.scope, "file": s.file, "line": s.line}
                             for s in res.scopes if s.known],
            "misspelt_at": [{"scope": s.scope, "file": s.file, "line": s.line} for s in res.misspelt],
            "least_privilege": {era: sorted(scopes) for era, scopes in self.least.items()},
            "findings": [{"kind": f.kind, "level": f.level, "file": f.file, "line": f.line,
                          "message": f.message, "scope": f.scope, "operation": f.operation}
                         for f in self.findings],
            "migration": {"request": sorted(self.plan.request), "drop": sorted(self.plan.drop),
                          "add": sorted(self.plan.add),
                          "keep_until_deadline": sorted(self.plan.keep_until_deadline),
                          "operations": [dict(zip(("api", "operation_id", "method", "path", "now", "after",
                                                   "status"), row, strict=True))
                                         for row in self.plan.rows]},
        }


def _endpoints(calls: list[CallSite]) -> dict[tuple[str, str], Endpoint]:
    cat = load_catalog()
    return {c.key: cat.get(*c.key) for c in calls}


def _call_findings(calls: list[CallSite], eps: dict[tuple[str, str], Endpoint], requested: frozenset[str],
                   era: str) -> list[Finding]:
    out = []
    deadline = facts.BROAD_MIGRATION_DEADLINE.isoformat()[:7]
    for c in calls:
        ep, op = eps[c.key], f"{c.api}.{c.operation_id}"
        gone = unreachable(ep, era)
        if not is_allowed(ep, requested, era):
            best = narrowest(ep, era)
            why = gone or (f"add {best}" if best else "no scope grants it")
            if not requested:  # (the code's scopes may come from the environment or a store)
                why += ("; no requested scopes were found in the code (read from the environment or a "
                        "settings store?): pass --requested with the ones the app asks for")
            out.append(Finding("missing_scope", c.file, c.line,
                               f"{c.method} {c.path} ({op}) is not granted by the requested scopes in the "
                               f"{era} era: {why}", best or "", op))
        if unreachable(ep, "granular"):
            out.append(Finding("no_granular", c.file, c.line,
                               f"{op} has no granular scope: reachable only through the broad "
                               f"accounting.transactions(.read) until {deadline}, then gone", "", op))
        note = None if gone else restriction(ep, era)
        if note:
            out.append(Finding("restricted", c.file, c.line, f"{op}: {note}", "", op))
    return out


def _scope_findings(result: ScanResult, eps: list[Endpoint], requested: frozenset[str], era: str
                    ) -> list[Finding]:
    sites: dict[str, ScopeSite] = {}
    for s in result.scopes:
        sites.setdefault(s.scope, s)
    if not result.calls and requested - OIDC_SCOPES:
        # no call seen: the scanner may not read how this code calls Xero (a wrapper of its own, a
        # manifest, a folder it leaves out), so "no call needs it" would be a guess, and "drop it" harm
        first = next(iter(sites.values()), None)
        asked = len(requested - OIDC_SCOPES)
        return [Finding("no_calls", first.file if first else "", first.line if first else 0,
                        f"no Xero call was found in the code, so its {asked} requested "
                        "scope(s) cannot be judged (nothing is said to drop): the scanner reads SDK calls "
                        "and literal URLs; calls made another way, or in the folders and files it left out "
                        "(see skipped), are not seen", "")]
    out = []
    if result.dynamic:  # calls through a computed name: a scope no listed call needs may still be used
        at_file, _, at_line = result.dynamic[0].rpartition(":")
        unused = sorted(s for s in requested - OIDC_SCOPES
                        if not any(s in required_scopes(ep, era) for ep in eps))
        out.append(Finding("dynamic_calls", at_file, int(at_line),
                           f"the code calls Xero through a name it computes ({', '.join(result.dynamic[:3])}"
                           f"{' ...' if len(result.dynamic) > 3 else ''}): those calls cannot be listed, so "
                           + (f"{', '.join(unused)}, which no listed call needs, may still be used there "
                              "(nothing is said to drop)" if unused else "the least privilege may miss some"),
                           ""))
    for scope in sorted(requested - OIDC_SCOPES):
        granted = [ep for ep in eps if scope in required_scopes(ep, era)]
        site = sites.get(scope)
        file, line = (site.file, site.line) if site else ("", 0)
        if not granted:
            if not result.dynamic:
                out.append(Finding("unused_scope", file, line,
                                   f"{scope} is requested but no call in the code needs it ({era} era): "
                                   "drop it", scope))
            continue
        narrow = read_variant(scope)
        reads = all(ep.method == "GET" and narrow in required_scopes(ep, era) for ep in granted)
        if narrow != scope and reads:
            # a method the scanner assumed (a wrapper, a URL constant) may be a write: said so
            guessed = sum(1 for c in result.calls if "assumed" in c.note and any(
                ep.key == (c.api, c.operation_id) for ep in granted))
            out.append(Finding("wider_scope", file, line,
                               f"{scope} is wider than needed: every call it grants here is a read; "
                               f"{narrow} is enough" + (
                                   f" (unless a call whose method was assumed GET writes: {guessed} here; "
                                   "check them first)" if guessed else ""), scope))
    return out


def _refused_findings(result: ScanResult, requested: frozenset[str], era: str) -> list[Finding]:
    """Scopes Xero refuses at sign-in for an app of ``era`` (a broad scope on a granular-era app:
    the whole authorize fails), and files that mention Xero but were not read (a call in one is
    not seen, so the gate cannot pass on them)."""
    sites = {s.scope: s for s in result.scopes}
    out = []
    for scope in sorted(requested):
        why = refused_at_authorize(scope, era)
        if why:
            site = sites.get(scope)
            out.append(Finding("refused_scope", site.file if site else "", site.line if site else 0,
                               f"{scope} is refused at sign-in for an app of the {era} era ({why}): Xero "
                               "answers the whole authorize with an error, so no call works", scope))
    for left in result.left_out:
        if left.endswith(("(over 2 MB)", "(binary or a built bundle)")):
            file = left.rsplit(" (", 1)[0]
            out.append(Finding("not_read", file, 0,
                               f"{left}: the file mentions Xero but was not read, so a call in it is not "
                               "judged; --exclude it if it makes no call", ""))
    return out


def _plan(eps: list[Endpoint], requested: frozenset[str], era: str = "mixed",
          dynamic: bool = False) -> CodePlan:
    """The move to granular scopes for this code. An app of the granular era (created from 2 Mar
    2026) cannot ask for a broad scope at all (Xero refuses the sign-in): its calls that no
    granular scope reaches have nothing to keep and must go. With no call found, nothing is planned:
    the scopes are kept as requested (none is said to drop: see the no_calls finding); with calls
    through computed names (``dynamic``), none is dropped either."""
    if not eps:
        return CodePlan(request=requested, drop=frozenset(), add=frozenset(),
                        keep_until_deadline=frozenset(), rows=())
    movable = [ep for ep in eps if not unreachable(ep, "granular")]
    new = set(least_privilege(movable, era="granular")) | (requested & OIDC_SCOPES)
    keep: set[str] = set()
    rows = []
    for ep in eps:
        now = sorted(required_scopes(ep, era) & requested)  # what the request grants it today
        after = sorted(required_scopes(ep, "granular") & new)
        if unreachable(ep, "granular") and era == "granular":
            status = "no scope grants it to an app of the granular era: remove the call"
        elif unreachable(ep, "granular"):
            broad = now[:1] or [narrowest(ep, "broad") or ""]
            keep.update(b for b in broad if b)
            status = "no granular scope"
        else:
            status = restriction(ep, "granular") or "kept"
        rows.append((ep.api, ep.operation_id, ep.method, ep.path, " ".join(now), " ".join(after), status))
    # What to request now: the granular set, plus the broad scopes that alone reach calls no
    # granular scope does (they go by the deadline; leaving them out ends those calls today).
    request = frozenset(new | keep)
    if dynamic:  # calls through computed names may need what no listed call does: nothing dropped
        request |= requested
    return CodePlan(request=request, drop=frozenset(requested - request),
                    add=frozenset(request - requested), keep_until_deadline=frozenset(keep),
                    rows=tuple(sorted(rows)))


def analyse(result: ScanResult, era: str = "mixed", requested: Any = None) -> ScanReport:
    """Judge a scan: ``requested`` scopes (default: those found in the code) in ``era``."""
    era = check_era(era)
    given = requested is not None
    have = parse_scopes(requested) if given else result.requested
    by_key = _endpoints(result.calls)
    eps = sorted(by_key.values(), key=lambda ep: ep.key)
    least = {e: least_privilege([ep for ep in eps if not unreachable(ep, e)], era=e) for e in ERAS}
    findings = _call_findings(result.calls, by_key, have, era)
    findings += [Finding("unknown_endpoint", u.file, u.line,
                         f"{u.method} {u.url} matches no operation in Xero's specs: removed by Xero, or "
                         "misspelt") for u in result.unknown]
    findings += _scope_findings(result, eps, have, era)
    findings += _refused_findings(result, have, era)
    if not given:  # a typo in the code's own scope list: Xero refuses the whole sign-in
        from xero_nb.catalog.near import near_miss
        from xero_nb.catalog.scopes import suggest

        for site in result.misspelt:
            near, note = suggest(site.scope), near_miss(site.scope)
            findings.append(Finding(
                "unknown_scope", site.file, site.line,
                f"{site.scope} is not a Xero scope{f' ({note})' if note else ''}: "
                "Xero refuses the sign-in with invalid_scope", scope=near or ""))
    return ScanReport(result=result, era=era, requested=have, requested_from="given" if given else "code",
                      least=least, findings=tuple(findings),
                      plan=_plan(eps, have, era, dynamic=bool(result.dynamic)))
