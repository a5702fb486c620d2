"""``xero-nb login``: a command-line user signs in to Xero (here the simulator behind Xero's own
hosts) and the saved token is what ``probe`` then uses; nothing secret is printed."""

from __future__ import annotations

import io
import sys
from pathlib import Path
from typing import Any

import httpx2 as httpx
import pytest

from xero_nb.auth import FileTokenStore, flow
from xero_nb.cli import main
from xero_nb.simulator import XeroSimulator
from xero_nb.simulator.orgs import LOOPBACK_REDIRECT


@pytest.fixture()
def world(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """The web demo app as a live profile, its XeroAuth on the simulator with a token file here."""
    sim = XeroSimulator(limits=False)
    web = sim.apps["web"]
    monkeypatch.chdir(tmp_path)  # (no .env of the project's)
    for name in ("XERO_PROFILE", "XERO_GRANT"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("XERO_CLIENT_ID", web.client_id)
    monkeypatch.setenv("XERO_CLIENT_SECRET", web.client_secret)
    monkeypatch.setenv("XERO_REDIRECT_URI", LOOPBACK_REDIRECT)
    monkeypatch.setenv("XERO_SCOPES", "openid offline_access accounting.settings.read")
    made: list[Any] = []
    real = flow.XeroAuth

    def on_sim(settings: Any, **kw: Any) -> Any:
        auth = real(settings, transport=sim.transport(), store=FileTokenStore(tmp_path / "tokens"), **kw)
        made.append(auth)
        return auth

    monkeypatch.setattr(flow, "XeroAuth", on_sim)
    return {"sim": sim, "made": made, "secret": web.client_secret}


class _Browser(io.StringIO):
    """stdin of a user who opened the printed link: consent, then paste where the browser went."""

    def __init__(self, world: dict[str, Any], stderr: io.StringIO) -> None:
        super().__init__()
        self.world, self.stderr = world, stderr

    def readline(self, *_: Any) -> str:
        link = next(line.strip() for line in self.stderr.getvalue().splitlines() if "/authorize" in line)
        with httpx.Client(transport=self.world["sim"].transport()) as client:
            return client.get(link, follow_redirects=False).headers["location"] + "\n"


def test_login_paste_saves_a_token_that_probe_uses(world: dict[str, Any], monkeypatch: pytest.MonkeyPatch,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    err = io.StringIO()
    monkeypatch.setattr(sys, "stderr", err)
    monkeypatch.setattr(sys, "stdin", _Browser(world, err))
    assert main(["login", "--paste"]) == 0
    out = capsys.readouterr().out
    assert "signed in to Xero as" in out and "accounting.settings.read" in out
    token = world["made"][-1].store.load()
    assert token is not None and token.refresh_token
    for secret in (token.access_token, token.refresh_token, world["secret"]):
        assert secret not in out and secret not in err.getvalue()
    assert "Open this link" in err.getvalue()


def test_a_paste_of_nothing_is_said_and_nothing_is_saved(world: dict[str, Any], monkeypatch: pytest.MonkeyPatch,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO("\n"))
    assert main(["login", "--paste"]) == 2
    assert "nothing was pasted" in capsys.readouterr().err
    assert world["made"][-1].store.load() is None


def test_without_an_app_login_says_what_to_set(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    for name in ("XERO_CLIENT_ID", "XERO_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    assert main(["login"]) == 2
    assert "set XERO_CLIENT_ID" in capsys.readouterr().err


def test_a_probe_before_login_says_to_log_in(world: dict[str, Any], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["probe", "--quiet"]) == 3
    assert "xero-nb login" in capsys.readouterr().err
