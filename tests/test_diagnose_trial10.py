"""What the tenth trial of diagnose() found (1 Dec 2026), each as the behaviour it now has.

A new user (no tests or rules read) pasted ~95 errors in the styles people post, decided the
expert answer from the facts first, and swept every rendering for secrets.
"""

from __future__ import annotations

import base64
import json

import pytest

from xero_nb.diagnose import diagnose

RT = "9f8e7d6c5b4a39281706f5e4d3c2b1a09f8e7d6c5b4a39281706f5e4d3c2b1a0"


def _part(value: object) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip("=")


# a JWT made at test time (header, claims, a made-up signature): its pieces are what must not show
JWT = f"{_part({'alg': 'RS256'})}.{_part({'scope': ['accounting.contacts']})}.{_part('signature' * 2)}"
T403 = '{"Type":null,"Title":"Forbidden","Status":403,"Detail":"AuthenticationUnsuccessful"}'


def _everything(d: object) -> str:
    return " ".join((repr(d), d.to_markdown(), d.to_html(), str(d.to_dict()), repr(d.observed)))  # type: ignore[attr-defined]


# -- 1: a secret passed where the scopes go is never shown, and is no scope


@pytest.mark.parametrize("kwargs", [
    {"granted": RT},
    {"granted": ["accounting.contacts", "client_secret=Zk3xQ9pLsecretXYZ"]},
    {"granted": f"accounting.contacts code_verifier=dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk {RT}"},
    {"requested": f'{{"access_token":"{JWT}","refresh_token":"{RT}"}}'},
])
def test_a_secret_given_as_scopes_is_left_out_and_never_shown(kwargs: dict[str, object]) -> None:
    d = diagnose(text="401 AuthorizationUnsuccessful GET /Invoices", **kwargs)
    shown = _everything(d)
    for secret in (RT, "Zk3xQ9pL", "dBjftJeZ4CVP", JWT.split(".")[1][:12], JWT.split(".")[2][:12]):
        assert secret not in shown
    assert any("not shaped like a scope name" in n for n in d.notes)


def test_scopes_beside_a_secret_are_still_read() -> None:
    d = diagnose(text="401 AuthorizationUnsuccessful", endpoint="GET /Invoices",
                 granted=f"accounting.contacts {RT}")
    assert d.top.code == "missing_scope"
    assert any("accounting.contacts" in e for e in d.top.evidence)


def test_only_a_secret_as_scopes_leaves_the_scopes_unknown_not_none() -> None:
    d = diagnose(text="401 AuthorizationUnsuccessful", endpoint="GET /Invoices", granted=RT)
    assert not any("(none)" in e for f in d.findings for e in f.evidence)


def test_a_list_joined_with_semicolons_is_still_a_near_scope() -> None:
    d = diagnose(text="sign-in shows an invalid scope error",
                 requested=["openid;profile;email;accounting.settings.read;offline_access"])
    assert d.top.code == "invalid_scope_requested"


def test_a_pkce_verifier_in_prose_is_redacted_in_what_was_observed() -> None:
    d = diagnose(text="the token endpoint says invalid_client. code verifier "
                      "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk-verifierQQ")
    assert "dBjftJeZ4CVP" not in _everything(d)


# -- 2: Xero's own error name in the words outranks "refresh fails"


@pytest.mark.parametrize("text", ["I fixed the client secret but refresh still fails with invalid_client",
                                  "Refresh still fails with invalid_client after I rotated the secret"])
def test_invalid_client_named_beside_a_failing_refresh_is_the_client(text: str) -> None:
    d = diagnose(text=text)
    assert d.top.code == "invalid_client" and d.top.weight >= 0.9
    assert "invalid_grant" not in d.codes[:1]


def test_a_refresh_refused_without_a_client_error_is_still_the_grant() -> None:
    assert diagnose(text="the refresh still fails, refresh token refused").top.code == "invalid_grant"


# -- 3: no refresh token at all: offline_access


def test_a_token_response_without_a_refresh_token_is_missing_offline_access() -> None:
    text = ("Our integration stops working after 30 minutes. The token response is\n"
            '{"id_token":"x","access_token":"y","expires_in":1800,"token_type":"Bearer",'
            '"scope":"openid profile email accounting.settings accounting.contacts"}\n'
            "and there is no refresh_token in it.")
    d = diagnose(text=text)
    assert d.top.code == "token_expired" and "offline_access" in d.top.title
    assert "offline_access" in d.top.fix[0]


@pytest.mark.parametrize("response", [
    # a custom connection's token: no refresh token by design
    '{"access_token":"y","expires_in":1800,"token_type":"Bearer","scope":"accounting.transactions"}',
    # a sign-in that asked for offline_access and got its refresh token
    '{"access_token":"y","expires_in":1800,"token_type":"Bearer","refresh_token":"abc","scope":"openid offline_access"}',
])
def test_a_token_response_that_is_fine_is_said_fine(response: str) -> None:
    d = diagnose(text=response)
    assert d.top.code == "unknown" and "Nothing failed here" in d.top.title


def test_a_keyerror_for_the_refresh_token_leads_with_offline_access() -> None:
    d = diagnose(text='Traceback (most recent call last):\n  File "app.py", line 40, in refresh\n'
                      '    rt = token["refresh_token"]\nKeyError: \'refresh_token\'\n')
    assert d.top.code == "token_expired" and "offline_access" in d.top.fix[0]


# -- 4: "new app", "more scopes than I need" add no scope


@pytest.mark.parametrize("text", [
    "Brand new app. My scopes are openid accounting.contacts. GET /api.xro/2.0/Accounts gives 401 insufficient_scope",
    "I have more scopes than I need (openid profile email accounting.contacts offline_access) but "
    "GET /api.xro/2.0/Accounts gives 401 insufficient_scope",
    "New app, scopes: openid profile email accounting.contacts.read offline_access. GET "
    "https://api.xero.com/api.xro/2.0/Accounts returns 401 with WWW-Authenticate: insufficient_scope.",
])
def test_new_app_words_are_not_scopes_added(text: str) -> None:
    d = diagnose(text=text)
    assert d.top.code == "missing_scope"
    assert not any("Scopes were added" in f.title for f in d.findings)


def test_scopes_said_added_are_still_a_new_consent() -> None:
    d = diagnose(text="I added accounting.settings to the scopes but still get 401 insufficient_scope on GET /Accounts")
    assert d.top.code == "not_reconsented"


# -- 5: what the writer rules out


def test_a_token_said_not_expired_is_not_taken_for_an_expired_one() -> None:
    d = diagnose(text="The token is definitely not expired (I refresh every 20 minutes). 401 Unauthorized on "
                      "GET /api.xro/2.0/Contacts")
    assert d.top.code != "token_expired"
    assert "token_ok" in d.observed.markers


@pytest.mark.parametrize("text", [
    "The xero-tenant-id header is present and correct. HTTP 403 AuthenticationUnsuccessful",
    "tenant header is included (checked in Fiddler). 403 AuthenticationUnsuccessful",
    "\u8c03\u7528Xero API\u65f6\u8fd4\u56de403 AuthenticationUnsuccessful\uff0c\u5df2\u7ecf\u8bbe\u7f6e\u4e86"
    "xero-tenant-id\u8bf7\u6c42\u5934",
])
def test_a_header_said_present_is_not_the_missing_header(text: str) -> None:
    d = diagnose(text=text)
    assert d.top.code != "tenant_header_missing"
    assert "tenant_header_present" in d.observed.markers


def test_a_practice_tenant_on_the_accounting_api_is_the_wrong_tenant() -> None:
    d = diagnose(text="403 AuthenticationUnsuccessful calling GET https://api.xero.com/api.xro/2.0/Contacts with "
                      "the tenantId of our PRACTICE tenant (tenantType PRACTICE in /connections)")
    assert d.top.code == "tenant_not_connected"


def test_i_pass_the_tenant_id_alone_does_not_rule_the_header_out() -> None:
    # code that reads an unset setting passes an empty id: "I pass it" is not "it is there"
    d = diagnose(text="n8n HTTP Request node to Xero returns 403 Forbidden. I pass the tenant with an "
                      "expression {{ $json.tenantId }} from the node before.")
    assert "tenant_header_missing" in d.codes[:3]


# -- 6: a status written first, or in brackets after a sentence


@pytest.mark.parametrize(("text", "status"), [
    ("401 AuthorizationUnsuccessful", 401), ("403 AuthenticationUnsuccessful", 403),
    ("ERR 401 AuthorizationUnsuccessful", 401), ('The app returned "AuthorizationUnsuccessful". (401)', 401),
    ("401 TokenExpired", 401),
])
def test_a_status_written_before_xeros_detail_is_read(text: str, status: int) -> None:
    assert diagnose(text=text).observed.status == status


def test_401_authentication_unsuccessful_is_a_token_matter_not_the_tenant() -> None:
    d = diagnose(text="401 AuthenticationUnsuccessful on GET /Invoices")
    assert d.top.code not in ("tenant_header_missing", "tenant_not_connected")


# -- 7: an empty tenant id given is the header sent empty


def test_an_empty_tenant_id_given_is_the_header_sent_empty() -> None:
    d = diagnose(status=403, body={"Detail": "AuthenticationUnsuccessful"}, tenant_id="")
    assert d.top.code == "tenant_header_missing" and "empty" in d.top.title
    assert d.top.weight >= 0.9


def test_no_tenant_id_given_is_not_an_empty_one() -> None:
    d = diagnose(status=403, body={"Detail": "AuthenticationUnsuccessful"})
    assert "empty" not in d.top.title


# -- 8: a 401 from an API call is not the client's credentials


def test_an_api_calls_401_is_not_read_as_invalid_client() -> None:
    d = diagnose(text="tap_xero.client.XeroUnauthorizedError: HTTP-error-code: 401, Error: Invalid "
                      "authorization credentials.")
    assert "invalid_client" not in d.codes
    assert d.top.code == "token_expired"


def test_the_token_endpoints_invalid_client_stays() -> None:
    d = diagnose(text='POST https://identity.xero.com/connect/token -> 400 {"error":"invalid_client"}')
    assert d.top.code == "invalid_client"


# -- 9: guesses that what was given rules out are not listed


def test_a_connected_tenant_given_rules_out_the_missing_header() -> None:
    tid = "8f2c3a4b-1d2e-4f5a-9b8c-7d6e5f4a3b2c"
    d = diagnose(text="GET https://api.xero.com/projects.xro/2.0/projects 403 Forbidden", granted=["projects"],
                 tenant_id=tid, connections=[tid])
    assert "tenant_header_missing" not in d.codes


def test_the_right_payroll_region_is_not_guessed_wrong() -> None:
    d = diagnose(text="401 AuthorizationUnsuccessful on GET https://api.xero.com/payroll.xro/1.0/Employees",
                 granted=["payroll.employees"], country="AU", user_role="standard")
    assert "payroll_region_mismatch" not in d.codes


def test_nz_and_uk_share_a_path_so_the_country_proves_no_region() -> None:
    # payroll.xro/2.0 serves NZ and UK: an NZ organisation called with the UK API's code is a mismatch
    d = diagnose(text="XeroRuby::ApiError HTTP status code: 404 in uk_payroll_sync.rb (payroll_uk_api)",
                 endpoint="GET /payroll.xro/2.0/Employees", country="NZ")
    assert "payroll_region_mismatch" in d.codes


def test_scopes_that_allow_the_call_rule_the_missing_scope_guess_out() -> None:
    d = diagnose(text="401 AuthorizationUnsuccessful on GET https://api.xero.com/payroll.xro/2.0/employees",
                 granted=["payroll.employees"], country="UK")
    assert "missing_scope" not in d.codes


# -- 10: a product the plan lacks is named, not the invoice caps


@pytest.mark.parametrize(("text", "product"), [
    ("GET https://api.xero.com/projects.xro/2.0/projects 403 Forbidden. The org is on the Ignite plan, which has "
     "no Projects.", "projects"),
    ("GET https://api.xero.com/api.xro/2.0/ExpenseClaims 403 Forbidden. Expenses is not on this org plan",
     "expenses"),
])
def test_a_plan_without_the_product_names_the_product(text: str, product: str) -> None:
    d = diagnose(text=text)
    assert d.top.code == "feature_not_in_plan" and product in d.top.title
    assert "invoices" not in d.top.title and product in d.top.fix[0]


# -- 11: calls that take no tenant header get no tenant causes


@pytest.mark.parametrize("text", ["GET https://api.xero.com/connections -> 403 Forbidden",
                                  "GET https://api.xero.com/connections returns 401 Unauthorized",
                                  "GET https://api.xero.com/appstore/2.0/subscriptions/abc -> 403 Forbidden"])
def test_a_refused_call_without_a_tenant_header_gets_no_tenant_cause(text: str) -> None:
    d = diagnose(text=text)
    assert not {"tenant_header_missing", "tenant_not_connected"} & set(d.codes)


def test_connections_named_beside_another_failing_call_says_nothing_of_it() -> None:
    d = diagnose(text="GET https://api.xero.com/api.xro/2.0/Invoices returns 403; GET /connections lists the tenant")
    assert d.top.code in ("tenant_header_missing", "tenant_not_connected")


# -- 12: ExpenseClaims and Receipts are being closed


def test_a_scoped_expenseclaims_call_refused_says_xero_is_closing_it() -> None:
    d = diagnose(text="GET /api.xro/2.0/ExpenseClaims 401 insufficient_scope",
                 granted=["accounting.settings", "accounting.transactions.read"], era="mixed")
    assert d.top.code == "restricted_scope" and "ExpenseClaims" in d.top.title


# -- 13: a bare unknown scope in a quoted list is named


def test_an_unknown_scope_in_a_quoted_list_gets_did_you_mean() -> None:
    d = diagnose(text='authorize returned error=invalid_scope for scope "openid profile email workflowmax '
                      'offline_access"')
    assert d.top.code == "invalid_scope_requested"
    assert "`workflowmax`" in d.top.title and "workflowmax.read" in d.top.title
    assert "broad_scope_on_granular_app" not in d.codes[:1]


# -- 14: headers run together with semicolons


def test_headers_joined_by_semicolons_keep_clean_values() -> None:
    d = diagnose(text="System.Net.Http.HttpRequestException: Response status code does not indicate success: "
                      "429 (Too Many Requests).\nHeaders: Retry-After: 12; X-Rate-Limit-Problem: appminute; "
                      "X-AppMinLimit-Remaining: 0")
    assert d.observed.header("Retry-After") == "12"
    assert d.observed.header("X-Rate-Limit-Problem") == "appminute"
    assert "app-wide" in d.top.title


# -- 16: a country that is no string is said


def test_a_country_that_is_no_text_is_noted() -> None:
    assert any("country 5" in n or "country '5'" in n for n in diagnose(text=T403, country=5).notes)


def test_an_earlier_cured_failures_log_lines_are_not_the_later_failures() -> None:
    log = ('2026-06-01 09:00:01 DEBUG urllib3.connectionpool: https://api.xero.com:443 "GET /api.xro/2.0/Invoices '
           'HTTP/1.1" 401 151\n'
           "2026-06-01 09:00:01 WARNING token expired, refreshing\n"
           '2026-06-01 09:00:02 DEBUG urllib3.connectionpool: https://identity.xero.com:443 "POST /connect/token '
           'HTTP/1.1" 200 2011\n'
           '2026-06-01 09:00:02 DEBUG urllib3.connectionpool: https://api.xero.com:443 "GET /api.xro/2.0/Invoices '
           'HTTP/1.1" 200 50012\n'
           '2026-06-01 09:00:03 DEBUG urllib3.connectionpool: https://api.xero.com:443 "GET /payroll.xro/1.0/Employees '
           'HTTP/1.1" 401 151\n'
           "2026-06-01 09:00:03 ERROR HTTPStatusException (401) Reason: Unauthorized  HTTP response headers: "
           "HTTPHeaderDict({'WWW-Authenticate': 'insufficient_scope'})\n")
    d = diagnose(text=log)
    assert d.top.code == "missing_scope"
    assert not {"token_expired", "invalid_grant"} & set(d.codes)
