"""The non-scope rules as a user reads them (xero_nb/diagnose/rules.py): which rate limit was hit
and how long to wait, when an access token counts as expired, and the tenant and connection
causes of a 403, each with its title, evidence, fix and weight against its rivals."""

from __future__ import annotations

import json
from typing import Any

import pytest
from diagnose_pins import NOW, one, ranked, run

from xero_nb.diagnose.rules import CONNECTIONS_FACT, CUSTOM_FACT, HEADERS_FACT, RATE_FACT, ROLE_FACT

TENANT = "4b8a2f5e-6c1d-4e2a-9b7f-0a1b2c3d4e5f"
OTHER = "11111111-2222-3333-4444-555555555555"
P403 = json.dumps({"Title": "Forbidden", "Status": 403, "Detail": "AuthenticationUnsuccessful"})
PACE = "Pace calls: at most 5 in flight and 60 a minute per tenant (probe does this)."
DAY_FIX = ("The daily quota resets on a rolling 24 h window; on the Starter tier move up a tier or "
           "spread the work over days.")
DAY = "the per-tenant daily limit (5,000 calls a day; 1,000 on the Starter tier)"
MINUTE = "the per-tenant minute limit (60 calls a minute)"
APP = "the app-wide minute limit (10,000 calls a minute across all tenants)"
REFRESH_FIX = ("Refresh the access token (with the refresh token: POST "
               "https://identity.xero.com/connect/token, grant_type=refresh_token; xero-nb's "
               "XeroAuth.token() does it before expiry) and retry.",
               "If the token was issued without offline_access there is no refresh token: sign in again.")


# --- rate limits: which limit, how long, how sure ---

@pytest.mark.parametrize(("headers", "limit", "second_step"), [
    ({"X-Rate-Limit-Problem": "day"}, DAY, DAY_FIX),
    ({"X-Rate-Limit-Problem": "minute"}, MINUTE, PACE),
    ({"X-Rate-Limit-Problem": "concurrent"}, "the concurrency limit (5 calls in flight per tenant)", PACE),
    # no X-Rate-Limit-Problem: the counter at 0 names the limit
    ({"X-DayLimit-Remaining": "0", "X-MinLimit-Remaining": "12"}, DAY, DAY_FIX),
    ({"X-MinLimit-Remaining": "0", "X-DayLimit-Remaining": "4000"}, MINUTE, PACE),
    # both spent: the day limit is the one that matters (a minute does not cure it)
    ({"X-MinLimit-Remaining": "0", "X-DayLimit-Remaining": "0"}, DAY, DAY_FIX),
    ({"X-AppMinLimit-Remaining": "0", "X-MinLimit-Remaining": "3"}, APP, None),
    ({}, "a rate limit (kind not given)", PACE),
    ({"X-MinLimit-Remaining": "1"}, "a rate limit (kind not given)", PACE),
])
def test_the_429_title_names_the_limit_hit_and_its_own_advice(headers: dict[str, str], limit: str,
                                                               second_step: str | None) -> None:
    """Catches a day limit read as a minute limit (or the counters read in the wrong order):
    a user told to wait a minute for a daily quota comes straight back."""
    f = one(run(status=429, headers={"Retry-After": "30", **headers}), "rate_limited")
    assert f.title == f"Rate limit hit: {limit}; wait 30 s"
    if second_step is not None:
        assert f.fix[1] == second_step
    assert f.weight == 0.97 and f.decides is None


def test_an_unknown_limit_is_named_as_xero_sent_it_without_pacing_advice() -> None:
    f = one(run(status=429, headers={"X-Rate-Limit-Problem": "hourly"}), "rate_limited")
    assert f.title == "Rate limit hit: limit 'hourly'; wait (no Retry-After given)"
    assert len(f.fix) == 1 and f.fix[0].startswith("Wait (no ")


def test_the_app_wide_limit_says_pacing_one_tenant_does_not_help() -> None:
    f = one(run(status=429, headers={"X-Rate-Limit-Problem": "appminute", "Retry-After": "20"}),
            "rate_limited")
    assert f.title == f"Rate limit hit: {APP}; wait 20 s"
    assert f.fix == ("Wait 20 s before the next call from this app, to any tenant.",
                     "The app-wide limit counts every tenant's calls together: pacing one tenant "
                     "does not help; spread all tenants' work across the minute.")


def test_a_tenant_limit_says_to_wait_before_calling_this_tenant() -> None:
    f = one(run(status=429, headers={"X-Rate-Limit-Problem": "minute", "Retry-After": "20"}),
            "rate_limited")
    assert f.fix[0] == "Wait 20 s before the next call to this tenant."


@pytest.mark.parametrize(("retry_after", "when"), [
    ("3599", "wait 3599 s"),  # under an hour: seconds only
    ("3600", "wait 3600 s (about 1.0 h)"),  # the boundary: an hour is said in hours too
    ("86400", "wait 86400 s (about 24.0 h)"),
    ("1.5", "wait 1.5 s"),
])
def test_a_long_retry_after_is_also_said_in_hours(retry_after: str, when: str) -> None:
    f = one(run(status=429, headers={"X-Rate-Limit-Problem": "day", "Retry-After": retry_after}),
            "rate_limited")
    assert f.title == f"Rate limit hit: {DAY}; {when}"
    assert f.fix[0] == f"{when.capitalize()} before the next call to this tenant."


def test_the_rate_limit_evidence_lists_every_limit_header_in_order() -> None:
    f = one(run(status=429, headers={"X-AppMinLimit-Remaining": "9000", "X-DayLimit-Remaining": "0",
                                     "X-MinLimit-Remaining": "5", "Retry-After": "60",
                                     "X-Rate-Limit-Problem": "day"}), "rate_limited")
    assert f.evidence == ("status 429", "X-Rate-Limit-Problem: day", "Retry-After: 60",
                          "X-MinLimit-Remaining: 5", "X-DayLimit-Remaining: 0",
                          "X-AppMinLimit-Remaining: 9000")


@pytest.mark.parametrize(("given", "weight", "why"), [
    ({"status": 429}, 0.97, None),
    # a Retry-After with no status at all: Xero sends it with a 429
    ({"headers": {"Retry-After": "30"}}, 0.9, "a Retry-After header, which Xero sends with a 429"),
    ({"text": "rate limit exceeded"}, 0.9, "the error's wording names a rate limit"),
    # the limit said to be hit, on another status
    ({"status": 400, "text": "Rate limit exceeded"}, 0.85, "the error's wording names a rate limit"),
    ({"status": 503, "text": "Too many requests"}, 0.85, "the error's wording names a rate limit"),
    # a quota only mentioned: weaker, unless a 503 or a limit header backs it
    ({"status": 503, "text": "low request quota"}, 0.7, "the error's wording names a rate limit"),
    ({"status": 400, "text": "low request quota", "headers": {"X-Rate-Limit-Problem": "minute"}}, 0.7,
     "the error's wording names a rate limit"),
    ({"status": 400, "text": "low request quota"}, 0.6, "the error's wording names a rate limit"),
    ({"status": 400, "headers": {"X-Rate-Limit-Problem": "minute"}}, 0.7, None),
])
def test_how_sure_a_rate_limit_is_follows_what_says_it(given: dict[str, Any], weight: float,
                                                        why: str | None) -> None:
    """A 429 is certain; Xero's Retry-After without a status nearly so; words that say the
    limit was hit beat words that only mention a quota."""
    f = one(run(**given), "rate_limited")
    assert f.weight == weight
    assert (why in f.evidence) if why else not any("wording" in e or "Retry-After header" in e
                                                   for e in f.evidence)
    # only a 429 settles it; otherwise the status and the header would
    assert f.decides == (None if given.get("status") == 429 else RATE_FACT)


def test_a_503_retry_after_alone_is_not_a_rate_limit() -> None:
    """Xero's 503 with Retry-After is the organisation offline or the API down (not a limit)."""
    d = run(status=503, headers={"Retry-After": "30"})
    assert d.codes == ("unknown",)
    assert d.top.title == "Xero answered 503: organisation offline or the API unavailable; retry later"


def test_a_quota_said_of_the_connection_cap_is_not_a_rate_limit() -> None:
    """The developer plan's connection limit is not a call quota: waiting does not cure it."""
    capped = run(status=403, text="The app reached its connection limit: the API quota of the "
                                  "developer plan is used up")
    assert "rate_limited" not in capped.codes
    assert one(run(status=403, text="daily quota reached"), "rate_limited").weight == 0.6


# --- expiry ---

@pytest.mark.parametrize(("exp", "expired"), [(NOW - 1, True), (NOW, True), (NOW + 1, False)])
def test_a_token_expires_at_its_exp_second(exp: float, expired: bool) -> None:
    """exp == now is already expired (the token is refused from that second on)."""
    d = run(status=401, body="{}", token={"expires_at": exp})
    if expired:
        f = one(d, "token_expired")
        when = "2026-05-28 20:26:39 UTC" if exp < NOW else "2026-05-28 20:26:40 UTC"
        assert f.title == f"The access token expired at {when}"
        assert f.evidence == ("status 401", f"token exp {when}")
        assert f.weight == 0.93 and f.fix == REFRESH_FIX and d.top is f
    else:
        assert "token_expired" not in d.codes


def test_a_past_exp_is_ignored_when_the_401_came_with_an_oauth_error() -> None:
    d = run(status=401, body='{"error": "invalid_client"}',
            token={"expires_at": NOW - 60})
    assert "token_expired" not in d.codes and d.top.code == "invalid_client"


def test_xeros_token_expired_detail_is_certain() -> None:
    d = run(status=401, body=json.dumps({"Title": "Unauthorized", "Status": 401,
                                         "Detail": "TokenExpired: token expired at 01/02/2026"}))
    f = d.top
    assert (f.code, f.weight) == ("token_expired", 0.97)
    assert f.title == "The access token has expired (they last 30 minutes)"
    assert f.evidence == ("status 401", "detail: TokenExpired: token expired at 01/02/2026")
    assert f.fix == REFRESH_FIX


@pytest.mark.parametrize("body", [
    '{"oauth_problem": "token_expired"}',  # OAuth 1.0a
    '{"error": "token_expired"}',
    '{"Detail": "Token Expired"}',
])
def test_xeros_other_spellings_of_token_expired_are_certain_too(body: str) -> None:
    f = one(run(status=401, body=body), "token_expired")
    assert f.weight == 0.97


def test_token_expired_among_other_words_is_less_sure_than_xeros_own_key() -> None:
    d = run(status=401, body='{"Message": "call failed: TokenExpired, see the log"}')
    assert one(d, "token_expired").weight == 0.82


def test_a_401_saying_invalid_token_is_expiry_but_less_sure() -> None:
    d = run(status=401, headers={"WWW-Authenticate": 'Bearer error="invalid_token"'})
    f = one(d, "token_expired")
    assert f.title == "Xero says the token is invalid (expired or malformed)"
    assert (f.weight, f.decides, f.evidence) == (0.75, None, ("status 401",))


def test_a_401_that_starts_after_a_while_is_expiry() -> None:
    d = run(text="401 Unauthorized: works at first, then after a while every call fails")
    f = one(d, "token_expired")
    assert f.title == ("A 401 that starts after a while (or comes and goes) is an expired access "
                       "token")
    assert f.evidence[-1] == "the wording: only after some time, or intermittently"
    assert f.weight == 0.6 and d.top is f


def test_a_401_with_xeros_reason_lost_is_most_often_expiry() -> None:
    d = run(status=401, body="{}")
    f = one(d, "token_expired")
    assert f.title == ("A 401 with Xero's reason lost (no Detail, no WWW-Authenticate) is most often "
                       "an expired access token")
    assert f.evidence == ("status 401", "no Detail or WWW-Authenticate in what was seen")
    assert (f.weight, f.decides) == (0.5, "the token's expiry (its exp claim), or the 401's Detail")
    assert d.top is f  # above the unsettled scope guess


def test_a_bare_401_with_a_title_is_weaker_expiry_than_the_scope_guess() -> None:
    d = run(status=401, body=json.dumps({"Title": "Unauthorized"}))
    f = one(d, "token_expired")
    assert f.title == "A bare 401 is often an expired access token"
    assert (f.weight, f.decides) == (0.4, "the token's expiry (its exp claim)")
    assert d.codes.index("missing_scope") < d.codes.index("token_expired")


@pytest.mark.parametrize("headers", [{"WWW-Authenticate": 'Bearer error="insufficient_scope"'}])
def test_a_401_that_names_a_scope_is_not_guessed_to_be_expiry(headers: dict[str, str]) -> None:
    assert "token_expired" not in run(status=401, headers=headers, body="{}").codes


def test_a_known_future_expiry_rules_expiry_out_of_a_bare_401() -> None:
    d = run(status=401, body="{}", token={"expires_at": NOW + 600})
    assert "token_expired" not in d.codes


def test_expiry_needs_a_401() -> None:
    d = run(status=403, body="{}", token={"expires_at": NOW - 600})
    assert "token_expired" not in d.codes


# --- tenants and connections (403 AuthenticationUnsuccessful) ---

def test_a_tenant_id_that_is_no_guid_is_named() -> None:
    d = run(status=403, body=P403, tenant_id="Demo Company", endpoint="GET /Invoices")
    assert ranked(d) == [("tenant_not_connected", 0.85)]
    f = d.top
    assert f.title == "xero-tenant-id 'Demo Company' is not a tenant id (a GUID from GET /connections)"
    assert f.evidence == ("status 403", "detail: AuthenticationUnsuccessful", "xero-tenant-id: Demo Company")
    assert f.fix == ("Use the `tenantId` field of GET /connections, not the connection `id`, the org "
                     "name or short code.",)


@pytest.mark.parametrize("tid", [TENANT, TENANT.replace("-", ""), TENANT.upper()])
def test_a_guid_tenant_id_is_not_called_malformed(tid: str) -> None:
    d = run(status=403, body=P403, tenant_id=tid, endpoint="GET /Invoices")
    assert ranked(d) == [("tenant_not_connected", 0.55), ("connection_revoked", 0.4)]
    assert "is not a tenant id" not in d.top.title


@pytest.mark.parametrize("tid", [TENANT + "0", "x" + TENANT, TENANT[:-1] + "g"])
def test_almost_a_guid_is_not_a_tenant_id(tid: str) -> None:
    d = run(status=403, body=P403, tenant_id=tid, endpoint="GET /Invoices")
    assert d.top.title.startswith(f"xero-tenant-id {tid!r} is not a tenant id")


def test_no_connections_means_the_app_was_disconnected() -> None:
    d = run(status=403, body=P403, tenant_id=TENANT, connections=[], endpoint="GET /Invoices")
    assert ranked(d) == [("connection_revoked", 0.92)]
    f = d.top
    assert f.title == ("This token has no connections: the app was disconnected, or the org deleted "
                       "/ trial ended / demo reset")
    assert f.evidence[-1] == "/connections lists 0 tenant(s)"
    assert f.fix == ("The token still refreshes, but tenant access is separate: sign in again and "
                     "pick the organisation.",)


def test_a_tenant_missing_from_the_connections_is_named_with_the_ones_connected() -> None:
    d = run(status=403, body=P403, tenant_id=TENANT, endpoint="GET /Invoices",
            connections=[{"tenantId": OTHER, "tenantName": "Other Ltd"}])
    assert ranked(d) == [("tenant_not_connected", 0.92)]
    f = d.top
    assert f.title == "This tenant is not connected for this token (tokens are per user)"
    assert f.evidence[-3:] == (f"xero-tenant-id: {TENANT}", "/connections lists 1 tenant(s)",
                               f"connected: Other Ltd ({OTHER})")


def test_a_connected_tenant_leaves_the_users_access() -> None:
    d = run(status=403, body=P403, tenant_id=TENANT, endpoint="GET /Invoices",
            connections=[{"tenantId": TENANT, "tenantName": "Mine"}])
    assert ranked(d) == [("user_role", 0.55)]
    f = d.top
    assert f.title == ("The tenant is connected, so the user's access to it changed (removed, role "
                       "downgraded) or the org is inactive")
    assert f.decides == ROLE_FACT and d.decisive_fact == ROLE_FACT


def test_no_connections_known_asks_for_them() -> None:
    d = run(status=403, body=P403, tenant_id=TENANT, endpoint="GET /Invoices")
    a, b = d.findings
    assert a.title == ("The tenant id may not be connected for this token (stale after a reconnect, "
                       "or another user's)")
    assert a.fix == ("Call GET /connections with this token and use one of its tenantIds.",)
    assert b.title == "The app may have been disconnected from the org"
    assert a.decides == b.decides == CONNECTIONS_FACT == d.decisive_fact


def test_a_403_without_the_tenant_header_sent_is_certain() -> None:
    d = run(status=403, body=P403, request_headers={"Accept": "application/json"})
    assert ranked(d) == [("tenant_header_missing", 0.95)]
    f = d.top
    assert f.title == "The request did not send the xero-tenant-id header"
    assert f.evidence[-1] == "request headers have no xero-tenant-id"
    assert f.fix == ("Send `xero-tenant-id: <tenantId>` from GET /connections on every call.",)


def test_an_unknown_header_makes_the_missing_header_the_first_guess() -> None:
    d = run(status=403, body=P403)
    assert ranked(d) == [("tenant_header_missing", 0.58), ("tenant_not_connected", 0.55),
                         ("connection_revoked", 0.4)]
    assert d.top.title == "Perhaps xero-tenant-id was not sent"
    assert d.top.decides == HEADERS_FACT
    assert d.findings[1].decides == HEADERS_FACT  # nothing says a header was sent
    assert d.findings[2].decides == CONNECTIONS_FACT


def test_an_sdk_call_sent_a_tenant_id_so_a_stale_one_comes_first() -> None:
    """An official SDK takes the tenant id as an argument: a missing header is unlikely."""
    d = run(text="xero_python.exceptions.ApiException: (403) Reason: Forbidden "
                 'HTTP response body: {"Detail":"AuthenticationUnsuccessful"}')
    assert d.codes[0] == "tenant_not_connected"
    miss = one(d, "tenant_header_missing")
    assert miss.weight == pytest.approx(0.3)
    assert one(d, "tenant_not_connected").decides == CONNECTIONS_FACT


def test_a_bare_403_keeps_the_tenant_causes_but_weaker() -> None:
    d = run(status=403, body="{}", endpoint="GET /Invoices")
    assert ranked(d) == [("tenant_header_missing", 0.406), ("tenant_not_connected", 0.385),
                         ("connection_revoked", 0.28)]


def test_authentication_unsuccessful_without_a_status_is_nearly_certain() -> None:
    d = run(text="AuthenticationUnsuccessful")
    assert ranked(d) == [("tenant_header_missing", 0.522), ("tenant_not_connected", 0.495),
                         ("connection_revoked", 0.36)]
    assert d.top.evidence == ("no HTTP status",)


def test_a_custom_connection_has_no_tenant_header_to_blame() -> None:
    d = run(status=403, body=P403, endpoint="GET /Invoices", grant_type="client_credentials")
    assert ranked(d) == [("connection_revoked", 0.6)]
    f = d.top
    assert f.title == ("A custom connection needs no xero-tenant-id: the connection itself may be "
                       "disconnected, or the organisation's subscription to it lapsed")
    assert f.evidence[-1] == "token from the client_credentials grant (custom connection)"
    assert f.decides == CUSTOM_FACT and len(f.fix) == 2


def test_an_endpoint_without_a_tenant_header_blames_the_connection() -> None:
    d = run(status=403, body=P403, endpoint="GET /connections")
    assert ranked(d) == [("connection_revoked", 0.6)]
    f = d.top
    assert f.title == ("GET /connections needs no xero-tenant-id, so the refusal is about the "
                       "connection itself: the app disconnected or the organisation gone")
    assert f.evidence[-1] == "GET /connections sends no tenant header"
    assert f.decides == CONNECTIONS_FACT


def test_a_weak_403_on_an_endpoint_without_a_tenant_header_says_nothing_of_tenants() -> None:
    d = run(status=403, body="{}", endpoint="GET /connections")
    assert not {"connection_revoked", "tenant_header_missing", "tenant_not_connected"} & set(d.codes)


@pytest.mark.parametrize("detail", ["invalid-user-role", "AuthorizationUnsuccessful"])
def test_a_403_that_names_another_cause_is_not_a_tenant_problem(detail: str) -> None:
    d = run(status=403, body=json.dumps({"Title": "Forbidden", "Detail": detail}),
            endpoint="GET /Invoices")
    assert not {"tenant_header_missing", "tenant_not_connected"} & set(d.codes)


def test_insufficient_permissions_is_a_tenant_problem_once_the_scope_is_held() -> None:
    held = run(text="InsufficientPermissions", endpoint="GET /Invoices",
               granted=["accounting.invoices.read"])
    unknown = run(text="InsufficientPermissions", endpoint="GET /Invoices")
    assert one(held, "tenant_not_connected").weight == pytest.approx(0.85 * 0.55)
    assert one(unknown, "tenant_not_connected").weight == pytest.approx(0.45 * 0.55)


# --- evidence and the tenant causes' details ---

def test_the_evidence_quotes_xeros_fields_in_order_and_cuts_long_ones() -> None:
    body = json.dumps({"Detail": "D" * 200, "Type": "T", "Message": "M", "error_description": "E"})
    d = run(status=403, body=body, endpoint="GET /Invoices", tenant_id="x")
    assert d.top.evidence == ("status 403", "error_description: E", "detail: " + "D" * 160, "type: T",
                              "message: M", "xero-tenant-id: x")


def test_at_most_five_connected_tenants_are_listed() -> None:
    conns = [{"tenantId": f"00000000-0000-0000-0000-00000000000{i}", "tenantName": f"Org{i}"}
             for i in range(1, 8)]
    d = run(status=403, body=P403, tenant_id=TENANT, connections=conns, endpoint="GET /Invoices")
    listed = d.top.evidence[-1]
    assert listed.startswith("connected: Org1 (00000000-0000-0000-0000-000000000001), ")
    assert "Org5" in listed and "Org6" not in listed
    assert d.top.evidence[-2] == "/connections lists 7 tenant(s)"


def test_a_refused_disconnect_is_left_to_its_own_rule() -> None:
    """DELETE /connections/{id} sends no tenant header: the id is what was wrong, not the connection."""
    d = run(status=403, body=P403, endpoint=f"DELETE /connections/{TENANT}")
    assert d.codes == ("tenant_not_connected",)


def test_an_sdks_token_expired_class_is_certain() -> None:
    d = run(status=401, text="xero_python.exceptions.TokenExpiredError: token expired")
    assert ranked(d)[0] == ("token_expired", 0.97)


def test_the_custom_connection_fix_says_where_to_look() -> None:
    d = run(status=403, body=P403, endpoint="GET /Invoices", grant_type="client_credentials")
    assert d.top.fix == ("Check the custom connection at developer.xero.com (My Apps, the app, Custom "
                         "connection): it must show the organisation as connected.",
                         "If it was disconnected, the organisation's admin authorises it again; then "
                         "request a new token.")


def test_the_disconnected_app_fixes_say_to_sign_in_again() -> None:
    d = run(status=403, body=P403, tenant_id=TENANT, endpoint="GET /Invoices")
    assert d.findings[1].fix == ("Call GET /connections; if it is empty, sign in again.",)
    header = run(status=403, body=P403)
    assert header.top.fix == ("Send `xero-tenant-id: <tenantId>` from GET /connections.",)
    conn = run(status=403, body=P403, endpoint="GET /connections")
    assert conn.top.fix == ("Call GET /connections; if it is empty, sign in again and pick the "
                            "organisation.",)
    role = run(status=403, body=P403, tenant_id=TENANT, endpoint="GET /Invoices",
               connections=[{"tenantId": TENANT, "tenantName": "Mine"}])
    assert role.top.fix == ("Check the user's role in the organisation; reconnect after an admin "
                            "restores it.",)
    other = run(status=403, body=P403, tenant_id=TENANT, endpoint="GET /Invoices",
                connections=[{"tenantId": OTHER, "tenantName": "Other"}])
    assert other.top.fix == ("Use a tenantId from this token's /connections, or sign in again as a user "
                             "of that organisation and connect it.",)


def test_token_expired_with_reconnect_words_puts_the_refresh_token_first() -> None:
    """'TokenExpired, please reconnect': the app could not refresh, so its refresh token died;
    the access token's expiry stays listed below it."""
    d = run(status=401, body=json.dumps({"Message": "TokenExpired, please reconnect"}))
    assert ranked(d) == [("invalid_grant", 0.8), ("token_expired", 0.7)]
    assert d.findings[1].title == "The access token has expired (they last 30 minutes)"
    assert d.findings[1].fix == REFRESH_FIX


# --- more boundaries of the rate limit, expiry and tenant rules ---

def test_hours_are_said_to_a_tenth() -> None:
    f = one(run(status=429, headers={"X-Rate-Limit-Problem": "day", "Retry-After": "3780"}), "rate_limited")
    assert f.title.endswith("wait 3780 s (about 1.1 h)")


def test_a_429_needs_no_word_of_evidence_besides_itself() -> None:
    f = one(run(status=429, text="HTTP 429: rate limit exceeded"), "rate_limited")
    assert "the error's wording names a rate limit" not in f.evidence


def test_a_past_exp_is_not_blamed_when_the_answer_came_from_the_token_endpoint() -> None:
    """An OAuth error (any of them), or words of a refused refresh: no API call checked the token."""
    for given in ({"body": '{"error": "invalid_request"}'}, {"text": "refresh token is invalid"}):
        d = run(status=401, token={"expires_at": NOW - 60}, **given)
        assert "token_expired" not in d.codes, given


def test_the_expiry_title_is_in_utc_whatever_the_machines_time_zone(monkeypatch: pytest.MonkeyPatch) -> None:
    import time

    monkeypatch.setenv("TZ", "Pacific/Auckland")
    time.tzset()
    try:
        d = run(status=401, body="{}", token={"expires_at": NOW - 1})
        assert d.top.title == "The access token expired at 2026-05-28 20:26:39 UTC"
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()


def test_each_expiry_finding_says_how_to_refresh() -> None:
    cases = [run(status=401, headers={"WWW-Authenticate": 'Bearer error="invalid_token"'}),
             run(text="401 Unauthorized: works at first, then after a while every call fails"),
             run(status=401, body="{}"), run(status=401, body=json.dumps({"Title": "Unauthorized"}))]
    for d in cases:
        assert one(d, "token_expired").fix == REFRESH_FIX
    assert one(cases[3], "token_expired").evidence == ("status 401",)


@pytest.mark.parametrize("text", [
    "401: the access token is valid",  # the writer checked the token
    "401 but other calls work fine",  # the same token works elsewhere
    "401: the token is missing the required scope",  # a scope, said
    "401 on every call",  # from the first call on: a token that never worked did not expire
])
def test_a_401_whose_words_rule_expiry_out_gets_no_expiry_guess(text: str) -> None:
    assert "token_expired" not in run(status=401, text=text).codes


@pytest.mark.parametrize(("given", "present"), [
    ({"status": 403, "text": "The user is not permitted to view payroll"}, False),  # a role, said
    ({"status": 403, "headers": {"WWW-Authenticate": 'Bearer error="insufficient_scope"'}, "body": "{}"},
     False),  # a scope, said
    ({"status": 401, "text": "You are not permitted to access this resource"}, False),  # not a 403
    ({"status": 403, "text": "You are not permitted to access this resource"}, True),  # a library's 403
    ({"status": 403, "text": "You are not permitted to access this resource: check the user role"}, False),
    ({"status": 403, "body": json.dumps({"Detail": "invalid-user-role",
                                         "Message": "You are not permitted to access this resource"})}, False),
])
def test_a_403_keeps_the_tenant_causes_only_while_nothing_names_another(given: dict[str, Any],
                                                                         present: bool) -> None:
    d = run(endpoint="GET /Invoices", **given)
    tenant = [(f.code, round(f.weight, 3)) for f in d.findings
              if f.code in ("tenant_header_missing", "tenant_not_connected", "connection_revoked")]
    if present:  # a library's fixed message for any 403: the tenant stays possible, at 0.7
        assert tenant == [("tenant_header_missing", 0.406), ("tenant_not_connected", 0.385),
                          ("connection_revoked", 0.28)]
    else:
        assert tenant == []


@pytest.mark.parametrize(("given", "want"), [
    ({"endpoint": "GET /connections"}, ("connection_revoked", 0.54)),
    ({"endpoint": "GET /Invoices", "grant_type": "client_credentials"}, ("connection_revoked", 0.54)),
    ({"endpoint": "GET /Invoices", "request_headers": {"Accept": "application/json"}},
     ("tenant_header_missing", 0.855)),
    ({"endpoint": "GET /Invoices", "tenant_id": "Demo"}, ("tenant_not_connected", 0.765)),
    ({"endpoint": "GET /Invoices", "tenant_id": TENANT, "connections": []}, ("connection_revoked", 0.828)),
    ({"endpoint": "GET /Invoices", "tenant_id": TENANT, "connections": [{"tenantId": OTHER}]},
     ("tenant_not_connected", 0.828)),
    ({"endpoint": "GET /Invoices", "tenant_id": TENANT, "connections": [{"tenantId": TENANT}]},
     ("user_role", 0.495)),
])
def test_authentication_unsuccessful_without_a_status_scales_each_tenant_cause(given: dict[str, Any],
                                                                              want: tuple[str, float]) -> None:
    """Xero's word without the 403 is 0.9 as sure: every tenant finding carries it."""
    d = run(text="AuthenticationUnsuccessful", **given)
    assert ranked(d)[0] == want


def test_a_connection_without_a_name_is_listed_by_its_id_alone() -> None:
    d = run(status=403, body=P403, tenant_id=TENANT, endpoint="GET /Invoices",
            connections=[{"tenantId": OTHER}, {"tenantId": TENANT.replace("1", "2"), "tenantName": "Demo"}])
    assert d.top.evidence[-1] == f"connected: {OTHER}, Demo ({TENANT.replace('1', '2')})"


def test_a_long_wrong_tenant_id_is_quoted_to_40_characters() -> None:
    tid = "My Demo Company Limited (the one in Wellington)"
    d = run(status=403, body=P403, tenant_id=tid, endpoint="GET /Invoices")
    assert d.top.title == f"xero-tenant-id {tid[:40]!r} is not a tenant id (a GUID from GET /connections)"


def test_words_saying_the_tenant_id_was_sent_make_a_missing_header_unlikely() -> None:
    d = run(status=403, text="AuthenticationUnsuccessful: I am passing the tenant id")
    assert ranked(d) == [("tenant_not_connected", 0.55), ("connection_revoked", 0.4),
                         ("tenant_header_missing", 0.3)]
    assert d.top.decides == CONNECTIONS_FACT


def test_an_sdk_call_whose_header_is_said_missing_asks_about_the_header() -> None:
    d = run(status=403, text="xero_python.exceptions.ApiException: (403) AuthenticationUnsuccessful, "
                             "the xero-tenant-id header is missing")
    assert d.codes[0] == "tenant_header_missing"
    assert one(d, "tenant_not_connected").decides == HEADERS_FACT


def test_the_tenant_guesses_list_what_was_seen() -> None:
    seen = ("status 403", "detail: AuthenticationUnsuccessful", f"xero-tenant-id: {TENANT}")
    unknown = run(status=403, body=P403, tenant_id=TENANT, endpoint="GET /Invoices")
    assert [f.evidence for f in unknown.findings] == [seen, seen]
    role = run(status=403, body=P403, tenant_id=TENANT, endpoint="GET /Invoices",
               connections=[{"tenantId": TENANT, "tenantName": "Mine"}])
    assert role.top.evidence == (*seen, "/connections lists 1 tenant(s)")


# --- the token itself: none sent, not one Xero accepts, not accepted ---

NO_AUTH_FIX = ("Send `Authorization: Bearer <access_token>` (XeroClient: pass token= or auth=, or "
               "sign in first).",)


@pytest.mark.parametrize("header", ["Host", "Accept", "User-Agent", "Xero-Tenant-Id"])
def test_a_401_for_a_request_with_real_headers_but_no_authorization_says_no_token(header: str) -> None:
    d = run(status=401, body="{}", request_headers={header: "x"})
    f = d.top
    assert (f.code, f.weight, f.fix) == ("token_expired", 0.97, NO_AUTH_FIX)
    assert f.title == "No access token was sent: the request had no Authorization header"
    assert f.evidence == ("status 401", "request headers: no Authorization")


@pytest.mark.parametrize("given", [
    {"request_headers": {"Accept": "application/json", "Authorization": "Bearer x"}},  # sent
    {"request_headers": {"X-Custom": "1"}},  # words that look like headers, none of a request's own
    {"request_headers": {}},
    {"request_headers": {"Accept": "x"}, "headers": {"WWW-Authenticate": "insufficient_scope"}},
    {"request_headers": {"Accept": "x"}, "body": '{"Detail": "AuthorizationUnsuccessful"}'},
    {"request_headers": {"Accept": "x"}, "body": '{"Detail": "TokenExpired: token expired"}'},
])
def test_no_token_is_said_only_when_the_request_is_known_and_xero_read_none(given: dict[str, Any]) -> None:
    d = run(status=401, **{"body": "{}", **given})
    assert not any(f.title.startswith("No access token was sent") for f in d.findings)


def test_a_token_xero_cannot_accept_is_told_with_its_own_fix() -> None:
    d = run(status=401, body="{}", token="not-a-jwt")
    problem = "it is not a JWT (Xero's access tokens are): malformed, cut short, or another value"
    f = d.top
    assert (f.code, f.weight) == ("token_expired", 0.92)
    assert f.title == "The token sent is not a Xero access token: " + problem
    assert f.evidence == ("status 401", problem)
    assert f.fix == ("Send the access_token from the token response (not the id_token, not the refresh "
                     "token), whole, as `Authorization: Bearer <access_token>`.",
                     "If it was one, it was revoked or cut short: refresh, or sign in again.")
    for body in ('{"Detail": "AuthorizationUnsuccessful"}',):
        other = run(status=401, body=body, token="not-a-jwt")
        assert not any(g.title.startswith("The token sent is not") for g in other.findings)
    scoped = run(status=401, body="{}", token="not-a-jwt", headers={"WWW-Authenticate": "insufficient_scope"})
    assert not any(g.title.startswith("The token sent is not") for g in scoped.findings)


def test_a_401_authentication_unsuccessful_says_the_token_was_not_accepted() -> None:
    d = run(status=401, body='{"Title": "Unauthorized", "Detail": "AuthenticationUnsuccessful"}')
    f = one(d, "token_expired")
    assert f.title == ("401 AuthenticationUnsuccessful: the access token was not accepted (expired, "
                       "malformed, revoked, or an id_token sent instead)")
    assert f.fix == (*REFRESH_FIX, "Check that the access_token itself is sent, whole (not the id_token).")
    assert f.weight == 0.4
    assert f.decides == ("the token sent (a JWT whose aud is https://identity.xero.com/resources, "
                         "not expired)")
    assert f.evidence == ("status 401", "detail: AuthenticationUnsuccessful")
    # with a WWW-Authenticate the 401 said more: not this reading
    said = run(status=401, body='{"Detail": "AuthenticationUnsuccessful"}',
               headers={"WWW-Authenticate": "Bearer"})
    assert not any(g.title.startswith("401 AuthenticationUnsuccessful") for g in said.findings)


def test_a_401_that_comes_after_a_while_names_the_wording() -> None:
    d = run(status=401, text="HTTP 401 Unauthorized, but only after an hour or so")
    f = one(d, "token_expired")
    assert f.evidence[-1] == "the wording: only after some time, or intermittently"
    assert f.title == "A 401 that starts after a while (or comes and goes) is an expired access token"


def test_roles_separated_by_semicolons_are_read_part_by_part() -> None:
    from xero_nb.diagnose.role import read_role

    role = read_role("Read only; payroll admin", None)
    assert role is not None and (role.role, role.payroll_admin) == ("read_only", True)


def test_rate_evidence_says_no_status_rather_than_none() -> None:
    from xero_nb.diagnose.diagnosis import diagnose

    words = diagnose(text="please wait before retrying the xero api, the limit exceeded is: minute")
    assert words.top.code == "rate_limited" and words.top.evidence[0] == "no HTTP status"
    status = diagnose(status=429, headers={"X-Rate-Limit-Problem": "minute", "Retry-After": "20"})
    assert status.top.evidence[:3] == ("status 429", "X-Rate-Limit-Problem: minute", "Retry-After: 20")


def test_an_sdk_exception_class_alone_says_the_tenant_header_was_sent() -> None:
    """xero-java's XeroForbiddenException: no operation named, no library known, the class alone."""
    p403 = json.dumps({"Title": "Forbidden", "Status": 403, "Detail": "AuthenticationUnsuccessful"})
    d = run(text="com.xero.api.XeroForbiddenException: " + p403)
    assert d.observed.operation is None and d.observed.library is None
    assert [(f.code, round(f.weight, 3)) for f in d.findings] == [
        ("tenant_not_connected", 0.55), ("connection_revoked", 0.4), ("tenant_header_missing", 0.3)]
