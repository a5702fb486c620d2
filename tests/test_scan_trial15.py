"""`scan` on real third-party code (trial 15): no "drop every scope" when no call was seen, the
folders a scan leaves out are named (a monorepo's packages/ is read), and a report id of
BankStatement is the restricted report."""

from __future__ import annotations

from pathlib import Path

import pytest

from xero_nb.cli import main
from xero_nb.scan.analysis import analyse
from xero_nb.scan.engine import scan_tree

CALL = 'import requests\nr = requests.get("https://api.xero.com/api.xro/2.0/Invoices", headers=h)\n'


def test_scopes_with_no_call_seen_are_not_said_to_drop(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "app.py").write_text('SCOPES = "openid offline_access accounting.transactions accounting.contacts"\n'
                                     "client = make_client(SCOPES)  # calls Xero through a wrapper\n")
    report = analyse(scan_tree(tmp_path))
    kinds = [f.kind for f in report.findings]
    assert "no_calls" in kinds and "unused_scope" not in kinds
    assert report.plan.drop == frozenset()
    assert main(["scan", str(tmp_path)]) == 1  # nothing verified: a gate must not pass on it
    out, err = capsys.readouterr()
    assert "drop it" not in out + err and "- Drop: `-`" in out
    assert "FAIL: nothing verified" in err and not report.ok
    assert main(["scan", str(tmp_path), "--requested", "accounting.contacts"]) == 0  # a scope list alone


def test_the_folders_a_scan_leaves_out_are_named_and_packages_is_read(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "packages" / "api").mkdir(parents=True)
    (tmp_path / "packages" / "api" / "app.py").write_text(CALL)
    (tmp_path / "dist").mkdir()
    (tmp_path / "dist" / "built.py").write_text(CALL)
    result = scan_tree(str(tmp_path))
    assert [c.file for c in result.calls] == ["packages/api/app.py"]
    assert result.left_out == ["dist/"]
    assert analyse(result).to_dict()["left_out"] == ["dist/"]
    main(["scan", str(tmp_path)])
    assert "not read (vendored or built code, --exclude): dist/" in capsys.readouterr().out


def test_a_report_id_of_bank_statement_is_the_restricted_report(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text(
        "from xero_python.accounting import AccountingApi\naccounting_api = AccountingApi(api_client)\n"
        'statement = accounting_api.get_report_from_id(xero_tenant_id, report_id="BankStatement")\n'
        'other = accounting_api.get_report_from_id(xero_tenant_id, "some-id")\n')
    calls = {c.line: c.operation_id for c in scan_tree(str(tmp_path)).calls}
    assert calls == {3: "getReportBankStatement", 4: "getReportFromId"}


def test_a_url_passed_to_the_apps_own_verb_wrapper_takes_its_verb(tmp_path: Path,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "app.py").write_text(
        "import requests\n\n\ndef http_put(url, data):\n    return requests.put(url, json=data)\n\n\n"
        "def create_contact(name):\n    contacts_url = \"https://api.xero.com/api.xro/2.0/Contacts\"\n"
        "    return http_put(contacts_url, {\"Name\": name})\n\n\n"
        "def read(url):\n    return requests.request('GET', url)\n\n\n"
        "def list_invoices():\n    url = \"https://api.xero.com/api.xro/2.0/Invoices\"\n    return read(url)\n")
    calls = {c.path: (c.method, c.note) for c in scan_tree(str(tmp_path)).calls}
    assert calls["/Contacts"][0] == "PUT"  # the wrapper's name says it: not a GET assumed
    assert calls["/Invoices"] == ("GET", "method not seen: GET assumed")
    main(["scan", str(tmp_path), "--requested", "accounting.contacts.read accounting.invoices.read"])
    out = capsys.readouterr().out
    assert "(method not seen: GET assumed)" in out  # said in the table too, not only in CSV and JSON


def test_pythons_adjacent_literals_are_one_url(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text(
        "import requests\n\n\ndef upload(invoice_id, name, data, headers):\n    return requests.put(\n"
        '        "https://api.xero.com/api.xro/2.0/Invoices/"\n        f"{invoice_id}/Attachments/{name}",\n'
        "        data=data, headers=headers)\n")
    (tmp_path / "two.js").write_text('const u = "https://api.xero.com/api.xro/2.0/Invoices/"\n"x";\n')
    calls = [(c.file, c.method, c.path) for c in scan_tree(str(tmp_path)).calls]
    assert ("app.py", "PUT", "/Invoices/{InvoiceID}/Attachments/{FileName}") in calls
    assert not any(f == "app.py" and p == "/Invoices" for f, _, p in calls)


@pytest.mark.parametrize(("code", "scope"), [
    ('auth = OAuth2(id="x", scopes=["paymentservices"])\n', "paymentservices"),  # Xero's own word
    ('SCOPES = ["projects"]\n', "projects"),  # an ordinary word, given as scopes by name
    ('config = {"scope": "assets"}\n', "assets"),
])
def test_one_plain_scope_given_as_scopes_is_requested(tmp_path: Path, code: str, scope: str) -> None:
    (tmp_path / "app.py").write_text("import httpx\nBASE = 'https://api.xero.com'\n" + code)
    assert scan_tree(str(tmp_path)).requested == {scope}


def test_a_plain_word_alone_elsewhere_is_no_scope(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text('BASE = "https://api.xero.com"\nfolder = "projects"\nkind = "files"\n')
    assert scan_tree(str(tmp_path)).requested == frozenset()


def test_an_apis_base_path_is_no_misspelt_scope(tmp_path: Path) -> None:
    (tmp_path / "api.py").write_text('SCOPES = "openid projects"\nPROJECTS_URL = "/projects.xro/2.0"\n'
                                     'PAYROLL = "payroll.xro/1.0"\n')
    assert [s.scope for s in scan_tree(str(tmp_path)).misspelt] == []


def test_another_providers_scope_is_no_misspelt_xero_scope(tmp_path: Path) -> None:
    (tmp_path / "graph.py").write_text('XERO = "https://api.xero.com"\n'
                                       'SCOPES = ["openid", "offline_access", "Files.ReadWrite", "User.Read"]\n')
    assert [s.scope for s in scan_tree(str(tmp_path)).misspelt] == []


def test_exclude_leaves_out_test_doubles_and_says_so(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_api.py").write_text(
        'import responses\nresponses.add(responses.DELETE, "https://api.xero.com/api.xro/2.0/Items/abc")\n')
    (tmp_path / "app.py").write_text(CALL)
    every = {c.file for c in scan_tree(str(tmp_path)).calls}
    assert every == {"app.py", "tests/test_api.py"}
    for pattern in ("tests/", "tests/*", "*/test_*.py"):
        result = scan_tree(str(tmp_path), exclude=[pattern])
        assert {c.file for c in result.calls} == {"app.py"}, pattern
        assert result.left_out == [f"{pattern} (--exclude: 1 file(s))"]
    main(["scan", str(tmp_path), "--exclude", "tests/"])
    assert "tests/ (--exclude: 1 file(s))" in capsys.readouterr().out
    import xero_nb as xn

    assert set(xn.scan(tmp_path, exclude=["tests/*"])["file"]) == {"app.py"}


def test_a_base_joined_with_a_path_word_is_a_call(tmp_path: Path) -> None:
    (tmp_path / "tap.py").write_text(
        'import requests\nfrom os.path import join\nfrom urllib.parse import urljoin\n'
        'BASE_URL = "https://api.xero.com/api.xro/2.0"\n\n\ndef currencies():\n'
        '    url = join(BASE_URL, "Currencies")\n    return requests.Request("GET", url).prepare()\n\n\n'
        'def contacts():\n    return requests.get(urljoin(BASE_URL + "/", "Contacts"))\n\n\n'
        'def other():\n    return join(folder, "Currencies")  # not a Xero base: no call\n')
    calls = {(c.line, c.path) for c in scan_tree(str(tmp_path)).calls}
    assert (8, "/Currencies") in calls
    assert not any(line == 17 for line, _ in calls)


def test_no_scope_list_in_the_code_points_to_requested(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text(
        "import os\nfrom xero_python.accounting import AccountingApi\n"
        "SCOPES = os.environ['XERO_SCOPES']\n"
        "def invoices(api_client, tenant_id):\n    return AccountingApi(api_client).get_invoices(tenant_id)\n")
    missing = [f for f in analyse(scan_tree(str(tmp_path))).findings if f.kind == "missing_scope"]
    assert missing and all("pass --requested" in f.message for f in missing)
    given = analyse(scan_tree(str(tmp_path)), requested="accounting.contacts.read")
    assert not any("pass --requested" in f.message for f in given.findings)


def test_a_same_named_variable_in_the_next_function_lends_no_method(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text(
        "import requests\n\n\ndef read_invoices():\n    url = \"https://api.xero.com/api.xro/2.0/Invoices\"\n"
        "    return fetch_json(url)\n\n\ndef save(url, data):\n    return requests.put(url, json=data)\n")
    (call,) = scan_tree(str(tmp_path)).calls
    assert call.method == "GET" and "assumed" in call.note  # not the PUT of save()'s own url


def test_a_test_doubles_method_is_its_registrations(tmp_path: Path) -> None:
    (tmp_path / "test_api.py").write_text(
        "import responses\n"
        'responses.add(responses.DELETE, "https://api.xero.com/api.xro/2.0/Items/abc")\n'
        'responses.add(responses.GET, "https://api.xero.com/api.xro/2.0/Items")\n')
    calls = {(c.method, c.path) for c in scan_tree(str(tmp_path)).calls}
    assert calls == {("DELETE", "/Items/{ItemID}"), ("GET", "/Items")}


def test_a_utf16_file_is_read_and_a_file_too_big_is_named(tmp_path: Path) -> None:
    (tmp_path / "win.py").write_bytes(CALL.encode("utf-16"))  # with its byte-order mark
    big = CALL + "# " + "x" * 2_100_000 + "\n"
    (tmp_path / "huge.py").write_text(big)
    result = scan_tree(str(tmp_path))
    assert [c.file for c in result.calls] == ["win.py"]
    assert "huge.py (over 2 MB)" in result.left_out
