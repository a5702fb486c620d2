"""scan reads calls that go through names: a URL constant used with several verbs (in any file), a
path word in a constant, a method named in getattr, pyxero's other manager methods; and a URL in a
log line or an exception's message is no call."""

from __future__ import annotations

from pathlib import Path

from xero_nb.scan.analysis import analyse
from xero_nb.scan.engine import scan_tree


def _calls(tmp_path: Path, files: dict[str, str]) -> list[tuple[str, int, str, str]]:
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    result = scan_tree(tmp_path)
    return [(c.file, c.line, c.method, c.path) for c in result.calls]


def test_a_url_constant_used_with_two_verbs_is_two_calls_at_their_uses(tmp_path: Path) -> None:
    calls = _calls(tmp_path, {"app.py": (
        'import requests\n'
        'INVOICES_URL = "https://api.xero.com/api.xro/2.0/Invoices"\n'
        '\n'
        'def read(h):\n'
        '    return requests.get(INVOICES_URL, headers=h)\n'
        '\n'
        'def write(h, data):\n'
        '    return requests.put(INVOICES_URL, json=data, headers=h)\n')})
    assert calls == [("app.py", 5, "GET", "/Invoices"), ("app.py", 8, "PUT", "/Invoices")]


def test_the_write_through_a_constant_keeps_the_write_scope(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text(
        'import requests\nINVOICES_URL = "https://api.xero.com/api.xro/2.0/Invoices"\n'
        'def w(d):\n    return requests.put(INVOICES_URL, json=d)\n')
    report = analyse(scan_tree(tmp_path), era="broad", requested="accounting.transactions")
    assert report.least["broad"] == {"accounting.transactions"}  # not .read: the PUT writes
    assert not [f for f in report.findings if f.kind == "wider_scope"]


def test_a_constant_defined_in_one_file_is_called_in_another(tmp_path: Path) -> None:
    calls = _calls(tmp_path, {
        "xerosdk/constants.py": 'POST_INVOICE = "https://api.xero.com/api.xro/2.0/Invoices"\n',
        "xerosdk/invoices.py": ('from .constants import POST_INVOICE\n'
                                'class Invoices:\n'
                                '    def create(self, data):\n'
                                '        return self._post_request(POST_INVOICE, data)\n'
                                '    def list(self):\n'
                                '        return self._get_request(POST_INVOICE)\n')})
    assert calls == [("xerosdk/invoices.py", 4, "POST", "/Invoices"),
                     ("xerosdk/invoices.py", 6, "GET", "/Invoices")]


def test_a_constant_never_seen_called_is_its_definition_with_get_assumed(tmp_path: Path) -> None:
    (tmp_path / "c.py").write_text('ACCOUNTS_URL = "https://api.xero.com/api.xro/2.0/Accounts"\n')
    result = scan_tree(tmp_path)
    assert [(c.line, c.method, c.confidence, c.note) for c in result.calls] == [
        (1, "GET", 0.6, "method not seen: GET assumed")]


def test_a_constant_extended_in_an_f_string_names_the_longer_path(tmp_path: Path) -> None:
    calls = _calls(tmp_path, {"a.py": (
        'import requests\nINVOICES_URL = "https://api.xero.com/api.xro/2.0/Invoices"\n'
        'def one(i):\n    return requests.get(f"{INVOICES_URL}/{i}")\n')})
    assert ("a.py", 4, "GET", "/Invoices/{InvoiceID}") in calls


def test_a_path_word_held_by_a_constant_in_an_f_string(tmp_path: Path) -> None:
    calls = _calls(tmp_path, {"a.py": (
        'import requests\nBASE = "https://api.xero.com/api.xro/2.0"\nCONTACTS = "Contacts"\n'
        'def c(h):\n    return requests.post(f"{BASE}/{CONTACTS}", headers=h)\n')})
    assert calls == [("a.py", 5, "POST", "/Contacts")]


def test_a_helper_whose_path_is_all_placeholders_is_no_unknown_endpoint(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text(
        'import requests\nBASE = "https://api.xero.com/api.xro/2.0"\n'
        'def get(endpoint):\n    return requests.get(f"{BASE}/{endpoint}")\n')
    result = scan_tree(tmp_path)
    assert result.unknown == [] and result.calls == []


def test_getattr_with_an_sdk_method_name_is_that_call(tmp_path: Path) -> None:
    calls = _calls(tmp_path, {"sync.py": (
        'from xero_python.accounting import AccountingApi\n'
        'def pull(api_client, tenant_id):\n'
        '    accounting_api = AccountingApi(api_client)\n'
        '    return getattr(accounting_api, "get_accounts")(tenant_id)\n')})
    assert calls == [("sync.py", 4, "GET", "/Accounts")]


def test_pyxeros_other_manager_methods(tmp_path: Path) -> None:
    calls = _calls(tmp_path, {"p.py": (
        'from xero import Xero\n'
        'def go(creds, i, data, f):\n'
        '    xero = Xero(creds)\n'
        '    xero.invoices.put_attachment(i, "a.pdf", f, "application/pdf")\n'
        '    xero.invoices.get_attachments(i)\n'
        '    xero.invoices.email(i)\n'
        '    xero.invoices.online_invoice(i)\n'
        '    xero.creditnotes.put_allocation(i, data)\n'
        '    xero.contacts.get_history(i)\n')})
    assert [(line, method, path) for _, line, method, path in calls] == [
        (4, "PUT", "/Invoices/{InvoiceID}/Attachments/{FileName}"),
        (5, "GET", "/Invoices/{InvoiceID}/Attachments"),
        (6, "POST", "/Invoices/{InvoiceID}/Email"),
        (7, "GET", "/Invoices/{InvoiceID}/OnlineInvoice"),
        (8, "PUT", "/CreditNotes/{CreditNoteID}/Allocations"),
        (9, "GET", "/Contacts/{ContactID}/History"),
    ]


def test_a_url_in_a_log_line_or_an_exception_message_is_no_call(tmp_path: Path) -> None:
    calls = _calls(tmp_path, {"a.py": (
        'import logging, requests\nlogger = logging.getLogger(__name__)\n'
        'def go(h):\n'
        '    logger.info("calling https://api.xero.com/api.xro/2.0/Payments now")\n'
        '    print("see https://api.xero.com/api.xro/2.0/Journals")\n'
        '    r = requests.get("https://api.xero.com/api.xro/2.0/Accounts", headers=h)\n'
        '    if r.status_code != 200:\n'
        '        raise RuntimeError("GET https://api.xero.com/api.xro/2.0/Accounts failed: %s" % r.text)\n')})
    assert calls == [("a.py", 6, "GET", "/Accounts")]
