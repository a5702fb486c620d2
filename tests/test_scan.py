"""xero_nb.scan's recognisers on fixtures written in each SDK's style, and the traps they must not fall for."""

from __future__ import annotations

import importlib.util
import subprocess
import types
from pathlib import Path

import pytest

import xero_nb as xn
from xero_nb.catalog import load_catalog
from xero_nb.scan.engine import list_files, scan_tree
from xero_nb.scan.lexer import Spans
from xero_nb.scan.model import ScanResult
from xero_nb.scan.names import method_key, operations_named, sdk_names

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def bench() -> types.ModuleType:
    spec = importlib.util.spec_from_file_location("bench_scan", ROOT / "benchmarks" / "bench_scan.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def tree(bench: types.ModuleType, tmp_path_factory: pytest.TempPathFactory) -> Path:
    root: Path = bench.fixture_copy(tmp_path_factory.mktemp("scan"))
    return root


@pytest.fixture(scope="module")
def scanned(tree: Path) -> ScanResult:
    return scan_tree(tree)


def test_every_marked_call_is_found_and_nothing_else(bench: types.ModuleType, tree: Path,
                                                     scanned: ScanResult) -> None:
    want = bench.expected(tree)
    got = {(c.file, c.line, c.api, c.operation_id) for c in scanned.calls}
    assert len(want) > 60
    assert sorted(got - want) == [], "reported where no call is"
    assert sorted(want - got) == [], "missed"


@pytest.mark.parametrize("sdk", ["xero-python", "xero-node", "xero-netstandard", "xero-java",
                                 "xero-php-oauth2", "xero-ruby", "pyxero", "http"])
def test_each_recogniser_contributes(scanned: ScanResult, sdk: str) -> None:
    assert len([c for c in scanned.calls if c.recognised_by == sdk]) >= 3


def test_every_operation_maps_back_from_every_sdk_naming() -> None:
    for ep in load_catalog():
        if ep.source != "spec":
            continue
        names = list(sdk_names(ep.operation_id).values())
        names += [ep.operation_id.lower(), ep.operation_id.upper(), ep.operation_id + "WithHttpInfo",
                  ep.operation_id + "Async", sdk_names(ep.operation_id)["xero-python"] + "_with_http_info"]
        for name in names:
            assert ep.key in operations_named(name), (name, ep.key)


def test_every_operation_the_scanner_names_is_in_the_catalog(scanned: ScanResult) -> None:
    cat = load_catalog()
    for name in {method_key(ep.operation_id) for ep in cat}:
        for api, op in operations_named(name):
            assert cat.get(api, op).operation_id == op
    for call in scanned.calls:
        ep = cat.get(call.api, call.operation_id)
        assert (ep.method, ep.path) == (call.method, call.path)


def test_an_operation_in_several_apis_follows_the_receiver(scanned: ScanResult) -> None:
    employees = {(c.file, c.api) for c in scanned.calls if c.operation_id == "getEmployees"}
    assert ("sdks/python_sdk.py", "payroll_uk") in employees  # a typed parameter named `uk`
    assert ("sdks/ruby_sdk.rb", "payroll_nz") in employees
    assert ("sdks/php_sdk.php", "payroll_au") in employees
    assert ("pyxero/sync.py", "payroll_au") in employees


def test_traps_are_not_calls(scanned: ScanResult) -> None:
    trapped = [c for c in scanned.calls if c.file.startswith("traps/")]
    assert trapped == []
    assert scanned.skipped >= 2  # the binary file and the one-line bundle


def test_vendored_built_and_lockfiles_are_not_listed(tree: Path) -> None:
    names = list_files(tree / "traps")
    assert "not_calls.py" in names
    for left_out in ("package-lock.json", "static/app.min.js", "dist/app.js"):
        assert left_out not in names
    assert not [n for n in names if "node_modules" in n or n.startswith("vendor/")]


def test_comments_and_docstrings_are_not_code() -> None:
    text = 'x = 1  # a.get_invoices(t)\ndef f():\n    """api.get_invoices(t)"""\n    return "s"\n'
    spans = Spans.of(text, "py")
    assert spans.kind_at(text.index("a.get")) == "comment"
    assert spans.kind_at(text.index("api.get")) == "comment"
    assert spans.kind_at(text.index('"s"')) == "string"
    assert spans.kind_at(text.index("return")) == "code"


def test_raw_http_methods_come_from_the_call_around(scanned: ScanResult) -> None:
    methods = {(c.file, c.operation_id): (c.method, c.confidence) for c in scanned.calls
               if c.recognised_by == "http"}
    assert methods[("http/api.js", "createInvoices")][0] == "PUT"  # fetch(..., {method: 'PUT'})
    assert methods[("http/api.js", "getContacts")] == ("GET", 0.95)  # fetch without a method
    assert methods[("http/rest_client.py", "updateInvoice")] == ("POST", 0.85)  # url used later
    assert methods[("http/client.rb", "getTaxRates")][1] < 0.7  # not seen: GET assumed, less sure


def test_xero_urls_no_operation_matches_are_reported_apart(scanned: ScanResult) -> None:
    assert [(u.file, u.url) for u in scanned.unknown] == [
        ("http/rest_client.py", "https://api.xero.com/api.xro/2.0/Employees")]


def test_requested_scopes_from_code_and_config(scanned: ScanResult) -> None:
    by_file: dict[str, set[str]] = {}
    for s in scanned.scopes:
        by_file.setdefault(s.file, set()).add(s.scope)
    assert by_file["config/settings.yaml"] == {"openid", "offline_access", "accounting.transactions.read",
                                               "payroll.employees"}  # the commented-out one is not
    assert "files" in by_file["config/appsettings.json"]
    assert by_file["config/oauth.py"] == {"openid", "profile", "email", "offline_access", "accounting.invoices",
                                          "accounting.contacts.read", "accounting.payments.read"}
    assert "projects" in by_file["pyxero/sync.py"]
    assert not [f for f in by_file if f.startswith("traps/")]


def test_progress_hook_sees_every_file(tree: Path) -> None:
    seen: list[tuple[int, int, str]] = []
    scan_tree(tree / "sdks", progress=lambda done, total, name: seen.append((done, total, name)))
    assert [d for d, _, _ in seen] == list(range(1, len(seen) + 1))
    assert {t for _, t, _ in seen} == {len(seen)} and len(seen) == 7


def test_xn_scan_is_a_dataframe_of_call_sites(tree: Path) -> None:
    import xero_nb.scan.frames  # noqa: F401  (importing the module must not shadow xn.scan)

    frame = xn.scan(tree / "sample_app")
    assert callable(xn.scan)
    assert list(frame.columns)[:7] == ["file", "line", "snippet", "api", "operation_id", "method", "path"]
    assert set(frame["operation_id"]) == {"getConnections", "getAccounts", "getContact", "createInvoices",
                                          "emailInvoice", "getInvoices", "createPayments"}
    assert "accounting.transactions" in frame.attrs["requested"]
    single = xn.scan(tree / "sample_app" / "app.py")
    assert set(single["file"]) == {"app.py"} and len(single) == 6


def _git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.email=t@example.com", "-c", "user.name=t", *args], cwd=cwd,
                   check=True, capture_output=True)


def test_a_git_repository_by_folder_and_by_url(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "app.js").write_text("await xero.accountingApi.getItems(tenantId);\n", encoding="utf-8")
    (repo / "scratch.js").write_text("await xero.accountingApi.getUsers(tenantId);\n", encoding="utf-8")
    (repo / ".gitignore").write_text("scratch.js\n", encoding="utf-8")
    _git(repo, "init", "-q")
    _git(repo, "add", "app.js", ".gitignore")
    _git(repo, "commit", "-q", "-m", "x")
    assert [c.operation_id for c in scan_tree(repo).calls] == ["getItems"]  # ignored file left out
    cloned = scan_tree(repo.as_uri())
    assert [c.operation_id for c in cloned.calls] == ["getItems"] and cloned.root == repo.as_uri()


def test_a_missing_path_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="no such file"):
        scan_tree(tmp_path / "nope")


def test_a_misspelt_scope_in_the_code_is_an_error_that_fails_the_gate(tmp_path: Path) -> None:
    from xero_nb.scan.analysis import analyse
    from xero_nb.scan.engine import scan_tree

    (tmp_path / "app.py").write_text(
        "SCOPES = ['openid', 'offline_access', 'accounting.transactions.read',\n"
        "          'accounting.contact.read', 'acounting.settings']\n"
        "def go(api, tenant):\n    return api.get_invoices(tenant)\n")
    (tmp_path / "app.js").write_text(
        "const xero = new XeroClient({ scopes: 'openid accounting.setings accounting.transactions'"
        ".split(' ') });\n")
    (tmp_path / ".env").write_text("XERO_SCOPES=openid offline_access accounting.contacs\n")
    result = scan_tree(tmp_path)
    assert "accounting.contact.read" not in result.requested
    typos = {(s.file, s.scope) for s in result.misspelt}
    assert typos == {("app.py", "accounting.contact.read"), ("app.py", "acounting.settings"),
                     ("app.js", "accounting.setings"), (".env", "accounting.contacs")}
    report = analyse(result)
    unknown = {f.scope for f in report.findings if f.kind == "unknown_scope"}
    assert unknown == {"accounting.contacts.read", "accounting.settings", "accounting.contacts"}
    assert not report.ok
    assert {m["scope"] for m in xn.scan(tmp_path).attrs["misspelt"]} == {s for _, s in typos}
    assert {m["scope"] for m in report.to_dict()["misspelt_at"]} == {s for _, s in typos}
    # Words that merely contain a dot are no scope: file names, modules, versions.
    (tmp_path / "more.py").write_text(
        "import os.path\nSCOPE = 'accounting.settings openid'\nNAME = 'report.pdf'\nV = 'v2.0.1'\n")
    assert {s.file for s in scan_tree(tmp_path).misspelt} == {"app.py", "app.js", ".env"}


def test_a_scan_that_finds_nothing_does_not_pass_the_gate(tmp_path: Path) -> None:
    from xero_nb.scan.analysis import analyse
    from xero_nb.scan.engine import scan_tree

    (tmp_path / "readme.txt").write_text("nothing about Xero here\n")
    assert not analyse(scan_tree(tmp_path)).ok
    # A scope list checked on its own (--requested) has something to judge.
    assert analyse(scan_tree(tmp_path), requested="openid accounting.settings.read").ok
    frame = xn.scan(tmp_path)
    assert frame.attrs["misspelt"] == [] and frame.attrs["requested"] == []
