"""An offline Xero (identity, consent, every API route, limits and faults) for tests and demos.

>>> from xero_nb.simulator import XeroSimulator
>>> sim = XeroSimulator()
>>> sorted(sim.apps)
['custom', 'migrating', 'partner', 'pkce', 'web']
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from xero_nb.simulator.main import main
from xero_nb.simulator.orgs import DemoApp, DemoOrg, DemoUser, OrgRole
from xero_nb.simulator.scenarios import SCENARIOS, Scenario
from xero_nb.simulator.sim import SimulatorError, XeroSimulator
from xero_nb.simulator.transport import SimTransport

if TYPE_CHECKING:
    from xero_nb.simulator.server import SimServer


def __getattr__(name: str) -> Any:
    if name == "SimServer":  # uvicorn is imported only when a server is wanted
        from xero_nb.simulator.server import SimServer

        return SimServer
    raise AttributeError(f"module 'xero_nb.simulator' has no attribute {name!r}")


__all__ = ["SCENARIOS", "DemoApp", "DemoOrg", "DemoUser", "OrgRole", "Scenario", "SimServer",
           "SimTransport", "SimulatorError", "XeroSimulator", "main"]
