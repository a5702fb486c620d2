"""``xero-nb scopes-for``'s fast path says exactly what the full command says, or lets it speak."""

from __future__ import annotations

import io
import json
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xero_nb.catalog import answers, files
from xero_nb.catalog.index import load_catalog
from xero_nb.cli import fast
from xero_nb.cli import main as cli_main
from xero_nb.cli.parser import main as full_main
from xero_nb.models import Endpoint

CATALOG = list(load_catalog())


def _run(entry: object, argv: list[str]) -> tuple[object, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = entry(argv)  # type: ignore[operator]
    return code, out.getvalue(), err.getvalue()


def _argv(ep: Endpoint, url: str, era: str, fmt: str) -> list[str]:
    argv = ["scopes-for", ep.method, url, "--era", era, "--format", fmt]
    return argv + (["--region", ep.payroll_region.lower()] if ep.payroll_region else [])


def test_the_shipped_answers_are_what_the_scope_rules_say_today() -> None:
    shipped = Path(files.ANSWERS).read_text(encoding="utf-8")
    assert answers.dumps(answers.build()) == shipped, (
        "xero_nb/catalog/data/answers.json is stale: run `make catalog`")


def test_the_fast_path_reads_the_catalog_in_the_catalogs_own_order() -> None:
    rows, about = fast._rows()
    assert rows == [(ep.api, ep.method, ep.path, ep.base_url) for ep in CATALOG]
    assert about == [(ep.operation_id, ep.tenant_header) for ep in CATALOG]


@settings(max_examples=60, deadline=None)
@given(ep=st.sampled_from(CATALOG), era=st.sampled_from(answers.ERAS),
       fmt=st.sampled_from(("text", "json")), full_url=st.booleans())
def test_fast_and_full_paths_print_the_same(ep: Endpoint, era: str, fmt: str, full_url: bool) -> None:
    argv = _argv(ep, ep.url if full_url else ep.path, era, fmt)
    slow = _run(full_main, argv)
    quick = _run(fast.scopes_for, argv)
    if quick[0] is None:  # a bare path several APIs share: the full path words the error
        assert not full_url and slow[0] != 0
    else:
        assert quick == slow


@pytest.mark.parametrize("argv", [
    ["scopes-for", "GET", "/Invoices"],
    ["scopes-for", "GET", "https://api.xero.com/api.xro/2.0/Journals", "--era=granular", "--format=json"],
    ["scopes-for", "--era", "mixed", "GET", "/Reports/BankStatement"],  # documented outside the specs
    ["scopes-for", "GET", "/Employees", "--region", "nz"],
])
def test_the_console_entry_answers_on_the_fast_path(argv: list[str]) -> None:
    assert _run(fast.scopes_for, argv)[0] == 0
    assert _run(cli_main, argv) == _run(full_main, argv)


@pytest.mark.parametrize("argv", [
    ["scopes-for", "--help"],
    ["scopes-for", "GET"],  # the URL is missing
    ["scopes-for", "GET", "/Invoices", "--era", "granuler"],  # a bad choice
    ["scopes-for", "GET", "/Invoices", "--fo", "json"],  # an abbreviation argparse accepts
    ["scopes-for", "GET", "/Invoices", "--region"],  # no value
    ["scopes-for", "GET", "/Employees"],  # three payroll APIs share it
    ["scopes-for", "GET", "https://api.xero.com/nope/1"],
    ["coverage", "--granted", "accounting.settings.read"],
    [],
])
def test_anything_but_a_plain_answer_goes_to_the_full_command(argv: list[str]) -> None:
    assert fast.scopes_for(argv) is None


def test_an_abbreviated_option_still_works_through_the_console_entry(
        capsys: pytest.CaptureFixture[str]) -> None:
    assert cli_main(["scopes-for", "GET", "/Invoices", "--fo", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["operation_id"] == "getInvoices"


def test_a_damaged_install_falls_back_to_the_full_path(monkeypatch: pytest.MonkeyPatch,
                                                       tmp_path: Path) -> None:
    monkeypatch.setattr(files, "ANSWERS", str(tmp_path / "missing.json"))
    assert fast.scopes_for(["scopes-for", "GET", "/Invoices"]) is None
    broken = tmp_path / "broken.json"
    broken.write_text('{"eras": ["broad"], "answers": [], "endpoints": {}}', encoding="utf-8")
    monkeypatch.setattr(files, "ANSWERS", str(broken))
    assert fast.scopes_for(["scopes-for", "GET", "/Invoices"]) is None
