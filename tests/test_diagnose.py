"""Each diagnosis code from real-shaped Xero answers (docs/xero-facts.md §6), ranking and the decisive fact."""

from __future__ import annotations

import ast
import json
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from xero_nb.catalog import scopes as sc
from xero_nb.diagnose.diagnosis import DIAGNOSIS_CODES, Diagnosis
from xero_nb.diagnose.diagnosis import diagnose as _diagnose_with_wording
from xero_nb.diagnose.scope import STATUS_FACT, TOKEN_SCOPES
from xero_nb.models import Tenant

# These tests pin the rules: diagnose() here is the rules alone (resemblance=False); the wording's
# statistical reading it adds by default is tested in tests/test_diagnose_resemble.py.
diagnose = partial(_diagnose_with_wording, resemblance=False)

CID = "5d3c2b1a-9f8e-4d7c-8b6a-1234567890ab"
TENANT = "8a1b2c3d-4e5f-4a6b-9c8d-0e1f2a3b4c5d"
OTHER_TENANT = "11111111-2222-4333-8444-555555555555"
ACCOUNTING = "https://api.xero.com/api.xro/2.0"
LIMIT_HEADERS = {"X-DayLimit-Remaining": "4987", "X-MinLimit-Remaining": "58",
                 "X-AppMinLimit-Remaining": "9990", "Xero-Correlation-Id": CID}


def pascal(status: int, title: str, detail: str) -> str:
    """Xero's accounting-API problem body (PascalCase), as sent."""
    return json.dumps({"Type": None, "Title": title, "Status": status, "Detail": detail,
                       "Instance": CID, "Extensions": {}})


SCOPE_401 = {"status": 401, "headers": {**LIMIT_HEADERS, "WWW-Authenticate": "insufficient_scope",
                                        "Content-Type": "application/json; charset=utf-8"},
             "body": pascal(401, "Unauthorized", "AuthorizationUnsuccessful")}
TENANT_403 = {"status": 403, "headers": {**LIMIT_HEADERS, "Content-Type": "application/json"},
              "body": pascal(403, "Forbidden", "AuthenticationUnsuccessful")}
EXPIRED_401 = {"status": 401, "headers": dict(LIMIT_HEADERS),
               "body": pascal(401, "Unauthorized", "TokenExpired: token expired at 04/09/2023 05:16:59")}
INVALID_APP_403 = {"status": 403, "headers": {"Content-Type": "application/problem+json"},
                   "body": json.dumps({"type": "invalid-application", "title": "Invalid Application",
                                       "status": 403, "detail": "The application has not been "
                                       "configured to use these API endpoints."})}
WRAPPER = ('{"error": "InsufficientPermissions", "message": "The API credentials do not have the '
           'necessary permissions to perform the action."}')
CONNECTIONS = [{"id": "c0c0c0c0-0000-4000-8000-000000000001", "tenantId": OTHER_TENANT,
                "tenantType": "ORGANISATION", "tenantName": "Demo Company (NZ)",
                "authEventId": "a0a0a0a0-0000-4000-8000-000000000001",
                "createdDateUtc": "2026-11-01T10:00:00.0000000",
                "updatedDateUtc": "2026-11-02T10:00:00.0000000"}]


def with_tenant(tid: str = TENANT) -> dict[str, str]:
    return {"Authorization": "Bearer SENTINEL-ACCESS-TOKEN-1234", "xero-tenant-id": tid,
            "Accept": "application/json"}


# code -> (diagnose kwargs, what must hold). Every documented code has at least one case.
CASES: dict[str, list[dict[str, Any]]] = {
    "missing_scope": [
        {**SCOPE_401, "endpoint": "GET /Accounts", "granted": ["openid", "offline_access"]},
        {**SCOPE_401, "url": f"{ACCOUNTING}/Invoices", "method": "GET",
         "granted": "openid accounting.settings.read", "era": "granular"},
    ],
    "not_reconsented": [
        {**SCOPE_401, "endpoint": "GET /Accounts", "granted": ["openid", "offline_access"],
         "requested": ["openid", "offline_access", "accounting.settings"]},
    ],
    "token_expired": [
        EXPIRED_401,
        {"status": 401, "headers": dict(LIMIT_HEADERS), "body": "",
         "token": {"scope": "accounting.settings", "expires_at": 1_000.0}, "clock": lambda: 5_000.0},
    ],
    "tenant_header_missing": [
        {**TENANT_403, "request_headers": {"Authorization": "Bearer x", "Accept": "application/json"},
         "endpoint": "GET /Invoices"},
    ],
    "tenant_not_connected": [
        {**TENANT_403, "request_headers": with_tenant(), "connections": CONNECTIONS},
        {**TENANT_403, "request_headers": with_tenant("Demo Company (NZ)")},
    ],
    "connection_revoked": [
        {**TENANT_403, "request_headers": with_tenant(), "connections": []},
    ],
    "user_role": [
        {"status": 403, "body": pascal(403, "Forbidden", "You are not permitted to access this "
                                       "resource without the reporting role")},
        {**SCOPE_401, "url": "https://api.xero.com/payroll.xro/1.0/Employees", "method": "GET",
         "granted": ["payroll.employees.read"], "organisation": {"CountryCode": "AU"},
         "user_role": {"role": "standard", "reports": True, "payroll_admin": False}},
        {"status": 403, "headers": {"Content-Type": "application/problem+json"},
         "body": '{"type":"invalid-user-role","title":"Invalid User Role","status":403}'},
    ],
    "feature_not_in_plan": [
        {"status": 403, "body": pascal(403, "Forbidden", "Forbidden"),
         "url": "https://api.xero.com/projects.xro/2.0/Projects", "method": "GET",
         "request_headers": with_tenant(), "connections": [{**CONNECTIONS[0], "tenantId": TENANT}],
         "granted": ["projects.read"], "organisation": {"CountryCode": "NZ", "projects": False}},
    ],
    "payroll_region_mismatch": [
        {"status": 404, "body": pascal(404, "Not Found", "The resource you have specified cannot be found"),
         "url": "https://api.xero.com/payroll.xro/1.0/Employees", "method": "GET",
         "granted": ["payroll.employees"], "organisation": {"Organisations": [{"CountryCode": "NZ"}]}},
        {"status": 405, "body": "", "url": "https://api.xero.com/payroll.xro/2.0/Employees",
         "method": "GET", "organisation": {"CountryCode": "AU"}},
    ],
    "restricted_scope": [
        {**INVALID_APP_403, "url": "https://api.xero.com/finance.xro/1.0/FinancialStatements/BalanceSheet",
         "method": "GET"},
        {"status": 400, "body": '{"error":"invalid_scope"}', "requested": "openid paymentservices"},
        {**SCOPE_401, "url": f"{ACCOUNTING}/Reports/BankStatement", "method": "GET",
         "granted": ["accounting.reports.read"], "era": "broad"},
    ],
    "broad_scope_on_granular_app": [
        {"text": "http://localhost:8765/callback?error=unauthorized_client&error_description="
                 "Invalid%20scope%20for%20client&state=abc",
         "requested": "openid offline_access accounting.transactions", "era": "granular"},
        {**SCOPE_401, "url": f"{ACCOUNTING}/Invoices", "method": "GET",
         "granted": ["accounting.transactions"], "era": "granular"},
    ],
    "tier_gated": [
        {**SCOPE_401, "url": f"{ACCOUNTING}/Journals", "method": "GET",
         "granted": ["accounting.journals.read"], "era": "granular"},
    ],
    "rate_limited": [
        {"status": 429, "headers": {**LIMIT_HEADERS, "X-MinLimit-Remaining": "0", "Retry-After": "37",
                                    "X-Rate-Limit-Problem": "minute"}, "body": ""},
    ],
    "invalid_grant": [
        {"status": 400, "body": '{"error":"invalid_grant"}'},
    ],
    "invalid_client": [
        {"status": 400, "body": '{"error":"invalid_client"}'},
    ],
    "invalid_scope_requested": [
        {"status": 400, "body": '{"error":"invalid_scope"}',
         "requested": "openid accounting.reports.balancesheets.read"},
    ],
    "unknown": [
        {"status": 500, "body": "<html>oops</html>"},
        {},
    ],
}


@pytest.mark.parametrize(("code", "i"), [(c, i) for c, cases in CASES.items() for i in range(len(cases))])
def test_each_code_from_real_shaped_input(code: str, i: int) -> None:
    d = diagnose(**CASES[code][i])
    assert d.top.code == code, d.to_markdown()
    assert d.top.title and d.top.fix, d.top
    assert not any("internal error" in n for n in d.notes), d.notes


def test_every_documented_code_has_a_producer_and_a_test() -> None:
    documented = {"missing_scope", "not_reconsented", "token_expired", "tenant_header_missing",
                  "tenant_not_connected", "connection_revoked", "user_role", "feature_not_in_plan",
                  "payroll_region_mismatch", "restricted_scope", "broad_scope_on_granular_app",
                  "tier_gated", "rate_limited", "invalid_grant", "invalid_client",
                  "invalid_scope_requested", "unknown"}
    assert set(DIAGNOSIS_CODES) == documented and len(DIAGNOSIS_CODES) == len(documented)
    docs = Path(__file__).resolve().parents[1] / "docs" / "architecture.md"
    text = docs.read_text(encoding="utf-8")  # the architecture doc lists the same codes
    assert all(f"`{c}`" in text for c in documented), [c for c in documented if f"`{c}`" not in text]
    assert set(CASES) == set(DIAGNOSIS_CODES)
    produced = set()
    pkg = Path(__file__).resolve().parents[1] / "xero_nb" / "diagnose"
    for path in pkg.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "Finding" and node.args \
                    and isinstance(node.args[0], ast.Constant):
                produced.add(node.args[0].value)
    assert produced == set(DIAGNOSIS_CODES)


def test_missing_scope_names_narrowest_scope_and_builds_the_authorize_url() -> None:
    d = diagnose(**SCOPE_401, endpoint="GET /Accounts", granted=["openid", "offline_access"],
                 client_id="CLIENTID123", redirect_uri="http://localhost:8765/callback")
    f = d.top
    assert "accounting.settings.read" in f.title
    assert any("consent again" in s for s in f.fix)
    url = next(s for s in f.fix if "https://login.xero.com/identity/connect/authorize?" in s).split()[-1]
    q = parse_qs(urlsplit(url).query)
    assert q["client_id"] == ["CLIENTID123"] and q["response_type"] == ["code"]
    assert q["scope"][0].split() == ["offline_access", "openid", "accounting.settings.read"]
    assert d.decisive_fact is None


def test_missing_scope_uses_the_authorize_callable() -> None:
    seen: list[list[str]] = []

    def authorize(scopes: list[str]) -> str:
        seen.append(scopes)
        return "https://login.example/authorize?x=1"

    d = diagnose(**SCOPE_401, endpoint="GET /Invoices", granted="openid", era="broad",
                 authorize=authorize)
    assert d.top.code == "missing_scope" and "accounting.transactions.read" in d.top.title
    assert seen == [["openid", "accounting.transactions.read"]]
    assert any("https://login.example/authorize?x=1" in s for s in d.top.fix)


def test_granular_era_names_the_granular_scope_and_era_unknown_mentions_both() -> None:
    granular = diagnose(**SCOPE_401, endpoint="GET /Payments", granted=["openid"], era="granular")
    assert "accounting.payments.read" in granular.top.title
    unknown_era = diagnose(**SCOPE_401, endpoint="GET /Payments", granted=["openid"])
    assert "accounting.payments.read" in unknown_era.top.title
    assert any("accounting.transactions.read" in s for s in unknown_era.top.fix)


def test_not_reconsented_outranks_missing_scope_when_the_app_asks_for_it() -> None:
    d = diagnose(**CASES["not_reconsented"][0])
    assert d.codes[0] == "not_reconsented" and "missing_scope" not in d.codes[:1]


def test_insufficient_permissions_wrapper_asks_for_the_decisive_fact() -> None:
    bare = diagnose(text=WRAPPER)
    assert bare.observed.status is None
    assert bare.top.code == "missing_scope" and bare.top.weight < 0.5
    assert bare.decisive_fact == STATUS_FACT
    assert {"tenant_not_connected", "tenant_header_missing"} & set(bare.codes)
    with_ep = diagnose(text=WRAPPER, endpoint="GET /Invoices")
    assert with_ep.top.code == "missing_scope" and with_ep.decisive_fact == TOKEN_SCOPES
    decided = diagnose(text=WRAPPER, endpoint="GET /Invoices", granted="openid accounting.settings")
    assert decided.top.code == "missing_scope" and decided.top.weight > 0.5
    scope_ok = diagnose(text=WRAPPER, endpoint="GET /Invoices", granted="accounting.transactions",
                        request_headers=with_tenant())
    assert scope_ok.top.code in ("tenant_not_connected", "connection_revoked")
    assert scope_ok.decisive_fact is not None and "/connections" in scope_ok.decisive_fact


def test_403_without_context_asks_for_request_headers_then_connections() -> None:
    d = diagnose(**TENANT_403)
    assert d.top.code in ("tenant_not_connected", "tenant_header_missing")
    assert d.decisive_fact is not None and "xero-tenant-id" in d.decisive_fact
    d2 = diagnose(**TENANT_403, request_headers=with_tenant())
    assert d2.top.code == "tenant_not_connected" and "/connections" in (d2.decisive_fact or "")
    d3 = diagnose(**TENANT_403, request_headers=with_tenant(OTHER_TENANT), connections=CONNECTIONS,
                  user_role="standard")
    assert d3.top.code == "user_role"


def test_tenant_not_connected_lists_the_connected_tenants() -> None:
    d = diagnose(**TENANT_403, request_headers=with_tenant(),
                 connections=[Tenant.from_connection(CONNECTIONS[0])])
    assert d.top.code == "tenant_not_connected"
    assert any("Demo Company (NZ)" in e and OTHER_TENANT in e for e in d.top.evidence)


def test_tier_gated_only_when_the_scope_is_held() -> None:
    held = diagnose(**CASES["tier_gated"][0])
    assert held.top.code == "tier_gated"
    broad = diagnose(**SCOPE_401, url=f"{ACCOUNTING}/Journals", method="GET",
                     granted=["accounting.journals.read"], era="broad")
    # From 2 Mar 2026 the Journals tier gate applies to older (broad-era) apps too.
    assert broad.top.code == "tier_gated"
    absent = diagnose(**SCOPE_401, url=f"{ACCOUNTING}/Journals", method="GET", granted=["openid"],
                      era="granular")
    assert absent.top.code == "missing_scope"
    assert any("Advanced tier" in s for s in absent.top.fix)


def test_rate_limited_says_which_limit_and_how_long() -> None:
    d = diagnose(**CASES["rate_limited"][0])
    assert "minute" in d.top.title and "37" in d.top.title
    day = diagnose(status=429, headers={"Retry-After": "7200", "X-Rate-Limit-Problem": "day"})
    assert "daily" in day.top.title and "2.0 h" in day.top.title
    assert any("Starter" in s for s in day.top.fix)


def test_invalid_grant_notes_idle_refresh_tokens() -> None:
    now = 1_800_000_000.0
    d = diagnose(status=400, body='{"error":"invalid_grant"}', clock=lambda: now,
                 token={"scope": "openid", "obtained_at": now - 70 * 86400, "refresh_token": "RT-SENTINEL"})
    assert d.top.code == "invalid_grant"
    assert any("70 days" in e for e in d.top.evidence)
    assert "RT-SENTINEL" not in d.to_markdown()


def test_invalid_scope_without_requested_scopes_asks_for_them() -> None:
    d = diagnose(status=400, body='{"error":"invalid_scope","error_description":'
                 '"Client credentials scope validation failed"}')
    assert d.top.code == "invalid_scope_requested"
    assert d.decisive_fact is not None and "requested" in d.decisive_fact
    custom = diagnose(status=400, body='{"error":"invalid_scope","error_description":'
                      '"Client credentials scope validation failed"}',
                      requested="accounting.transactions accounting.settings")
    assert custom.top.code == "broad_scope_on_granular_app"


def test_expired_token_from_claims_beats_a_scope_guess() -> None:
    d = diagnose(**CASES["token_expired"][1])
    assert d.top.code == "token_expired" and d.top.weight > 0.9


def test_payroll_region_settles_ambiguous_urls_by_country() -> None:
    uk = diagnose(status=404, body="", url="https://api.xero.com/payroll.xro/2.0/Employees",
                  method="GET", organisation={"CountryCode": "GB"})
    assert uk.top.code != "payroll_region_mismatch"
    unknown_country = diagnose(status=404, body="", url="https://api.xero.com/payroll.xro/1.0/Employees",
                               method="GET")
    assert unknown_country.top.code == "payroll_region_mismatch"
    assert unknown_country.decisive_fact == "the organisation's country (AU, NZ or UK)"


def test_us_org_has_no_payroll_api() -> None:
    d = diagnose(status=404, url="https://api.xero.com/payroll.xro/1.0/Employees", method="GET",
                 organisation={"CountryCode": "US"})
    assert d.top.code == "payroll_region_mismatch" and "no payroll API" in d.top.fix[0]


def test_ranking_is_by_weight_with_one_finding_per_code() -> None:
    for cases in CASES.values():
        for kwargs in cases:
            d = diagnose(**kwargs)
            weights = [f.weight for f in d.findings]
            assert weights == sorted(weights, reverse=True)
            assert len(set(d.codes)) == len(d.codes)
            assert all(0.0 <= w <= 1.0 for w in weights)


def test_unknown_says_what_it_saw() -> None:
    d = diagnose(status=500, headers={"Xero-Correlation-Id": CID}, body="<html>oops</html>")
    assert d.top.code == "unknown"
    assert any("status 500" in e for e in d.top.evidence)
    assert any(CID in s for s in d.top.fix)
    empty = diagnose()
    assert empty.top.code == "unknown" and "Nothing to go on" in empty.top.title


def test_rendering_markdown_and_html() -> None:
    d = diagnose(**SCOPE_401, endpoint="GET /Accounts", granted=["openid"])
    md = d.to_markdown()
    assert md.startswith("### Diagnosis: `missing_scope`") and CID in md and "Fix:" in md
    assert d.top.to_markdown().startswith("**`missing_scope`**")
    page = d._repr_html_()
    assert page.startswith("<div") and "<details open>" in page and "<script" not in page
    assert repr(d).startswith("<Diagnosis missing_scope")
    hostile = diagnose(status=401, body='{"Detail":"<script>alert(1)</script>"}')
    assert "<script>" not in hostile._repr_html_()


def test_secrets_never_echoed() -> None:
    jwt = "eyJhbGciOiJSUzI1NiJ9.eyJzY29wZSI6WyJvcGVuaWQiXSwiZXhwIjo5OTk5OTk5OTk5fQ.SENTINELSIG"
    d = diagnose(**SCOPE_401, endpoint="GET /Accounts",
                 request_headers={"Authorization": f"Bearer {jwt}", "xero-tenant-id": TENANT},
                 token={"access_token": jwt, "refresh_token": "SENTINEL-REFRESH", "scope": "openid"})
    out = d.to_markdown() + d._repr_html_() + repr(d) + repr(d.observed)
    assert "SENTINEL" not in out and jwt not in out
    assert d.observed.token_scopes == frozenset({"openid"})  # read from the JWT, then dropped


def test_token_object_is_read_for_scopes_and_expiry_only() -> None:
    class FakeToken:
        access_token = "SENTINEL-AT-123456"
        refresh_token = "SENTINEL-RT-123456"
        scopes = frozenset({"openid", "accounting.settings.read"})
        requested = frozenset({"openid", "accounting.settings.read", "accounting.contacts.read"})
        expires_at = 1_780_000_600.0  # ten minutes after the clock below: not expired
        obtained_at = 1_780_000_000.0

    d = diagnose(**SCOPE_401, endpoint="GET /Contacts", token=FakeToken(), clock=lambda: 1_780_000_000.0)
    assert d.top.code == "not_reconsented"
    assert "SENTINEL" not in d.to_markdown()


def test_returns_a_diagnosis_for_odd_context() -> None:
    d = diagnose(**SCOPE_401, endpoint=object(), granted=12, requested=object(), token=3.5,
                 connections=5, era="medieval", organisation=[1, 2], user_role=object(),
                 authorize=lambda s: 1 / 0, clock=lambda: "noon")  # type: ignore[arg-type,return-value]
    assert isinstance(d, Diagnosis) and d.findings
    assert not any("internal error" in n for n in d.notes), d.notes


def test_to_dict_is_json_ready_and_redacted() -> None:
    d = diagnose(**SCOPE_401, endpoint="GET /Accounts", granted=["openid"],
                 request_headers={"Authorization": "Bearer SENTINEL-TOKEN-123", "xero-tenant-id": TENANT})
    data = json.loads(json.dumps(d.to_dict()))
    assert data["findings"][0]["code"] == "missing_scope"
    assert data["observed"]["status"] == 401 and data["observed"]["correlation_id"] == CID
    assert "SENTINEL" not in json.dumps(data)
    assert d.to_html() == d._repr_html_()


def test_rate_limit_kind_inferred_from_the_exhausted_counter() -> None:
    d = diagnose(status=429, headers={"X-DayLimit-Remaining": "0", "X-MinLimit-Remaining": "12",
                                      "Retry-After": "3600"})
    assert d.top.code == "rate_limited" and "daily" in d.top.title


def test_no_answer_from_xero_is_unknown_with_the_transport_error() -> None:
    class NoAnswer:
        status = 0
        headers = ()
        body = None
        error = "ConnectError: [Errno 111] Connection refused"

    d = diagnose(NoAnswer())
    assert d.top.code == "unknown" and "No answer from Xero" in d.top.title


def test_validation_errors_are_not_permission_problems() -> None:
    body = {"ErrorNumber": 10, "Type": "ValidationException", "Message": "A validation exception occurred",
            "Elements": [{"ValidationErrors": [{"Message": "Account code '999' is not a valid code"}]}]}
    d = diagnose(status=400, body=body)
    assert d.top.code == "unknown" and "ValidationException" in d.top.title


def test_not_reconsented_names_the_scope_the_app_requests() -> None:
    d = diagnose(**CASES["not_reconsented"][0], client_id="CID1", redirect_uri="http://127.0.0.1/callback")
    assert "`accounting.settings`" in d.top.title
    url = next(s for s in d.top.fix if "authorize?" in s).split()[-1]
    assert parse_qs(urlsplit(url).query)["scope"][0].split() == [
        "offline_access", "openid", "accounting.settings"]


def test_older_apps_are_never_told_to_opt_in_to_granular_scopes() -> None:
    # Xero assigned the granular scopes to every existing app in March 2026, with no opt-in step
    # (docs/xero-facts.md §2b): a granular scope is never the reason an older app is refused.
    refused = '{"error": "unauthorized_client", "error_description": "Invalid scope for client"}'
    for era in ("broad", "mixed"):
        d = diagnose(text=refused, requested=["accounting.invoices", "offline_access"], era=era)
        assert not any("opt" in f.title or "accounting.invoices" in f.title for f in d.findings), d.findings
        assert "restricted_scope" not in d.codes
        assert sc.refused_at_authorize("accounting.invoices.read", era) is None
    d = diagnose(text=refused, requested=["accounting.invoices", "paymentservices"], era="mixed")
    assert d.top.code == "restricted_scope" and "paymentservices" in d.top.title


def test_expense_claims_on_a_granular_app_have_no_scope_to_add() -> None:
    for granted in (["accounting.invoices"], sorted(sc.known_scopes())):
        d = diagnose(status=401, headers={"WWW-Authenticate": "insufficient_scope"},
                     endpoint="GET /Receipts", granted=granted, era="granular")
        assert d.top.code == "missing_scope" and "No scope can grant GET /Receipts" in d.top.title
        assert "accounting.transactions" in " ".join(d.top.fix)
        assert not any("Add `" in step for step in d.top.fix)  # nothing to add: none exists
    d = diagnose(status=401, headers={"WWW-Authenticate": "insufficient_scope"},
                 endpoint="GET /Receipts", granted=["accounting.invoices"], era="mixed")
    assert d.top.code == "missing_scope" and "`accounting.transactions.read`" in " ".join(d.top.fix)


@pytest.mark.parametrize("text, word", [
    ("Error: connect ECONNREFUSED 127.0.0.1:8765\n    at TCPConnectWrap.afterConnect", "ECONNREFUSED"),
    ("httpx.ConnectError: [Errno -2] Name or service not known", "ConnectError"),
    ("requests.exceptions.ConnectionError: HTTPSConnectionPool(host='api.xero.com', port=443): "
     "Max retries exceeded with url: /connections", "ConnectionError"),
    ("FetchError: request to https://identity.xero.com/connect/token failed, reason: getaddrinfo "
     "EAI_AGAIN identity.xero.com", "getaddrinfo"),
    ("ssl.SSLCertVerificationError: [SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed",
     "CERTIFICATE_VERIFY_FAILED"),
])
def test_a_pasted_network_failure_is_no_answer_not_a_support_case(text: str, word: str) -> None:
    d = diagnose(text=text)
    assert d.codes == ("unknown",)
    assert d.top.title.startswith(f"No answer from Xero ({word})"), d.top.title
    assert "network" in d.top.fix[0] and "no Xero-Correlation-Id exists" in d.top.fix[0]
    assert not any("Send Xero support" in step for step in d.top.fix)


def test_network_words_never_hide_an_answer_xero_gave() -> None:
    # A status was read: the connection worked, so the network reading must not replace it.
    d = diagnose(text="HTTP/1.1 429 Too Many Requests\nRetry-After: 30\n\nECONNRESET while reading the body")
    assert d.top.code == "rate_limited"
    # An unknown answer with a status keeps the support step.
    d = diagnose(text="HTTP/1.1 418 I'm a teapot\nXero-Correlation-Id: 1d2e3f\n\nConnection reset")
    assert not d.top.title.startswith("No answer from Xero")
    assert d.top.fix[0].startswith("Send Xero support the Xero-Correlation-Id")


def test_no_answer_keeps_only_what_the_context_proves_beside_it() -> None:
    # The connection failed, but the token's scopes provably cannot allow the call either: both
    # are shown, the network first (it fails the call now); guesses from the token URL are not.
    d = diagnose(text="Error: connect ECONNREFUSED 127.0.0.1:443", endpoint="GET /Invoices",
                 granted="accounting.contacts.read")
    assert d.codes == ("unknown", "missing_scope")
    assert d.top.weight >= d.findings[1].weight
    d = diagnose(text="FetchError: request to https://identity.xero.com/connect/token failed, "
                      "reason: getaddrinfo EAI_AGAIN identity.xero.com")
    assert d.codes == ("unknown",)


def test_the_seen_line_keeps_the_error_of_a_long_www_authenticate() -> None:
    header = ('Bearer realm="api.xero.com", scope="accounting.transactions accounting.contacts '
              'accounting.settings", error="insufficient_scope", error_description="lacks a scope"')
    d = diagnose(status=401, headers={"WWW-Authenticate": header})
    seen = d.observed.summary()
    assert 'WWW-Authenticate: Bearer error="insufficient_scope" (…)' in seen, seen
    assert d.top.code == "missing_scope"
    short = diagnose(status=401, headers={"WWW-Authenticate": 'Bearer error="insufficient_scope"'})
    assert 'WWW-Authenticate: Bearer error="insufficient_scope";' in short.observed.summary() + ";"
    # a long value with no error parameter is cut at a word, and says so
    long = diagnose(status=429, headers={"Retry-After": "1" * 10 + " " + "2" * 90})
    assert "Retry-After: 1111111111 …" in long.observed.summary()


@pytest.mark.parametrize("requested", [None, ["finance.cashvalidation.read"]])
def test_a_closed_api_without_the_token_puts_xeros_approval_first(requested: Any) -> None:
    # The Finance API is partner-only: an unapproved app's token never holds its scope (authorize
    # refuses it), so asking for it or consenting again cannot help until Xero approves the app.
    d = diagnose(status=401, endpoint="GET https://api.xero.com/finance.xro/1.0/CashValidation",
                 requested=requested)
    assert d.top.code == "restricted_scope", d.codes
    assert {"missing_scope", "not_reconsented"} & set(d.codes)  # still listed, below it
    # with the token's scopes known and lacking it, the proof of the missing scope leads, and its
    # fix says Xero must allow the scope first
    d = diagnose(status=401, endpoint="GET https://api.xero.com/finance.xro/1.0/CashValidation",
                 granted=["accounting.settings.read"])
    assert d.top.code == "missing_scope"


def _jwt(claims: dict[str, Any]) -> str:
    import base64

    def part(obj: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(obj).encode()).rstrip(b"=").decode()

    return f"{part({'alg': 'RS256'})}.{part(claims)}.c2lnbmF0dXJl"


AUTHN_401 = '{"Type":null,"Title":"Unauthorized","Status":401,"Detail":"AuthenticationUnsuccessful"}'


@pytest.mark.parametrize(("token", "said"), [
    ("not-a-jwt-at-all", "it is not a JWT"),
    ({"access_token": "ya29.something-else"}, "it is not a JWT"),
    (_jwt({"aud": "CLIENTID123", "nonce": "n", "email": "a@b.example"}), "it is an id_token"),
    ({"access_token": _jwt({"aud": "https://other.example/api", "scope": ["x"]})}, "its aud is"),
])
def test_a_token_xero_cannot_accept_is_named_before_scopes(token: Any, said: str) -> None:
    # Xero's access tokens are JWTs for https://identity.xero.com/resources: anything else is
    # refused whatever scopes it claims, and neither a refresh nor a scope change is the fix.
    d = diagnose(status=401, body=AUTHN_401, endpoint="GET /Invoices", token=token)
    assert d.top.code == "token_expired" and said in d.top.title, d.top.title
    assert d.top.fix[0].startswith("Send the access_token from the token response (not the id_token")
    assert d.top.weight > d.findings[1].weight


def test_a_real_access_token_is_not_called_malformed() -> None:
    good = _jwt({"aud": "https://identity.xero.com/resources", "scope": ["accounting.contacts.read"],
                 "exp": 4_000_000_000})
    d = diagnose(status=401, body=AUTHN_401, endpoint="GET /Invoices", token=good)
    assert not any("not a Xero access token" in f.title for f in d.findings)
    # a scope refusal means Xero read the token: no token verdict even for an odd value
    d = diagnose(status=401, headers={"WWW-Authenticate": "insufficient_scope"}, token="odd",
                 body='{"Title":"Unauthorized","Status":401,"Detail":"AuthorizationUnsuccessful"}')
    assert not any("not a Xero access token" in f.title for f in d.findings)


def test_a_401_for_a_request_sent_without_a_token_says_so() -> None:
    from xero_nb.client import XeroClient
    from xero_nb.simulator import XeroSimulator

    sim = XeroSimulator(limits=False)
    result = XeroClient(token=None, transport=sim.transport()).call("GET", "/Organisation")
    d = result.diagnosis()
    assert result.status == 401
    assert d.top.code == "token_expired" and d.top.title.startswith("No access token was sent")
    assert "pass token=" in d.top.fix[0]
    # the same call with a token: whatever else is wrong, it is not the missing header
    tok = sim.issue_token(scopes=["accounting.contacts.read"], tenants=["AU"])
    with_token = XeroClient(token=tok, transport=sim.transport(),
                            tenant_id=sim.tenant("AU").tenant_id).call("GET", "/Organisation")
    assert not any(f.title.startswith("No access token") for f in with_token.diagnosis().findings)


def test_a_bare_status_given_positionally_is_the_status() -> None:
    assert diagnose(401).codes == diagnose(status=401).codes
    assert diagnose(429).top.code == "rate_limited"
    assert diagnose(True).top.code == "unknown"  # not a status


@pytest.mark.parametrize(("written", "role"), [
    ("Read only", "read_only"), ("Invoice only", "invoice_only"), ("Cashbook client", "cashbook"),
    ("Managed client", "managed_client"), ("Standard, payroll admin", "standard"),
])
def test_roles_as_xero_writes_them_are_read(written: str, role: str) -> None:
    from xero_nb.diagnose.role import read_role

    assert read_role(written, None).role == role  # type: ignore[union-attr]


def test_a_us_organisation_is_told_it_has_no_payroll_api_in_a_sentence() -> None:
    d = diagnose(status=404, endpoint="GET https://api.xero.com/payroll.xro/1.0/Employees", country="US")
    assert d.top.code == "payroll_region_mismatch"
    assert d.top.fix == ("Xero has no payroll API for US orgs: skip payroll calls for this organisation.",)


def test_a_rate_limit_met_while_refreshing_is_only_the_rate_limit() -> None:
    d = diagnose(status=429, text="POST /connect/token grant_type=refresh_token")
    assert d.codes == ("rate_limited",)
    # the step keeps Retry-After's own capitals
    assert d.top.fix[0] == "Wait (no Retry-After given) before the next call to this tenant."


def test_one_unknown_at_most_and_a_rules_own_wording_kept() -> None:
    d = diagnose(status=403, body='{"Type":null,"Title":"Forbidden","Status":403,'
                                  '"Detail":"AuthorizationUnsuccessful"}',
                 endpoint="GET /Invoices", granted=["accounting.invoices.read"], era="granular")
    assert d.codes.count("unknown") == 1
    assert d.top.title.startswith("The scopes given hold one that grants this call, yet Xero refused it")
    assert d.top.fix[0].startswith("Decode the access token that was sent")


def test_a_connection_without_a_name_never_reads_none() -> None:
    from xero_nb.models import Tenant

    t = Tenant.from_connection({"id": "c1", "tenantId": "t1", "tenantName": None, "tenantType": None})
    assert t.tenant_name == "" and t.tenant_type == "ORGANISATION"
