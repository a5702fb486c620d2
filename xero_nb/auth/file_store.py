"""Tokens on disk: one 0600 JSON file per profile in a 0700 folder, replaced atomically, file-locked.

A file that is not a valid token record (empty, cut short, not UTF-8, wrong types, nested too
deeply, a folder in its place) is never a dead end: reading it raises TokenStoreError saying
what to do, and the next change (a sign-in, a refresh, a sign-out) moves it aside as
``<name>.corrupt-<time>`` (0600, with a XeroNbWarning) and writes the new state. Temp files a
killed save left behind hold a refresh token: every change and the store's first use remove
them, under the lock, so never a live writer's.

A JSON object that is no xero-nb record (another tool's token file) reads as "not signed in"
with a warning and is moved aside like a corrupt file at the next change; a record from a newer
xero-nb (a higher ``version``) is read with a warning; a token file others can read is put back
to 0600 (a log line says so). A lock held elsewhere is waited for with a log line, and a timeout
names the lock file.

>>> store = FileTokenStore("/tmp/xero-nb-doctest", profile="demo")  # doctest: +SKIP
>>> store.save(token); store.load()                                  # doctest: +SKIP
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import re
import stat
import tempfile
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from xero_nb import jsonsafe
from xero_nb.auth.store import (
    FORMAT_VERSION,
    LOCK_TIMEOUT,
    BaseStore,
    StoreState,
    check_profile,
    record_from,
    state_from,
    timed_lock,
)
from xero_nb.auth.tokens import Clock
from xero_nb.errors import TokenStoreError, warn_user

log = logging.getLogger("xero_nb.auth.store")
APP_NAME = "xero-nb"
STALE_TEMP_SECONDS = 120.0  # kept for callers; temp files are now removed whatever their age
MAX_FILE_BYTES = 1 << 20  # a token record is a few kB
_TEMP_NAME = "[a-z0-9_]{8}"  # tempfile.mkstemp's random part
# Why a JSON object is no xero-nb record: read as "not signed in" (warned), moved aside on change.
FOREIGN = "a JSON object that is no xero-nb token record"
RECORD_FIELDS = frozenset(record_from(StoreState(token=None)))  # version, token, retired, ...


class CorruptTokenStoreError(TokenStoreError):
    """The token file is not a valid token record (the next change moves it aside)."""

    code = "token_store_corrupt"

    def __init__(self, path: Path, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(
            f"token store {path} is not valid ({reason}); sign in again (XeroAuth.sign_in()) or "
            f"sign out (XeroAuth.forget()): the file is then moved aside as "
            f"{path.name}.corrupt-<time>, not deleted")


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
        self._warned: set[tuple[str, int, int]] = set()  # (what, inode, mtime): once per file
        self._swept = False
        names = {re.escape(self.path.name)}
        if self.path.name == f"{self.profile}.json":
            names.add(re.escape(self.profile))  # what earlier versions named their temp files
        self._temp_re = re.compile(rf"\.(?:{'|'.join(sorted(names))})\.{_TEMP_NAME}\.tmp")

    # -- the folder ------------------------------------------------------------------------
    def _ensure_dir(self) -> None:
        folder = self.path.parent
        if not folder.exists():
            try:
                folder.mkdir(mode=0o700, parents=True, exist_ok=True)
                os.chmod(folder, 0o700)  # mkdir's mode is masked by the umask
            except OSError as exc:
                raise TokenStoreError(f"cannot create the token folder {folder} ({exc.strerror}): "
                                      f"pass FileTokenStore(path=...) a folder you can write") from None
        elif folder.stat().st_mode & 0o077 and folder not in self._checked:
            self._checked.add(folder)
            if folder.is_symlink():
                warn_user(f"token folder {folder} is a symbolic link to {folder.resolve()}, which "
                          f"is open to other users; xero-nb does not change permissions through "
                          f"a link (`chmod 700 {folder.resolve()}` closes it)")
            elif folder == default_dir():
                os.chmod(folder, 0o700)  # our own folder: tighten it
            else:
                warn_user(f"token folder {folder} is open to other users (the token files are 0600;"
                          f" `chmod 700 {folder}` closes the folder too)")

    # -- reading -----------------------------------------------------------------------------
    def _read(self) -> StoreState:
        self._sweep_once()
        state = self._load()
        if state == FOREIGN:
            self._warn_once("foreign", f"token store {self.path} holds {FOREIGN} (another "
                            f"tool's token file?): it reads as not signed in, and the next "
                            f"sign-in moves it aside as {self.path.name}.corrupt-<time> (not "
                            f"deleted); to keep it, give xero-nb another path "
                            f"(FileTokenStore(path=...))")
            return StoreState(token=None)
        if isinstance(state, str):
            raise CorruptTokenStoreError(self.path, state)
        return state

    def _read_for_change(self) -> StoreState:
        state = self._load()
        if isinstance(state, str):
            self._move_aside(state)
            return StoreState(token=None)
        return state

    def _load(self) -> StoreState | str:
        """The stored state, or why the file is not a token record (a str)."""
        try:
            info = self.path.stat()
        except FileNotFoundError:
            return StoreState(token=None)
        except OSError as exc:
            raise self._unreadable(exc) from None
        if stat.S_ISDIR(info.st_mode):
            return "a folder, not a file"
        if not stat.S_ISREG(info.st_mode):
            return "not a regular file"
        if info.st_size > MAX_FILE_BYTES:
            return f"larger than {MAX_FILE_BYTES >> 20} MB"
        try:
            with open(self.path, "rb") as fh:
                data = fh.read(MAX_FILE_BYTES + 1)
        except FileNotFoundError:
            return StoreState(token=None)
        except IsADirectoryError:
            return "a folder, not a file"
        except OSError as exc:
            raise self._unreadable(exc) from None
        self._keep_private(info)
        record = _decode(data)
        if isinstance(record, str):
            return record
        version = record.get("version")
        if isinstance(version, int) and not isinstance(version, bool) and version > FORMAT_VERSION:
            self._warn_once("version", f"token store {self.path} was written by a newer xero-nb "
                            f"(format {version}; this one knows {FORMAT_VERSION}): it is read as "
                            f"far as this version understands it, and a save here writes format "
                            f"{FORMAT_VERSION}; upgrade xero-nb (pip install -U xero-nb)")
        return _state(record)

    def _warn_once(self, what: str, message: str) -> None:
        """Warn once per file version (a notebook reads the store at every call)."""
        try:
            info = self.path.stat()
            key = (what, info.st_ino, info.st_mtime_ns)
        except OSError:
            key = (what, 0, 0)
        if key not in self._warned:
            self._warned.add(key)
            warn_user(message)

    def _keep_private(self, info: os.stat_result) -> None:
        """Put a token file others can read or write back to 0600 (tokens are this user's)."""
        mode = stat.S_IMODE(info.st_mode)
        if os.name != "posix" or not mode & 0o077 or self.path.is_symlink():
            return
        try:
            os.chmod(self.path, 0o600)
        except OSError as exc:
            self._warn_once("mode", f"token store {self.path} is open to other users (mode "
                            f"{mode:o}) and could not be made private ({exc.strerror}): "
                            f"`chmod 600 {self.path}`")
            return
        log.warning("token store %s was open to other users (mode %o): made it 600", self.path, mode)

    def _unreadable(self, exc: OSError) -> TokenStoreError:
        return TokenStoreError(f"cannot read token store {self.path} ({exc.strerror}): give your "
                               f"user access to it (`chmod 600 {self.path}`) or pass another path")

    def _move_aside(self, reason: str) -> None:
        """Rename the invalid file to ``<name>.corrupt-<time>`` (0600) and say so."""
        try:
            stamp = datetime.fromtimestamp(self.clock(), UTC).strftime("%Y%m%dT%H%M%SZ")
        except (OverflowError, ValueError, OSError):
            stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        aside = self.path.with_name(f"{self.path.name}.corrupt-{stamp}")
        n = 1
        while aside.exists() or aside.is_symlink():
            aside = self.path.with_name(f"{self.path.name}.corrupt-{stamp}-{n}")
            n += 1
        mode = 0o700 if self.path.is_dir() and not self.path.is_symlink() else 0o600
        try:
            os.rename(self.path, aside)
            if not aside.is_symlink():
                os.chmod(aside, mode)
        except OSError as exc:
            raise TokenStoreError(f"token store {self.path} is not valid ({reason}) and could not "
                                  f"be moved aside ({exc.strerror}): move or delete it, then sign "
                                  f"in again") from None
        warn_user(f"token store {self.path} was not valid ({reason}): moved it aside to "
                  f"{aside.name} ({mode:o}; it may hold an old token: delete it when you no longer "
                  f"need it) and saved the new state")

    # -- writing -----------------------------------------------------------------------------
    def _write(self, state: StoreState) -> None:
        self._ensure_dir()
        data = json.dumps(record_from(state), indent=1, sort_keys=True).encode()
        fd, tmp = tempfile.mkstemp(prefix=f".{self.path.name}.", suffix=".tmp", dir=self.path.parent)
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
        """Remove this store's temp files (call under the lock: no writer of ours is mid-save)."""
        with contextlib.suppress(OSError), os.scandir(self.path.parent) as entries:
            for entry in entries:
                if self._temp_re.fullmatch(entry.name):
                    with contextlib.suppress(OSError):
                        os.unlink(entry.path)
        self._swept = True

    def _sweep_once(self) -> None:
        """On first use, remove a killed save's temp files, if the lock is free right now."""
        if self._swept:
            return
        self._swept = True  # once: a busy lock means a writer, who sweeps after its save
        if self.path.parent.is_dir():
            with contextlib.suppress(TokenStoreError, OSError), self.lock(timeout=0):
                self._sweep()

    @contextlib.contextmanager
    def lock(self, timeout: float = LOCK_TIMEOUT) -> Iterator[None]:
        """Hold the profile's file lock (between processes) and a thread lock (within one)."""
        import filelock

        self._ensure_dir()
        lock_path = str(self.path) + ".lock"
        with timed_lock(self._thread_lock, timeout, f"the token store lock for {self.path}"):
            if self._file_lock is None:
                self._file_lock = filelock.FileLock(lock_path, mode=0o600)
            try:
                try:
                    held = self._file_lock.acquire(timeout=0)
                except filelock.Timeout:
                    if timeout <= 0:
                        raise
                    log.warning("waiting up to %gs for the token store lock %s: another kernel or "
                                "process is using profile %r (refreshing its token?)", timeout,
                                lock_path, self.profile)
                    held = self._file_lock.acquire(timeout=timeout)
                with held:
                    yield
            except filelock.Timeout:
                raise TokenStoreError(
                    f"token store lock {lock_path} not acquired within {timeout:g}s: another "
                    f"kernel or process holds it (one refreshing profile {self.profile!r}'s token, "
                    f"or a hung one); wait and try again, or stop that kernel; if none is running, "
                    f"delete {lock_path}") from None

    def __repr__(self) -> str:
        return f"FileTokenStore(path={str(self.path)!r}, profile={self.profile!r})"


def _decode(data: bytes) -> dict[str, Any] | str:
    """The JSON object in a token file's bytes, or why they hold none."""
    if not data.strip():
        return "empty"
    try:
        text = data.decode("utf-8-sig")  # a byte order mark from an editor is harmless
    except UnicodeDecodeError:
        return "not UTF-8 text"
    try:
        record = jsonsafe.loads(text)
    except jsonsafe.TooDeepError as exc:
        return f"JSON nested {exc.depth} levels deep"
    except ValueError:
        return "not complete JSON"
    if not isinstance(record, dict):
        return "not a JSON object"
    return record


def _state(record: dict[str, Any]) -> StoreState | str:
    """The state a JSON object records, FOREIGN for one with none of a record's fields (a bare
    token response, another tool's file), or why it is not a token record."""
    if not RECORD_FIELDS & set(record):
        return FOREIGN
    version = record.get("version")
    if version is not None and (not isinstance(version, int) or isinstance(version, bool)):
        return "not a token record (version is not a number)"
    try:
        return state_from(record)
    except (ValueError, TypeError):  # never quote the file: it holds secrets
        return "not a token record (a field has the wrong type)"


def _fsync_dir(folder: Path) -> None:
    # Makes the rename itself durable (POSIX); not possible on Windows.
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
