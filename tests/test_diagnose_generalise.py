"""Reading rules added to generalise beyond the tuning texts: one test per rule, several styles each.

Every example is written here in the style of a library, connector or person (none is copied
from a corpus case); the fact each rule stands for is in its docstring, and where a library
prints a fixed text the text comes from that library's source (named in ``diagnose/sdk.py``).
"""

from __future__ import annotations

import json
from functools import partial
from typing import Any

import pytest

from xero_nb.diagnose.cues import cue_markers
from xero_nb.diagnose.diagnosis import diagnose as _diagnose_with_wording
from xero_nb.diagnose.observation import observe
from xero_nb.diagnose.sdk import class_hint
from xero_nb.diagnose.status import status_from_reason, status_from_text

# These tests pin the rules: diagnose() here is the rules alone (resemblance=False); the wording's
# statistical reading it adds by default is tested in tests/test_diagnose_resemble.py.
diagnose = partial(_diagnose_with_wording, resemblance=False)

P401 = json.dumps({"Title": "Unauthorized", "Status": 401, "Detail": "AuthorizationUnsuccessful"})
P403 = json.dumps({"Title": "Forbidden", "Status": 403, "Detail": "AuthenticationUnsuccessful"})


def codes(text: str, **context: Any) -> tuple[str, ...]:
    return diagnose(text=text, **context).codes


# --- statuses in connector and library wording ---

@pytest.mark.parametrize(("text", "status"), [
    ("NodeApiError: Forbidden - perhaps check your credentials?", 403),              # n8n
    ("Authorization failed - please check your credentials", 401),                  # n8n
    ("The service is receiving too many requests from you", 429),                    # n8n
    ("Forbidden. You don't have permission to access this resource.", 403),         # Airbyte CDK
    ("Unauthorized. Please ensure you are authenticated correctly.", 401),          # Airbyte CDK
    ("Expression.Error: Access to the resource is forbidden.", 403),                 # Power Query
    ("DataSource.Error: Web.Contents failed to get contents from "
     "'https://api.xero.com/api.xro/2.0/Invoices' (401): Unauthorized", 401),        # Power Query
    ("com.xero.api.XeroForbiddenException: Forbidden - authentication unsuccessful", 403),
])
def test_fixed_messages_and_power_query_give_the_status(text: str, status: int) -> None:
    """Connectors print their own fixed text for a status instead of the number."""
    assert observe(text=text).status == status


@pytest.mark.parametrize(("text", "status"), [
    ("Error: Unauthorized", 401), ("Forbidden.", 403), ("Request rejected: Too Many Requests", 429),
    ("UNAUTHORISED", 401),
])
def test_a_bare_reason_phrase_is_a_status_of_last_resort(text: str, status: int) -> None:
    assert status_from_text(text) is None and status_from_reason(text) == status
    assert observe(text=text).status == status


@pytest.mark.parametrize("text", ["unauthorized_client : Invalid scope for client",
                                  "error=unauthorized_client", "XeroUnauthorized-ish", "not forbidden-"])
def test_oauth_error_names_are_not_reason_phrases(text: str) -> None:
    assert status_from_reason(text) is None


def test_a_number_beats_a_reason_phrase() -> None:
    assert observe(text="Forbidden (HTTP 401)").status == 401


# --- SDK classes read from the libraries' sources ---

@pytest.mark.parametrize(("text", "cls", "status", "marker"), [
    ("XeroPHP\\Remote\\Exception\\RateLimitExceededException: The API rate limit for your "
     "organisation/application pairing has been exceeded.", "RateLimitExceededException", 429, "rate_limit"),
    ("XeroPHP\\Remote\\Exception\\ReportPermissionMissingException", "ReportPermissionMissingException",
     403, "role"),
    ("Xeroizer::OAuth::TokenExpired: token expired", "TokenExpired", 401, "tokenexpired"),
    ("Xeroizer::OAuth::RateLimitExceeded (please wait before retrying)", "RateLimitExceeded", 429,
     "rate_limit"),
    ("xero.exceptions.XeroTenantIdNotSet", "XeroTenantIdNotSet", None, "tenant_missing"),
    ("oauthlib.oauth2.rfc6749.errors.TokenExpiredError: (token_expired)", "TokenExpiredError", None,
     "tokenexpired"),
    ("oauthlib.oauth2.rfc6749.errors.InvalidGrantError: (invalid_grant) ", "InvalidGrantError", 400,
     "invalid_grant"),
])
def test_library_classes_say_their_status_and_cause(text: str, cls: str, status: int | None,
                                                    marker: str) -> None:
    hint = class_hint(text)
    assert hint is not None and hint[0] == cls
    obs = observe(text=text)
    assert obs.sdk_class == cls and obs.status == status and marker in obs.markers


def test_java_rate_limit_classes_name_the_limit() -> None:
    """Xero-Java's minute/daily/app-minute classes say which limit when no header is printed."""
    assert observe(text="com.xero.api.XeroDailyRateLimitException: boom").rate_limit_problem == "day"
    assert observe(text="XeroMinuteRateLimitException").rate_limit_problem == "minute"
    d = diagnose(text="com.xero.api.XeroDailyRateLimitException")
    assert d.top.code == "rate_limited" and "daily" in d.top.title


class ReportPermissionMissingException(Exception):
    """calcinai/xero-php's class, as an object: its name alone says the reporting role."""


def test_the_class_of_an_exception_object_carries_its_markers() -> None:
    d = diagnose(ReportPermissionMissingException("You are not permitted to access this resource "
                                                  "without the reporting role or higher privileges"))
    assert d.top.code == "user_role" and d.observed.status == 403


# --- tokens ---

@pytest.mark.parametrize("text", ["oauth_problem=token_expired&oauth_problem_advice=The%20access%20token%20"
                                  "has%20expired", "Xeroizer::OAuth::TokenExpired",
                                  "oauthlib.oauth2.rfc6749.errors.TokenExpiredError: (token_expired)"])
def test_expiry_said_by_xero_or_an_sdk_class_is_certain(text: str) -> None:
    d = diagnose(text=text)
    assert d.top.code == "token_expired" and d.top.weight == 0.97


def test_expiry_only_mentioned_in_words_is_weaker_than_a_rate_limit_said_to_be_hit() -> None:
    """OAuth 1.0a Xero answered a 401 with oauth_problem=rate limit exceeded: a text that names
    token_expired in passing and says the limit was exceeded is a rate limit."""
    text = ("Xero returns 401 for token_invalid or token_expired, and also for "
            "`rate limit exceeded`")
    d = diagnose(text=text)
    assert d.codes[:2] == ("rate_limited", "token_expired")
    assert d.findings[0].weight == 0.85 and d.findings[1].weight == 0.82


@pytest.mark.parametrize("text", [
    "401 Client Error: Unauthorized for url: https://api.xero.com/api.xro/2.0/Items",
    "HTTP 401",
    "com.xero.api.XeroUnauthorizedException: Unauthorized - check your scopes and confirm access to "
    "this resource",
])
def test_a_401_with_xeros_reason_lost_is_expiry_first(text: str) -> None:
    """Xero always says why in a 401; when a wrapper dropped it, the commonest 401 is expiry."""
    d = diagnose(text=text)
    assert d.codes[:2] == ("token_expired", "missing_scope")
    assert d.top.weight == 0.5 and d.decisive_fact is not None


def test_a_401_with_xeros_detail_keeps_the_scope_first() -> None:
    d = diagnose(text=P401, endpoint="GET /Items")
    assert d.top.code == "missing_scope"
    other = diagnose(text=json.dumps({"Title": "Unauthorized", "Status": 401,
                                      "Detail": "AuthenticationUnsuccessful"}), endpoint="GET /Items")
    assert other.codes[:2] == ("missing_scope", "token_expired")
    # a 401 AuthenticationUnsuccessful: Xero did not take the token at all, which the title says
    assert other.findings[1].weight == 0.4
    assert "not accepted" in other.findings[1].title and "id_token" in other.findings[1].title


@pytest.mark.parametrize("text", ["Every call to /Items returns 401", "It always returns 401 Unauthorized",
                                  "It returns 401 from the first call on and never works"])
def test_a_401_from_the_first_call_is_not_expiry(text: str) -> None:
    d = diagnose(text=text)
    assert d.top.code == "missing_scope" and "token_expired" not in d.codes


# --- refreshes ---

@pytest.mark.parametrize("given", [
    {"text": "400 Bad Request", "grant_type": "refresh_token"},
    {"text": "The call failed", "grant_type": "Refresh Token"},
    {"text": "POST grant_type=refresh_token&refresh_token=<redacted> answered 400"},
])
def test_a_failed_refresh_is_invalid_grant(given: dict[str, Any]) -> None:
    """The token endpoint refuses a used, idle or revoked refresh token with invalid_grant."""
    d = diagnose(**given)
    assert d.top.code == "invalid_grant" and "invalid_client" in d.codes[:3]


def test_a_refresh_that_was_never_possible_stays_expiry() -> None:
    d = diagnose(text="getRefreshToken() returned null", grant_type="refresh_token")
    assert d.codes[:2] == ("token_expired", "invalid_grant")


# --- tenants ---

@pytest.mark.parametrize("text", [
    "Error: Required parameter xeroTenantId was null or undefined when calling getInvoices.",
    "java.lang.IllegalArgumentException: Missing the required parameter 'xeroTenantId' when calling "
    "getContacts",
    "ArgumentError: Missing the required parameter 'xero_tenant_id' when calling AccountingApi.get_items",
    "xero.exceptions.XeroTenantIdNotSet",
])
def test_sdks_refusing_to_call_without_a_tenant_id(text: str) -> None:
    assert codes(text)[0] == "tenant_header_missing"


@pytest.mark.parametrize(("text", "first"), [
    ("curl -s https://api.xero.com/api.xro/2.0/Items -> 403 Forbidden", "tenant_header_missing"),
    ("Exception when calling AccountingApi->getItems: [403] Client error: " + P403, "tenant_not_connected"),
    ("xero.exceptions.XeroForbidden: " + P403, "tenant_not_connected"),
    ("I pass the tenant id to every call, yet I get 403 " + P403, "tenant_not_connected"),
    ("I took the first tenant in the list and get 403 Forbidden", "tenant_not_connected"),
])
def test_a_bare_403_depends_on_whether_a_tenant_was_sent(text: str, first: str) -> None:
    """SDK methods take the tenant id as a required argument and send it; raw calls forget it."""
    found = codes(text)
    assert found[0] == first and {"tenant_header_missing", "tenant_not_connected"} <= set(found[:3])


# --- rate limits and connection caps in words ---

@pytest.mark.parametrize("text", [
    "The sync stopped: the limit of 5,000 API calls per organisation was exceeded",
    "Xero limits the number of requests each app can make per minute",
    "API limit reached for today, try again tomorrow",
])
def test_call_limits_in_words_are_rate_limits(text: str) -> None:
    assert codes(text)[0] == "rate_limited"


@pytest.mark.parametrize("text", ["You have reached the limit of connections for this app",
                                  "The app hit its limit of 25 organisations"])
def test_a_limit_of_connections_is_the_tier(text: str) -> None:
    found = codes(text)
    assert found[0] == "tier_gated" and "rate_limited" not in found


# --- connections, consent and scopes in words ---

@pytest.mark.parametrize("text", ["Someone disconnected the organisation from our app in Xero",
                                  "After we disconnect the app in Connected Apps the sync fails",
                                  "disconnecting the tenant stops every call"])
def test_disconnecting_the_organisation_is_a_revoked_connection(text: str) -> None:
    assert codes(text)[0] == "connection_revoked"


@pytest.mark.parametrize("text", [
    "We added new permissions to the app; please reconnect Xero to use them",
    "Since the update asks for more scopes, existing connections must re-authorise",
    "I added accounting.attachments to the scopes but still get " + P401,
])
def test_scopes_added_without_a_new_consent_are_not_reconsented(text: str) -> None:
    assert codes(text)[0] == "not_reconsented"


def test_new_granular_scopes_are_the_2026_change_not_a_consent() -> None:
    d = diagnose(text="Sign-in fails since the new granular scopes replaced the deprecated scopes")
    assert d.top.code == "broad_scope_on_granular_app" and "not_reconsented" not in d.codes


@pytest.mark.parametrize("text", [
    "GetContacts fails while other calls work with the same access token and tenant id",
    "I use the exact token in calls before and after this one, only this endpoint returns 401",
    "Works fine for invoices, but reading bank transactions is refused",
])
def test_other_calls_working_points_at_the_endpoints_scope(text: str) -> None:
    """Token and tenant belong to the connection; a scope belongs to an endpoint."""
    d = diagnose(text=text)
    assert d.top.code == "missing_scope" and "token_expired" not in d.codes[:1]


@pytest.mark.parametrize("text", ["await xero.updateTenants() throws",
                                  "TypeError after update_tenants(): xero.tenants is empty"])
def test_update_tenants_needs_the_settings_scope(text: str) -> None:
    """xero-node's updateTenants() reads GET /Organisation for each connection."""
    d = diagnose(text=text)
    assert d.top.code == "missing_scope" and "accounting.settings.read" in d.top.title


@pytest.mark.parametrize("text", ["Payroll has not been set up for this organisation",
                                  "The company is not subscribed to Xero Projects",
                                  "The organisation doesn't have Expenses"])
def test_a_product_missing_from_the_organisation_is_the_plan(text: str) -> None:
    assert codes(text, status=403)[0] == "feature_not_in_plan"


# --- the sign-in page ---

@pytest.mark.parametrize("text", ["Sorry, something went wrong. Error code: 500 when connecting to Xero",
                                  "Clicking the Connect to Xero button shows Error code: 500"])
def test_a_500_on_the_sign_in_page_is_an_authorize_parameter(text: str) -> None:
    """Xero's OAuth troubleshooting: a 500 page at authorize means a wrong redirect URI, client id
    or scope; the page's second line says which."""
    d = diagnose(text=text)
    assert d.codes[:3] == ("invalid_client", "broad_scope_on_granular_app", "invalid_scope_requested")
    assert d.decisive_fact is not None and "second line" in d.decisive_fact


def test_a_500_from_the_api_is_still_xero_unavailable() -> None:
    d = diagnose(text="GET https://api.xero.com/api.xro/2.0/Items returned 500 while connecting")
    assert d.top.code == "unknown"


# --- words when nothing specific matched ---

@pytest.mark.parametrize(("text", "code"), [
    ("Our Xero connection needs to be re-authorised", "invalid_grant"),
    ("Xero says the tenant is not right", "tenant_not_connected"),
    ("Xero reports a problem with the redirect", "invalid_client"),
    ("The Xero plan of this client", "feature_not_in_plan"),
])
def test_words_alone_are_a_weak_answer_better_than_unknown(text: str, code: str) -> None:
    d = diagnose(text=text)
    assert d.top.code == code and 0.3 <= d.top.weight < 0.35
    assert d.decisive_fact is not None


def test_words_never_add_a_cause_the_evidence_rules_out() -> None:
    text = '{"error": "InsufficientPermissions", "message": "missing permissions"}'
    held = diagnose(text=text, endpoint="GET /Invoices", granted="openid accounting.transactions",
                    era="broad")
    assert "missing_scope" not in held.codes
    assert "missing_scope" in diagnose(text=text).codes


def test_words_add_nothing_when_a_specific_rule_answered() -> None:
    d = diagnose(text='{"error":"invalid_grant"} the refresh token expired, check the plan')
    assert d.codes == ("invalid_grant",)


def test_cue_markers_for_the_new_cues() -> None:
    assert {"scope_added", "reconnect"} <= cue_markers("New permissions were added: reconnect")
    assert "tenant_sent" in cue_markers("the tenant id is correct")
    assert "from_start" in cue_markers("It always fails")
    assert "generic_unauthorized" in cue_markers("Unauthorized - check your scopes and confirm access")


# --- more shapes: sign-in page errors, refreshes, deprecations, regions ---

@pytest.mark.parametrize("text", [
    "Error code: 500\n\nError: unauthorized_client : Invalid redirect_uri",
    "https://app.example/callback?error=invalid_request&error_description=Invalid+redirect_uri",
    "Error: unauthorized_client : Unknown client or client not enabled",
])
def test_a_refused_redirect_uri_or_client_id_is_the_client(text: str) -> None:
    d = diagnose(text=text)
    assert d.codes == ("invalid_client",) and d.top.weight >= 0.9


def test_unauthorized_client_for_a_scope_stays_a_scope_refusal() -> None:
    d = diagnose(text="Error: unauthorized_client : Invalid scope for client")
    assert "invalid_client" not in d.codes and d.top.code == "broad_scope_on_granular_app"


@pytest.mark.parametrize("text", [
    "Xero authorisation expired - reconnect required",
    "Authentication with Xero has lapsed, please log in again",
    "The integration was disconnected because the token could not be refreshed",
    "We are unable to refresh the Xero token",
])
def test_a_refresh_that_failed_or_a_lapsed_connection_is_invalid_grant(text: str) -> None:
    assert codes(text)[0] == "invalid_grant"


@pytest.mark.parametrize("text", ["accounting.transactions is deprecated for new apps",
                                  "the reports scope has been deprecated since March"])
def test_a_scope_called_deprecated_is_the_2026_change(text: str) -> None:
    assert codes(text)[0] == "broad_scope_on_granular_app"


@pytest.mark.parametrize("text", ["The organisation no longer exists in Xero",
                                  "This tenant no longer exists"])
def test_an_organisation_that_no_longer_exists_is_a_lost_connection(text: str) -> None:
    assert codes(text)[0] == "connection_revoked"


def test_region_words_beat_plan_words() -> None:
    d = diagnose(text="This payroll endpoint is not available in your region")
    assert d.top.code == "payroll_region_mismatch" and "feature_not_in_plan" not in d.codes


@pytest.mark.parametrize(("text", "status"), [
    ("[403] Client error: `GET https://api.xero.com/api.xro/2.0/Items` resulted in a `403 Forbidden` "
     "response: " + P403, 403),
    ("[401] Client error: `PUT https://api.xero.com/api.xro/2.0/Items` resulted in a `401 Unauthorized` "
     "response", 401),
])
def test_xero_php_oauth2_api_exception_is_an_sdk_call(text: str, status: int) -> None:
    """xero-php-oauth2 wraps Guzzle's error as ApiException("[$code] $message")."""
    obs = observe(text=text)
    assert obs.sdk_class == "ApiException" and obs.status == status


def test_an_sdk_403_ranks_the_wrong_tenant_first() -> None:
    text = ("[403] Client error: `GET https://api.xero.com/api.xro/2.0/Items` resulted in a "
            "`403 Forbidden` response: " + P403)
    assert codes(text)[:2] == ("tenant_not_connected", "connection_revoked")


@pytest.mark.parametrize("text", ["Your connection has been refused by Xero",
                                  "Access to this Xero file was denied"])
def test_a_refused_connection_in_words_is_weakly_the_users_rights(text: str) -> None:
    d = diagnose(text=text)
    assert d.top.code == "user_role" and d.top.weight < 0.35


@pytest.mark.parametrize("error", ["ConnectError: [Errno 111] Connection refused", "ReadTimeout: timed out"])
def test_no_answer_at_all_gets_no_word_guesses(error: str) -> None:
    class NoAnswer:
        status = 0
        headers = ()
        body = None

    obj = NoAnswer()
    obj.error = error  # type: ignore[attr-defined]
    assert diagnose(obj).codes == ("unknown",)
