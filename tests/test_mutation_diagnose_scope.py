"""The scope causes of a refused call as a user reads them (xero_nb/diagnose/scope.py): the
narrowest scope to add for the app's era, the authorize link, "asked for but not consented",
Journals behind a tier, restricted reports, broad scopes on a 2026 app, and how strongly the
response itself says "scope" when the scopes prove nothing."""

from __future__ import annotations

import json
from functools import partial
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from diagnose_pins import NOW, one, ranked

from xero_nb.diagnose import Finding
from xero_nb.diagnose import diagnose as _diagnose_with_wording
from xero_nb.diagnose.scope import ERA_FACT, RECONSENT, REQUESTED_SCOPES, STATUS_FACT, TOKEN_SCOPES

# These tests pin the rules: diagnose() here is the rules alone (resemblance=False); the wording's
# statistical reading it adds by default is tested in tests/test_diagnose_resemble.py.
diagnose = partial(_diagnose_with_wording, resemblance=False)

P401 = json.dumps({"Title": "Unauthorized", "Status": 401, "Detail": "AuthorizationUnsuccessful"})
P403_SCOPE = json.dumps({"Title": "Forbidden", "Status": 403, "Detail": "AuthorizationUnsuccessful"})
INVOICES = "GET /Invoices (accounting.getInvoices)"
NEEDS_GRANULAR = f"{INVOICES} needs any one of: accounting.invoices, accounting.invoices.read"
NEEDS_MIXED = (f"{INVOICES} needs any one of: accounting.invoices, accounting.invoices.read, "
               "accounting.transactions, accounting.transactions.read")


def run(**given: Any) -> Any:
    given.setdefault("status", 401)
    given.setdefault("body", P401)
    return diagnose(clock=lambda: NOW, **given)


def link_of(f: Finding) -> str:
    return next(s for s in f.fix if s.startswith("Sign in again with: ")).removeprefix("Sign in again with: ")


# --- missing scope: the narrowest for the era, the evidence and the link ---

@pytest.mark.parametrize(("era", "scope", "note"), [
    ("granular", "accounting.invoices.read", ""),
    ("broad", "accounting.transactions.read", ""),
    # era unknown: the granular scope, with the older apps' broad one named
    (None, "accounting.invoices.read", " (an app created before 2 Mar 2026 may use the broad "
                                       "`accounting.transactions.read` until September 2027)"),
])
def test_the_scope_to_add_is_the_narrowest_for_the_apps_era(era: str | None, scope: str, note: str) -> None:
    d = run(endpoint="GET /Invoices", granted=["openid"], era=era)
    f = d.top
    assert f.code == "missing_scope" and f.weight == 0.96
    assert f.title == f"The token lacks `{scope}`, which {INVOICES} needs"
    assert f.fix[:2] == (f"Add `{scope}` to the scopes your app requests{note}.", RECONSENT)
    assert f.decides is None and d.decisive_fact is None
    era_said = era or "mixed"
    assert f.evidence == ("status 401", "AuthorizationUnsuccessful",
                          NEEDS_GRANULAR if era == "granular" else
                          f"{INVOICES} needs any one of: accounting.transactions, accounting.transactions.read"
                          if era == "broad" else NEEDS_MIXED,
                          "token scopes: openid",
                          f"the granted scopes cannot allow this call in the {era_said} era, "
                          "whatever the status says")


def test_granular_scopes_held_do_not_tell_the_era() -> None:
    """Older apps were assigned the granular scopes too (§2b): a token holding only granular ones may
    be either era's, so the broad alternative an older app has is named beside the granular scope."""
    f = run(endpoint="GET /Invoices", granted=["accounting.payments.read"]).top
    assert f.fix[0] == ("Add `accounting.invoices.read` to the scopes your app requests (an app created "
                        "before 2 Mar 2026 may use the broad `accounting.transactions.read` until September "
                        "2027).")
    told = run(endpoint="GET /Invoices", granted=["accounting.payments.read"], era="granular").top
    assert told.fix[0] == "Add `accounting.invoices.read` to the scopes your app requests."


def test_a_scope_only_the_broad_era_has_is_named_for_any_app() -> None:
    f = run(endpoint="GET /ExpenseClaims", granted=["openid"]).top
    assert f.title.startswith("The token lacks `accounting.transactions.read`")
    assert f.fix[0] == ("Add `accounting.transactions.read` to the scopes your app requests (only an app "
                        "created before 2 Mar 2026 may ask for it, until September 2027: no granular scope "
                        "reaches this call, so a newer app cannot make it at all).")


def test_the_missing_scope_ranks_above_its_not_reconsented_reading() -> None:
    d = run(endpoint="GET /Invoices", granted=["openid"], era="granular")
    assert ranked(d) == [("missing_scope", 0.96), ("not_reconsented", 0.3)]
    other = d.findings[1]
    assert other.title == "`accounting.invoices.read` may already be requested in code, but the token predates it"
    assert other.decides == REQUESTED_SCOPES and other.fix == (RECONSENT,)


def test_without_the_tokens_scopes_the_finding_is_a_guess_that_asks_for_them() -> None:
    d = run(endpoint="GET /Invoices", era="granular")
    assert ranked(d) == [("missing_scope", 0.6), ("not_reconsented", 0.35)]
    assert d.top.decides == TOKEN_SCOPES == d.findings[1].decides == d.decisive_fact
    assert d.top.evidence == ("status 401", "AuthorizationUnsuccessful", NEEDS_GRANULAR)


def test_a_gated_scope_says_xero_must_allow_it_first() -> None:
    f = run(endpoint="GET /Journals", granted=["openid"], era="granular").top
    assert f.title == "The token lacks `accounting.journals.read`, which GET /Journals (accounting.getJournals) needs"
    assert f.fix[1].startswith("Xero must let the app request it first: Journals need the Advanced tier")
    assert f.fix[2] == RECONSENT


def test_the_authorize_link_adds_the_scope_to_what_the_app_holds() -> None:
    d = run(endpoint="GET /Invoices", granted=["openid", "offline_access"], era="granular",
            client_id="CID", redirect_uri="http://localhost/cb")
    q = parse_qs(urlsplit(link_of(d.top)).query)
    assert q == {"response_type": ["code"], "client_id": ["CID"], "redirect_uri": ["http://localhost/cb"],
                 "scope": ["offline_access openid accounting.invoices.read"]}
    assert link_of(d.top).startswith("https://login.xero.com/identity/connect/authorize?")
    assert link_of(d.findings[1]) == link_of(d.top)  # the not-reconsented reading signs in the same way


def test_the_authorize_link_builds_on_the_requested_scopes() -> None:
    d = run(endpoint="GET /Invoices", granted=["openid"], requested=["openid", "accounting.contacts.read"],
            era="granular", client_id="CID", redirect_uri="http://localhost/cb")
    q = parse_qs(urlsplit(link_of(d.top)).query)
    assert q["scope"] == ["accounting.contacts.read openid accounting.invoices.read"]


def test_the_authorize_link_without_any_scopes_known_starts_from_the_defaults() -> None:
    d = run(endpoint="GET /Invoices", era="granular", client_id="CID", redirect_uri="http://localhost/cb")
    q = parse_qs(urlsplit(link_of(d.top)).query)
    assert q["scope"] == ["email offline_access openid profile accounting.invoices.read"]


def test_the_users_authorize_callable_builds_the_link() -> None:
    seen: list[list[str]] = []

    def authorize(scopes: list[str]) -> str:
        seen.append(scopes)
        return "https://example.test/authorize"

    d = run(endpoint="GET /Invoices", granted=["openid"], era="granular", authorize=authorize,
            client_id="CID", redirect_uri="http://localhost/cb")
    assert link_of(d.top) == "https://example.test/authorize"
    assert seen[0] == ["openid", "accounting.invoices.read"]


def test_a_failing_authorize_callable_falls_back_to_our_own_link() -> None:
    def authorize(scopes: list[str]) -> str:
        raise RuntimeError("no")

    with_ids = run(endpoint="GET /Invoices", granted=["openid"], era="granular", authorize=authorize,
                   client_id="CID", redirect_uri="http://localhost/cb")
    assert "client_id=CID" in link_of(with_ids.top)
    without = run(endpoint="GET /Invoices", granted=["openid"], era="granular", authorize=authorize)
    assert not any(s.startswith("Sign in again with") for s in without.top.fix)


def test_no_link_without_a_client_id_and_redirect_uri() -> None:
    for extra in ({"client_id": "CID"}, {"redirect_uri": "http://localhost/cb"}, {}):
        d = run(endpoint="GET /Invoices", granted=["openid"], era="granular", **extra)
        assert len(d.top.fix) == 2


# --- asked for, but the token predates it ---

def test_a_scope_the_app_already_requests_is_a_missing_consent() -> None:
    d = run(endpoint="GET /Invoices", granted=["openid"], requested=["openid", "accounting.invoices.read"],
            era="granular", client_id="CID", redirect_uri="http://localhost/cb")
    assert ranked(d) == [("not_reconsented", 0.96)]
    f = d.top
    assert f.title == ("The app asks for `accounting.invoices.read` but this token was issued without "
                       "it: the user has not consented since it was added")
    assert "the app requests accounting.invoices.read" in f.evidence
    assert f.fix[0] == RECONSENT
    assert parse_qs(urlsplit(link_of(f)).query)["scope"] == ["openid accounting.invoices.read"]


def test_several_requested_granting_scopes_are_all_listed_and_the_first_named() -> None:
    f = run(endpoint="GET /Invoices", granted=["openid"], era="granular",
            requested=["accounting.invoices.read", "accounting.invoices"]).top
    assert f.title.startswith("The app asks for `accounting.invoices` but")
    assert "the app requests accounting.invoices, accounting.invoices.read" in f.evidence
    assert f.fix == (RECONSENT,)  # no link without a client id


def test_without_granted_scopes_a_requested_scope_still_means_consent() -> None:
    d = run(endpoint="GET /Invoices", requested=["accounting.invoices.read"], era="granular")
    assert ranked(d) == [("not_reconsented", 0.92)]


# --- held but refused: tier, restriction, role, broad scope ---

def test_journals_with_the_scope_held_are_gated_by_the_tier() -> None:
    d = run(endpoint="GET /Journals", granted=["accounting.journals.read"], era="granular")
    assert ranked(d) == [("tier_gated", 0.88)]
    f = d.top
    assert f.title == ("GET /Journals (accounting.getJournals) is gated: from 2 Mar 2026 Journals need "
                       "the Advanced tier and Xero's security assessment, even with "
                       "accounting.journals.read")
    assert f.fix == ("Check the app's tier at developer.xero.com (Journals need Advanced).",
                     "Apply for Journals access (security assessment) or read transactions from the "
                     "granular endpoints (Invoices, Payments, BankTransactions, ManualJournals) instead.")
    assert f.decides is None


@pytest.mark.parametrize("era", ["broad", None])
def test_journals_are_gated_for_apps_of_every_era(era: str | None) -> None:
    """The tier gate applies to every app from 2 Mar 2026, old ones too."""
    d = run(endpoint="GET /Journals", granted=["accounting.transactions", "accounting.journals.read"],
            era=era)
    assert d.codes[0] == "tier_gated" and d.top.weight == 0.88 and d.top.decides is None


def test_journals_with_no_scopes_known_list_both_the_tier_and_the_missing_scope() -> None:
    d = run(endpoint="GET /Journals")
    assert set(d.codes) == {"missing_scope", "tier_gated", "not_reconsented"}
    assert one(d, "missing_scope").decides == TOKEN_SCOPES
    assert one(d, "tier_gated").title.startswith("GET /Journals (accounting.getJournals) is gated")


def test_a_report_with_its_scope_held_points_at_the_users_role() -> None:
    d = run(endpoint="GET /Reports/BalanceSheet", granted=["accounting.reports.balancesheet.read"],
            era="granular")
    assert ranked(d) == [("user_role", 0.45)]
    f = d.top
    assert f.title == ("The scope is held, so the user's role may be what Xero refuses (reports access "
                       "or payroll admin)")
    assert f.decides == "the user's role in this organisation" == d.decisive_fact


def test_a_payroll_call_with_its_scope_held_points_at_the_users_role() -> None:
    d = run(endpoint="GET https://api.xero.com/payroll.xro/1.0/Employees",
            granted=["payroll.employees.read"], era="granular")
    assert one(d, "user_role").weight == 0.45


def test_a_scope_held_and_refused_for_no_known_reason_is_said_plainly() -> None:
    d = run(endpoint="GET /Invoices", granted=["accounting.invoices.read"], era="granular")
    assert ranked(d) == [("unknown", 0.3)]
    assert d.top.title == ("The scopes given hold one that grants this call, yet Xero refused it: are "
                           "they the sent token's own?")
    assert d.top.fix == (
        "Decode the access token that was sent and read its `scope` claim: the scopes given may be "
        "the ones the app asks for, or those of another token (an older one still cached, another "
        "user's).",
        "If the sent token holds the scope, send Xero support the Xero-Correlation-Id of the response "
        "(the scope table may be out of date).")
    assert d.top.decides == "the `scope` claim of the access token that was sent"


def test_a_broad_scope_on_a_granular_app_names_the_granular_replacement() -> None:
    d = run(endpoint="GET /Invoices", granted=["accounting.transactions"], era="granular",
            client_id="CID", redirect_uri="http://localhost/cb")
    assert ranked(d) == [("broad_scope_on_granular_app", 0.96)]
    f = d.top
    assert f.title == ("The token's broad scope grants nothing to an app created from 2 Mar 2026: "
                       f"{INVOICES} needs `accounting.invoices.read`")
    assert f.fix[:2] == ("Replace the broad scope with `accounting.invoices.read` in the app's scope list.",
                         RECONSENT)
    assert parse_qs(urlsplit(link_of(f)).query)["scope"] == ["accounting.transactions accounting.invoices.read"]


def test_a_broad_scope_on_an_app_of_the_broad_era_is_just_missing() -> None:
    d = run(endpoint="GET /Invoices", granted=["accounting.settings"], era="broad")
    assert d.top.code == "missing_scope"


def test_a_broad_scope_held_without_an_era_is_an_unlikely_granular_app() -> None:
    d = run(endpoint="GET /Invoices", granted=["accounting.transactions.read"])
    f = one(d, "broad_scope_on_granular_app")
    assert f.title == ("The token holds only the deprecated broad scope; if the app was created from "
                       "2 Mar 2026 it grants nothing")
    assert f.evidence[-1].startswith("unlikely: apps created from 2 Mar 2026 are refused broad scopes")
    assert f.fix == ("Request the granular scope `accounting.invoices.read` instead and sign in again.",)
    assert (round(f.weight, 3), f.decides) == (0.25, ERA_FACT)
    assert d.top.code == "unknown" and "sent token's own" in d.top.title  # as with a granular scope held


def test_holding_the_granular_scope_too_rules_the_broad_scope_out() -> None:
    d = run(endpoint="GET /Invoices", granted=["accounting.transactions.read", "accounting.invoices.read"])
    assert "broad_scope_on_granular_app" not in d.codes


# --- the BankStatement report ---

def test_the_bank_statement_report_is_restricted_whatever_the_token_holds() -> None:
    held = run(endpoint="GET /Reports/BankStatement", granted=["accounting.reports.bankstatement.read"])
    assert ranked(held) == [("restricted_scope", 0.85)]
    assert held.top.title == (
        "The BankStatement report is restricted and grandfathered: it needs "
        "`accounting.reports.bankstatement.read`, which Xero does not grant to new apps (the token "
        "holds it, so the app is not approved for it)")
    assert held.top.evidence[-1] == "report: GET /Reports/BankStatement (ReportID = BankStatement)"
    assert held.top.fix[0].startswith("Use GET /BankTransactions (or GET /Reports/BankSummary) instead")
    lacks = run(endpoint="GET /Reports/BankStatement", granted=["accounting.reports.read"])
    assert lacks.top.title.endswith("which Xero does not grant to new apps (the token does not hold it)")
    unknown = run(url="https://api.xero.com/api.xro/2.0/Reports/BankStatement", method="GET")
    assert unknown.top.title.endswith("which Xero does not grant to new apps")


# --- how strongly the answer says "scope" when the scopes prove nothing ---

@pytest.mark.parametrize(("given", "weight"), [
    ({"status": 401, "body": P401}, 0.6),  # 401 AuthorizationUnsuccessful: scope, fully
    ({"status": 401, "headers": {"WWW-Authenticate": 'Bearer error="insufficient_scope"'}, "body": "{}"}, 0.6),
    ({"status": 401, "body": json.dumps({"Title": "Unauthorized"})}, 0.45),  # a 401 alone: 0.75
    ({"status": 403, "body": P403_SCOPE}, 0.48),  # 403 AuthorizationUnsuccessful: 0.8
    ({"status": None, "body": "", "text": "AuthorizationUnsuccessful"}, 0.54),  # no status: 0.9
    ({"status": None, "body": "", "text": "InsufficientPermissions"}, 0.36),  # a wrapper's word: 0.6
])
def test_how_strongly_the_answer_says_scope(given: dict[str, Any], weight: float) -> None:
    """With the scopes unknown (0.6 of the strength), the weight is the answer's own say-so."""
    d = run(endpoint="GET /Invoices", era="granular", **given)
    assert round(one(d, "missing_scope").weight, 3) == weight


def test_words_that_say_a_scope_is_missing_count_as_a_scope_refusal() -> None:
    d = run(status=403, body=json.dumps({"Message": "The token is missing the required scope"}),
            endpoint="GET /Invoices", era="granular")
    assert round(one(d, "missing_scope").weight, 3) == 0.48


def test_a_403_without_scope_words_says_nothing_of_scopes() -> None:
    d = run(status=403, body="{}", endpoint="GET /Invoices", era="granular")
    assert "missing_scope" not in d.codes and "not_reconsented" not in d.codes


def test_an_expired_token_is_not_also_a_scope_refusal() -> None:
    d = run(body=json.dumps({"Title": "Unauthorized", "Detail": "TokenExpired"}), endpoint="GET /Invoices",
            era="granular")
    assert "missing_scope" not in d.codes


def test_a_token_endpoint_error_is_never_a_scope_refusal() -> None:
    d = run(status=400, body='{"error": "invalid_grant"}', endpoint="GET /Invoices", granted=["openid"])
    assert "missing_scope" not in d.codes and d.top.code == "invalid_grant"


def test_a_success_is_no_proof_of_a_missing_scope() -> None:
    d = run(status=200, body="{}", endpoint="GET /Invoices", granted=["openid"])
    assert d.codes == ("unknown",)


# --- proof from the scopes outranks the status ---

def test_proof_puts_the_scope_first_on_a_tenant_403() -> None:
    d = run(status=403, body=json.dumps({"Title": "Forbidden", "Detail": "AuthenticationUnsuccessful"}),
            endpoint="GET /Invoices", granted=["openid"], era="granular",
            request_headers={"xero-tenant-id": "4b8a2f5e-6c1d-4e2a-9b7f-0a1b2c3d4e5f"})
    assert d.codes[0] == "missing_scope" and d.top.weight == 0.96
    assert d.top.evidence[-1] == ("the granted scopes cannot allow this call in the granular era, "
                                  "whatever the status says")
    # only the first proven finding is raised; its not-reconsented reading stays a guess
    assert one(d, "not_reconsented").weight == 0.3


def test_a_rate_limit_still_ranks_above_proof() -> None:
    d = run(status=429, body="{}", endpoint="GET /Invoices", granted=["openid"], era="granular")
    assert [c for c in d.codes[:2]] == ["rate_limited", "missing_scope"]
    assert d.decisive_fact is None  # both established: both need fixing


# --- the endpoint not settled ---

def test_an_unsettled_endpoint_says_a_scope_is_probably_missing() -> None:
    d = run()
    assert ranked(d)[:1] == [("missing_scope", 0.55)] or d.codes[0] == "token_expired"
    f = one(d, "missing_scope")
    assert f.title == ("Probably a scope the token lacks; the endpoint is not settled, so which one "
                       "cannot be told")
    assert f.fix == ("Find the endpoint's scope: `xero-nb scopes-for METHOD URL`.", RECONSENT)
    assert f.decides == "which endpoint was called (method and URL)"
    nr = one(d, "not_reconsented")
    assert nr.title == ("The scope may already be requested in code, but the token predates it "
                        "(refreshing keeps the old scopes)")
    assert (round(nr.weight, 3), nr.decides) == (0.35, TOKEN_SCOPES)


def test_without_a_status_the_fact_to_find_is_the_status() -> None:
    d = diagnose(text="AuthorizationUnsuccessful")
    assert one(d, "missing_scope").decides == STATUS_FACT


def test_an_endpoint_shared_by_regions_names_the_scope_they_all_need() -> None:
    d = run(url="https://api.xero.com/payroll.xro/2.0/Employees", method="GET", granted=["openid"],
            era="granular")
    f = one(d, "missing_scope")
    assert f.title == ("The token lacks `payroll.employees.read`, which GET /Employees needs in "
                       "payroll_nz or payroll_uk alike")
    assert f.evidence[-1] == ("GET /Employees (payroll_nz or payroll_uk) needs any one of: "
                              "payroll.employees, payroll.employees.read")
    assert f.fix == ("Add `payroll.employees.read` to the scopes your app requests.", RECONSENT)
    assert round(f.weight, 3) == 0.7
    nr = one(d, "not_reconsented")
    assert nr.title.startswith("`payroll.employees.read` may already be requested in code")
    assert (round(nr.weight, 3), nr.decides) == (0.3, REQUESTED_SCOPES)


def test_a_shared_endpoint_whose_scope_is_held_leaves_the_region_to_decide() -> None:
    d = run(url="https://api.xero.com/payroll.xro/2.0/Employees", method="GET",
            granted=["payroll.employees.read"], era="granular")
    assert "missing_scope" not in d.codes


def test_a_shared_endpoint_with_no_scopes_known_is_a_weaker_guess() -> None:
    d = run(url="https://api.xero.com/payroll.xro/2.0/Employees", method="GET", era="granular")
    f = one(d, "missing_scope")
    assert round(f.weight, 3) == 0.55
    assert round(one(d, "not_reconsented").weight, 3) == 0.35


# --- more of what the user reads, and the strength of a 403 carried into each finding ---

def test_no_broad_alternative_is_named_when_both_eras_need_the_same_scope() -> None:
    f = run(endpoint="GET /Accounts", granted=["openid"]).top
    assert f.fix[0] == "Add `accounting.settings.read` to the scopes your app requests."


def test_a_granular_app_is_told_of_the_journals_gate() -> None:
    f = run(endpoint="GET /Journals", granted=["accounting.payments.read"], era="granular").top
    assert f.fix[1].startswith("Xero must let the app request it first: Journals need the Advanced tier")
    unsure = run(endpoint="GET /Journals", granted=["accounting.payments.read"]).top  # either era's
    assert unsure.fix[1].startswith("The scope alone is not enough: Journals need the Advanced tier")


def test_a_scope_refusal_on_a_403_carries_its_strength_into_each_finding() -> None:
    """403 AuthorizationUnsuccessful says "scope" at 0.8 of a 401's strength."""
    asked = run(status=403, body=P403_SCOPE, endpoint="GET /Invoices", requested=["accounting.invoices.read"],
                era="granular")
    assert ranked(asked) == [("not_reconsented", 0.736)]  # 0.92 x 0.8
    role = run(status=403, body=P403_SCOPE, endpoint="GET /Reports/BalanceSheet",
               granted=["accounting.reports.balancesheet.read"], era="granular")
    assert ranked(role) == [("user_role", 0.36)]  # 0.45 x 0.8
    assert role.top.fix == ("Ask an admin to grant the user the reports / payroll admin role in this "
                            "organisation, then retry.",)
    assert role.top.evidence == (
        "status 403", "AuthorizationUnsuccessful",
        "GET /Reports/BalanceSheet (accounting.getReportBalanceSheet) needs any one of: "
        "accounting.reports.balancesheet.read", "token scopes: accounting.reports.balancesheet.read")
    bank = run(status=403, body=P403_SCOPE, endpoint="GET /Reports/BankStatement",
               granted=["accounting.reports.read"])
    assert ranked(bank) == [("restricted_scope", 0.68)]  # 0.85 x 0.8
    assert bank.top.fix == ("Use GET /BankTransactions (or GET /Reports/BankSummary) instead, or the "
                            "Finance API's bank statements if Xero has approved the app for it.",
                            "Only apps Xero approved before the restriction keep this report.")
    held = run(status=403, body=P403_SCOPE, endpoint="GET /Invoices", granted=["accounting.invoices.read"],
               era="granular")
    odd = [f for f in held.findings if f.title.startswith("The scopes given hold one")]
    assert [round(f.weight, 3) for f in odd] == [0.24]  # 0.3 x 0.8
    assert odd[0].evidence == ("status 403", "AuthorizationUnsuccessful", NEEDS_GRANULAR,
                               "token scopes: accounting.invoices.read")


def test_a_closed_api_held_but_refused_is_named_restricted() -> None:
    d = run(status=403, body=P403_SCOPE, endpoint="GET https://api.xero.com/bankfeeds.xro/1.0/FeedConnections",
            granted=["bankfeeds"], era="granular")
    assert ranked(d) == [("restricted_scope", 0.68)]
    f = d.top
    assert f.title == ("GET /FeedConnections (bankfeeds.getFeedConnections) is a restricted/closed API: "
                       "closed API: financial-institution partners only")
    assert f.evidence == ("status 403", "AuthorizationUnsuccessful",
                          "GET /FeedConnections (bankfeeds.getFeedConnections) needs any one of: bankfeeds",
                          "token scopes: bankfeeds")
    assert f.fix == ("Apply to Xero for access to this API (developer.xero.com), or drop the call.",)


def test_the_tier_gate_lists_what_was_seen() -> None:
    f = run(endpoint="GET /Journals", granted=["accounting.journals.read"], era="granular").top
    assert f.evidence == ("status 401", "AuthorizationUnsuccessful",
                          "GET /Journals (accounting.getJournals) needs any one of: accounting.journals.read",
                          "token scopes: accounting.journals.read")


def test_the_unlikely_granular_app_says_why_it_is_unlikely() -> None:
    f = one(run(endpoint="GET /Invoices", granted=["accounting.transactions.read"]),
            "broad_scope_on_granular_app")
    assert f.evidence[-1] == ("unlikely: apps created from 2 Mar 2026 are refused broad scopes at sign-in, "
                              "so a token holding one usually belongs to an older app")


def test_known_scopes_make_a_worded_scope_refusal_likelier_when_nothing_proves_it() -> None:
    """A 200 proves no refusal, so only the words ("missing the required scope", 0.8) weigh:
    with the token's scopes known the missing scope is likelier (0.9x) than with them unknown (0.6x),
    and only an unknown token asks for its scopes."""
    known = run(status=200, body="The token is missing the required scope", endpoint="GET /Invoices",
                granted=["openid"], era="granular")
    unknown = run(status=200, body="The token is missing the required scope", endpoint="GET /Invoices",
                  era="granular")
    assert ranked(known) == [("missing_scope", 0.72), ("not_reconsented", 0.24)]
    assert ranked(unknown) == [("missing_scope", 0.48), ("not_reconsented", 0.28)]
    assert known.top.decides is None and unknown.top.decides == TOKEN_SCOPES


def test_a_shared_endpoint_refused_with_a_403_scales_the_guess() -> None:
    d = run(status=403, body=P403_SCOPE, url="https://api.xero.com/payroll.xro/2.0/Employees", method="GET",
            granted=["openid"], era="granular")
    assert round(one(d, "missing_scope").weight, 3) == 0.56  # 0.7 x 0.8


# --- what makes a scope refusal, and what rules one out ---

def test_a_refused_refresh_token_is_no_scope_refusal_whatever_the_scopes() -> None:
    """The words name the token endpoint's refusal: no API call was checked for scopes."""
    d = run(status=None, body="", text="refresh token is invalid", endpoint="GET /Invoices", granted=["openid"])
    assert "missing_scope" not in d.codes and d.top.code == "invalid_grant"


def test_scopes_that_cannot_allow_the_call_are_proof_on_any_failure_status() -> None:
    d = run(status=400, body="{}", endpoint="GET /Invoices", granted=["openid"], era="granular")
    assert d.top.code == "missing_scope" and d.top.weight == 0.96


def test_a_librarys_not_permitted_message_is_weak_scope_evidence() -> None:
    """calcinai/xero-php's ForbiddenException words every 401 or 403 alike: 0.7 of a scope."""
    d = diagnose(text="You are not permitted to access this resource")
    assert round(one(d, "missing_scope").weight, 3) == 0.385  # 0.55 x 0.7
    # with a role named, the message is about the role, not the scope
    role = diagnose(text="You are not permitted to access this resource: check the user role")
    assert "missing_scope" not in role.codes


def test_xeros_scope_word_outranks_the_generic_scope_words() -> None:
    d = run(status=401, headers={"WWW-Authenticate": 'Bearer error="insufficient_scope"'},
            body="The token is missing the required scope", endpoint="GET /Invoices", era="granular")
    assert round(one(d, "missing_scope").weight, 3) == 0.6  # a 401 with insufficient_scope: 1.0


def test_insufficient_scope_in_www_authenticate_is_a_scope_refusal_whatever_the_status() -> None:
    d = run(status=403, headers={"WWW-Authenticate": 'Bearer error="insufficient_scope"'}, body="{}",
            endpoint="GET /Invoices", era="granular")
    assert round(one(d, "missing_scope").weight, 3) == 0.6  # Xero's header: as strong as on a 401


def test_insufficient_scope_in_a_403s_body_is_a_weaker_scope_refusal() -> None:
    d = run(status=403, body='{"error": "insufficient_scope"}', endpoint="GET /Invoices", era="granular")
    assert round(one(d, "missing_scope").weight, 3) == 0.48  # 0.8 x 0.6: not Xero's header


def test_authorization_unsuccessful_on_a_403_is_a_weaker_scope_refusal() -> None:
    d = run(status=403, body='{"Detail": "AuthorizationUnsuccessful"}', endpoint="GET /Invoices",
            era="granular")
    assert round(one(d, "missing_scope").weight, 3) == 0.48  # 0.8 x 0.6


def test_insufficient_scope_without_a_status_is_nearly_a_401() -> None:
    d = diagnose(text="error=insufficient_scope", endpoint="GET /Invoices", era="granular")
    f = one(d, "missing_scope")
    assert round(f.weight, 3) == 0.54  # 0.9 x 0.6
    assert f.evidence[0] == "no HTTP status (a wrapper's message)"


def test_the_tier_gate_carries_a_403s_strength() -> None:
    d = run(status=403, body=P403_SCOPE, endpoint="GET /Journals", granted=["accounting.journals.read"],
            era="granular")
    assert ranked(d) == [("tier_gated", 0.704)]  # 0.88 x 0.8


def test_a_url_two_regions_serve_is_named_once_as_the_first_region_writes_it() -> None:
    """NZ writes /PaySlips, UK /Payslips: the title names the call once, with both APIs."""
    for url in ("https://api.xero.com/payroll.xro/2.0/PaySlips", "https://api.xero.com/payroll.xro/2.0/Payslips"):
        d = run(url=url, method="GET", granted=["openid"], era="granular")
        assert one(d, "missing_scope").title == ("The token lacks `payroll.payslip.read`, which GET /PaySlips "
                                                 "needs in payroll_nz or payroll_uk alike")


# --- the evidence a scope finding lists ---

def test_the_scope_evidence_names_xeros_words_and_every_scope_held() -> None:
    header = run(status=401, headers={"WWW-Authenticate": 'Bearer error="insufficient_scope"'}, body="{}",
                 endpoint="GET /Invoices", granted=["openid", "accounting.contacts.read"], era="granular")
    assert header.top.evidence[:4] == ("status 401", "insufficient_scope", NEEDS_GRANULAR,
                                       "token scopes: accounting.contacts.read, openid")
    wrapper = diagnose(text="InsufficientPermissions", endpoint="GET /Invoices", granted=[], era="granular")
    assert wrapper.top.evidence[:4] == ("no HTTP status (a wrapper's message)", "InsufficientPermissions",
                                        NEEDS_GRANULAR, "token scopes: (none)")


def test_an_endpoint_any_token_may_call_says_so() -> None:
    d = run(endpoint="GET /connections", granted=["openid"])
    assert d.top.evidence[2] == ("GET /connections (identity.getConnections) needs any one of: "
                                 "(any valid token)")


def test_an_endpoint_no_granular_scope_reaches_says_so_and_what_is_left() -> None:
    d = run(status=403, body=P403_SCOPE, endpoint="GET /ExpenseClaims", era="granular")
    f = one(d, "missing_scope")
    assert f.title == ("No scope can grant GET /ExpenseClaims (accounting.getExpenseClaims) to an app "
                       "limited to granular scopes")
    assert f.evidence == ("status 403", "AuthorizationUnsuccessful",
                          "no scope grants GET /ExpenseClaims (accounting.getExpenseClaims) in the granular era")
    assert f.fix == ("No granular scope: Xero lists these only under the deprecated accounting.transactions, "
                     "so an app limited to granular scopes cannot call them; an older app keeps them through "
                     "the broad scope until September 2027.",
                     "Call it from an app created before 2 Mar 2026 with `accounting.transactions(.read)` "
                     "(until September 2027), or stop calling it.")
    assert round(f.weight, 3) == 0.72  # 0.9 x 0.8: the scopes are not known, so no proof


def test_xeros_authorization_unsuccessful_outranks_generic_scope_words() -> None:
    body = json.dumps({"Detail": "AuthorizationUnsuccessful", "Message": "The token is missing the required scope"})
    d = run(status=401, body=body, endpoint="GET /Invoices", era="granular")
    assert round(one(d, "missing_scope").weight, 3) == 0.6  # a 401 AuthorizationUnsuccessful: 1.0


def test_a_closed_api_with_the_scopes_unknown_ranks_xeros_approval_first() -> None:
    d = run(status=403, body=P403_SCOPE, endpoint="GET https://api.xero.com/bankfeeds.xro/1.0/FeedConnections")
    assert ranked(d) == [("restricted_scope", 0.544), ("missing_scope", 0.336), ("not_reconsented", 0.196)]


def test_a_broad_scope_worded_but_not_proven_is_weighed_by_the_words() -> None:
    """A 200 proves nothing; the words say a scope is missing (0.8), the token holds the broad scope
    and the app is of the granular era."""
    d = run(status=200, body="The token is missing the required scope", endpoint="GET /Invoices",
            granted=["accounting.transactions"], era="granular")
    assert ranked(d) == [("broad_scope_on_granular_app", 0.72)]  # 0.9 x 0.8
    assert d.top.fix == ("Replace the broad scope with `accounting.invoices.read` in the app's scope list.",
                         RECONSENT)  # no link without a client id
