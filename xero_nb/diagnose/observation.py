"""One failed Xero call as an Observation: status, headers, problem keys, request, all redacted.

Reads whatever the user has: an httpx2 Response (or any object with ``status_code``/``headers``/
``text``/``request``), the parts, or pasted text. Keys are matched case-insensitively, secrets
are redacted on the way in, and nothing here raises.

>>> obs = observe(status=401, headers={"WWW-Authenticate": "insufficient_scope"},
...               body='{"Title":"Unauthorized","Status":401,"Detail":"AuthorizationUnsuccessful"}')
>>> obs.detail, obs.www_authenticate
('AuthorizationUnsuccessful', 'insufficient_scope')
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote_plus

from xero_nb.diagnose.calls import (
    drop_successes,
    focus_calls,
    focus_har,
    focus_responses,
    log_markers,
    seen_connections,
)
from xero_nb.diagnose.cues import cue_markers, denied, scope_names, without_denials
from xero_nb.diagnose.fields import (
    Pasted,
    as_status,
    fill_gaps,
    find_json,
    half_json_fields,
    walk_fields,
)
from xero_nb.diagnose.holders import credentials
from xero_nb.diagnose.long_paste import readable
from xero_nb.diagnose.objects import header_pairs, read_response, text_of
from xero_nb.diagnose.paste import parse_paste
from xero_nb.diagnose.sdk import CLASS_LIMITS, CLASS_MARKERS
from xero_nb.diagnose.status import status_from_reason
from xero_nb.diagnose.token_facts import pasted_token, token_problem
from xero_nb.redact import REDACTED, SECRET_HEADERS, jwt_claims, looks_secret, redact, secret_name

__all__ = ["MARKERS", "Observation", "observe"]

MAX_HEADERS = 100  # a real answer has a few dozen; a paste of thousands keeps the ones read first
KEY_HEADERS = frozenset({"www-authenticate", "x-rate-limit-problem", "retry-after", "xero-correlation-id",
                         "x-daylimit-remaining", "x-minlimit-remaining", "x-appminlimit-remaining",
                         "xero-tenant-id", "authorization", "content-type"})
MAX_BODY = 4000  # enough for any Xero problem body; stops a huge page flooding a report
# Words that identify a cause wherever they appear (body, headers or pasted text).
MARKERS = {
    # TokenExpired, token_expired (OAuth 1.0a, oauthlib), "the token is expired", "expired access token"
    "tokenexpired": r"tokens?(?:[\s_-]|has\s|have\s|is\s)*+expired|expired[\s_]++access[\s_]++tokens?",
    "authorizationunsuccessful": r"authori[sz]ation\s*+unsuccessful",
    "authenticationunsuccessful": r"authentication\s*+unsuccessful",
    "insufficient_scope": r"insufficient[_ ]scope",
    # the seed's wrapper name, and its message: "The API credentials do not have the necessary
    # permissions to perform the action" (what Xero's 401 insufficient_scope is relabelled as)
    "insufficientpermissions": r"insufficient\s*+permissions|\bcredentials\s++do\s++not\s++have\s++the\s++"
                               r"necessary\s++permissions\b",
    "invalid-application": r"invalid[-_ ]application",
    "invalid-user-role": r"invalid[-_ ]user[-_ ]role",
    # OAuth error names however written: invalid_grant, Invalid Grant, INVALID-GRANT, invalidGrant
    "invalid_grant": r"invalid[_ -]?grant",
    "invalid_client": r"invalid[_ -]?client\b",
    "invalid_scope": r"invalid[_ ]scope",
    "unauthorized_client": r"unauthori[sz]ed[_ ]client",
    "scope_validation_failed": r"scope validation failed",
    "invalid_token": r"invalid[_ ]token",
    # the client id or secret named as wrong, in any words
    "client_words": r"\bclient[ _-]?(?:id|secret)\b[^.\n]{0,40}?\b(?:invalid|incorrect|wrong|unknown|"
                    r"not\s++(?:valid|found|recogni[sz]ed)|missing|mismatch|(?:must|should|does\s*+n[o']t|"
                    r"do\s++not)\s++match)|\b(?:invalid|incorrect|wrong|"
                    r"unknown|bad|missing)\s++client[ _-]?(?:id|secret)\b|\bunknown\s++client\b",
    # rate limits in words (not the X-Rate-Limit-Problem header's name)
    "rate_limit": r"(?<!x-)rate[ -]?limit|too many requests|throttl(?:ed|ing)",
    # (Xero's generic one-line meaning of a 403, "User doesn't have permission to access the
    # resource", which tap-xero prints for every 403, is cues' generic_forbidden, not this)
    # ("its token doesn't have permission": a token's permissions are its scopes, cues' scope_missing;
    # so are an app's or a connection's: only a person's is a role)
    "not_permitted": r"not permitted|(?<!token )(?<!connection )(?<!app )(?<!integration )"
                     r"doesn'?t have permission"
                     r"(?!\s++to\s++access\s++the\s++resource\b)|reporting role|payroll admin",
    "offline": r"organisation (?:is )?offline|organization (?:is )?offline|service unavailable",
    "not_in_plan": r"plan does not include|not (?:included )?(?:in|on) (?:the|your) (?:plan|subscription)",
    # the payroll API of another country: "Not a UK Customer", "not a valid NZ organisation"
    "region": r"\bnot\s++an?\s++(?:valid\s++)?(?:UK|NZ|AU|Australian|New\s++Zealand|British)\s++"
              r"(?:payroll\s++)?(?:customer|organi[sz]ation|org|company|employer)\b|\b(?:payroll|"
              r"organi[sz]ation)\b[^.\n]{0,40}?\b(?:region|country)\b[^.\n]{0,30}?\b(?:mismatch|not\s++"
              r"supported|does\s++not\s++match|differs?)\b|\bwrong\s++(?:payroll\s++)?region\b|"
              r"\bnot\s++(?:available|supported)\s++(?:in|for)\s++(?:your|this|the)\s++(?:region|country)\b|"
              # "this payroll endpoint is not available for organisations in New Zealand"
              r"\bpayroll\b[^.\n]{0,40}?\bnot\s++(?:available|supported)\s++(?:in|for)\b[^.\n]{0,30}?\b(?:australia|"
              r"new\s++zealand|united\s++kingdom|the\s++uk|AU|NZ|UK)\b",
}
_MARKER_RES = {name: re.compile(rx, re.IGNORECASE) for name, rx in MARKERS.items()}
_GRANT = re.compile(r"grant[_ ]type\W{1,4}(client_credentials|authorization_code|refresh_token)\b",
                    re.IGNORECASE)


def _clean_headers(pairs: Iterable[tuple[str, str]]) -> tuple[tuple[str, str], ...]:
    """Redacted header pairs; past ``MAX_HEADERS`` the ones diagnosis reads are kept first."""
    kept = list(pairs)
    if len(kept) > MAX_HEADERS:
        first = [h for h in kept if h[0].lower() in KEY_HEADERS]
        kept = (first + [h for h in kept if h[0].lower() not in KEY_HEADERS])[:MAX_HEADERS]
    return tuple((k, REDACTED if k.lower() in SECRET_HEADERS else redact(v)[:500]) for k, v in kept)


@dataclass(frozen=True, slots=True)
class Observation:
    """What was seen of one failure: status, response headers, problem keys, the request; redacted."""

    status: int | None = None
    headers: tuple[tuple[str, str], ...] = ()
    body: str = ""
    fields: tuple[tuple[str, str], ...] = ()
    method: str | None = None
    url: str | None = None
    request_headers: tuple[tuple[str, str], ...] | None = None  # None: not known
    token_scopes: frozenset[str] | None = None  # from a JWT seen in the request (never the JWT)
    token_expires_at: float | None = None
    token_scopes_from: str | None = None  # where a pasted token's scopes were read (None: the request)
    markers: frozenset[str] = frozenset()
    source: str = "empty"
    operation: tuple[str, str] | None = None  # (API or "", operationId) an SDK's text names
    sdk_class: str | None = None  # a known SDK exception class (xero-python, pyxero, Java, .NET)
    grant_type: str | None = None  # an OAuth grant the text names (grant_type=client_credentials)
    scopes_named: frozenset[str] = frozenset()  # scope names the text mentions (cues.scope_names)
    library: str | None = None  # the SDK that printed or raised it, when it shows
    connections_seen: tuple[Any, ...] | None = None  # what GET /connections answered in the paste
    bearer_problem: str | None = None  # why the bearer credential sent is no access token
    notes: tuple[str, ...] = ()  # what of the input was not read (a long paste is read in pieces)

    def header(self, name: str) -> str | None:
        """A response header's value, case-insensitively."""
        low = name.lower()
        return next((v for k, v in self.headers if k.lower() == low), None)

    def request_header(self, name: str) -> str | None:
        """A request header's value, case-insensitively (None when absent or unknown)."""
        low = name.lower()
        return next((v for k, v in self.request_headers or () if k.lower() == low), None)

    def field(self, name: str) -> str | None:
        """A problem/OAuth body key, case-insensitively (``Detail`` and ``detail`` alike)."""
        low = name.lower()
        return next((v for k, v in self.fields if k == low), None)

    @property
    def detail(self) -> str | None:
        return self.field("detail")

    @property
    def title(self) -> str | None:
        return self.field("title")

    @property
    def error(self) -> str | None:
        """The OAuth ``error`` (or wrapper ``error``) value."""
        return self.field("error")

    @property
    def oauth_error(self) -> str:
        """The ``error`` as an OAuth error name: ``Invalid Grant``, ``invalid%5Fgrant`` -> invalid_grant."""
        raw = unquote_plus(self.error or "").strip().lower()
        return "_".join(raw.replace("-", " ").replace("_", " ").split())

    @property
    def www_authenticate(self) -> str | None:
        return self.header("WWW-Authenticate")

    @property
    def correlation_id(self) -> str | None:
        """``Xero-Correlation-Id`` (the body's ``Instance`` carries the same value)."""
        return self.header("Xero-Correlation-Id") or self.field("instance")

    @property
    def rate_limit_problem(self) -> str | None:
        value = self.header("X-Rate-Limit-Problem")
        return value.strip().lower() if value else None

    @property
    def retry_after(self) -> float | None:
        """Seconds to wait, from ``Retry-After`` (None when absent, negative or not a finite number)."""
        value = self.header("Retry-After")
        try:
            seconds = float(value) if value is not None else None
        except ValueError:
            return None
        return seconds if seconds is not None and math.isfinite(seconds) and seconds >= 0 else None

    @property
    def tenant_header_sent(self) -> bool | None:
        """Whether ``xero-tenant-id`` was sent with a value (None: request headers unknown)."""
        if self.request_headers is None:
            return None
        return bool((self.request_header("xero-tenant-id") or "").strip())

    def summary(self) -> str:
        """One line of what was seen, for the ``unknown`` finding and reports."""
        parts = [f"status {self.status}" if self.status is not None else "no HTTP status"]
        for key in ("title", "detail", "error", "error_description", "message", "type"):
            value = self.field(key)
            if value:
                parts.append(f"{key} {value[:120]!r}")
        for name in ("WWW-Authenticate", "X-Rate-Limit-Problem", "Retry-After"):
            value = self.header(name)
            if value:
                parts.append(f"{name}: {_short_header(value)}")
        if self.method or self.url:
            parts.append(f"request {self.method or '?'} {self.url or '?'}")
        if len(parts) == 1 and self.body.strip():
            parts.append(f"body {self.body.strip()[:120]!r}")
        return "; ".join(parts)


_NO_TOKEN_WORDS = frozenset({"", "undefined", "null", "none", "nil", "nan", "[object object]"})


def _bearer_problem(pairs: Iterable[tuple[str, str]]) -> str | None:
    """Why the bearer credential a request sent cannot be a Xero access token (only the verdict)."""
    for name, value in pairs:
        if name.lower() != "authorization" or not value.lower().startswith("bearer"):
            continue
        sent = value[6:].strip()
        if sent.lower() in _NO_TOKEN_WORDS:
            return f"no token was sent (the header says 'Bearer {sent}')"
        if sent.startswith(("{{", "${")):  # Postman's, a shell's or a template's own syntax
            return "no token was sent: the header holds a variable never filled in (" + sent[:30] + ")"
        if sent.lower().startswith("bearer"):
            return "the header says 'Bearer' twice (the token was given with its own 'Bearer ')"
        if len(sent) < 20 or _HIDDEN.search(sent):  # hidden by whoever pasted it: not judged
            return None
        return token_problem(sent)
    return None


_HIDDEN = re.compile(r"redacted|\.\.\.|\u2026|\*\*\*|xxx|<|>|\[|\]", re.IGNORECASE)


def _token_from_headers(pairs: Iterable[tuple[str, str]]) -> tuple[frozenset[str] | None, float | None]:
    """Scopes and expiry of a bearer JWT seen in request headers (the JWT itself is dropped)."""
    for name, value in pairs:
        if name.lower() == "authorization" and value.lower().startswith("bearer "):
            claims = jwt_claims(value[7:])
            scope = claims.get("scope")
            names = scope.split() if isinstance(scope, str) else scope if isinstance(scope, list) else None
            exp = claims.get("exp")
            return (frozenset(str(s) for s in names) if names is not None else None,
                    float(exp) if isinstance(exp, (int, float)) else None)
    return None, None


_ANSI = re.compile(r"\x1b\[[0-9;?]{0,40}[ -/]{0,5}[@-~]")  # a terminal's colour and cursor codes
_AUTH_ERROR = re.compile(r"""\berror\s*+=\s*+("[^"]{0,80}+"|[\w.-]{1,80}+)""", re.IGNORECASE)


def _short_header(value: str, limit: int = 80) -> str:
    """A header value for one line: whole when short, else cut at a word with its ``error=``
    kept (a long ``WWW-Authenticate`` puts realm and scope first, the error last)."""
    if len(value) <= limit:
        return value
    m = _AUTH_ERROR.search(value)
    head = value[:limit].rsplit(" ", 1)[0].rstrip(",")
    if m and m.end() > len(head):
        scheme = value.split(None, 1)[0]
        return f"{scheme} {m.group(0)} (…)"
    return head + " …"


def observe(response: Any = None, *, status: Any = None, headers: Any = None, body: Any = None,
            text: str | None = None, request_headers: Any = None, method: str | None = None,
            url: str | None = None) -> Observation:
    """An Observation from a response-like object, the parts, or pasted text. Never raises."""
    try:
        return _observe(response, status, headers, body, text, request_headers, method, url)
    except Exception as exc:  # a diagnosis tool must answer on any input: with what it could read
        try:
            given = status_given(status) if status is not None else None
        except Exception:
            given = None
        why = "nested too deeply" if isinstance(exc, RecursionError) else type(exc).__name__
        return Observation(source="unparsed", status=given, body=redact(_safe_text(text, body))[:MAX_BODY],
                           notes=(f"the input could not be read in full ({why}): only the status given "
                                  "and the text were used",))


def _pairs(value: Any, what: str, notes: list[str]) -> list[tuple[str, str]]:
    """Header pairs from what was given; none, and a note, when it cannot be read (the rest of the
    input is still read)."""
    try:
        return header_pairs(value)
    except Exception:
        notes.append(f"the {what} given ({type(value).__name__}) could not be read: give a dict or "
                     "(name, value) pairs; left out")
        return []


def _safe_text(text: Any, body: Any) -> str:
    try:
        return text_of(text if text is not None else body)
    except Exception:
        return ""


def status_given(value: Any) -> int | None:
    """A status passed as a number (401, 401.0, HTTPStatus.UNAUTHORIZED), digits, or a reason
    phrase ("Forbidden", "Too Many Requests"); None when it is none of these."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    found = as_status(value)
    if found is None and isinstance(value, str):
        found = status_from_reason(value) if value.strip() else None
    return found


def _observe(response: Any, status: Any, headers: Any, body: Any, text: str | None,
             request_headers: Any, method: str | None, url: str | None) -> Observation:
    got = read_response(response) if response is not None else Pasted()
    source = "response" if response is not None else "empty"
    if status is not None or headers is not None or body is not None or request_headers is not None:
        source = "parts" if source == "empty" else source
        if status is not None:
            got.status = status_given(status)
            if got.status is None:
                got.notes.append(f"status {str(status)[:40]!r} is not an HTTP status (100-599, or a "
                                 "reason such as 'Forbidden'); it was left out")
        if headers is not None:
            got.headers = _pairs(headers, "headers", got.notes)
        if body is not None:
            got.body = text_of(body)
        if request_headers is not None:
            got.request_headers = _pairs(request_headers, "request headers", got.notes)
    if body is not None or response is not None:
        seen, note = readable(got.body, "body")
        got.notes += [note] if note and note not in got.notes else []
        value = find_json(seen)
        if value is not None:
            walk_fields(value, got)
        for key, val in half_json_fields(seen).items():
            got.fields.setdefault(key, val)
        if got.status is None and isinstance(value, (dict, list)):
            got.status = as_status(got.fields.get("status") or got.fields.get("statuscode"))
    pasted_text = ""
    conns: list[object] | None = None
    logged: frozenset[str] = frozenset()
    raw = _ANSI.sub("", text_of(text)) if text is not None else ""  # a terminal's colours (HTTPie)
    if text is not None:
        conns = seen_connections(raw)  # a log's or a capture's GET /connections
        logged = log_markers(raw)  # a token that worked in the same log
        focused, har_note = focus_har(raw)  # a browser's capture: its failed call
        prefer = got.status if status is not None else None  # --status picks the call that had it
        focused, calls_note = focus_calls(focused, prefer) if har_note is None else (focused, har_note)
        if calls_note is None:  # answers pasted in turn, with no requests: the last one
            focused, calls_note = focus_responses(focused)
        pasted_text, note = readable(focused)
        pasted = parse_paste(pasted_text)
        pasted.notes[:0] = [n for n in (calls_note, note) if n]
        source = "text" if source == "empty" else source
        if got.status is not None and pasted.status is not None and pasted.status != got.status:
            got.notes.append(f"status {got.status} was given, but the pasted text says {pasted.status}: "
                             f"the given status is used")
        got = _merge(got, pasted)
    got.method = (method or got.method or "").upper() or None
    got.url = url or got.url
    _scrub(got)  # a credential the request carried, echoed back in the answer, is never shown
    scopes, exp = _token_from_headers(got.request_headers or ())
    scopes_from = None
    if scopes is None and (raw or got.body):  # a token written out in the paste: its scopes (never the token)
        scopes, pasted_exp, scopes_from = pasted_token(raw or got.body)  # (or an object's message)
        exp = exp if exp is not None else pasted_exp
    bearer = _bearer_problem(got.request_headers or ())
    body_seen = readable(got.body, "body")[0]  # the same pieces as above (the body may come from the text)
    # (a call the log shows succeeding is not the failure: its words are left out)
    parts = [_SOURCE_LINE.sub(r"\1", drop_successes(body_seen)), *(v for _, v in got.headers),
             *got.fields.values(), got.sdk_class or ""]
    if pasted_text and pasted_text.strip() != body_seen.strip():
        parts.append(_SOURCE_LINE.sub(r"\1", drop_successes(pasted_text)))  # the user's code: no cause
    said = " ".join(parts)
    haystack = without_denials(said)  # "it's not a rate limit" is no evidence of one
    if "%" in haystack:  # URL-encoded error names (invalid%5Fgrant) in redirects and logs
        haystack += " " + unquote_plus(haystack)
    markers = frozenset(name for name, rx in _MARKER_RES.items() if rx.search(haystack))
    markers |= cue_markers(haystack)  # what people and libraries write for each cause
    markers |= denied(said)  # "the token is not expired": what the writer rules out, said as such
    markers |= logged
    markers |= CLASS_MARKERS.get(got.sdk_class or "", frozenset())  # the class says it by itself
    kind = CLASS_LIMITS.get(got.sdk_class or "")
    if kind is not None and not any(k.lower() == "x-rate-limit-problem" for k, _ in got.headers):
        got.headers.append(("X-Rate-Limit-Problem", kind))
    grant = _GRANT.search(haystack)
    # a field named for a credential, or whose value is shaped like one, is never kept
    # (one line each: a message's line breaks would break the evidence it is shown in)
    fields = tuple((k, REDACTED if secret_name(k) or looks_secret(v)
                    else _one_line(redact(v)[:1000])) for k, v in got.fields.items())
    return Observation(
        status=got.status, headers=_clean_headers(got.headers),
        body=redact(got.body[:MAX_BODY * 4])[:MAX_BODY],
        fields=fields, method=got.method, url=redact(got.url)[:2000] if got.url else None,
        request_headers=None if got.request_headers is None else _clean_headers(got.request_headers),
        token_scopes=scopes, token_expires_at=exp, token_scopes_from=scopes_from, markers=markers,
        source=source,
        operation=got.operation, sdk_class=got.sdk_class,
        grant_type=grant.group(1).lower() if grant else None, scopes_named=scope_names(haystack),
        notes=tuple(got.notes), library=got.library,
        connections_seen=tuple(conns) if conns is not None else None, bearer_problem=bearer,
    )


# A Python traceback echoes the caller's source line under each frame (and 3.11's ^^^ marks):
# words in it ("disconnected", "expired") are the user's names, not what failed. The frame's
# function ("in sleep_for_retry") is the library's and stays (group 1 is kept).
_SOURCE_LINE = re.compile(r"(?m)(?<=\", line )(\d{1,7}, in [^\n]{0,200}\n)"
                          r"(?:[ \t]{2,40}(?!File \")[^\n]{0,500}\n){1,3}")


def _one_line(value: str) -> str:
    return " ".join(part.strip() for part in value.splitlines()) if "\n" in value or "\r" in value else value


def _scrub(got: Pasted) -> None:
    """Every credential value the request carried (its bearer token, Basic secret, form secrets:
    ``holders.credentials``) replaced where the answer repeats it: body, fields, headers, URL."""
    secrets = [*got.secrets, *credentials(got.request_headers, None, got.url)]
    secrets = sorted({v for v in secrets if len(v) >= 8 and v != REDACTED}, key=len, reverse=True)
    if not secrets:
        return
    def clean(text: str) -> str:
        for value in secrets:
            if value in text:
                text = text.replace(value, REDACTED)
        return text
    got.body = clean(got.body)
    got.fields = {k: clean(v) for k, v in got.fields.items()}
    got.headers = [(k, clean(v)) for k, v in got.headers]
    got.url = clean(got.url) if got.url else got.url


def said_words(obs: Observation) -> str:
    """What the error says in words: the body (without a traceback's echoed source lines, the
    user's own code) and the problem fields, with the causes the writer rules out blanked."""
    return without_denials(" ".join((_SOURCE_LINE.sub(r"\1", obs.body[:4000]), *(v for _, v in obs.fields))))


def _merge(first: Pasted, pasted: Pasted) -> Pasted:
    """Fill what the parts left empty from what the pasted text shows."""
    return fill_gaps(first, pasted)
