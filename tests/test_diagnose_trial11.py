"""What the eleventh trial found (1 Dec 2026): xero-node's own errors against the simulator, the
CLI, pastes in new styles (PHP, Ruby, browsers, platforms), each as the behaviour it now has."""

from __future__ import annotations

import base64
import json

import pytest

from xero_nb.cli import main
from xero_nb.diagnose import diagnose

XERO_NODE_401 = json.dumps(json.dumps({
    "response": {"statusCode": 401,
                 "body": {"Type": None, "Title": "Unauthorized", "Status": 401,
                          "Detail": "AuthorizationUnsuccessful", "Instance": "ba6a948a-7e0d-4890-9389-8124f64fd30e"},
                 "headers": {"www-authenticate": "insufficient_scope"},
                 "request": {"url": {"protocol": "https:", "port": 443, "host": "api.xero.com",
                                     "path": "/api.xro/2.0/Invoices"},
                             "headers": {"user-agent": "xero-node-20.0.0",
                                         "xero-tenant-id": "989da563-4b59-5ac8-b50c-d89dc74fb4fa"},
                             "method": "GET"}},
    "body": {"Type": None, "Title": "Unauthorized", "Status": 401, "Detail": "AuthorizationUnsuccessful"}}))
TENANTS = ("tenant_header_missing", "tenant_not_connected")


# -- 1: a 401 with Xero's scope verdict is never a tenant's


def test_a_xero_node_401_whose_scopes_cover_the_call_gets_no_tenant_cause() -> None:
    d = diagnose(text=XERO_NODE_401, granted="accounting.invoices.read")
    assert not set(TENANTS) & set(d.codes)
    assert "sent token's own" in d.top.title


def test_the_header_name_in_a_printed_request_is_no_word_for_a_tenant_cause() -> None:
    d = diagnose(text='401 {"request":{"headers":{"xero-tenant-id":"989da563-4b59-5ac8-b50c-d89dc74fb4fa"}}}')
    assert not any(f.title.startswith("The words used are those of this cause (tenant")
                   for f in d.findings)


# -- 2: a browser's CORS refusal after a "Copy as fetch" block


@pytest.mark.parametrize("auth", ["", "bearer"])
def test_a_fetch_snippet_before_the_cors_error_is_still_cors(auth: str) -> None:
    if auth:  # a token made at test time, as a browser's "Copy as fetch" writes the header
        auth = f'"authorization": "Bearer {_jwt({"scope": ["openid"]})}", '
    text = ('fetch("https://api.xero.com/api.xro/2.0/Invoices", {\n'
            f'  "headers": {{{auth}"accept": "application/json", "xero-tenant-id": '
            '"989da563-4b59-5ac8-b50c-d89dc74fb4fa"}},\n  "method": "GET", "mode": "cors"\n});\n'
            "Access to fetch at 'https://api.xero.com/api.xro/2.0/Invoices' from origin 'http://localhost:5173' "
            "has been blocked by CORS policy: No 'Access-Control-Allow-Origin' header is present on the "
            "requested resource.")
    d = diagnose(text=text)
    assert d.top.code == "unknown" and "CORS" in d.top.title


# -- 3, 4: what the status, the call and the words rule out is not listed as a guess


@pytest.mark.parametrize("text", [
    "PHP Fatal error:  Uncaught XeroPHP\\Remote\\Exception\\ForbiddenException: AuthenticationUnsuccessful in "
    "/var/www/vendor/calcinai/xero-php/src/XeroPHP/Remote/Response.php:151",
    '401 {"Title":"Unauthorized","Status":401,"Detail":"AuthorizationUnsuccessful"} on GET /Reports/ProfitAndLoss',
])
def test_no_payroll_guess_where_nothing_of_payroll_was_called_or_said(text: str) -> None:
    assert "payroll_region_mismatch" not in diagnose(text=text).codes


def test_a_payroll_call_keeps_its_region_guess() -> None:
    d = diagnose(text="404 on GET https://api.xero.com/payroll.xro/2.0/employees")
    assert "payroll_region_mismatch" in d.codes


def test_a_400_is_never_a_rate_limit() -> None:
    assert "rate_limited" not in diagnose(text="AxiosError: Request failed with status code 400").codes


@pytest.mark.parametrize("text", [
    'POST https://identity.xero.com/connect/token -> 400 {"error":"invalid_grant"}',
    'POST https://identity.xero.com/connect/token -> 400 {"error":"invalid_client"}',
])
def test_the_token_calls_refusal_gets_no_api_call_guess(text: str) -> None:
    d = diagnose(text=text)
    assert not {*TENANTS, "payroll_region_mismatch", "feature_not_in_plan", "user_role"} & set(d.codes)


def test_a_404_is_not_a_token_or_a_rate_limit() -> None:
    d = diagnose(text="GET https://api.xero.com/api.xro/2.0/Invoice/abc -> 404 Not Found")
    assert not {"token_expired", "invalid_grant", "invalid_client", "rate_limited"} & set(d.codes)


# -- 5: a custom connection's scope fix has no sign-in


def test_a_custom_connections_scope_fix_is_said_for_the_connection() -> None:
    d = diagnose(text='HTTP/1.1 401 Unauthorized\nWWW-Authenticate: insufficient_scope\n\n'
                      '{"Title":"Unauthorized","Status":401,"Detail":"AuthorizationUnsuccessful"}',
                 grant_type="client_credentials", endpoint="GET /Payments",
                 granted=["accounting.invoices", "accounting.settings"])
    assert d.top.code == "missing_scope"
    steps = " ".join(s for f in d.findings if f.code in ("missing_scope", "not_reconsented") for s in f.fix)
    assert "custom connection" in steps and "client_credentials" in steps
    assert "sign in" not in steps.replace("no user sign-in", "")


# -- 6: a platform named in app_type however written; the CLI takes --app-type


@pytest.mark.parametrize("app_type", ["Make", "make", "Make.com", "power-automate", "N8N"])
def test_a_platform_named_alone_gets_its_steps(app_type: str) -> None:
    text = ("Scenario: Sync invoices | Status: Error\nModule 2 - Xero: Search for Invoices\nDataError\n"
            "[401] AuthorizationUnsuccessful\nOrigin: Xero")
    d = diagnose(text=text, app_type=app_type)
    assert "reconnect the Xero connection" in d.top.fix[0]


def test_the_cli_passes_the_app_type(capsys: pytest.CaptureFixture[str], tmp_path: object) -> None:
    from pathlib import Path

    paste = Path(str(tmp_path)) / "e.txt"
    paste.write_text("[401] AuthorizationUnsuccessful\nOrigin: Xero\n", encoding="utf-8")
    assert main(["diagnose", "--app-type", "Make", "--format", "json", str(paste)]) == 0
    found = json.loads(capsys.readouterr().out)
    assert found["findings"][0]["fix"][0].startswith("Make ")


# -- 7: a log whose later call worked still names the scope


def test_other_calls_working_still_names_the_endpoints_scope() -> None:
    log = ("GET https://api.xero.com/api.xro/2.0/Invoices -> 200\n"
           "GET https://api.xero.com/api.xro/2.0/BankTransactions -> 401\n"
           "WWW-Authenticate: insufficient_scope\n"
           "GET https://api.xero.com/api.xro/2.0/Contacts -> 200\n")
    d = diagnose(text=log)
    assert d.top.code == "missing_scope" and "`accounting.banktransactions.read`" in d.top.fix[0]


# -- 8: an expired token printed beside Xero's scope verdict is an older one


def _jwt(claims: dict[str, object]) -> str:
    def part(value: dict[str, object]) -> str:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip("=")
    return f"{part({'alg': 'RS256'})}.{part(claims)}.c2lnbmF0dXJl"


def test_an_expired_token_beside_authorization_unsuccessful_is_not_the_one_sent() -> None:
    token = _jwt({"exp": 1_700_000_000, "aud": "https://identity.xero.com/resources",
                  "scope": ["openid", "accounting.contacts"]})
    d = diagnose(text=f"access_token: '{token}'\nHTTP 401 "
                      '{"Title":"Unauthorized","Status":401,"Detail":"AuthorizationUnsuccessful"}',
                 endpoint="GET /Invoices", clock=lambda: 1_800_000_000.0)
    expired = [f for f in d.findings if f.code == "token_expired"]
    assert d.top.code != "token_expired"
    assert all(f.weight <= 0.3 and "older one" in f.title for f in expired)


# -- 9, 10: local errors read as what they are


def test_an_empty_tenant_id_in_an_sdk_stack_frame_is_the_missing_header() -> None:
    text = ("PHP Fatal error:  Uncaught GuzzleHttp\\Exception\\ClientException: Client error: `GET "
            "https://api.xero.com/api.xro/2.0/Invoices` resulted in a `403 Forbidden` response\n"
            "#1 /var/www/html/app/Http/Controllers/XeroController.php(58): "
            "XeroAPI\\XeroPHP\\Api\\AccountingApi->getInvoices('', NULL, NULL, NULL, 1)")
    assert diagnose(text=text).top.code == "tenant_header_missing"


def test_openid_clients_state_mismatch_is_the_apps_own_sign_in_state() -> None:
    d = diagnose(text="RPError: state mismatch, expected a6f2c1d9e8b7, got: undefined\n"
                      "    at Client.callback (/app/node_modules/openid-client/lib/client.js:486:13)\n"
                      "    at XeroClient.apiCallback (/app/node_modules/xero-node/dist/XeroClient.js:120:48)")
    assert d.top.code == "unknown" and "state" in d.top.title and "Xero sent nothing wrong" in d.top.title


def test_an_empty_tenant_list_is_no_organisation_reached() -> None:
    d = diagnose(text="await xero.updateTenants();\nconst tenantId = xero.tenants[0].tenantId;\n"
                      "TypeError: Cannot read properties of undefined (reading 'tenantId')\n"
                      "    at /app/routes/callback.js:27:38")
    assert d.top.code == "connection_revoked" and "empty list" in d.top.title


# -- 13, 14: polish


def test_a_message_with_line_breaks_is_one_line_of_evidence() -> None:
    d = diagnose(text='{"status": 401, "message": "TokenExpired: token expired at 07/14/2026 09:15:02\\r\\n'
                      'clientRequestId: 4c0ed2a1-71b3-4a0f-9e2c-1f2e3d4c5b6a"}')
    assert not any("\n" in e or "\r" in e for f in d.findings for e in f.evidence)


def test_the_rate_limit_look_alike_reads_as_a_sentence() -> None:
    from xero_nb.diagnose.alike import ALTERNATIVE

    assert ALTERNATIVE["rate_limited"][0] == "Or a rate limit was hit (60 calls a minute, 5,000 a day per organisation)"


def test_a_bad_tenant_id_is_quoted_whole_in_the_cli_error(capsys: pytest.CaptureFixture[str],
                                                          tmp_path: object) -> None:
    from pathlib import Path

    paste = Path(str(tmp_path)) / "e.txt"
    paste.write_text("403 Forbidden\n", encoding="utf-8")
    assert main(["diagnose", "--connections", "x" * 80, "--", str(paste)]) == 2
    err = capsys.readouterr().err
    assert "'" + "x" * 47 + "...'" in err


# -- 12, 15, 16, 18: the CLI's JSON, its usage errors, a status no call had, the simulator's users


def test_the_json_read_names_the_endpoint_the_paste_settles(capsys: pytest.CaptureFixture[str],
                                                            tmp_path: object) -> None:
    from pathlib import Path

    paste = Path(str(tmp_path)) / "e.txt"
    paste.write_text(XERO_NODE_401, encoding="utf-8")
    assert main(["diagnose", "--format", "json", str(paste)]) == 0
    assert json.loads(capsys.readouterr().out)["read"]["endpoint"] == "GET /Invoices"


def test_two_files_say_one_text_per_run_and_the_commands_help(capsys: pytest.CaptureFixture[str],
                                                              tmp_path: object) -> None:
    from pathlib import Path

    paste = Path(str(tmp_path)) / "e.txt"
    paste.write_text("403\n", encoding="utf-8")
    with pytest.raises(SystemExit) as stopped:
        main(["diagnose", str(paste), str(paste)])
    assert stopped.value.code == 2
    err = capsys.readouterr().err
    assert "one error text per run" in err and "`xero-nb diagnose --help`" in err


def test_a_status_given_that_no_logged_call_had_is_said() -> None:
    log = ("GET https://api.xero.com/api.xro/2.0/Invoices -> 200\n"
           "GET https://api.xero.com/api.xro/2.0/BankTransactions -> 401\n")
    assert any("no call in it answered 500" in n for n in diagnose(text=log, status=500).notes)


def test_the_simulators_users_answer_to_the_names_its_docs_use() -> None:
    from xero_nb.simulator import XeroSimulator

    sim = XeroSimulator()
    assert sim.user("eve").email == "eve@example.com"
    assert sim.user("Eve@Example.com").email == "eve@example.com"
