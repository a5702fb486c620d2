"""Causes in the organisation as a user reads them (xero_nb/diagnose/org.py, role.py): the user's
role however it is given, a plan without the product, and a payroll API of another country,
with the titles, the evidence and the weight against the tenant causes of the same 403."""

from __future__ import annotations

import json
from typing import Any

import pytest
from diagnose_pins import one, ranked, run

from xero_nb.diagnose.endpoint import COUNTRY_FACT
from xero_nb.diagnose.role import Role, read_role
from xero_nb.diagnose.rules import ROLE_FACT

TENANT = "4b8a2f5e-6c1d-4e2a-9b7f-0a1b2c3d4e5f"
AU_PAY = "GET https://api.xero.com/payroll.xro/1.0/Employees"
NZUK_PAY = "GET https://api.xero.com/payroll.xro/2.0/Employees"
PROJECTS = "GET https://api.xero.com/projects.xro/2.0/Projects"
ROLE_FIX = ("Ask an organisation admin to change the user's role, or sign in as a user who has it.",)
REGION_APIS = ("AU organisations use AU payroll (payroll.xro/1.0, PayrollAuApi); NZ and UK "
               "organisations use payroll.xro/2.0 (PayrollNzApi, PayrollUkApi); US organisations "
               "have no payroll API.")


# --- reading the role ---

@pytest.mark.parametrize(("given", "role"), [
    ("Standard", Role("standard")),
    ("standard, payroll admin", Role("standard", payroll_admin=True)),
    ("Adviser", Role("adviser")),
    ("advisor", Role("adviser")),
    ("Financial-Adviser", Role("adviser")),
    ("read-only", Role("read_only")),
    ("READ_ONLY", Role("read_only")),
    ("invoice-only", Role("invoice_only")),
    ("cashbook-client", Role("cashbook")),
    ("managed_client", Role("managed_client")),
    ("removed", Role("removed")),
    ("None", Role("removed")),
    ("standard reports", Role("standard", reports=True)),
    ("reports-access", Role(reports=True)),
    ("payroll", Role(payroll_admin=True)),
    ("projects", Role(projects=True)),
    ("projects-user", Role(projects=True)),
    (["Adviser", "Payroll-Admin"], Role("adviser", payroll_admin=True)),
    ({"role": "Standard", "reports": False, "payroll_admin": True, "projects": False},
     Role("standard", False, True, False)),
    ({"role": "standard reports"}, Role("standard", reports=True)),
    ({}, Role()),
    (7, Role()),
])
def test_a_role_is_read_from_words_lists_and_mappings(given: Any, role: Role) -> None:
    assert read_role(given, None) == role


def test_the_first_role_word_wins() -> None:
    assert read_role("adviser standard", None) == Role("adviser")


def test_a_flag_given_as_a_boolean_wins_over_the_words() -> None:
    assert read_role({"role": "standard payroll", "payroll_admin": False}, None) == Role("standard",
                                                                                          payroll_admin=False)


def test_an_object_with_a_role_attribute_is_read() -> None:
    class OrgRole:
        role = "Standard"
        reports = False
        payroll_admin = None

    assert read_role(OrgRole(), None) == Role("standard", reports=False)


def test_a_user_with_roles_per_organisation_is_read_for_the_tenant() -> None:
    class User:
        def __init__(self) -> None:
            self.roles = {TENANT: "standard payroll", "other": "adviser"}

    assert read_role(User(), TENANT) == Role("standard", payroll_admin=True)
    assert read_role(User(), "not-theirs") == Role("removed")  # no role there: removed from it
    assert read_role(User(), None) is None  # which organisation is not known
    assert read_role(None, TENANT) is None


def test_a_role_describes_itself_in_words() -> None:
    assert Role("standard", True, False, None).describe() == "standard, reports=yes, payroll_admin=no"
    assert Role(projects=True).describe() == "role unknown, projects=yes"
    assert Role().describe() == "role unknown"


# --- the role against the endpoint ---

@pytest.mark.parametrize(("endpoint", "role", "title", "weight"), [
    ("GET /Invoices", "removed", "The user no longer belongs to this organisation", 0.9),
    (AU_PAY, {"role": "standard", "payroll_admin": False},
     "Payroll needs the payroll admin role, which this user lacks", 0.85),
    ("GET /Reports/BalanceSheet", {"role": "standard", "reports": False},
     "Reports need reports access, which this user lacks", 0.85),
    ("POST /Invoices", "read-only", "A read-only user cannot write", 0.85),
    ("GET /BankTransactions", "invoice-only", "An invoice-only user cannot reach this part of Xero", 0.75),
    (PROJECTS, {"role": "standard", "projects": False},
     "Projects need a Projects role, which this user lacks", 0.7),
])
def test_a_role_that_cannot_make_the_call_is_named(endpoint: str, role: Any, title: str,
                                                   weight: float) -> None:
    d = run(status=403, body="{}", endpoint=endpoint, user_role=role, tenant_id=TENANT, country="AU")
    f = one(d, "user_role")
    assert (f.title, f.weight, f.fix) == (title, weight, ROLE_FIX)
    assert f.evidence[-1] == f"user role: {read_role(role, TENANT).describe()}"  # type: ignore[union-attr]
    assert d.top is f  # above the tenant guesses of a bare 403


@pytest.mark.parametrize(("endpoint", "role"), [
    ("GET /Invoices", "read-only"),  # reading is what a read-only user may do
    ("GET /Invoices", "invoice-only"),  # invoices are what an invoice-only user reaches
    ("GET /Contacts", "invoice-only"),
    ("GET /Organisation", "invoice-only"),
    (AU_PAY, {"role": "standard", "payroll_admin": True}),
    (AU_PAY, "standard"),  # not known to lack payroll admin: nothing said
    ("GET /Reports/BalanceSheet", {"role": "standard", "reports": True}),
    ("GET /Invoices", {"role": "standard", "reports": False, "payroll_admin": False, "projects": False}),
    (PROJECTS, {"role": "standard", "projects": True}),
])
def test_a_role_that_allows_the_call_is_not_blamed(endpoint: str, role: Any) -> None:
    d = run(status=403, body="{}", endpoint=endpoint, user_role=role, tenant_id=TENANT, country="AU")
    assert "user_role" not in d.codes


def test_xeros_own_role_words_agreeing_with_the_role_given_are_near_certain() -> None:
    d = run(status=403, body=json.dumps({"Detail": "invalid-user-role"}), endpoint="GET /Reports/BalanceSheet",
            user_role={"role": "standard", "reports": False})
    assert ranked(d) == [("user_role", 0.95)]
    assert d.top.title == "Reports need reports access, which this user lacks"


# --- the role said by Xero ---

@pytest.mark.parametrize(("message", "need"), [
    ("You need the payroll admin role", "the payroll admin role"),
    ("no access to the report", "reports access"),
    ("", "a role that allows this"),
])
def test_xero_saying_the_role_is_wrong_names_the_role_needed(message: str, need: str) -> None:
    body = {"Title": "Forbidden", "Detail": "invalid-user-role", **({"Message": message} if message else {})}
    d = run(status=403, body=json.dumps(body), endpoint="GET /Invoices")
    assert ranked(d) == [("user_role", 0.9)]
    assert d.top.title == f"Xero says the user lacks {need} in this organisation"
    assert d.top.fix == ("Ask an organisation admin for the needed role (reports access, payroll admin), "
                         "then retry.",)
    assert d.top.decides is None


def test_a_librarys_fixed_not_permitted_message_is_only_a_possible_role() -> None:
    d = run(text="You are not permitted to access this resource")
    f = one(d, "user_role")
    assert f.title == "A library's fixed 'not permitted' message: perhaps the user lacks a role"
    assert (f.weight, f.decides) == (0.6, ROLE_FACT)
    assert d.top is f


def test_role_words_on_a_success_are_weaker() -> None:
    d = run(status=200, body=json.dumps({"Detail": "invalid-user-role"}))
    assert one(d, "user_role").weight == 0.6


# --- the plan ---

def test_a_plan_known_to_lack_the_feature_is_named() -> None:
    d = run(status=403, body="{}", endpoint=AU_PAY, granted=["payroll.employees.read"],
            organisation={"country": "AU", "payroll": False})
    f = d.top
    assert (f.code, f.weight) == ("feature_not_in_plan", 0.88)
    assert f.title == "The organisation's plan does not include payroll"
    assert f.evidence[-1] == "plan: payroll=no"
    assert f.fix == ("Add payroll to the organisation's Xero subscription, or skip it.",)


def test_a_plan_known_to_have_the_feature_is_not_blamed() -> None:
    d = run(status=403, body="{}", endpoint=AU_PAY, granted=["payroll.employees.read"],
            organisation={"country": "AU", "payroll": True})
    assert "feature_not_in_plan" not in d.codes


def test_xero_saying_the_plan_lacks_it_names_the_product() -> None:
    d = run(status=403, text="Projects is not included in your plan", endpoint=PROJECTS,
            granted=["projects.read"])
    assert ranked(d) == [("feature_not_in_plan", 0.92)]
    assert d.top.title == "The organisation's plan does not include projects"
    assert d.top.fix == ("Add projects to the organisation's Xero plan (an admin does it in Xero), or skip "
                         "this API for this organisation: no scope or reconnect turns it on.",
                         "Projects calls also need the user to have a Projects role.")
    unsettled = run(status=403, text="Projects is not included in your plan")
    assert one(unsettled, "feature_not_in_plan").title == ("The organisation's plan does not include this "
                                                          "product")
    assert one(unsettled, "feature_not_in_plan").fix[0].startswith("Add it to the organisation's Xero plan")


def test_words_naming_the_plan_on_a_refused_expenses_call() -> None:
    d = run(status=403, body="Your Xero plan does not allow this", endpoint="GET /ExpenseClaims",
            granted=["accounting.transactions"])
    f = d.top
    assert (f.code, f.weight) == ("feature_not_in_plan", 0.7)
    assert f.title == ("Expenses is refused and the words name the organisation's plan: the plan may not "
                       "include it")
    assert f.evidence[-1] == "the wording: a plan named"
    assert f.decides == "the organisation's plan (is expenses enabled?)"


@pytest.mark.parametrize(("endpoint", "feature"), [
    (AU_PAY, "payroll"), (PROJECTS, "projects"), ("GET /Receipts", "expenses"),
    ("GET /ExpenseClaims", "expenses"),
])
def test_a_bare_refusal_of_a_plan_feature_may_be_the_plan(endpoint: str, feature: str) -> None:
    d = run(status=404, body="{}", endpoint=endpoint, country="AU")
    f = one(d, "feature_not_in_plan")
    assert f.title == f"Perhaps the plan lacks {feature}"
    assert (f.weight, f.decides) == (0.3, f"the organisation's plan (is {feature} enabled?)")


def test_an_endpoint_of_no_plan_feature_never_blames_the_plan() -> None:
    d = run(status=404, body="{}", endpoint="GET /Invoices")
    assert "feature_not_in_plan" not in d.codes


def test_no_plan_guess_on_a_401() -> None:
    assert "feature_not_in_plan" not in run(status=401, body="{}", endpoint=PROJECTS).codes


# --- the payroll region ---

def test_xero_saying_not_a_uk_customer_is_a_region_mismatch() -> None:
    d = run(status=403, body=json.dumps({"Title": "Forbidden", "Detail": "Not a UK Customer"}),
            endpoint=NZUK_PAY, country="AU")
    f = d.top
    assert (f.code, f.weight, f.decides) == ("payroll_region_mismatch", 0.9, None)
    assert f.title == ("Xero says the organisation is not in the country of the payroll API called: "
                       "'Not a UK Customer'")
    assert f.evidence[-1] == "wording: the payroll region differs"
    assert f.fix[0] == "The organisation is AU: " + REGION_APIS


def test_region_words_without_the_country_ask_for_it() -> None:
    d = run(status=403, body=json.dumps({"Title": "Forbidden", "Detail": "Not a UK Customer"}),
            endpoint=AU_PAY)
    f = one(d, "payroll_region_mismatch")
    assert f.title == ("Xero says the organisation is not in the country of the payroll API called "
                       "(AU payroll): 'Not a UK Customer'")
    assert f.fix[0] == "Find the organisation's country: GET /Organisation, CountryCode. " + REGION_APIS
    assert f.decides == COUNTRY_FACT


@pytest.mark.parametrize(("endpoint", "country", "title", "fix"), [
    (AU_PAY, "NZ", "An AU payroll endpoint was called for an NZ organisation",
     "Use the NZ payroll: the payroll_nz API (payroll.xro/2.0)."),
    (AU_PAY, "UK", "An AU payroll endpoint was called for a UK organisation",
     "Use the UK payroll: the payroll_uk API (payroll.xro/2.0)."),
    ("GET https://api.xero.com/payroll.xro/2.0/Employees", "AU",
     "An NZ/UK payroll endpoint was called for an AU organisation",
     "Use the AU payroll: https://api.xero.com/payroll.xro/1.0."),
])
def test_a_payroll_api_of_another_country_names_the_right_one(endpoint: str, country: str, title: str,
                                                             fix: str) -> None:
    d = run(status=404, body="{}", endpoint=endpoint, country=country, granted=["payroll.employees.read"])
    f = d.top
    assert (f.code, f.weight, f.title, f.fix) == ("payroll_region_mismatch", 0.9, title, (fix,))
    assert f.evidence[-1] == f"organisation country {country}"


def test_a_us_organisation_is_told_there_is_no_payroll_api() -> None:
    d = run(status=404, body="{}", endpoint=AU_PAY, country="US", granted=["payroll.employees.read"])
    assert d.top.title == "An AU payroll endpoint was called for a US organisation"
    assert "Xero has no payroll API for US orgs" in d.top.fix[0]


def test_the_organisations_own_region_is_no_mismatch() -> None:
    d = run(status=404, body="{}", endpoint=AU_PAY, country="AU", granted=["payroll.employees.read"])
    assert "payroll_region_mismatch" not in d.codes


@pytest.mark.parametrize(("status", "weight"), [(404, 0.5), (405, 0.5), (403, 0.3)])
def test_without_the_country_a_payroll_refusal_may_be_the_region(status: int, weight: float) -> None:
    d = run(status=status, body="{}", endpoint=AU_PAY, granted=["payroll.employees.read"])
    f = one(d, "payroll_region_mismatch")
    assert f.title == "Payroll APIs differ by country; this may be the wrong region's API"
    assert f.evidence[-1] == "endpoint serves AU payroll"
    assert (f.weight, f.decides) == (weight, COUNTRY_FACT)


def test_words_naming_another_country_than_the_apis() -> None:
    d = run(status=404, body="the organisation is in New Zealand", endpoint=AU_PAY,
            granted=["payroll.employees.read"])
    f = d.top
    assert (f.code, f.weight) == ("payroll_region_mismatch", 0.75)
    assert f.title == "An AU payroll API was called, and the words name an NZ organisation"
    assert f.evidence[-1] == "API serves AU payroll; the words name NZ"
    assert f.fix == (REGION_APIS,)


def test_words_naming_the_apis_own_country_are_no_mismatch() -> None:
    d = run(status=404, body="the organisation is in Australia", endpoint=AU_PAY,
            granted=["payroll.employees.read"])
    assert "payroll_region_mismatch" not in d.codes


def test_the_payroll_base_path_in_the_words_says_the_region() -> None:
    d = run(status=404, body="GET https://api.xero.com/payroll.xro/1.0/Foo failed for an NZ organisation")
    f = one(d, "payroll_region_mismatch")
    assert f.title == "An AU payroll API was called, and the words name an NZ organisation"
    v2 = run(status=404, body="GET https://api.xero.com/payroll.xro/2.0/Foo failed for an AU organisation")
    assert one(v2, "payroll_region_mismatch").title == ("An NZ/UK payroll API was called, and the words "
                                                       "name an AU organisation")


def test_a_non_payroll_endpoint_has_no_region() -> None:
    d = run(status=404, body="the organisation is in New Zealand", endpoint="GET /Invoices")
    assert "payroll_region_mismatch" not in d.codes


def test_a_closed_api_is_restricted() -> None:
    d = run(status=403, body=json.dumps({"Title": "Forbidden", "Detail": "invalid-application"}),
            endpoint="GET /Invoices")
    assert ranked(d) == [("restricted_scope", 0.95)]
    assert d.top.title == "The app is not enabled for this closed API (invalid-application)"
    assert d.top.fix == ("Apply to Xero for access to this API; only partners get it.",)


# --- more of the region and role wording ---

SECOND_REGION_STEP = ("Call the payroll API of the organisation's own country (same scopes: "
                      "payroll.employees, payroll.timesheets, ...).")


def test_two_countries_set_apart_in_the_words_are_a_weaker_region_mismatch() -> None:
    d = run(status=403, body=json.dumps({"Message": "Payroll call failed: an NZ payroll request on an "
                                                    "AU organisation"}), endpoint=AU_PAY)
    f = d.top
    assert (f.code, f.weight, f.decides) == ("payroll_region_mismatch", 0.75, COUNTRY_FACT)
    # the words, not Xero, say it; and no line of them matches Xero's own region wording
    assert f.title == ("The words say the organisation is not in the country of the payroll API called "
                       "(AU payroll)")
    assert f.fix[1] == SECOND_REGION_STEP


def test_a_long_region_message_is_quoted_to_80_characters() -> None:
    said = ("Not a UK Customer: this organisation is registered elsewhere and cannot use this payroll "
            "endpoint at all, see docs")
    d = run(status=403, body=json.dumps({"Detail": said}), endpoint=AU_PAY, country="AU")
    assert d.top.title == ("Xero says the organisation is not in the country of the payroll API called "
                           f"(AU payroll): {said[:80]!r}")
    assert d.top.fix == ("The organisation is AU: " + REGION_APIS, SECOND_REGION_STEP)


@pytest.mark.parametrize(("endpoint", "words", "title", "evidence"), [
    (AU_PAY, "the organisation is in the United Kingdom",
     "An AU payroll API was called, and the words name a UK organisation", "API serves AU payroll; the words name UK"),
    (AU_PAY, "the organisation is in New Zealand or the United Kingdom",
     "An AU payroll API was called, and the words name an NZ/UK organisation",
     "API serves AU payroll; the words name NZ/UK"),
    (NZUK_PAY, "the organisation is in Australia",
     "An NZ/UK payroll API was called, and the words name an AU organisation",
     "API serves NZ/UK payroll; the words name AU"),
])
def test_the_countries_the_words_name_are_listed(endpoint: str, words: str, title: str, evidence: str) -> None:
    d = run(status=404, body=words, endpoint=endpoint, granted=["payroll.employees.read"])
    f = one(d, "payroll_region_mismatch")
    assert (f.title, f.evidence[-1], f.weight, f.decides) == (title, evidence, 0.75, COUNTRY_FACT)


def test_an_endpoint_of_several_regions_lists_them_all() -> None:
    d = run(status=404, body="{}", endpoint=NZUK_PAY, granted=["payroll.employees.read"])
    f = one(d, "payroll_region_mismatch")
    assert f.evidence[-1] == "endpoint serves NZ/UK payroll"
    assert f.fix == ("AU orgs use payroll.xro/1.0; NZ and UK use payroll.xro/2.0 (the country is "
                     "Organisation.CountryCode in GET /Organisation).",)


def test_a_payroll_base_path_alone_is_no_region_mismatch() -> None:
    """The words name the payroll API but no country: nothing says the region is wrong."""
    d = run(status=404, body="GET https://api.xero.com/payroll.xro/1.0/Foo failed")
    assert "payroll_region_mismatch" not in d.codes


def test_xero_naming_another_cause_leaves_the_region_out() -> None:
    d = run(status=403, body=json.dumps({"Detail": "invalid-user-role"}), endpoint=AU_PAY,
            granted=["payroll.employees.read"])
    assert d.codes == ("user_role",)


def test_a_role_given_and_xeros_not_permitted_agree() -> None:
    d = run(status=403, text="You are not permitted to access this resource", endpoint="POST /Invoices",
            user_role="read-only", granted=["accounting.invoices"], tenant_id=TENANT)
    f = one(d, "user_role")
    assert (f.title, f.weight) == ("A read-only user cannot write", 0.95)


def test_a_role_that_allows_the_call_leaves_the_other_causes_intact() -> None:
    d = run(status=403, body="{}", endpoint=PROJECTS, user_role="standard", granted=["projects.read"])
    assert not d.notes  # no rule failed
    assert "feature_not_in_plan" in d.codes  # the plan guess of the same rule is still there


def test_roles_written_with_commas_alone_are_split() -> None:
    assert read_role("standard,payroll", None) == Role("standard", payroll_admin=True)


def test_a_country_in_xeros_fields_is_read_even_past_a_long_bodys_first_4000_characters() -> None:
    body = json.dumps({"Detail": "x " * 2100, "Message": "the organisation is in NZ", "Type": "y"})
    d = run(status=404, body=body, endpoint=AU_PAY, granted=["payroll.employees.read"])
    assert one(d, "payroll_region_mismatch").title == ("An AU payroll API was called, and the words name "
                                                      "an NZ organisation")



# --- what Xero named rules out the guesses ---

@pytest.mark.parametrize(("status", "text", "codes"), [
    # the role named: neither the region nor the plan is guessed at
    (404, "The user is not permitted to view payroll", ("user_role",)),
    # the region named, with the plan: the plan is not the organisation's here
    (404, "This feature is not included in your plan: Not a UK customer", ("payroll_region_mismatch",)),
    (404, "Payroll not included in your plan for the NZ payroll on an AU organisation",
     ("payroll_region_mismatch",)),
    # "upgrade your plan" said of the app's connection limit is the app's tier
    (403, "The app has reached its connection limit: upgrade your plan", ("tier_gated",)),
    (404, json.dumps({"Detail": "invalid-application"}), ("restricted_scope",)),
])
def test_a_cause_xero_names_leaves_out_the_region_and_plan_guesses(status: int, text: str,
                                                                   codes: tuple[str, ...]) -> None:
    d = run(status=status, body=text, endpoint=AU_PAY, granted=["payroll.employees.read"])
    assert d.codes == codes


def test_a_named_closed_api_lists_what_was_seen() -> None:
    d = run(status=403, body=json.dumps({"Title": "Forbidden", "Detail": "invalid-application"}),
            endpoint="GET /Invoices")
    assert d.top.evidence == ("status 403", "detail: invalid-application")


@pytest.mark.parametrize("text", [
    "The user is not permitted to view payroll",  # no library's fixed message
    "You are not permitted to access this resource: check the user role",  # a role named with it
])
def test_a_role_refusal_in_xeros_words_is_not_taken_for_a_librarys_message(text: str) -> None:
    d = run(text=text)
    f = one(d, "user_role")
    assert (f.title, f.weight, f.decides) == (
        "Xero says the user lacks a role that allows this in this organisation", 0.9, None)


def test_xeros_invalid_user_role_with_the_librarys_words_is_xeros() -> None:
    d = run(status=403, body=json.dumps({"Detail": "invalid-user-role",
                                         "Message": "You are not permitted to access this resource"}),
            endpoint="GET /Invoices")
    f = d.top
    assert (f.code, f.weight) == ("user_role", 0.9)
    assert f.title == "Xero says the user lacks a role that allows this in this organisation"
    assert f.evidence == ("status 403", "detail: invalid-user-role",
                          "message: You are not permitted to access this resource")


def test_the_plan_findings_list_what_was_seen_and_say_what_to_do() -> None:
    said = run(status=403, text="Projects is not included in your plan", endpoint=PROJECTS,
               granted=["projects.read"])
    assert said.top.evidence == ("status 403",)
    named = run(status=403, body="Your Xero plan does not allow this", endpoint="GET /ExpenseClaims",
                granted=["accounting.transactions"])
    assert named.top.fix == ("Check the organisation's Xero plan includes expenses; add it, or skip this "
                             "API for this organisation.",)
    guess = one(run(status=404, body="{}", endpoint=PROJECTS, country="AU"), "feature_not_in_plan")
    assert guess.evidence == ("status 404",)
    assert guess.fix == ("Check the organisation has projects enabled.",)


@pytest.mark.parametrize(("text", "weight"), [
    ("Not a UK Customer", 0.9),  # Xero's region words
    ("an NZ payroll request on an AU organisation", 0.75),  # two countries set apart
])
def test_region_words_alone_leave_out_the_plan_guess(text: str, weight: float) -> None:
    d = run(status=404, body=text, endpoint=AU_PAY, granted=["payroll.employees.read"])
    assert ranked(d) == [("payroll_region_mismatch", weight)]


def test_an_object_with_every_flag_is_read_flag_by_flag() -> None:
    class OrgRole:
        role = "Standard"
        reports = True
        payroll_admin = False
        projects = True

    assert read_role(OrgRole(), None) == Role("standard", True, False, True)


def test_an_object_with_only_a_role_has_no_flags() -> None:
    class OrgRole:
        role = "Adviser"

    assert read_role(OrgRole(), None) == Role("adviser")


def test_a_set_of_role_words_is_read_word_by_word() -> None:
    assert read_role(frozenset({"adviser"}), None) == Role("adviser")
    assert read_role({"standard", "payroll"}, None) == Role("standard", payroll_admin=True)


# --- an empty 403 on one product's calls (corpus batch 9) ---

PAYROLL_UK = "GET https://api.xero.com/payroll.xro/2.0/Employees"


def test_an_empty_403_on_payroll_is_said_whole() -> None:
    d = run(status=403, body="", endpoint=PAYROLL_UK, country="UK")
    f, role = one(d, "feature_not_in_plan"), one(d, "user_role")
    assert (f.title, f.weight, f.decides) == (
        "An empty 403 on payroll calls: the organisation may not have payroll set up (or on its plan)",
        0.6, "whether payroll is set up in the organisation")
    assert f.evidence[-1] == "no Xero problem body (a tenant refusal carries one)"
    assert f.fix == ("Open Payroll once in Xero for this organisation (a new or restored organisation "
                     "must finish its set-up there), and check the plan includes payroll.",
                     "Then retry; no API call can turn it on.")
    assert (role.title, role.weight, role.decides) == (
        "Or the user who connected is not a payroll admin", 0.4, ROLE_FACT)
    assert role.evidence == f.evidence[:-1] and role.evidence[0] == "status 403"
    assert role.fix == ("Ask an organisation admin for the payroll admin role, then connect again.",)


@pytest.mark.parametrize("text", [
    '{"Title": "Forbidden"} and an empty body on every payroll call',  # Xero's title: its problem
    '{"Detail": "Nope"} and an empty body on every payroll call',  # Xero's detail: its problem
    "AuthenticationUnsuccessful, empty body, on every payroll call",  # the tenant refusal's word
    "insufficient_scope: empty body on every payroll call",  # a scope refusal's word
])
def test_an_empty_403_that_carries_xeros_words_is_not_an_unprovisioned_product(text: str) -> None:
    d = run(status=403, text=text, endpoint=PAYROLL_UK, country="UK")
    assert not any(f.title.startswith("An empty 403") for f in d.findings), ranked(d)


def test_an_empty_403_on_an_accounting_endpoint_is_no_product() -> None:
    d = run(status=403, body="", endpoint="GET https://api.xero.com/api.xro/2.0/Invoices")
    assert not any(f.title.startswith("An empty 403") for f in d.findings), ranked(d)
