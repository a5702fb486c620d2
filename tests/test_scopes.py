"""Scope rules: any-of, the vocabulary, parsing, eras and the granular overlay."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass

import pytest
from hypothesis import given
from hypothesis import strategies as st

from xero_nb.catalog import scopes as sc
from xero_nb.catalog.index import load_catalog
from xero_nb.errors import UnknownEraError, UnknownScopeError

CAT = load_catalog()
KNOWN = sorted(sc.known_scopes())


def ep(method: str, url: str):  # type: ignore[no-untyped-def]
    found = CAT.find(method, url)
    assert found is not None
    return found


def test_any_one_listed_scope_grants_a_get() -> None:
    accounts = ep("GET", "/Accounts")
    assert accounts.scopes == {"accounting.settings", "accounting.settings.read"}
    assert sc.is_allowed(accounts, ["accounting.settings.read"])
    assert sc.is_allowed(accounts, ["accounting.settings"])
    assert not sc.is_allowed(accounts, ["accounting.contacts"])
    assert sc.granted_by(accounts, "accounting.settings accounting.settings.read openid") == {
        "accounting.settings", "accounting.settings.read"}


def test_writes_need_the_read_write_scope_in_every_era() -> None:
    for era in sc.ERAS:
        for e in CAT:
            if e.is_write and e.api != "identity" and not sc.unreachable(e, era):
                need = sc.required_scopes(e, era)
                assert need and not any(s.endswith(".read") for s in need), (e, era)
    create = ep("PUT", "/Accounts")
    assert not sc.is_allowed(create, ["accounting.settings.read"])
    assert sc.is_allowed(create, ["accounting.settings"])


def test_identity_needs_any_valid_token() -> None:
    conns = ep("GET", "https://api.xero.com/connections")
    assert sc.required_scopes(conns) == frozenset()
    assert sc.is_allowed(conns, [])


def test_vocabulary() -> None:
    spec = {s for e in CAT if e.source == "spec" for s in e.scopes}
    assert len(spec) == 34
    assert spec <= sc.known_scopes()
    assert sc.known_scopes() >= sc.OIDC_SCOPES
    assert {"accounting.invoices.read", "accounting.reports.balancesheet.read",
            "accounting.payments", "accounting.banktransactions"} <= sc.known_scopes()
    assert "accounting.reports.balancesheets.read" not in sc.known_scopes()  # singular only


@pytest.mark.parametrize(("typo", "meant"), [
    ("accounting.transaction", "accounting.transactions"),
    ("accounting.reports.balancesheets.read", "accounting.reports.balancesheet.read"),
    ("payroll.payslips", "payroll.payslip"),
    ("Accounting.Settings", "accounting.settings"),
])
def test_unknown_scope_names_the_closest(typo: str, meant: str) -> None:
    with pytest.raises(UnknownScopeError) as err:
        sc.parse_scopes([typo])
    assert err.value.suggestion == meant
    assert f'did you mean "{meant}"' in str(err.value)
    assert err.value.code == "unknown_scope"


def test_unknown_scope_tolerated_when_not_strict() -> None:
    assert sc.parse_scopes("foo accounting.settings", strict=False) == {"foo", "accounting.settings"}


def _jwt(claims: dict[str, object]) -> str:
    def b64(obj: object) -> str:
        return base64.urlsafe_b64encode(json.dumps(obj).encode()).rstrip(b"=").decode()

    return f"{b64({'alg': 'none'})}.{b64(claims)}.sig"


@dataclass
class _TokenLike:
    scopes: frozenset[str]


@given(st.sets(st.sampled_from(KNOWN), max_size=12))
def test_every_scope_form_parses_to_the_same_set(names: set[str]) -> None:
    expected = frozenset(names)
    ordered = sorted(names)
    forms = [
        ordered, tuple(ordered), set(ordered), " ".join(ordered), "  ".join(ordered) + " ",
        ",".join(ordered), json.dumps(ordered), {"scope": " ".join(ordered)},
        {"scopes": ordered}, _TokenLike(expected),
    ]
    if names:
        forms.append(_jwt({"scope": ordered, "sub": "x"}))
    for form in forms:
        assert sc.parse_scopes(form) == expected, form


def test_parse_errors_are_clear_and_do_not_echo_tokens() -> None:
    with pytest.raises(TypeError, match="strings"):
        sc.parse_scopes([1, 2])
    with pytest.raises(ValueError, match="JSON"):
        sc.parse_scopes('["accounting.settings"')
    secret = "eyJhbGciOiJub25lIn0.!!notbase64!!.c2VjcmV0LXNpZ25hdHVyZQ"
    with pytest.raises(ValueError) as err:
        sc.parse_scopes(secret)
    assert "c2VjcmV0" not in str(err.value)
    assert sc.parse_scopes(None) == frozenset()


def test_eras() -> None:
    payments = ep("GET", "/Payments")
    assert sc.required_scopes(payments, "broad") == {"accounting.transactions", "accounting.transactions.read"}
    assert sc.required_scopes(payments, "granular") == {"accounting.payments", "accounting.payments.read"}
    assert sc.required_scopes(payments, "mixed") == (
        sc.required_scopes(payments, "broad") | sc.required_scopes(payments, "granular"))
    # the broad scope grants nothing on a granular-era app, but still does mid-migration
    assert not sc.is_allowed(payments, ["accounting.transactions"], era="granular")
    assert sc.is_allowed(payments, ["accounting.transactions"], era="mixed")
    # a granular token on the wrong granular family is refused
    assert not sc.is_allowed(payments, ["accounting.invoices"], era="granular")
    with pytest.raises(UnknownEraError, match="broad, granular, mixed"):
        sc.required_scopes(payments, "new")


def test_granular_specifics() -> None:
    items = ep("GET", "/Items")
    assert sc.is_allowed(items, ["accounting.invoices.read"], era="granular")
    assert sc.is_allowed(items, ["accounting.settings.read"], era="granular")
    assert sc.narrowest(items, "granular") in {"accounting.invoices.read", "accounting.settings.read"}
    t99 = ep("GET", "/Reports/TenNinetyNine")
    assert sc.required_scopes(t99, "granular") == {"accounting.reports.tenninetynine.read"}
    pnl = ep("GET", "/Reports/ProfitAndLoss")
    assert sc.required_scopes(pnl, "granular") == {"accounting.reports.profitandloss.read"}
    bs = ep("GET", "/Reports/BalanceSheet")
    assert sc.required_scopes(bs, "granular") == {"accounting.reports.balancesheet.read"}


def test_overlay_rows_agree_with_the_catalog() -> None:
    overlay = sc.granular_overlay()
    for key, row in overlay.items():
        e = CAT.get(*key)
        assert (e.method, e.path) == (row.method, row.path)
        assert row.granular <= sc.known_scopes()
        assert row.confidence in {"documented", "disputed", "uncertain"}
        assert row.source, row  # every mapping names whose word it is
        assert not row.granular & sc.DEPRECATED_BROAD
        if row.confidence != "documented":
            assert row.note, row  # an unsure mapping says why
        assert (row.confidence == "disputed") == bool(row.other_reading) or not row.granular
    affected = {e.key for e in CAT if e.scopes & sc.DEPRECATED_BROAD}
    assert affected <= set(overlay), "an endpoint on a deprecated broad scope lacks a granular row"
    for e in CAT:
        assert not sc.required_scopes(e, "granular") & sc.DEPRECATED_BROAD


def test_narrowest_prefers_read_for_gets_and_rw_for_writes() -> None:
    for e in CAT:
        n = sc.narrowest(e, "granular")
        need = sc.required_scopes(e, "granular")
        if not need:
            assert n is None
            continue
        assert n in need
        if e.method == "GET" and any(s.endswith(".read") for s in need):
            assert n.endswith(".read")


def test_restrictions() -> None:
    journals = ep("GET", "/Journals")
    for era in sc.ERAS:  # the tier gate applies to every app from 2 Mar 2026
        assert "Advanced tier" in (sc.restriction(journals, era) or "")
    assert "closed" in (sc.restriction(ep("GET", "https://api.xero.com/bankfeeds.xro/1.0/Statements")) or "")
    assert "closed" in (sc.restriction(ep("GET", "https://api.xero.com/finance.xro/1.0/FinancialStatements/BalanceSheet")) or "")
    assert sc.restriction(ep("GET", "/Invoices")) is None
    assert sc.refused_at_authorize("accounting.transactions", "granular")
    assert sc.refused_at_authorize("accounting.transactions", "broad") is None
    assert sc.refused_at_authorize("paymentservices", "broad")
    assert sc.refused_at_authorize("accounting.invoices", "granular") is None


def test_read_variant_and_family() -> None:
    assert sc.read_variant("accounting.invoices") == "accounting.invoices.read"
    assert sc.read_variant("bankfeeds") == "bankfeeds"
    assert sc.family("payroll.payslip.read") == "payroll.payslip"
    assert {e.operation_id for e in sc.grants("accounting.budgets.read")} == {"getBudgets", "getBudget"}


def test_scope_functions_take_endpoint_strings() -> None:
    assert sc.required_scopes("GET /Invoices", "granular") == {"accounting.invoices", "accounting.invoices.read"}
    assert sc.is_allowed("GET:https://api.xero.com/api.xro/2.0/Accounts", ["accounting.settings.read"])
    assert sc.narrowest("PUT /Accounts") == "accounting.settings"
    assert sc.restriction("GET /Journals", "granular")


def test_bank_statement_has_one_rule_everywhere() -> None:
    from xero_nb.diagnose import diagnose
    from xero_nb.http import Client
    from xero_nb.simulator import XeroSimulator

    url = "https://api.xero.com/api.xro/2.0/Reports/BankStatement"
    wide = ["accounting.reports.taxreports.read", "accounting.reports.read", "accounting.transactions"]
    for era in sc.ERAS:
        assert sc.required_scopes("GET /Reports/BankStatement", era) == {"accounting.reports.bankstatement.read"}
        assert not sc.is_allowed("GET /Reports/BankStatement", wide, era)
        assert sc.is_allowed("GET /Reports/BankStatement", ["accounting.reports.bankstatement.read"], era)
        assert "terms addendum" in (sc.restriction("GET /Reports/BankStatement", era) or "")
    gst = ep("GET", "/Reports/{ReportID}")
    assert sc.required_scopes(gst, "granular") == {"accounting.reports.taxreports.read"}
    sim = XeroSimulator(limits=False)
    sim.add_app("addendum", era="granular", approved_scopes=["accounting.reports.bankstatement.read"])

    def status(scopes: list[str], app: str) -> int:
        tok = sim.issue_token(scopes=scopes, app=app)
        with Client(transport=sim.transport()) as http:
            return http.get(url, headers={"Authorization": "Bearer " + tok["access_token"],
                                          "xero-tenant-id": sim.tenant("AU").tenant_id}).status_code

    assert status(wide, "web") == 401  # the broad and tax-report scopes do not grant it
    assert status(["accounting.reports.bankstatement.read"], "pkce") == 401  # held, not approved
    assert status(["accounting.reports.bankstatement.read"], "addendum") == 200
    d = diagnose(status=401, headers={"WWW-Authenticate": "insufficient_scope"},
                 endpoint="GET /Reports/BankStatement", granted=wide, era="mixed")
    assert d.top.code == "restricted_scope" and "accounting.reports.bankstatement.read" in d.top.title


def test_a_look_alike_letter_in_a_scope_is_named_by_the_library_too() -> None:
    import xero_nb as xn
    from xero_nb.errors import UnknownScopeError

    with pytest.raises(UnknownScopeError) as info:
        xn.parse_scopes("\u0430ccounting.settings.read")  # a Cyrillic a
    text = str(info.value)
    assert 'did you mean "accounting.settings.read"?' in text
    assert "(U+0430 CYRILLIC SMALL LETTER A) at position 1" in text
    with pytest.raises(UnknownScopeError) as plain:
        xn.parse_scopes("accounting.setings.read")
    assert "non-ASCII" not in str(plain.value)
