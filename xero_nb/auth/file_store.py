"""Tokens on disk: one 0600 JSON file per profile in a 0700 folder, replaced atomically, file-locked.

>>> store = FileTokenStore("/tmp/xero-nb-doctest", profile="demo")  # doctest: +SKIP
>>> store.save(token); store.load()                                  # doctest: +SKIP
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
import threading
import time
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from xero_nb.auth.store import (
    LOCK_TIMEOUT,
    BaseStore,
    StoreState,
    check_profile,
    record_from,
    state_from,
    timed_lock,
)
from xero_nb.auth.tokens import Clock
from xero_nb.errors import TokenStoreError, XeroNbWarning

APP_NAME = "xero-nb"
STALE_TEMP_SECONDS = 120.0  # older temp files are a killed writer's leftovers


def default_dir() -> Path:
    """The per-user folder tokens live in (platformdirs' user config dir)."""
    import platformdirs

    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)) / "tokens"


class FileTokenStore(BaseStore):
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
            return state_from(record)
        except (ValueError, TypeError, KeyError):
            # Never quote the file: it holds secrets.
            raise TokenStoreError(f"token store {self.path} is not valid; sign in again") from None

    def _write(self, state: StoreState) -> None:
        self._ensure_dir()
        data = json.dumps(record_from(state), indent=1, sort_keys=True).encode()
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
        with timed_lock(self._thread_lock, timeout):
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
