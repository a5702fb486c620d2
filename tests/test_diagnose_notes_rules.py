"""Reading rules generalised from corpus batches 9, 10 and 11's tuning parts (project notes,
runbooks and code comments in public repositories, vendors' help pages).

Every example is written here; none is copied from a corpus case. The fact each rule stands for
is in its docstring.
"""

from __future__ import annotations

import json
from functools import partial
from typing import Any

import pytest

from xero_nb.diagnose.diagnosis import diagnose as _diagnose_with_wording

# These tests pin the rules: diagnose() here is the rules alone (resemblance=False); the wording's
# statistical reading it adds by default is tested in tests/test_diagnose_resemble.py.
diagnose = partial(_diagnose_with_wording, resemblance=False)

P403 = json.dumps({"Title": "Forbidden", "Status": 403, "Detail": "AuthenticationUnsuccessful"})
SECRET = "s3cr3t-value-never-shown"


# --- an app built on an official SDK sent the tenant header ---

@pytest.mark.parametrize("app_type", ["Flask app (xero-python)", "Express service on xero-node",
                                      "ASP.NET app using Xero.NetStandard", "Rails app, xero-ruby gem",
                                      "Laravel app with xero-php-oauth2", "Spring app (xero-java)",
                                      "pyxero script"])
def test_a_403_from_an_app_on_an_sdk_is_a_wrong_tenant_not_a_missing_header(app_type: str) -> None:
    """The official SDKs take the tenant id as a required argument (pyxero refuses to call
    without one): a call of theirs that reached Xero sent the header, so a stale or wrong tenant
    id comes before a missing one."""
    d = diagnose(status=403, body=P403, app_type=app_type)
    assert d.codes[0] == "tenant_not_connected", d.codes
    assert d.codes.index("tenant_header_missing") > d.codes.index("connection_revoked")


def test_a_403_from_an_app_of_unknown_make_still_suspects_the_missing_header_first() -> None:
    assert diagnose(status=403, body=P403, app_type="web app (Node.js)").codes[0] == "tenant_header_missing"


def test_the_sdk_the_app_is_built_on_words_the_client_step() -> None:
    d = diagnose(text='{"error":"invalid_client"}', app_type="Django app (xero-python)")
    assert d.top.code == "invalid_client"
    assert any(s.startswith("xero-python sends them itself") for s in d.top.fix)
    assert any("first Configuration" in s for s in d.top.fix)


# --- several endpoints given at once ---

@pytest.mark.parametrize("endpoint", ["GET /Accounts, GET /TaxRates", "GET /Accounts; GET /TaxRates",
                                      "GET /Accounts and GET /TaxRates", "GET /Accounts\nGET /TaxRates"])
def test_several_endpoints_are_diagnosed_for_the_first_and_the_rest_named(endpoint: str) -> None:
    """A thread (or a user) names the calls that fail together: the scopes are judged for the
    first, which proves the missing scope, and a note says to diagnose the others too."""
    d = diagnose(status=401, text="401 on those endpoints", endpoint=endpoint,
                 granted=["accounting.invoices", "accounting.contacts"], era="granular")
    assert d.top.code == "missing_scope" and "accounting.settings.read" in d.top.title
    assert "several endpoints given: diagnosed for 'GET /Accounts'; diagnose 'GET /TaxRates' on its own too" in d.notes


def test_one_endpoint_with_a_comma_in_its_query_is_one_endpoint() -> None:
    d = diagnose(status=401, endpoint='GET /Invoices?where=Status=="PAID",Type=="ACCREC"', granted=["openid"])
    assert d.top.code == "missing_scope"
    assert not [n for n in d.notes if n.startswith("several endpoints")]


# --- a scope list written or encoded badly ---

@pytest.mark.parametrize("text", [
    "Our comma-separated scopes were refused with invalid_scope.",
    "The space separated scopes were sent as one string: error=invalid_scope",
    "invalid_scope: the scope parameter was URL-encoded twice",
    "Xero answers invalid_scope because the scopes are joined with plus signs",
])
def test_a_scope_list_badly_joined_or_encoded_is_the_request_not_the_era(text: str) -> None:
    """Xero wants the scopes exact and space-separated (%20 in the URL): a list joined with commas,
    or encoded so that the spaces arrive as "+" or "%2B", reads as one unknown scope."""
    assert diagnose(text=text).codes[0] == "invalid_scope_requested"


# --- an empty 403 on one product's calls ---

@pytest.mark.parametrize(("given", "product"), [
    ({"text": "Every payroll call answers 403 Forbidden with an empty body", "country": "NZ"}, "payroll"),
    ({"text": "Projects API calls fail: 403, body is empty"}, "projects"),
    ({"status": 403, "body": "", "endpoint": "GET https://api.xero.com/payroll.xro/2.0/Employees",
      "country": "UK"}, "payroll"),
    ({"status": 403, "body": "", "endpoint": "GET https://api.xero.com/projects.xro/2.0/Projects"},
     "projects"),
])
def test_an_empty_403_on_one_products_calls_is_that_product_not_the_tenant(given: dict[str, Any],
                                                                           product: str) -> None:
    """Xero's tenant refusal is a 403 with its AuthenticationUnsuccessful problem body; a 403 with
    no body at all on a product's API (Payroll, Projects) is the organisation without that product
    set up or on its plan (§8), and for Payroll also a user who is not a payroll admin."""
    d = diagnose(**given)
    assert d.top.code == "feature_not_in_plan", d.codes
    assert product in d.top.title and d.decisive_fact == f"whether {product} is set up in the organisation"
    if product == "payroll":
        assert d.codes[1] == "user_role"


@pytest.mark.parametrize("given", [
    {"text": "Every payroll call answers 403 Forbidden: " + P403},  # Xero's tenant refusal, said
    {"status": 403, "body": P403, "endpoint": "GET https://api.xero.com/payroll.xro/2.0/Employees"},
    {"text": "Every invoice call answers 403 Forbidden with an empty body"},  # no product API
    {"status": 401, "body": "", "endpoint": "GET https://api.xero.com/projects.xro/2.0/Projects"},
])
def test_xeros_own_403_or_another_api_is_not_an_unprovisioned_product(given: dict[str, Any]) -> None:
    d = diagnose(**given)
    assert not any(f.code == "feature_not_in_plan" and f.title.startswith("An empty 403")
                   for f in d.findings), d.codes


# --- batch 10: numbers in sentences, caps, the consent screen, a stale organisation ---

def test_a_retry_after_quoted_in_a_sentence_is_its_number() -> None:
    """Retry-After is a number of seconds (or an HTTP date): a sentence after it is not part of it."""
    d = diagnose(text="The 429 carries `Retry-After: 3600`. So the job slept for an hour.")
    assert d.observed.retry_after == 3600.0 and d.top.code == "rate_limited"
    assert "3600 s" in d.top.title


def test_a_retry_after_that_is_no_number_is_left_as_written() -> None:
    d = diagnose(text="HTTP 429\nRetry-After: 12:30 tomorrow")
    assert d.observed.header("Retry-After") == "12:30 tomorrow" and d.observed.retry_after is None


@pytest.mark.parametrize("text", [
    "The tenant had hit the daily cap, so every call failed until midnight.",
    "We reached the per-minute limit again during the nightly import.",
    "The sync exceeded Xero's daily quota.",
])
def test_the_days_or_minutes_allowance_used_up_is_a_rate_limit(text: str) -> None:
    """Xero's limits are per minute and per day (60 and 5,000 calls per organisation): an
    allowance of a day or a minute used up is a rate limit, whatever it is called."""
    assert diagnose(text=text).codes[0] == "rate_limited"


def test_a_monthly_cap_of_the_plan_is_not_a_rate_limit() -> None:
    assert diagnose(text="We hit the monthly invoice cap of the Starter plan.").codes[0] != "rate_limited"


@pytest.mark.parametrize("text", [
    "After being redirected to Xero to authorise the app, the page said No Xero Organisation.",
    "On the consent screen there was no organisation to choose from.",
    "Approving the connection shows 'No organisations' instead of our company.",
])
def test_a_consent_screen_without_organisations_is_the_users_role(text: str) -> None:
    """Only Standard and Adviser users may connect an app: anyone else finds no organisation to
    pick on Xero's consent screen (§8)."""
    assert diagnose(text=text).codes[0] == "user_role"


def test_no_organisation_for_a_tenant_id_is_not_a_role() -> None:
    d = diagnose(text="GET /Invoices returned 403: no organisation for this tenant id")
    assert d.codes[0] != "user_role"


def test_giving_your_approval_is_consent_not_xeros_approval() -> None:
    """"Redirected to Xero to give your approval" is the user's consent; a restricted scope is one
    that needs Xero's approval."""
    mine = diagnose(text="You are redirected to Xero to give your approval, then it fails.")
    assert "restricted_scope" not in mine.codes
    theirs = diagnose(text="The scope needs approval from Xero before it can be used.")
    assert theirs.codes[0] == "restricted_scope"


@pytest.mark.parametrize("text", [
    "A stale organisation kept being offered and picked after the reconnect.",
    "The Demo Company was selected instead of the real organisation.",
])
def test_a_stale_or_demo_organisation_chosen_is_the_wrong_tenant(text: str) -> None:
    """A token may reach several organisations; the Demo Company or a stale one chosen at connect
    time means calls go to the wrong tenant."""
    assert diagnose(text=text).codes[0] == "tenant_not_connected"


# --- batch 11 ---

@pytest.mark.parametrize("text", [
    "Old tokens retain their original scopes, so the new invoice scope is not there yet.",
    "Current connections kept the initial scopes; users have to connect again.",
    "Tokens do not pick up new scopes when they are refreshed.",
])
def test_tokens_keep_their_old_scopes_until_a_new_consent(text: str) -> None:
    """A token keeps the scopes of the consent it came from; refreshing never adds one, so a scope
    added later needs a new consent (§9 #3)."""
    assert diagnose(text=text).codes[0] == "not_reconsented"
    assert diagnose(text=text, status=403).codes[0] == "not_reconsented"


@pytest.mark.parametrize("text", [
    "Sync stopped. Select the Xero organisation this account should connect to.",
    "Error: no organization is selected for the export.",
    "Please select which company to use before importing from Xero.",
])
def test_no_organisation_chosen_in_the_app_sends_no_tenant(text: str) -> None:
    """An app that has no organisation chosen has no tenant id to send in xero-tenant-id (§9 #1)."""
    assert diagnose(text=text).codes[0] == "tenant_header_missing"


def test_choosing_between_organisations_on_consent_is_not_the_header() -> None:
    d = diagnose(text="On the consent screen no organisation to select was offered.")
    assert d.codes[0] == "user_role"


@pytest.mark.parametrize("text", [
    "They don't have the right permissions in Xero, so nothing happens.",
    "If users do not have sufficient access within Xero the sync will fail.",
    "The practice client is not available in the dropdown when connecting.",
])
def test_a_persons_permissions_in_xero_are_the_role(text: str) -> None:
    """Whether a person may connect an app, or sees an organisation to pick, is their Xero user
    role (Standard or Adviser, §8), not the app's scopes."""
    assert diagnose(text=text).codes[0] == "user_role"


def test_a_tokens_permissions_stay_a_scope() -> None:
    d = diagnose(text="401: the token does not have the required permissions for GET /Invoices")
    assert d.codes[0] in ("missing_scope", "not_reconsented")


def test_a_connection_expired_with_words_between_is_the_refresh_token() -> None:
    """An integration says "your connection has expired, reconnect" when its refresh token lapsed
    (60 days idle) or was refused; an expired access token alone is refreshed silently (§4)."""
    d = diagnose(text="Your link to Xero (and to the other ledgers you use) has expired: reconnect.")
    assert d.codes[0] != "token_expired"
    e = diagnose(text="The connection to your Xero accounting (and payroll) file has expired, reconnect it.")
    assert e.codes[0] == "invalid_grant"


# --- batch 12 ---

@pytest.mark.parametrize(("text", "status"), [
    ("The sync path 401'd on every run and was removed.", 401),
    ("Every call to the report 403\u2019d overnight.", 403),
    ("the import 429ed twice an hour", 429),
])
def test_a_status_written_as_a_verb_is_the_status(text: str, status: int) -> None:
    assert diagnose(text=text).observed.status == status


def test_a_decade_or_a_past_tense_word_is_not_a_status() -> None:
    assert diagnose(text="We moved in the 2020s and it worked.").observed.status is None
    assert diagnose(text="The job ended at 4pm.").observed.status is None


@pytest.mark.parametrize("text", [
    "The figures were wrong because of the access level of the user who set up the link.",
    "It depends on the permissions of the Xero user who connected the file.",
])
def test_the_access_level_of_the_connecting_user_is_the_role(text: str) -> None:
    """What the app may read is bounded by the role of the user who connected it (§8)."""
    assert diagnose(text=text).codes[0] == "user_role"


@pytest.mark.parametrize("text", [
    "Organisations must have completed the payroll setup steps before the API works.",
    "You need to finish setting up payroll in Xero first.",
    "The projects set-up was never finished for this organisation.",
])
def test_a_product_set_up_not_finished_is_the_organisation_without_it(text: str) -> None:
    """Payroll (and Projects) answer nothing until the organisation has finished setting them up
    in Xero (Xero's Payroll API overview)."""
    assert diagnose(text=text).codes[0] == "feature_not_in_plan"


def test_a_finished_pay_run_is_no_set_up() -> None:
    assert "not_in_plan" not in diagnose(text="I completed the payroll run, then a 401").observed.markers
