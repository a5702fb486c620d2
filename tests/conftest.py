"""Shared fixtures: the simulator is the main fixture of the suite."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from xero_nb.simulator import SimServer, XeroSimulator


@pytest.fixture(autouse=True, scope="session")
def _own_config_folders(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """No test reads the user's Xero settings or writes tokens into their config folder."""
    home = tmp_path_factory.mktemp("home")
    saved = {k: os.environ.get(k) for k in _ISOLATED}
    for key in _ISOLATED:
        os.environ.pop(key, None)
    for name in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
        os.environ[name] = str(home / name.lower())
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


_ISOLATED = ("XERO_CLIENT_ID", "XERO_CLIENT_SECRET", "XERO_REDIRECT_URI", "XERO_SCOPES", "XERO_ERA",
             "XERO_GRANT", "XERO_PROFILE", "XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME",
             "XDG_CACHE_HOME")


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def sim() -> XeroSimulator:
    """A fresh simulator (limits on, auto-approve on, seed 0)."""
    return XeroSimulator()


@pytest.fixture
def sim_nolimits() -> XeroSimulator:
    """A fresh simulator with rate limits off (for tests that make many calls)."""
    return XeroSimulator(limits=False)


@pytest.fixture
def served_sim(sim: XeroSimulator) -> Iterator[SimServer]:
    """The ``sim`` fixture also listening on 127.0.0.1: ``.url``, ``.urls``, ``.sim`` (is ``sim``)."""
    with sim.serve() as server:
        yield server


@pytest.fixture
def no_xero_app(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No client id anywhere: the CLI uses the simulator."""
    for var in ("XERO_CLIENT_ID", "XERO_CLIENT_SECRET", "XERO_PROFILE"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.chdir(tmp_path)
