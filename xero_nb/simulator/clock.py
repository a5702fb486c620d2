"""The simulator's clock: injectable, scalable and advanceable, so tests live through hours in ms."""

from __future__ import annotations

import time
from collections.abc import Callable

import anyio


class SimClock:
    """Epoch seconds as the simulator sees them.

    ``now = start + (base() - start) * time_scale + offset``: with ``time_scale=60`` a Xero
    "minute" passes in one real second; ``advance(s)`` jumps ahead for tests.
    """

    def __init__(self, base: Callable[[], float] | None = None, time_scale: float = 1.0) -> None:
        if time_scale <= 0:
            raise ValueError("time_scale must be positive")
        self._frozen = base is not None  # a given base moves only when told (advance)
        self._base = base or time.time
        self.time_scale = float(time_scale)
        self._start = self._base()
        self._offset = 0.0

    def __call__(self) -> float:
        if self.time_scale == 1.0:
            return self._base() + self._offset
        return self._start + (self._base() - self._start) * self.time_scale + self._offset

    def advance(self, seconds: float) -> None:
        """Jump the simulated time forward (or back, with a negative value)."""
        self._offset += seconds

    def real_seconds(self, simulated: float) -> float:
        """How long ``simulated`` seconds take on the wall clock."""
        return simulated / self.time_scale

    def sleep(self, seconds: float) -> None:
        """Wait ``seconds`` of simulated time: the wall clock's share of them, or, on a clock
        given by the caller, an ``advance`` (hand this to a client as its ``sleep``)."""
        if seconds <= 0:
            return
        if self._frozen:
            self.advance(seconds)
        else:
            time.sleep(self.real_seconds(seconds))

    async def asleep(self, seconds: float) -> None:
        """``sleep`` for async clients."""
        if seconds <= 0:
            return
        if self._frozen:
            self.advance(seconds)
        else:
            await anyio.sleep(self.real_seconds(seconds))
