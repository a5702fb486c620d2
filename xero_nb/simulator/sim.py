"""XeroSimulator: an offline Xero that fails exactly as Xero does.

>>> sim = XeroSimulator()
>>> tok = sim.issue_token(scopes=["accounting.settings.read"])
>>> with Client(transport=sim.transport()) as c:                     # doctest: +SKIP
...     c.get("https://api.xero.com/api.xro/2.0/Accounts",
...           headers={"Authorization": "Bearer " + tok["access_token"],
...                    "xero-tenant-id": sim.tenants[0].tenant_id}).status_code
200
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from xero_nb.facts import XeroURLs
from xero_nb.http import Request, Response
from xero_nb.simulator.clock import SimClock
from xero_nb.simulator.core import RECORD_DEFAULT, SimCore
from xero_nb.simulator.faults import Faults
from xero_nb.simulator.limits import RateLimits
from xero_nb.simulator.orgs import DemoOrg, demo_apps, demo_orgs, demo_users
from xero_nb.simulator.roster import Roster, SimulatorError
from xero_nb.simulator.scenarios import Scenario
from xero_nb.simulator.transport import SimTransport

if TYPE_CHECKING:
    from xero_nb.simulator.server import SimServer

__all__ = ["SimulatorError", "XeroSimulator"]


class XeroSimulator(Roster):
    """Xero's identity server and API, in memory.

    Its apps, organisations, users, roles and directly minted tokens come from ``Roster``.

    The refusals it gives, and which rate-limit headers each answer carries (the per-tenant
    pair only when a tenant is known), are listed in the ``xero_nb.simulator`` package docstring.
    """

    def __init__(self, limits: bool = True, clock: Callable[[], float] | None = None,
                 time_scale: float = 1.0, seed: int = 0, auto_approve: bool = True,
                 record_calls: bool | int = True) -> None:
        """``record_calls``: keep the last N calls in ``calls`` (True: RECORD_DEFAULT, False: none)."""
        self.clock = SimClock(clock, time_scale)
        orgs = demo_orgs(seed)
        self._core = SimCore(apps=demo_apps(orgs, seed), orgs=orgs, users=demo_users(orgs, seed),
                             clock=self.clock, limits=limits, seed=seed,
                             max_calls=self._ring_size(record_calls))
        self._core.auto_approve = auto_approve
        self.seed = seed

    def __repr__(self) -> str:
        return (f"<XeroSimulator {len(self.tenants)} orgs, {len(self.apps)} apps, "
                f"{len(self.calls)} calls, limits={'on' if self.limits.enabled else 'off'}>")

    # -- switches and logs ---------------------------------------------------------------
    @property
    def auto_approve(self) -> bool:
        """True: authorize consents at once for the signing user's orgs; False: show the page."""
        return self._core.auto_approve

    @auto_approve.setter
    def auto_approve(self, value: bool) -> None:
        self._core.auto_approve = bool(value)

    @property
    def calls(self) -> list[tuple[Request, Response]]:
        """The last ``max_calls`` answered calls, oldest first (a copy; credentials masked)."""
        return self._core.record()

    @property
    def record_calls(self) -> bool:
        """Whether calls are recorded; set True (RECORD_DEFAULT calls), False, or a number."""
        return self._core.max_calls > 0

    @record_calls.setter
    def record_calls(self, value: bool | int) -> None:
        if value is True and self._core.max_calls:
            return  # already recording: keep the size chosen
        self._core.max_calls = self._ring_size(value)

    @property
    def max_calls(self) -> int:
        """How many of the latest calls ``calls`` keeps (0: recording is off)."""
        return self._core.max_calls

    @max_calls.setter
    def max_calls(self, value: int) -> None:
        self._core.max_calls = self._ring_size(value)

    @staticmethod
    def _ring_size(value: bool | int) -> int:
        if isinstance(value, bool):
            return RECORD_DEFAULT if value else 0
        if not isinstance(value, int) or value < 0:
            raise SimulatorError(f"record_calls takes True, False or a number of calls >= 0, "
                                 f"not {value!r}")
        return value

    @property
    def faults(self) -> Faults:
        """Fault rules: ``sim.faults.add("503", "/api.xro/2.0/Invoices*", share=0.5)``."""
        return self._core.faults

    @property
    def limits(self) -> RateLimits:
        """The rate limiter (``sim.limits.enabled = False`` turns limits off)."""
        return self._core.limits

    @property
    def urls(self) -> XeroURLs:
        """Where the in-process transport answers: Xero's real URLs."""
        return XeroURLs.xero()

    def records(self, tenant: str | DemoOrg, api: str, collection: str,
                parent: str | tuple[str, ...] | None = None) -> list[dict[str, Any]]:
        """A copy of one collection's records, e.g. ``("AU", "accounting", "invoices")``.

        A collection is a path's literal segments, lower case; ``"appstore"`` holds the App Store's.
        A collection under a parent record (``"projects/tasks"``) is kept per parent: ``parent``
        names it (its id, or the ids along the path, outermost first); without it, every
        parent's records come in the parents' order. An unknown parent raises SimulatorError.
        """
        tid = "appstore" if tenant == "appstore" else (
            tenant.tenant_id if isinstance(tenant, DemoOrg) else self.tenant(tenant).tenant_id)
        with self._core.lock:
            rows = self._core.store.listing(tid, api, collection, parent)
            if rows is None:
                raise SimulatorError(f"no parent {parent!r} of {api} {collection!r}")
            return copy.deepcopy(rows)

    def reset(self) -> None:
        """Every organisation's records back to the seed (writes forgotten; tokens, limits kept)."""
        with self._core.lock:
            self._core.store.reset()

    def advance(self, seconds: float) -> None:
        """Move simulated time forward (tokens expire, windows slide)."""
        self.clock.advance(seconds)

    # -- ways in -------------------------------------------------------------------------
    def transport(self) -> SimTransport:
        """An httpx2 transport (sync and async) answering for Xero's real hosts."""
        return SimTransport(self._core)

    def serve(self, port: int = 0) -> SimServer:
        """Serve on 127.0.0.1 (``port=0``: any free port); Xero's paths on one origin."""
        from xero_nb.simulator.server import SimServer  # uvicorn only when serving

        return SimServer(self._core, port, sim=self)

    def asgi(self) -> Any:
        """The ASGI app (for other servers)."""
        from xero_nb.simulator.app import SimASGI

        return SimASGI(self._core)

    def scenario(self, code: str) -> Scenario:
        """A request that fails the way diagnosis ``code`` describes (see scenarios.SCENARIOS)."""
        from xero_nb.simulator.scenarios import BUILDERS

        if code not in BUILDERS:
            raise SimulatorError(f"no scenario {code!r}; scenarios: {', '.join(BUILDERS)}")
        return BUILDERS[code](self)
