"""What a new user's scan of published Xero code found missing (trial 18): an app's own helpers
around Xero, a verb passed to a request helper, generated SDKs' built calls, calls through computed
names, routes an app serves, pyxero's scope constants and get_tenants(), and a gate that passed on
nothing verified."""

from __future__ import annotations

from pathlib import Path

import pytest

from xero_nb.cli import main
from xero_nb.scan.analysis import analyse
from xero_nb.scan.engine import scan_tree


def _tree(tmp_path: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    return tmp_path


def _calls(tmp_path: Path, files: dict[str, str]) -> list[tuple[str, int, str, str]]:
    return [(c.file, c.line, c.method, c.path) for c in scan_tree(_tree(tmp_path, files)).calls]


HELPER = '''import httpx
ACCOUNTING_API_URL = "https://api.xero.com/api.xro/2.0"

class Client:
    async def _request(self, method, url, json_body=None):
        return await httpx.AsyncClient().request(method, url, json=json_body)

    async def _accounting_get(self, path):
        return await self._request("GET", f"{ACCOUNTING_API_URL}/{path}")

    async def _accounting_put(self, path, body):
        return await self._request("PUT", f"{ACCOUNTING_API_URL}/{path}", json_body=body)

    async def _call(self, method, path):
        return await self._request(method, f"{ACCOUNTING_API_URL}/{path}")
'''


def test_an_apps_own_path_helpers_are_followed_to_their_callers(tmp_path: Path) -> None:
    calls = _calls(tmp_path, {"client.py": HELPER, "tools.py": (
        "from client import Client\n"
        "async def run(c: Client, body, i):\n"
        '    await c._accounting_get("Invoices")\n'
        '    await c._accounting_put("Contacts", body)\n'
        '    await c._accounting_get(f"Invoices/{i}")\n'
        '    await c._call("POST", "Payments")\n'
        "    await c._accounting_get(some_path)  # not a literal: no call can be named\n")})
    assert calls == [("tools.py", 3, "GET", "/Invoices"), ("tools.py", 4, "PUT", "/Contacts"),
                     ("tools.py", 5, "GET", "/Invoices/{InvoiceID}"), ("tools.py", 6, "POST", "/Payments")]


def test_a_javascript_helper_too(tmp_path: Path) -> None:
    calls = _calls(tmp_path, {"api.js": (
        'const BASE = "https://api.xero.com/api.xro/2.0";\n'
        "async function xeroGet(resource) {\n"
        "  return fetch(`${BASE}/${resource}`, { headers });\n"
        "}\n"
        'xeroGet("Accounts");\n')})
    assert calls == [("api.js", 5, "GET", "/Accounts")]


def test_the_verb_given_to_a_request_helper_is_the_calls(tmp_path: Path) -> None:
    calls = _calls(tmp_path, {"c.py": (
        'INVOICES_URL = "https://api.xero.com/api.xro/2.0/Invoices"\n'
        "class X:\n"
        "    async def create(self, body):\n"
        '        return await self._request("PUT", INVOICES_URL, body)\n'
        "    async def contact(self, body):\n"
        '        return await self.make_request("POST", "https://api.xero.com/api.xro/2.0/Contacts", body)\n'
        "    def legacy(self, data):\n"
        "        return self._post_request(data, Api.POST_INVOICE)\n"
        "class Api:\n"
        '    POST_INVOICE = "/api.xro/2.0/Invoices"\n')})
    assert ("c.py", 4, "PUT", "/Invoices") in calls and ("c.py", 6, "POST", "/Contacts") in calls
    assert ("c.py", 8, "POST", "/Invoices") in calls
    assert not [c for c in calls if c[2] == "GET"]  # nothing assumed


def test_a_generated_sdks_built_calls_take_their_servers_base(tmp_path: Path) -> None:
    calls = _calls(tmp_path, {
        "xero/configuration.py": ("class Server: SERVER_1 = 0\n"
                                  "ENVIRONMENTS = {Server.SERVER_1: 'https://api.xero.com/api.xro/2.0',\n"
                                  "                Server.SERVER_2: 'https://api.xero.com/assets.xro/1.0'}\n"),
        "xero/controllers/currencies.py": (
            "from xero.configuration import Server\n"
            "def create(self):\n"
            "    return self.builder.request(\n"
            "        RequestBuilder().server(Server.SERVER_1)\n"
            "        .path('/Currencies')\n"
            "        .http_method(HttpMethodEnum.PUT)\n"
            "        .header_param(Parameter().key('xero-tenant-id')))\n"
            "def assets(self):\n"
            "    return RequestBuilder().server(Server.SERVER_2).path('/Assets').http_method(HttpMethodEnum.GET)\n")})
    assert calls == [("xero/controllers/currencies.py", 5, "PUT", "/Currencies"),
                     ("xero/controllers/currencies.py", 9, "GET", "/Assets")]


def test_a_route_the_app_serves_is_no_call(tmp_path: Path) -> None:
    calls = _calls(tmp_path, {"emulator.py": (
        "from flask import Flask\napp = Flask(__name__)\n"
        '@app.route("/api.xro/2.0/Contacts", methods=["POST"])\n'
        "def contacts():\n    return {}\n")})
    assert calls == []


def test_calls_through_computed_names_keep_every_scope(tmp_path: Path) -> None:
    tree = _tree(tmp_path, {"sync.py": (
        "from xero_python.identity import IdentityApi\n"
        "from xero_python.accounting import AccountingApi\n"
        'SCOPES = "offline_access accounting.transactions.read accounting.settings.read"\n'
        "def run(client, tenant, names):\n"
        "    IdentityApi(client).get_connections()\n"
        "    accounting_api = AccountingApi(client)\n"
        "    for name in names:\n"
        "        getattr(accounting_api, name)(tenant)\n")})
    report = analyse(scan_tree(tree))
    kinds = {f.kind for f in report.findings}
    assert "dynamic_calls" in kinds and "unused_scope" not in kinds
    assert report.plan.drop == frozenset()


def test_pyxeros_scope_constants_and_get_tenants(tmp_path: Path) -> None:
    tree = _tree(tmp_path, {"auth.py": (
        "from xero import Xero\nfrom xero.constants import XeroScopes\n"
        "SCOPES = [XeroScopes.OFFLINE_ACCESS, XeroScopes.ACCOUNTING_JOURNALS_READ]\n"
        "def tenants(credentials):\n"
        "    return credentials.get_tenants()\n")})
    result = scan_tree(tree)
    assert result.requested == {"offline_access", "accounting.journals.read"}
    assert [(c.line, c.method, c.path) for c in result.calls] == [(5, "GET", "/connections")]


def test_scopes_in_the_code_and_no_call_fail_the_gate(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    tree = _tree(tmp_path, {"app.py": 'SCOPES = "openid offline_access accounting.contacts"\n'})
    assert main(["scan", str(tree)]) == 1
    assert "FAIL: nothing verified" in capsys.readouterr().err
    assert main(["scan", str(tree), "--format", "json"]) == 1
    assert '"ok": false' in capsys.readouterr().out


def test_a_bare_folder_name_excludes_that_folder_anywhere(tmp_path: Path) -> None:
    call = 'import requests\nrequests.get("https://api.xero.com/api.xro/2.0/Invoices")\n'
    tree = _tree(tmp_path, {"app.py": call, "tests/test_a.py": call, "pkg/tests/test_b.py": call})
    result = scan_tree(tree, exclude=["tests"])
    assert [c.file for c in result.calls] == ["app.py"]
    assert "tests (--exclude: 2 file(s))" in result.left_out


def test_the_note_names_the_constant_as_written(tmp_path: Path) -> None:
    tree = _tree(tmp_path, {"r.py": ('import requests\nREPORT_URL = "https://api.xero.com/api.xro/2.0/Reports/TrialBalance"\n'
                                     "def tb():\n    return api_get(REPORT_URL)\n")})
    assert scan_tree(tree).calls[0].note == "URL from REPORT_URL (r.py:2)"


def test_a_generic_helpers_template_is_no_unknown_endpoint(tmp_path: Path) -> None:
    tree = _tree(tmp_path, {"a.py": ('import requests\n'
                                     "def attachments(kind, i):\n"
                                     "    return requests.get('https://api.xero.com/api.xro/2.0/{0}/{1}/attachments'"
                                     ".format(kind, i))\n")})
    result = scan_tree(tree)
    assert result.unknown == [] and result.calls == []


def test_a_wrapper_that_names_no_verb_gives_the_one_its_body_sends(tmp_path: Path) -> None:
    calls = _calls(tmp_path, {
        "sdk/base.py": ("import requests\n"
                        "class ApiBase:\n"
                        "    def _update_request(self, data, api_url):\n"
                        "        return requests.put(self.server + api_url, json=data)\n"
                        "    def _either(self, data, api_url, create):\n"
                        "        return requests.put(api_url) if create else requests.post(api_url)\n"),
        "sdk/payments.py": ("from .base import ApiBase\n"
                            "class Payments(ApiBase):\n"
                            "    POST_PAYMENT = '/api.xro/2.0/Payments'\n"
                            "    def create(self, data):\n"
                            "        return self._update_request(data, Payments.POST_PAYMENT)\n"
                            "    def other(self, data):\n"
                            "        return self._either(data, Payments.POST_PAYMENT, True)\n")})
    assert ("sdk/payments.py", 5, "PUT", "/Payments") in calls
    assert not [c for c in calls if c[1] == 7]  # two verbs in the wrapper: not said to be either
