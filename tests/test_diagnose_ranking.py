"""What the user reads and in which order: the ranking, the weights between competing causes,
the decisive fact and the titles, pinned exactly (issue 16: not only the top code).

The last part is a property: adding hard evidence for a cause never lowers that cause's score or
its place in the ranking, whatever else the failure says.
"""

from __future__ import annotations

import json
from functools import partial
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from xero_nb.diagnose.diagnosis import CLEAR_GAP, CLEAR_WEIGHT, FLOOR, PAIR_FACTS
from xero_nb.diagnose.diagnosis import diagnose as _diagnose_with_wording
from xero_nb.diagnose.oauth import REQUESTED_FACT
from xero_nb.diagnose.rules import CONNECTIONS_FACT, HEADERS_FACT, LIMITS, RATE_FACT
from xero_nb.diagnose.scope import PROOF_WEIGHT
from xero_nb.facts import TENANT_PER_DAY, TENANT_PER_DAY_STARTER

# These tests pin the rules: diagnose() here is the rules alone (resemblance=False); the wording's
# statistical reading it adds by default is tested in tests/test_diagnose_resemble.py.
diagnose = partial(_diagnose_with_wording, resemblance=False)

P401 = json.dumps({"Title": "Unauthorized", "Status": 401, "Detail": "AuthorizationUnsuccessful"})
P403 = json.dumps({"Title": "Forbidden", "Status": 403, "Detail": "AuthenticationUnsuccessful"})
TOKEN_EXPIRED = json.dumps({"Title": "Unauthorized", "Status": 401,
                            "Detail": "TokenExpired: token expired at 01/02/2026 10:00:00"})
TENANT = "4b8a2f5e-6c1d-4e2a-9b7f-0a1b2c3d4e5f"
NOW = 1_780_000_000.0


def ranked(d: Any) -> list[tuple[str, float]]:
    return [(f.code, round(f.weight, 3)) for f in d.findings]


# --- 1. the whole ranking, weights included ---

@pytest.mark.parametrize(("given", "want"), [
    ({"status": 403, "body": P403},
     [("tenant_header_missing", 0.58), ("tenant_not_connected", 0.55), ("connection_revoked", 0.4)]),
    ({"status": 403, "body": P403, "request_headers": {"xero-tenant-id": TENANT}},
     [("tenant_not_connected", 0.55), ("connection_revoked", 0.4)]),
    ({"status": 403, "body": P403, "request_headers": {"Accept": "application/json"}},
     [("tenant_header_missing", 0.95)]),
    ({"status": 401, "body": P401, "endpoint": "GET /Accounts"},
     [("missing_scope", 0.6), ("not_reconsented", 0.35)]),
    ({"status": 401, "body": TOKEN_EXPIRED}, [("token_expired", 0.97), ("invalid_grant", 0.45)]),
    ({"text": "HTTP 401"}, [("token_expired", 0.5), ("missing_scope", 0.413), ("not_reconsented", 0.262)]),
    ({"status": 429, "headers": {"X-Rate-Limit-Problem": "day", "Retry-After": "3600"}},
     [("rate_limited", 0.97)]),
    ({"text": '{"error":"invalid_grant"}'}, [("invalid_grant", 0.97)]),
    ({"text": "error=invalid_scope"},
     [("broad_scope_on_granular_app", 0.62), ("invalid_scope_requested", 0.6), ("restricted_scope", 0.4)]),
    # Xero's insufficient_scope verdict beside a status a wrapper relabelled 403: the scope first
    ({"status": 403, "headers": {"WWW-Authenticate": "insufficient_scope"}, "endpoint": "GET /Invoices"},
     [("missing_scope", 0.6), ("not_reconsented", 0.35)]),
    ({"status": 403, "body": P403, "headers": {"WWW-Authenticate": "insufficient_scope"}},
     [("missing_scope", 0.55), ("not_reconsented", 0.35), ("tenant_header_missing", 0.348),
      ("tenant_not_connected", 0.33), ("connection_revoked", 0.24)]),
])
def test_the_ranking_and_weights_are_pinned(given: dict[str, Any], want: list[tuple[str, float]]) -> None:
    assert ranked(diagnose(**given, clock=lambda: NOW)) == want


def test_weights_are_in_order_between_causes_that_compete() -> None:
    """Xero's own words > proof from the scopes > wording > status priors > weak words."""
    said = diagnose(status=401, body=TOKEN_EXPIRED, endpoint="GET /Invoices", granted="openid")
    assert said.codes[:2] == ("token_expired", "missing_scope")
    assert said.findings[0].weight > said.findings[1].weight == PROOF_WEIGHT
    limited = diagnose(status=429, body=P403, endpoint="GET /Invoices", granted="openid")
    assert limited.codes[:2] == ("rate_limited", "missing_scope")
    proof = diagnose(status=403, body=P403, endpoint="GET /Invoices", granted="openid",
                     request_headers={"xero-tenant-id": TENANT})
    assert proof.codes[0] == "missing_scope" and proof.top.weight == PROOF_WEIGHT
    assert all(f.weight < PROOF_WEIGHT for f in proof.findings[1:])
    words = diagnose(text="Xero replied 403 Forbidden; the organisation was disconnected")
    assert words.codes[0] == "connection_revoked" and words.top.weight == 0.8
    assert words.findings[1].weight < 0.8
    weak = diagnose(text="Our Xero connection needs to be re-authorised")
    assert FLOOR < weak.top.weight < 0.5


def test_a_custom_connection_never_ranks_tenant_header_causes() -> None:
    d = diagnose(status=403, body=P403, grant_type="client_credentials")
    assert d.codes == ("connection_revoked",) and d.top.weight == pytest.approx(0.6)


# --- 2. the decisive fact ---

@pytest.mark.parametrize(("given", "fact"), [
    ({"status": 403, "body": P403}, HEADERS_FACT),
    ({"status": 403, "body": P403, "request_headers": {"xero-tenant-id": TENANT}}, CONNECTIONS_FACT),
    ({"text": "HTTP 401"}, PAIR_FACTS[frozenset(("missing_scope", "token_expired"))]),
    ({"text": "error=invalid_scope"}, REQUESTED_FACT),
    ({"status": 401, "text": "rate limit"}, RATE_FACT),
])
def test_the_decisive_fact_separates_the_top_two(given: dict[str, Any], fact: str) -> None:
    assert diagnose(**given).decisive_fact == fact


@pytest.mark.parametrize("given", [
    {"status": 401, "body": TOKEN_EXPIRED},
    {"status": 403, "body": P403, "request_headers": {"Accept": "*/*"}},
    {"status": 429},
])
def test_no_decisive_fact_when_the_top_cause_is_clear(given: dict[str, Any]) -> None:
    d = diagnose(**given)
    second = d.findings[1].weight if len(d.findings) > 1 else 0.0
    assert d.top.weight >= CLEAR_WEIGHT and d.top.weight - second >= CLEAR_GAP
    assert d.decisive_fact is None


# --- 3. the titles the user reads ---

def test_the_missing_scope_title_names_the_narrowest_scope_for_the_era() -> None:
    granular = diagnose(status=401, body=P401, endpoint="GET /Invoices", granted="openid", era="granular")
    assert granular.top.title == ("The token lacks `accounting.invoices.read`, which GET /Invoices "
                                  "(accounting.getInvoices) needs")
    broad = diagnose(status=401, body=P401, endpoint="GET /Invoices", granted="openid", era="broad")
    assert broad.top.title == ("The token lacks `accounting.transactions.read`, which GET /Invoices "
                               "(accounting.getInvoices) needs")


@pytest.mark.parametrize(("kind", "wait", "title"), [
    ("day", "3600", f"Rate limit hit: {LIMITS['day']}; wait 3600 s (about 1.0 h)"),
    ("minute", "7", f"Rate limit hit: {LIMITS['minute']}; wait 7 s"),
    ("appminute", None, f"Rate limit hit: {LIMITS['appminute']}; wait (no Retry-After given)"),
])
def test_day_and_minute_limits_have_their_own_titles(kind: str, wait: str | None, title: str) -> None:
    headers = {"X-Rate-Limit-Problem": kind, **({"Retry-After": wait} if wait else {})}
    d = diagnose(status=429, headers=headers)
    assert d.top.title == title
    assert f"{TENANT_PER_DAY:,}" in LIMITS["day"] and f"{TENANT_PER_DAY_STARTER:,}" in LIMITS["day"]


def test_the_day_limit_fix_differs_from_the_minute_limit_fix() -> None:
    day = diagnose(status=429, headers={"X-Rate-Limit-Problem": "day"}).top.fix
    minute = diagnose(status=429, headers={"X-Rate-Limit-Problem": "minute"}).top.fix
    assert any("rolling 24 h" in s for s in day) and not any("rolling 24 h" in s for s in minute)
    assert any("60 a minute" in s for s in minute) and not any("60 a minute" in s for s in day)


@pytest.mark.parametrize(("exp", "expired"), [(NOW - 1, True), (NOW, True), (NOW + 1, False)])
def test_the_expiry_boundary(exp: float, expired: bool) -> None:
    """A token whose exp is now (or past) is expired; one second later it is not."""
    d = diagnose(status=401, body="{}", token={"expires_at": exp, "scope": "openid"}, clock=lambda: NOW)
    if expired:
        assert d.top.code == "token_expired" and d.top.title.startswith("The access token expired at ")
        assert d.top.weight == 0.93
    else:
        assert "token_expired" not in d.codes


def test_the_titles_of_the_tenant_findings() -> None:
    d = diagnose(status=403, body=P403, request_headers={"Accept": "*/*"})
    assert d.top.title == "The request did not send the xero-tenant-id header"
    odd = diagnose(status=403, body=P403, tenant_id="Demo Company (AU)")
    assert odd.top.code == "tenant_not_connected"
    assert odd.top.title == ("xero-tenant-id 'Demo Company (AU)' is not a tenant id (a GUID from GET "
                             "/connections)")


# --- 4. property: hard evidence for a cause never lowers it ---

WORDS = ["AuthorizationUnsuccessful", "AuthenticationUnsuccessful", "TokenExpired", "insufficient_scope",
         "invalid_grant", "Forbidden", "Unauthorized", "rate limit", "reconnect", "tenant", "scope",
         "payroll", "disconnected", "the user role", "403", "401", "429", "{", "}", '"Detail":']
texts = st.lists(st.sampled_from(WORDS), max_size=8).map(" ".join)
statuses = st.sampled_from([None, 400, 401, 403, 404, 429, 500, 503])


def place(d: Any, code: str) -> tuple[int, float]:
    """(rank, weight) of a code; absent is last with weight 0."""
    for i, f in enumerate(d.findings):
        if f.code == code:
            return i, f.weight
    return len(d.findings) + 1, 0.0


def never_lowered(before: Any, after: Any, code: str) -> None:
    rank_b, weight_b = place(before, code)
    rank_a, weight_a = place(after, code)
    assert weight_a >= weight_b, (code, repr(before), repr(after))
    if weight_b > 0:
        assert rank_a <= rank_b, (code, repr(before), repr(after))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=texts, status=statuses, kind=st.sampled_from(["minute", "day", "appminute"]))
def test_a_rate_limit_header_never_lowers_rate_limited(text: str, status: int | None, kind: str) -> None:
    before = diagnose(text=text, status=status)
    after = diagnose(text=text, status=status, headers={"X-Rate-Limit-Problem": kind})
    never_lowered(before, after, "rate_limited")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=texts, status=statuses, era=st.sampled_from([None, "broad", "granular"]))
def test_scopes_that_cannot_allow_the_call_never_lower_missing_scope(text: str, status: int | None,
                                                                      era: str | None) -> None:
    before = diagnose(text=text, status=status, endpoint="GET /Invoices", era=era)
    after = diagnose(text=text, status=status, endpoint="GET /Invoices", era=era,
                     granted="openid offline_access accounting.contacts.read")
    never_lowered(before, after, "missing_scope")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=texts)
def test_a_request_without_the_tenant_header_never_lowers_tenant_header_missing(text: str) -> None:
    before = diagnose(text=text, status=403)
    after = diagnose(text=text, status=403, request_headers={"Accept": "application/json"})
    never_lowered(before, after, "tenant_header_missing")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=texts)
def test_a_past_expiry_never_lowers_token_expired(text: str) -> None:
    before = diagnose(text=text, status=401, clock=lambda: NOW)
    after = diagnose(text=text, status=401, token={"expires_at": NOW - 60}, clock=lambda: NOW)
    never_lowered(before, after, "token_expired")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=texts, status=st.sampled_from([None, 401]))
def test_xeros_token_expired_detail_never_lowers_token_expired(text: str, status: int | None) -> None:
    before = diagnose(text=text, status=status)
    after = diagnose(text=text, status=status, body=TOKEN_EXPIRED)
    never_lowered(before, after, "token_expired")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=texts, error=st.sampled_from(["invalid_grant", "invalid_client"]))
def test_an_oauth_error_named_by_the_token_endpoint_never_lowers_its_cause(text: str, error: str) -> None:
    before = diagnose(text=text, status=400)
    after = diagnose(text=text, status=400, body=json.dumps({"error": error}))
    never_lowered(before, after, error)
    assert after.top.code == error
