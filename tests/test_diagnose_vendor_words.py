"""Reading rules for how vendors' help articles and connectors word a cause (corpus batch 6).

Every example is written here in the style of a vendor article, an issue title or a connector's
message; none is copied from a corpus case. The fact each rule stands for is in its docstring.
"""

from __future__ import annotations

from functools import partial
from typing import Any

import pytest

from xero_nb.diagnose.cues import cue_markers
from xero_nb.diagnose.diagnosis import diagnose as _diagnose_with_wording

# These tests pin the rules: diagnose() here is the rules alone (resemblance=False); the wording's
# statistical reading it adds by default is tested in tests/test_diagnose_resemble.py.
diagnose = partial(_diagnose_with_wording, resemblance=False)


def codes(text: str, **context: Any) -> tuple[str, ...]:
    return diagnose(text=text, **context).codes


@pytest.mark.parametrize("text", [
    "Xero drops the link after 60 days of inactivity; connect again to resume the sync.",
    "If the integration sits unused for sixty days the connection is closed by Xero.",
    "Connections idle for more than 60 days need to be set up again.",
    "After 60 days without activity your Xero link lapses.",
])
def test_a_connection_idle_for_60_days_is_a_dead_refresh_token(text: str) -> None:
    """A refresh token unused for 60 days expires (Xero's token lifetimes): invalid_grant, even
    when the vendor calls it a disconnection."""
    assert codes(text)[0] == "invalid_grant"


def test_sixty_days_alone_is_not_a_refresh_token() -> None:
    assert "refresh_refused" not in cue_markers("Invoices are due within 60 days of the order.")


@pytest.mark.parametrize("text", [
    "Only users with 'Adviser' or 'Standard' permissions can authorise the connection.",
    "Only standard users can use the API for this organisation.",
    "The person connecting needs \u2018Advisor\u2019 or \u2018Standard\u2019 access in Xero.",
    "Connect with an account that has Standard/Adviser roles.",
])
def test_the_standard_or_adviser_role_in_any_wording_is_the_users_role(text: str) -> None:
    """Only Standard and Adviser users may connect an app (Xero user roles)."""
    assert codes(text)[0] == "user_role"


@pytest.mark.parametrize("text", [
    "Your accounting package is no longer linked to our app.",
    "Sync paused: Xero is no longer linked.",
])
def test_no_longer_linked_is_a_lost_connection(text: str) -> None:
    """A connection that is gone (disconnected in Xero, or the organisation removed)."""
    assert codes(text)[0] == "connection_revoked"


@pytest.mark.parametrize("text", [
    "Check that your Xero subscription is still active, then try the export again.",
    "We could not post the bill: the organisation's Xero subscription is inactive.",
    "Xero subscription suspended - publishing is paused.",
])
def test_a_lapsed_xero_subscription_is_the_organisation_gone_not_a_plan_limit(text: str) -> None:
    """A Xero subscription no longer paid for closes the organisation to apps: the fix is the
    subscription, not a bigger plan."""
    found = codes(text)
    assert found[0] == "connection_revoked" and "feature_not_in_plan" not in found[:1]


@pytest.mark.parametrize("text", [
    "The tenant id doesn't get copied into the environment variable, so requests go out without it.",
    "Our script's xero tenant id is not populated after the connections call.",
    "tenantId never gets saved to the session",
])
def test_a_tenant_id_never_filled_in_is_the_missing_header(text: str) -> None:
    """The xero-tenant-id header is built from a variable: left empty, the header is missing."""
    assert codes(text)[0] == "tenant_header_missing"


@pytest.mark.parametrize("text", [
    "Xero limits the number of OAuth users our app can have until we are certified.",
    "There is a cap on the number of connected organisations for this app.",
    "Xero restricts the number of tenants an uncertified integration may connect.",
])
def test_a_cap_on_users_or_organisations_is_the_apps_tier_not_a_rate_limit(text: str) -> None:
    """An app's tier (or uncertified status) caps its connections; a rate limit counts calls."""
    found = codes(text)
    assert found[0] == "tier_gated" and "rate_limited" not in found[:1]


@pytest.mark.parametrize("text", [
    "We send 300 invoices a month and keep hitting the API limits.",
    "Bulk emailing invoices runs into Xero's API limit.",
    "The sync exceeded the rate limit overnight.",
])
def test_api_limits_hit_are_a_rate_limit_even_beside_a_monthly_count(text: str) -> None:
    """A plan caps invoices a month; "API limits" count calls (60 a minute, 5,000 a day)."""
    assert codes(text)[0] == "rate_limited"


@pytest.mark.parametrize("text", [
    "Asking for the practice manager scopes is not enough: fill in the API access form first.",
    "You need to submit Xero's access request form before these scopes work.",
])
def test_an_access_form_is_xeros_approval(text: str) -> None:
    """Closed and partner-only APIs need Xero's approval, applied for with a form."""
    assert codes(text)[0] == "restricted_scope"


@pytest.mark.parametrize("text", [
    "invalid_scope: check the scopes are space-separated, not comma-separated",
    "Got invalid scope. The scope list must be correctly spelled and separated by spaces.",
])
def test_a_badly_written_scope_list_is_the_request_not_the_era(text: str) -> None:
    """Xero refuses a scope list with commas or misspellings as invalid_scope at sign-in; that
    is the request's fault, whatever the app's era."""
    found = codes(text)
    assert found[0] == "invalid_scope_requested" and found[0] != "broad_scope_on_granular_app"


@pytest.mark.parametrize("text", [
    "Changing the scopes requires re-authentication: existing tokens are not granted the new "
    "permissions.",
    "Note: scope changes require a new consent.",
    "Old access tokens never receive additional scopes; connect again.",
])
def test_changed_scopes_needing_a_new_consent_is_not_reconsented(text: str) -> None:
    """A token keeps the scopes it was issued with; added scopes need the user to consent again."""
    assert codes(text)[0] == "not_reconsented"


@pytest.mark.parametrize("text", [
    "Unauthorised: your Xero connection doesn't have the required permissions.",
    "The connection does not have the necessary scopes for payments.",
])
def test_a_connection_lacking_permissions_is_an_old_consent(text: str) -> None:
    """An app that names the permissions a connection lacks asks for them now: the connection's
    consent is older (reconnect), and a scope never asked for is the other reading."""
    found = codes(text)
    assert found[0] == "not_reconsented" and "missing_scope" in found[:3]


def test_a_connection_lacking_a_role_is_still_the_role() -> None:
    text = "Your Xero connection doesn't have the required permissions: the user role is read only."
    assert codes(text)[0] == "user_role"


# --- corpus batch 7 ---

@pytest.mark.parametrize("text", [
    "You do not have sufficient payroll permissions",
    "The connecting user lacks payroll access in Xero.",
    "Error: insufficient payroll rights for this organisation",
])
def test_payroll_permissions_are_the_users_role(text: str) -> None:
    """Payroll rights are given per user in Xero (payroll admin): a role, not a scope."""
    assert codes(text)[0] == "user_role"


@pytest.mark.parametrize("text", [
    "This screen shows when third party access has not been enabled in Practice Manager.",
    "Ask an admin to tick 'Connect 3rd party add-ons' on your staff profile.",
])
def test_practice_managers_third_party_access_is_the_users_role(text: str) -> None:
    """Xero Practice Manager lets a staff member connect add-ons only when an admin allows it."""
    assert codes(text)[0] == "user_role"


@pytest.mark.parametrize("text", [
    "Your Xero organisation needs Payroll turned on before you connect.",
    "The export requires Projects enabled in Xero.",
    "Plans that don't include multi-currency only accept the base currency.",
    "Multi-currency is not included in the organisation's subscription.",
])
def test_a_product_or_feature_to_turn_on_is_the_plan(text: str) -> None:
    """Payroll, Projects, Expenses and multi-currency come with the organisation's plan."""
    assert codes(text)[0] == "feature_not_in_plan"


@pytest.mark.parametrize("text", [
    "Xero only allows access to your data for 30 minutes at a time; run the flow again.",
    "The connection lasts for just thirty minutes.",
])
def test_access_for_30_minutes_is_the_access_tokens_life(text: str) -> None:
    """An access token lives 30 minutes; without a refresh the access ends with it."""
    assert codes(text)[0] == "token_expired"


@pytest.mark.parametrize(("text", "status"), [
    ("in the starter app I get the following 500 error:", 500),
    ("Xero shows a 403 error page", 403),
    ("we hit an HTTP 429 error overnight", 429),
])
def test_a_status_followed_by_error_is_read(text: str, status: int) -> None:
    assert diagnose(text=text).observed.status == status


@pytest.mark.parametrize("text", [
    'When I click "connect to Xero" I get the following 500 error:',
    "Using the OAuth 2.0 Playground every time I am getting a 500 error.",
])
def test_a_500_while_signing_in_is_the_apps_configuration(text: str) -> None:
    """Xero's sign-in page answers a client id, redirect URI or scope it refuses with its own
    500 page: the app's configuration, not an outage."""
    found = codes(text)
    assert found[0] == "invalid_client" and "invalid_scope_requested" in found[:3]


def test_a_500_from_the_api_is_still_xero_failing() -> None:
    text = "GET https://api.xero.com/api.xro/2.0/Invoices gave a 500 error"
    assert codes(text)[0] == "unknown"


def test_a_custom_connection_outside_the_four_countries_is_not_sold() -> None:
    """Custom connections are sold only for AU, NZ, UK and US organisations."""
    d = diagnose(text="Is there a way to enable this in Canada?", grant_type="client_credentials",
                 country="CA")
    assert d.top.code == "feature_not_in_plan" and "this organisation is in CA" in d.top.title
    assert "standard OAuth 2.0 app" in d.top.fix[0]


@pytest.mark.parametrize(("country", "grant"), [("NZ", "client_credentials"), ("CA", None)])
def test_custom_connections_where_sold_or_other_apps_are_not_refused_for_the_country(
        country: str, grant: str | None) -> None:
    d = diagnose(status=401, grant_type=grant, country=country)
    assert not any(f.code == "feature_not_in_plan" and "Custom connections" in f.title for f in d.findings)


# --- corpus batch 8 ---

@pytest.mark.parametrize("text", [
    "403: the app's OAuth token doesn't have permission for this action.",
    "The access token does not have the required permission to read payroll.",
    "The user isn't granted the scope related to the action.",
    "Those scopes were never granted to the connection.",
])
def test_a_token_without_permission_or_a_scope_not_granted_is_a_scope(text: str) -> None:
    """A token's permissions are its scopes: said of a token, "permission" is no user role."""
    found = codes(text)
    assert found[0] == "missing_scope" and "user_role" not in found[:1]


def test_a_user_without_permission_is_still_the_role() -> None:
    assert codes("403: the user doesn't have permission to run reports")[0] == "user_role"


def test_a_call_limit_and_a_tier_is_the_tiers_call_allowance_not_its_connections() -> None:
    """From 2 Mar 2026 a Starter app gets 1,000 calls a day per organisation (5,000 otherwise)."""
    d = diagnose(text="The API call limit for this app has been exceeded. Upgrade your app tier.")
    assert d.codes[:2] == ("tier_gated", "rate_limited")
    assert "1,000 calls a day" in d.top.title and "organisations it may connect" not in d.top.title
    assert diagnose(text="Exceeded the connection limit for the app").top.title.endswith(
        "caps how many organisations it may connect")


@pytest.mark.parametrize("text", ["Your Xero connection has expired. Please reconnect.",
                                  "The refresh token is invalid"])
def test_a_custom_connection_said_to_expire_needs_a_new_token_not_a_refresh(text: str) -> None:
    """A custom connection (client credentials) gets no refresh token: its 30-minute access token
    is replaced by asking the token endpoint again."""
    d = diagnose(text=text, grant_type="client_credentials")
    assert d.top.code == "token_expired" and "invalid_grant" not in d.codes
    assert d.top.fix[0].startswith("Request a new access token with the client credentials grant")
    assert diagnose(text=text).top.code == "invalid_grant"  # an app with users: the refresh token


def test_a_custom_connections_named_invalid_grant_stays_what_xero_said() -> None:
    d = diagnose(text='{"error":"invalid_grant"}', grant_type="client_credentials")
    assert d.top.code == "invalid_grant"
