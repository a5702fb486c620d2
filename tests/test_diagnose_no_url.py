"""A refusal whose printout names no URL (xero-python's ``str(exc)``): what the context still tells.

The SDK's exception text holds the status, the headers and the body, but not the call. The
token's scopes, the scopes the app asks for and the app's era can still settle the cause.
"""

from __future__ import annotations

import json
from functools import partial

from xero_nb.diagnose.diagnosis import diagnose as _diagnose_with_wording
from xero_nb.diagnose.fields import find_json
from xero_nb.diagnose.findings import Finding

# These tests pin the rules: diagnose() here is the rules alone (resemblance=False); the wording's
# statistical reading it adds by default is tested in tests/test_diagnose_resemble.py.
diagnose = partial(_diagnose_with_wording, resemblance=False)

BODY_401 = '{"Type":null,"Title":"Unauthorized","Status":401,"Detail":"AuthorizationUnsuccessful"}'
SDK_401 = ("(401)\nReason: Unauthorized\nHTTP response headers: HTTPHeaderDict({'WWW-Authenticate': "
           "'Bearer error=\"insufficient_scope\"'})\nHTTP response body: b'" + BODY_401 + "'\n")
BODY_404 = ('{"Type":null,"Title":"NotFound","Status":404,"Detail":"The resource you have specified '
            'cannot be found","Extensions":{}}')
SDK_404 = ("The resource you're looking for cannot be found\nHTTP response headers: HTTPHeaderDict("
           "{'Content-Type': 'application/json'})\nHTTP response body: b'" + BODY_404 + "'\n")


def _weight(d: object, code: str) -> float:
    return next(f.weight for f in d.findings if f.code == code)  # type: ignore[attr-defined]


def test_broad_scopes_on_a_granular_app_are_named_without_the_url() -> None:
    d = diagnose(text=SDK_401, granted="openid offline_access accounting.transactions", era="granular")
    assert d.top.code == "broad_scope_on_granular_app"
    assert "`accounting.transactions`" in d.top.title and d.top.decides is None
    # with a granular scope held too, the call may have needed another: a reading, not the answer
    mixed = diagnose(text=SDK_401, granted="accounting.transactions accounting.contacts.read",
                     era="granular")
    assert "broad_scope_on_granular_app" in mixed.codes[:3]
    assert _weight(mixed, "broad_scope_on_granular_app") < _weight(d, "broad_scope_on_granular_app")
    assert mixed.findings[mixed.codes.index("broad_scope_on_granular_app")].decides is not None
    # a mixed-era app may hold broad scopes: nothing to say about them
    older = diagnose(text=SDK_401, granted="accounting.transactions", era="mixed")
    assert "broad_scope_on_granular_app" not in older.codes


def test_scopes_asked_for_but_not_held_mean_no_consent_since() -> None:
    d = diagnose(text=SDK_401, granted="openid offline_access",
                 requested="openid offline_access accounting.contacts")
    assert d.top.code == "not_reconsented"
    assert "`accounting.contacts`" in d.top.title
    # only the sign-in scopes differ: no scope of the API is missing from the grant
    same = diagnose(text=SDK_401, granted="accounting.contacts", requested="openid accounting.contacts")
    assert not any("asks for" in f.title for f in same.findings)
    # what is asked for is unknown: the token alone cannot say the consent is old
    unknown = diagnose(text=SDK_401, granted="openid offline_access")
    assert unknown.top.code == "missing_scope"


def test_the_journals_gate_reads_alike_when_the_journals_scope_is_held() -> None:
    d = diagnose(text=SDK_401, granted="accounting.journals.read")
    assert "tier_gated" in d.codes[:3]
    assert d.findings[d.codes.index("tier_gated")].decides  # the URL would settle it
    assert "tier_gated" not in diagnose(text=SDK_401, granted="accounting.contacts.read").codes


def test_a_404_to_a_payroll_token_may_be_the_other_countrys_payroll_api() -> None:
    d = diagnose(text=SDK_404, granted="payroll.employees.read")
    assert d.observed.status == 404
    assert d.top.code == "payroll_region_mismatch"
    assert d.top.weight < 0.5 and "URL" in (d.top.decides or "")
    assert "payroll_region_mismatch" not in diagnose(text=SDK_404, granted="accounting.contacts.read").codes
    # with the URL known the region is judged from it, not guessed
    au = diagnose(text=SDK_404, granted="payroll.employees.read", country="AU",
                  endpoint="GET https://api.xero.com/payroll.xro/1.0/Employees")
    assert "payroll_region_mismatch" not in au.codes


def test_json_quoted_once_more_is_read_whole_despite_an_empty_object_inside() -> None:
    # xero-node's API classes reject with a JSON string; JSON.stringify of it quotes it again
    thrown = json.dumps({"response": {"statusCode": 401, "body": json.loads(BODY_404),
                                      "headers": {"www-authenticate": "insufficient_scope"},
                                      "request": {"method": "GET"}}})
    printed = json.dumps(thrown)
    found = find_json(printed)
    assert isinstance(found, dict) and found["response"]["statusCode"] == 401
    assert found["response"]["request"] == {"method": "GET"}
    # plain JSON that happens to hold an escaped quote in a string keeps its own reading
    plain = '{"Detail": "say \\"hi\\"", "Status": 400}'
    assert find_json(plain) == {"Detail": 'say "hi"', "Status": 400}


# --- each reading in full: title, evidence, fix, weight and what would decide ---

SEEN_401 = ("status 401", "insufficient_scope", "AuthorizationUnsuccessful")
CONSENT = ("Existing tokens never change: the user must sign in and consent again, then use the NEW "
           "token (refreshing the old one keeps the old scopes).")
REPLACE = ("Replace the broad scopes with the granular ones the calls need (`xero-nb scopes-for METHOD "
           "URL` names them) in the app's scope list.")
ENDPOINT = "which endpoint was called (method and URL)"


def _finding(d: object, code: str) -> Finding:
    return next(f for f in d.findings if f.code == code)  # type: ignore[attr-defined]


def test_broad_scopes_held_in_full() -> None:
    only = diagnose(text=SDK_401, granted="openid offline_access accounting.transactions", era="granular")
    assert _finding(only, "broad_scope_on_granular_app") == Finding(
        "broad_scope_on_granular_app", "The token holds `accounting.transactions`: deprecated broad scope, "
        "which grants nothing to an app created from 2 Mar 2026",
        (*SEEN_401, "token scopes: accounting.transactions, offline_access, openid",
         "app era: granular (created from 2 Mar 2026)"), (REPLACE, CONSENT), 0.8, None)
    both = diagnose(text=SDK_401, granted="accounting.transactions accounting.reports.read "
                    "accounting.contacts.read", era="granular")
    assert _finding(both, "broad_scope_on_granular_app") == Finding(
        "broad_scope_on_granular_app", "The token holds `accounting.reports.read`, "
        "`accounting.transactions`: deprecated broad scopes, which grant nothing to an app created "
        "from 2 Mar 2026",
        (*SEEN_401, "token scopes: accounting.contacts.read, accounting.reports.read, "
         "accounting.transactions", "app era: granular (created from 2 Mar 2026)"),
        (REPLACE, CONSENT), 0.5, ENDPOINT)
    # with no status the fact that would decide is the status, as for the other scope readings
    words = diagnose(text="AuthorizationUnsuccessful insufficient_scope",
                     granted="accounting.transactions accounting.contacts.read", era="granular")
    assert _finding(words, "broad_scope_on_granular_app").decides == _finding(words, "missing_scope").decides


def test_scopes_asked_for_but_not_held_in_full() -> None:
    d = diagnose(text=SDK_401, granted="openid offline_access", client_id="abc",
                 redirect_uri="http://localhost:8080/cb",
                 requested="openid offline_access accounting.contacts")
    assert _finding(d, "not_reconsented") == Finding(
        "not_reconsented", "The app asks for `accounting.contacts` but this token was issued without "
        "it: the user has not consented since",
        (*SEEN_401, "token scopes: offline_access, openid", "the app requests accounting.contacts"),
        (CONSENT, "Sign in again with: https://login.xero.com/identity/connect/authorize?response_type=code"
         "&client_id=abc&redirect_uri=http%3A%2F%2Flocalhost%3A8080%2Fcb"
         "&scope=offline_access+openid+accounting.contacts"), 0.75, ENDPOINT)
    many = diagnose(text=SDK_401, granted="openid", requested="openid accounting.contacts "
                    "accounting.settings accounting.attachments accounting.budgets.read "
                    "accounting.reports.aged.read")
    f = _finding(many, "not_reconsented")
    assert f.title == ("The app asks for `accounting.attachments`, `accounting.budgets.read`, "
                       "`accounting.contacts`, `accounting.reports.aged.read` but this token was issued "
                       "without them: the user has not consented since")
    assert f.evidence[-1] == ("the app requests accounting.attachments, accounting.budgets.read, "
                              "accounting.contacts, accounting.reports.aged.read, accounting.settings")
    assert f.fix == (CONSENT,) and f.weight == 0.75


def test_the_journals_reading_in_full() -> None:
    d = diagnose(text=SDK_401, granted="accounting.journals.read")
    assert _finding(d, "tier_gated") == Finding(
        "tier_gated", "If the call was GET /Journals: from 2 Mar 2026 Journals need the Advanced tier "
        "and Xero's security assessment, even with accounting.journals.read (held)",
        (*SEEN_401, "token scopes: accounting.journals.read", "token scopes include accounting.journals.read"),
        ("Check the app's tier at developer.xero.com (Journals need Advanced).",
         "Apply for Journals access (security assessment) or read transactions from the granular "
         "endpoints (Invoices, Payments, BankTransactions, ManualJournals) instead."), 0.4, ENDPOINT)


REGION_STEPS = ("AU organisations use AU payroll (payroll.xro/1.0, PayrollAuApi); NZ and UK organisations "
                "use payroll.xro/2.0 (PayrollNzApi, PayrollUkApi); US organisations have no payroll API.",
                "If the URL is the right region's, the id in it is wrong or deleted: list the records "
                "first.")
URL_CALLED = "the URL called (payroll.xro/1.0 is AU payroll, payroll.xro/2.0 NZ and UK)"


def test_the_payroll_404_reading_in_full() -> None:
    d = diagnose(text=SDK_404, granted="payroll.timesheets.read payroll.employees.read payroll.payruns.read "
                 "payroll.settings.read accounting.contacts.read")
    assert _finding(d, "payroll_region_mismatch") == Finding(
        "payroll_region_mismatch", "A 404 to a token holding payroll scopes: perhaps the payroll API of "
        "another country than the organisation's",
        ("status 404", "detail: The resource you have specified cannot be found",
         "token scopes include payroll.employees.read, payroll.payruns.read, payroll.settings.read"),
        REGION_STEPS, 0.35, URL_CALLED)
    gone = diagnose(text=SDK_404.replace("404", "405"), granted="payroll.employees.read")
    assert _finding(gone, "payroll_region_mismatch").title.startswith("A 405 to a token")
    # other statuses, a named cause, a settled endpoint or candidates: not this reading
    for text in (SDK_404.replace("404", "403"), SDK_404.replace("404", "400")):
        assert not any(f.title.startswith("A 4") for f in diagnose(text=text, granted="payroll.employees.read")
                       .findings)
    plan = diagnose(text=SDK_404 + " Not a UK customer", granted="payroll.employees.read")
    assert not any(f.title.startswith("A 404 to a token") for f in plan.findings)
    some = diagnose(text=SDK_404, granted="payroll.employees.read", endpoint="GET /Employees")
    assert not any(f.title.startswith("A 404 to a token") for f in some.findings)


def test_an_oauth_error_sends_the_user_to_the_app_settings_in_full() -> None:
    d = diagnose(text='{"error":"invalid_scope"}', requested="accounting.invoices.read accounting.transactions",
                 era="mixed")
    assert _finding(d, "unknown").fix[0] == (
        "Compare the request with the app's settings at developer.xero.com (client id, redirect URI, "
        "the scopes it may ask for); OAuth errors carry no Xero-Correlation-Id.")


WORDS_401 = "AuthorizationUnsuccessful insufficient_scope"  # no status: every reading weaker alike


def _ratio(d: object, code: str, base: str = "missing_scope") -> float:
    return _finding(d, code).weight / _finding(d, base).weight


def test_each_reading_weakens_with_the_evidence_as_the_scope_finding_does() -> None:
    for text in (SDK_401, WORDS_401):
        asked = diagnose(text=text, granted="openid", requested="openid accounting.contacts accounting.settings")
        assert abs(_ratio(asked, "not_reconsented") - 0.75 / 0.55) < 1e-9
        assert _finding(asked, "not_reconsented").title.endswith("without them: the user has not consented since")
        broad = diagnose(text=text, granted="accounting.transactions", era="granular")
        assert abs(_ratio(broad, "broad_scope_on_granular_app") - 0.8 / 0.55) < 1e-9
        journals = diagnose(text=text, granted="accounting.journals.read")
        assert abs(_ratio(journals, "tier_gated") - 0.4 / 0.55) < 1e-9
    weak = diagnose(text=WORDS_401, granted="openid", requested="openid accounting.contacts")
    assert _finding(weak, "not_reconsented").weight < 0.75  # the words alone are weaker than a 401


def test_a_named_cause_stops_the_payroll_404_guess() -> None:
    from xero_nb.diagnose.context import build_context
    from xero_nb.diagnose.observation import observe
    from xero_nb.diagnose.org import _payroll_404, _region

    obs = observe(text=SDK_404)
    ctx = build_context(obs, endpoint=None, granted="payroll.employees.read", requested=None, token=None,
                        connections=None, era=None, organisation=None, user_role=None, tenant_id=None,
                        authorize=None, client_id=None, redirect_uri=None, now=0.0)
    assert [f.weight for f in _payroll_404(obs, ctx, [], False)] == [0.35]
    assert _payroll_404(obs, ctx, [], True) == []
    assert _region(obs, ctx, [], True) == []
    assert [f.title[:5] for f in _region(obs, ctx, [], False)] == ["A 404"]


def test_a_missing_journals_scope_also_says_the_tier_gate() -> None:
    d = diagnose(status=401, headers={"WWW-Authenticate": "insufficient_scope"}, endpoint="GET /Journals",
                 granted="accounting.settings.read")
    assert d.top.code == "missing_scope"
    assert d.top.fix[:2] == (
        "Add `accounting.journals.read` to the scopes your app requests.",
        "The scope alone is not enough: Journals need the Advanced tier from 2 Mar 2026 (apps created "
        "since then also Xero's approval); check the app's tier at developer.xero.com.")
    other = diagnose(status=401, headers={"WWW-Authenticate": "insufficient_scope"}, endpoint="GET /Invoices",
                     granted="accounting.settings.read")
    assert not any("tier" in step for step in other.top.fix)
