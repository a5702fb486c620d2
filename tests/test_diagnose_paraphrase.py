"""Causes said in other words: short phrasings and longer reports, written here, none from the corpus.

Vendors, connectors and people describe each cause in their own words, as an error, as the
symptom they saw, or as the fix that worked. These phrasings were written
for this test from the facts behind each cause (docs/xero-facts.md §6-9), not copied from any corpus
case, to check that the readers (``cues``, ``status``, ``observation.MARKERS``) generalise beyond the
texts they were written from. Each must rank its cause first with no context at all.

Left out on purpose, because the words alone do not decide: a bare ``invalid_scope`` (a broad
scope on a 2026 app, an unknown scope or a restricted one: the requested scopes decide, and the
broad scope is ranked first as the commonest since 2026), and "access was removed by the admin"
(the app's connection, or the user's own access).
"""

from __future__ import annotations

from functools import partial

import pytest

from xero_nb.diagnose import diagnose as _diagnose_with_wording

# These tests pin the rules: diagnose() here is the rules alone (resemblance=False); the wording's
# statistical reading it adds by default is tested in tests/test_diagnose_resemble.py.
diagnose = partial(_diagnose_with_wording, resemblance=False)

SHORT: list[tuple[str, str]] = [
    ('invalid_grant', 'Token refresh failed: invalid_grant'),
    ('invalid_grant', 'Your Xero connection has expired. Please reconnect to Xero.'),
    ('invalid_grant', 'The refresh token is no longer valid'),
    ('invalid_grant', 'Error refreshing token: 400 Bad Request'),
    ('invalid_grant', 'Failed to refresh access token. Xero returned: {"error":"invalid_grant"}'),
    ('invalid_grant', 'After 60 days of inactivity the integration stopped working and asks to re-authorise'),
    ('invalid_grant', 'We were unable to refresh your Xero authorization. Please reauthorize.'),
    ('invalid_grant', 'refresh_token expired'),
    ('invalid_grant', 'Xero authentication expired, please sign in again'),
    ('invalid_grant', 'OAuth token could not be refreshed'),
    ('invalid_grant', 'Unable to renew Xero token - invalid grant'),
    ('invalid_grant', 'the refresh token has already been used'),
    ('invalid_grant', 'Xero: Your session has expired. Please reconnect your Xero account.'),
    ('rate_limited', 'API rate limit exceeded for Xero'),
    ('rate_limited', 'Xero daily API limit reached, try again tomorrow'),
    ('rate_limited', 'You have reached the maximum number of API calls allowed per day'),
    ('rate_limited', 'HTTP 429 Too Many Requests'),
    ('rate_limited', 'Xero is throttling our requests'),
    ('rate_limited', 'Minute limit exceeded (60 calls per minute)'),
    ('rate_limited', "The sync paused because Xero's API call limit was hit"),
    ('rate_limited', 'Request limit reached. Please retry after 60 seconds'),
    ('rate_limited', 'Xero API: concurrent request limit reached'),
    ('rate_limited', '429 - the app exceeded 5000 calls in 24 hours'),
    ('rate_limited', "Xero returned 'Retry-After: 59'"),
    ('token_expired', '401 Unauthorized: TokenExpired'),
    ('token_expired', 'The access token has expired'),
    ('token_expired', 'Access token expired after 30 minutes and calls started failing with 401'),
    ('token_expired', 'token expired at 11/30/2026 09:14:03'),
    ('token_expired', 'Xero API returned 401 because the bearer token was expired'),
    ('token_expired', 'Error: AccessTokenExpired'),
    ('token_expired', 'JWT expired'),
    ('token_expired', 'My calls work for about half an hour and then return 401 Unauthorized'),
    ('missing_scope', '401 AuthorizationUnsuccessful insufficient_scope'),
    ('missing_scope', 'The app did not request the accounting.settings scope, so GET /Accounts returns 401'),
    ('missing_scope', 'Missing scope: accounting.transactions'),
    ('missing_scope', 'You need the accounting.reports.read scope to read reports'),
    ('missing_scope', 'Unauthorized - the token does not have the required scopes'),
    ('missing_scope', 'insufficient scope for this request'),
    ('missing_scope', 'The scope accounting.contacts is required for this operation'),
    ('tenant_header_missing', '403 Forbidden: xero-tenant-id header missing'),
    ('tenant_header_missing', 'AuthenticationUnsuccessful because I forgot to pass the Xero-Tenant-Id header'),
    ('tenant_header_missing', 'Required parameter xeroTenantId was null or undefined when calling getInvoices.'),
    ('tenant_header_missing', "Missing the required parameter 'xeroTenantId' when calling getContacts"),
    ('tenant_header_missing', 'No tenant id was provided in the request'),
    ('tenant_not_connected', '403 AuthenticationUnsuccessful: the tenant id belongs to a different organisation'),
    ('tenant_not_connected', 'Using the wrong tenantId gives 403'),
    ('tenant_not_connected', 'The organisation is not connected to this app (tenant not found in /connections)'),
    ('tenant_not_connected', 'After resetting the demo company the old tenant id stopped working'),
    ('connection_revoked', 'The Xero organisation was disconnected from the app'),
    ('connection_revoked', 'Access to the organisation has been revoked'),
    ('connection_revoked', 'The user removed the app from Connected Apps in Xero'),
    ('connection_revoked', '/connections returns an empty array and every call gives 403'),
    ('connection_revoked', "The organisation's Xero subscription was cancelled"),
    ('invalid_client', 'invalid_client'),
    ('invalid_client', 'Client authentication failed'),
    ('invalid_client', 'The client id or client secret is incorrect'),
    ('invalid_client', 'unauthorized_client : Invalid redirect_uri'),
    ('invalid_client', 'redirect_uri mismatch'),
    ('invalid_client', 'Invalid client secret - regenerated secret not updated'),
    ('invalid_client', 'Error: unauthorized_client : Unknown client or client not enabled'),
    ('invalid_client', '401 from the token endpoint when exchanging the code'),
    ('user_role', "The user connecting doesn't have the Standard or Adviser role"),
    ('user_role', 'Only an admin can connect Xero'),
    ('user_role', 'Payroll requires payroll admin access for the connecting user'),
    ('user_role', 'The Xero user has invoice-only access'),
    ('user_role', 'You need Reports access in Xero to run this report'),
    ('user_role', '403 Forbidden - user role does not allow access to payroll'),
    ('restricted_scope', 'unauthorized_client : Invalid scope for client (paymentservices)'),
    ('restricted_scope', 'The bankfeeds scope requires Xero approval'),
    ('restricted_scope', 'Finance API access is restricted to approved partners'),
    ('restricted_scope', 'invalid-application: The application has not been configured to use these API endpoints.'),
    ('broad_scope_on_granular_app', 'accounting.transactions is deprecated for apps created after 2 March 2026; use granular scopes'),
    ('broad_scope_on_granular_app', 'invalid_scope: broad scopes are no longer available to new apps'),
    ('broad_scope_on_granular_app', 'New Xero apps must use granular scopes like accounting.invoices instead of accounting.transactions'),
    ('invalid_scope_requested', "The scope 'accounting.invoice' is not valid"),
    ('tier_gated', 'You have reached the connection limit for your app tier'),
    ('tier_gated', 'Uncertified apps are limited to 25 connections'),
    ('tier_gated', 'Journals API requires the Advanced tier'),
    ('payroll_region_mismatch', 'Not a UK Customer'),
    ('payroll_region_mismatch', 'Calling the NZ payroll API for an Australian organisation returns 404'),
    ('payroll_region_mismatch', 'The organisation is in Australia but the app uses the UK payroll endpoints'),
    ('feature_not_in_plan', "The organisation's Xero plan does not include Payroll"),
    ('feature_not_in_plan', 'Projects is not enabled for this organisation'),
    ('feature_not_in_plan', 'Upgrade your Xero plan to use Projects'),
    ('not_reconsented', 'I added the accounting.settings scope but still get 401 until the user reconnects'),
    ('not_reconsented', 'New scopes were added to the app but the existing token still lacks them'),
    ('not_reconsented', 'After adding scopes you must re-authorize to get a token with the new scopes'),
    ('invalid_grant', 'Authorisation with Xero has expired. Reconnect to continue syncing.'),
    ('invalid_grant', "We couldn't refresh your Xero token"),
    ('invalid_grant', 'Xero token refresh failed with status 400'),
    ('invalid_grant', 'Error: refresh token is invalid or has expired'),
    ('invalid_grant', 'The Xero refresh token could not be used'),
    ('invalid_grant', 'Your Xero authorisation is no longer valid. Please log in to Xero again.'),
    ('invalid_grant', 'XeroAuthenticationError: invalid_grant'),
    ('invalid_grant', 'Token exchange failed: {"error":"invalid_grant"}'),
    ('invalid_grant', 'The authorization code has expired'),
    ('invalid_grant', 'Authorization code already used'),
    ('rate_limited', 'Xero API limit exceeded. Please try again later.'),
    ('rate_limited', 'We have hit the Xero daily limit of 5000 API calls for your organisation'),
    ('rate_limited', 'Xero is temporarily limiting requests from this app'),
    ('rate_limited', 'Too many concurrent requests to Xero'),
    ('rate_limited', 'Sync delayed: Xero API throttling (HTTP 429)'),
    ('rate_limited', 'The Xero minute limit was reached; the job will resume in 60 seconds'),
    ('rate_limited', 'X-Rate-Limit-Problem: day'),
    ('rate_limited', 'Error 429'),
    ('token_expired', 'The access token provided is expired'),
    ('token_expired', 'Bearer token expired'),
    ('token_expired', '401 Unauthorized (token expired)'),
    ('token_expired', 'Xero access token is no longer valid after 30 minutes'),
    ('token_expired', 'AccessTokenExpiredError'),
    ('missing_scope', 'Insufficient scope: the app needs accounting.reports.read'),
    ('missing_scope', 'This operation requires the payroll.employees scope'),
    ('missing_scope', '401 AuthorizationUnsuccessful'),
    ('missing_scope', 'The token lacks the accounting.attachments scope'),
    ('tenant_header_missing', 'Xero-tenant-id header is required'),
    ('tenant_header_missing', 'Missing xero-tenant-id'),
    ('tenant_header_missing', '403 Forbidden - no Xero-Tenant-Id header was sent'),
    ('tenant_header_missing', 'xeroTenantId is required'),
    ('tenant_not_connected', 'Invalid tenant id'),
    ('tenant_not_connected', 'The tenant ID does not match any connected organisation'),
    ('tenant_not_connected', 'Organisation not found for this tenant'),
    ('tenant_not_connected', 'TenantId is not valid for this token'),
    ('connection_revoked', 'The app has been disconnected from Xero'),
    ('connection_revoked', 'No Xero organisations are connected'),
    ('connection_revoked', 'The organisation has been deleted in Xero'),
    ('connection_revoked', 'The trial of the Xero organisation has ended'),
    ('invalid_client', 'Invalid client credentials'),
    ('invalid_client', 'The redirect URI does not match'),
    ('invalid_client', 'Redirect URI not whitelisted'),
    ('invalid_client', 'invalid_client: client authentication failed'),
    ('invalid_client', 'Error: Unknown client'),
    ('invalid_client', 'The client secret was regenerated and the old one no longer works'),
    ('user_role', 'The connected user does not have access to payroll'),
    ('user_role', 'Only users with Adviser access can connect'),
    ('user_role', 'Your Xero user role does not allow this'),
    ('restricted_scope', 'The Bank Feeds API is only available to approved partners'),
    ('restricted_scope', 'paymentservices scope not allowed'),
    ('restricted_scope', 'Your app is not approved for the Finance API'),
    ('broad_scope_on_granular_app', 'accounting.transactions scope is not available for apps created after 2 March 2026'),
    ('broad_scope_on_granular_app', 'Xero deprecated the broad accounting scopes; switch to granular scopes'),
    ('tier_gated', 'Your app has reached its connection limit'),
    ('tier_gated', 'This app can connect to a maximum of 25 organisations'),
    ('tier_gated', 'Upgrade your Xero developer plan to connect more organisations'),
    ('feature_not_in_plan', "Xero Payroll is not available on your organisation's plan"),
    ('feature_not_in_plan', 'Your Xero subscription does not include Projects'),
    ('feature_not_in_plan', 'Expenses are not enabled for this organisation'),
    ('payroll_region_mismatch', 'This payroll endpoint is not available for organisations in New Zealand'),
    ('payroll_region_mismatch', 'UK payroll API called for an Australian organisation'),
    ('not_reconsented', 'New permissions required: please reconnect Xero to grant access to invoices'),
    ('not_reconsented', 'Reauthorise to grant the new scopes'),
]

LONG: list[tuple[str, str]] = [
    ('invalid_grant', 'Hi, our integration worked for weeks. Today every sync fails. In the logs: Error: invalid_grant\n    at XeroClient.refreshWithRefreshToken (node_modules/xero-node/dist/XeroClient.js:123:19)\nWe deploy to two servers that both refresh the token.'),
    ('tenant_header_missing', 'I\'m calling https://api.xero.com/api.xro/2.0/Invoices with axios and a valid bearer token but get 403 Forbidden {"Title":"Forbidden","Status":403,"Detail":"AuthenticationUnsuccessful"}. My headers are Authorization and Accept.'),
    ('rate_limited', 'Our nightly import of 20,000 invoices stops halfway with HTTP 429 and a Retry-After header of 3600.'),
    ('missing_scope', 'scopes: \'openid profile email accounting.contacts offline_access\'\nGET /api.xro/2.0/Invoices -> 401 {"Title":"Unauthorized","Detail":"AuthorizationUnsuccessful"}'),
    ('connection_revoked', 'Refreshing the token works fine but every API call returns 403 AuthenticationUnsuccessful. GET /connections returns [].'),
    ('token_expired', 'It works for about 30 minutes after connecting and then every call returns 401 Unauthorized.'),
    ('user_role', 'Payroll endpoints return 403 for one client but work for others. The user who connected is not a payroll admin in that organisation.'),
    ('not_reconsented', 'We added accounting.attachments to our scope list last week. Existing customers get 401 on the Attachments endpoint, new customers are fine.'),
    ('restricted_scope', "When I add finance.statements.read to the scopes, the Xero login page shows 'unauthorized_client : Invalid scope for client'. Without it, login works."),
    ('broad_scope_on_granular_app', 'Our new Xero app (created April 2026) gets invalid_scope when requesting accounting.transactions offline_access.'),
    ('invalid_client', 'Getting {"error":"invalid_client"} when exchanging the code. I copied the client id from My Apps; the secret was generated yesterday.'),
    ('tier_gated', "After connecting our 25th customer, new customers can't select their organisation on the consent screen - our app is not certified."),
    ('feature_not_in_plan', 'GET https://api.xero.com/projects.xro/2.0/Projects returns 403 for a customer on the Ledger plan; it works for customers who have Projects.'),
    ('payroll_region_mismatch', 'GET https://api.xero.com/payroll.xro/2.0/Employees returns 404 for our Australian customers but works for NZ ones.'),
    ('tenant_not_connected', 'We store the tenantId at connection time. After the customer reset their demo company, calls with the stored tenantId return 403 AuthenticationUnsuccessful.'),
    ('invalid_grant', 'Xero returned 400 Bad Request {"error":"invalid_grant"} on POST https://identity.xero.com/connect/token after the server was down for 2 months.'),
    ('rate_limited', 'We run 10 workers in parallel against the same organisation and some calls fail with 429.'),
    ('invalid_client', 'Error: unauthorized_client : Invalid redirect_uri - we moved from http://localhost:3000/callback to https://app.example.com/xero/callback'),
    ('token_expired', 'xero_python.exceptions.http_status_exceptions.HTTPStatusException: (401)\nReason: Unauthorized\nHTTP response body: b\'{"Type":null,"Title":"Unauthorized","Status":401,"Detail":"TokenExpired: token expired at 06/01/2026 10:00:00"}\''),
    ('missing_scope', 'Calling getReportProfitAndLoss gives 401 AuthorizationUnsuccessful even though invoices and contacts work with the same token.'),
    ('user_role', "The connecting user only has invoice-only access, so bills can't be created."),
    ('connection_revoked', "The customer's Xero subscription was cancelled and now our sync returns 403 for their organisation."),
    ('rate_limited', 'Xero says: You have exceeded the 5000 API calls per day limit for this organisation.'),
    ('tenant_header_missing', 'Requests made from Postman without the xero-tenant-id header come back 403 AuthenticationUnsuccessful.'),
]


# How a reporter describes the symptom, or the fix once found (what a corpus author paraphrases).
DESCRIBED: list[tuple[str, str]] = [
    ('token_expired', 'After about an hour the API stops working with 401 until we restart the app'),
    ('invalid_grant', 'Every morning the integration has to be reconnected'),
    ('invalid_grant', 'It worked yesterday but today it says invalid grant'),
    ('user_role', "The organisation doesn't appear in the list of organisations to choose when connecting"),
    ('tier_gated', 'When the customer tries to connect, Xero says the organisation has reached its limit of uncertified apps'),
    ('connection_revoked', 'The customer had removed the integration from their Xero settings'),
    ('user_role', "The calls started failing after the user's role was changed to read only"),
    ('invalid_client', 'The client secret we used belonged to an old app'),
    ('invalid_grant', 'We used the same refresh token twice'),
    ('rate_limited', 'We hit the 5000 calls per day'),
    ('rate_limited', 'Only 60 calls per minute are allowed and we were making more'),
    ('token_expired', 'The Xero connection needs to be re-established every 30 minutes'),
    ('restricted_scope', 'The bank statement report requires approval from Xero'),
    ('restricted_scope', 'We do not have access to the Finance API'),
    ('tier_gated', 'The Journals endpoint returns 401 for our new app even with accounting.journals.read'),
    ('payroll_region_mismatch', 'Payroll AU endpoints return 404 for a UK company'),
    ('payroll_region_mismatch', 'The NZ organisation cannot use the AU payroll API'),
    ('missing_scope', 'Reports come back 401 while invoices and contacts work with the same token'),
    ('tenant_not_connected', 'We were sending the tenant id of a different organisation'),
    ('tenant_header_missing', 'Our HTTP client dropped the custom Xero-tenant-id header'),
    ('invalid_client', "The app's client id in our config was from the sandbox app, not the production one"),
    ('not_reconsented', 'Existing users still have tokens without the new scope until they reconnect'),
    ('feature_not_in_plan', "Payroll isn't set up for this organisation"),
    ('connection_revoked', 'The Xero organisation was archived'),
    ('invalid_grant', 'The refresh token expired because the app was not used for more than 60 days'),
    ('rate_limited', "Xero's daily API limit resets after 24 hours"),
    ('token_expired', 'We forgot to refresh the token before calling the API'),
    ('invalid_scope_requested', 'There is a typo in the scope name'),
    ('broad_scope_on_granular_app', "Apps created after March 2026 can't request accounting.transactions"),
    ('user_role', 'The user who authorised the connection lost their Adviser role'),
    ('missing_scope', 'Fixed by adding the accounting.settings scope'),
    ('tenant_header_missing', 'Solved: needed to pass the xero-tenant-id header'),
    ('invalid_grant', 'The problem was that the new refresh token was not being saved after each refresh'),
    ('invalid_client', 'Turned out the client secret had a trailing space'),
    ('rate_limited', 'It was the rate limit; adding a delay between calls fixed it'),
    ('not_reconsented', 'The fix was to disconnect the app in Xero and reconnect so the new scopes were granted'),
    ('user_role', 'Resolved after the admin gave the user payroll admin rights'),
    ('payroll_region_mismatch', 'We were calling the NZ payroll endpoints for an AU org'),
    ('tenant_not_connected', 'Needed to use the tenantId from /connections instead of the connection id'),
    ('restricted_scope', 'Removing paymentservices from the scopes fixed it'),
    ('connection_revoked', 'The user had disconnected our app from Xero'),
    ('broad_scope_on_granular_app', 'Switching from accounting.transactions to accounting.invoices fixed the login error on our new app'),
    ('token_expired', 'We had to refresh the access token every 30 minutes'),
    ('invalid_client', "The redirect URI in the code had a trailing slash that the app's settings did not"),
    ('tier_gated', 'We had to certify the app to connect more than 25 organisations'),
    ('feature_not_in_plan', 'The organisation had to subscribe to Xero Projects first'),
    ('invalid_grant', 'Only one server should refresh the token; two workers were using the same refresh token'),
    ('missing_scope', 'The call needs accounting.reports.read which we had not requested'),
]


@pytest.mark.parametrize(("cause", "text"), DESCRIBED, ids=[f"{c}-{i}" for i, (c, _) in enumerate(DESCRIBED)])
def test_symptoms_and_fixes_told_in_words_name_their_cause(cause: str, text: str) -> None:
    assert diagnose(text=text).codes[0] == cause, diagnose(text=text).codes[:3]


# Xero's own documentation sentences, which vendors copy into their help articles.
DOCS: list[tuple[str, str]] = [
    ("connection_revoked", "The user has revoked access"),
    ("connection_revoked", "The tenant is no longer active. The organisation has been deleted, the free trial "
                           "has ended or a demo organisation has been reset."),
    ("invalid_client", "If the client_id or client_secret you pass in are incorrect then you will receive "
                       "this response."),
    ("invalid_grant", "The code provided is incorrect, expired or has already been used"),
    ("invalid_client", "The redirect_uri doesn't match one of the Redirect URIs saved against your app"),
    ("rate_limited", "You have exceeded the daily limit of API calls for this organisation"),
    ("rate_limited", "Concurrent limit: 5 calls in progress at one time"),
    ("token_expired", "Access tokens expire after 30 minutes"),
    ("invalid_grant", "Refresh tokens expire after 60 days if they are not used"),
]


@pytest.mark.parametrize(("cause", "text"), DOCS, ids=[f"{c}-{i}" for i, (c, _) in enumerate(DOCS)])
def test_xero_s_documented_sentences(cause: str, text: str) -> None:
    assert diagnose(text=text).codes[0] == cause, diagnose(text=text).codes[:3]


def test_a_status_code_beside_expired_words_stays_an_expired_token() -> None:
    assert diagnose(text="Response code 401, token expired").codes[0] == "token_expired"


# The thin causes (payroll region, plan, role, tier, consent) in the words people use for them.
THIN: list[tuple[str, str]] = [
    ('payroll_region_mismatch', 'Payroll NZ API returns 405 Method Not Allowed for our Australian organisation'),
    ('payroll_region_mismatch', 'We call PayrollUkApi.getEmployees for a New Zealand company and get 403'),
    ('payroll_region_mismatch', "The AU payroll endpoints don't work for UK organisations"),
    ('payroll_region_mismatch', 'Employees endpoint returns 404 because the organisation is in Australia and we used payroll.xro/2.0'),
    ('payroll_region_mismatch', 'payroll_uk.getEmployees fails for an NZ org'),
    ('payroll_region_mismatch', "Wrong payroll version for the organisation's country"),
    ('feature_not_in_plan', "Projects API returns 403 because the organisation doesn't have Xero Projects"),
    ('feature_not_in_plan', "The customer's Xero plan doesn't include payroll, so the payroll calls fail"),
    ('feature_not_in_plan', 'Expense claims are not available on this Xero plan'),
    ('feature_not_in_plan', 'Payroll has not been activated for this organisation'),
    ('user_role', 'The user does not have payroll permissions in Xero'),
    ('user_role', '401 on payroll because the connecting user is not a payroll administrator'),
    ('user_role', 'Reports require the Reports role in Xero'),
    ('user_role', 'The person who connected Xero has read-only access'),
    ('user_role', 'Only the Xero subscriber or an adviser can authorise the app'),
    ('tier_gated', 'Your app is limited to 5 connections on the Starter tier'),
    ('tier_gated', 'Journals are only available on the Advanced tier'),
    ('not_reconsented', 'Users must re-authorise the app to grant the new accounting.attachments scope'),
    ('not_reconsented', "After we requested an extra scope, old tokens still didn't include it"),
    ('restricted_scope', 'bankfeeds scope requires Xero partner approval'),
    ('restricted_scope', '403 invalid-application: The application has not been configured to use these API endpoints.'),
    ('connection_revoked', 'The Xero admin disconnected the integration under Connected Apps'),
    ('tenant_not_connected', 'The organisation is not one of the tenants this token is connected to'),
]


@pytest.mark.parametrize(("cause", "text"), THIN, ids=[f"{c}-{i}" for i, (c, _) in enumerate(THIN)])
def test_the_thin_causes_in_words(cause: str, text: str) -> None:
    assert diagnose(text=text).codes[0] == cause, diagnose(text=text).codes[:3]


@pytest.mark.parametrize(("text", "status"), [
    ("Xero API call failed: 401", 401), ("request failed (403)", 403), ("stops working with 401", 401),
    ("We run 10 workers and some calls fail with 429", 429), ("Requests come back 403", 403)])
def test_a_status_told_in_a_sentence(text: str, status: int) -> None:
    assert diagnose(text=text).observed.status == status


def test_the_sign_in_page_without_its_status() -> None:
    """Xero's sign-in page says "Sorry, something went wrong": the authorize step, not an API call."""
    assert diagnose(text="Login page says Sorry, something went wrong").codes[0] == "invalid_client"
    assert diagnose(text="oauth_problem=signature_invalid").codes[0] == "invalid_client"


@pytest.mark.parametrize(("cause", "text"), SHORT, ids=[f"{c}-{i}" for i, (c, _) in enumerate(SHORT)])
def test_short_phrasings_name_their_cause(cause: str, text: str) -> None:
    assert diagnose(text=text).codes[0] == cause, diagnose(text=text).codes[:3]


@pytest.mark.parametrize(("cause", "text"), LONG, ids=[f"{c}-{i}" for i, (c, _) in enumerate(LONG)])
def test_longer_reports_name_their_cause(cause: str, text: str) -> None:
    assert diagnose(text=text).codes[0] == cause, diagnose(text=text).codes[:3]


def test_every_cause_is_phrased() -> None:
    covered = {c for c, _ in SHORT}
    assert covered >= {"invalid_grant", "rate_limited", "token_expired", "missing_scope", "tenant_header_missing",
                        "tenant_not_connected", "connection_revoked", "invalid_client", "user_role",
                        "restricted_scope", "broad_scope_on_granular_app", "tier_gated", "feature_not_in_plan",
                        "payroll_region_mismatch", "not_reconsented", "invalid_scope_requested"}


@pytest.mark.parametrize("text", ["401 Unauthorized. Please reconnect your Xero account.",
                                  "Xero returned Unauthorized - reconnect Xero in Settings"])
def test_a_401_cured_only_by_reconnecting_is_a_refused_refresh(text: str) -> None:
    """Integrations refresh an expired access token themselves: asking the user to reconnect after
    a 401 means the refresh failed. Xero's own TokenExpired detail still says expiry."""
    d = diagnose(text=text)
    assert d.codes[:2] == ("invalid_grant", "token_expired")
    said = diagnose(text="401 TokenExpired: token expired at 06/01/2026 10:00:00. Please reconnect.")
    assert said.codes[0] == "token_expired"
