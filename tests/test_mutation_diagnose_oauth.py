"""OAuth causes as a user reads them (xero_nb/diagnose/oauth.py): a refused refresh token or
code, refused client credentials or redirect URI, the scope refusals at sign-in (which scope and
why), and what the token or authorize step narrows the causes to when no error is named."""

from __future__ import annotations

import json
from functools import partial
from typing import Any

import pytest
from diagnose_pins import NOW, one, ranked, run

from xero_nb.diagnose import diagnose as _diagnose_with_wording
from xero_nb.diagnose.oauth import CLIENT_FIX, GRANT_FIX, REQUESTED_FACT
from xero_nb.facts import REFRESH_IDLE_SECONDS

# These tests pin the rules: diagnose() here is the rules alone (resemblance=False); the wording's
# statistical reading it adds by default is tested in tests/test_diagnose_resemble.py.
diagnose = partial(_diagnose_with_wording, resemblance=False)

TOKEN_URL = "https://identity.xero.com/connect/token"
AUTHORIZE_URL = "https://login.xero.com/identity/connect/authorize?client_id=x"
TOKEN_FACT = "the token endpoint's answer (its `error`: invalid_client, invalid_scope, invalid_grant)"
PAGE_FACT = "the second line of Xero's error page (e.g. `unauthorized_client : Invalid redirect_uri`)"
STEP_TOKEN = "the failure was at the token step (no API call was made)"
STEP_AUTHORIZE = "the failure was at the authorize step (no API call was made)"


def titles(d: Any) -> list[str]:
    return [f.title for f in d.findings]


# --- invalid_grant ---

def test_invalid_grant_named_by_the_token_endpoint_is_certain() -> None:
    d = run(status=400, body='{"error": "invalid_grant"}')
    assert ranked(d) == [("invalid_grant", 0.97)]
    f = d.top
    assert f.title == "The refresh token (or code) was refused: rotated, expired, revoked or reused"
    assert f.evidence == ("status 400", "error: invalid_grant")
    assert f.fix == GRANT_FIX and f.decides is None


@pytest.mark.parametrize(("age", "said"), [
    (REFRESH_IDLE_SECONDS + 1, "the token was obtained 60 days ago (over 60: the refresh token expired)"),
    (REFRESH_IDLE_SECONDS + 86400, "the token was obtained 61 days ago (over 60: the refresh token expired)"),
    (REFRESH_IDLE_SECONDS, None),  # exactly 60 days: not yet idle too long
])
def test_a_refresh_token_idle_over_60_days_is_named_as_the_reason(age: float, said: str | None) -> None:
    d = run(status=400, body='{"error": "invalid_grant"}',
            token={"obtained_at": NOW - age})
    if said is None:
        assert d.top.evidence == ("status 400", "error: invalid_grant")
    else:
        assert d.top.evidence[-1] == said


def test_a_refresh_token_called_invalid_in_words_is_nearly_certain() -> None:
    d = run(text="refresh token is invalid")
    assert ranked(d) == [("invalid_grant", 0.9)]
    assert d.top.evidence == ("no HTTP status", "the wording: a refresh token (or the connection) called "
                                                "invalid or expired")


def test_expired_and_reconnect_in_words_is_a_dead_refresh_token() -> None:
    d = run(text="the token expired, please reconnect")
    f = one(d, "invalid_grant")
    assert f.weight == 0.8 and d.top is f
    assert f.evidence[-1] == ("the wording: expired, and the user must reconnect (an access token alone "
                              "is refreshed without the user)")


def test_xeros_own_token_expired_with_reconnect_words_stays_an_access_token_expiry() -> None:
    d = run(status=401, body=json.dumps({"Detail": "TokenExpired", "Message": "please reconnect"}))
    assert d.top.code == "token_expired" and "invalid_grant" not in d.codes[:1]


def test_a_401_cured_only_by_reconnecting_is_a_refused_refresh_token() -> None:
    d = run(status=401, text="Unauthorized. Please reconnect to Xero")
    f = d.top
    assert (f.code, f.weight) == ("invalid_grant", 0.6)
    assert f.title == ("A 401 the app could only cure by reconnecting: its refresh token was refused "
                       "(spent, idle 60 days or revoked)")
    assert f.evidence[-1] == "the wording: reconnect after a 401"
    assert f.decides == "whether the app's refresh attempt was answered invalid_grant" == d.decisive_fact


@pytest.mark.parametrize("body", [
    json.dumps({"Detail": "AuthorizationUnsuccessful", "Message": "please reconnect"}),
    json.dumps({"Message": "please reconnect, a scope was added"}),
])
def test_a_401_that_says_why_is_not_blamed_on_the_refresh_token(body: str) -> None:
    d = run(status=401, body=body)
    assert "invalid_grant" not in d.codes[:1]


# --- invalid_client ---

def test_invalid_client_named_is_certain_and_says_what_to_check() -> None:
    d = run(status=401, body='{"error": "invalid_client"}')
    assert ranked(d) == [("invalid_client", 0.95)]
    assert d.top.title == "Xero does not accept the client credentials (or the redirect URI)"
    assert d.top.fix == CLIENT_FIX


def test_words_about_the_client_secret_are_a_little_less_sure() -> None:
    d = run(text="the client secret is wrong")
    assert ranked(d)[0] == ("invalid_client", 0.9)


def test_a_redirect_uri_refused_at_sign_in() -> None:
    d = run(status=400, body=json.dumps({"error": "unauthorized_client",
                                         "error_description": "Invalid redirect_uri"}))
    assert ranked(d) == [("invalid_client", 0.93)]
    # Xero says "Unknown client or client not enabled" for a client id it does not know: this is
    # the redirect URI alone (fix_order.redirect_first)
    assert d.top.title == "Xero refused the redirect URI: it is not one registered for the app"


def test_unauthorized_client_alone_is_the_wrong_grant_for_the_app() -> None:
    d = run(status=400, body='{"error": "unauthorized_client"}')
    assert ranked(d) == [("invalid_client", 0.7)]
    assert d.top.title == ("This client may not use this grant (e.g. client_credentials needs a Custom "
                           "Connection)")
    assert d.top.fix == ("Check the app type at developer.xero.com and use its grant.",)


@pytest.mark.parametrize(("error", "title", "fix"), [
    ("unsupported_grant_type", "The token request lacks a valid grant_type", "Send grant_type="),
    ("access_denied", "The user declined consent at Xero's sign-in page",
     "Ask the user to sign in again and choose Allow access"),
    ("invalid_request", "The OAuth request is malformed (missing parameter)",
     "Check the OAuth request's parameters: client_id, redirect_uri"),
])
def test_the_other_oauth_errors_are_named_with_their_own_fix(error: str, title: str, fix: str) -> None:
    d = run(status=400, body=json.dumps({"error": error}))
    assert ranked(d) == [("unknown", 0.6)]
    assert d.top.title == title and len(d.top.fix) == 1 and d.top.fix[0].startswith(fix)


def test_the_other_oauth_errors_fixes_read_in_full() -> None:
    fixes = {e: run(status=400, body=json.dumps({"error": e})).top.fix for e in
             ("unsupported_grant_type", "access_denied", "invalid_request")}
    assert fixes == {
        "unsupported_grant_type": ("Send grant_type=authorization_code (a code exchange), refresh_token "
                                   "(a refresh) or client_credentials (a custom connection) in the "
                                   "token request's form body.",),
        "access_denied": ("Ask the user to sign in again and choose Allow access (Cancel sends "
                          "access_denied); only a Standard or Adviser user can connect an app.",),
        "invalid_request": ("Check the OAuth request's parameters: client_id, redirect_uri, "
                            "response_type=code, scope, and for PKCE code_challenge with "
                            "code_challenge_method=S256.",)}


# --- scope refusals at sign-in, the requested scopes unknown ---

@pytest.mark.parametrize(("given", "want"), [
    ({"text": "error=invalid_scope"},
     [("broad_scope_on_granular_app", 0.62), ("invalid_scope_requested", 0.6), ("restricted_scope", 0.4)]),
    ({"text": "error=invalid_scope", "era": "granular"},
     [("broad_scope_on_granular_app", 0.7), ("invalid_scope_requested", 0.6), ("restricted_scope", 0.4)]),
    ({"text": "error=invalid_scope", "era": "broad"},
     [("invalid_scope_requested", 0.6), ("restricted_scope", 0.4), ("broad_scope_on_granular_app", 0.2)]),
    ({"text": "error=invalid_scope scope is unknown"},
     [("invalid_scope_requested", 0.72), ("broad_scope_on_granular_app", 0.5), ("restricted_scope", 0.4)]),
    ({"text": "error=invalid_scope restricted scope"},
     [("restricted_scope", 0.75), ("broad_scope_on_granular_app", 0.62), ("invalid_scope_requested", 0.6)]),
    ({"text": "scope validation failed"},
     [("invalid_scope_requested", 0.6), ("broad_scope_on_granular_app", 0.5), ("restricted_scope", 0.4)]),
])
def test_a_scope_refusal_with_the_scopes_unknown_ranks_the_usual_suspects(given: dict[str, Any],
                                                                         want: list[tuple[str, float]]) -> None:
    d = run(**given)
    assert ranked(d) == want
    assert {f.code: f.title for f in d.findings} == {
        "invalid_scope_requested": "Xero refused a scope the app asked for",
        "broad_scope_on_granular_app": "Perhaps a broad scope on an app (or Custom Connection) created in 2026",
        "restricted_scope": "Perhaps a restricted scope (paymentservices, finance, bankfeeds, journals)"}
    assert all(f.decides == REQUESTED_FACT for f in d.findings)
    assert d.decisive_fact == REQUESTED_FACT


def test_unauthorized_client_about_a_scope_is_a_scope_refusal() -> None:
    d = run(status=400, body=json.dumps({"error": "unauthorized_client",
                                         "error_description": "Invalid scope for client"}))
    assert d.codes[0] == "broad_scope_on_granular_app" and "invalid_scope_requested" in d.codes


def test_scopes_named_in_the_text_are_judged_a_little_below_scopes_passed() -> None:
    d = run(text="The scope accounting.transactions is not valid for this app")
    assert ranked(d) == [("broad_scope_on_granular_app", 0.54)]  # 0.6, times 0.9
    f = d.top
    assert f.evidence == ("no HTTP status", "scopes named in the text", "requested: accounting.transactions")
    assert f.decides == "when the Xero app was created (before or after 2 Mar 2026)"


def test_scopes_named_while_connecting_count_less_again() -> None:
    d = run(text="connect failed: scopes accounting.transactions")
    assert one(d, "broad_scope_on_granular_app").weight == pytest.approx(0.6 * 0.9 * 0.8)


# --- scope refusals with the requested scopes known ---

def test_each_bad_requested_scope_is_named_with_its_reason() -> None:
    d = run(text="error=invalid_scope",
            requested=["openid", "accounting.transactions", "paymentservices", "accounting.contact"])
    assert ranked(d) == [("invalid_scope_requested", 0.92), ("restricted_scope", 0.88),
                         ("broad_scope_on_granular_app", 0.6)]
    unknown, restricted, broad = d.findings
    assert unknown.title == "Xero does not know `accounting.contact` (did you mean `accounting.contacts`?)"
    assert unknown.fix == ("Fix the scope names; Xero rejects the whole request.",)
    assert restricted.title == ("Restricted scopes requested: paymentservices (restricted: Xero must "
                                "approve the app for payment services)")
    assert broad.title == ("Broad scopes accounting.transactions are refused for apps created from 2 Mar "
                           "2026 (Custom Connections from 29 Apr 2026)")
    assert broad.fix == ("Replace them with granular scopes (`xero-nb migrate` lists them).",
                         "Sign in again with the new list.")
    assert broad.decides == "when the Xero app was created (before or after 2 Mar 2026)"
    assert all(f.evidence == ("no HTTP status", "requested: accounting.contact accounting.transactions "
                                                "openid paymentservices") for f in d.findings)


def test_an_unknown_scope_with_no_near_name_gets_no_suggestion() -> None:
    d = run(text="error=invalid_scope", requested=["openid", "zzzzqqqq"])
    assert d.top.title == "Xero does not know `zzzzqqqq`"


@pytest.mark.parametrize(("era", "extra", "weight", "decides"), [
    ("granular", {}, 0.92, None),
    (None, {}, 0.6, "when the Xero app was created (before or after 2 Mar 2026)"),
    ("broad", {}, 0.2, None),
    (None, {"text": "scope validation failed"}, 0.92, None),  # a custom connection's refusal
])
def test_a_broad_scope_requested_is_sure_only_for_a_granular_app(era: str | None, extra: dict[str, Any],
                                                                weight: float, decides: str | None) -> None:
    given = {"text": "error=invalid_scope", **extra}
    f = one(run(**given, requested=["openid", "accounting.transactions"], era=era),
            "broad_scope_on_granular_app")
    assert (f.weight, f.decides) == (weight, decides)


def test_a_restricted_scope_for_one_era_only_is_named_when_the_era_is_unknown() -> None:
    d = run(text="error=invalid_scope", requested=["openid", "accounting.journals.read"])
    f = one(d, "restricted_scope")
    assert f.title == ("Restricted scopes requested: accounting.journals.read (Journals need the "
                       "Advanced tier from 2 Mar 2026 (apps created since then also Xero's approval))")
    assert f.weight == 0.88
    broad_app = run(text="error=invalid_scope", requested=["openid", "accounting.journals.read"], era="broad")
    assert "restricted_scope" not in broad_app.codes


def test_good_scopes_refused_mean_the_app_is_not_configured_for_them() -> None:
    d = run(text="error=invalid_scope", requested=["openid", "accounting.invoices"])
    assert ranked(d) == [("invalid_scope_requested", 0.7)]
    assert d.top.title == "The app is not configured for one of the requested scopes"
    assert d.top.fix == ("Compare the request with the scopes enabled for the app/connection.",)
    custom = run(text="scope validation failed", requested=["openid", "accounting.invoices"])
    assert custom.top.title == ("The app is not configured for one of the requested scopes (Custom "
                                "Connection scopes are chosen in the developer portal)")


def test_good_scopes_refused_as_needing_approval_are_restricted() -> None:
    d = run(text="error=invalid_scope restricted scope", requested=["openid", "accounting.invoices"])
    assert ranked(d) == [("restricted_scope", 0.8)]
    assert d.top.title == "The app is not approved for a scope it requests"
    assert d.top.fix == ("Apply to Xero for access to it (developer.xero.com), or drop it from the "
                         "request.",)


# --- the step failed, no error named ---

def test_a_failed_token_request_with_no_error_lists_the_token_endpoints_causes() -> None:
    d = run(status=400, url=TOKEN_URL, method="POST", body="{}")
    assert ranked(d) == [("invalid_grant", 0.5), ("invalid_client", 0.45), ("invalid_scope_requested", 0.4)]
    assert titles(d) == ["Getting a token failed: most often a refresh token already used or expired",
                         "Or the client id or secret is wrong",
                         "Or, for a Custom Connection, a scope not ticked on the connection"]
    assert all(f.evidence == ("status 400", STEP_TOKEN) and f.decides == TOKEN_FACT for f in d.findings)
    assert d.decisive_fact == TOKEN_FACT


def test_an_authorization_code_app_is_no_custom_connection() -> None:
    d = run(status=400, url=TOKEN_URL, method="POST", body="{}", grant_type="authorization_code")
    assert d.codes == ("invalid_grant", "invalid_client")


def test_a_custom_connection_refused_a_token_most_often_asked_for_an_unticked_scope() -> None:
    d = run(status=400, url=TOKEN_URL, method="POST", body="{}", grant_type="client_credentials")
    assert ranked(d) == [("invalid_scope_requested", 0.55), ("invalid_client", 0.5),
                         ("broad_scope_on_granular_app", 0.4)]
    assert titles(d) == ["A custom connection is refused a token most often for a scope not ticked on the "
                         "connection", "Or the connection's client id or secret is wrong",
                         "Or a broad scope on a connection created from 29 Apr 2026"]


def test_a_401_from_the_token_endpoint_is_the_clients_credentials() -> None:
    d = run(status=401, url=TOKEN_URL, method="POST", body="{}")
    f = d.top
    assert (f.code, f.weight) == ("invalid_client", 0.85)
    assert f.title == ("The token endpoint answered 401: the client's credentials (id and secret, or "
                       "consumer key) were refused")
    assert f.evidence == ("status 401", STEP_TOKEN)


def test_a_refused_sign_in_page_is_most_often_the_redirect_uri() -> None:
    d = run(status=400, url=AUTHORIZE_URL, body="oops")
    assert ranked(d) == [("invalid_client", 0.55), ("broad_scope_on_granular_app", 0.45),
                         ("invalid_scope_requested", 0.42)]
    assert titles(d) == ["Xero's sign-in page refused the request: most often the redirect URI (or client "
                         "id) does not match the app's", "Or a broad scope asked by an app created from "
                         "2 Mar 2026", "Or a scope the app may not ask for"]
    assert all(f.decides == PAGE_FACT and f.evidence[-1] == STEP_AUTHORIZE for f in d.findings)


def test_xeros_sign_in_error_page_is_the_authorize_step() -> None:
    d = run(status=500, text="Sorry, something went wrong. Error code: 500. while signing in to Xero")
    assert d.codes == ("invalid_client", "broad_scope_on_granular_app", "invalid_scope_requested")
    api = run(status=500, url="https://api.xero.com/api.xro/2.0/Invoices",
              text="Sorry, something went wrong. Error code: 500. while signing in to Xero")
    assert "invalid_client" not in api.codes  # an API call's 500 is not the sign-in page


def test_the_requested_scopes_judge_a_failed_step() -> None:
    d = run(status=400, url=AUTHORIZE_URL, body="oops",
            requested=["openid", "accounting.transactions", "acounting.contacts"])
    assert ranked(d) == [("invalid_scope_requested", 0.92), ("broad_scope_on_granular_app", 0.6),
                         ("invalid_client", 0.4)]
    last = d.findings[-1]
    assert last.title == "Perhaps the client id or redirect URI is not the app's"
    assert last.decides == "the error Xero's page showed"
    assert d.top.evidence[-1] == "requested: accounting.transactions acounting.contacts openid"
    assert STEP_AUTHORIZE in d.top.evidence


def test_a_failed_step_without_a_known_bad_scope_lowers_the_not_configured_guess() -> None:
    d = run(status=400, url=TOKEN_URL, method="POST", body="{}", requested=["openid", "accounting.invoices"])
    assert ranked(d) == [("invalid_scope_requested", 0.595), ("invalid_client", 0.4)]


# --- a refresh that failed ---

def test_a_failed_refresh_is_most_often_a_spent_refresh_token() -> None:
    d = run(status=400, body="{}", grant_type="refresh_token")
    assert ranked(d) == [("invalid_grant", 0.62), ("invalid_client", 0.35)]
    grant, client = d.findings
    assert grant.title == ("A refresh failed: most often a refresh token already used (each refresh returns "
                           "a new one), idle for 60 days or revoked")
    assert grant.evidence[-1] == "the failing request was a refresh (grant_type=refresh_token)"
    assert grant.decides == "the token endpoint's answer to the refresh (its `error`)" == d.decisive_fact
    assert client.title == "Or the client id or secret sent with the refresh is wrong"
    assert client.fix == CLIENT_FIX and grant.fix == GRANT_FIX


def test_a_refresh_answered_401_is_the_client_first() -> None:
    d = run(status=401, body="{}", grant_type="refresh_token")
    assert d.codes[0] == "invalid_client" and d.top.weight == 0.6
    assert d.top.title == ("The refresh was answered 401: the token endpoint refused the client id or "
                           "secret sent with it")
    assert d.top.evidence[-1] == "a refresh answered 401"
    grant = one(d, "invalid_grant")
    assert (grant.title, grant.weight) == ("Or the refresh token itself was refused", 0.5)
    assert d.decisive_fact == "the token endpoint's `error` (invalid_client or invalid_grant)"


def test_a_rate_limited_refresh_is_a_rate_limit_first() -> None:
    d = run(status=429, body="{}", grant_type="refresh_token")
    assert d.codes[0] == "rate_limited" and d.decisive_fact is None
    words = run(status=400, text="rate limit exceeded", grant_type="refresh_token")
    assert "invalid_grant" not in words.codes  # the limit, said, is no spent refresh token


# --- the authorize step when the words say something of scopes ---

@pytest.mark.parametrize(("body", "want"), [
    ("broad scopes are no longer available for new apps",
     [("broad_scope_on_granular_app", 0.7), ("invalid_scope_requested", 0.51), ("invalid_client", 0.4),
      ("restricted_scope", 0.4)]),
    ("the app is not approved for this restricted scope",
     [("restricted_scope", 0.75), ("broad_scope_on_granular_app", 0.62), ("invalid_scope_requested", 0.51),
      ("invalid_client", 0.4)]),
])
def test_a_refused_sign_in_page_that_speaks_of_scopes_ranks_the_scope_causes(
        body: str, want: list[tuple[str, float]]) -> None:
    """Words about the era or a restricted scope: the scope reasons first, the client id last."""
    d = run(status=400, url=AUTHORIZE_URL, body=body)
    assert ranked(d) == want
    lowered = one(d, "invalid_scope_requested")  # 0.6, lowered at the authorize step, else as it was
    assert lowered.title == "Xero refused a scope the app asked for"
    assert lowered.evidence == ("status 400", STEP_AUTHORIZE)
    assert lowered.fix == ("List the scopes the app requests and compare them with the app's "
                           "configuration at developer.xero.com.",)
    assert lowered.decides == REQUESTED_FACT
    client = one(d, "invalid_client")
    assert client.title == "Perhaps the client id or redirect URI is not the app's"
    assert client.evidence == ("status 400", STEP_AUTHORIZE)
    assert client.fix == CLIENT_FIX


def test_the_sign_in_page_causes_say_what_to_do() -> None:
    d = run(status=400, url=AUTHORIZE_URL, body="oops")
    client, broad, scope = d.findings
    assert client.fix == CLIENT_FIX
    assert broad.fix == ("Use granular scopes.",)
    assert scope.fix == ("Compare the requested scopes with the app's at developer.xero.com.",)


def test_a_token_endpoint_401_says_to_check_the_client_credentials() -> None:
    assert run(status=401, url=TOKEN_URL, method="POST", body="{}").top.fix == CLIENT_FIX


def test_a_custom_connections_refusal_says_what_to_compare() -> None:
    d = run(status=400, url=TOKEN_URL, method="POST", body="{}", grant_type="client_credentials")
    scope, client, broad = d.findings
    assert scope.evidence == client.evidence == broad.evidence == ("status 400", STEP_TOKEN)
    assert scope.fix == ("Compare the scopes requested with those ticked for the Custom Connection at "
                         "developer.xero.com; one unticked scope fails the whole request.",)
    assert client.fix == CLIENT_FIX
    # (the broad scopes' steps said for a custom connection: ticked on it, no sign-in)
    assert broad.fix[0] == "Replace the broad scopes with granular ones (`xero-nb migrate` lists them)."
    assert "on the custom connection at developer.xero.com" in broad.fix[1]
    assert all(f.decides == TOKEN_FACT for f in d.findings)


def test_the_token_steps_guesses_say_what_to_do() -> None:
    d = run(status=400, url=TOKEN_URL, method="POST", body="{}")
    grant, client, scope = d.findings
    assert grant.fix == GRANT_FIX and client.fix == CLIENT_FIX
    assert scope.fix == ("Compare the scopes requested with those of the connection.",)


# --- more of the scope refusal's wording ---

def test_the_usual_suspects_say_what_was_seen_and_what_to_do() -> None:
    d = run(text="error=invalid_scope")
    assert all(f.evidence == ("no HTTP status",) for f in d.findings)
    assert {f.code: f.fix for f in d.findings} == {
        "invalid_scope_requested": ("List the scopes the app requests and compare them with the app's "
                                    "configuration at developer.xero.com.",),
        "broad_scope_on_granular_app": ("Use granular scopes.",),
        "restricted_scope": ("Drop it or apply to Xero.",)}


def test_words_asking_for_granular_scopes_make_a_broad_scope_less_likely_than_plain_silence() -> None:
    d = run(text="error=invalid_scope granular scopes required")
    assert one(d, "broad_scope_on_granular_app").weight == 0.5


def test_offline_access_alone_named_is_no_scope_to_judge() -> None:
    """Every app asks for offline_access: naming it says nothing of which scope was refused."""
    assert ranked(run(text="error=invalid_scope offline_access")) == ranked(run(text="error=invalid_scope"))


def test_a_scope_named_in_the_text_still_asks_for_the_requested_scopes() -> None:
    d = run(text="error=invalid_scope for accounting.foo")
    assert ranked(d) == [("invalid_scope_requested", 0.828)]  # 0.92, times 0.9
    assert d.top.decides == REQUESTED_FACT


def test_every_bad_scope_is_listed_in_its_finding() -> None:
    d = run(text="broad scopes are no longer available for new apps",
            requested=["openid", "accounting.transactions", "accounting.reports.read", "paymentservices",
                       "bankfeeds", "zzzqqq", "yyyqqq"])
    assert ranked(d) == [("invalid_scope_requested", 0.92), ("broad_scope_on_granular_app", 0.92),
                         ("restricted_scope", 0.88)]
    unknown, broad, restricted = d.findings
    assert unknown.title == "Xero does not know `yyyqqq`, `zzzqqq`"
    # the words say the app is of the granular era: sure, no question left
    assert broad.title.startswith("Broad scopes accounting.reports.read, accounting.transactions are refused")
    assert broad.decides is None
    assert restricted.title == ("Restricted scopes requested: bankfeeds (closed API: financial-institution "
                                "partners only); paymentservices (restricted: Xero must approve the app "
                                "for payment services)")
    assert restricted.fix == ("Remove them from the request, or apply to Xero for access.",)
    seen = ("no HTTP status", "requested: accounting.reports.read accounting.transactions bankfeeds openid "
                              "paymentservices yyyqqq zzzqqq")
    assert unknown.evidence == broad.evidence == restricted.evidence == seen


def test_the_approval_and_not_configured_findings_list_what_was_requested() -> None:
    approval = run(text="error=invalid_scope restricted scope", requested=["openid", "accounting.invoices"])
    plain = run(text="error=invalid_scope", requested=["openid", "accounting.invoices"])
    for d in (approval, plain):
        assert d.top.evidence == ("no HTTP status", "requested: accounting.invoices openid")


def test_xeros_sign_in_page_words_without_a_status_are_the_authorize_step() -> None:
    d = run(text="Sorry, something went wrong while signing in to Xero")
    assert ranked(d) == [("invalid_client", 0.55), ("broad_scope_on_granular_app", 0.45),
                         ("invalid_scope_requested", 0.42)]
    assert d.top.evidence == ("no HTTP status", STEP_AUTHORIZE)
    other = run(text="Something failed while signing in to Xero")  # not the page's words
    assert "invalid_client" not in other.codes


def test_a_sign_in_page_answer_with_another_status_is_not_the_page() -> None:
    d = run(status=400, text="Sorry, something went wrong while signing in to Xero")
    assert STEP_AUTHORIZE not in d.top.evidence


def test_the_token_endpoint_named_in_words_is_the_token_step() -> None:
    d = run(status=400, body="Getting the access token from the token endpoint failed")
    assert ranked(d) == [("invalid_grant", 0.5), ("invalid_client", 0.45), ("invalid_scope_requested", 0.4)]
    assert all(f.evidence == ("status 400", STEP_TOKEN) for f in d.findings)


# --- invalid_grant told for the request that failed ---

def test_a_refused_refresh_gets_only_the_refresh_tokens_reasons() -> None:
    d = run(status=400, body='{"error": "invalid_grant"}', grant_type="refresh_token")
    assert ranked(d) == [("invalid_grant", 0.97)]
    f = d.top
    assert f.title == ("The refresh token was refused: already used (each refresh returns a new one), "
                       "unused for 60 days, or revoked")
    assert f.evidence == ("status 400", "error: invalid_grant",
                          "the failing request was a refresh (grant_type=refresh_token)")
    assert f.fix == ("Every refresh returns a NEW refresh token; store it at once and never reuse the old "
                     "one (the old one works for 30 min only if no answer came).", *GRANT_FIX[1:3], GRANT_FIX[-1])


def test_a_refused_code_exchange_gets_only_the_codes_reasons() -> None:
    d = run(status=400, body='grant_type=authorization_code&code=abc\n{"error":"invalid_grant"}')
    assert ranked(d) == [("invalid_grant", 0.97)]
    f = d.top
    assert f.title == ("The authorization code was refused: already used, expired (codes are short-lived), "
                       "or sent with another redirect_uri or PKCE code_verifier than the sign-in that "
                       "issued it")
    assert f.evidence[-1] == "the failing request exchanged a code (grant_type=authorization_code)"
    assert f.fix[-1] == GRANT_FIX[-1] and len(f.fix) == 3


def test_invalid_request_about_the_redirect_uri_is_the_client() -> None:
    d = run(status=400, body=json.dumps({"error": "invalid_request", "error_description": "Invalid redirect_uri"}))
    assert ranked(d) == [("invalid_client", 0.93)]
    # Xero calls the redirect URI invalid: its step, and where to register it, are the whole fix
    assert d.top.fix == (CLIENT_FIX[2], "Register the redirect URI sent at developer.xero.com (My Apps, "
                         "the app, Configuration, Redirect URIs), or send one already registered there.")


def test_unauthorized_client_in_words_is_the_wrong_grant_too() -> None:
    d = run(text="unauthorized_client")
    assert ranked(d) == [("invalid_client", 0.7)]
    assert d.top.evidence == ("no HTTP status",)


# --- which words make invalid_grant and invalid_client, and how sure ---

def test_the_oauth_error_name_in_words_is_as_sure_as_the_field() -> None:
    assert ranked(run(text="invalid_client")) == [("invalid_client", 0.95)]
    assert ranked(run(text="Token refresh failed: invalid_grant")) == [("invalid_grant", 0.97)]


def test_an_unknown_oauth_error_leaves_the_words_to_speak() -> None:
    """error=server_error is none of the OAuth errors diagnosed: words about the secret still count."""
    d = run(status=400, body=json.dumps({"error": "server_error",
                                         "error_description": "the client secret is wrong"}))
    assert ranked(d) == [("invalid_client", 0.9)]


def test_a_client_refused_for_a_scope_is_a_scope_refusal() -> None:
    body = {"error": "unauthorized_client", "error_description": "client authentication failed for this scope"}
    d = run(status=400, body=json.dumps(body))
    assert ranked(d) == [("broad_scope_on_granular_app", 0.62), ("invalid_scope_requested", 0.6),
                         ("restricted_scope", 0.4)]
    request = run(status=400, body=json.dumps({"error": "invalid_request",
                                               "error_description": "the client secret does not allow the scope"}))
    assert ranked(request) == [("unknown", 0.6)]


def test_a_refused_refresh_token_said_with_reconnect_words_keeps_the_refresh_wording() -> None:
    d = run(text="refresh token expired, please reconnect")
    assert ranked(d) == [("invalid_grant", 0.9)]
    assert d.top.evidence == ("no HTTP status", "the wording: a refresh token (or the connection) called "
                                                "invalid or expired")


@pytest.mark.parametrize("body", [
    json.dumps({"Detail": "Token Expired", "Message": "please reconnect"}),  # Xero's own TokenExpired
    json.dumps({"Detail": "TokenExpired", "Message": "please reconnect"}),
])
def test_xeros_token_expired_detail_keeps_reconnect_words_from_blaming_the_refresh_token(body: str) -> None:
    d = run(status=401, body=body)
    assert ranked(d)[0] == ("token_expired", 0.97)
    assert all(f.weight < 0.5 for f in d.findings if f.code == "invalid_grant")  # a weak "or" at most


@pytest.mark.parametrize(("text", "want"), [
    ("The token was rejected and has expired, please reconnect", ("invalid_grant", 0.8)),  # expired words
    ("Token rejected: the token has expired, please reconnect", ("token_expired", 0.75)),  # rejected
    ("The token has expired. Please reconnect to Xero; no refresh token was stored", ("token_expired", 0.75)),
])
def test_expired_and_reconnect_is_a_dead_refresh_token_unless_none_was_kept(text: str,
                                                                            want: tuple[str, float]) -> None:
    assert ranked(run(text=text))[0] == want


@pytest.mark.parametrize(("text", "grant"), [
    ("Unauthorized. Please reconnect: a scope was added", None),
    ("Unauthorized. Please reconnect: rate limit exceeded", None),
    ("Unauthorized. Please reconnect, there is no refresh token", 0.45),
])
def test_a_401_with_reconnect_words_that_say_why_is_not_a_refused_refresh(text: str, grant: float | None) -> None:
    d = run(status=401, text=text)
    weights = [round(f.weight, 3) for f in d.findings if f.code == "invalid_grant"]
    assert weights == ([] if grant is None else [grant])


# --- the remaining OAuth findings' evidence, fixes and facts ---

def test_a_named_client_error_lists_it() -> None:
    assert run(status=401, body='{"error": "invalid_client"}').top.evidence == ("status 401", "error: invalid_client")


def test_a_sign_in_refusal_that_names_an_unknown_client_is_the_client() -> None:
    d = run(status=400, body=json.dumps({"error": "invalid_request", "error_description": "unknown client"}))
    assert ranked(d) == [("invalid_client", 0.93)]
    assert d.top.evidence == ("status 400", "error: invalid_request", "error_description: unknown client")


def test_the_other_oauth_errors_list_what_was_seen() -> None:
    d = run(status=400, body='{"error": "access_denied"}')
    assert d.top.evidence == ("status 400", "error: access_denied")


def test_a_401_with_reconnect_words_and_a_missing_scope_is_not_a_refused_refresh() -> None:
    d = run(status=401, text="Unauthorized. Please reconnect: the token is missing the required scope")
    assert d.codes[0] == "missing_scope"
    assert all(f.weight < 0.6 for f in d.findings if f.code == "invalid_grant")


def test_the_reconnect_after_a_401_finding_says_how_to_keep_the_refresh_token() -> None:
    assert run(status=401, text="Unauthorized. Please reconnect to Xero").top.fix == GRANT_FIX


def test_a_refresh_that_failed_for_want_of_a_refresh_token_is_not_a_refused_one() -> None:
    d = run(status=400, body="no refresh token", grant_type="refresh_token")
    assert ranked(d) == [("token_expired", 0.75), ("invalid_grant", 0.45)]


def test_the_refresh_findings_list_what_was_seen_and_what_would_decide() -> None:
    fact = "the token endpoint's `error`"
    d = run(status=400, body="{}", grant_type="refresh_token")
    client = one(d, "invalid_client")
    assert (client.evidence, client.decides) == (("status 400",), fact)
    answered = run(status=401, body="{}", grant_type="refresh_token")
    assert answered.top.fix == CLIENT_FIX
    grant = one(answered, "invalid_grant")
    assert (grant.evidence, grant.fix, grant.decides) == (("status 401",), GRANT_FIX, fact)


@pytest.mark.parametrize("text", [
    "POST https://identity.xero.com/connect/token failed: rate limit exceeded",
    "Refreshing the token failed: too many requests",
])
def test_a_rate_limit_in_words_at_the_token_step_is_only_the_rate_limit(text: str) -> None:
    assert diagnose(text=text).codes == ("rate_limited",)
