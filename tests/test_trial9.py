"""A new user's trial of the simulator, probe and report (trial 9): what it found, kept fixed.

A run whose probes got no conclusive answer (Xero offline, the day limit used up) is no pass;
a report heading of a token-endpoint failure keeps its OAuth error's name; the simulator does not
fall over on a non-ASCII header or an impossible redirect port; a user's sign-in is not granted
the client-credentials-only scopes.
"""

from __future__ import annotations

import pytest

from xero_nb.cli import main
from xero_nb.redact import redact
from xero_nb.simulator import XeroSimulator


@pytest.fixture
def offline(monkeypatch: pytest.MonkeyPatch) -> None:
    """The CLI's own simulator answers every API call 503 (the organisation offline)."""
    real = XeroSimulator.__init__

    def faulty(self: XeroSimulator, *args: object, **kwargs: object) -> None:
        real(self, *args, **kwargs)  # type: ignore[arg-type]
        self.faults.add("503")

    monkeypatch.setattr(XeroSimulator, "__init__", faulty)


def test_a_probe_that_got_no_answer_is_no_pass(offline: None, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["probe", "--quiet"]) == 1
    err = capsys.readouterr().err
    assert "nothing was verified: none of the" in err and "Xero answered 503" in err
    assert "0 mismatch(es)" not in err


def test_a_report_of_an_unanswered_probe_says_nothing_was_verified(
        offline: None, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report"]) == 1
    got = capsys.readouterr()
    assert "Nothing was verified: none of the" in got.out and "0 mismatch(es)" not in got.out


def test_a_token_endpoint_failure_keeps_its_oauth_error_name() -> None:
    for said in ("POST https://identity.xero.com/connect/token: invalid_grant", "token: invalid_scope",
                 "/connect/token: unsupported_grant_type"):
        assert redact(said) == said
    assert redact("token: 4f8a9b2c1d3e5f6a7b8c9d0e1f") == "token: [redacted]"  # a value still hidden
