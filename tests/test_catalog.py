"""The endpoint catalog: counts, the rebuild check, and URL lookup."""

from __future__ import annotations

import contextlib
import json
import uuid
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xero_nb.catalog.build import build_index, dumps
from xero_nb.catalog.index import INDEX_PATH, Catalog, load_catalog
from xero_nb.errors import AmbiguousEndpointError, CatalogError

SPEC_DIR = Path(__file__).resolve().parents[1] / "vendor" / "xero-openapi"
CAT = load_catalog()
ENDPOINTS = list(CAT)


def test_counts_per_api_match_the_specs() -> None:
    spec = [ep for ep in CAT if ep.source == "spec"]
    assert len(spec) == 477
    assert Counter(ep.api for ep in spec) == {
        "accounting": 235, "payroll_nz": 71, "payroll_uk": 69, "payroll_au": 32,
        "payroll_au_v2": 9, "files": 18, "projects": 16, "finance": 8, "bankfeeds": 7,
        "assets": 6, "appstore": 4, "identity": 2,
    }
    assert Counter(ep.method for ep in spec) == {
        "GET": 254, "POST": 121, "PUT": 72, "DELETE": 29, "PATCH": 1}
    assert len({ep.key for ep in CAT}) == len(CAT) == 483
    assert len({s for ep in spec for s in ep.scopes}) == 34


def test_operations_documented_outside_the_specs_name_their_source() -> None:
    extra = [ep for ep in CAT if ep.source != "spec"]
    assert [(ep.method, ep.path, ep.operation_id) for ep in extra] == [
        ("GET", "/Reports/BankStatement", "getReportBankStatement"),
        ("GET", "/Organisations", "getOrganisationsPlural"),
        ("GET", "/AccountingActivities/AccountUsage", "getAccountingActivityAccountUsage"),
        ("GET", "/AccountingActivities/LockHistory", "getAccountingActivityLockHistory"),
        ("GET", "/AccountingActivities/ReportHistory", "getAccountingActivityReportHistory"),
        ("GET", "/AccountingActivities/UserActivities", "getAccountingActivityUserActivities")]
    for activity in extra[2:]:  # the scope Xero's 2026 page names, which no operation of the specs uses
        assert activity.scopes == {"finance.accountingactivity.read"} and activity.tenant_header
        assert activity.base_url == CAT.find("GET", "/CashValidation").base_url
        assert "not in the OpenAPI specs" in activity.source and "scopes page" in activity.source
    assert CAT.find("GET", "https://api.xero.com/finance.xro/1.0/AccountingActivities/LockHistory"
                    "?endDate=2026-09-15") == extra[3]
    bank = extra[0]
    assert "not in the OpenAPI specs" in bank.source and "Codat" in bank.source
    assert bank.base_url == CAT.find("GET", "/Reports/GSTReport").base_url
    assert bank.scopes == {"accounting.reports.bankstatement.read"} and bank.tenant_header
    runtime = load_catalog(spec_dir=SPEC_DIR)  # a catalog built from spec files keeps them too
    assert runtime.get("accounting", "getReportBankStatement") == bank


def test_shipped_index_equals_a_rebuild_from_the_pinned_specs() -> None:
    rebuilt = dumps(build_index(SPEC_DIR))
    assert rebuilt == INDEX_PATH.read_text(encoding="utf-8"), (
        "xero_nb/catalog/data/catalog.json is stale: run `make catalog`")
    runtime = load_catalog(spec_dir=SPEC_DIR)
    assert [ep.key for ep in runtime] == [ep.key for ep in CAT]
    assert runtime.spec_version == "16.1.0"


def test_index_holds_facts_not_prose() -> None:
    index = json.loads(INDEX_PATH.read_text(encoding="utf-8"))
    text = INDEX_PATH.read_text(encoding="utf-8")
    for key in ('"description"', '"summary"', '"example"', '"x-snake"'):
        assert key not in text
    assert set(index) == {"format", "spec_version", "apis", "endpoints"}
    assert all(len(row) == 8 for row in index["endpoints"])
    longest = max(len(s) for row in index["endpoints"] for s in (row[2], row[3], row[4]))
    assert longest < 120


def test_tenant_header_and_identity_facts() -> None:
    conns = CAT.get("identity", "getConnections")
    assert conns.scopes == frozenset() and not conns.tenant_header
    assert all(not ep.tenant_header for ep in CAT if ep.api == "appstore")
    assert all(ep.tenant_header for ep in CAT if ep.api not in ("appstore", "identity"))
    inv = CAT.get("accounting", "getInvoice")
    assert [p.name for p in inv.path_params] == ["InvoiceID"]
    assert inv.url == "https://api.xero.com/api.xro/2.0/Invoices/{InvoiceID}"
    assert any(p.name == "where" for p in CAT.get("accounting", "getInvoices").query_params)


def test_webhooks_are_not_callable_operations() -> None:
    assert "webhooks" not in CAT.apis


@pytest.mark.parametrize(("method", "url", "op"), [
    ("GET", "https://api.xero.com/api.xro/2.0/Reports/ProfitAndLoss", "getReportProfitAndLoss"),
    ("GET", "https://api.xero.com/api.xro/2.0/Reports/BankStatement?date=2026-01-01", "getReportBankStatement"),
    ("GET", "https://api.xero.com/api.xro/2.0/Reports/GSTReport", "getReportFromId"),
    ("GET", "https://api.xero.com/api.xro/2.0/invoices/2c1d6b8e-1234-4abc-9def-0123456789ab", "getInvoice"),
    ("GET", "https://api.xero.com/api.xro/2.0/Contacts/CN-0042", "getContactByContactNumber"),
    ("GET", "https://api.xero.com/api.xro/2.0/Contacts/2c1d6b8e-1234-4abc-9def-0123456789ab", "getContact"),
    ("GET", "https://api.xero.com/api.xro/2.0/Journals/1042", "getJournalByNumber"),
    ("GET", "https://api.xero.com/api.xro/2.0/PurchaseOrders/PO-0001", "getPurchaseOrderByNumber"),
    ("GET", "https://api.xero.com/connections", "getConnections"),
    ("GET", "https://api.xero.com/connections?authEventId=abc", "getConnections"),
    ("DELETE", "https://api.xero.com/Connections/2c1d6b8e-1234-4abc-9def-0123456789ab", "deleteConnection"),
    ("GET", "http://127.0.0.1:5123/api.xro/2.0/Accounts", "getAccounts"),
    ("GET", "/Invoices/{InvoiceID}", "getInvoice"),
    ("get", "Accounts", "getAccounts"),
    ("GET", "https://api.xero.com/payroll.xro/1.0/Employees", "getEmployees"),
])
def test_find(method: str, url: str, op: str) -> None:
    ep = CAT.find(method, url)
    assert ep is not None and ep.operation_id == op


def test_find_unknown_url_and_method_give_none() -> None:
    assert CAT.find("GET", "https://api.xero.com/api.xro/2.0/NoSuchThing") is None
    assert CAT.find("PATCH", "https://api.xero.com/api.xro/2.0/Invoices") is None
    assert CAT.find("GET", "https://api.xero.com/api.xro/2.0/Invoices/a/b/c/d/e") is None


def test_shared_payroll_urls_need_a_region() -> None:
    url = "https://api.xero.com/payroll.xro/2.0/Timesheets"
    with pytest.raises(AmbiguousEndpointError) as err:
        CAT.find("GET", url)
    assert "payroll_nz" in str(err.value) and "payroll_uk" in str(err.value)
    assert {ep.api for ep in CAT.candidates("GET", url)} == {"payroll_nz", "payroll_uk", "payroll_au_v2"}
    assert CAT.find("GET", url, region="NZ").api == "payroll_nz"  # type: ignore[union-attr]
    assert CAT.find("GET", url, region="uk").api == "payroll_uk"  # type: ignore[union-attr]
    assert CAT.find("GET", url, region="AU").api == "payroll_au_v2"  # type: ignore[union-attr]
    assert CAT.find("GET", "https://api.xero.com/payroll.xro/2.0/Employees", region="AU") is None
    with pytest.raises(ValueError, match="region"):
        CAT.find("GET", url, region="US")


def test_a_single_region_payroll_url_is_not_handed_to_another_region() -> None:
    # /payroll.xro/1.0/ is Australia's alone: an NZ or UK organisation has no such endpoint, and
    # saying it has (the AU one) would blame a scope for what is a region mismatch.
    au_only = "https://api.xero.com/payroll.xro/1.0/Employees"
    assert [ep.api for ep in CAT.candidates("GET", au_only)] == ["payroll_au"]
    assert CAT.find("GET", au_only).api == "payroll_au"  # type: ignore[union-attr]
    assert CAT.find("GET", au_only, region="AU").api == "payroll_au"  # type: ignore[union-attr]
    assert CAT.find("GET", au_only, region="NZ") is None
    assert CAT.find("GET", au_only, region="uk") is None
    # a region says nothing about an API that is not payroll
    invoices = CAT.find("GET", "https://api.xero.com/api.xro/2.0/Invoices", region="NZ")
    assert invoices is not None and invoices.api == "accounting"


def test_bad_spec_dir_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(CatalogError, match="no \\*.yaml"):
        load_catalog(spec_dir=tmp_path)


def test_get_names_near_matches() -> None:
    with pytest.raises(KeyError, match="payroll_uk"):
        CAT.get("payroll_au", "getTrackingCategories")


_segment_value = st.text("abcdefghijklmnopqrstuvwxyz0123456789", min_size=1, max_size=12)


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(ENDPOINTS), st.data(), st.booleans(), st.booleans())
def test_find_recovers_every_endpoint_from_a_concrete_url(ep, data, upper, query) -> None:  # type: ignore[no-untyped-def]
    parts = []
    for seg in ep.path.split("/"):
        if seg.startswith("{"):
            name = seg[1:-1]
            if name.endswith(("ID", "Id", "id")):
                parts.append(str(uuid.UUID(int=data.draw(st.integers(0, 2**128 - 1)))))
            else:
                parts.append("n-" + data.draw(_segment_value))
        else:
            parts.append(seg.upper() if upper else seg)
    url = ep.base_url + "/".join(parts) + ("?page=2&where=x" if query else "")
    found = CAT.find(ep.method, url, region=ep.payroll_region)
    assert found is not None
    assert (found.api, found.method, found.path) == (ep.api, ep.method, ep.path)


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=80), st.sampled_from(["GET", "POST", "DELETE", "XYZ"]))
def test_find_never_crashes_on_junk(text: str, method: str) -> None:
    with contextlib.suppress(AmbiguousEndpointError):
        CAT.find(method, text)


def test_catalog_is_a_plain_iterable_with_a_repr() -> None:
    small = Catalog(ENDPOINTS[:3], "x")
    assert len(small) == 3 and list(small) == ENDPOINTS[:3]
    assert "3 endpoints" in repr(small)


def test_find_accepts_a_host_without_scheme_and_a_spaced_method() -> None:
    ep = CAT.find("get ", "api.xero.com/api.xro/2.0/Invoices")
    assert ep is not None and ep.operation_id == "getInvoices"
    with pytest.raises(TypeError, match="two strings"):
        CAT.find("GET", None)  # type: ignore[arg-type]


def test_a_path_shared_by_several_apis_asks_for_the_full_url() -> None:
    with pytest.raises(AmbiguousEndpointError, match="assets.getAssetSettings.*full URL"):
        CAT.find("GET", "/Settings")
    assert CAT.find("GET", "https://api.xero.com/assets.xro/1.0/Settings").api == "assets"  # type: ignore[union-attr]


@pytest.mark.parametrize("item", ["GET /Invoices", "GET:https://api.xero.com/api.xro/2.0/Invoices",
                                  ("GET", "/Invoices"), " get  /Invoices "])
def test_endpoint_reads_every_written_form(item: object) -> None:
    assert CAT.endpoint(item).operation_id == "getInvoices"  # type: ignore[arg-type]


def test_endpoint_errors_say_what_to_write() -> None:
    from xero_nb.errors import EndpointNotFoundError

    with pytest.raises(EndpointNotFoundError, match="names no HTTP method: write it as 'GET /Invoices'"):
        CAT.endpoint("/Invoices")
    with pytest.raises(EndpointNotFoundError, match="no Xero endpoint matches GET /Nope"):
        CAT.endpoint("GET /Nope")
    with pytest.raises(TypeError):
        CAT.endpoint(42)  # type: ignore[arg-type]


def test_method_colon_url_with_spaces_in_its_query_and_a_url_in_a_schemeless_query() -> None:
    cat = load_catalog()
    ep = cat.endpoint('GET:https://api.xero.com/api.xro/2.0/Contacts?where=Name == "A B"')
    assert ep.operation_id == "getContacts"
    found = cat.find("GET", "api.xero.com/api.xro/2.0/Invoices?redirect=https://example.com/x")
    assert found is not None and found.operation_id == "getInvoices"
    # only the part before the first "?" is the host and path: a later "?" inside the query too
    found = cat.find("GET", "api.xero.com/api.xro/2.0/Invoices?redirect=https://example.com/?a=1")
    assert found is not None and found.operation_id == "getInvoices"
    # a mobile app's custom-scheme redirect URI is no host without a scheme, and no Xero URL
    assert cat.find("GET", "com.example.app://connections") is None


def test_connections_is_written_as_xero_serves_it() -> None:
    # the identity spec spells /Connections; Xero's docs, its SDKs and its servers use /connections
    cat = load_catalog()
    paths = {ep.path for ep in cat if ep.api == "identity"}
    assert {"/connections", "/connections/{id}"} <= paths and "/Connections" not in paths
    assert cat.find("GET", "https://api.xero.com/connections").url == "https://api.xero.com/connections"
