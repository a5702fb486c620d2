"""Where tokens live between kernels: one 0600 file per profile, written atomically, locked.

Xero rotates the refresh token on every refresh, so losing the newest one (a crash mid-write,
two kernels refreshing at once) loses the connection. Hence: temp file + fsync + ``os.replace``
(a reader sees the old or the new file, never half of one), and a lock the refresher holds
while it re-reads, refreshes and saves.

>>> store = MemoryTokenStore()
>>> _ = store.save({"access_token": "a" * 20, "expires_in": 1800})
>>> store.load() is not None
True
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import tempfile
import threading
import time
import warnings
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from xero_nb.auth.tokens import Clock, Token
from xero_nb.errors import TokenStoreError, XeroNbWarning

APP_NAME = "xero-nb"
FORMAT_VERSION = 1
LOCK_TIMEOUT = 60.0
STALE_TEMP_SECONDS = 120.0
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


def _record_from(state: StoreState) -> dict[str, Any]:
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


def _state_from(record: Mapping[str, Any]) -> StoreState:
    raw = record.get("token")
    return StoreState(
        token=Token.from_response(raw) if raw else None,
        tenant_id=record.get("tenant_id"),
        retired=tuple(record.get("retired") or ()),
        saved_at=record.get("saved_at"),
        refreshed_at=record.get("refreshed_at"),
        cleared_at=record.get("cleared_at"),
        cleared_reason=record.get("cleared_reason"),
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


class _BaseStore:
    """The bookkeeping both stores share; subclasses read and write whole states."""

    profile: str
    clock: Clock

    def _read(self) -> StoreState:
        raise NotImplementedError

    def lock(self, timeout: float = LOCK_TIMEOUT) -> contextlib.AbstractContextManager[Any]:
        raise NotImplementedError

    def _write(self, state: StoreState) -> None:
        raise NotImplementedError

    def save(self, token: Token | Mapping[str, Any], *, refreshed: bool = False) -> Token:
        """Store ``token`` (a Token or a token-response dict); return it as a Token."""
        tok = _as_token(token, self.clock)
        with self.lock():  # read-modify-write: never over another kernel's newer token
            self._write(_next_state(self._read(), tok, refreshed, self.clock()))
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
            self._write(_cleared_state(self._read(), reason, self.clock()))

    def set_tenant(self, tenant_id: str | None) -> None:
        """Remember the chosen tenant for this profile."""
        with self.lock():
            old = self._read()
            self._write(StoreState(old.token, tenant_id, old.retired, old.saved_at, old.refreshed_at,
                                   old.cleared_at, old.cleared_reason))

    def tenant(self) -> str | None:
        """The tenant chosen for this profile, if any."""
        return self._read().tenant_id


class MemoryTokenStore(_BaseStore):
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
        return _timed(self._lock, timeout)

    def __repr__(self) -> str:
        return f"MemoryTokenStore(profile={self.profile!r})"


@contextlib.contextmanager
def _timed(lock: threading.RLock, timeout: float) -> Iterator[None]:
    if not lock.acquire(timeout=timeout):
        raise TokenStoreError(f"token store lock not acquired within {timeout:g}s")
    try:
        yield
    finally:
        lock.release()


def default_dir() -> Path:
    """The per-user folder tokens live in (platformdirs' user config dir)."""
    import platformdirs

    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)) / "tokens"


class FileTokenStore(_BaseStore):
    """One JSON file per profile: folder 0700, file 0600, atomic replace, a file lock.

    ``path`` is a folder (the file is ``<profile>.json`` in it) or a file ending in ``.json``;
    by default the folder is platformdirs' user config dir.
    """

    def __init__(self, path: str | os.PathLike[str] | None = None, profile: str = "default",
                 *, clock: Clock = time.time) -> None:
        self.profile = check_profile(profile)
        self.clock = clock
        base = Path(path).expanduser() if path is not None else default_dir()
        self.path = base if base.suffix == ".json" else base / f"{profile}.json"
        self._thread_lock = threading.RLock()
        self._file_lock: Any = None
        self._checked: set[Path] = set()

    def _ensure_dir(self) -> None:
        folder = self.path.parent
        if not folder.exists():
            folder.mkdir(mode=0o700, parents=True, exist_ok=True)
            os.chmod(folder, 0o700)  # mkdir's mode is masked by the umask
        elif folder.stat().st_mode & 0o077 and folder not in self._checked:
            self._checked.add(folder)
            if folder == default_dir():
                os.chmod(folder, 0o700)  # our own folder: tighten it
            else:
                warnings.warn(f"token folder {folder} is open to other users (the token files are 0600;"
                              f" `chmod 700 {folder}` closes the folder too)", XeroNbWarning, stacklevel=4)

    def _read(self) -> StoreState:
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return StoreState(token=None)
        except OSError as exc:
            raise TokenStoreError(f"cannot read token store {self.path}: {exc.strerror}") from None
        try:
            record = json.loads(text)
            if not isinstance(record, dict):
                raise ValueError("not an object")
            return _state_from(record)
        except (ValueError, TypeError, KeyError):
            # Never quote the file: it holds secrets.
            raise TokenStoreError(f"token store {self.path} is not valid; sign in again") from None

    def _write(self, state: StoreState) -> None:
        self._ensure_dir()
        data = json.dumps(_record_from(state), indent=1, sort_keys=True).encode()
        fd, tmp = tempfile.mkstemp(prefix=f".{self.profile}.", suffix=".tmp", dir=self.path.parent)
        try:
            os.fchmod(fd, 0o600)
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, self.path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
        _fsync_dir(self.path.parent)
        self._sweep()

    def _sweep(self) -> None:
        # Temp files a killed writer left behind hold secrets; a live writer's are seconds old.
        cutoff = time.time() - STALE_TEMP_SECONDS
        for stale in self.path.parent.glob(f".{self.profile}.*.tmp"):
            with contextlib.suppress(OSError):
                if stale.stat().st_mtime < cutoff:
                    stale.unlink()

    @contextlib.contextmanager
    def lock(self, timeout: float = LOCK_TIMEOUT) -> Iterator[None]:
        """Hold the profile's file lock (between processes) and a thread lock (within one)."""
        import filelock

        self._ensure_dir()
        with _timed(self._thread_lock, timeout):
            if self._file_lock is None:
                self._file_lock = filelock.FileLock(str(self.path) + ".lock", mode=0o600)
            try:
                with self._file_lock.acquire(timeout=timeout):
                    yield
            except filelock.Timeout:
                raise TokenStoreError(
                    f"token store lock {self.path.name}.lock not acquired within {timeout:g}s"
                ) from None

    def __repr__(self) -> str:
        return f"FileTokenStore(path={str(self.path)!r}, profile={self.profile!r})"


def _fsync_dir(folder: Path) -> None:
    # Makes the rename itself durable (POSIX); not possible on Windows.
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
