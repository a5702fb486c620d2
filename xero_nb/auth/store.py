"""Where tokens live between kernels: the store protocol, its state, and the in-memory store.

Xero rotates the refresh token on every refresh, so losing the newest one (a crash mid-write,
two kernels refreshing at once) loses the connection. Hence: temp file + fsync + ``os.replace``
(a reader sees the old or the new file, never half of one; see ``file_store``), and a lock the
refresher holds while it re-reads, refreshes and saves.

>>> store = MemoryTokenStore()
>>> _ = store.save({"access_token": "a" * 20, "expires_in": 1800})
>>> store.load() is not None
True
"""

from __future__ import annotations

import contextlib
import hashlib
import math
import re
import threading
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from xero_nb.auth.tokens import Clock, Token
from xero_nb.errors import TokenStoreError, warn_user

FORMAT_VERSION = 1
LOCK_TIMEOUT = 60.0
RETIRED_KEEP = 10  # how many superseded refresh tokens we remember (as hashes)
_PROFILE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")


def fingerprint(secret: str) -> str:
    """A one-way hash of a refresh token: lets the store recognise it without keeping it."""
    return hashlib.sha256(secret.encode()).hexdigest()[:32]


def check_profile(profile: str) -> str:
    """Return ``profile`` if it is a safe file name, else raise TokenStoreError."""
    if not _PROFILE_RE.match(profile):
        raise TokenStoreError(f"profile names use letters, digits, '.', '_' and '-': {profile!r}")
    return profile


@dataclass(frozen=True, slots=True)
class StoreState:
    """What the store knows beyond the token: used to explain an ``invalid_grant``."""

    token: Token | None
    tenant_id: str | None = None
    retired: tuple[str, ...] = ()  # fingerprints of refresh tokens since rotated away
    saved_at: float | None = None
    refreshed_at: float | None = None  # when a refresh last replaced the token
    cleared_at: float | None = None
    cleared_reason: str | None = None

    def was_rotated(self, refresh_token: str) -> bool:
        """True if ``refresh_token`` was once stored and has since been replaced."""
        return fingerprint(refresh_token) in self.retired


class TokenStore(Protocol):
    """What XeroAuth needs from a store (FileTokenStore and MemoryTokenStore both fit)."""

    profile: str

    def save(self, token: Token | Mapping[str, Any], *, refreshed: bool = False) -> Token: ...
    def load(self) -> Token | None: ...
    def clear(self, reason: str = "cleared") -> None: ...
    def state(self) -> StoreState: ...
    def set_tenant(self, tenant_id: str | None) -> None: ...
    def tenant(self) -> str | None: ...
    def lock(self, timeout: float = LOCK_TIMEOUT) -> contextlib.AbstractContextManager[Any]: ...


def _as_token(token: Token | Mapping[str, Any], clock: Clock) -> Token:
    return token if isinstance(token, Token) else Token.from_response(token, clock=clock)


def record_from(state: StoreState) -> dict[str, Any]:
    return {
        "version": FORMAT_VERSION,
        "token": state.token.to_dict() if state.token else None,
        "tenant_id": state.tenant_id,
        "retired": list(state.retired),
        "saved_at": state.saved_at,
        "refreshed_at": state.refreshed_at,
        "cleared_at": state.cleared_at,
        "cleared_reason": state.cleared_reason,
    }


def _optional(record: Mapping[str, Any], key: str, kind: type | tuple[type, ...]) -> Any:
    value = record.get(key)
    if value is not None and (not isinstance(value, kind) or isinstance(value, bool)):
        raise ValueError(f"{key} has the wrong type ({type(value).__name__})")
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError(f"{key} is not a finite number")
    return value


def state_from(record: Mapping[str, Any]) -> StoreState:
    """The state a stored record describes; ValueError when any field has the wrong type."""
    if not isinstance(record, Mapping):
        raise ValueError("a stored record is a JSON object")
    raw = record.get("token")
    if raw is not None and not isinstance(raw, Mapping):
        raise ValueError("token has the wrong type")
    retired = record.get("retired") or []
    if not isinstance(retired, list) or not all(isinstance(r, str) for r in retired):
        raise ValueError("retired has the wrong type")
    return StoreState(
        token=Token.from_response(raw) if raw else None,
        tenant_id=_optional(record, "tenant_id", str),
        retired=tuple(retired),
        saved_at=_optional(record, "saved_at", (int, float)),
        refreshed_at=_optional(record, "refreshed_at", (int, float)),
        cleared_at=_optional(record, "cleared_at", (int, float)),
        cleared_reason=_optional(record, "cleared_reason", str),
    )


def _next_state(old: StoreState, token: Token, refreshed: bool, now: float) -> StoreState:
    retired = list(old.retired)
    prev = old.token.refresh_token if old.token else None
    if prev and prev != token.refresh_token and fingerprint(prev) not in retired:
        retired.append(fingerprint(prev))
    return StoreState(
        token=token, tenant_id=old.tenant_id, retired=tuple(retired[-RETIRED_KEEP:]),
        saved_at=now, refreshed_at=now if refreshed else old.refreshed_at,
    )


def _cleared_state(old: StoreState, reason: str, now: float) -> StoreState:
    retired = list(old.retired)
    if old.token and old.token.refresh_token:
        retired.append(fingerprint(old.token.refresh_token))
    return StoreState(token=None, tenant_id=old.tenant_id, retired=tuple(retired[-RETIRED_KEEP:]),
                      saved_at=now, refreshed_at=old.refreshed_at, cleared_at=now,
                      cleared_reason=reason)


class BaseStore:
    """The bookkeeping both stores share; subclasses read and write whole states."""

    profile: str
    clock: Clock

    def _read(self) -> StoreState:
        raise NotImplementedError

    def _read_for_change(self) -> StoreState:
        """The state to change, read under the lock (a file store recovers from corruption here)."""
        return self._read()

    def lock(self, timeout: float = LOCK_TIMEOUT) -> contextlib.AbstractContextManager[Any]:
        raise NotImplementedError

    def _write(self, state: StoreState) -> None:
        raise NotImplementedError

    def save(self, token: Token | Mapping[str, Any], *, refreshed: bool = False) -> Token:
        """Store ``token`` (a Token or a token-response dict); return it as a Token."""
        tok = _as_token(token, self.clock)
        with self.lock():  # read-modify-write: never over another kernel's newer token
            self._write(_next_state(self._read_for_change(), tok, refreshed, self.clock()))
        return tok

    def load(self) -> Token | None:
        """The stored token, or None."""
        return self._read().token

    def state(self) -> StoreState:
        """The token plus what the store remembers about its history."""
        return self._read()

    def clear(self, reason: str = "cleared") -> None:
        """Forget the token (remembering that, and why: "revoked", "signed_out", ...)."""
        with self.lock():
            self._write(_cleared_state(self._read_for_change(), reason, self.clock()))

    def set_tenant(self, tenant_id: str | None) -> None:
        """Remember the chosen tenant for this profile."""
        with self.lock():
            old = self._read_for_change()
            self._write(StoreState(old.token, tenant_id, old.retired, old.saved_at, old.refreshed_at,
                                   old.cleared_at, old.cleared_reason))

    def tenant(self) -> str | None:
        """The tenant chosen for this profile, if any."""
        return self._read().tenant_id


class MemoryTokenStore(BaseStore):
    """A store in this process only (tests, throwaway sessions)."""

    def __init__(self, profile: str = "default", *, clock: Clock = time.time) -> None:
        self.profile = check_profile(profile)
        self.clock = clock
        self._state = StoreState(token=None)
        self._lock = threading.RLock()

    def _read(self) -> StoreState:
        return self._state

    def _write(self, state: StoreState) -> None:
        self._state = state

    def lock(self, timeout: float = LOCK_TIMEOUT) -> contextlib.AbstractContextManager[Any]:
        """A re-entrant lock held around a refresh."""
        return timed_lock(self._lock, timeout, f"the token store lock of profile {self.profile!r}")

    def __repr__(self) -> str:
        return f"MemoryTokenStore(profile={self.profile!r})"


def save_or_warn(store: TokenStore, token: Token, *, refreshed: bool = False) -> bool:
    """Save ``token`` under the store's lock; on failure warn that it lives in this kernel only."""
    try:
        with store.lock():
            store.save(token, refreshed=refreshed)
        return True
    except (TokenStoreError, OSError) as exc:
        warn_user(f"the new token is held in this kernel only: saving it failed ({exc}); fix "
                  f"the store, then auth.store.save(auth.token())")
        return False


@contextlib.contextmanager
def timed_lock(lock: threading.RLock, timeout: float,
               what: str = "the token store lock") -> Iterator[None]:
    """Hold ``lock``; TokenStoreError when another thread of this process keeps it ``timeout`` s."""
    if not lock.acquire(timeout=timeout):
        raise TokenStoreError(f"{what} was not acquired within {timeout:g}s: another thread of "
                              f"this kernel holds it (a refresh or sign-in still running?); wait "
                              f"for it to finish, or restart the kernel")
    try:
        yield
    finally:
        lock.release()
