"""Readings generalised from the fact-derived development set (tests/test_diagnose_factset.py).

The set was measured unread (139 of 205 first), then read for its weakest causes; each rule below
is a fact about how a cause shows itself, tested here in words that are not the set's.
"""

from __future__ import annotations

import pytest

from xero_nb.diagnose import diagnose
from xero_nb.diagnose.calls import seen_connections
from xero_nb.diagnose.status import status_from_text

AUTH_403 = '{"Type":null,"Title":"Forbidden","Status":403,"Detail":"AuthenticationUnsuccessful"}'


@pytest.mark.parametrize(("text", "cause"), [
    # the organisation's side took the app away
    ("Our app is not in their connected apps list any more and every sync fails.", "connection_revoked"),
    ("the client clicked \"Disconnect\" on the app page by mistake", "connection_revoked"),
    ("Their office manager removed some apps from Xero last week; since then our exports fail.",
     "connection_revoked"),
    ("The customer cancelled their Xero subscription in May; now the nightly pull gets 403.",
     "connection_revoked"),
    ("Opening the org shows a banner asking us to subscribe to continue using it, and the API is 403.",
     "connection_revoked"),
    # the plan, not the token
    ("403 on bills since they downgraded to the cheapest plan", "feature_not_in_plan"),
    ("403 from payroll: they never activated payroll in Xero, a separate app pays their staff.",
     "feature_not_in_plan"),
    # a client secret generated anew
    ("Token exchange fails since a colleague regenerated a new secret in the developer portal.",
     "invalid_client"),
    # a connection said to need renewing
    ("The app says: Your Xero connection needs to be renewed.", "invalid_grant"),
    # a permission the vendor does not ask for
    ("Attachments fail with 401: that permission is one we do not currently request.", "missing_scope"),
    # connected before a release: the consent predates what it asks now
    ("Users who connected before our 3.1 release get 401 on the new tab; newer ones are fine.",
     "not_reconsented"),
])
def test_a_fact_set_reading_in_other_words(text: str, cause: str) -> None:
    assert diagnose(text=text).top.code == cause


def test_a_question_about_turning_a_product_on_is_not_a_statement_that_it_is_off() -> None:
    text = "added the projects scope and still 401 on /projects.xro/2.0/projects - do I need to enable Projects somewhere?"
    assert diagnose(text=text).top.code != "feature_not_in_plan"
    assert diagnose(text="We had to enable Projects for that organisation.", status=403,
                    endpoint="GET /projects.xro/2.0/Projects").top.code == "feature_not_in_plan"


@pytest.mark.parametrize(("text", "status"), [("still 401 on the report", 401), ("it still 403s", 403),
                                              ("still 4031 items", None)])
def test_a_status_kept_after_a_change(text: str, status: int | None) -> None:
    assert status_from_text(text) == status


def test_get_connections_answering_an_empty_list_in_a_log_or_a_repl() -> None:
    assert seen_connections("10:00:01 INFO GET https://api.xero.com/connections -> 200 []\n"
                            "10:00:02 ERROR GET /api.xro/2.0/Invoices -> 403") == []
    assert seen_connections(">>> identity_api.get_connections()\n[]\n>>> 1") == []
    assert seen_connections(">>> identity_api.get_connections()\n[{'tenantId': 'x'}]") is None
    log = ("09:00 INFO sync GET https://api.xero.com/connections -> 200 []\n"
           f"09:01 ERROR sync GET /api.xro/2.0/Contacts -> 403 {AUTH_403}")
    assert diagnose(text=log).top.code == "connection_revoked"


def test_the_app_s_own_disconnect_that_worked_is_why_later_calls_are_refused() -> None:
    log = ("12:00 INFO xero DELETE https://api.xero.com/connections/9afb415a-588d-43e9-9c7c-2bf4f098c761 -> 204\n"
           f"13:00 ERROR xero GET /api.xro/2.0/Contacts -> 403 {AUTH_403}")
    assert diagnose(text=log).top.code == "connection_revoked"
    refused = "DELETE https://api.xero.com/connections/abc -> 403 Forbidden"  # the disconnect itself refused
    assert diagnose(text=refused).top.code == "tenant_not_connected"


@pytest.mark.parametrize("text", [
    "tenant = conns.json()[0]['id']\nGET /api.xro/2.0/Accounts -> 403 " + AUTH_403,
    "I copied the tenant id from a screenshot the accountant sent. Every call: 403 " + AUTH_403,
])
def test_a_tenant_id_that_is_not_this_token_s(text: str) -> None:
    assert diagnose(text=text).top.code == "tenant_not_connected"


def test_an_empty_tenant_id_in_a_log() -> None:
    text = 'DEBUG resolved tenant {"tenant_id":""}\nERROR [403] ' + AUTH_403
    assert diagnose(text=text).top.code == "tenant_header_missing"


def test_other_calls_working_is_no_scope_when_the_scopes_grant_the_call() -> None:
    text = "GET /projects.xro/2.0/Projects gives 403 for one customer; every other call works with the same token."
    d = diagnose(text=text, endpoint="GET /projects.xro/2.0/Projects", granted=["projects", "offline_access"])
    assert "missing_scope" not in d.codes[:1]


def test_the_scopes_the_app_asks_for_prove_a_missing_scope_before_a_gate() -> None:
    d = diagnose(status=401, body='{"Detail":"AuthorizationUnsuccessful"}', endpoint="GET /Journals",
                 requested=["offline_access", "accounting.transactions.read"], era="broad")
    assert d.top.code == "missing_scope" and "accounting.journals.read" in d.top.title


def test_xero_s_scope_verdict_outweighs_expiry_in_the_words() -> None:
    text = ("I thought the token had expired so I refreshed it; still the same:\n"
            "HTTP 401\nWWW-Authenticate: insufficient_scope\n"
            '{"Title":"Unauthorized","Status":401,"Detail":"AuthorizationUnsuccessful"}')
    assert diagnose(text=text, endpoint="GET /TaxRates").top.code == "missing_scope"
    # Xero's own expiry Detail still wins
    assert diagnose(text='401 {"Detail":"TokenExpired: token expired at 01/01/2026 10:00:00"}').top.code == \
        "token_expired"


def test_a_refresh_token_beside_another_token_s_expiry_is_not_refused() -> None:
    text = "loaded token.json (refresh_token ...7Qx), access token expired, refreshing\ntoken refreshed"
    assert "refresh_refused" not in diagnose(text=text).observed.markers


def test_a_currency_not_subscribed_is_the_plan_though_worded_as_validation() -> None:
    body = ('{"ErrorNumber":10,"Type":"ValidationException","Message":"A validation exception occurred",'
            '"Elements":[{"ValidationErrors":[{"Message":"Organisation is not subscribed to currency EUR"}]}]}')
    assert diagnose(status=400, body=body).top.code == "feature_not_in_plan"


@pytest.mark.parametrize("text", [
    "callback: error=invalid_scope; authorize url had scope=openid,profile,offline_access,accounting.contacts",
    'XERO_SCOPES="openid, profile, offline_access, accounting.contacts" and Xero says invalid_scope',
])
def test_a_scope_list_joined_with_commas(text: str) -> None:
    d = diagnose(text=text)
    assert d.top.code == "invalid_scope_requested", d.codes


# --- read from the second fact set ---

@pytest.mark.parametrize(("text", "cause"), [
    ("Their Xero account was closed at the end of the quarter; the nightly pull now gets 403.",
     "connection_revoked"),
    ("the owner cancelled Xero when he sold up and the org is gone now", "connection_revoked"),
    ("Their bookkeeper cleaned up the connected apps on Monday and the sync has failed since.",
     "connection_revoked"),
    ("The free trial ran out and they never subscribed; every call is Forbidden.", "connection_revoked"),
    ("GetConnectionsAsync returned 0 connections, then GetInvoices failed with 403", "connection_revoked"),
    ("we never paid for the payroll part of Xero - is it needed for the HR import?", "feature_not_in_plan"),
    ("Sync paused: we have made as many requests to Xero as it allows today.", "rate_limited"),
    ("The provider only gives statement lines to partners that signed an addendum with Xero.",
     "restricted_scope"),
    ("Since IT rotated all the app secrets on Friday, the Xero token exchange fails.", "invalid_client"),
])
def test_a_second_fact_set_reading_in_other_words(text: str, cause: str) -> None:
    assert diagnose(text=text).top.code == cause


def test_connections_answering_an_empty_list_in_backticks() -> None:
    text = "Every call is 403. I logged GET /connections with the new token and it comes back `[]`."
    assert diagnose(text=text).top.code == "connection_revoked"


def test_update_tenants_answering_nothing_is_a_lost_connection_not_a_scope() -> None:
    text = "getContacts throws 403 AuthenticationUnsuccessful and xero.updateTenants() returns an empty array."
    assert diagnose(text=text).top.code == "connection_revoked"


@pytest.mark.parametrize("text", [
    "unauthorized_client : Invalid scope for client. The Xero app we registered a few weeks ago fails; "
    "scopes: openid offline_access accounting.transactions",
    "unauthorized_client : Invalid scope for client on login. Our older app works with the same code and "
    "scopes openid offline_access accounting.transactions",
])
def test_a_new_app_beside_an_old_one_that_works_is_the_granular_era(text: str) -> None:
    assert diagnose(text=text).top.code == "broad_scope_on_granular_app"


@pytest.mark.parametrize("said", [
    "We added accounting.budgets.read to XERO_SCOPES last sprint; stored tokens keep refreshing.",
    "I bumped the script's SCOPES to include accounting.budgets.read.",
    "We did add accounting.budgets.read to the scopes in the client constructor.",
])
def test_a_scope_said_to_be_added_to_the_app_is_a_consent_to_renew(said: str) -> None:
    body = '{"Title":"Unauthorized","Status":401,"Detail":"AuthorizationUnsuccessful"}'
    d = diagnose(text=f"401 {body}\n{said}", endpoint="GET /Budgets")
    assert d.top.code == "not_reconsented", d.codes
    # the advice to add it is not a report that it was added
    advice = diagnose(text=f"401 {body}\nYou must add accounting.budgets.read to the scopes.", endpoint="GET /Budgets")
    assert advice.top.code == "missing_scope"


@pytest.mark.parametrize(("text", "status"), [("Xero refuses everything with 429 until tomorrow", 429),
                                              ("the gateway rejected the call with a 403", 403)])
def test_a_status_given_as_what_was_refused_with(text: str, status: int) -> None:
    assert status_from_text(text) == status


def test_a_scope_list_encoded_twice() -> None:
    text = ("Location: https://login.xero.com/identity/connect/authorize?client_id=x&scope=openid%2520profile"
            "%2520offline_access%2520accounting.contacts\nGET /cb?error=invalid_scope")
    assert diagnose(text=text).top.code == "invalid_scope_requested"
