"""diagnose() reads what xero-node (Xero's official Node SDK) really throws, scenario by scenario.

``tests/node/scenarios.js`` runs in ``node`` with the xero-node that ``make node`` installs into
``.node/``. For each named failure scenario (``sim.scenario(code)``, built on the simulator the
127.0.0.1 server serves) it calls the SDK's own method for the scenario's request: the API class
method for its URL (``GET /api.xro/2.0/Accounts`` -> ``accountingApi.getAccounts``), or, for the
token endpoint, ``XeroClient.refreshWithRefreshToken`` / ``refreshToken`` /
``getClientCredentialsToken`` with the scenario's client id, secret and refresh token. It prints what
the SDK threw the ways users print it: ``JSON.stringify(err)``, ``String(err)``, ``util.inspect(err)``
and ``console.log(err)``, and the thrown value itself as JSON (the "dict": for the API classes, which
reject with a JSON string, ``JSON.parse(err)``). One node process serves every scenario.

What xero-node 20.0.0 throws, by call:

* an API class method: a *string*, ``JSON.stringify({response: {statusCode, body, headers, request:
  {url: {protocol, port, host, path}, headers (redacted to a safe list), method}}, body})``;
  ``JSON.stringify`` of it is that JSON quoted once more;
* an API class method given no tenant id: ``new Error("Required parameter xeroTenantId was null or
  undefined when calling getAccounts.")``, before any request (``JSON.stringify`` of it is ``{}``);
* ``refreshWithRefreshToken``: an ``AxiosError`` (config headers redacted, form data deleted), whose
  ``JSON.stringify`` (axios's ``toJSON``) keeps message, config and status but not the response body;
* ``refreshToken`` (openid-client): an ``OPError`` holding ``error`` (``invalid_grant``, ...);
* ``getClientCredentialsToken``: posts ``scopes=`` where Xero reads ``scope``, so the scope asked for
  never reaches the token endpoint (see the last test).
"""

from __future__ import annotations

import base64
import json
import os
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from test_sim_node import MODULES, NODE, ROOT, needs_node

from xero_nb.diagnose.diagnosis import diagnose
from xero_nb.diagnose.findings import Diagnosis
from xero_nb.simulator import XeroSimulator
from xero_nb.simulator.scenarios import SCENARIOS, Scenario

DRIVER = ROOT / "tests" / "node" / "scenarios.js"
pytestmark = needs_node
PROXY_VARS = {"http_proxy", "https_proxy", "all_proxy", "no_proxy"}

# The ways users print what xero-node threw (the driver's names): JSON.stringify(err), String(err),
# util.inspect(err), console.log(err); and err.message when it threw an Error (not a string).
FORMS = ("json", "string", "inspect", "console")


@dataclass(frozen=True)
class Case:
    """One SDK call that hits a scenario: the scenario's code, and how the SDK is called."""

    code: str
    variant: str = ""  # "" the plain call; "empty": tenant id ""; "openid": XeroClient.refreshToken()

    @property
    def id(self) -> str:
        return f"{self.code}/{self.variant}" if self.variant else self.code


# invalid_scope_requested is not diagnosed: xero-node cannot ask for a scope (the last test pins why).
CASES = (*(Case(code) for code in SCENARIOS if code != "invalid_scope_requested"),
         Case("tenant_header_missing", "empty"), Case("invalid_grant", "openid"),
         Case("invalid_client", "openid"))
IDS = [c.id for c in CASES]

# The SDK method each case calls, and the type of what it throws.
CALLS = {
    "missing_scope": "accounting.getAccounts", "not_reconsented": "accounting.getContacts",
    "token_expired": "accounting.getAccounts", "tenant_header_missing": "accounting.getAccounts",
    "tenant_header_missing/empty": "accounting.getAccounts", "tenant_not_connected": "accounting.getAccounts",
    "connection_revoked": "accounting.getAccounts", "user_role": "accounting.getAccounts",
    "feature_not_in_plan": "payroll_nz.getEmployees", "payroll_region_mismatch": "payroll_au.getEmployees",
    "restricted_scope": "finance.getFinancialStatementBalanceSheet",
    "broad_scope_on_granular_app": "accounting.getInvoices", "tier_gated": "accounting.getJournals",
    "rate_limited": "accounting.getAccounts", "invalid_grant": "XeroClient.refreshWithRefreshToken",
    "invalid_client": "XeroClient.refreshWithRefreshToken", "invalid_grant/openid": "XeroClient.refreshToken",
    "invalid_client/openid": "XeroClient.refreshToken",
}
THROWN = {"tenant_header_missing": "Error", "invalid_grant": "AxiosError", "invalid_client": "AxiosError",
          "invalid_grant/openid": "OPError", "invalid_client/openid": "OPError"}  # the rest: "string"
STATUS = {"missing_scope": 401, "not_reconsented": 401, "token_expired": 401, "tenant_header_missing/empty": 403,
          "tenant_not_connected": 403, "connection_revoked": 403, "user_role": 403, "feature_not_in_plan": 403,
          "payroll_region_mismatch": 404, "restricted_scope": 403, "broad_scope_on_granular_app": 401,
          "tier_gated": 401, "rate_limited": 429, "invalid_grant": 400, "invalid_client": 400}

# Printed forms that do not hold the cause at all, whatever diagnose does: what they hold is asserted
# instead (test_a_form_without_the_cause_holds_what_the_sdk_left_in_it).
EMPTY = {
    # JSON.stringify(new Error(...)) is "{}": an Error's message and stack are not enumerable.
    ("tenant_header_missing", "json"): "{}",
    # String(AxiosError): its message only, "Request failed with status code 400": no URL, no body.
    ("invalid_grant", "string"): "AxiosError: Request failed with status code 400",
    ("invalid_client", "string"): "AxiosError: Request failed with status code 400",
    ("invalid_grant", "message"): "Request failed with status code 400",
    ("invalid_client", "message"): "Request failed with status code 400",
}
# Printed forms that hold the kind of failure but not which one: JSON.stringify(AxiosError) (axios's
# toJSON) keeps the status and the token endpoint's URL but drops the response, so Xero's "error"
# (invalid_grant or invalid_client) is gone, and token-endpoint scenarios have no other context.
# Here the code must be among the top 3, with and without context, instead of first.
FAMILY_ONLY = {("invalid_grant", "json"), ("invalid_client", "json")}
# Scenarios whose cause is in the context, not in the error: with no context, the code need not be in
# the top 3 of any printed form.
NEEDS_CONTEXT = {
    # the error is a plain 401 insufficient_scope on GET /Invoices, the same as a missing scope: only
    # the token (accounting.transactions granted) and the app's era (granular) tell them apart
    "broad_scope_on_granular_app",
}
# Everywhere else the printed error alone holds enough for the top 3: the problem Detail
# (TokenExpired, "Not Permitted", the plan, invalid-application), X-Rate-Limit-Problem, the empty
# tenant header, the SDK's "Required parameter xeroTenantId" message, Xero's "error" from the token
# endpoint; or a status, WWW-Authenticate and URL whose candidates include the code (missing_scope /
# not_reconsented on a 401 insufficient_scope, tenant_not_connected / connection_revoked on a 403
# AuthenticationUnsuccessful with the tenant sent, tier_gated on /Journals, payroll_region_mismatch
# on a 404 from /payroll.xro/1.0).
WITH_CONTEXT = [(c, f) for c in CASES for f in (*FORMS, *(("message",) if c.id in THROWN else ()))
                if (c.id, f) not in EMPTY]
ALONE = [(c, f) for c, f in WITH_CONTEXT if c.code not in NEEDS_CONTEXT]


@dataclass
class Thrown:
    """A case's scenario, its context for diagnose, the driver's result and the secrets involved."""

    scenario: Scenario
    context: dict[str, Any] = field(repr=False)
    result: dict[str, Any] = field(repr=False)
    secrets: dict[str, str] = field(repr=False)  # never in a failure's printout

    @property
    def obj(self) -> Any:
        """The thrown value as an object: JSON.parse of a thrown string, else its own properties."""
        raw = self.result["raw"]
        return json.loads(raw) if isinstance(raw, str) else raw

    def form(self, name: str) -> str:
        text: str = self.result["forms"][name]
        return text


def node_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k.lower() not in PROXY_VARS}
    return {**env, "NODE_PATH": str(MODULES)}


def drive(payload: dict[str, Any]) -> list[dict[str, Any]]:
    assert NODE is not None
    proc = subprocess.run([NODE, str(DRIVER)], input=json.dumps(payload), capture_output=True, text=True,
                          env=node_env(), timeout=120, check=False)
    assert proc.returncode == 0, f"scenarios.js failed:\n{proc.stderr[-2000:]}"
    results: list[dict[str, Any]] = json.loads(proc.stdout)
    return results


def _basic(sc: Scenario) -> tuple[str, str]:
    cred = base64.b64decode(sc.headers["Authorization"].split(" ", 1)[1]).decode()
    client_id, secret = cred.split(":", 1)
    return client_id, secret


def _job(sim: XeroSimulator, case: Case, sc: Scenario) -> tuple[dict[str, Any], dict[str, str]]:
    """The driver's job for a case, and the secrets it hands the SDK (by name)."""
    if sc.form is None:
        token = sc.headers["Authorization"].split(" ", 1)[1]
        region = sim.tenant(sc.tenant_id).country if sc.tenant_id else None
        tenant = "" if case.variant == "empty" else sc.tenant_id
        secrets = {"access token": token}
        if sc.token and sc.token.get("refresh_token"):
            secrets["refresh token"] = sc.token["refresh_token"]
        return {"id": case.id, "kind": "api", "method": sc.method, "url": sc.url, "region": region,
                "token": token, "tenant": tenant}, secrets
    client_id, secret = _basic(sc)
    secrets = {"client secret": secret, "Basic credential": sc.headers["Authorization"].split(" ", 1)[1]}
    if sc.form.get("grant_type") == "refresh_token":
        secrets["refresh token"] = sc.form["refresh_token"]
        kind = "refresh_openid" if case.variant == "openid" else "refresh"
        return {"id": case.id, "kind": kind, "clientId": client_id, "clientSecret": secret,
                "refreshToken": sc.form["refresh_token"]}, secrets
    return {"id": case.id, "kind": "client_credentials", "clientId": client_id, "clientSecret": secret,
            "scopes": sc.form["scope"].split()}, secrets


@pytest.fixture(scope="module")
def thrown() -> Iterator[dict[str, Thrown]]:
    """Every case's SDK error (and invalid_scope_requested's answer), from one node run."""
    if not (MODULES / "xero-node" / "package.json").is_file():
        pytest.fail("xero-node is not installed: run `make node` (npm install into .node/ from "
                    "tests/node/package-lock.json)")
    sim = XeroSimulator()
    with sim.serve() as server:
        built: dict[str, tuple[Scenario, dict[str, Any], dict[str, str]]] = {}
        for case in (*CASES, Case("invalid_scope_requested")):  # each its own scenario, token and quota
            sc = sim.scenario(case.code)
            job, secrets = _job(sim, case, sc)
            built[case.id] = (sc, job, secrets)
        results = drive({"origin": server.url, "jobs": [job for _, job, _ in built.values()]})
        assert [r["id"] for r in results] == list(built)
        out = {}
        for res in results:
            sc, _, secrets = built[res["id"]]
            ctx = {"token": sc.token, "era": sc.era, "requested": sc.requested,
                   "connections": sc.connections()}
            out[res["id"]] = Thrown(sc, ctx, res, secrets)
        yield out


def _top(d: Diagnosis, n: int = 3) -> tuple[str, ...]:
    return d.codes[:n]


def _shape(t: Thrown) -> str:
    """What was thrown, for an assertion message: type, keys, status; never a secret."""
    obj = t.obj
    keys = sorted(obj) if isinstance(obj, dict) else type(obj).__name__
    return f"{t.result['call']} threw {t.result['type']} {keys}"


def _no_secret(t: Thrown, d: Diagnosis, where: str) -> None:
    shown = d.to_markdown() + repr(d.observed)
    leaked = [name for name, value in t.secrets.items() if value and value in shown]
    assert leaked == [], f"{where}: diagnose shows the {', '.join(leaked)}"


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_the_sdk_threw_from_its_own_method(thrown: dict[str, Thrown], case: Case) -> None:
    t = thrown[case.id]
    assert t.result["call"] == CALLS[case.id]
    assert t.result["threw"], f"{t.result['call']} did not fail"
    assert t.result["type"] == THROWN.get(case.id, "string"), _shape(t)
    obj = t.obj
    if t.result["type"] == "string":  # the API classes: JSON text of {response: {statusCode, ...}, body}
        assert obj["response"]["statusCode"] == STATUS[case.id]
        assert obj["response"]["request"]["url"]["host"] == "api.xero.com"
        assert obj["response"]["headers"]["xero-correlation-id"]
    elif t.result["type"] == "AxiosError":
        assert obj["status"] == obj["response"]["status"] == STATUS[case.id]
        assert obj["response"]["data"] == {"error": case.code}
    elif t.result["type"] == "OPError":
        assert obj == {"name": "OPError", "error": case.code, "message": case.code, "stack": obj["stack"]}


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_the_sdks_error_holds_no_secret(thrown: dict[str, Thrown], case: Case) -> None:
    """xero-node redacts request headers (ApiError) and config (redactError): no token in any form."""
    t = thrown[case.id]
    for form in ("raw", *t.result["forms"]):
        text = json.dumps(t.result["raw"]) if form == "raw" else t.form(form)
        leaked = [name for name, value in t.secrets.items() if value and value in text]
        assert leaked == [], f"{t.result['call']}'s error, as {form}, holds the {', '.join(leaked)}"


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_the_error_as_an_object_with_context(thrown: dict[str, Thrown], case: Case) -> None:
    t = thrown[case.id]
    d = diagnose(t.obj, **t.context)
    assert d.top.code == case.code, f"{_shape(t)}: top 3 {_top(d)}"
    _no_secret(t, d, "dict")


@pytest.mark.parametrize(("case", "form"), WITH_CONTEXT, ids=[f"{c.id}-{f}" for c, f in WITH_CONTEXT])
def test_each_printed_form_with_context(thrown: dict[str, Thrown], case: Case, form: str) -> None:
    t = thrown[case.id]
    d = diagnose(text=t.form(form), **t.context)
    if (case.id, form) in FAMILY_ONLY:
        assert case.code in _top(d), f"{_shape(t)} as {form}: top 3 {_top(d)}"
    else:
        assert d.top.code == case.code, f"{_shape(t)} as {form}: top 3 {_top(d)}"
    _no_secret(t, d, form)


@pytest.mark.parametrize(("case", "form"), ALONE, ids=[f"{c.id}-{f}" for c, f in ALONE])
def test_each_printed_form_alone(thrown: dict[str, Thrown], case: Case, form: str) -> None:
    t = thrown[case.id]
    d = diagnose(text=t.form(form))
    assert case.code in _top(d), f"{_shape(t)} as {form}, no context: top 3 {_top(d)}"
    _no_secret(t, d, form)


@pytest.mark.parametrize(("case_id", "form"), sorted(EMPTY))
def test_a_form_without_the_cause_holds_what_the_sdk_left_in_it(thrown: dict[str, Thrown], case_id: str,
                                                                 form: str) -> None:
    """Why EMPTY's forms are not diagnosed: the SDK's printout is exactly this, and nothing more."""
    assert thrown[case_id].form(form) == EMPTY[(case_id, form)]


def test_the_printed_forms_differ_as_node_prints_them(thrown: dict[str, Thrown]) -> None:
    """A thrown string prints bare in console.log, quoted in util.inspect, escaped in JSON.stringify."""
    t = thrown["missing_scope"]
    raw = t.result["raw"]
    assert isinstance(raw, str) and t.form("string") == t.form("console") == raw
    assert json.loads(t.form("json")) == raw
    assert t.form("inspect").startswith("'{") and t.form("inspect").endswith("}'")
    axios = thrown["invalid_grant"]
    assert "response" not in json.loads(axios.form("json"))  # axios's toJSON drops the response
    assert "data: { error: 'invalid_grant' }" in axios.form("console")


def test_xero_node_cannot_ask_for_a_scope_with_client_credentials(thrown: dict[str, Thrown]) -> None:
    """invalid_scope_requested cannot be reached through xero-node's getClientCredentialsToken.

    XeroClient.getClientCredentialsToken posts ``grant_type=client_credentials&scopes=...``: Xero's
    field is ``scope``, so the token endpoint sees no scope asked for and grants the custom
    connection's own scopes (the simulator, like Xero). The broad scope of the scenario is never
    requested, and the call succeeds: there is no error to diagnose.
    """
    t = thrown["invalid_scope_requested"]
    assert t.scenario.send().status_code == 400  # the scenario's own request (scope=) fails as named
    assert t.result["call"] == "XeroClient.getClientCredentialsToken"
    assert t.result["threw"] is False, "xero-node now sends the scope: diagnose this case like the others"
