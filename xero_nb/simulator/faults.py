"""Fault injection: 500s, 503s (organisation offline), latency, dropped connections, truncated bodies."""

from __future__ import annotations

import fnmatch
import random
from dataclasses import dataclass

KINDS = ("500", "503", "latency", "drop", "truncate")


@dataclass(slots=True)
class Fault:
    """One rule: which calls it hits, how often, and what goes wrong."""

    kind: str
    route: str | None = None  # None: every API call; "/path*" glob; or an operationId
    share: float = 1.0
    times: int | None = None  # stop after this many hits (None: forever)
    seconds: float = 0.0  # latency, in wall-clock seconds
    hits: int = 0

    def matches(self, path: str, operation_id: str | None, is_api: bool) -> bool:
        """True if this rule covers the call."""
        if self.times is not None and self.hits >= self.times:
            return False
        if self.route is None:
            return is_api
        if self.route.startswith("/"):
            return fnmatch.fnmatch(path.lower(), self.route.lower())
        return operation_id is not None and operation_id.lower() == self.route.lower()


class Faults:
    """The set of active fault rules; seeded so runs repeat."""

    def __init__(self, seed: int = 0) -> None:
        self.rules: list[Fault] = []
        self._rng = random.Random(seed)

    def add(self, kind: str, route: str | None = None, *, share: float = 1.0,
            times: int | None = None, seconds: float = 0.0) -> Fault:
        """Inject ``kind`` (one of KINDS) into matching calls; returns the rule."""
        kind = str(kind)
        if kind not in KINDS:
            raise ValueError(f"fault kind must be one of {', '.join(KINDS)}, not {kind!r}")
        if not 0.0 <= share <= 1.0:
            raise ValueError("share must be between 0 and 1")
        rule = Fault(kind, route, share, times, seconds)
        self.rules.append(rule)
        return rule

    def clear(self) -> None:
        """Remove every rule."""
        self.rules.clear()

    def pick(self, path: str, operation_id: str | None, is_api: bool) -> list[Fault]:
        """The rules that fire for this call (each counted as a hit)."""
        if not self.rules:
            return []
        fired = []
        for rule in self.rules:
            if rule.matches(path, operation_id, is_api) and (
                    rule.share >= 1.0 or self._rng.random() < rule.share):
                rule.hits += 1
                fired.append(rule)
        return fired

    def __bool__(self) -> bool:
        return bool(self.rules)
