"""Context that diagnose() is given is used or said to be unusable, never silently dropped."""

from __future__ import annotations

from functools import partial

import pytest
from samples import XERO_PYTHON as BANK_STATEMENT_PRINTOUT

from xero_nb.catalog.index import load_catalog
from xero_nb.client.call import XeroClient
from xero_nb.diagnose.diagnosis import diagnose as _diagnose_with_wording
from xero_nb.diagnose.endpoint import COUNTRY_FACT, resolve_endpoint, split_endpoint
from xero_nb.simulator import XeroSimulator

# These tests pin the rules: diagnose() here is the rules alone (resemblance=False); the wording's
# statistical reading it adds by default is tested in tests/test_diagnose_resemble.py.
diagnose = partial(_diagnose_with_wording, resemblance=False)

BANK_URL = "https://api.xero.com/api.xro/2.0/Reports/BankStatement"
PAYROLL_V2 = "GET https://api.xero.com/payroll.xro/2.0/Employees"
SPEC = load_catalog().spec_version


# --- 1. the BankStatement report is restricted, whatever form the concrete path comes in ---

@pytest.mark.parametrize("given", [
    {"endpoint": "GET /Reports/BankStatement"},
    {"endpoint": "GET:/Reports/BankStatement"},
    {"endpoint": f"GET {BANK_URL}"},
    {"endpoint": BANK_URL},
    {"url": BANK_URL, "method": "GET"},
    {"url": BANK_URL, "endpoint": load_catalog().get("accounting", "getReportFromId")},
])
@pytest.mark.parametrize("era", ["broad", None, "granular", "mixed"])
def test_bank_statement_is_restricted_first(given: dict[str, object], era: str | None) -> None:
    d = diagnose(text=BANK_STATEMENT_PRINTOUT, granted=["accounting.reports.read"], era=era, **given)
    assert d.top.code == "restricted_scope", d.to_markdown()
    assert "BankStatement" in d.top.title and "accounting.reports.bankstatement.read" in d.top.title
    assert "user_role" not in d.codes[:1] and d.decisive_fact is None
    assert any("BankTransactions" in step for step in d.top.fix)


def test_bank_statement_is_restricted_even_when_the_scopes_are_unknown() -> None:
    d = diagnose(text=BANK_STATEMENT_PRINTOUT, endpoint="GET /Reports/BankStatement")
    assert d.top.code == "restricted_scope"


def test_other_reports_by_id_are_not_called_restricted() -> None:
    d = diagnose(text=BANK_STATEMENT_PRINTOUT, endpoint="GET /Reports/GST", granted=["openid"],
                 era="broad")
    assert d.top.code == "missing_scope" and "restricted_scope" not in d.codes


def test_bank_statement_call_result_from_the_simulator() -> None:
    sim = XeroSimulator()
    tok = sim.issue_token(scopes=["accounting.reports.read"])  # the broad-era "web" app
    client = XeroClient(token=tok, transport=sim.transport(), tenant_id=sim.tenant("AU").tenant_id)
    result = client.call("GET /Reports/BankStatement")
    assert result.status == 401 and result.endpoint is not None
    # Its own catalog endpoint (documented by Xero, not in the specs) with its own scope.
    assert result.endpoint.operation_id == "getReportBankStatement"
    assert result.endpoint.scopes == {"accounting.reports.bankstatement.read"}
    whole = diagnose(result)  # the CallResult's request URL, endpoint and granted scopes are read
    assert whole.top.code == "restricted_scope" and whole.decisive_fact is None
    assert any("accounting.reports.read" in e for e in whole.top.evidence)
    with_url = result.diagnosis(url=result.url, method=result.method)
    assert with_url.top.code == "restricted_scope"
    parts = diagnose(status=result.status, headers=dict(result.headers), body=result.body,
                     endpoint=result.endpoint, url=result.url, granted=sorted(result.granted))
    assert parts.top.code == "restricted_scope"


@pytest.mark.parametrize(("granted", "said"), [
    (["accounting.transactions", "openid"],
     "era taken as mixed from the token's scopes (accounting.transactions is a broad scope: "
     "the app predates 2 Mar 2026); pass era= if the app is of another kind"),
    (["accounting.transactions.read", "accounting.invoices.read"],
     "era taken as mixed from the token's scopes (accounting.transactions.read is a broad scope: "
     "the app predates 2 Mar 2026); pass era= if the app is of another kind"),
])
def test_an_era_read_from_the_token_is_said_when_the_verdict_turns_on_it(granted: list[str],
                                                                        said: str) -> None:
    d = diagnose(status=401, endpoint="GET /Journals", granted=granted)
    assert d.top.code == "missing_scope" and said in d.notes


@pytest.mark.parametrize("given", [
    {"era": "granular"},  # the era was given, not guessed
    {"granted": ["accounting.contacts", "openid"]},  # scopes of both eras: nothing guessed
    {"text": "HTTP 429 Too Many Requests", "status": None},  # the top cause does not turn on the era
])
def test_no_era_note_when_nothing_was_guessed_or_it_decides_nothing(given: dict[str, object]) -> None:
    args: dict[str, object] = {"status": 401, "endpoint": "GET /Journals",
                               "granted": ["accounting.invoices.read"], **given}
    d = diagnose(**args)  # type: ignore[arg-type]
    assert not [n for n in d.notes if n.startswith("era taken as")], d.notes


def test_a_broad_scope_held_without_an_era_is_not_blamed_on_a_granular_app() -> None:
    # Xero refuses broad scopes at sign-in to apps from 2 Mar 2026: holding one points to an
    # older app, so the user's reports role ranks above a granular-era guess.
    d = diagnose(text=BANK_STATEMENT_PRINTOUT, endpoint="GET /Reports/BalanceSheet",
                 granted=["accounting.reports.read"])
    assert d.top.code == "user_role", d.to_markdown()
    broad = d.findings[d.codes.index("broad_scope_on_granular_app")]
    assert broad.weight < d.top.weight and any("unlikely" in e for e in broad.evidence)
    told = diagnose(text=BANK_STATEMENT_PRINTOUT, endpoint="GET /Reports/BalanceSheet",
                    granted=["accounting.reports.read"], era="granular")
    assert told.top.code == "broad_scope_on_granular_app" and told.top.weight >= 0.85
    assert "accounting.reports.balancesheet.read" in told.top.title


# --- 2. unusable context is said, not dropped ---

@pytest.mark.parametrize("text", ["GET:/Invoices", "get: /Invoices", "GET /Invoices",
                                  "GET:https://api.xero.com/api.xro/2.0/Invoices", " GET  /Invoices "])
def test_method_url_forms_resolve(text: str) -> None:
    d = diagnose(text=BANK_STATEMENT_PRINTOUT, endpoint=text, granted=["openid"], era="broad")
    assert d.top.code == "missing_scope" and "accounting.getInvoices" in d.top.title
    assert d.top.weight >= 0.85 and d.decisive_fact is None and not d.notes


def test_split_endpoint_keeps_bare_urls_whole() -> None:
    assert split_endpoint("GET:/Invoices") == ("GET", "/Invoices")
    assert split_endpoint("https://api.xero.com/api.xro/2.0/Invoices") == (
        None, "https://api.xero.com/api.xro/2.0/Invoices")
    assert split_endpoint("delete https://x/y") == ("DELETE", "https://x/y")


def test_unknown_endpoint_is_noted_and_the_fact_names_it() -> None:
    d = diagnose(text=BANK_STATEMENT_PRINTOUT, endpoint="GET /Nope", granted=["openid"])
    assert f"endpoint 'GET /Nope' is not a Xero endpoint in the catalog (spec {SPEC})" in d.notes
    assert d.decisive_fact is not None and "GET /Nope" in d.decisive_fact
    assert "which endpoint was called" not in d.decisive_fact
    assert "not a Xero endpoint" in d.to_markdown()


def test_token_endpoint_urls_are_not_called_unknown_endpoints() -> None:
    d = diagnose(status=400, body='{"error":"invalid_grant"}', method="POST",
                 url="https://identity.xero.com/connect/token")
    assert d.top.code == "invalid_grant" and not d.notes


def test_ambiguous_payroll_url_names_the_candidates_and_asks_for_the_country() -> None:
    d = diagnose(text=BANK_STATEMENT_PRINTOUT, endpoint=PAYROLL_V2, granted=["openid"])
    note = " ".join(d.notes)
    assert "payroll_nz.getEmployees (NZ)" in note and "payroll_uk.getEmployees (UK)" in note
    assert "the organisation's country decides" in note
    assert d.decisive_fact == COUNTRY_FACT == "the organisation's country (AU, NZ or UK)"
    assert d.top.code == "missing_scope" and "payroll.employees.read" in d.top.title


@pytest.mark.parametrize("country, api", [("NZ", "payroll_nz"), ("UK", "payroll_uk"), ("GB", "payroll_uk")])
def test_ambiguous_payroll_url_settled_by_the_organisation(country: str, api: str) -> None:
    d = diagnose(text=BANK_STATEMENT_PRINTOUT, endpoint=PAYROLL_V2, granted=["openid"],
                 organisation={"CountryCode": country})
    assert not d.notes and d.top.code == "missing_scope"
    assert f"{api}.getEmployees" in d.top.title and d.decisive_fact is None


def test_ambiguous_payroll_url_for_an_au_org_is_a_region_mismatch() -> None:
    d = diagnose(status=404, body="", endpoint=PAYROLL_V2, organisation={"Organisations": [
        {"CountryCode": "AU"}]})
    assert d.top.code == "payroll_region_mismatch" and "payroll.xro/1.0" in d.top.fix[0]


def test_resolve_reports_region_candidates_for_a_relative_path() -> None:
    found = resolve_endpoint(None, None, "GET /Employees", None)
    assert found.endpoint is None and found.fact == COUNTRY_FACT
    assert {ep.payroll_region for ep in found.candidates} >= {"AU", "NZ", "UK"}
    assert resolve_endpoint(None, None, "GET /Employees", "AU").endpoint is not None


@pytest.mark.parametrize("era", ["new", "Broadest", "2026"])  # ("Broad" is broad: any case is read)
def test_unknown_era_is_noted_and_ignored(era: str) -> None:
    d = diagnose(text=BANK_STATEMENT_PRINTOUT, endpoint="GET /Invoices", granted=["openid"], era=era)
    plain = diagnose(text=BANK_STATEMENT_PRINTOUT, endpoint="GET /Invoices", granted=["openid"])
    assert d.codes == plain.codes and d.top.title == plain.top.title
    assert any(era in n and "broad, granular, mixed" in n for n in d.notes), d.notes


def test_scope_typos_get_a_did_you_mean() -> None:
    d = diagnose(text=BANK_STATEMENT_PRINTOUT, endpoint="GET /Invoices", era="granular",
                 granted=["accounting.invoice.read"], requested="openid accounting.invoicess")
    assert ("granted scope 'accounting.invoice.read' is not a Xero scope; did you mean "
            "'accounting.invoices.read'?") in d.notes
    assert any(n.startswith("requested scope 'accounting.invoicess'") and "accounting.invoices'" in n
               for n in d.notes), d.notes
    assert d.top.code == "missing_scope"  # the typo is still what the token holds


def test_known_scopes_give_no_notes() -> None:
    d = diagnose(text=BANK_STATEMENT_PRINTOUT, endpoint="GET /Invoices", era="granular",
                 granted=["openid", "accounting.invoices.read"], requested=["offline_access"])
    assert not d.notes


# --- 3. notes reach every rendering ---

def test_notes_render_in_markdown_html_and_dict() -> None:
    d = diagnose(text=BANK_STATEMENT_PRINTOUT, endpoint="GET /Nope<b>", era="new",
                 granted=["accounting.invoice.read"])
    assert len(d.notes) == 3
    md, html = d.to_markdown(), d.to_html()
    assert "Notes on the input:" in md and md.index("Notes on the input:") < md.index("#### 1.")
    for note in d.notes:
        assert f"- {note.replace('<', '&lt;').replace('>', '&gt;')}" in md
    assert "is not a Xero endpoint" in html and "Nope<b>" not in html and "Nope&lt;b&gt;" in html
    assert html.count("<li>") >= 3 and d.to_dict()["notes"] == list(d.notes)


def test_endpoint_pairs_and_odd_types() -> None:
    pair = diagnose(text=BANK_STATEMENT_PRINTOUT, endpoint=("GET", "/Accounts"), granted=["openid"])
    assert pair.top.code == "missing_scope" and "accounting.getAccounts" in pair.top.title
    odd = diagnose(text=BANK_STATEMENT_PRINTOUT, endpoint=42, granted=["openid"])
    assert any("endpoint of type int ignored" in n for n in odd.notes)


def test_a_wrong_endpoint_falls_back_to_the_request_url_with_a_note() -> None:
    d = diagnose(text=BANK_STATEMENT_PRINTOUT, endpoint="GET /Nope", granted=["openid"], era="broad",
                 method="GET", url="https://api.xero.com/api.xro/2.0/Accounts")
    assert d.top.code == "missing_scope" and "accounting.getAccounts" in d.top.title
    assert any("'GET /Nope' is not a Xero endpoint" in n and "used the request's URL" in n
               for n in d.notes)


def test_the_apps_own_oauth_callback_is_not_called_an_unknown_xero_endpoint() -> None:
    import xero_nb as xn

    for url in ("https://myapp.example.com/callback?code=abc123def456ghi&scope=openid&state=Zx9State1",
                "http://localhost:5000/xero/callback?error=access_denied&state=Zx9State1"):
        d = xn.diagnose(text=f"GET {url}\n401 Unauthorized", endpoint=f"GET {url}")
        assert not any("not a Xero endpoint" in n for n in d.notes), d.notes
    # An API URL that is not in the catalog still gets the note.
    d = xn.diagnose(text="401 Unauthorized", endpoint="GET https://api.xero.com/api.xro/2.0/Nope")
    assert any("not a Xero endpoint" in n for n in d.notes)


def test_payroll_region_titles_read_as_english() -> None:
    import xero_nb as xn

    d = xn.diagnose(status=404, endpoint="GET https://api.xero.com/payroll.xro/1.0/Employees",
                    organisation={"CountryCode": "NZ"})
    title = next(f.title for f in d.findings if f.code == "payroll_region_mismatch")
    assert title.startswith("An AU payroll") and "for an NZ organisation" in title


def test_unknown_findings_give_a_fix_that_fits_what_was_seen() -> None:
    import xero_nb as xn

    body = ('{"Type":"ValidationException","Message":"A validation exception occurred","Elements":'
            '[{"ValidationErrors":[{"Message":"Account code 999 is not a valid code"}]}]}')
    (f, *_) = xn.diagnose(text=body, status=400).findings
    assert f.code == "unknown" and f.fix[0].startswith("Correct the fields")
    assert not f.evidence[0].startswith("seen:")  # the CLI and widgets add their own label
    (g, *_) = xn.diagnose(text="something odd happened").findings
    assert g.fix[0].startswith("Send Xero support the Xero-Correlation-Id")


def test_the_app_wide_minute_limit_is_not_told_as_one_tenants() -> None:
    import xero_nb as xn

    (f, *_) = xn.diagnose(status=429, headers={"X-Rate-Limit-Problem": "appminute",
                                               "Retry-After": "12"}).findings
    assert f.code == "rate_limited" and "app-wide" in f.title
    assert "to this tenant" not in f.fix[0] and "any tenant" in f.fix[0]
    (g, *_) = xn.diagnose(status=429, headers={"X-Rate-Limit-Problem": "minute"}).findings
    assert "to this tenant" in g.fix[0]
