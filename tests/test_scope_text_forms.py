"""Scope lists as people paste them (trial 13): quoted, inside a URL with more after it, a token
response or a JWT's claims as JSON text, YAML's bare bracket list, a tuple's repr, ``|`` between
names, encoded twice. Each reads as its names, everywhere scopes are taken."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

import xero_nb as xn
from xero_nb.catalog.scope_text import scope_names

NAMES = ["openid", "accounting.invoices.read"]
FORMS = [
    '"openid accounting.invoices.read"',
    "'openid accounting.invoices.read'",
    '"openid" "accounting.invoices.read"',
    json.dumps({"aud": "https://identity.xero.com/resources", "scope": NAMES}),  # jwt.io's payload
    json.dumps({"token_type": "Bearer", "expires_in": 1800, "scope": " ".join(NAMES)}),  # a token response
    "scope=openid+accounting.invoices.read&state=xyz",
    "https://login.xero.com/identity/connect/authorize?response_type=code&client_id=abc"
    "&scope=openid%20accounting.invoices.read&state=1",
    "[openid, accounting.invoices.read]",
    "(openid, accounting.invoices.read)",
    "('openid', 'accounting.invoices.read')",
    "openid|accounting.invoices.read",
    "openid%2520accounting.invoices.read",
    "\u201copenid accounting.invoices.read\u201d",  # typographic quotes from a document
]


@pytest.mark.parametrize("text", FORMS)
def test_each_pasted_form_reads_as_its_names(text: str) -> None:
    assert scope_names(text) == NAMES
    assert xn.parse_scopes(text) == frozenset(NAMES)  # strict: nothing unknown is left over


def test_a_list_element_holding_commas_is_split_as_the_same_string_is() -> None:
    assert scope_names(["openid,accounting.invoices.read"]) == scope_names("openid,accounting.invoices.read")


@pytest.mark.parametrize("text", FORMS[:8])
def test_the_forms_allow_the_call_in_every_entry_point(text: str) -> None:
    assert xn.is_allowed("GET /Invoices", text, era="mixed")
    found = xn.diagnose(status=403, body='{"Title":"Forbidden","Status":403,"Detail":"AuthenticationUnsuccessful"}',
                        endpoint="GET /Invoices", granted=text)
    assert "missing_scope" not in found.codes[:1]
    assert not any("not shaped like a scope" in n for n in found.notes)


@pytest.mark.parametrize("bad", ['[not json "x]', "{broken", '{"client_secret": "hX8sDkd93kdk3l_aPq29s-LKd9d3"}'])
def test_what_cannot_be_read_says_so_without_echoing_it(bad: str) -> None:
    with pytest.raises(ValueError) as info:
        scope_names(bad)
    assert "hX8sDkd93" not in str(info.value) and "broken" not in str(info.value)


def test_the_cli_reads_a_bare_bracket_list_and_refuses_an_unreadable_one_without_a_traceback() -> None:
    run = [sys.executable, "-m", "xero_nb.cli", "coverage", "--require", "GET:/Invoices", "--era", "mixed"]
    ok = subprocess.run([*run, "--granted", "[openid, accounting.invoices.read]"], capture_output=True,
                        text=True, timeout=120)
    assert ok.returncode == 0, ok.stderr
    bad = subprocess.run([*run, "--granted", '[openid, "accounting.invoices.read]'], capture_output=True,
                         text=True, timeout=120)
    assert bad.returncode == 3 and "Traceback" not in bad.stderr  # (a lookup error: the library's advice)
    assert "scope list" in bad.stderr


@pytest.mark.parametrize("joined", ["openid;profile;email;accounting.contacts", "openid,profile,accounting.contacts"])
def test_a_requested_item_joined_by_separators_is_the_list_xero_refused(joined: str) -> None:
    # one item of the app's list holding the names joined: what the app sent as its scope parameter
    found = xn.diagnose(text='{"error": "invalid_scope"}', requested=[joined])
    assert found.top.code == "invalid_scope_requested" and "single spaces" in found.top.title
    as_string = xn.diagnose(text='{"error": "invalid_scope"}', requested=joined)  # a list typed here
    assert "single spaces" not in as_string.top.title


def test_one_payroll_url_of_several_regions_is_judged_per_region_not_refused() -> None:
    url = "GET https://api.xero.com/payroll.xro/2.0/Employees"  # NZ's and UK's: both need payroll.employees
    assert xn.is_allowed(url, "payroll.employees.read", era="mixed") is True
    assert xn.is_allowed(url, "accounting.contacts", era="mixed") is False


def test_the_cli_answers_every_other_call_beside_one_it_cannot_read() -> None:
    def run(*argv: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "xero_nb.cli", *argv], capture_output=True, text=True,
                              timeout=120)
    wrong = run("coverage", "--granted", "payroll.employees.read accounting.invoices.read", "--era", "mixed",
                "--region", "UK", "--require", "GET:/Invoices", "GET:https://api.xero.com/payroll.xro/1.0/Employees")
    assert wrong.returncode == 3 and "yes  GET /Invoices" in wrong.stdout  # the rest answered, the gate fails
    assert "payroll_au (AU)" in wrong.stderr
    each = run("coverage", "--granted", "payroll.employees.read accounting.invoices.read", "--era", "mixed",
               "--require", "GET:/Invoices", "GET:https://api.xero.com/payroll.xro/2.0/Employees")
    assert each.returncode == 0 and "GET /Employees (NZ)" in each.stdout and "GET /Employees (UK)" in each.stdout
    least = run("least-privilege", "GET:/Invoices", "GET:https://api.xero.com/payroll.xro/2.0/Employees")
    assert least.returncode == 0 and "payroll.employees.read" in least.stdout
    assert "one operation per payroll region (NZ, UK)" in least.stderr
    notes = run("coverage", "--granted", "accounting.invoice.read einvoicing", "--format", "json")
    assert notes.returncode == 0 and 'did you mean "accounting.invoices.read"' in notes.stderr
    assert "einvoicing allows no endpoint" in notes.stderr


INSUFFICIENT = {"www-authenticate": "insufficient_scope"}
UNAUTHORIZED = '{"Title":"Unauthorized","Status":401,"Detail":"AuthorizationUnsuccessful"}'


def test_a_held_broad_scope_is_read_as_the_held_granular_one_is() -> None:
    # a token holding a broad scope comes from an older app (new apps are refused it at sign-in)
    broad = xn.diagnose(status=401, headers=INSUFFICIENT, body=UNAUTHORIZED, endpoint="GET /Invoices",
                        granted="openid accounting.transactions.read")
    granular = xn.diagnose(status=401, headers=INSUFFICIENT, body=UNAUTHORIZED, endpoint="GET /Invoices",
                           granted="openid accounting.invoices.read")
    assert broad.top.code == granular.top.code == "unknown"
    assert "sent token's own" in broad.top.title
    assert broad.codes[1] == "broad_scope_on_granular_app"  # the unlikely reading, said after


def test_granular_scopes_alone_do_not_make_the_app_a_new_one() -> None:
    # older apps were assigned the granular scopes too: the era is not told by them
    found = xn.diagnose(status=401, headers=INSUFFICIENT, body=UNAUTHORIZED, endpoint="GET /ExpenseClaims",
                        granted="openid accounting.invoices.read offline_access")
    assert not any("era taken as granular" in n for n in found.notes)
    assert "limited to granular scopes" not in found.top.title
    assert found.top.code == "missing_scope" and "accounting.transactions.read" in found.top.title
    assert any("only an app created before 2 Mar 2026" in step for step in found.top.fix)
    new_app = xn.diagnose(status=401, headers=INSUFFICIENT, body=UNAUTHORIZED, endpoint="GET /ExpenseClaims",
                          granted="openid accounting.invoices.read offline_access", era="granular")
    assert "No scope can grant" in new_app.top.title  # told the era, it says so


def test_a_client_credentials_only_scope_in_a_sign_in_is_said_as_such() -> None:
    found = xn.diagnose(text='{"error": "invalid_scope"}', requested="openid profile app.connections")
    assert found.top.code == "invalid_scope_requested"
    assert "app.connections is for the client_credentials grant only" in found.top.title
    plain = xn.diagnose(text='{"error": "invalid_scope"}', requested="openid accounting.contacts")
    assert "client_credentials" not in plain.top.title


@pytest.mark.parametrize(("typed", "meant"), [
    ("accounting.reports.tax.read", "accounting.reports.taxreports.read"),
    ("accounting.reports.budget.read", "accounting.reports.budgetsummary.read"),
    ("accounting.reports.agedreceivables.read", "accounting.reports.aged.read"),
    ("accounting.reports.1099.read", "accounting.reports.tenninetynine.read"),
    ("paymentservices.read", "paymentservices"),  # no read-only variant
    ("einvoicing.read", "einvoicing"),
    ("accounting.settings.readonly", "accounting.settings.read"),
    ("accounting", None),  # a family, not a scope: no arbitrary guess
    ("payroll", None),
])
def test_did_you_mean_names_the_scope_people_meant(typed: str, meant: str | None) -> None:
    from xero_nb.catalog.scopes import suggest

    assert suggest(typed) == meant


@pytest.mark.parametrize("typed", ["accounting.expenseclaims.read", "accounting.receipts"])
def test_an_expense_scope_name_says_there_is_none(typed: str) -> None:
    from xero_nb.catalog.scopes import unknown_scope_note

    assert "ExpenseClaims and Receipts have no granular scope" in unknown_scope_note(typed)
