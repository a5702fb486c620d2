"""URL matching, scope parsing, the catalog and the scope rules, in the cases mutation testing
found unpinned: URLs written without a scheme or leading slash, templates naming a parameter,
what every parse error says, and the rules behind a catalog built afresh.

Several tests build a fresh ``Catalog`` (or ``PathMatcher``) from the shipped endpoints rather
than use ``load_catalog()``'s: the shipped one is built once per process, so a test that only
reads it never runs the matcher's set-up again. For the same reason expectations are literal
values, never answers the code under test worked out (and may have cached) earlier.
"""

from __future__ import annotations

import base64
import json
import uuid
from dataclasses import replace
from pathlib import Path

import pytest

from xero_nb.catalog import scopes as sc
from xero_nb.catalog.index import Catalog, load_catalog
from xero_nb.catalog.paths import PathMatcher
from xero_nb.catalog.scope_text import scope_names
from xero_nb.errors import AmbiguousEndpointError, EndpointNotFoundError, UnknownScopeError

SHIPPED = list(load_catalog())
GUID = str(uuid.UUID(int=0x2C1D6B8E12344ABC9DEF0123456789AB))
XERO = "https://api.xero.com"


def fresh() -> Catalog:
    """A catalog of the shipped endpoints whose URL index is built now, in this test."""
    return Catalog(SHIPPED, "16.1.0")


def op(cat: Catalog, method: str, url: str, region: str | None = None) -> str | None:
    found = cat.find(method, url, region=region)
    return found.operation_id if found is not None else None


# -- paths.PathMatcher --------------------------------------------------------------------------

def test_a_fresh_catalog_finds_every_endpoint_by_its_url_template_and_a_concrete_url() -> None:
    cat = fresh()
    for ep in SHIPPED:
        assert cat.find(ep.method, ep.url, region=ep.payroll_region) == ep, ep.url
        concrete = "/".join(
            (GUID if seg[1:-1].endswith(("ID", "Id", "id")) else "n-1") if seg.startswith("{") else seg
            for seg in ep.path.split("/"))
        assert cat.find(ep.method, ep.base_url + concrete, region=ep.payroll_region) == ep, concrete


def test_a_match_names_each_path_parameter_with_its_value() -> None:
    cat = fresh()
    found = cat.match("GET", f"{XERO}/api.xro/2.0/Contacts/CN-7/Attachments/a%20b.pdf")
    assert [(ep.operation_id, params) for ep, params in found] == [
        ("getContactAttachmentByFileName", {"ContactID": "CN-7", "FileName": "a b.pdf"})]
    found = cat.match("DELETE", f"{XERO}/payroll.xro/2.0/Employees/E-1/Leave/L-2")
    assert {ep.api: params for ep, params in found} == {
        "payroll_nz": {"EmployeeID": "E-1", "LeaveID": "L-2"},
        "payroll_uk": {"EmployeeID": "E-1", "LeaveID": "L-2"}}


@pytest.mark.parametrize("url", [
    "/api.xro/2.0/Invoices",  # a path with the API's base path but no host
    "api.xro/2.0/Invoices",  # the same without its leading slash
    "api.xero.com/api.xro/2.0/Invoices",  # a host without a scheme
    "HTTPS://API.XERO.COM/API.XRO/2.0/INVOICES/",  # any case, a trailing slash
])
def test_every_way_of_writing_a_base_path_reaches_the_api(url: str) -> None:
    assert op(fresh(), "GET", url) == "getInvoices"


def test_a_full_url_without_its_apis_base_path_is_no_endpoint() -> None:
    # https://api.xero.com/Invoices forgets /api.xro/2.0: Xero answers 404, so the catalog must
    # not claim it is getInvoices (only a bare path may belong to any API).
    cat = fresh()
    assert cat.find("GET", f"{XERO}/Invoices") is None
    assert op(cat, "GET", "/Invoices") == "getInvoices"


@pytest.mark.parametrize(("template", "expected"), [
    ("/Contacts/{ContactID}", "getContact"),
    ("/Contacts/{ContactNumber}", "getContactByContactNumber"),
    ("/Contacts/{contactnumber}", "getContactByContactNumber"),
    ("/Journals/{JournalNumber}", "getJournalByNumber"),
    ("/PurchaseOrders/{PurchaseOrderNumber}", "getPurchaseOrderByNumber"),
    # a parameter named after neither: the operation the spec lists first (the by-ID one)
    ("/Contacts/{contact}", "getContact"),
])
def test_a_template_names_its_endpoint_by_the_parameter_name(template: str, expected: str) -> None:
    assert op(fresh(), "GET", template) == expected


def test_a_value_with_a_stray_brace_is_a_value_not_a_parameter() -> None:
    # "CN-1}" is a contact number (half a template is not a template)
    cat = fresh()
    assert op(cat, "GET", "/Contacts/CN-1}") == "getContactByContactNumber"
    assert op(cat, "GET", "/Contacts/{CN-1") == "getContactByContactNumber"


@pytest.mark.parametrize("spelling", ["FileID", "FileId", "Fileid"])
def test_an_id_shaped_value_prefers_an_id_parameter_in_every_spelling(spelling: str) -> None:
    # Runtime catalogs come from newer specs, whose parameter names are spelt every way.
    m = PathMatcher([("files", "GET", f"/Files/{{{spelling}}}", f"{XERO}/files.xro/1.0"),
                     ("files", "GET", "/Files/{FileName}", f"{XERO}/files.xro/1.0")])
    assert m.match("GET", f"/Files/{GUID}") == [(0, {spelling: GUID})]
    assert m.match("GET", "/Files/report.pdf") == [(1, {"FileName": "report.pdf"})]


def test_several_apis_matching_one_url_come_best_first() -> None:
    rows = [("general", "GET", "/Things/{ThingID}", f"{XERO}/general.xro/1.0"),
            ("special", "GET", "/Things/Special", f"{XERO}/special.xro/1.0"),
            ("other", "GET", "/{Kind}/{Name}", f"{XERO}/other.xro/1.0")]
    m = PathMatcher(rows)
    assert [row for row, _ in m.match("GET", "/Things/Special")] == [1, 0, 2]
    # with the API's base path, only that API is asked
    assert m.match("get", f"{XERO}/general.xro/1.0/Things/Special") == [(0, {"ThingID": "Special"})]


def test_a_base_url_ending_in_a_slash_serves_its_paths() -> None:
    # newer specs may give a server URL with a trailing slash
    m = PathMatcher([("accounting", "GET", "/Invoices", f"{XERO}/api.xro/2.0/")])
    assert m.match("GET", f"{XERO}/api.xro/2.0/Invoices") == [(0, {})]


def test_a_url_belongs_to_the_longest_base_path_it_starts_with() -> None:
    rows = [("outer", "GET", "/{Version}/Employees", f"{XERO}/payroll.xro"),
            ("inner", "GET", "/Employees", f"{XERO}/payroll.xro/2.0")]
    for order in (rows, rows[::-1]):
        m = PathMatcher(order)
        inner = [i for i, row in enumerate(order) if row[0] == "inner"]
        assert m.match("GET", f"{XERO}/payroll.xro/2.0/Employees") == [(inner[0], {})]


# -- scope_text.scope_names ---------------------------------------------------------------------

def _jwt(claims: object) -> str:
    def b64(obj: object) -> str:
        return base64.urlsafe_b64encode(json.dumps(obj).encode()).rstrip(b"=").decode()

    return f"{b64({'alg': 'none'})}.{b64(claims)}.sig"


def test_a_jwt_without_a_scope_claim_is_refused_not_read_as_no_scopes() -> None:
    """An id_token (or claims that are no object) grants nothing: reading it as "none granted"
    would blame every call on scopes (a fresh user pasted an id_token so)."""
    for claims in (["accounting.settings"], {"sub": "x", "aud": "app"}):
        with pytest.raises(ValueError, match="no scope claim: it is not an access token"):
            scope_names(_jwt(claims))
    assert scope_names(_jwt({"scope": []})) == []  # a scope claim that is empty is read as it is
    assert scope_names("Bearer " + _jwt({"scope": ["openid"]})) == ["openid"]  # copied from a header


def test_unreadable_tokens_say_why_without_echoing_them() -> None:
    deep = _jwt(json.loads("[" * 101 + "]" * 101))
    with pytest.raises(ValueError) as info:
        scope_names(deep)
    assert str(info.value) == "could not read the scope claim of that token (its claims nest too deeply)"
    with pytest.raises(ValueError) as info:
        scope_names("eyJhbGciOiJub25lIn0.!!notbase64!!.c2VjcmV0")
    assert str(info.value) == "could not read the scope claim of that token (not a JWT?)"


def test_a_json_scope_list_that_is_not_one_flat_array_says_so() -> None:
    with pytest.raises(ValueError) as info:
        scope_names("[" * 101 + "]" * 101)
    assert str(info.value) == ("scope list looks like JSON but nests 101 levels deep "
                               "(a scope list is one flat array)")
    broken = '["accounting.settings", ' + '"x", ' * 20
    with pytest.raises(ValueError) as info:
        scope_names(broken)
    assert str(info.value) == ("scope list looks like JSON but is not: give the names separated by spaces, "
                               "or a JSON array of strings")  # (the text is not echoed: it may be a secret)


def test_what_cannot_hold_scopes_is_named() -> None:
    with pytest.raises(ValueError) as info:
        scope_names({"access_token": "a"})
    assert str(info.value) == "a mapping of scopes needs a 'scope' key (a token response)"
    with pytest.raises(TypeError) as type_info:
        scope_names(42)
    assert str(type_info.value) == "cannot read scopes from int"
    with pytest.raises(TypeError) as type_info:
        scope_names(["accounting.settings", 7])
    assert str(type_info.value) == "scope names must be strings, got int"


def test_any_iterable_of_names_is_read() -> None:
    assert scope_names(s for s in ["accounting.settings openid", "email"]) == [
        "accounting.settings", "openid", "email"]
    assert scope_names({"accounting.settings": 1}.keys()) == ["accounting.settings"]


# -- index.Catalog ------------------------------------------------------------------------------

SPEC_DIR = Path(__file__).resolve().parents[1] / "vendor" / "xero-openapi"


def test_a_catalog_built_from_the_specs_equals_the_shipped_one_field_for_field() -> None:
    # the shipped index and a run-time build agree on every parameter, scope and header
    runtime = load_catalog(spec_dir=SPEC_DIR)
    assert list(runtime) == SHIPPED and runtime.spec_version == "16.1.0"
    invoice = runtime.get("accounting", "getInvoice")
    assert [(p.name, p.location, p.required) for p in invoice.params][:1] == [("InvoiceID", "path", True)]


def test_get_names_only_the_apis_with_the_same_operation() -> None:
    with pytest.raises(KeyError) as info:
        fresh().get("payroll_au", "getTrackingCategories")
    assert info.value.args[0] == (
        "no endpoint payroll_au.getTrackingCategories; same operationId in: [('accounting', "
        "'getTrackingCategories'), ('payroll_nz', 'getTrackingCategories'), ('payroll_uk', "
        "'getTrackingCategories')]")


def test_an_ambiguous_url_names_every_candidate_and_what_settles_it() -> None:
    cat = fresh()
    with pytest.raises(AmbiguousEndpointError) as info:
        cat.find("get ", f"{XERO}/payroll.xro/2.0/Employees")  # two candidates are ambiguous too
    assert str(info.value) == (
        f"GET {XERO}/payroll.xro/2.0/Employees could mean payroll_nz.getEmployees (NZ), "
        "payroll_uk.getEmployees (UK) — the organisation's country settles it: find() or endpoint() "
        "with region='NZ' or 'UK' gives the Endpoint that is_allowed(), required_scopes() and "
        "diagnose() take")
    with pytest.raises(AmbiguousEndpointError) as info:
        cat.find("GET", "/Settings")
    assert str(info.value) == (
        "GET /Settings could mean assets.getAssetSettings, payroll_au.getSettings (AU), "
        "payroll_nz.getSettings (NZ), payroll_uk.getSettings (UK) — give the full URL with its "
        f"API's base, e.g. {XERO}/assets.xro/1.0/Settings")


def test_find_takes_two_strings_and_says_so() -> None:
    with pytest.raises(TypeError) as info:
        fresh().find("GET", b"/Invoices")  # type: ignore[arg-type]
    assert str(info.value) == "find(method, url) takes two strings, e.g. find('GET', '/Invoices')"


def test_a_catalog_without_a_spec_version_names_none() -> None:
    cat = Catalog(SHIPPED[:2])
    assert cat.spec_version == ""
    with pytest.raises(EndpointNotFoundError) as info:
        cat.endpoint("GET /Nope")
    assert str(info.value) == "no Xero endpoint matches GET /Nope (catalog of 2 operations, spec )"


WRITE_IT = ("names no HTTP method: write it as 'GET /Invoices' or "
            "'GET https://api.xero.com/api.xro/2.0/Invoices'")


@pytest.mark.parametrize("item", ["FETCH /Invoices", "GET", "/Invoices", "https://api.xero.com/api.xro/2.0/Invoices"])
def test_an_endpoint_string_without_a_method_says_how_to_write_one(item: str) -> None:
    with pytest.raises(EndpointNotFoundError) as info:
        fresh().endpoint(item)
    assert str(info.value) == f"{item!r} {WRITE_IT}"


@pytest.mark.parametrize("item", [["GET", "/Invoices"], ("GET", "/Invoices", "x"), 42])
def test_an_endpoint_of_another_shape_is_a_type_error_naming_the_forms(item: object) -> None:
    with pytest.raises(TypeError) as info:
        fresh().endpoint(item)  # type: ignore[arg-type]
    assert str(info.value) == f"expected an Endpoint, (method, url) or 'METHOD URL', not {item!r}"


@pytest.mark.parametrize("item", ["GET /payroll.xro/2.0/Timesheets", ("GET", "/payroll.xro/2.0/Timesheets")])
def test_endpoint_settles_a_shared_payroll_url_by_region(item: str | tuple[str, str]) -> None:
    cat = fresh()
    assert cat.endpoint(item, region="nz").api == "payroll_nz"
    assert cat.endpoint(item, region="UK").api == "payroll_uk"
    with pytest.raises(AmbiguousEndpointError):
        cat.endpoint(item)


# -- scopes -------------------------------------------------------------------------------------

def test_the_vocabulary_computed_afresh_holds_the_specs_and_the_overlays_scopes() -> None:
    known = sc.known_scopes.__wrapped__()  # the function itself, not its cached answer
    assert {"accounting.settings.read", "payroll.timesheets", "projects.read", "bankfeeds"} <= known
    assert {s for row in sc.granular_overlay().values() for s in row.granular} <= known
    table = sc.scope_table.__wrapped__()
    assert table["accounting.settings.read"].in_specs and table["openid"].in_specs


@pytest.mark.parametrize(("typo", "meant"), [
    ("acc", "accounting.contacts"),  # no close match: the shortest scope it begins
    ("fin", "finance.statements.read"),
    ("pay", "paymentservices"),
])
def test_a_fragment_of_a_scope_suggests_the_shortest_it_begins(typo: str, meant: str) -> None:
    with pytest.raises(UnknownScopeError) as info:
        sc.parse_scopes(["accounting.settings", typo])
    assert (info.value.name, info.value.suggestion) == (typo, meant)
    assert str(info.value) == f'unknown Xero scope "{typo}" — did you mean "{meant}"?'


def test_nothing_like_a_scope_suggests_nothing() -> None:
    assert sc.suggest("zzz") is None


def test_a_parsed_set_of_scopes_is_not_checked_again() -> None:
    # a Token's scopes are a frozenset already read; a scope newer than this release stays in it
    held = frozenset({"accounting.settings.read", "accounting.brandnew.read"})
    assert sc.granted_by("GET /Accounts", held) == {"accounting.settings.read"}
    assert sc.is_allowed("GET /Accounts", held)


def test_an_operation_no_granular_scope_reaches_is_refused_in_the_granular_era_only() -> None:
    claims = "GET /ExpenseClaims"
    assert sc.unreachable(claims) is None  # the default era is broad
    assert sc.unreachable(claims, "granular") == sc.NO_GRANULAR
    assert sc.restriction(claims, "granular") == sc.NO_GRANULAR
    assert sc.restriction(claims) is None
    assert not sc.is_allowed(claims, ["accounting.transactions"], "granular")
    assert sc.is_allowed(claims, ["accounting.transactions"], "mixed")


def test_the_overlay_applies_to_endpoints_of_a_catalog_built_from_newer_specs() -> None:
    # A spec version never seen before in this process: required_scopes caches its answers per
    # endpoint, and these must be worked out now, not remembered from another test.
    version = f"16.2.0+{uuid.uuid4().hex}"
    cat = load_catalog()
    for key, row in sc.granular_overlay().items():
        newer = replace(cat.get(*key), spec_version=version)
        assert sc.required_scopes(newer, "granular") == row.granular, key
        assert sc.required_scopes(newer, "mixed") == newer.scopes | row.granular, key
    payments = replace(cat.get("accounting", "getPayments"), spec_version=version)
    assert sc.required_scopes(payments, "granular") == {"accounting.payments", "accounting.payments.read"}
    # where the overlay has no row, the spec's own scopes less the deprecated broad ones
    accounts = replace(cat.get("accounting", "getAccounts"), spec_version=version)
    assert accounts.key not in sc.granular_overlay()
    assert sc.required_scopes(accounts, "granular") == {"accounting.settings", "accounting.settings.read"}


def test_is_allowed_asks_the_scopes_of_the_era_given() -> None:
    # an operation a newer spec lists without scopes, which the overlay maps to granular ones
    payments = replace(load_catalog().get("accounting", "getPayments"), scopes=frozenset())
    assert sc.is_allowed(payments, [], "broad")
    assert not sc.is_allowed(payments, [], "granular")
    assert sc.is_allowed(payments, ["accounting.payments.read"], "granular")


def test_restriction_asks_the_scopes_of_the_era_given() -> None:
    # the broad list holds an ordinary scope; in the granular era only the restricted one is left
    ep = replace(load_catalog().get("accounting", "getAccounts"), operation_id="getNewThing",
                 scopes=frozenset({"accounting.transactions", "paymentservices"}))
    assert sc.restriction(ep, "broad") is None  # another scope grants it
    assert sc.restriction(ep, "granular") == sc.RESTRICTED_SCOPES["paymentservices"]


def test_where_each_endpoints_scopes_come_from() -> None:
    assert sc.mapping("GET /Accounts") == ("spec v16.1.0", "documented", "")
    bank = load_catalog().get("accounting", "getReportBankStatement")
    assert sc.mapping(bank) == (bank.source, "documented", "")
    row = sc.granular_overlay()[("payroll_uk", "getStatutoryLeaveSummary")]
    assert sc.mapping("GET https://api.xero.com/payroll.xro/2.0/StatutoryLeaves/Summary/E-1") == (
        row.source, "disputed", row.other_reading)
    assert row.other_reading


@pytest.mark.parametrize(("endpoint", "era", "narrowest"), [
    ("GET /Items", "granular", "accounting.settings.read"),  # the smaller reach of two reads
    ("PUT /Items", "granular", "accounting.settings"),
    ("GET /Reports/TenNinetyNine", "broad", "accounting.reports.tenninetynine.read"),
])
def test_the_narrowest_scope_is_the_one_reaching_fewest_endpoints(endpoint: str, era: str,
                                                                  narrowest: str) -> None:
    assert sc.narrowest(endpoint, era) == narrowest


def test_a_get_prefers_a_read_scope_and_a_write_the_read_write_one() -> None:
    accounts = load_catalog().get("accounting", "getAccounts")
    # a GET a newer spec lets a narrow read-write scope grant too: still the read scope
    get = replace(accounts, operation_id="getNew", scopes=frozenset({"paymentservices",
                                                                     "accounting.contacts.read"}))
    assert sc.narrowest(get) == "accounting.contacts.read"
    put = replace(load_catalog().get("accounting", "createAccount"),
                  scopes=frozenset({"accounting.settings", "accounting.settings.read"}))
    assert sc.narrowest(put) == "accounting.settings"


def test_a_scope_no_catalog_endpoint_needs_is_the_narrowest() -> None:
    accounts = load_catalog().get("accounting", "getAccounts")
    get = replace(accounts, operation_id="getNew",
                  scopes=frozenset({"accounting.reports.tenninetynine.read", "reports.brandnew.read"}))
    assert sc.scope_reach("broad")["accounting.reports.tenninetynine.read"] == 1
    assert sc.narrowest(get) == "reports.brandnew.read"  # it reaches none other


def test_what_an_app_may_not_even_request() -> None:
    assert sc.refused_at_authorize("accounting.transactions", "granular") == (
        "broad scope: apps created from 2 Mar 2026 must use granular scopes")
    assert sc.refused_at_authorize("accounting.journals.read", "granular") == sc.JOURNALS_GATE
    assert sc.refused_at_authorize("accounting.journals.read", "broad") is None
    assert sc.refused_at_authorize("accounting.journals.read", "mixed") is None


def test_family_and_grants_by_era() -> None:
    assert sc.family("accounting.invoices") == "accounting.invoices"
    assert sc.family("accounting.invoices.read") == "accounting.invoices"
    assert sc.grants("accounting.invoices.read") == []  # the broad era knows no granular scope
    granted = {ep.operation_id for ep in sc.grants("accounting.invoices.read", "granular")}
    assert {"getInvoices", "getItems"} <= granted and "getPayments" not in granted
