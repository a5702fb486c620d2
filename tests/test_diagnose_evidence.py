"""Evidence before priors: what the scopes prove, what the words say, what the grant rules out.

Issue 11: a provable scope failure ranks first whatever the status; wording alone is evidence;
a custom connection never gets tenant-header findings; thin context names the deciding fact;
one unknown scope or a payroll region mismatch is noted, never a refusal.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from xero_nb.catalog import scopes as sc
from xero_nb.catalog.index import load_catalog
from xero_nb.diagnose.diagnosis import PAIR_FACTS, diagnose
from xero_nb.diagnose.endpoint import COUNTRY_FACT
from xero_nb.diagnose.observation import observe
from xero_nb.diagnose.rules import CONNECTIONS_FACT, CUSTOM_FACT, HEADERS_FACT, RATE_FACT
from xero_nb.diagnose.scope import PROOF_WEIGHT, STATUS_FACT

TENANT = "8a1b2c3d-4e5f-4a6b-9c8d-0e1f2a3b4c5d"
SEED_BODY = {"error": "InsufficientPermissions", "message": "The API credentials do not have the "
             "necessary permissions to perform the action."}
SEED = {"status": 403, "body": json.dumps(SEED_BODY), "endpoint": "GET /Invoices",
        "granted": "openid accounting.contacts",
        "request_headers": {"Authorization": "Bearer SENTINEL-SEED", "xero-tenant-id": TENANT}}
# the narrowest scope for GET /Invoices in each era (mixed: the granular one, the broad one noted)
NARROWEST = {"broad": "accounting.transactions.read", "granular": "accounting.invoices.read",
             "mixed": "accounting.invoices.read"}
P403 = json.dumps({"Type": None, "Title": "Forbidden", "Status": 403,
                   "Detail": "AuthenticationUnsuccessful"})


# --- 1. provable scope failures outrank the status line ---

@pytest.mark.parametrize("era", ["broad", "granular", "mixed"])
def test_the_seed_shape_puts_missing_scope_first_in_every_era(era: str) -> None:
    invoices = load_catalog().endpoint("GET /Invoices")
    assert not sc.is_allowed(invoices, frozenset({"openid", "accounting.contacts"}), era)  # the premise
    d = diagnose(**SEED, era=era)
    assert d.codes[0] == "missing_scope", d.to_markdown()
    assert d.top.weight >= PROOF_WEIGHT and f"`{NARROWEST[era]}`" in d.top.title
    assert sc.narrowest(invoices, era if era != "mixed" else "granular") == NARROWEST[era]
    assert any("whatever the status says" in e for e in d.top.evidence)
    assert "tenant_not_connected" in d.codes  # still listed, below the proof
    assert d.decisive_fact is None
    if era == "mixed":  # an older app may still use the broad scope until September 2027
        assert any("accounting.transactions.read" in step for step in d.top.fix)
    assert "SENTINEL" not in d.to_markdown() + repr(d.observed)


@pytest.mark.parametrize("era", ["broad", "granular", "mixed"])
def test_the_seed_shape_says_not_reconsented_when_the_app_requests_the_scope(era: str) -> None:
    wanted = "accounting.transactions" if era == "broad" else "accounting.invoices"
    d = diagnose(**SEED, era=era, requested=f"openid accounting.contacts {wanted}")
    assert d.codes[0] == "not_reconsented" and f"`{wanted}`" in d.top.title
    assert d.top.weight >= PROOF_WEIGHT


def test_the_seed_shape_without_era_or_tenant_header_still_proves_the_scope() -> None:
    seed = {k: v for k, v in SEED.items() if k != "request_headers"}
    d = diagnose(**seed, tenant_id=TENANT)
    assert d.codes[0] == "missing_scope" and d.top.weight >= PROOF_WEIGHT
    as_text = diagnose(text=json.dumps(SEED_BODY), endpoint="GET /Invoices", granted=SEED["granted"])
    assert as_text.codes[0] == "missing_scope" and as_text.top.weight >= PROOF_WEIGHT


def test_proof_needs_the_scopes_to_fail_in_the_era() -> None:
    held = diagnose(**{**SEED, "granted": "openid accounting.transactions"}, era="broad")
    assert held.codes[0] != "missing_scope" and "missing_scope" not in held.codes
    unknown_scopes = diagnose(**{k: v for k, v in SEED.items() if k != "granted"})
    assert "missing_scope" not in unknown_scopes.codes[:1]


def test_a_broad_scope_on_a_granular_app_is_proof_on_a_403_too() -> None:
    d = diagnose(**{**SEED, "granted": "openid accounting.transactions"}, era="granular")
    assert d.codes[0] == "broad_scope_on_granular_app" and d.top.weight >= PROOF_WEIGHT


def test_proof_is_not_claimed_for_token_endpoint_errors_or_successes() -> None:
    grant = diagnose(status=400, body='{"error":"invalid_grant"}', endpoint="GET /Invoices",
                     granted="openid")
    assert grant.codes[0] == "invalid_grant" and "missing_scope" not in grant.codes
    ok = diagnose(status=200, body="{}", endpoint="GET /Invoices", granted="openid")
    assert "missing_scope" not in ok.codes


def test_a_rate_limit_and_a_proven_scope_are_both_established() -> None:
    d = diagnose(status=429, headers={"Retry-After": "5"}, endpoint="GET /Invoices", granted="openid")
    assert d.codes[:2] == ("rate_limited", "missing_scope") and d.decisive_fact is None


# --- 2. wording alone is evidence ---

@pytest.mark.parametrize("text", [
    "rate limit exceeded", "Too Many Requests", "Rate-Limit hit for this tenant, slow down",
    "The request was throttled", "RateLimitException"])
@pytest.mark.parametrize("status", [None, 429])
def test_rate_limit_words_give_rate_limited(text: str, status: int | None) -> None:
    d = diagnose(text=text, status=status)
    assert d.top.code == "rate_limited", d.to_markdown()
    assert d.top.weight >= 0.9
    assert d.top.decides == (None if d.observed.status == 429 else RATE_FACT)


def test_the_rate_limit_header_name_alone_is_not_rate_limit_wording() -> None:
    obs = observe(text="Access-Control-Expose-Headers: X-Rate-Limit-Problem")
    assert "rate_limit" not in obs.markers


@pytest.mark.parametrize("text", [
    "The client secret supplied is incorrect", "Invalid client id", "client_id is not recognised",
    "unknown client", '{"error":"Invalid Client"}', "Error: INVALID-CLIENT"])
def test_client_id_and_secret_words_give_invalid_client(text: str) -> None:
    d = diagnose(text=text)
    assert d.top.code == "invalid_client", d.to_markdown()
    assert "token_expired" not in d.codes


def test_client_words_do_not_override_another_named_oauth_error() -> None:
    d = diagnose(text='{"error":"invalid_grant","error_description":"client id unknown"}')
    assert d.top.code == "invalid_grant"


@pytest.mark.parametrize("text", [
    "Not a UK Customer", '{"title":"Forbidden","status":403,"detail":"Not a UK Customer"}',
    "Organisation is not a valid NZ organisation", "This is not an Australian payroll organisation",
    "The organisation's payroll region does not match the API called", "wrong payroll region"])
def test_region_words_give_payroll_region_mismatch(text: str) -> None:
    d = diagnose(text=text)
    assert d.top.code == "payroll_region_mismatch", d.to_markdown()
    assert d.top.weight >= 0.9 and any("payroll.xro/1.0" in step for step in d.top.fix)
    assert d.top.decides == COUNTRY_FACT


def test_region_words_with_the_country_known_name_it() -> None:
    d = diagnose(text="Not a UK Customer", url="https://api.xero.com/payroll.xro/2.0/Employees",
                 method="GET", organisation={"CountryCode": "AU"})
    assert d.top.code == "payroll_region_mismatch" and "The organisation is AU" in d.top.fix[0]


@pytest.mark.parametrize("text", [
    "error=invalid_grant", "INVALID_GRANT", "Invalid Grant", "invalid grant", "invalid-grant",
    "error=invalid%5Fgrant", "http://localhost:8765/cb?error=invalid_grant&state=x",
    "http://localhost:8765/cb?error=Invalid%20Grant", '{"error": "Invalid_Grant"}'])
def test_oauth_error_names_however_written(text: str) -> None:
    d = diagnose(text=text)
    assert d.top.code == "invalid_grant", d.to_markdown()


def test_the_error_field_is_normalised_as_an_oauth_name() -> None:
    for raw in ("Invalid Grant", "invalid%5Fgrant", "INVALID-GRANT", " invalid_grant "):
        assert observe(body={"error": raw}).oauth_error == "invalid_grant"
    assert observe(body={"error": "InsufficientPermissions"}).oauth_error == "insufficientpermissions"


# --- 3. a custom connection never gets tenant-header findings ---

TENANT_CODES = {"tenant_header_missing", "tenant_not_connected"}


@pytest.mark.parametrize("given", [
    {"grant_type": "client_credentials"},
    {"grant_type": "custom connection"},
    {"token": {"access_token": "x", "grant_type": "client_credentials", "scope": "accounting.invoices"}},
    {"text": "POST /connect/token grant_type=client_credentials"},
])
@pytest.mark.parametrize("headers", [None, {"Authorization": "Bearer x"}, {"xero-tenant-id": "Demo Co"}])
def test_custom_connections_get_no_tenant_header_findings(given: dict[str, Any],
                                                          headers: dict[str, str] | None) -> None:
    d = diagnose(status=403, body=P403, request_headers=headers, endpoint="GET /Invoices", **given)
    assert not TENANT_CODES & set(d.codes), d.to_markdown()
    assert d.top.code == "connection_revoked" and d.decisive_fact == CUSTOM_FACT


def test_the_token_object_grant_type_is_read() -> None:
    class Token:
        scopes = frozenset({"accounting.contacts"})
        grant_type = "client_credentials"

    d = diagnose(status=403, body=P403, token=Token(), request_headers={"Accept": "*/*"})
    assert not TENANT_CODES & set(d.codes)
    code_grant = diagnose(status=403, body=P403, request_headers={"Accept": "*/*"},
                          grant_type="authorization_code")
    assert code_grant.top.code == "tenant_header_missing"


def test_an_unknown_grant_type_is_noted_and_ignored() -> None:
    d = diagnose(status=403, body=P403, grant_type="password")
    assert any("grant_type 'password'" in n for n in d.notes)
    assert TENANT_CODES & set(d.codes)


# --- 4. thin context names the fact that separates the top two ---

THIN: list[tuple[dict[str, Any], str]] = [
    ({"status": 401}, PAIR_FACTS[frozenset(("missing_scope", "token_expired"))]),
    ({"text": "HTTP 401"}, PAIR_FACTS[frozenset(("missing_scope", "token_expired"))]),
    ({"status": 403}, HEADERS_FACT),
    # an SDK sent the tenant id it requires: which tenants this token reaches decides
    ({"text": "xero.exceptions.XeroForbidden: " + P403}, CONNECTIONS_FACT),
    ({"text": '{"error":"InsufficientPermissions"}'}, STATUS_FACT),
    ({"status": 404, "url": "https://api.xero.com/payroll.xro/1.0/Employees", "method": "GET"},
     COUNTRY_FACT),
]


@pytest.mark.parametrize(("given", "fact"), THIN)
def test_thin_context_names_the_deciding_fact(given: dict[str, Any], fact: str) -> None:
    d = diagnose(**given)
    assert len(d.findings) >= 2 and d.top.weight < 0.75
    assert d.decisive_fact == fact, d.to_markdown()


def test_the_deciding_fact_separates_an_expired_token_from_a_scope() -> None:
    fact = PAIR_FACTS[frozenset(("missing_scope", "token_expired"))]
    expired = diagnose(status=401, body={"Detail": "TokenExpired: token expired at 10:00"})
    scope = diagnose(status=401, body={"Detail": "AuthorizationUnsuccessful"},
                     headers={"WWW-Authenticate": "insufficient_scope"})
    assert "TokenExpired" in fact and "insufficient_scope" in fact
    assert expired.top.code == "token_expired" and "missing_scope" not in expired.codes
    assert scope.top.code == "missing_scope" and "token_expired" not in scope.codes


# --- 5. one unknown scope or a region mismatch is noted, never a refusal ---

def test_an_unknown_scope_is_noted_and_the_rest_still_judged() -> None:
    d = diagnose(status=401, headers={"WWW-Authenticate": "insufficient_scope"}, endpoint="GET /Invoices",
                 granted=["openid", "accounting.nonsense.read"], requested="openid accounting.bogus",
                 era="granular")
    assert any("'accounting.nonsense.read' is not a Xero scope" in n for n in d.notes)
    assert any("'accounting.bogus'" in n for n in d.notes)
    assert d.top.code == "missing_scope" and "accounting.invoices.read" in d.top.title
    held = diagnose(status=403, body=P403, endpoint="GET /Invoices", request_headers=with_tenant(),
                    granted=["accounting.nonsense", "accounting.invoices.read"], era="granular")
    assert held.top.code != "missing_scope" and any("nonsense" in n for n in held.notes)


def with_tenant() -> dict[str, str]:
    return {"xero-tenant-id": TENANT}


@pytest.mark.parametrize(("url", "country"), [
    ("https://api.xero.com/payroll.xro/1.0/Employees", "NZ"),
    ("https://api.xero.com/payroll.xro/2.0/Employees", "AU"),
])
def test_a_payroll_region_mismatch_is_noted_and_the_scope_still_judged(url: str, country: str) -> None:
    d = diagnose(status=401, headers={"WWW-Authenticate": "insufficient_scope"}, url=url, method="GET",
                 granted=["openid"], organisation={"CountryCode": country})
    assert any(f"the organisation is {country}: noted, and the diagnosis goes on" in n
               for n in d.notes), d.notes
    assert {"payroll_region_mismatch", "missing_scope"} <= set(d.codes)
    scope = d.findings[d.codes.index("missing_scope")]
    assert "payroll.employees" in scope.title
