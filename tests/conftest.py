"""Shared fixtures: the simulator is the main fixture of the suite."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from xero_nb.simulator import SimServer, XeroSimulator


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
