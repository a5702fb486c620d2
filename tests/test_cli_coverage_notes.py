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
                "einvoicing accounting.contacts.read openid")
    assert got == [f"note: {s} allows no endpoint in the catalog: Xero documents the scope, but its "
                   "OpenAPI specs describe none of its operations; it is carried, not judged"
                   for s in ("einvoicing", "practicemanager.client.read")]  # (sorted; Finance's activities are in)


def test_a_broad_scope_in_the_granular_era_says_which_era_would_judge_it(
        capsys: pytest.CaptureFixture[str]) -> None:
    got = notes(capsys, "--granted", "accounting.transactions", "--era", "granular")
    assert got == ["note: accounting.transactions allows nothing in the granular era: it is a deprecated "
                   "broad scope, which grants nothing to an app created from 2 Mar 2026 (--era mixed "
                   "if the app is older)"]
    assert notes(capsys, "--granted", "accounting.transactions", "--era", "mixed") == []


def test_a_granular_scope_in_the_broad_era_is_called_granular(capsys: pytest.CaptureFixture[str]) -> None:
    got = notes(capsys, "--granted", "accounting.invoices.read", "--era", "broad")
    assert got == ["note: accounting.invoices.read allows nothing in the broad era: it is a 2026 granular "
                   "scope; pass --era mixed (an app created before 2 Mar 2026) or --era granular"]


def test_the_library_table_carries_the_same_notes() -> None:
    import warnings

    import xero_nb as xn
    from xero_nb.catalog.frames import coverage_notes
    from xero_nb.errors import XeroNbWarning

    frame = xn.coverage("openid accounting.transactions practicemanager.client.read", era="granular")
    assert frame.attrs["notes"] == coverage_notes(
        ["openid", "accounting.transactions", "practicemanager.client.read"], era="granular")
    assert [n.split(" ")[0] for n in frame.attrs["notes"]] == ["accounting.transactions",
                                                               "practicemanager.client.read"]
    assert "era='mixed' if the app is older" in frame.attrs["notes"][0]
    with warnings.catch_warnings():  # the broad era also warns about the granular scope
        warnings.simplefilter("ignore", XeroNbWarning)
        broad = xn.coverage("accounting.invoices.read", era="broad")
    assert "2026 granular scope" in broad.attrs["notes"][0]
    assert xn.coverage("", era="mixed").attrs["notes"] == [
        "no scopes were given: every endpoint shows as refused"]
    assert xn.coverage("accounting.contacts.read", era="mixed").attrs["notes"] == []


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
    # a call no scope grants in the era is left out and said, the rest still answered (exit 1)
    assert main(["least-privilege", "GET:/Invoices", "GET:/ExpenseClaims"]) == 1
    got = capsys.readouterr()
    assert got.out.strip() == "accounting.invoices.read"
    assert "GET /ExpenseClaims: left out, no scope grants it in the granular era" in got.err
    assert "era='" not in got.err


def test_the_granular_scope_warning_is_said_once_as_a_note(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["coverage", "--granted", "accounting.invoices.read", "--era", "broad"]) == 0
    err = capsys.readouterr().err
    assert "XeroNbWarning" not in err and "era='" not in err
    assert sum("accounting.invoices.read" in line for line in err.splitlines()) == 1


def test_a_library_warning_is_a_note_said_the_command_line_way(
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    import argparse
    import warnings

    from xero_nb.cli import scopes
    from xero_nb.errors import XeroNbWarning, warn_user

    def warns(args: argparse.Namespace) -> int:
        warn_user("judged in the broad era; pass era='mixed'")
        warnings.warn("some other library's warning", UserWarning, stacklevel=1)
        return 0

    monkeypatch.setitem(scopes.COMMANDS, "coverage", warns)
    with warnings.catch_warnings(record=True) as others:
        warnings.simplefilter("always", UserWarning)
        assert main(["coverage"]) == 0
    err = capsys.readouterr().err
    assert "note: judged in the broad era; pass --era mixed" in err.splitlines()
    assert [str(w.message) for w in others] == ["some other library's warning"]  # passed on as it was
    assert not any(issubclass(w.category, XeroNbWarning) for w in others)


def test_a_client_credentials_scope_is_not_said_to_lack_its_endpoint(capsys: pytest.CaptureFixture[str]) -> None:
    """app.connections is Xero's scope for the Connections endpoint, which the catalog holds (with no
    scope: a user's token needs none): the note must not say its operations are missing (trial 8 #4)."""
    got = notes(capsys, "--granted", "app.connections", "--api", "identity")
    assert got == ["note: app.connections is for a client-credentials token's calls outside any "
                   "organisation (Connections): the specs list them with no scope (a user's token needs "
                   "none), so it is carried, not judged"]


def test_a_scope_only_third_parties_name_is_not_said_to_be_xeros(capsys: pytest.CaptureFixture[str]) -> None:
    """workflowmax.read is seen in developers' scope lists, not on Xero's page (trial 8 #9)."""
    got = notes(capsys, "--granted", "workflowmax.read", "--api", "accounting")
    assert got == ["note: workflowmax.read allows no endpoint in the catalog: it is not on Xero's scopes "
                   "page (seen in third-party scope lists), and the OpenAPI specs describe none of its "
                   "operations; it is carried, not judged"]
    import xero_nb as xn

    table = xn.scope_summary("workflowmax.read", era="mixed").set_index("scope")
    assert table.loc["workflowmax.read", "note"] == "not on Xero's scopes page (seen in third-party scope lists)"
    assert table.loc["einvoicing", "note"] == "documented by Xero, not in the OpenAPI specs"
