"""Where a XeroClient call goes, in the forms users write it (found by mutation testing): a
method in any case, a path without its leading slash, a query with spaces, and what a call
without a method says."""

from __future__ import annotations

import pytest

from xero_nb.catalog.index import load_catalog
from xero_nb.client.target import method_and_target, resolve
from xero_nb.facts import XeroURLs

CAT = load_catalog()
XERO = XeroURLs.xero()
INVOICES = "https://api.xero.com/api.xro/2.0/Invoices"


@pytest.mark.parametrize(("target", "method"), [
    ("GET /Invoices", "GET"), ("get /Invoices", "GET"), ("get", "/Invoices"), ("/Invoices", "get"),
    ("Invoices", "GET"), ("get Invoices", "POST"),
])
def test_every_way_of_writing_a_call_reaches_the_same_url(target: str, method: str) -> None:
    got_method, url, ep = resolve(CAT, XERO, target, method)
    assert (got_method, url) == ("GET", INVOICES)
    assert ep is not None and ep.operation_id == "getInvoices"


def test_a_query_with_spaces_stays_part_of_the_url() -> None:
    where = '/Contacts?where=Name == "A B"'
    assert resolve(CAT, XERO, "GET " + where)[:2] == ("GET", "https://api.xero.com/api.xro/2.0" + where)
    assert method_and_target("DELETE " + where, "GET") == ("DELETE", where)


def test_a_call_without_a_method_says_how_to_write_one() -> None:
    with pytest.raises(ValueError) as info:
        resolve(CAT, XERO, "/Invoices", "FETCH")
    assert str(info.value) == ("no HTTP method in call('/Invoices', 'FETCH'): use GET, POST, PUT, PATCH "
                               "or DELETE, e.g. call('GET', '/Invoices')")


def test_a_call_without_a_method_is_a_get() -> None:
    assert resolve(CAT, XERO, "/Invoices")[:2] == ("GET", INVOICES)


def test_a_shared_payroll_url_is_settled_by_the_region_or_left_open() -> None:
    url = "https://api.xero.com/payroll.xro/2.0/Employees"
    for region, api in (("NZ", "payroll_nz"), ("UK", "payroll_uk")):
        method, got, ep = resolve(CAT, XERO, "/payroll.xro/2.0/Employees", region=region)
        assert (method, got) == ("GET", url) and ep is not None and ep.api == api
    # no region: the call still goes to the URL as written, with no endpoint claimed for it
    assert resolve(CAT, XERO, "/payroll.xro/2.0/Employees") == ("GET", url, None)
