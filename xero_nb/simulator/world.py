"""The simulated world: apps, organisations, users, and the state every handler reads and changes.

Handlers (``authorize``, ``identity``, ``api``) take a World; ``core.SimCore`` is a World that
also routes and answers calls, so the handlers never import the dispatcher.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from xero_nb.catalog.scopes import known_scopes
from xero_nb.simulator.clock import SimClock
from xero_nb.simulator.data import DataStore
from xero_nb.simulator.faults import Faults
from xero_nb.simulator.grants import IdentityState
from xero_nb.simulator.keys import SigningKey
from xero_nb.simulator.limits import RateLimits
from xero_nb.simulator.orgs import DemoApp, DemoOrg, DemoUser
from xero_nb.simulator.routes import route_table


@dataclass(frozen=True, slots=True)
class AuthzRequest:
    """A validated authorize request waiting for the user's decision."""

    app: DemoApp
    user: DemoUser
    redirect_uri: str
    scopes: tuple[str, ...]
    state: str | None
    challenge: str | None
    nonce: str | None
    expires_at: float


class World:
    """State only; every change happens under ``lock``, so threads and loops may share it."""

    def __init__(self, *, apps: dict[str, DemoApp], orgs: list[DemoOrg], users: list[DemoUser],
                 clock: SimClock, limits: bool, seed: int) -> None:
        self.lock = threading.RLock()
        self.apps = apps
        self.apps_by_id = {a.client_id: a for a in apps.values()}
        self.orgs = orgs
        self.orgs_by_id = {o.tenant_id: o for o in orgs}
        self.users = users
        self.clock = clock
        self.key = SigningKey(seed)
        self.state = IdentityState(self.key)
        self.limits = RateLimits(clock, enabled=limits)
        self.faults = Faults(seed)
        self.store = DataStore(orgs, seed)
        self.routes = route_table()
        self.scope_names = known_scopes()
        self.tickets: dict[str, AuthzRequest] = {}
        self.auto_approve = True
        # is_allowed per (route, era, granted scopes): the scope rule is pure, tokens repeat
        self.allowed: dict[tuple[int, str, frozenset[str]], bool] = {}

    def find_user(self, hint: str | None) -> DemoUser | None:
        """A user by id, email, name or the email's local part ("eve", as the docs call them),
        case-insensitive."""
        if not hint:
            return None
        low = hint.lower()
        return next((u for u in self.users if low in (u.user_id, u.email.lower(), u.name.lower(),
                                                     u.email.lower().partition("@")[0])), None)
