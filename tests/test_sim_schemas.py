"""The shipped schema index matches the vendored specs; the generator follows the schemas."""

from __future__ import annotations

import json

from xero_nb.simulator import schema_build
from xero_nb.simulator.gen import Generator, to_datetime
from xero_nb.simulator.schemas import INDEX_PATH, api_schemas, collection_of

VENDOR = INDEX_PATH.parents[3] / "vendor" / "xero-openapi"


def test_the_shipped_index_is_what_the_specs_build() -> None:
    rebuilt = schema_build.build_index(VENDOR)
    shipped = json.loads(INDEX_PATH.read_text(encoding="utf-8"))
    assert shipped == json.loads(schema_build.dumps(rebuilt))
    assert "accounting" in shipped["apis"] and "identity" not in shipped["apis"]


def test_the_index_keeps_shapes_not_prose() -> None:
    text = INDEX_PATH.read_text(encoding="utf-8")
    assert '"description":"' not in text and '"example":' not in text  # a property may be named so
    inv = api_schemas("accounting").schemas["Invoice"]["properties"]["Date"]
    assert inv == {"type": "string", "x-is-msdate": True}


def test_envelope_keys_are_the_specs() -> None:
    acc, au, uk = api_schemas("accounting"), api_schemas("payroll_au"), api_schemas("payroll_uk")
    assert acc.shape("getOrganisationActions").slot == "Actions"
    assert acc.shape("getOrganisations").slot == "Organisations"
    assert au.shape("getSuperfunds").slot == "SuperFunds"
    tax = uk.shape("getEmployeeTax")
    assert (tax.slot, tax.many) == ("employeeTax", False)
    assert api_schemas("assets").shape("getAssetTypes").kind == "array"
    assert api_schemas("finance").shape("getCashValidation").kind == "array"
    assert api_schemas("assets").shape("getAssetSettings").kind == "record"
    assert au.shape("getPayItems").many is False  # an object in the spec, not a list
    assert collection_of("/Projects/{projectId}/Tasks/{taskId}") == "projects/tasks"


def test_dates_follow_each_apis_convention() -> None:
    gen = Generator(api_schemas("accounting"))
    inv = gen.render({"$ref": "Invoice"}, {"Date": "2019-11-14", "UpdatedDateUTC": "2019-11-14T18:10:38.314Z"})
    assert inv["Date"] == "/Date(1573689600000+0000)/"
    assert inv["UpdatedDateUTC"] == "/Date(1573755038314+0000)/"
    nz = Generator(api_schemas("payroll_nz")).render({"$ref": "Employee"}, {"dateOfBirth": "/Date(445824000000+0000)/"})
    assert nz["dateOfBirth"] == "1984-02-17"  # ISO where the API is not MS-JSON
    assert to_datetime("/Date(1573755038314+0000)/") == to_datetime("2019-11-14T18:10:38.314Z")


def test_required_fields_enums_numbers_and_uuids() -> None:
    gen = Generator(api_schemas("payroll_uk"))
    emp = gen.render({"$ref": "Employee"}, {"firstName": "Ada", "gender": "X", "junk": 1})
    assert {"title", "firstName", "lastName", "dateOfBirth", "gender", "address"} <= set(emp)
    assert emp["gender"] in ("M", "F") and "junk" not in emp
    acc = Generator(api_schemas("accounting"))
    tx = acc.render({"$ref": "BankTransaction"}, {"Total": "12.50", "BankTransactionID": "not-a-uuid"})
    assert tx["Total"] == 12.5 and isinstance(tx["LineItems"], list) and tx["Type"] == "RECEIVE"
    assert len(tx["BankTransactionID"]) == 36
    made = acc.fake({"$ref": "Quote"}, "t/quotes/0", full=True)
    assert made == acc.fake({"$ref": "Quote"}, "t/quotes/0", full=True)  # deterministic
    assert made["QuoteID"] != acc.fake({"$ref": "Quote"}, "t/quotes/1", full=True)["QuoteID"]
