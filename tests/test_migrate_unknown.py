"""`migrate` and `migration_plan` with names the catalog does not know (trial 13): a credential
pasted among the scopes is never shown, a typo or a scope Xero does not have is never put in
"Request now", each is noted once, and a note never carries raw control characters or a whole file."""

from __future__ import annotations

import json
import warnings

import pytest

import xero_nb as xn
from xero_nb.cli import main

SECRET = "hX8sDkd93kdk3l_aPq29s-" + "LKd9d3kdkd93lslsk"  # shaped like a client secret


def migrate(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["migrate", *argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("given", [f"accounting.transactions {SECRET}",
                                   f"accounting.transactions client_secret={SECRET}"])
def test_a_secret_among_the_scopes_is_shown_nowhere(capsys: pytest.CaptureFixture[str], given: str) -> None:
    with warnings.catch_warnings(record=True):
        warnings.simplefilter("always")
        plan = xn.migration_plan(given)
    assert SECRET not in plan.to_markdown() and SECRET not in repr(plan)
    assert not any(SECRET in s for s in plan.request_now)
    assert plan.unknown and "[redacted]" in plan.unknown[0]
    for fmt in ("text", "json", "csv"):
        _, out, err = migrate(capsys, "--granted", given, "--format", fmt)
        assert SECRET not in out and SECRET not in err


def test_a_name_xero_does_not_have_is_never_requested(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = migrate(capsys, "--granted", "accounting.transactions.read accounting.classicexpenses",
                             "--format", "json")
    data = json.loads(out.strip().splitlines()[-1])
    assert code == 0 and "accounting.classicexpenses" not in data["request_now"]
    assert data["unknown"] == ["accounting.classicexpenses"]
    assert err.count('"accounting.classicexpenses" is not a scope') == 1  # noted once, not twice
    _, text, _ = migrate(capsys, "--granted", "accounting.transactions.read accounting.classicexpenses")
    request_now = next(line for line in text.splitlines() if line.startswith("- Request now"))
    assert "classicexpenses" not in request_now
    assert "Left out, not scopes the catalog knows" in text


def test_misspelt_broad_scopes_are_not_called_already_granular(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = migrate(capsys, "--granted", "accounting.transaction accounting.report.read")
    assert code == 3  # nothing but typos: no plan, the exit for an unknown scope (trial 20)
    assert "already granular" not in out and "correct them first" in out
    assert 'did you mean "accounting.transactions"' in err and 'did you mean "accounting.reports.read"' in err


def test_a_note_escapes_control_characters_and_cuts_a_long_name(capsys: pytest.CaptureFixture[str]) -> None:
    _, _, err = migrate(capsys, "--granted", "accounting.transactions x\x1b[2J\x07")
    assert "\x1b" not in err and "\x07" not in err and "\\x1b" in err
    long = "a" * 5000
    _, _, err = migrate(capsys, "--granted", f"accounting.transactions {long}")
    assert long not in err and "5,000 characters" in err
    main(["coverage", "--granted", "Accounting.Invoices.Read\x1b]0;owned\x07"])
    assert "\x1b" not in capsys.readouterr().err
