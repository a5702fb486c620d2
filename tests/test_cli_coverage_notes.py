"""What the CLI says beyond its tables: `coverage` names scopes Xero documents whose operations
the catalog lacks, a broad scope judged in the granular era, and no scopes at all; `diagnose`
reads pasted files in the encodings Windows writes."""

from __future__ import annotations

from pathlib import Path

import pytest

from xero_nb.cli import main


def notes(capsys: pytest.CaptureFixture[str], *argv: str) -> list[str]:
    assert main(["coverage", *argv]) == 0
    return [line for line in capsys.readouterr().err.splitlines() if line.startswith("note: ")]


def test_scopes_without_catalog_endpoints_are_named(capsys: pytest.CaptureFixture[str]) -> None:
    got = notes(capsys, "--granted", "finance.accountingactivity.read practicemanager.client.read "
                "accounting.contacts.read openid")
    assert got == [f"note: {s} allows no endpoint in the catalog: Xero documents the scope, but its "
                   "OpenAPI specs describe none of its operations; it is carried, not judged"
                   for s in ("finance.accountingactivity.read", "practicemanager.client.read")]


def test_a_broad_scope_in_the_granular_era_says_which_era_would_judge_it(
        capsys: pytest.CaptureFixture[str]) -> None:
    got = notes(capsys, "--granted", "accounting.transactions", "--era", "granular")
    assert got == ["note: accounting.transactions allows nothing in the granular era (it is a broad "
                   "scope; try --era mixed)"]
    assert notes(capsys, "--granted", "accounting.transactions", "--era", "mixed") == []


def test_no_scopes_at_all_is_said(capsys: pytest.CaptureFixture[str]) -> None:
    assert notes(capsys) == ["note: no scopes were given (--granted): every endpoint shows as refused"]


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-8-sig", "utf-8"])
def test_a_pasted_file_in_windows_encodings_is_read(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                                   encoding: str) -> None:
    """PowerShell's `>` writes UTF-16 with a byte-order mark; Notepad may add a UTF-8 one."""
    text = "401 Unauthorized\r\nWWW-Authenticate: insufficient_scope\r\n"
    data = text.encode(encoding)
    if encoding == "utf-16-be":
        data = b"\xfe\xff" + data
    paste = tmp_path / "error.txt"
    paste.write_bytes(data)
    assert main(["diagnose", str(paste)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("1. [missing_scope]") and "seen: status 401" in out


def test_the_librarys_era_advice_is_said_as_an_option(capsys: pytest.CaptureFixture[str]) -> None:
    from xero_nb.cli.helpers import cli_words

    assert cli_words("plan for the mixed era (era='mixed'); era='broad' or 'granular'") == (
        "plan for the mixed era (--era mixed); --era broad or 'granular'")
    assert main(["least-privilege", "GET:/Invoices", "GET:/ExpenseClaims"]) == 3
    err = capsys.readouterr().err
    assert "(--era mixed)" in err and "era='" not in err
