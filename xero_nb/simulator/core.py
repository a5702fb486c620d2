"""The simulator's engine: one synchronous dispatcher that every front end (transport, ASGI) drives.

It also keeps the call record: a ring of the last ``max_calls`` calls, each request and answer
copied with its credentials masked (bearer tokens, client secrets, codes, issued tokens, state
and nonce), so a long-running simulator neither grows without bound nor holds live tokens.
"""

from __future__ import annotations

import itertools
import json
import secrets
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass
from email.utils import formatdate
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from xero_nb import facts
from xero_nb.http import Request, Response
from xero_nb.simulator import authorize, identity
from xero_nb.simulator.api import handle_api
from xero_nb.simulator.consent import index_page
from xero_nb.simulator.context import Ctx
from xero_nb.simulator.faults import Fault
from xero_nb.simulator.grants import AccessRecord
from xero_nb.simulator.problems import html_response, problem
from xero_nb.simulator.routes import Match
from xero_nb.simulator.wire import Answer, SimRequest
from xero_nb.simulator.world import World

_CONNECTIONS = facts.CONNECTIONS_PATH
RECORD_DEFAULT = 1000  # calls a XeroSimulator keeps unless told otherwise (a few MB at most)
# Form fields, query parameters and JSON keys whose values are credentials (state and nonce
# too: xero-nb's own log filter treats them as secrets, and so does the record).
_SECRET_FIELDS = frozenset({"access_token", "refresh_token", "id_token", "token", "code",
                            "code_verifier", "client_secret", "client_assertion", "password",
                            "state", "nonce"})
_AUTH_HEADERS = frozenset({"authorization", "proxy-authorization"})
_FIXED = {
    facts.AUTHORIZE_PATH: authorize.authorize,
    facts.TOKEN_PATH: identity.token,
    facts.REVOCATION_PATH: identity.revocation,
    facts.USERINFO_PATH: identity.userinfo,
    facts.OPENID_CONFIG_PATH: identity.openid_configuration,
    facts.JWKS_PATH: identity.jwks,
}


@dataclass(slots=True)
class Plan:
    """A call between arrival and answer: what it matched and which faults fired."""

    ctx: Ctx
    matches: list[Match]
    faults: Sequence[Fault] = ()
    key: tuple[str, str] | None = None  # (client_id, tenant_id): the connection called
    admitted: bool = False  # counted in flight (finish() releases it, or end() if it never ran)

    @property
    def latency(self) -> float:
        return sum(f.seconds for f in self.faults if f.kind == "latency")

    @property
    def drop(self) -> bool:
        return any(f.kind == "drop" for f in self.faults)


class SimCore(World):
    """The world plus dispatch; every public method takes the lock, so threads and loops may share it."""

    def __init__(self, *, max_calls: int = RECORD_DEFAULT, **world: Any) -> None:
        super().__init__(**world)
        self.recorded: deque[tuple[Request, Response]] = deque(maxlen=max_calls)
        # Correlation ids: a random UUID-v4 head per simulator and a counter for the node, so
        # each is unique, UUID-shaped as Xero's, and costs one format instead of a uuid4().
        head = secrets.token_hex(10)
        variant = "89ab"[int(head[16], 16) % 4]
        self._cid_head = f"{head[:8]}-{head[8:12]}-4{head[13:16]}-{variant}{head[17:20]}-"
        self._cid_count = itertools.count(int(secrets.token_hex(6), 16))
        self._date: tuple[int, str] = (0, formatdate(0, usegmt=True))

    def http_date(self, now: float) -> str:
        """The ``Date`` header for simulated time ``now`` (RFC 9110 form; one format a second)."""
        second = int(now // 1)
        if self._date[0] != second:
            self._date = (second, formatdate(second, usegmt=True))
        return self._date[1]

    def correlation_id(self) -> str:
        """A fresh correlation id (UUID-shaped)."""
        return f"{self._cid_head}{next(self._cid_count) & 0xFFFFFFFFFFFF:012x}"

    @property
    def max_calls(self) -> int:
        """How many of the latest calls the record keeps (0: none)."""
        return self.recorded.maxlen or 0

    @max_calls.setter
    def max_calls(self, value: int) -> None:
        with self.lock:  # the newest calls stay when the ring shrinks
            self.recorded = deque(self.recorded, maxlen=value) if value else deque(maxlen=0)

    def record(self) -> list[tuple[Request, Response]]:
        """A copy of the record, oldest first."""
        with self.lock:
            return list(self.recorded)

    def begin(self, request: SimRequest) -> Plan:
        """Accept a call: assign its correlation id, route it, fire faults, count it in flight."""
        with self.lock:
            path = request.path
            ctx = Ctx(request, self.correlation_id(), self.clock(), path)
            matches = [] if path in _FIXED else self.routes.match(request.method, path)
            plan = Plan(ctx, matches)
            if self.faults.rules:
                op = matches[0].endpoint.operation_id if matches else None
                plan.faults = self.faults.pick(path, op, bool(matches))
            if matches and self.limits.enabled:
                plan.key = self._connection_key(ctx)
                if plan.key is not None:
                    plan.admitted = self.limits.enter(plan.key)
            return plan

    def _token(self, ctx: Ctx) -> AccessRecord | None:
        """The access token we minted for this call (expired or not): it names the app."""
        tok = ctx.bearer()
        return self.state.access.get(tok) if tok else None

    def _connection_key(self, ctx: Ctx) -> tuple[str, str] | None:
        rec = self._token(ctx)
        if rec is None:
            return None
        tenant = ctx.request.headers.get("xero-tenant-id") or rec.grant.app.tenant_id
        return (rec.grant.app.client_id, tenant.strip().lower()) if tenant else None

    def _is_api(self, plan: Plan) -> bool:
        """True for an api.xero.com answer (not identity, /connections or the index page)."""
        if plan.matches:
            return True
        ctx = plan.ctx
        low = ctx.path.lower().rstrip("/")
        return not (ctx.path in _FIXED or low == "" or low == _CONNECTIONS
                    or low.startswith(_CONNECTIONS + "/")
                    or ctx.request.host in (facts.LOGIN_HOST, facts.IDENTITY_HOST))

    def _with_limits(self, plan: Plan, resp: Answer) -> Answer:
        """Add the quotas left to an API answer the limiter did not count (401s, 404s, faults)."""
        if (not self.limits.enabled or plan.ctx.limited or "X-AppMinLimit-Remaining" in resp.headers
                or not self._is_api(plan)):
            return resp
        rec = self._token(plan.ctx)
        if rec is None:  # no token we know: the app is unknown, so no quota to report
            return resp
        app = rec.grant.app
        key = plan.key or self._connection_key(plan.ctx)
        for name, value in self.limits.peek(app.client_id, key[1] if key else None, app.tier,
                                            plan.ctx.now).items():
            resp.headers[name] = value
        return resp

    def _api_name(self, ctx: Ctx) -> str:
        """The API a path lies under (its problem bodies' key case), the tenant's region deciding."""
        org = self.orgs_by_id.get((ctx.request.headers.get("xero-tenant-id") or "").strip().lower())
        return self.routes.api_of(ctx.path, org.payroll_region if org else None) or "accounting"

    def finish(self, plan: Plan) -> Answer:
        """Answer the call (faults permitting), log it, and let it leave the connection's count."""
        with self.lock:
            ctx = plan.ctx
            ctx.now = self.clock()
            if plan.faults:
                resp = self._faulty(plan)
            else:
                resp = self._dispatch(plan)
                if not ctx.limited:
                    resp = self._with_limits(plan, resp)
            resp.headers.append("Date", self.http_date(ctx.now))  # simulated time, as every answer
            if self.recorded.maxlen:
                self.recorded.append((masked_request(ctx.request),
                                      masked_response(resp, ctx.path == facts.TOKEN_PATH)))
            if plan.admitted:  # answered: it no longer counts against the 5 in flight
                plan.admitted = False
                self.limits.leave(plan.key or ("", ""))
            return resp

    def _faulty(self, plan: Plan) -> Answer:
        """The answer under the faults that fired: a 503 or 500 instead, or the body cut short."""
        ctx = plan.ctx
        kinds = {f.kind for f in plan.faults}
        if "503" in kinds:
            resp = problem(503, "The Organisation is offline", ctx.cid, self._api_name(ctx),
                           title="Service Unavailable")
        elif "500" in kinds:
            resp = problem(500, "An error occurred in Xero", ctx.cid, self._api_name(ctx))
        else:
            resp = self._dispatch(plan)
        resp = self._with_limits(plan, resp)
        if "truncate" in kinds and resp.content:
            resp = Answer(resp.status_code, headers=[
                (k, v) for k, v in resp.headers.items() if k.lower() != "content-length"],
                content=resp.content[: max(1, len(resp.content) // 2)])
        return resp

    def end(self, plan: Plan) -> None:
        """The call left (dropped, or its answer failed): release it if ``finish`` did not."""
        if plan.admitted and plan.key is not None:
            with self.lock:
                if plan.admitted:
                    plan.admitted = False
                    self.limits.leave(plan.key)

    def _dispatch(self, plan: Plan) -> Answer:
        ctx = plan.ctx
        if plan.matches:  # an API route (fixed paths and /connections never match one)
            answer = handle_api(self, ctx, plan.matches, plan.key, busy=not plan.admitted)
            if 200 <= answer.status_code < 300 and _wants_xml_only(ctx.request.headers.get("accept")):
                # Xero answers XML when asked; the simulator speaks JSON only, and says so
                # rather than send JSON to a client that cannot read it.
                return problem(406, "The simulator answers JSON only: send Accept: application/json "
                               "(Xero's SDKs do). Xero itself can answer the Accounting API in XML.",
                               ctx.cid, plan.matches[0].endpoint.api, title="Not Acceptable")
            return answer
        handler = _FIXED.get(ctx.path)
        if handler is not None:
            return handler(self, ctx)
        low = ctx.path.lower().rstrip("/")
        if low == _CONNECTIONS:
            return identity.connections(self, ctx, None)
        if low.startswith(_CONNECTIONS + "/") and low.count("/") == 2:
            return identity.connections(self, ctx, ctx.path.rstrip("/").rsplit("/", 1)[1])
        if low == "" and ctx.method == "GET":
            origin = f"{ctx.request.scheme}://{ctx.request.netloc}"
            return html_response(200, index_page(self.apps, self.orgs, origin), ctx.cid)
        api = self._api_name(ctx)
        if self.routes.is_api_path(ctx.path) and self.routes.path_exists(ctx.path):
            return problem(405, "The method is not allowed for this resource", ctx.cid, api)
        return problem(404, "The resource you have specified cannot be found", ctx.cid, api,
                       title="NotFound")


def _wants_xml_only(accept: str | None) -> bool:
    """An Accept header that names XML and nothing JSON or wildcard (``*/*``, ``application/*``)."""
    if not accept:
        return False
    kinds = [part.split(";", 1)[0].strip().lower() for part in accept.split(",")]
    return any(k.endswith("/xml") or k.endswith("+xml") for k in kinds) and not any(
        "json" in k or k.endswith("/*") for k in kinds)


def _mask(secret: str) -> str:
    """``'***wxyz'`` (ASCII, fit for a header): tells credentials apart, never enough to use one."""
    return "***" + secret[-4:] if len(secret) > 8 else "***"


def _masked_header(name: str, value: str) -> str:
    low = name.lower()
    if low in _AUTH_HEADERS:
        scheme, _, credential = value.partition(" ")
        return f"{scheme} {_mask(credential.strip())}" if credential else _mask(value)
    if low == "location":
        return _masked_url(value)
    return value


def _masked_pairs(text: str) -> str | None:
    """A query or form string with credential values masked (None: it holds none)."""
    pairs = parse_qsl(text, keep_blank_values=True)
    if not any(k.lower() in _SECRET_FIELDS for k, _ in pairs):
        return None
    return urlencode([(k, _mask(v) if k.lower() in _SECRET_FIELDS else v) for k, v in pairs],
                     safe="*")


def _masked_url(url: str) -> str:
    parts = urlsplit(url)
    query = _masked_pairs(parts.query) if parts.query else None
    return url if query is None else urlunsplit(parts._replace(query=query))


def _headers(headers: Any) -> list[tuple[bytes, bytes]]:
    """Masked headers without Content-Length (the copy's body may be shorter). Values go as the
    bytes they came as (HTTP header bytes are Latin-1): a header with a non-ASCII character
    (User-Agent: CaféApp) is recorded, never turned into a failure of the call."""
    return [(k.encode("latin-1", "replace"), _masked_header(k, v).encode("latin-1", "replace"))
            for k, v in headers.multi_items() if k.lower() != "content-length"]


def masked_request(request: SimRequest) -> Request:
    """A copy of ``request`` for the record: credentials in headers and form fields masked."""
    content = request.content
    if content and "x-www-form-urlencoded" in request.headers.get("content-type", ""):
        form = _masked_pairs(content.decode("latin-1"))
        content = content if form is None else form.encode()
    return Request(request.method, _masked_url(request.url),
                   headers=_headers(request.headers), content=content)


def masked_response(response: Answer, issues_tokens: bool) -> Response:
    """A copy of ``response`` for the record; the token endpoint's tokens masked."""
    content = response.content
    if issues_tokens and content:
        try:
            body = json.loads(content)
        except ValueError:
            body = None
        if isinstance(body, dict):
            content = json.dumps({k: _mask(str(v)) if k in _SECRET_FIELDS and v else v
                                  for k, v in body.items()}).encode()
    return Response(response.status_code, headers=_headers(response.headers), content=content)
