"""The command line in a CI pipeline (trial 20): a gate that passed on a scope Xero refuses at
sign-in or on a file it did not read, a failed step with nothing said, and Ctrl-C tracebacks."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from xero_nb import cli
from xero_nb.cli import main

CALL = 'import requests\nrequests.get("https://api.xero.com/api.xro/2.0/Invoices")\n'


def test_a_broad_scope_in_a_granular_apps_code_fails_the_gate(tmp_path: Path,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "a.py").write_text('SCOPES = "openid offline_access accounting.transactions '
                                   'accounting.invoices.read"\n' + CALL)
    assert main(["scan", str(tmp_path), "--era", "granular", "--format", "sarif"]) == 1
    out, err = capsys.readouterr()
    results = json.loads(out)["runs"][0]["results"]
    refused = [r for r in results if r["ruleId"] == "refused_scope"]
    assert refused and refused[0]["level"] == "error" and "accounting.transactions" in refused[0]["message"]["text"]
    assert "FAIL: a requested scope is refused at sign-in" in err  # said beside machine output too
    assert main(["scan", str(tmp_path), "--era", "mixed", "--format", "json"]) == 0  # an older app may


def test_a_file_that_mentions_xero_but_is_not_read_fails_the_gate(tmp_path: Path,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "small.py").write_text('SCOPES = "accounting.invoices.read"\n' + CALL)
    (tmp_path / "huge.py").write_text("# " + "x" * 2_100_000 + "\nrequests.put('https://api.xero.com/api.xro/2.0/Contacts')\n")
    assert main(["scan", str(tmp_path), "--format", "json"]) == 1
    out, err = capsys.readouterr()
    kinds = {f["kind"] for f in json.loads(out)["findings"]}
    assert "not_read" in kinds and "was not read" in err
    assert main(["scan", str(tmp_path), "--exclude", "huge.py", "--format", "json"]) == 0


def test_ctrl_c_is_one_line_and_exit_130(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    import xero_nb.cli.parser as parser

    def interrupted(argv: object) -> int:
        raise KeyboardInterrupt

    monkeypatch.setattr(parser, "main", interrupted)
    assert cli.main(["diagnose", "-"]) == 130
    err = capsys.readouterr().err
    assert err == "xero-nb: interrupted\n"


def test_sarif_paths_read_from_the_repository_top_and_are_uris(tmp_path: Path,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / ".git").mkdir()  # (a checkout's top: where a code host resolves paths from)
    billing = tmp_path / "services" / "billing"
    billing.mkdir(parents=True)
    (billing / "my app#1.py").write_text('SCOPES = "accounting.contacts.read"\n' + CALL)
    assert main(["scan", str(billing), "--format", "sarif"]) == 1  # GET /Invoices is not granted
    run = json.loads(capsys.readouterr().out)["runs"][0]
    assert run["originalUriBaseIds"]["SRCROOT"]["uri"] == tmp_path.resolve().as_uri() + "/"
    uris = {loc["physicalLocation"]["artifactLocation"]["uri"] for r in run["results"] for loc in r["locations"]}
    assert uris == {"services/billing/my%20app%231.py"}


def test_a_report_of_nothing_probed_fails_like_probe(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", "--granted", "accounting.invoices", "--era", "broad"]) == 1
    err = capsys.readouterr().err
    assert "nothing was probed" in err
    assert "a 2026 granular scope, which grants nothing in the broad era" in err  # the real reason


def test_migrate_of_nothing_but_typos_is_no_plan(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["migrate", "--granted", "accounting.transaction"]) == 3
    assert "not Xero scopes: correct them first" in capsys.readouterr().out


def test_an_endpoint_file_may_end_its_lines_with_comments(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    needed = tmp_path / "needed.txt"
    needed.write_text("GET /Accounts  # the chart of accounts\nGET /Invoices\t# sales\n")
    assert main(["coverage", "--granted", "accounting.settings.read accounting.invoices.read", "--era", "granular",
                 "--require-file", str(needed)]) == 0
    assert main(["least-privilege", "--file", str(needed), "--era", "granular"]) == 0
    assert capsys.readouterr().out.split()[-2:] == ["accounting.invoices.read", "accounting.settings.read"]


def test_an_expired_custom_connection_token_is_asked_for_again_not_signed_in() -> None:
    from xero_nb.diagnose import diagnose

    found = diagnose(text='{"Status":401,"Detail":"TokenExpired: token expired at 12/01/2026 17:15:32"}',
                     status=401, grant_type="client_credentials", granted=["accounting.contacts"])
    first = found.findings[0]
    assert first.code == "token_expired"
    assert "client_credentials grant" in first.fix[0] and "sign in" not in " ".join(first.fix).replace("no sign-in", "")


def test_rough_edges_of_login_and_least_privilege_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(["login", "--timeout", "-5"])
    assert stopped.value.code == 2 and "must be above 0 seconds" in capsys.readouterr().err
    empty = tmp_path / "none.txt"
    empty.write_text("# nothing yet\n")
    assert main(["least-privilege", "--file", str(empty)]) == 2
    assert f"{empty} has no endpoint lines" in capsys.readouterr().err


def test_a_missing_file_after_the_scopes_is_said_not_taken_for_a_scope(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["diagnose", "--granted", "accounting.contacts", "missing/body.json"]) == 2
    assert "cannot read missing/body.json: no such file" in capsys.readouterr().err
