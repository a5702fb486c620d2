"""Calling Xero: one request at a time, with the token, tenant, retries and write gate handled.

Modules: call (XeroClient: sending, sync and async), core (what each call is made of: the token,
the headers, the write gate, the result), target (the method, URL and endpoint of a call, and the
origin guard), policy (retries, waits and the write gate) and result (CallResult: what came
back, redacted, with the rate-limit headers read).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from xero_nb import lazy

_EXPORTS = {
    "CallResult": "xero_nb.client.result",
    "RateLimits": "xero_nb.client.result",
    "XeroClient": "xero_nb.client.call",
}

__all__ = sorted(_EXPORTS)
__getattr__, __dir__ = lazy.exports(__name__, _EXPORTS)

if TYPE_CHECKING:  # pragma: no cover - names for type checkers; runtime loads lazily
    from xero_nb.client.call import XeroClient as XeroClient
    from xero_nb.client.result import CallResult as CallResult
    from xero_nb.client.result import RateLimits as RateLimits
