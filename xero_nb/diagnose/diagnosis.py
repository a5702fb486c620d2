"""From one failing Xero call (or its pasted error text) to ranked causes and the fix.

>>> d = diagnose(status=401, headers={"WWW-Authenticate": "insufficient_scope"},
...              body='{"Title":"Unauthorized","Status":401,"Detail":"AuthorizationUnsuccessful"}',
...              endpoint="GET /Accounts", granted=["openid", "offline_access"])
>>> d.top.code
'missing_scope'
>>> d.top.title
'The token lacks `accounting.settings.read`, which GET /Accounts (accounting.getAccounts) needs'
"""

from __future__ import annotations

import re
import time
import unicodedata
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from xero_nb.diagnose.alike import ruled_out, with_lookalikes, with_resemblance
from xero_nb.diagnose.calls import refused_call
from xero_nb.diagnose.client_side import client_side
from xero_nb.diagnose.context import Context, build_context, era_guess_note
from xero_nb.diagnose.cues import countries
from xero_nb.diagnose.custom import for_custom_connection
from xero_nb.diagnose.findings import DIAGNOSIS_CODES, MORE_CONTEXT, Diagnosis, Finding
from xero_nb.diagnose.fix_order import redirect_first
from xero_nb.diagnose.gateway import not_xero
from xero_nb.diagnose.oauth import oauth_findings
from xero_nb.diagnose.observation import Observation, observe
from xero_nb.diagnose.offer import offer_findings
from xero_nb.diagnose.org import org_findings
from xero_nb.diagnose.paste import library_of_app
from xero_nb.diagnose.platform import connector_sends_tenant, for_platform, platform_of
from xero_nb.diagnose.practice import practice_findings
from xero_nb.diagnose.prose import fallback_findings, prose_findings
from xero_nb.diagnose.rules import (
    OAUTH_ERRORS,
    TOKEN_STEP,
    expiry_findings,
    rate_findings,
    scope_verdict,
    tenant_findings,
)
from xero_nb.diagnose.scope import scope_findings
from xero_nb.diagnose.sdk_steps import axios_note, in_sdk_terms
from xero_nb.diagnose.success import scope_change_finding, success_finding
from xero_nb.diagnose.token_facts import grant_of_app
from xero_nb.models import Endpoint

__all__ = ["DIAGNOSIS_CODES", "Diagnosis", "Finding", "diagnose"]

CLEAR_WEIGHT = 0.75  # a top finding this strong, well ahead of the next, needs no extra fact
CLEAR_GAP = 0.25
ESTABLISHED = 0.9  # two findings this strong are both causes, not rivals
# Top-two pairs whose own facts do not separate them (each names a detail of itself).
PAIR_FACTS = {
    frozenset(("missing_scope", "token_expired")): (
        "what the 401 says: a Detail of TokenExpired (expired token) or AuthorizationUnsuccessful "
        "with WWW-Authenticate: insufficient_scope (a scope), or else the token's exp claim"),
}
FLOOR = 0.25  # below this nothing is worth calling a cause: answer unknown
_RULES: tuple[Callable[[Observation, Context], list[Finding]], ...] = (
    oauth_findings,
    lambda obs, ctx: rate_findings(obs),
    expiry_findings,
    scope_findings,
    tenant_findings,
    org_findings,
    prose_findings,
    offer_findings,
    lambda obs, ctx: practice_findings(obs, ctx.urls, ctx.method, ctx.granted),  # XPM: not in the specs
)
# No HTTP answer at all: the connection failed before Xero could answer (Node's errno names,
# Python's socket and HTTP-library errors, DNS and TLS failures), so no Xero support id exists.
NO_ANSWER = re.compile(
    r"\b(?:E(?:CONNREFUSED|CONNRESET|TIMEDOUT|NOTFOUND|AI_AGAIN|HOSTUNREACH|NETUNREACH)|"
    r"Connect(?:ion)?(?:Error|Timeout|RefusedError|ResetError)|(?:Read|Write|Pool)Timeout|TimeoutError|"
    # the words as a program prints them (after "[Errno 111] ", "curl: (7) ", "connect: " or at a line's
    # start), not in a sentence ("Planday: connection refused, the org is in no region it supports")
    r"(?:(?<=[:\])]\s)|(?<=[:\])])|(?<![^\n]))Connection\s++(?:refused|reset|aborted|timed\s++out)"
    r"(?![^\S\n]*+,[^\S\n]*+(?:the|our|my|we|it|they|because|as|since|so)\b)|"
    r"Name\s++or\s++service\s++not\s++known|"
    r"getaddrinfo|Temporary\s++failure\s++in\s++name\s++resolution|No\s++such\s++host|"
    r"Max\s++retries\s++exceeded|CERTIFICATE_VERIFY_FAILED|socket\s++hang\s++up|ECONNABORTED|"
    r"timeout\s++of\s++\d{1,9}ms\s++exceeded|"  # axios's own timeout
    # Chrome's net:: errors (a HAR's _error, the console): ERR_FAILED is its CORS block, not these
    r"ERR_(?:CONNECTION_[A-Z]{1,20}|NAME_NOT_RESOLVED|INTERNET_DISCONNECTED|TIMED_OUT|"
    r"ADDRESS_UNREACHABLE|NETWORK_CHANGED|CERT_[A-Z_]{1,40}|SSL_[A-Z_]{1,40}|PROXY_[A-Z_]{1,40}|"
    r"TUNNEL_CONNECTION_FAILED))\b", re.IGNORECASE)
SPECIFIC = 0.5  # below this best weight, the words' weak evidence (fallback_findings) is added


def diagnose(response: Any = None, *, status: Any = None, headers: Any = None, body: Any = None,
             text: str | None = None, endpoint: Any = None, granted: Any = None,
             requested: Any = None, token: Any = None, request_headers: Any = None,
             connections: Any = None, era: str | None = None, organisation: Any = None,
             user_role: Any = None, tenant_id: str | None = None,
             authorize: Callable[..., Any] | None = None, client_id: str | None = None,
             redirect_uri: str | None = None, method: str | None = None, url: str | None = None,
             clock: Callable[[], float] = time.time, grant_type: str | None = None,
             country: str | None = None, app_type: str | None = None,
             resemblance: bool = True) -> Diagnosis:
    """Rank the likely causes of a failed Xero call, each with evidence and the fix. Never raises.

    Give what you have: a response (httpx2 Response, CallResult, SDK exception, dict or pasted
    text), or the parts; and any context: endpoint (Endpoint, "GET /Invoices" or a URL),
    granted/requested scopes or a token (read only for scopes and expiry), the token's
    /connections, the app's era, the organisation (country, plan), the user's role, the tenant
    id, and an ``authorize(scopes) -> url`` callable (or client_id + redirect_uri) for links.
    ``grant_type`` (``"client_credentials"`` for a custom connection, else the token's own
    ``grant_type`` says it) rules out tenant-header causes: a custom connection sends none.
    ``country`` (AU, NZ, UK, US) stands for the organisation when only its country is known.
    ``app_type`` is the kind of app in words ("custom connection", "web app"): it gives the grant
    type when none is given. ``resemblance=False`` leaves out the wording's statistical reading
    (``resemble.py``): the rules' answer alone.
    Evidence outranks what a status suggests: scopes that provably cannot allow the endpoint
    put the scope finding first, on a 403 too.
    """
    nul_note = _NUL_NOTE if any(isinstance(t, str) and "\x00" in t for t in (text, response)) else None
    text = _normalised(text) if isinstance(text, str) else text
    response = _normalised(response) if isinstance(response, str) else response
    if isinstance(response, float) and response.is_integer() and status is None:
        response = int(response)  # 403.0 from a spreadsheet or a JSON number
    if isinstance(response, int) and not isinstance(response, bool) and status is None:
        response, status = None, response  # diagnose(401): the status alone
    obs = observe(response, status=status, headers=headers, body=body, text=text,
                  request_headers=request_headers, method=method, url=url)
    if obs.library is None and (named := library_of_app(app_type)) is not None:
        obs = replace(obs, library=named)  # the SDK the app is built on, as the context names it
    notes: list[str] = list(obs.notes)  # what the reading could not take in (a long paste), first
    if nul_note is not None:
        notes.append(nul_note)
    if organisation is None and isinstance(country, str) and country.strip():
        organisation = country.strip()
    elif country is not None and not isinstance(country, str):
        notes.append(f"country {str(country)[:20]!r} is not a country (give AU, NZ, UK or US); ignored")
    if response is not None:  # a CallResult knows its endpoint, granted scopes and tenant
        endpoint, carried, tenant_id = _carried(response, endpoint, tenant_id)
        if granted is None and token is None:
            granted = carried
    try:
        now = float(clock())
    except Exception:
        now = time.time()
        notes.append("the clock failed; used the system time")
    try:
        ctx = build_context(obs, endpoint=endpoint, granted=granted, requested=requested,
                            token=token, connections=connections, era=era,
                            organisation=organisation, user_role=user_role, tenant_id=tenant_id,
                            authorize=authorize, client_id=client_id, redirect_uri=redirect_uri,
                            now=now, grant_type=grant_type if grant_type is not None
                            else grant_of_app(app_type))
    except Exception as exc:  # answer with what the response alone says
        notes.append(f"context ignored ({type(exc).__name__})")
        ctx = build_context(obs, endpoint=None, granted=None, requested=None, token=None,
                            connections=None, era=None, organisation=None, user_role=None,
                            tenant_id=None, authorize=None, client_id=None, redirect_uri=None,
                            now=now)
    notes += ctx.notes
    if obs.status == 403 and ctx.expires_at is not None and ctx.expires_at < ctx.now:
        # Xero answers an expired token with 401 TokenExpired: this 403 came with another token
        notes.append(f"the token given expired {int((ctx.now - ctx.expires_at) // 60)} min before, yet "
                     "Xero answered 403, not 401 TokenExpired: the call that failed sent another "
                     "token, so the scopes read from this one may not be its own")
    found: list[Finding] = []
    for rule in _RULES:
        try:
            found += rule(obs, ctx)
        except Exception as exc:  # one rule's bug must not hide the others
            notes.append(f"internal error in a diagnosis rule ({type(exc).__name__}: {exc})"[:200])
    excluded = _excluded(obs, ctx, endpoint, text)  # what the status, the call and the context rule out
    if max((f.weight for f in found), default=0.0) < SPECIFIC:
        try:
            found += [f for f in fallback_findings(obs, ctx) if f.code not in excluded]
        except Exception as exc:
            notes.append(f"internal error in a diagnosis rule ({type(exc).__name__}: {exc})"[:200])
    ranked = rank(found)
    wording_ok = True  # whether the wording's resemblance may rank causes (not for non-failures)
    if (done := success_finding(obs)) is not None and not any(f.weight >= ESTABLISHED for f in ranked):
        ranked, wording_ok = [done], False  # a sign-in or token response that worked: no cause to guess
    elif (refused := scope_change_finding(obs, text if isinstance(text, str) else "")) is not None:
        # Xero issued a token and oauthlib refused it: that comes first, beside what the granted
        # scopes prove (they cannot allow the call: it will fail next)
        ranked = [refused, *(f for f in ranked if f.weight >= ESTABLISHED and f.code != "unknown")]
        wording_ok = False
    elif not_xero(obs) is not None or _no_answer(obs) or (
            obs.status is None and client_side(obs.field("error") or "", obs.body) is not None):
        # (an OAuth library's own refusal, InsecureTransportError say: nothing was sent either)
        # The call never reached Xero's API (no answer; a proxy, firewall or gateway answered;
        # Xero's sign-in page): that comes first; only causes the context proves (the scopes
        # cannot allow the call, say) stay beside it, as they will fail it next.
        kept = [f for f in ranked if f.weight >= ESTABLISHED and f.code != "unknown"]
        ranked = [replace(unknown_finding(obs), weight=max([ESTABLISHED, *(f.weight for f in kept)])),
                  *kept]
        wording_ok = False
    elif not ranked or ranked[0].weight < FLOOR:
        # one unknown only: a rule's own (more specific) one when it leads, else the general one
        lead = ranked[0] if ranked and ranked[0].code == "unknown" else unknown_finding(obs)
        ranked = [lead, *(f for f in ranked if f.code != "unknown")]
    elif obs.status is None:  # no status: when words alone lead, name the causes that read alike
        ranked = with_lookalikes(ranked, ruled_out(ctx))
    if resemblance and wording_ok and _wording_may_rank(obs, ranked):
        try:
            said_text = text if isinstance(text, str) else obs.body
            shown = {"endpoint": f"{ctx.endpoint.method} {ctx.endpoint.path}" if ctx.endpoint else None,
                     "app_type": app_type}
            ranked = with_resemblance(ranked, said_text, shown, excluded)
        except Exception as exc:  # the rules' answer stands
            notes.append(f"internal error in the wording's reading ({type(exc).__name__})")
    own_code = obs.library is not None or obs.sdk_class is not None  # an SDK's or a library's own error
    words = text if isinstance(text, str) else obs.body
    platform = platform_of(app_type, words, own_code)
    ranked = connector_sends_tenant(ranked, platform, words)
    if (said := era_guess_note(ctx, ranked[0].code)) is not None:
        notes.append(said)
    if obs.field("oauth_problem"):  # oauth_problem=token_rejected, signature_invalid, ...
        notes.append("this is an OAuth 1.0a answer (oauth_problem), the sign-in Xero's apps used before "
                     "2021: today's apps sign in with OAuth 2.0, whose steps the fixes give; an app still "
                     "on OAuth 1.0a must move to OAuth 2.0 first")
    if ranked[0].code != "unknown" and (said := axios_note(obs)) is not None:
        notes.append(said)  # (an unknown answer says it as its first step)
    worded = in_sdk_terms(redirect_first(ranked, obs), obs)  # the steps as the error's words call for
    worded = for_custom_connection(worded, ctx.custom_connection)  # no sign-in, no refresh there
    worded = for_platform(worded, platform)  # a no-code platform's user acts in its screens, not in code
    return Diagnosis(tuple(worded), obs, decisive_fact(ranked, obs), tuple(notes), ctx.endpoint)


# Characters a copy from a chat, a PDF or a web page slips in that change no word: zero-width
# spaces and joiners, a word joiner, a byte-order mark inside the text, a soft hyphen.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)


# UTF-16 text read one byte a character (a file PowerShell's ">" wrote, opened as Latin-1 or UTF-8):
# a NUL between the letters, and its byte-order mark as two characters in front
_NUL_NOTE = ("the text held NUL characters (UTF-16 read as 8-bit text, as a file PowerShell's \">\" wrote "
             "opened as Latin-1 or UTF-8): they were left out; read such a file with encoding=\"utf-16\"")
_UTF16_MARKS = ("\u00ff\u00fe", "\u00fe\u00ff", "\ufffd\ufffd")


def _normalised(text: str) -> str:
    """``text`` without invisible characters and with compatibility forms folded (NFKC: full-width
    digits and letters, as an East Asian input method types them, read as ASCII). NUL characters
    are left out (UTF-16 read as 8-bit text), with the byte-order mark read as two characters."""
    if "\x00" in text:
        text = text.replace("\x00", "")
        for mark in _UTF16_MARKS:
            text = text.removeprefix(mark)
    if text.isascii():
        return text
    return unicodedata.normalize("NFKC", text.translate(_INVISIBLE))


# Xero's answers to what a request holds, not to who sent it: a rejected payload, a bad `where`
# filter, a body it could not parse. No permission's cause reads alike.
CONTENT_EXCEPTIONS = frozenset({"validationexception", "queryparseexception", "postdatainvalidexception"})
# Statuses that answer what a request holds or how it is sent (a conflict, a precondition, a body
# too large, a media type, unprocessable content), never who sent it
CONTENT_STATUSES = frozenset({409, 412, 413, 415, 422})
_VALIDATION = re.compile(r"\bvalidation\s++error", re.IGNORECASE)  # payroll NZ/UK's problem detail


def _wording_may_rank(obs: Observation, ranked: list[Finding]) -> bool:
    """Whether the wording's resemblance may rank causes: a failure Xero (or a wrapper) answered or
    a person described (no status, or a 4xx), not a success, an outage (5xx), a rejected payload
    or query (``CONTENT_EXCEPTIONS``) or a mistake in the caller's own code, and with words to read."""
    if (obs.status is not None and not 400 <= obs.status < 500) or obs.status in CONTENT_STATUSES:
        return False
    if (obs.field("type") or "").lower() in CONTENT_EXCEPTIONS or _VALIDATION.search(obs.detail or ""):
        return False
    lead = ranked[0] if ranked else None
    if lead is not None and lead.code == "unknown" and client_side(obs.field("error") or "", obs.body):
        return False
    return len(obs.body.split()) >= 3


def _excluded(obs: Observation, ctx: Context, endpoint: Any, text: Any) -> frozenset[str]:
    """The causes what was given rules out, which the wording's reading may not add (alike.ruled_out)."""
    # the failing call as the caller names it (endpoint=), else as the paste shows it refused
    named = endpoint if isinstance(endpoint, str) else " ".join(
        refused_call(text) or ()) if isinstance(text, str) else ""
    on_connections = (obs.status in (401, 403)
                      and named.split("?")[0].rstrip("/").lower().endswith("/connections"))
    sent = (ctx.tenant_id is not None and not ctx.tenant_is_token) or (
        "tenant_header_present" in obs.markers and "tenant_missing" not in obs.markers)
    api_refusal = obs.status in (401, 403) and not obs.markers & TOKEN_STEP and not obs.oauth_error
    out = ruled_out(ctx, on_connections, sent, api_refusal)
    if named and ctx.endpoint is not None and not ctx.endpoint.tenant_header:
        out |= {"tenant_header_missing", "tenant_not_connected"}  # identity, appstore: no tenant header
    out |= _BY_STATUS.get(obs.status or 0, frozenset())
    if obs.status == 401 and (scope_verdict(obs) or "tokenexpired" in obs.markers):
        out |= TENANT_CAUSES  # Xero read the token and answered for it: a tenant's refusal is a 403
    if obs.markers & TOKEN_STEP or obs.oauth_error:  # the sign-in or the token call: no API call yet
        out |= TENANT_CAUSES | {"payroll_region_mismatch", "feature_not_in_plan", "user_role"}
    words = text if isinstance(text, str) else obs.body
    region = ctx.endpoint.payroll_region if ctx.endpoint is not None else None
    if region is None and not _PAYROLL_WORDS.search(words):
        out |= {"payroll_region_mismatch"}  # nothing of payroll was called or said
    elif region is not None and ctx.country == region and not _other_region(words, region):
        out |= {"payroll_region_mismatch"}  # the organisation's country is the API's own
    return out


# A payroll API named by its region, as SDKs name them (payroll_uk_api, PayrollNzApi, "UK payroll")
_REGION_API = re.compile(r"payroll[_ ]?(au|nz|uk)|\b(au|nz|uk)[_ ]payroll", re.IGNORECASE)


def _other_region(words: str, region: str) -> bool:
    """Whether the words name another region's payroll or country than ``region`` (NZ and UK share
    payroll.xro/2.0's paths: the country given picked the endpoint, the words may say otherwise)."""
    named = {(a or b).upper() for a, b in _REGION_API.findall(words[:20_000])}
    return bool((named | (countries(words[:20_000]) & {"AU", "NZ", "UK"})) - {region})


TENANT_CAUSES = frozenset({"tenant_header_missing", "tenant_not_connected"})
# What a status rules out, whatever the words: Xero limits with 429 (never 400), and refuses a
# token with 401 (never 404). (An empty tenant id can get a 404: Xero-Java#293.)
_BY_STATUS = {400: frozenset({"rate_limited"}),
              404: frozenset({"token_expired", "invalid_grant", "invalid_client", "rate_limited"})}
# Payroll, or the countries its APIs differ by, named in a report
_PAYROLL_WORDS = re.compile(r"payroll|employee|pay\s?run|payslip|timesheet|leave|superannuation|"
                            r"\b(?:AU|NZ|UK)\b|australia|new\s+zealand|united\s+kingdom|region|country",
                            re.IGNORECASE)


def _carried(response: Any, endpoint: Any, tenant_id: Any) -> tuple[Any, Any, Any]:
    """Endpoint, granted scopes and tenant id from what a response-like object carries."""
    granted = None
    try:
        if endpoint is None and isinstance(getattr(response, "endpoint", None), Endpoint):
            endpoint = response.endpoint
        held = getattr(response, "granted", None)
        if isinstance(held, (frozenset, set)) and held:
            granted = frozenset(str(s) for s in held)
        tid = getattr(response, "tenant_id", None)
        if tenant_id is None and isinstance(tid, str) and tid:
            tenant_id = tid
    except Exception:  # odd objects: go on with what was passed
        pass
    return endpoint, granted, tenant_id


def rank(found: list[Finding]) -> list[Finding]:
    """One finding per code (the strongest), best first; ties broken by the documented order."""
    best: dict[str, Finding] = {}
    for f in found:
        held = best.get(f.code)
        if held is None or f.weight > held.weight:
            best[f.code] = f
    order = {code: i for i, code in enumerate(DIAGNOSIS_CODES)}
    return sorted(best.values(), key=lambda f: (-f.weight, order.get(f.code, len(order))))


def decisive_fact(ranked: list[Finding], obs: Observation | None = None) -> str | None:
    """The one fact that would decide between the top causes, when they are not yet clear.

    None when the top cause is clear of the next, or when the top two are both established
    (a 429 on a call the scopes could not allow anyway: both need fixing, no fact separates
    them). Otherwise the fact the top two name (the first of them), else the third's.
    """
    if not ranked:
        return None
    top = ranked[0]
    second = ranked[1].weight if len(ranked) > 1 else 0.0
    if top.weight >= CLEAR_WEIGHT and (top.weight - second >= CLEAR_GAP or second >= ESTABLISHED):
        return None
    if len(ranked) > 1:
        pair = PAIR_FACTS.get(frozenset((top.code, ranked[1].code)))
        said = obs is not None and bool(obs.detail or obs.www_authenticate)  # (the 401 said it already)
        if pair is not None and not said:
            return pair
    for f in ranked[:3]:
        if f.decides:
            return f.decides
    return None


_EMPTY_PRINTS = frozenset({"{}", "[]", "[object Object]", "null", "undefined", "None", "Error", "{}\n"})


def _no_answer(obs: Observation) -> re.Match[str] | None:
    """The words of a failed connection, when no status and no OAuth error show an answer."""
    if obs.status is not None or obs.field("error"):
        return None
    return NO_ANSWER.search(obs.body)


def unknown_finding(obs: Observation) -> Finding:
    """``unknown``, saying exactly what was seen and the usual next step."""
    status = obs.status
    first = (f"Send Xero support the Xero-Correlation-Id {obs.correlation_id}." if obs.correlation_id
             else "Send Xero support the Xero-Correlation-Id header of the failing response (none is "
                  "in what was given; every answer of Xero's API carries one).")
    if obs.oauth_error in OAUTH_ERRORS and not obs.correlation_id:  # sign-in errors carry no such id
        first = ("Compare the request with the app's settings at developer.xero.com (client id, "
                 "redirect URI, the scopes it may ask for); OAuth errors carry no Xero-Correlation-Id.")
    if (gate := not_xero(obs)) is not None:  # a proxy, a firewall, a gateway, a sign-in page
        title, first = gate
    elif status is not None and 200 <= status < 400:
        title = f"Xero answered {status}: the call did not fail"
    elif status in (500, 502, 503, 504):
        title = f"Xero answered {status}: organisation offline or the API unavailable; retry later"
    elif (obs.field("type") or "").lower() == "validationexception":
        title = "Xero rejected the data sent (ValidationException): not a permission problem"
        first = "Correct the fields its ValidationErrors name, then send again."
    elif (caller := client_side(obs.field("error") or "", obs.body)) is not None:
        title, first = caller
    elif status == 404:
        title = "404: the resource or endpoint was not found (wrong id, or a payroll region)"
    elif status == 413:
        title = ("413: the request body is too large for the endpoint (3.5 MB for Accounting and Payroll "
                 "POSTs, 10 MB for Files): not a permission problem")
        first = "Send a smaller body (split the upload or the batch), then send again."
    elif status == 415:
        title = "415: the endpoint does not take the request's Content-Type: not a permission problem"
        first = ("Send the Content-Type the endpoint expects (the Files API takes multipart/form-data "
                 "uploads; the others JSON), then send again.")
    elif status == 400 and _VALIDATION.search(obs.detail or ""):
        title = "Xero rejected the data sent (a validation error): not a permission problem"
        first = "Correct the fields the answer names (invalidFields, ValidationErrors), then send again."
    elif status is None and not obs.body.strip() and not obs.fields:
        title = "Nothing to go on: no status, headers or body were given"
    elif status is None and obs.body.strip() in _EMPTY_PRINTS:
        title = f"Nothing to go on: {obs.body.strip()!r} is how an error object prints, not the error"
        first = ("JSON.stringify(err) of a JavaScript Error prints {} and String(obj) prints [object "
                 "Object]: print err.message, and for an API error err.response.data (xero-node: "
                 "err.response.body), then diagnose that.")
    elif status is None and obs.error and any(w in obs.error for w in ("Error", "Timeout", "timed out")):
        title = f"No answer from Xero ({obs.error[:80]}): check the network and retry"
        first = "Check the network, proxy and firewall (and the API host), then send again."
    elif (m := _no_answer(obs)) is not None:
        title = f"No answer from Xero ({m.group(0)}): the connection failed before any reply"
        first = ("Check the network, proxy, firewall and DNS, and the host the call went to (is the "
                 "simulator or your server running?), then send again: no Xero-Correlation-Id exists.")
    elif (tip := axios_note(obs)) is not None:
        title = f"axios's own message{f' ({status})' if status else ''}, without Xero's answer"
        first = tip[0].upper() + tip[1:] + "."
    else:
        title = "No known cause matches what Xero sent"
    return Finding("unknown", title, (obs.summary(),),
                   (first, MORE_CONTEXT), FLOOR)
