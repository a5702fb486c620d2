"""diagnose() reads what pyxero (the community ``xero`` library, 0.9.x) really raises, scenario by scenario.

For each named failure scenario (``sim.scenario(code)``, built on the simulator that the
127.0.0.1 server serves) pyxero's own call for the scenario's request is made through a real
HTTP connection: the manager's ``all()`` for its URL (``GET /api.xro/2.0/Accounts`` ->
``Xero(credentials).accounts.all()``), or ``OAuth2Credentials.refresh()`` for the token endpoint.
What it raised is then diagnosed the three ways a user has it: the exception object, ``str(exc)``
(what a ``print(e)`` or a log line shows) and the traceback Python prints. With the scenario's
context (the token, the app's era, the scopes asked for, the token's /connections, the tenant id
passed) the scenario's code must come first; with the text alone it must be among the first
three, unless the printout lacks what tells the causes apart (listed, with why).

How pyxero is pointed at the server, the least invasive way:

* the API: ``credentials.base_url = server.url`` (an attribute ``OAuth2Credentials`` sets to
  ``XERO_BASE_URL`` and every manager reads when built), before ``Xero(credentials)``;
* the token endpoint: ``xero.auth.XERO_OAUTH2_TOKEN_URL`` monkeypatched (``refresh()`` reads the
  name imported into ``xero.auth``, and nothing else does);
* ``OAUTHLIB_INSECURE_TRANSPORT=1`` (monkeypatched env): requests-oauthlib's ``OAuth2`` auth and
  ``OAuth2Session`` refuse a plain-http URL (``InsecureTransportError``) before any request.

What pyxero (0.9.5) raises, as found here:

* an API call: its own exception by status, ``XeroUnauthorized`` (401), ``XeroForbidden`` (403),
  ``XeroNotFound`` (404), ``XeroRateLimitExceeded`` (429). Their ``str`` is thin: a 401 gives only
  the body's ``Detail`` (``AuthorizationUnsuccessful``, ``TokenExpired: token expired at ...``,
  no status, no WWW-Authenticate), a 403/404 the raw JSON body, a 429 pyxero's own advice
  (``... the limit exceeded is: minute``, no Retry-After). None names the URL, and the traceback
  does not either: every API's frame is ``xero/basemanager.py``'s ``wrapper``. The object keeps
  the ``requests`` response (status, headers, URL, and the request with its bearer token);
* a call with no tenant id, ``None`` or ``""``: ``XeroTenantIdNotSet()``, with no message, before
  any request (``str(exc) == ""``);
* the token endpoint (``refresh()``, via requests-oauthlib): oauthlib's ``InvalidGrantError`` /
  ``InvalidClientError``, ``str`` ``"(invalid_grant) "``;
* a 429 is not retried: pyxero calls ``requests.get``, whose adapter's ``Retry(total=0)`` never
  honours Retry-After (unlike xero-python's urllib3 pool), so nothing needs turning off.

Left out: scenarios whose API or grant pyxero has no call for (``LEFT_OUT``, asserted).
"""

from __future__ import annotations

import base64
import functools
import inspect
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
import requests
import xero.auth  # type: ignore[import-untyped]
import xero.constants  # type: ignore[import-untyped]
from real_sdk import Case, Raised, diagnosed, raised_from
from xero import Xero
from xero.auth import OAuth2Credentials

from xero_nb.simulator import SimServer, XeroSimulator
from xero_nb.simulator.scenarios import SCENARIOS, Scenario

# pyxero's manager (attributes from Xero(credentials)) for each scenario's path; it is called
# with .all(). Accounting: Accounts, Contacts, Invoices, Journals; AU payroll 1.0: payrollAPI.
MANAGERS: dict[str, tuple[str, ...]] = {
    "/api.xro/2.0/Accounts": ("accounts",),
    "/api.xro/2.0/Contacts": ("contacts",),
    "/api.xro/2.0/Invoices": ("invoices",),
    "/api.xro/2.0/Journals": ("journals",),
    "/payroll.xro/1.0/Employees": ("payrollAPI", "employees"),
}
# Scenarios pyxero cannot make: it has no call for their API or grant (asserted below).
LEFT_OUT = {
    # GET /payroll.xro/2.0/Employees: pyxero's only payroll manager is AU payroll 1.0
    "feature_not_in_plan": "no payroll 2.0 (NZ/UK) manager",
    # GET /finance.xro/1.0/...: pyxero has no Finance API manager
    "restricted_scope": "no Finance API manager",
    # POST /connect/token grant_type=client_credentials: pyxero has no custom-connection grant
    "invalid_scope_requested": "no client-credentials grant",
}
FORMS = ("object", "str", "traceback")


CASES = (*(Case(code) for code in SCENARIOS if code not in LEFT_OUT),
         Case("tenant_header_missing", "empty"))
IDS = [c.id for c in CASES]
# What pyxero raises, by scenario (module xero.exceptions unless dotted).
RAISES = {
    "missing_scope": "XeroUnauthorized", "not_reconsented": "XeroUnauthorized",
    "token_expired": "XeroUnauthorized", "broad_scope_on_granular_app": "XeroUnauthorized",
    "tier_gated": "XeroUnauthorized", "tenant_header_missing": "XeroTenantIdNotSet",
    "tenant_not_connected": "XeroForbidden", "connection_revoked": "XeroForbidden",
    "user_role": "XeroForbidden", "payroll_region_mismatch": "XeroNotFound",
    "rate_limited": "XeroRateLimitExceeded",
    "invalid_grant": "oauthlib.oauth2.rfc6749.errors.InvalidGrantError",
    "invalid_client": "oauthlib.oauth2.rfc6749.errors.InvalidClientError",
}
# Forms with context that do not hold what puts the code first; each is asserted to be in the
# top 3 instead, and why is said here.
NOT_FIRST = {
    # str(exc) is the body's Detail, "AuthorizationUnsuccessful": no URL, so the Journals gate
    # reads as any missing scope; pyxero's traceback frame (basemanager.py wrapper) names no call
    ("tier_gated", "str"): "no URL: the Journals gate looks like a missing scope",
    ("tier_gated", "traceback"): "no URL, and no frame names Journals",
}
# Cases whose cause is in the context, not in the printout: without context the code need not be
# in the top 3 of any form.
NEEDS_CONTEXT = {
    # a plain 401 AuthorizationUnsuccessful on GET /Invoices: only the token
    # (accounting.transactions) and the app's era (granular) tell it from a missing scope
    "broad_scope_on_granular_app",
}
# Forms that hold too little even for the top 3 without context: no URL in the str, and no frame
# of pyxero's that names the API or the call (all are basemanager.py's wrapper).
TOO_LITTLE_ALONE = {("payroll_region_mismatch", "str"), ("payroll_region_mismatch", "traceback"),
                    ("tier_gated", "str"), ("tier_gated", "traceback")}
# Forms that hold nothing at all: str(XeroTenantIdNotSet()) is "". With or without context,
# diagnose must not name a wrong cause (unknown, or the scenario's code).
EMPTY = {("tenant_header_missing", "str")}


def _call(server: SimServer, case: Case, sc: Scenario, secrets: dict[str, str]) -> None:
    """Make the pyxero call the scenario describes (it raises); note the secrets handed to it."""
    if sc.form is None:
        assert sc.token is not None
        secrets["access token"] = sc.token["access_token"]
        tenant = "" if case.variant == "empty" else sc.tenant_id
        credentials = OAuth2Credentials("sim", "sim", token=dict(sc.token), tenant_id=tenant)
        credentials.base_url = server.url
        call = functools.reduce(getattr, MANAGERS[urlsplit(sc.url).path], Xero(credentials)).all
        call()  # one plain line, so the traceback's own frame names no API
        return
    client_id, secret = base64.b64decode(sc.headers["Authorization"].split(" ", 1)[1]).decode().split(":", 1)
    assert sc.form["grant_type"] == "refresh_token"
    secrets.update({"client secret": secret, "refresh token": sc.form["refresh_token"]})
    # pyxero's refresh() needs a token dict holding the refresh token; the access token is unused
    token = {"access_token": "unused", "token_type": "Bearer", "refresh_token": sc.form["refresh_token"]}
    OAuth2Credentials(client_id, secret, token=token).refresh()


@pytest.fixture(scope="module")
def raised() -> Iterator[dict[str, Raised]]:
    """Every case's exception, each from its own scenario on one served simulator."""
    sim = XeroSimulator()
    with sim.serve() as server, pytest.MonkeyPatch.context() as mp:
        mp.setattr(xero.auth, "XERO_OAUTH2_TOKEN_URL", server.url + "/connect/token")
        mp.setenv("OAUTHLIB_INSECURE_TRANSPORT", "1")
        out: dict[str, Raised] = {}
        for case in CASES:
            sc = sim.scenario(case.code)
            secrets: dict[str, str] = {}
            try:
                _call(server, case, sc, secrets)
            except Exception as exc:  # the failure being looked for
                out[case.id] = raised_from(sc, case, exc, secrets)
            else:
                pytest.fail(f"{case.id}: the pyxero call did not fail")
        yield out


def test_every_scenario_is_a_case_or_left_out() -> None:
    assert {c.code for c in CASES} | set(LEFT_OUT) == set(SCENARIOS)
    assert not {c.code for c in CASES} & set(LEFT_OUT)


def test_pyxero_has_no_call_for_the_scenarios_left_out() -> None:
    """Why LEFT_OUT: pyxero's URLs hold no payroll 2.0 and no Finance API; its auth no client credentials."""
    urls = [v for k, v in vars(xero.constants).items() if k.startswith("XERO_") and isinstance(v, str)]
    assert xero.constants.XERO_PAYROLL_URL == "/payroll.xro/1.0"
    assert not [u for u in urls if "payroll.xro/2.0" in u or "finance.xro" in u]
    assert "client_credentials" not in inspect.getsource(xero.auth)


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_pyxero_raises_its_own_exception(raised: dict[str, Raised], case: Case) -> None:
    exc = raised[case.id].exc
    name = RAISES[case.code]
    got = f"{type(exc).__module__}.{type(exc).__name__}" if "." in name else type(exc).__name__
    assert got == name, repr(exc)[:300]
    if "." not in name:
        assert type(exc).__module__ == "xero.exceptions"


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_pyxero_str_and_traceback_hold_no_secret(raised: dict[str, Raised], case: Case) -> None:
    r = raised[case.id]
    tokens = [r.scenario.token.get(k) for k in ("access_token", "refresh_token")] if r.scenario.token else []
    for form in ("str", "traceback"):
        leaked = [v[:6] + "..." for v in (*r.secrets.values(), *tokens) if v and v in r.form(form)]
        assert leaked == [], form


@pytest.mark.parametrize("form", FORMS)
@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_each_form_with_context(raised: dict[str, Raised], case: Case, form: str) -> None:
    d = diagnosed(raised[case.id], form, with_context=True)
    if (case.code, form) in EMPTY:
        assert d.top.code in ("unknown", case.code), (form, d.codes[:3])
    elif (case.code, form) in NOT_FIRST:
        assert case.code in d.codes[:3], (form, d.codes)
    else:
        assert d.top.code == case.code, (form, d.codes[:3])


ALONE = [(c, f) for c in CASES for f in FORMS
         if c.code not in NEEDS_CONTEXT and (c.code, f) not in TOO_LITTLE_ALONE]


@pytest.mark.parametrize(("case", "form"), ALONE, ids=[f"{c.id}-{f}" for c, f in ALONE])
def test_each_form_alone(raised: dict[str, Raised], case: Case, form: str) -> None:
    d = diagnosed(raised[case.id], form, with_context=False)
    if (case.code, form) in EMPTY:
        assert d.top.code in ("unknown", case.code), (form, d.codes[:3])
    else:
        assert case.code in d.codes[:3], (form, d.codes[:3])


@pytest.mark.parametrize(("code", "form"), sorted(TOO_LITTLE_ALONE | set(NOT_FIRST)))
def test_a_form_too_thin_lacks_the_url(raised: dict[str, Raised], code: str, form: str) -> None:
    """Why TOO_LITTLE_ALONE and NOT_FIRST: no URL in the printout, and pyxero's only frame is
    basemanager.py's wrapper, whatever the API; the object's response has the URL."""
    r = raised[code]
    text = r.form(form)
    assert "xro" not in text and "xero.com" not in text and server_url(r) not in text
    frames = [ln for ln in text.splitlines() if ln.lstrip().startswith("File ") and "/xero/" in ln]
    if form == "traceback":  # pyxero's frames: only basemanager.py's wrapper
        assert frames and all('/xero/basemanager.py", line ' in ln and ln.endswith(", in wrapper")
                              for ln in frames), frames
    word = {"payroll_region_mismatch": "payroll", "tier_gated": "journal"}[code]
    assert word not in text.lower()
    assert word in r.exc.response.url.lower()  # type: ignore[attr-defined]


def server_url(r: Raised) -> str:
    """The simulator's URL as pyxero called it (scheme and host), from the response."""
    parts = urlsplit(r.exc.response.url)  # type: ignore[attr-defined]
    return f"{parts.scheme}://{parts.netloc}"


@pytest.mark.parametrize("variant", ["", "empty"])
def test_an_empty_form_holds_nothing(raised: dict[str, Raised], variant: str) -> None:
    """Why EMPTY: pyxero raises XeroTenantIdNotSet() with no message and before any request."""
    r = raised[Case("tenant_header_missing", variant).id]
    assert str(r.exc) == "" and r.exc.args == ()
    assert not hasattr(r.exc, "response")
    assert "XeroTenantIdNotSet" in r.printed  # the traceback's last line names the class


def test_requests_does_not_retry_a_429(raised: dict[str, Raised]) -> None:
    """Why nothing is turned off for rate_limited: pyxero calls requests.get, whose adapter's
    Retry(total=0) never sleeps on Retry-After (xero-python's urllib3 pool does)."""
    retry = requests.adapters.HTTPAdapter().max_retries
    assert retry.total == 0
    assert not retry.is_retry("GET", 429, has_retry_after=True)
    exc = raised["rate_limited"].exc
    assert exc.response.status_code == 429  # type: ignore[attr-defined]
    assert exc.response.headers.get("Retry-After")  # type: ignore[attr-defined]
    assert "Retry-After" not in str(exc) and "60" not in str(exc)  # pyxero's str drops it
