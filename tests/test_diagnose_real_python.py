"""diagnose() reads what xero-python (Xero's official Python SDK) really raises, scenario by scenario.

For each named failure scenario (``sim.scenario(code)``, built on the simulator that the
127.0.0.1 server serves) the SDK's own method for the scenario's request is called through a
real HTTP connection: the API class method for its URL (``GET /api.xro/2.0/Accounts`` ->
``AccountingApi.get_accounts``), or ``TokenApi.refresh_token`` / ``get_client_credentials_token``
for the token endpoint. What it raised is then diagnosed the three ways a user has it: the
exception object, ``str(exc)`` (what a ``print(e)`` or a log line shows) and the traceback Python
prints. With the scenario's context (the token, the app's era, the scopes asked for, the token's
/connections, the tenant id passed) the scenario's code must come first; with the text alone it
must be among the first three, unless the printout lacks what tells the causes apart (listed,
with why).

What xero-python (15.x, as the project pins it) raises, as found here:

* an API method: an ``ApiException`` subclass by status (``HTTPStatusException`` for 400/401/403,
  ``NotFoundException``, ``RateLimitException``...). Its ``str`` holds the status, the response
  headers and the body, but not the URL: the traceback's frames (``get_journals``,
  ``payrollau/api``) are what name the call;
* an API method given no tenant id: ``ValueError("Missing the required parameter
  `xero_tenant_id` when calling `get_accounts`")`` before any request;
* the token endpoint (``TokenApi``): ``HTTPStatusException`` with Xero's ``{"error": ...}`` body;
* a 429: urllib3's default retries (which xero-python leaves on) sleep for ``Retry-After`` and
  send the call again, up to three times, before the SDK sees the 429. The test turns that sleep
  off (``retries=False`` on the SDK's pool) to see the 429 the user sees once the retries fail too.
"""

from __future__ import annotations

import base64
import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest
from real_sdk import Case, Raised, diagnosed, raised_from
from xero_python.accounting import AccountingApi
from xero_python.api_client import ApiClient
from xero_python.api_client.configuration import Configuration
from xero_python.api_client.oauth2 import OAuth2Token, TokenApi
from xero_python.finance import FinanceApi
from xero_python.payrollau import PayrollAuApi
from xero_python.payrolluk import PayrollUkApi

from xero_nb.simulator import SimServer, XeroSimulator
from xero_nb.simulator.scenarios import SCENARIOS, Scenario

# The SDK's API class and method for each scenario's path.
METHODS: dict[str, tuple[type[Any], str]] = {
    "/api.xro/2.0/Accounts": (AccountingApi, "get_accounts"),
    "/api.xro/2.0/Contacts": (AccountingApi, "get_contacts"),
    "/api.xro/2.0/Invoices": (AccountingApi, "get_invoices"),
    "/api.xro/2.0/Journals": (AccountingApi, "get_journals"),
    "/payroll.xro/2.0/Employees": (PayrollUkApi, "get_employees"),
    "/payroll.xro/1.0/Employees": (PayrollAuApi, "get_employees"),
    "/finance.xro/1.0/FinancialStatements/BalanceSheet": (FinanceApi,
                                                          "get_financial_statement_balance_sheet"),
}
FORMS = ("object", "str", "traceback")


# tenant_header_missing itself passes no tenant id: the SDK refuses to send the call (ValueError).
CASES = (*(Case(code) for code in SCENARIOS), Case("tenant_header_missing", "empty"))
IDS = [c.id for c in CASES]
# What the SDK raises, by case (the rest: HTTPStatusException, for 400, 401 and 403).
RAISES = {"payroll_region_mismatch": "NotFoundException", "rate_limited": "RateLimitException",
          "tenant_header_missing": "ValueError"}
# Forms with context that do not hold what puts the code first; each is asserted to be in the
# top 3 instead, and why is said here.
NOT_FIRST = {
    # str(exc) has no URL: "a 404 with the payroll scope held" cannot tell a payroll API of
    # another region from a wrong id; the traceback's frame (payrollau/api) can.
    ("payroll_region_mismatch", "str"): "no URL: any 404",
    # str(exc) has no URL: the 401 insufficient_scope of GET /Journals reads as any missing scope
    ("tier_gated", "str"): "no URL: the Journals gate looks like a missing scope",
}
# Cases whose cause is in the context, not in the printout: without context the code need not be
# in the top 3 of any form.
NEEDS_CONTEXT = {
    # a plain 401 insufficient_scope on GET /Invoices: only the token (accounting.transactions) and
    # the app's era (granular) tell it from a missing scope
    "broad_scope_on_granular_app",
}
# Forms that hold too little even for the top 3 without context (the str of a 404 from the
# payroll API: no URL, and Xero's NotFound body, as for a wrong id).
# An empty 403 (a product the organisation has not set up: facts "unprovisioned_product_body")
# prints as a status and headers alone: nothing of the product without the token or the URL.
TOO_LITTLE_ALONE = {("payroll_region_mismatch", "str"), ("tier_gated", "str"), ("feature_not_in_plan", "str")}


def _client(server: SimServer, token: dict[str, Any] | None, client_id: str = "sim",
            secret: str = "sim") -> ApiClient:
    config = Configuration(oauth2_token=OAuth2Token(client_id=client_id, client_secret=secret))
    client = ApiClient(config, pool_threads=1, oauth2_token_getter=lambda: token or {},
                       oauth2_token_saver=lambda t: None)
    # urllib3's default Retry honours Retry-After on a 429 by sleeping and calling again: off, so
    # the 429 is raised now instead of after a minute.
    client.rest_client.pool_manager.connection_pool_kw["retries"] = False
    return client


def _call(server: SimServer, case: Case, sc: Scenario) -> dict[str, str]:
    """Make the SDK call the scenario describes (it raises); the secrets handed to the SDK."""
    if sc.form is None:
        assert sc.token is not None
        token = {**sc.token, "expires_at": time.time() + 1800}
        path = urlsplit(sc.url).path
        cls, name = METHODS[path]
        root = "/".join(path.split("/")[:3])  # /api.xro/2.0, /payroll.xro/1.0, ...
        api = cls(_client(server, token), base_url=server.url + root)
        tenant = "" if case.variant == "empty" else sc.tenant_id
        secrets = {"access token": sc.token["access_token"]}
        getattr(api, name)(tenant)
        return secrets
    client_id, secret = base64.b64decode(sc.headers["Authorization"].split(" ", 1)[1]).decode().split(":", 1)
    token_api = TokenApi(_client(server, None, client_id, secret), client_id, secret)
    if sc.form["grant_type"] == "refresh_token":
        token_api.refresh_token(sc.form["refresh_token"], ["openid", "offline_access"])
        return {"client secret": secret, "refresh token": sc.form["refresh_token"]}
    # The SDK asks for no scope with client credentials but marketplace.billing (App Store
    # billing): a custom connection that is no App Store app is refused it.
    token_api.get_client_credentials_token(app_store_billing=True)
    return {"client secret": secret}


@pytest.fixture(scope="module")
def raised() -> Iterator[dict[str, Raised]]:
    """Every case's exception, each from its own scenario on one served simulator."""
    sim = XeroSimulator()
    with sim.serve() as server, pytest.MonkeyPatch.context() as mp:
        for attr in ("refresh_token_url", "client_credentials_token_url"):
            mp.setattr(TokenApi, attr, server.url + "/connect/token")
        out: dict[str, Raised] = {}
        for case in CASES:
            sc = sim.scenario(case.code)
            secrets: dict[str, str] = {}
            try:
                secrets = _call(server, case, sc)
            except Exception as exc:  # the failure being looked for
                out[case.id] = raised_from(sc, case, exc, secrets)
            else:
                pytest.fail(f"{case.id}: the SDK call did not fail")
        yield out


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_the_sdk_raises_its_own_exception(raised: dict[str, Raised], case: Case) -> None:
    exc = raised[case.id].exc
    assert type(exc).__name__ == RAISES.get(case.id, "HTTPStatusException"), repr(exc)[:300]


@pytest.mark.parametrize("form", FORMS)
@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_each_form_with_context(raised: dict[str, Raised], case: Case, form: str) -> None:
    d = diagnosed(raised[case.id], form, with_context=True)
    if (case.code, form) in NOT_FIRST:
        assert case.code in d.codes[:3], (form, d.codes)
    else:
        assert d.top.code == case.code, (form, d.codes[:3])


ALONE = [(c, f) for c in CASES for f in FORMS
         if c.code not in NEEDS_CONTEXT and (c.code, f) not in TOO_LITTLE_ALONE]


@pytest.mark.parametrize(("case", "form"), ALONE, ids=[f"{c.id}-{f}" for c, f in ALONE])
def test_each_form_alone(raised: dict[str, Raised], case: Case, form: str) -> None:
    d = diagnosed(raised[case.id], form, with_context=False)
    assert case.code in d.codes[:3], (form, d.codes[:3])


@pytest.mark.parametrize(("code", "form"), sorted(TOO_LITTLE_ALONE))
def test_a_form_too_thin_alone_lacks_the_url(raised: dict[str, Raised], code: str, form: str) -> None:
    """Why TOO_LITTLE_ALONE: the SDK's str() names no URL and no method; the traceback does."""
    r = raised[code]
    assert "xro" not in r.form(form) and "xero.com" not in r.form(form)
    assert {"payroll_region_mismatch": "/payrollau/api/", "tier_gated": "get_journals",
            "feature_not_in_plan": "/payrolluk/"}[code] in r.printed


def test_the_sdk_sleeps_on_a_429_unless_told_not_to() -> None:
    """Why the test turns retries off: xero-python's pool keeps urllib3's default Retry."""
    import urllib3

    config = Configuration(oauth2_token=OAuth2Token(client_id="sim", client_secret="sim"))
    client = ApiClient(config, pool_threads=1, oauth2_token_getter=lambda: {},
                       oauth2_token_saver=lambda t: None)
    assert client.rest_client.pool_manager.connection_pool_kw.get("retries") is None
    default = urllib3.util.Retry.DEFAULT  # what a pool without "retries" uses
    assert default.respect_retry_after_header
    assert default.is_retry("GET", 429, has_retry_after=True)
