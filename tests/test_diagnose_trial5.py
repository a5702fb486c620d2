"""What a fifth fresh-user trial found (the official SDKs run against the simulator, other SDKs'
printed forms, Sentry and Slack pastes, hostile input), each pinned so it stays fixed."""

from __future__ import annotations

import base64
import json
from functools import partial
from typing import Any

import pytest

from xero_nb.diagnose.diagnosis import diagnose as _diagnose_with_wording

# These tests pin the rules: diagnose() here is the rules alone (resemblance=False); the wording's
# statistical reading it adds by default is tested in tests/test_diagnose_resemble.py.
diagnose = partial(_diagnose_with_wording, resemblance=False)

P401 = json.dumps({"Type": None, "Title": "Unauthorized", "Status": 401, "Detail": "AuthorizationUnsuccessful"})
P403 = json.dumps({"Type": None, "Title": "Forbidden", "Status": 403, "Detail": "AuthenticationUnsuccessful"})


def _b64(value: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()


TOKEN = (_b64({"alg": "RS256", "typ": "JWT"}) + "."
         + _b64({"nbf": 1796080556, "exp": 1796082356, "iss": "https://identity.xero.com",
                 "aud": "https://identity.xero.com/resources", "scope": ["openid"]})
         + ".c2lnbmF0dXJlLXZhbHVlLXNpZ25hdHVyZQ")


def shown(d: Any) -> str:
    return (d.to_markdown() + d._repr_html_() + json.dumps(d.to_dict()) + repr(d) + repr(d.observed)
            + repr(d.notes) + str(d.decisive_fact))


# --- S1: a token given where the endpoint goes is never shown ---

@pytest.mark.parametrize("endpoint", [
    f"GET {TOKEN}", TOKEN, f"GET https://api.xero.com/api.xro/2.0/Bogus?access_token={TOKEN}",
    f"GET /Bogus/{TOKEN}",
])
def test_a_token_passed_as_the_endpoint_is_never_shown(endpoint: str) -> None:
    d = diagnose(text=P401, endpoint=endpoint)
    out = shown(d)
    assert TOKEN.split(".")[1][:24] not in out and TOKEN.split(".")[0] not in out
    assert any("[redacted]" in n for n in d.notes)


# --- W1: a logged call that succeeded is not the failure (Sentry breadcrumbs, log lines) ---

SDK_401 = ("HTTPStatusException: (401)\nReason: Unauthorized\n"
           "HTTP response headers: HTTPHeaderDict({'WWW-Authenticate': 'insufficient_scope'})\n"
           f"HTTP response body: b'{P401}'\n")


@pytest.mark.parametrize("crumbs", [
    "BREADCRUMBS\nhttp   POST https://identity.xero.com/connect/token [200]\n"
    "http   GET https://api.xero.com/connections [200]\nhttp   GET https://api.xero.com/api.xro/2.0/Payments [401]\n",
    "GET https://api.xero.com/connections [200]\nGET https://api.xero.com/api.xro/2.0/Payments [401]\n",
    "BREADCRUMBS\nhttp   POST https://identity.xero.com/connect/token [200]\n",
])
def test_breadcrumbs_of_calls_that_worked_do_not_hide_the_scope_failure(crumbs: str) -> None:
    d = diagnose(text=SDK_401 + "\n" + crumbs)
    assert d.codes[0] == "missing_scope"
    assert d.observed.url is None or "/Payments" in d.observed.url
    assert "token_endpoint" not in d.observed.markers  # the token call worked: not where it failed


def test_the_failed_breadcrumb_names_the_endpoint() -> None:
    d = diagnose(text=SDK_401 + "\nGET https://api.xero.com/connections [200]\n"
                                "GET https://api.xero.com/api.xro/2.0/Payments [401]\n")
    assert d.observed.url == "https://api.xero.com/api.xro/2.0/Payments"
    assert "accounting.payments.read" in d.findings[0].title


def test_a_lone_request_line_is_still_the_call() -> None:
    d = diagnose(text=f"GET https://api.xero.com/api.xro/2.0/Invoices\n{P401}")
    assert d.observed.url == "https://api.xero.com/api.xro/2.0/Invoices"
    ok = diagnose(text="GET https://api.xero.com/api.xro/2.0/Invoices -> 200 but the list is empty")
    assert ok.observed.url == "https://api.xero.com/api.xro/2.0/Invoices"


# --- W2: a cause the writer rules out is no evidence of it ---

@pytest.mark.parametrize("said", [
    "FYI it's NOT a rate limit (we're nowhere near 60/min) and not the token being expired, I refreshed it.",
    "This isn't a rate limit and it is not the access token expiring.",
])
def test_denied_causes_do_not_outrank_xeros_403(said: str) -> None:
    d = diagnose(text=f"{said}\n{P403}")
    assert d.codes[0] in ("tenant_header_missing", "tenant_not_connected")
    assert "rate_limited" not in d.codes[:3] and "token_expired" not in d.codes[:3]


def test_a_cause_stated_with_not_still_counts() -> None:
    """'a currency that is not enabled', 'Not a UK Customer': statements, not denials."""
    assert diagnose(text="Currency not subscribed: a currency that is not enabled in your plan").codes[0] \
        == "feature_not_in_plan"
    assert diagnose(text='{"Message": "Not a UK Customer"}', status=401).codes[0] == "payroll_region_mismatch"
    assert diagnose(text="The refresh token has expired and it's not coming back").codes[0] == "invalid_grant"
    assert diagnose(text="it's not a valid refresh token").codes[0] == "invalid_grant"


# --- W3: xero-node leaves Authorization out of every error it prints ---

NODE_401 = json.dumps({"response": {"statusCode": 401, "body": json.loads(P401.replace("Authorization", "Authentication")),
                                    "headers": {"xero-correlation-id": "44b7c6ee", "content-type": "application/json"},
                                    "request": {"url": {"path": "/api.xro/2.0/Accounts"}, "method": "GET",
                                                "headers": {"accept": "application/json", "user-agent": "xero-node-20.0.0",
                                                            "xero-tenant-id": "989da563-4b59-5ac8-b50c-d89dc74fb4fa"}}}})


def test_xero_node_printout_without_authorization_is_not_a_missing_token() -> None:
    d = diagnose(text=NODE_401)
    assert not any("No access token was sent" in f.title for f in d.findings)
    assert d.codes[0] == "token_expired"  # the token was not accepted (facts: auth_401_unauthenticated)


def test_a_xero_node_printout_without_a_user_agent_is_still_xero_nodes() -> None:
    """The printout's own shape says xero-node even when its request headers name no agent."""
    bare = NODE_401.replace('"user-agent": "xero-node-20.0.0", ', "")
    assert "user-agent" not in bare
    d = diagnose(text=bare)
    assert not any("No access token was sent" in f.title for f in d.findings)


def test_a_raw_request_without_authorization_is_still_said() -> None:
    raw = ("> GET /api.xro/2.0/Accounts HTTP/1.1\n> Host: api.xero.com\n> User-Agent: curl/8.5.0\n"
           "> Accept: application/json\n> xero-tenant-id: 989da563-4b59-5ac8-b50c-d89dc74fb4fa\n>\n"
           "< HTTP/1.1 401 Unauthorized\n< Content-Type: application/json\n\n"
           '{"Title":"Unauthorized","Status":401}')
    d = diagnose(text=raw)
    assert any("No access token was sent" in f.title for f in d.findings)


def test_authentication_unsuccessful_body_alone_still_ranks_the_scope() -> None:
    """The one public report of this 401 body (headers not shown) was a scope: without Xero's
    headers the scope stays first (facts ASSUMPTIONS "auth_401_unauthenticated")."""
    body = P401.replace("Authorization", "Authentication")
    d = diagnose(text=f"PUT https://api.xero.com/api.xro/2.0/Contacts resulted in a 401 response: {body}")
    assert d.codes[0] == "missing_scope"


# --- W4: calcinai/xero-php's ForbiddenException stands for any 401 or 403 ---

CALCINAI = ("PHP Fatal error:  Uncaught XeroPHP\\Remote\\Exception\\ForbiddenException: You are not permitted "
            "to access this resource in /srv/app/vendor/calcinai/xero-php/src/XeroPHP/Remote/Response.php:143\n"
            "Stack trace:\n#0 /srv/app/vendor/calcinai/xero-php/src/XeroPHP/Remote/Request.php(124): "
            "XeroPHP\\Remote\\Response->parse()\n")


def test_xero_php_forbidden_exception_lists_scope_tenant_and_token_before_role() -> None:
    d = diagnose(text=CALCINAI)
    assert d.observed.status is None  # the class does not tell 401 from 403
    assert d.codes[:3] == ("missing_scope", "tenant_not_connected", "token_expired")
    assert d.codes.index("user_role") == 3
    assert d.decisive_fact and "status" in d.decisive_fact


def test_the_same_words_from_a_vendor_stay_the_role() -> None:
    assert diagnose(text="You Are Not Permitted to Access This Resource").codes[0] == "user_role"


# --- W5: a script stopped while urllib3 slept out a Retry-After ---

HANG = ('  File "/srv/venv/urllib3/connectionpool.py", line 972, in urlopen\n    retries.sleep(response)\n'
        '  File "/srv/venv/urllib3/util/retry.py", line 395, in sleep\n    slept = self.sleep_for_retry(response)\n'
        '  File "/srv/venv/urllib3/util/retry.py", line 374, in sleep_for_retry\n    time.sleep(retry_after)\n'
        "KeyboardInterrupt\n")


def test_ctrl_c_during_urllib3_retry_sleep_is_a_rate_limit() -> None:
    d = diagnose(text=HANG)
    assert d.codes[0] == "rate_limited"
    assert any("was not hung" in s for s in d.findings[0].fix)


# --- W6: an old xeroizer's TokenExpired without a reason ---

def test_bare_xeroizer_token_expired_is_hedged() -> None:
    d = diagnose(text="Xeroizer::OAuth::TokenExpired: Xeroizer::OAuth::TokenExpired\n"
                      "/gems/xeroizer-3.0.1/lib/xeroizer/http_response.rb:39:in `handle_oauth_error!'")
    top = d.findings[0]
    assert top.code == "token_expired" and top.weight < 0.9
    assert any("fresh token gets it too" in s for s in top.fix)
    sure = diagnose(text="Xeroizer::OAuth::TokenExpired: TokenExpired: token expired at 11/30/2026 10:14:02")
    assert sure.findings[0].weight >= 0.9


# --- W7: the endpoint a pyxero manager or a method named in words calls ---

def test_pyxero_manager_call_in_a_traceback_settles_the_endpoint() -> None:
    tb = ('  File "sync.py", line 12, in run\n    journals = xero.journals.all()\n'
          "xero.exceptions.XeroUnauthorized: AuthorizationUnsuccessful\n")
    d = diagnose(text=tb)
    assert d.codes[0] == "tier_gated"
    assert any("getJournals" in n for n in d.notes)


@pytest.mark.parametrize("said", [
    "Calling `get_bank_transactions` fails with 401 insufficient_scope.",
    "accounting_api.get_bank_transactions(xero_tenant_id) raises 401 insufficient_scope",
    "xero.accountingApi.getBankTransactions(tenantId) rejects with 401 insufficient_scope",
])
def test_a_method_named_in_words_settles_the_endpoint(said: str) -> None:
    d = diagnose(text=said)
    assert d.codes[0] == "missing_scope"
    assert "accounting.banktransactions" in d.findings[0].title


def test_a_method_no_operation_has_is_ignored() -> None:
    d = diagnose(text="get_everything_now() then a 401 insufficient_scope")
    assert d.codes[0] == "missing_scope" and not any("SDK method" in n for n in d.notes)


def test_an_app_said_to_be_created_after_march_2026_is_granular() -> None:
    d = diagnose(text="Our app was created in April 2026. Calling get_bank_transactions fails: 401 insufficient_scope")
    assert any("era taken as granular" in n for n in d.notes)
    assert "accounting.transactions" not in " ".join(d.findings[0].fix)
    old = diagnose(text="Our app was created in 2019. Calling get_bank_transactions fails: 401 insufficient_scope")
    assert not any("era taken as granular" in n for n in old.notes)


# --- W9: the user's own code in a traceback says nothing of the cause ---

def test_source_lines_in_a_traceback_are_not_read_as_words() -> None:
    tb = ('Traceback (most recent call last):\n  File "drive.py", line 141, in <lambda>\n'
          '    case("expired", lambda: api.get_employees(AU))\n'
          "oauthlib.oauth2.rfc6749.errors.InsecureTransportError: (insecure_transport) OAuth 2 MUST utilize https.\n")
    d = diagnose(text=tb)
    assert "token_expired" not in d.codes and "payroll_region_mismatch" not in d.codes


# --- F1, F2: axios's message and an error object printed as {} ---

def test_axios_message_without_xeros_answer_says_where_it_is() -> None:
    d = diagnose(text="AxiosError: Request failed with status code 400")
    assert d.codes[0] == "unknown"
    assert "err.response.data" in d.findings[0].fix[0]
    assert "Correlation" not in d.findings[0].fix[0]
    assert not any("err.response.data" in n for n in d.notes)  # said once, as the first step


def test_axios_json_with_a_guess_carries_the_note() -> None:
    d = diagnose(text=json.dumps({"message": "Request failed with status code 400", "name": "AxiosError",
                                  "config": {"url": "https://identity.xero.com/connect/token"}}))
    assert d.codes[0] != "unknown"
    assert any("err.response.data" in n for n in d.notes)


@pytest.mark.parametrize("printed", ["{}", "[object Object]"])
def test_an_error_object_printed_empty_says_what_to_print(printed: str) -> None:
    d = diagnose(text=printed)
    assert d.codes == ("unknown",)
    assert "is how an error object prints" in d.findings[0].title
    assert "err.message" in d.findings[0].fix[0]


# --- C2: a huge scope list is named in part ---

def test_thousands_of_scopes_are_not_echoed_whole() -> None:
    d = diagnose(text="401", granted=" ".join(f"bogus.scope{i}" for i in range(3000)))
    assert len(d.to_markdown()) < 10_000
    assert any("and 2960 more" in e for f in d.findings for e in f.evidence)
