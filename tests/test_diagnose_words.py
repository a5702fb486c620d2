"""Causes said in words (diagnose/cues.py, prose.py, oauth.py): one test per reading rule.

The example texts are written here in the style of each cause (vendor help articles, issue
titles, library messages); none is copied from a real report. Each rule stands for a fact about
how Xero or a library behaves, named in the test's docstring.
"""

from __future__ import annotations

import json
from functools import partial
from typing import Any

import pytest

from xero_nb.diagnose.cues import CUES, countries, cue_markers, scope_names
from xero_nb.diagnose.diagnosis import diagnose as _diagnose_with_wording
from xero_nb.diagnose.observation import observe
from xero_nb.diagnose.status import status_from_text

# These tests pin the rules: diagnose() here is the rules alone (resemblance=False); the wording's
# statistical reading it adds by default is tested in tests/test_diagnose_resemble.py.
diagnose = partial(_diagnose_with_wording, resemblance=False)

P403 = json.dumps({"Type": None, "Title": "Forbidden", "Status": 403,
                   "Detail": "AuthenticationUnsuccessful"})
P401 = json.dumps({"Type": None, "Title": "Unauthorized", "Status": 401,
                   "Detail": "AuthorizationUnsuccessful"})


def top(text: str, **context: Any) -> str:
    return diagnose(text=text, **context).top.code


def test_every_cue_name_is_a_lower_case_marker() -> None:
    assert all(name == name.lower() for name in CUES)
    assert "refresh_refused" in observe(text="REFRESH TOKEN IS STALE").markers


# --- tokens ---

@pytest.mark.parametrize("text", [
    "Sync stopped: your refresh token is no longer valid, reconnect Xero",
    "The stored refresh_token has been revoked",
    "Could not renew the session: invalid refresh token",
    "Refreshing the credentials ends with invalid_grant every time",
    "Your accounting connection has expired. Please sign in to Xero again.",
])
def test_a_refused_refresh_in_words_is_invalid_grant(text: str) -> None:
    """Xero refuses a spent, idle or revoked refresh token with invalid_grant (§6 E12)."""
    d = diagnose(text=text)
    assert d.top.code == "invalid_grant" and "token_expired" not in d.codes[:1]


@pytest.mark.parametrize("text", [
    "TokenStore::refreshToken() returned null",
    "No refresh token in the response: offline_access was not requested",
    "Our nightly job doesn't refresh; the tokens are not renewed and calls fail",
    "The token refresh is broken since the upgrade",
    "Tokens only last 30 minutes and the worker never refreshes them",
])
def test_no_refresh_at_all_is_an_expired_access_token(text: str) -> None:
    """Without a refresh token (or a refresh), the 30-minute access token simply lapses."""
    d = diagnose(text=text)
    assert d.codes[:2] == ("token_expired", "invalid_grant"), d.codes


@pytest.mark.parametrize("text", ["The access token timed out while the import ran",
                                  "calls fail with an expired token", "Tokens have expired"])
def test_an_expired_access_token_in_any_word_order(text: str) -> None:
    assert top(text) == "token_expired"


def test_a_401_that_comes_after_a_while_is_expiry_and_one_that_always_fails_is_a_scope() -> None:
    """Access tokens age out after 30 minutes; a missing scope fails from the first call."""
    assert top("Works at first, then after an hour every call returns 401") == "token_expired"
    assert top("We randomly get HTTP 401 from the API") == "token_expired"
    assert top("Every call to this endpoint returns 401 Unauthorized") == "missing_scope"
    said_ok = diagnose(text="The access token is valid but PUT returns 401", endpoint="PUT /Contacts")
    assert said_ok.top.code == "missing_scope" and "token_expired" not in said_ok.codes


def test_oauth1_token_rejected_is_a_stale_access_token() -> None:
    d = diagnose(text="oauth_problem=token_rejected: Token abc does not match an expected ACCESS token")
    assert d.codes[:2] == ("token_expired", "invalid_grant")


# --- the user's role ---

@pytest.mark.parametrize("text", [
    "Connection failed: the Xero user has Invoice Only permissions",
    "Read-only users can't authorise this integration",
    "Please connect with a Standard user or an Adviser",
    "The user has no payroll admin access in this organisation",
    "Reports are blocked: no reports access for this login",
    "The user's role was changed to limited after the app was connected",
])
def test_role_words_give_user_role(text: str) -> None:
    """§8: the organisation's user needs Standard/Adviser, reports access, payroll admin."""
    assert top(text) == "user_role"


def test_the_library_generic_not_permitted_is_a_role_or_a_consent_gap() -> None:
    """calcinai/xero-php's ForbiddenException says "not permitted to access this resource" for
    every 401 (not an OAuth problem) and every 403: thrown, it hides the status, so the common
    causes of both (a scope, the tenant, an expired token) come before a role, all uncertain; with
    the needed scope requested but the token unknown, consent is as likely as a role."""
    text = "XeroPHP\\Remote\\Exception\\ForbiddenException: You are not permitted to access this resource"
    alone = diagnose(text=text)
    assert alone.top.code == "missing_scope" and alone.top.weight < 0.5
    assert "user_role" in alone.codes and "tenant_not_connected" in alone.codes
    asked = diagnose(text=text, endpoint="GET /Contacts", era="broad",
                     requested=["openid", "accounting.contacts", "offline_access"])
    assert asked.top.code == "not_reconsented" and "user_role" in asked.codes
    xero_said = diagnose(text="You are not permitted to access this resource without the reporting role")
    assert xero_said.top.code == "user_role" and xero_said.top.weight >= 0.9


# --- connections and tenants ---

@pytest.mark.parametrize("text", [
    "Xero access for this company was revoked",
    "The organisation disconnected our app from Connected Apps",
    "The Xero demo trial has ended, so the link stopped working",
    "GET /connections now comes back empty",
])
def test_revoked_words_give_connection_revoked(text: str) -> None:
    assert top(text) == "connection_revoked"


def test_revoked_words_do_not_override_a_refused_refresh() -> None:
    assert top('{"error":"invalid_grant"} (the app was disconnected)') == "invalid_grant"


def test_tenant_words_give_the_tenant_causes() -> None:
    """§9 #1: the xero-tenant-id header never sent, or a tenant id that is not this token's."""
    assert top("403: we forgot the xero-tenant-id header") == "tenant_header_missing"
    assert top("The tenant id header was not sent on that request") == "tenant_header_missing"
    assert top("403 after the demo company was reset: we still send the previous tenant id") == \
        "tenant_not_connected"


@pytest.mark.parametrize("given", [
    {"text": "Calling xero.disconnect(tenant.tenantId) gives 403"},
    {"text": "DELETE https://api.xero.com/connections/abc returns AuthenticationUnsuccessful"},
    {"text": "403 Forbidden", "endpoint": "DELETE /connections/{connectionId}"},
])
def test_a_refused_disconnect_is_the_wrong_id(given: dict[str, Any]) -> None:
    """§9 #10: DELETE /connections/{id} takes the connection id, not the tenantId or authEventId."""
    d = diagnose(**given)
    assert d.top.code == "tenant_not_connected" and "connection `id`" in " ".join(d.top.fix)


def test_a_refusal_where_no_tenant_header_is_sent_is_the_connection_itself() -> None:
    d = diagnose(status=403, body=P403, endpoint="GET /connections")
    assert d.top.code == "connection_revoked"
    assert not {"tenant_header_missing", "tenant_not_connected"} & set(d.codes)


# --- limits and tiers ---

@pytest.mark.parametrize("text", [
    "This app has reached its connection limit", "Maximum number of organisations reached",
    "Uncertified apps may connect 25 organisations", "Upgrade from the Starter tier to connect more",
])
def test_connection_caps_give_tier_gated(text: str) -> None:
    """§7: connection caps by tier (Starter 5, Core 50, ...) and for uncertified apps."""
    assert top(text) == "tier_gated"


def test_journals_refused_with_the_journals_scope_is_the_tier() -> None:
    """§8: from 2 Mar 2026 Journals need the Advanced tier, whatever the scope."""
    d = diagnose(text="GET /Journals returns 401 even though we hold accounting.journals.read")
    assert d.top.code == "tier_gated"


@pytest.mark.parametrize("text", ["Paused: the daily API quota for this organisation is used up",
                                  "Xero minute limit reached, backing off",
                                  "We exceeded the per-tenant call limit"])
def test_quota_words_give_rate_limited(text: str) -> None:
    assert top(text) == "rate_limited"


def test_a_connection_limit_is_not_a_rate_limit() -> None:
    d = diagnose(text="Exceeded the connection limit for the app")
    assert d.top.code == "tier_gated" and "rate_limited" not in d.codes


def test_pyxero_unknown_exception_is_probably_a_rate_limit() -> None:
    """pyxero has classes for 400/401/403/404/415/500/501/503 only: the rest (mostly 429 from
    Xero) is XeroExceptionUnknown."""
    d = diagnose(text="xero.exceptions.XeroExceptionUnknown: <Response>")
    assert d.top.code == "rate_limited" and d.top.decides is not None


# --- scopes ---

@pytest.mark.parametrize("text", [
    "Since Xero's scope changes our connector cannot sign in",
    "New developer apps created after 2 March 2026 get an error at sign in",
    "Sign-in fails: the integration still asks for deprecated scopes",
])
def test_the_2026_scope_change_in_words_is_a_broad_scope(text: str) -> None:
    """§3: apps created from 2 Mar 2026 are refused the broad scopes at authorize."""
    assert top(text) == "broad_scope_on_granular_app"


def test_a_granular_era_app_refused_a_scope_is_most_likely_asking_for_a_broad_one() -> None:
    """Since 2 Mar 2026 new apps are refused the broad scopes most integrations hard-code: with
    nothing else known that is the likeliest refusal; an app of the broad era cannot be refused
    a broad scope, so there the scope is unknown or not enabled for the app."""
    d = diagnose(text="error=invalid_scope", era="granular")
    assert d.top.code == "broad_scope_on_granular_app" and d.top.weight == 0.7
    bare = diagnose(text="error=invalid_scope")
    assert bare.codes[:2] == ("broad_scope_on_granular_app", "invalid_scope_requested")
    assert bare.decisive_fact is not None and "requested" in bare.decisive_fact
    old_app = diagnose(text="error=invalid_scope", era="broad")
    assert old_app.top.code == "invalid_scope_requested"
    assert old_app.codes.index("broad_scope_on_granular_app") > old_app.codes.index("restricted_scope")


def test_scopes_named_in_the_text_are_judged_as_the_request() -> None:
    d = diagnose(text="unauthorized_client : Invalid scope for client (we ask for "
                      "accounting.transactions and offline_access on our new app)")
    assert d.top.code == "broad_scope_on_granular_app" and "accounting.transactions" in d.top.title
    typo = diagnose(text="invalid_scope; requested accounting.contact.read")
    assert typo.top.code == "invalid_scope_requested" and "accounting.contacts.read" in typo.top.title
    assert scope_names("GET /payroll.xro/1.0/Employees with payroll.employees.") == {"payroll.employees"}


@pytest.mark.parametrize("text", ["The connector doesn't request the accounting.reports.read scope",
                                  "Scopes are missing for reading bank transactions",
                                  "The integration fails to request permissions for contacts"])
def test_missing_scope_words_give_missing_scope(text: str) -> None:
    assert top(text) == "missing_scope"


@pytest.mark.parametrize("text", [
    "The Finance API is only open to established financial services partners",
    "We need Xero's approval before we can request that scope",
    "Our app is unable to use the `bankfeeds` scope yet",
])
def test_restricted_words_give_restricted_scope(text: str) -> None:
    """§2, §8: paymentservices, bankfeeds, finance, bankstatement need Xero's approval."""
    assert top(text) == "restricted_scope"


def test_scopes_named_while_connecting_are_a_scope_refusal() -> None:
    """Scopes named at sign-in point at a scope refusal, weakly: which one, the request decides."""
    d = diagnose(text="An error page appears while connecting with our default scopes")
    assert d.codes[:2] == ("broad_scope_on_granular_app", "invalid_scope_requested")
    assert d.top.weight < 0.6 and d.decisive_fact is not None


# --- the OAuth step ---

def test_the_authorize_step_judges_the_requested_scopes_even_without_an_error_name() -> None:
    d = diagnose(text="Xero shows an error page", endpoint="https://login.xero.com/identity/connect/authorize",
                 requested=["openid", "paymentservices"])
    assert d.top.code == "restricted_scope" and not d.notes


def test_a_401_from_the_token_endpoint_is_the_client() -> None:
    """RFC 6749 §5.2: the token endpoint answers 401 when the client's authentication fails."""
    assert top("request_token = client.request_token() -> 401 Unauthorized") == "invalid_client"


def test_a_failed_token_request_without_an_error_names_the_grant_s_causes() -> None:
    custom = diagnose(text="Failed to obtain a token: [object Object]", grant_type="client_credentials")
    assert custom.codes[:2] == ("invalid_scope_requested", "invalid_client")
    unknown = diagnose(text="Failed to obtain a token: [object Object]")
    assert set(unknown.codes[:3]) == {"invalid_grant", "invalid_client", "invalid_scope_requested"}
    code = diagnose(text="Failed to obtain a token", grant_type="authorization_code")
    assert "invalid_scope_requested" not in code.codes


@pytest.mark.parametrize("text", [
    "TypeError: this client authentication method requires a client_secret",
    "redirect_uri mismatch on the consent screen",
    "oauth_problem=consumer_key_unknown",
    "unauthorized_client (client_credentials is not allowed for this app)",
])
def test_client_words_give_invalid_client(text: str) -> None:
    """§6 E13: bad client credentials, an unregistered redirect URI, a grant the app may not use."""
    assert top(text) == "invalid_client"


# --- organisation ---

def test_two_payroll_countries_set_apart_give_a_region_mismatch() -> None:
    d = diagnose(text="the UK payroll employees call 405s for our Australian client")
    assert d.top.code == "payroll_region_mismatch" and d.top.weight < 0.9
    assert countries("an NZ org and a New Zealand one") == {"NZ"}
    assert "region_pair" not in cue_markers("UK and AU invoices")  # no payroll, no mismatch


def test_country_stands_for_the_organisation() -> None:
    d = diagnose(status=405, body="", url="https://api.xero.com/payroll.xro/2.0/Employees", method="GET",
                 country="AU")
    assert d.top.code == "payroll_region_mismatch" and "AU" in d.top.title


def test_plan_words_give_feature_not_in_plan() -> None:
    assert top("403: Projects is not enabled for this organisation") == "feature_not_in_plan"


# --- statuses in prose ---

@pytest.mark.parametrize(("text", "status"), [
    ("the request always returns 401", 401), ("I get a 403 on every call", 403),
    ("the call 405s", 405), ("raise unless e.code == 429", 429), ("we are getting 401s", 401),
])
def test_statuses_written_in_prose(text: str, status: int) -> None:
    assert status_from_text(text) == status


def test_words_never_outrank_what_xero_said() -> None:
    expired = diagnose(text='{"Detail":"TokenExpired: token expired"} the org was disconnected')
    assert expired.top.code == "token_expired"
    limited = diagnose(status=429, text="the user has Invoice Only access")
    assert limited.top.code == "rate_limited"


def test_expired_and_reconnect_is_a_dead_refresh_token() -> None:
    """An expired access token is refreshed without the user; one that makes the user reconnect
    means the refresh token lapsed (invalid_grant). Xero's own TokenExpired still says expiry."""
    d = diagnose(text="Your Xero session token has expired. Please re-authorise the app.")
    assert d.codes[:2] == ("invalid_grant", "token_expired")
    xero = diagnose(text='{"Detail":"TokenExpired: token expired at 1/2/2025"} - reconnecting fixed it')
    assert xero.top.code == "token_expired" and xero.top.weight >= 0.9


def test_a_403_cured_by_reconnecting_is_the_connection() -> None:
    d = diagnose(text="Xero replied 403 Forbidden; reconnect the organisation to continue")
    assert d.top.code == "connection_revoked" and d.decisive_fact is not None
    assert "/connections" in d.decisive_fact
    plain = diagnose(text="Xero replied 403 Forbidden")
    # the prior when nothing else is known: the header forgotten (§9 #1), then a wrong tenant
    assert plain.codes[:3] == ("tenant_header_missing", "tenant_not_connected", "connection_revoked")


# --- the organisation's plan: a cap or a bar, not a rate limit ---

@pytest.mark.parametrize("text", [
    "You've hit the limit of invoices your Xero subscription lets you send this month",
    "Sync paused: the organisation's plan allowance for bills is used up",
    "Our connector cannot be used with Cashbook or Ledger plans",
    "Posting failed because of a subscription-based limit in the Xero account",
    "Xero Ignite plans allow a handful of invoices per month",
])
def test_a_plan_cap_is_the_plan_not_a_rate_limit(text: str) -> None:
    """Xero's small plans cap invoices and bills a month, and some plans allow no connected app:
    waiting does not help, a plan change does (§8; the fix is the plan, not pacing)."""
    d = diagnose(text=text)
    assert d.top.code == "feature_not_in_plan", d.codes
    assert "not a rate limit" in d.top.title
    assert any("plan" in step for step in d.top.fix)


def test_a_rate_limit_said_outright_is_not_a_plan_cap() -> None:
    d = diagnose(text="HTTP 429 Too Many Requests: rate limit hit while syncing the invoices limit")
    assert d.top.code == "rate_limited"
    assert "feature_not_in_plan" not in d.codes[:1]


@pytest.mark.parametrize("text", [
    "HTTP 403: the organisation lacks a product this table needs, such as Xero Projects",
    "403 Forbidden - you need to subscribe to Xero Projects first",
])
def test_a_product_the_organisation_lacks_is_the_plan(text: str) -> None:
    assert top(text) == "feature_not_in_plan"


def test_a_refresh_that_did_not_cure_a_401_is_a_refused_refresh() -> None:
    """A 401 that a refresh does not cure: the refresh token itself was refused (§6 E12)."""
    assert top("Xero answered HTTP 401, and refreshing the access token didn't fix it") == "invalid_grant"
    # a refresh that worked says nothing of the kind
    assert "refresh_refused" not in cue_markers("refreshing the token fixed it")


def test_a_client_secret_that_must_match_is_the_client() -> None:
    assert top("Connection failed: the client secret must match the one in the Xero developer portal") \
        == "invalid_client"
    assert top("invalid_request: client id does not match the app") == "invalid_client"


def test_the_finance_api_by_its_path_is_restricted() -> None:
    """All finance.* (and bank feeds) are certification-only APIs (§2b)."""
    d = diagnose(text="GET https://api.xero.com/finance.xro/1.0/CashValidation returned 403")
    assert d.top.code == "restricted_scope", d.codes


@pytest.mark.parametrize("text", [
    "Remove deprecated Xero scopes that cause invalid-scope errors at sign-in",
    "We dropped the legacy accounting.transactions scope from the connect screen",
])
def test_deprecated_scopes_with_words_between_are_the_scope_change(text: str) -> None:
    assert "scope_era" in cue_markers(text)
    assert top(text) == "broad_scope_on_granular_app"


def test_a_bare_insufficient_scope_lists_both_readings() -> None:
    """insufficient_scope says the token lacks a scope: never requested (missing_scope) or
    requested after this token was issued (not_reconsented). Without the token's or the app's
    scopes both stay listed, the first ahead."""
    d = diagnose(text='WWW-Authenticate: Bearer error="insufficient_scope"')
    assert d.codes[:2] == ("missing_scope", "not_reconsented")
    assert d.findings[0].weight > d.findings[1].weight
    assert d.findings[1].decides is not None


def test_invalid_grant_is_told_for_the_request_that_failed() -> None:
    """invalid_grant refuses a refresh token (used, idle 60 days, revoked) or an authorization
    code (used, expired, or another redirect_uri / code_verifier): when the failing request
    shows its grant_type, only that one's reasons and fix are given."""
    body = '400 Bad Request {"error":"invalid_grant"}'
    refresh = diagnose(text="POST https://identity.xero.com/connect/token\ngrant_type=refresh_token\n" + body)
    assert refresh.top.code == "invalid_grant" and refresh.top.title.startswith("The refresh token was refused")
    assert refresh.top.fix[0].startswith("Every refresh returns a NEW refresh token")
    assert not any("code" in step.lower() for step in refresh.top.fix)
    code = diagnose(text="POST https://identity.xero.com/connect/token\ngrant_type=authorization_code&"
                         "redirect_uri=http://localhost:5000/cb\n" + body)
    assert code.top.code == "invalid_grant" and code.top.title.startswith("The authorization code was refused")
    assert any("redirect_uri" in step and "code_verifier" in step for step in code.top.fix)
    assert not any("60 days" in step for step in code.top.fix)
    neither = diagnose(text=body)
    assert neither.top.title == "The refresh token (or code) was refused: rotated, expired, revoked or reused"


def _corpus_texts() -> list[str]:
    from pathlib import Path
    path = Path(__file__).parent / "corpus" / "cases.jsonl"
    return [json.loads(line)["excerpt"] for line in path.read_text(encoding="utf-8").splitlines() if line]


def test_cues_on_lowered_text_match_as_ignorecase_does() -> None:
    """The cues run case-sensitively over the lower-cased text (for speed): on every corpus
    excerpt, in three casings, they find exactly what IGNORECASE finds on the text as given."""
    import re
    reference = {name: re.compile("|".join(alts), re.IGNORECASE) for name, alts in CUES.items()}
    texts = _corpus_texts()
    assert len(texts) > 300
    hits = 0
    for text in texts:
        for variant in (text, text.upper(), text.swapcase()):
            want = {name for name, rx in reference.items() if rx.search(variant)}
            assert cue_markers(variant) - {"region_pair"} == want, variant[:200]
            hits += bool(want)
    assert hits > 300  # the comparison saw cues found, not only texts without any
