"""Scope causes of a refused call: missing, not re-consented, tier-gated, restricted, wrong era."""

from __future__ import annotations

from dataclasses import replace
from urllib.parse import urlencode

from xero_nb.catalog.scopes import (
    DEPRECATED_BROAD,
    JOURNALS_GATE,
    OIDC_SCOPES,
    is_allowed,
    narrowest,
    refused_at_authorize,
    required_scopes,
    restriction,
    unreachable,
)
from xero_nb.diagnose.context import Context
from xero_nb.diagnose.endpoint import ENDPOINT_FACT, is_bank_statement
from xero_nb.diagnose.findings import Finding
from xero_nb.diagnose.observation import Observation
from xero_nb.diagnose.rules import OAUTH_ERRORS, TOKEN_STEP
from xero_nb.facts import XeroURLs
from xero_nb.models import Endpoint

BANK_STATEMENT_SCOPE = "accounting.reports.bankstatement.read"
DEFAULT_SCOPES = ("openid", "profile", "email", "offline_access")
TOKEN_SCOPES = "the token's scopes (the access token's `scope` claim, or pass token= / granted=)"
REQUESTED_SCOPES = "the scopes your app requests at sign-in (pass requested=)"
STATUS_FACT = ("the HTTP status behind the message (401: a scope the token lacks; 403: the tenant "
               "or the user's access)")
PROOF_WEIGHT = 0.96  # a provable scope failure: above every guess, below a 429 or TokenExpired
PROVEN_CODES = ("missing_scope", "not_reconsented", "broad_scope_on_granular_app")
ERA_FACT = ("when the Xero app was created (before 2 Mar 2026: era='mixed', broad and granular scopes "
            "both grant; from then on: era='granular')")
RECONSENT = ("Existing tokens never change: the user must sign in and consent again, then use "
             "the NEW token (refreshing the old one keeps the old scopes).")


def _token_endpoint_error(obs: Observation) -> bool:
    """An error from the token or authorize endpoint: no API call was checked for scopes."""
    return obs.oauth_error in OAUTH_ERRORS or bool(obs.markers & TOKEN_STEP)


def proven_missing(obs: Observation, ctx: Context) -> bool:
    """True when the granted scopes cannot allow the call in the app's era, whatever Xero answered.

    Hard evidence: the endpoint is settled, the token's scopes are known, and none of them
    grants it in the era given (or guessed from the scopes; either era when neither is known).
    Not while the endpoint is open (a payroll URL shared by regions: the region may be the
    cause), nor for token-endpoint errors, nor for answers that were not failures.
    """
    ep = ctx.endpoint
    if ep is None or ctx.granted is None or _token_endpoint_error(obs):
        return False
    if (obs.status is not None and obs.status < 400) or any(is_bank_statement(u) for u in ctx.urls):
        return False
    try:
        return not is_allowed(ep, ctx.granted, ctx.era_for_checks)
    except Exception:  # the catalog could not judge: no proof
        return False


MAX_SCOPES_SHOWN = 40  # Xero has about 60 scopes: more than this held is a pasted list gone wrong


def scope_strength(obs: Observation) -> float:
    """How strongly the response says "scope" (0: not at all)."""
    m = obs.markers
    if "tokenexpired" in m or _token_endpoint_error(obs):
        return 0.0
    if "generic_forbidden" in m and "role" not in m:
        return 0.7  # calcinai/xero-php's ForbiddenException: any 401 or 403, worded as a role
    if "scope_missing" in m and not m & {"insufficient_scope", "authorizationunsuccessful"}:
        return 0.8  # scopes said in words to be missing or never requested
    said = obs.www_authenticate
    if obs.status == 401 or (said is not None and "insufficient_scope" in said.lower()):
        # the WWW-Authenticate verdict is Xero's, whatever status a wrapper printed beside it
        if m & {"insufficient_scope", "authorizationunsuccessful"} or (
                obs.status == 401 and "insufficientpermissions" in m):
            return 1.0  # (a wrapper's InsufficientPermissions on a 401 is Xero's scope refusal)
        if "authenticationunsuccessful" in m and said is None and obs.header("Xero-Correlation-Id"):
            # Xero's answer seen whole (its headers): the token was not authenticated, and no
            # insufficient_scope: the token before a scope (facts ASSUMPTIONS "auth_401_unauthenticated")
            return 0.55
        return 0.75
    if obs.status == 403 and m & {"insufficient_scope", "authorizationunsuccessful"}:
        return 0.8  # [U] some fixtures say a missing scope gives 403 AuthorizationUnsuccessful
    if obs.status is None and m & {"insufficient_scope", "authorizationunsuccessful"}:
        return 0.9
    if obs.status is None and "insufficientpermissions" in m:
        return 0.6  # a wrapper's message: could be a scope (401) or a tenant (403) refusal
    return 0.0


def authorize_link(ctx: Context, add: str) -> str | None:
    """The authorize URL asking for what the app asks now plus ``add`` (no network, no secret)."""
    base = ctx.requested or ctx.granted or frozenset(DEFAULT_SCOPES)
    scopes = [*sorted(s for s in base if s != add), add]
    if ctx.authorize is not None:
        try:
            return str(ctx.authorize(scopes))
        except Exception:  # the user's callable failed: fall back to our own URL
            pass
    if ctx.client_id and ctx.redirect_uri:
        query = urlencode({"response_type": "code", "client_id": ctx.client_id,
                           "redirect_uri": ctx.redirect_uri, "scope": " ".join(scopes)})
        return f"{XeroURLs.xero().authorize}?{query}"
    return None


def pick_scope(ep: Endpoint, ctx: Context) -> tuple[str | None, str]:
    """The narrowest granting scope for this app's era, and a note on the other era."""
    era = ctx.era or ctx.era_guess
    if era in ("broad", "granular"):
        return narrowest(ep, era), ""
    new, old = narrowest(ep, "granular"), narrowest(ep, "broad")
    if new is None:  # no granular scope reaches it (ExpenseClaims, Receipts): only the broad one
        return old, (" (only an app created before 2 Mar 2026 may ask for it, until September 2027: no "
                     "granular scope reaches this call, so a newer app cannot make it at all)"
                     if old in DEPRECATED_BROAD else "")
    note = (f" (an app created before 2 Mar 2026 may use the broad `{old}` until September 2027)"
            if old and new and old != new else "")
    return new, note


def _ep_name(ep: Endpoint) -> str:
    return f"{ep.method} {ep.path} ({ep.api}.{ep.operation_id})"


def _missing(ep: Endpoint, ctx: Context, s: float, ev: list[str],
             asked: frozenset[str] = frozenset()) -> list[Finding]:
    """``asked``: scopes the words say were added to the app's list ("we added X to the scopes")."""
    scope, other = pick_scope(ep, ctx)
    if scope is None:
        return []
    wanted = sorted(required_scopes(ep, ctx.era_for_checks) & ((ctx.requested or frozenset()) | asked))
    if wanted:  # the app already asks for a granting scope: only consent is missing
        link = authorize_link(ctx, wanted[0])
        return [Finding(
            "not_reconsented", f"The app asks for `{wanted[0]}` but this token was issued without "
            "it: the user has not consented since it was added",
            (*ev, f"the app requests {', '.join(wanted)}" + (
                "" if set(wanted) <= (ctx.requested or frozenset()) else " (the words say it was added)")),
            (RECONSENT, *([f"Sign in again with: {link}"] if link else [])), 0.92 * s)]
    link = authorize_link(ctx, scope)
    sign_in = [f"Sign in again with: {link}"] if link else []
    gate = refused_at_authorize(scope, ctx.era or ctx.era_guess or "broad")
    tier = restriction(ep, ctx.era_for_checks) if ep.path.startswith("/Journals") and not gate else None
    steps = [f"Add `{scope}` to the scopes your app requests{other}.",
             *([f"Xero must let the app request it first: {gate}."] if gate else []),
             *([f"The scope alone is not enough: {tier}; check the app's tier at "
                "developer.xero.com."] if tier else []),
             RECONSENT, *sign_in]
    known = ctx.granted is not None
    # the app does not even ask for a granting scope: no consent can have given it one
    unasked = not known and ctx.requested is not None
    return [
        Finding("missing_scope", f"The token lacks `{scope}`, which {_ep_name(ep)} needs",
                (*ev, *(["the scopes the app requests hold none that grants it"] if unasked else [])),
                tuple(steps), (0.9 if known else 0.85 if unasked else 0.6) * s,
                None if known or unasked else TOKEN_SCOPES),
        Finding("not_reconsented", f"`{scope}` may already be requested in code, but the token "
                "predates it", tuple(ev), (RECONSENT, *sign_in), (0.3 if known else 0.35) * s,
                REQUESTED_SCOPES if known else TOKEN_SCOPES),
    ]


def _held_but_refused(ep: Endpoint, ctx: Context, s: float, ev: list[str]) -> list[Finding]:
    era = ctx.era_for_checks
    out: list[Finding] = []
    why = restriction(ep, era)
    if why == JOURNALS_GATE or (ctx.era is None and ep.path.startswith("/Journals")):
        out.append(Finding(
            "tier_gated", f"{_ep_name(ep)} is gated: from 2 Mar 2026 Journals need the Advanced "
            "tier and Xero's security assessment, even with accounting.journals.read", tuple(ev),
            ("Check the app's tier at developer.xero.com (Journals need Advanced).",
             "Apply for Journals access (security assessment) or read transactions from the "
             "granular endpoints (Invoices, Payments, BankTransactions, ManualJournals) instead."),
            (0.88 if why else 0.6) * s, None if why else ERA_FACT))
    elif why:
        out.append(Finding("restricted_scope", f"{_ep_name(ep)} is a restricted/closed API: {why}",
                           tuple(ev), ("Apply to Xero for access to this API (developer.xero.com), "
                                       "or drop the call.",), 0.85 * s))
    broad_only = ctx.granted is not None and not (required_scopes(ep, "granular") & ctx.granted)
    if broad_only and ctx.era is None and required_scopes(ep, "broad") & (ctx.granted or frozenset()) \
            & DEPRECATED_BROAD:
        # Unlikely, not impossible: Xero refuses broad scopes at sign-in to apps created from
        # 2 Mar 2026, so a token holding one was almost always issued to an older app.
        out.append(Finding(
            "broad_scope_on_granular_app", "The token holds only the deprecated broad scope; "
            "if the app was created from 2 Mar 2026 it grants nothing", (
                *ev, "unlikely: apps created from 2 Mar 2026 are refused broad scopes at sign-in, "
                "so a token holding one usually belongs to an older app"),
            (f"Request the granular scope `{narrowest(ep, 'granular')}` instead and sign in again.",),
            0.25 * s, ERA_FACT))
    if ep.path.startswith(("/ExpenseClaims", "/Receipts")):
        # no granular scope reaches them, and Xero's changelog closes them (§2b)
        out.append(Finding("restricted_scope", f"{ep.path.split('/')[1]} is being closed by Xero: its "
                           "changelog says ExpenseClaims access is being disabled and Receipts are "
                           "deprecated, and no granular scope reaches either", (*ev, "the scope is held"),
                           ("Plan to do without these endpoints: no granular scope replaces "
                            "accounting.transactions for them, so an app created from 2 Mar 2026 cannot "
                            "reach them at all.",
                            "If the app is older and holds accounting.transactions, check Xero's changelog "
                            "for the date access ended for your app."), 0.55 * s, ERA_FACT))
    if ep.payroll_region or ep.path.startswith("/Reports"):
        out.append(Finding("user_role", "The scope is held, so the user's role may be what Xero "
                           "refuses (reports access or payroll admin)", tuple(ev),
                           ("Ask an admin to grant the user the reports / payroll admin role in "
                            "this organisation, then retry.",), 0.45 * s,
                           "the user's role in this organisation"))
    if all(f.code == "broad_scope_on_granular_app" for f in out):
        # (a held broad scope's new-app reading is unlikely: Xero refuses broad scopes at sign-in to
        # such apps, so the token given is probably not the one sent, as with a granular scope held)
        out.insert(0, Finding("unknown", "The scopes given hold one that grants this call, yet Xero "
                           "refused it: are they the sent token's own?", tuple(ev),
                           ("Decode the access token that was sent and read its `scope` claim: the "
                            "scopes given may be the ones the app asks for, or those of another "
                            "token (an older one still cached, another user's).",
                            "If the sent token holds the scope, send Xero support the "
                            "Xero-Correlation-Id of the response (the scope table may be out of date)."),
                           0.3 * s, "the `scope` claim of the access token that was sent"))
    return out


def _bank_statement(ctx: Context, s: float, ev: list[str]) -> Finding:
    held = ctx.granted is not None and BANK_STATEMENT_SCOPE in ctx.granted
    why = ("the token holds it, so the app is not approved for it" if held else
           "the token does not hold it" if ctx.granted is not None else "")
    return Finding(
        "restricted_scope", "The BankStatement report is restricted and grandfathered: it needs "
        f"`{BANK_STATEMENT_SCOPE}`, which Xero does not grant to new apps" + (f" ({why})" if why
                                                                             else ""),
        (*ev, "report: GET /Reports/BankStatement (ReportID = BankStatement)"),
        ("Use GET /BankTransactions (or GET /Reports/BankSummary) instead, or the Finance API's "
         "bank statements if Xero has approved the app for it.",
         "Only apps Xero approved before the restriction keep this report."), 0.85 * s)


def _unsettled(obs: Observation, ctx: Context, s: float, ev: list[str]) -> list[Finding]:
    """The endpoint given or seen is ambiguous or unknown: say what would settle it."""
    fact = ctx.endpoint_fact or ENDPOINT_FACT
    if obs.status is None:
        fact = STATUS_FACT
    return [*_broad_held(ctx, s, ev, fact), *_asked_not_held(ctx, s, ev, fact),
            *_journals_held(ctx, s, ev, fact), *_unsettled_scope(ctx, s, ev, fact)]


def _asked_not_held(ctx: Context, s: float, ev: list[str], fact: str) -> list[Finding]:
    """The app asks for scopes the token lacks: the token predates them (known without the URL)."""
    if ctx.requested is None or ctx.granted is None:
        return []
    missing = sorted(ctx.requested - ctx.granted - OIDC_SCOPES)
    if not missing:
        return []
    names = ", ".join(f"`{m}`" for m in missing[:4])
    link = authorize_link(ctx, missing[0])
    return [Finding(
        "not_reconsented", f"The app asks for {names} but this token was issued without "
        f"{'them' if len(missing) > 1 else 'it'}: the user has not consented since",
        (*ev, "the app requests " + ", ".join(missing)),
        (RECONSENT, *([f"Sign in again with: {link}"] if link else [])), 0.75 * s, fact)]


def _journals_held(ctx: Context, s: float, ev: list[str], fact: str) -> list[Finding]:
    """A scope refusal to a token that holds the Journals scope: the Journals gate reads alike."""
    if ctx.granted is None or "accounting.journals.read" not in ctx.granted:
        return []
    return [Finding(
        "tier_gated", "If the call was GET /Journals: from 2 Mar 2026 Journals need the Advanced "
        "tier and Xero's security assessment, even with accounting.journals.read (held)",
        (*ev, "token scopes include accounting.journals.read"),
        ("Check the app's tier at developer.xero.com (Journals need Advanced).",
         "Apply for Journals access (security assessment) or read transactions from the "
         "granular endpoints (Invoices, Payments, BankTransactions, ManualJournals) instead."),
        0.4 * s, fact)]


def _broad_held(ctx: Context, s: float, ev: list[str], fact: str) -> list[Finding]:
    """A granular-era app whose token holds deprecated broad scopes: they grant it nothing.

    Known without the endpoint (an SDK's printout often has no URL): when the token holds
    nothing else, whatever was called was refused for that reason.
    """
    broad = sorted((ctx.granted or frozenset()) & DEPRECATED_BROAD)
    if ctx.era != "granular" or not broad:
        return []
    only = ctx.granted is not None and not ctx.granted - DEPRECATED_BROAD - OIDC_SCOPES
    names = ", ".join(f"`{b}`" for b in broad)
    return [Finding(
        "broad_scope_on_granular_app", f"The token holds {names}: deprecated broad "
        f"{'scopes, which grant' if len(broad) > 1 else 'scope, which grants'} nothing to an app "
        "created from 2 Mar 2026",
        (*ev, "app era: granular (created from 2 Mar 2026)"),
        ("Replace the broad scopes with the granular ones the calls need "
         "(`xero-nb scopes-for METHOD URL` names them) in the app's scope list.", RECONSENT),
        (0.8 if only else 0.5) * s, None if only else fact)]


def _unsettled_scope(ctx: Context, s: float, ev: list[str], fact: str) -> list[Finding]:
    needs = {required_scopes(ep, ctx.era_for_checks) for ep in ctx.candidates}
    if len(needs) == 1 and (need := next(iter(needs))):  # every candidate needs the same scopes
        ep = ctx.candidates[0]
        names = " or ".join(sorted({c.api for c in ctx.candidates}))
        ev = [*ev, f"{ep.method} {ep.path} ({names}) needs any one of: {', '.join(sorted(need))}"]
        scope, _ = pick_scope(ep, ctx)
        if ctx.granted is not None and need & ctx.granted:
            return []  # held: the region (or the user's role) is the question, asked elsewhere
        if scope is not None:
            known = ctx.granted is not None
            return [Finding("missing_scope", f"The token lacks `{scope}`, which {ep.method} "
                            f"{ep.path} needs in {names} alike", tuple(ev),
                            (f"Add `{scope}` to the scopes your app requests.", RECONSENT),
                            (0.7 if known else 0.55) * s, fact),
                    _unconsented(f"`{scope}`", ev, ctx, s)]
    return [Finding("missing_scope", "Probably a scope the token lacks; the endpoint is not "
                    "settled, so which one cannot be told", tuple(ev),
                    ("Find the endpoint's scope: `xero-nb scopes-for METHOD URL`.", RECONSENT),
                    0.55 * s, fact),
            _unconsented("The scope", ev, ctx, s)]


def _unconsented(what: str, ev: list[str], ctx: Context, s: float) -> Finding:
    """The other reading of a scope refusal: requested in code, but this token predates it."""
    return Finding("not_reconsented", f"{what} may already be requested in code, but the token "
                   "predates it (refreshing keeps the old scopes)", tuple(ev), (RECONSENT,),
                   (0.3 if ctx.granted is not None else 0.35) * s,
                   REQUESTED_SCOPES if ctx.granted is not None else TOKEN_SCOPES)


def scope_findings(obs: Observation, ctx: Context) -> list[Finding]:
    """Findings for a call refused for a scope reason, or one the granted scopes cannot allow.

    Hard evidence outranks what the status suggests: when the granted scopes provably do not
    grant the endpoint in the app's era, the scope finding is listed and ranked first even on a
    403 or a bare wrapper message (a 429 or an expired token may still rank above it).
    """
    proof = proven_missing(obs, ctx)
    found = _scope_findings(obs, ctx, 1.0 if proof else scope_strength(obs))
    if not proof:
        return found
    fact = (f"the granted scopes cannot allow this call in the {ctx.era_for_checks} era, "
            "whatever the status says")
    for i, f in enumerate(found):
        if f.code in PROVEN_CODES:
            found[i] = replace(f, weight=max(f.weight, PROOF_WEIGHT), decides=None,
                               evidence=(*f.evidence, fact))
            break
    return found


def _scope_findings(obs: Observation, ctx: Context, s: float) -> list[Finding]:
    if s == 0.0:
        return []
    ep = ctx.endpoint
    ev = [f"status {obs.status}" if obs.status else "no HTTP status (a wrapper's message)"]
    ev += [f"{w}" for w in ("insufficient_scope", "AuthorizationUnsuccessful", "InsufficientPermissions")
           if w.lower() in obs.markers]
    if ctx.granted is not None:
        held = sorted(ctx.granted)  # (a list of thousands is named in part: the count says the rest)
        more = f", ... and {len(held) - MAX_SCOPES_SHOWN} more" if len(held) > MAX_SCOPES_SHOWN else ""
        ev.append("token scopes: " + (", ".join(held[:MAX_SCOPES_SHOWN]) + more or "(none)"))
    if any(is_bank_statement(u) for u in ctx.urls):  # the concrete path decides, not the template
        return [_bank_statement(ctx, s, ev)]
    if ep is None:
        return _unsettled(obs, ctx, s, ev)
    need = required_scopes(ep, ctx.era_for_checks)
    gone = unreachable(ep, ctx.era_for_checks)
    ev.insert(-1 if ctx.granted is not None else len(ev),
              f"{_ep_name(ep)} needs any one of: {', '.join(sorted(need)) or '(any valid token)'}"
              if not gone else f"no scope grants {_ep_name(ep)} in the {ctx.era_for_checks} era")
    if gone:
        return [Finding(
            "missing_scope", f"No scope can grant {_ep_name(ep)} to an app limited to granular "
            "scopes", tuple(ev),
            (gone[0].upper() + gone[1:] + ".",
             "Call it from an app created before 2 Mar 2026 with `accounting.transactions(.read)` "
             "(until September 2027), or stop calling it."), 0.9 * s)]
    # scopes the words say were added to the app's list: asked for now, so a consent is what lacks
    asked = obs.scopes_named if "scope_added_done" in obs.markers else frozenset()
    if ctx.granted is None:
        if asked & need:
            return _missing(ep, ctx, s, ev, asked)
        if ctx.requested is not None and need and not need & ctx.requested:
            return _missing(ep, ctx, s, ev)  # not asked for at all: that comes before any gate
        if restriction(ep, ctx.era_for_checks):
            # A closed or partner-only API: without Xero's approval no token ever holds its scope
            # (authorize refuses it), so the approval comes before which scope or consent.
            return [*_held_but_refused(ep, ctx, 0.8 * s, ev),
                    *(replace(f, weight=f.weight * 0.7) for f in _missing(ep, ctx, s, ev))]
        return _missing(ep, ctx, s, ev)
    if need and not need & ctx.granted:
        broad_ok = bool(required_scopes(ep, "broad") & ctx.granted)
        if broad_ok and ctx.era == "granular":
            scope = narrowest(ep, "granular")
            link = authorize_link(ctx, scope) if scope else None
            return [Finding(
                "broad_scope_on_granular_app", "The token's broad scope grants nothing to an app "
                f"created from 2 Mar 2026: {_ep_name(ep)} needs `{scope}`", tuple(ev),
                (f"Replace the broad scope with `{scope}` in the app's scope list.", RECONSENT)
                + ((f"Sign in again with: {link}",) if link else ()), 0.9 * s)]
        return _missing(ep, ctx, s, ev)
    return _held_but_refused(ep, ctx, s, ev)
