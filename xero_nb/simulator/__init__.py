"""An offline Xero (identity, consent, every API route, limits and faults) for tests and demos.

>>> from xero_nb.simulator import XeroSimulator
>>> sim = XeroSimulator()
>>> sorted(sim.apps)
['custom', 'migrating', 'partner', 'pkce', 'web']
"""

from __future__ import annotations

from xero_nb.simulator.main import main
from xero_nb.simulator.orgs import DemoApp, DemoOrg, DemoUser, OrgRole
from xero_nb.simulator.server import SimServer
from xero_nb.simulator.sim import SimulatorError, XeroSimulator
from xero_nb.simulator.transport import SimTransport

__all__ = ["DemoApp", "DemoOrg", "DemoUser", "OrgRole", "SimServer", "SimTransport",
           "SimulatorError", "XeroSimulator", "main"]
