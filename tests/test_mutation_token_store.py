"""The token store's edges that its main tests left open (found by mutation testing): saving
through ``save_or_warn``, what ``clear`` and ``set_tenant`` keep, the names and modes of files
moved aside, the errors a damaged store raises, where the platform puts the folder, and that a
store sweeps temp files on its first use only."""

from __future__ import annotations

import errno
import json
import os
import re
import stat
import threading
import time
import warnings
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from xero_nb.auth import FileTokenStore, MemoryTokenStore
from xero_nb.auth import file_store as file_store_module
from xero_nb.auth.config import Settings
from xero_nb.auth.file_store import CorruptTokenStoreError, default_dir
from xero_nb.auth.flow import XeroAuth
from xero_nb.auth.store import fingerprint, save_or_warn, state_from
from xero_nb.auth.tokens import Token
from xero_nb.errors import TokenStoreError, XeroNbWarning
from xero_nb.http import MockTransport, Request, Response

NOW = 1_767_225_600.0  # 2026-01-01T00:00:00Z
# Under mutmut every function of a mutated file runs through a trampoline in mutmut's own package,
# so the first frame outside xero_nb is that trampoline, not this file: the tests of which line a
# warning names run in the plain suite only (there they pin errors.warn_user's walk).
UNDER_MUTMUT = "mutants" in Path(file_store_module.__file__).parts
frames_as_shipped = pytest.mark.skipif(UNDER_MUTMUT, reason="mutmut's trampolines add stack frames")


def token(n: int = 1) -> Token:
    return Token.from_response({"access_token": f"access-{n}-" + "a" * 24,
                                "refresh_token": f"refresh-{n}-" + "r" * 24,
                                "expires_in": 1800, "scope": "openid offline_access"},
                               clock=lambda: NOW)


@pytest.fixture
def new_zealand_time() -> Iterator[None]:
    """The kernel's local time 13 hours ahead of UTC: a stamp in local time shows."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("TZ", "Pacific/Auckland")
        time.tzset()
        try:
            yield
        finally:
            mp.undo()
            time.tzset()


# -- save_or_warn: what XeroAuth calls after every sign-in and refresh --------------------------

def test_save_or_warn_saves_and_marks_a_refresh_only_when_told() -> None:
    clock = [NOW]
    store = MemoryTokenStore(clock=lambda: clock[0])
    assert save_or_warn(store, token(1)) is True
    state = store.state()
    assert state.token == token(1) and state.saved_at == NOW and state.refreshed_at is None
    clock[0] += 60
    assert save_or_warn(store, token(2), refreshed=True) is True
    state = store.state()
    assert state.token == token(2) and state.refreshed_at == NOW + 60
    assert state.was_rotated(token(1).refresh_token or "")


class BrokenStore(MemoryTokenStore):
    def __init__(self, exc: BaseException) -> None:
        super().__init__(clock=lambda: NOW)
        self.exc = exc

    def _write(self, state: Any) -> None:
        raise self.exc


@pytest.mark.parametrize("exc", [TokenStoreError("disk quota exceeded"),
                                 OSError(errno.ENOSPC, "No space left on device")])
def test_save_or_warn_says_the_token_lives_in_this_kernel_only(exc: BaseException) -> None:
    store = BrokenStore(exc)
    with pytest.warns(XeroNbWarning) as got:
        assert save_or_warn(store, token()) is False
    [w] = got
    text = str(w.message)
    assert text.startswith("the new token is held in this kernel only: saving it failed (")
    assert str(exc) in text and "auth.store.save(auth.token())" in text
    assert store.load() is None


def _auth_on(store: Any) -> XeroAuth:
    def idp(request: Request) -> Response:
        assert request.url.path == "/connect/token"
        return Response(200, json={"access_token": "cc-access-" + "c" * 24, "expires_in": 1800,
                                   "token_type": "Bearer", "scope": "accounting.settings.read"})

    return XeroAuth(Settings(client_id="CID", client_secret="client-secret-" + "s" * 20,
                             scopes=("accounting.settings.read",)),
                    store=store, transport=MockTransport(idp), clock=lambda: NOW)


@frames_as_shipped
def test_a_failed_save_warns_at_the_users_own_line() -> None:
    """The warning names the line that asked for the token (not the library's insides), so a
    user sees which of their calls holds the only copy."""
    auth = _auth_on(BrokenStore(OSError(errno.EROFS, "Read-only file system")))
    with pytest.warns(XeroNbWarning, match="held in this kernel only") as got:
        tok = auth.client_credentials()
    assert got[0].filename == __file__
    assert auth.token() == tok  # kept in memory all the same


# -- clear and set_tenant keep what they do not change ------------------------------------------

def test_clear_without_a_reason_says_cleared() -> None:
    store = MemoryTokenStore(clock=lambda: NOW)
    store.save(token())
    store.clear()
    assert store.state().cleared_reason == "cleared" and store.state().cleared_at == NOW


@pytest.mark.parametrize("kind", ["memory", "file"])
def test_choosing_a_tenant_keeps_the_whole_history(tmp_path: Path, kind: str) -> None:
    clock = [NOW]
    store: Any = (MemoryTokenStore(clock=lambda: clock[0]) if kind == "memory"
                  else FileTokenStore(tmp_path, clock=lambda: clock[0]))
    store.save(token(1))
    clock[0] += 10
    store.save(token(2), refreshed=True)
    clock[0] += 10
    store.clear("revoked")
    before = store.state()
    assert (before.saved_at, before.refreshed_at, before.cleared_at) == (NOW + 20, NOW + 10, NOW + 20)
    clock[0] += 10
    store.set_tenant("tenant-9")
    after = store.state()
    assert after.tenant_id == "tenant-9"
    assert (after.token, after.retired, after.saved_at, after.refreshed_at, after.cleared_at,
            after.cleared_reason) == (before.token, before.retired, before.saved_at,
                                      before.refreshed_at, before.cleared_at, "revoked")
    assert after.was_rotated(token(1).refresh_token or "") and after.was_rotated(token(2).refresh_token or "")


def test_a_memory_store_is_named_by_its_profile() -> None:
    assert MemoryTokenStore().profile == "default"
    assert MemoryTokenStore("client-b").profile == "client-b"
    assert repr(MemoryTokenStore("client-b")) == "MemoryTokenStore(profile='client-b')"
    with pytest.raises(TokenStoreError, match="profile names"):
        MemoryTokenStore("../other")


# -- a damaged file ------------------------------------------------------------------------------

@pytest.mark.parametrize(("content", "reason"), [
    (b"", "empty"), (b"{ half", "not complete JSON"), (b"[1, 2]", "not a JSON object"),
    (b"\xff\xfe", "not UTF-8 text"), (b'{"retired": 5}', "not a token record (a field has the wrong type)"),
])
def test_the_error_names_the_file_and_what_is_wrong_with_it(tmp_path: Path, content: bytes,
                                                            reason: str) -> None:
    store = FileTokenStore(tmp_path, clock=lambda: NOW)
    store.path.write_bytes(content)
    with pytest.raises(CorruptTokenStoreError) as info:
        store.load()
    assert info.value.path == store.path and info.value.reason == reason
    assert f"token store {store.path} is not valid ({reason}); sign in again" in str(info.value)
    assert info.value.code == "token_store_corrupt"


def test_names_of_files_moved_aside_in_the_same_second_count_up(tmp_path: Path) -> None:
    store = FileTokenStore(tmp_path, clock=lambda: NOW)
    for n in range(4):
        store.path.write_text(f"broken {n}")
        with pytest.warns(XeroNbWarning, match="moved it aside"):
            store.save(token(n))
    stamp = "default.json.corrupt-20260101T000000Z"
    names = sorted(p.name for p in tmp_path.glob("default.json.corrupt-*"))
    assert names == [stamp, f"{stamp}-1", f"{stamp}-2", f"{stamp}-3"]
    assert [(tmp_path / n).read_text() for n in [stamp, f"{stamp}-1", f"{stamp}-2", f"{stamp}-3"]] == [
        "broken 0", "broken 1", "broken 2", "broken 3"]


def test_the_stamp_is_utc_whatever_the_kernels_time_zone(tmp_path: Path, new_zealand_time: None) -> None:
    store = FileTokenStore(tmp_path, clock=lambda: NOW)
    store.path.write_text("broken")
    with pytest.warns(XeroNbWarning, match="default.json.corrupt-20260101T000000Z"):
        store.save(token())
    assert (tmp_path / "default.json.corrupt-20260101T000000Z").read_text() == "broken"


@pytest.mark.parametrize("bad_clock", [1e300, float("nan")])
def test_a_clock_out_of_range_stamps_with_the_current_utc_time(tmp_path: Path, bad_clock: float,
                                                               new_zealand_time: None) -> None:
    store = FileTokenStore(tmp_path, clock=lambda: bad_clock)
    store.path.write_text("broken")
    before = datetime.now(UTC).replace(microsecond=0)
    with pytest.warns(XeroNbWarning, match="moved it aside"):
        store.save(token())
    after = datetime.now(UTC)
    [aside] = tmp_path.glob("default.json.corrupt-*")
    found = re.fullmatch(r"default\.json\.corrupt-(\d{8}T\d{6}Z)", aside.name)
    assert found, aside.name
    when = datetime.strptime(found.group(1), "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
    assert before <= when <= after  # the current time, in UTC (not New Zealand's 13 hours ahead)


def test_a_folder_in_the_files_place_is_moved_aside_openable_by_its_owner(tmp_path: Path) -> None:
    store = FileTokenStore(tmp_path / "tokens", clock=lambda: NOW)
    store.path.parent.mkdir(mode=0o700)
    store.path.mkdir()
    (store.path / "notes.txt").write_text("kept")
    with pytest.warns(XeroNbWarning, match=r"moved it aside to default\.json\.corrupt-20260101T000000Z \(700;"):
        store.save(token())
    aside = store.path.with_name("default.json.corrupt-20260101T000000Z")
    assert stat.S_IMODE(aside.stat().st_mode) == 0o700 and (aside / "notes.txt").read_text() == "kept"
    assert stat.S_IMODE(store.path.stat().st_mode) == 0o600


def test_a_file_moved_aside_is_private(tmp_path: Path) -> None:
    store = FileTokenStore(tmp_path, clock=lambda: NOW)
    store.path.write_text("broken")
    store.path.chmod(0o644)
    with pytest.warns(XeroNbWarning, match=r"\(600; it may hold an old token"):
        store.save(token())
    aside = tmp_path / "default.json.corrupt-20260101T000000Z"
    assert stat.S_IMODE(aside.stat().st_mode) == 0o600


def test_a_file_that_cannot_be_moved_aside_says_what_to_do(tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    store = FileTokenStore(tmp_path, clock=lambda: NOW)
    store.path.write_text("broken")

    def no_rename(src: Any, dst: Any) -> None:
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(file_store_module.os, "rename", no_rename)
    with pytest.raises(TokenStoreError) as info:
        store.save(token())
    assert str(info.value) == (f"token store {store.path} is not valid (not complete JSON) and could "
                               f"not be moved aside (Permission denied): move or delete it, then "
                               f"sign in again")
    assert store.path.read_text() == "broken"


@frames_as_shipped
def test_signing_out_over_a_damaged_file_warns_at_the_users_line(tmp_path: Path) -> None:
    store = FileTokenStore(tmp_path, clock=lambda: NOW)
    store.path.write_text("broken")
    auth = _auth_on(store)
    with pytest.warns(XeroNbWarning, match="moved it aside") as got:
        auth.forget()
    assert got[0].filename == __file__
    assert store.state().cleared_reason == "signed out"


@frames_as_shipped
def test_a_damaged_file_met_while_signing_in_warns_at_the_users_line(tmp_path: Path) -> None:
    """Signing in saves through more of the library's frames than a sign-out does: the warning
    still names the user's own call, not a line inside xero_nb."""
    store = FileTokenStore(tmp_path, clock=lambda: NOW)
    store.path.write_text("broken")
    auth = _auth_on(store)
    with pytest.warns(XeroNbWarning, match="moved it aside") as got:
        auth.client_credentials()
    assert [w.filename for w in got] == [__file__]
    assert store.load() is not None


def test_the_repr_names_the_file_and_the_profile(tmp_path: Path) -> None:
    store = FileTokenStore(tmp_path, profile="client-a")
    assert repr(store) == f"FileTokenStore(path={str(tmp_path / 'client-a.json')!r}, profile='client-a')"


# -- where the folder is -------------------------------------------------------------------------

def test_on_windows_the_folder_has_no_author_level(monkeypatch: pytest.MonkeyPatch) -> None:
    """platformdirs puts an author folder before the app's on Windows unless told not to:
    %LOCALAPPDATA%\\xero-nb\\tokens, not %LOCALAPPDATA%\\xero-nb\\xero-nb\\tokens."""
    import platformdirs
    import platformdirs.windows

    monkeypatch.setattr(platformdirs, "PlatformDirs", platformdirs.windows.Windows)
    monkeypatch.setattr(platformdirs.windows, "get_win_folder", lambda csidl: "/Users/u/AppData/Local")
    assert default_dir() == Path("/Users/u/AppData/Local/xero-nb/tokens")


# -- temp files: swept on first use, and by every change ----------------------------------------

def test_reads_sweep_on_the_first_use_only_even_when_that_found_the_lock_busy(tmp_path: Path) -> None:
    """A read never waits for the lock: if a writer holds it at the store's first use, the
    writer sweeps after its save; later reads do not try again (they would contend for the
    lock on every load), and the next change of this store sweeps."""
    writer = FileTokenStore(tmp_path, clock=lambda: NOW)
    writer.save(token(1))
    holding, release = threading.Event(), threading.Event()

    def hold() -> None:
        with writer.lock():
            holding.set()
            release.wait(10)

    thread = threading.Thread(target=hold)
    thread.start()
    try:
        assert holding.wait(10)
        reader = FileTokenStore(tmp_path, clock=lambda: NOW)
        assert reader.load() == token(1)  # the lock was busy: nothing swept, nothing waited for
    finally:
        release.set()
        thread.join(10)
    leftover = tmp_path / ".default.json.k3j9x0_q.tmp"
    leftover.write_text("a killed save's refresh token")
    assert reader.load() == token(1) and reader.state().token == token(1)
    assert leftover.exists()
    reader.save(token(2))
    assert not leftover.exists()


def test_no_warning_for_a_clean_private_store(tmp_path: Path) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        store = FileTokenStore(tmp_path / "tokens", clock=lambda: NOW)
        store.save(token())
        store.set_tenant("t")
        store.clear()
    assert stat.S_IMODE((tmp_path / "tokens").stat().st_mode) == 0o700


# -- the record on disk ------------------------------------------------------------------------

def test_a_store_written_earlier_still_knows_its_rotated_tokens(tmp_path: Path) -> None:
    """Fingerprints on disk are the first 32 hex digits of SHA-256: a record written by an
    earlier version must still answer "was this refresh token rotated away?"."""
    store = FileTokenStore(tmp_path, clock=lambda: NOW)
    store.path.write_text(json.dumps({
        "version": 1, "token": None, "tenant_id": None, "saved_at": NOW,
        "retired": ["3fe60fdaee2363972226061697aa8cd6"],  # sha256("old-refresh-token-0001")[:32]
    }))
    state = store.state()
    assert state.was_rotated("old-refresh-token-0001") and not state.was_rotated("old-refresh-token-0002")
    store.save(token(1))
    store.save(token(2))
    retired = json.loads(store.path.read_text())["retired"]
    assert retired == ["3fe60fdaee2363972226061697aa8cd6", fingerprint(token(1).refresh_token or "")]
    assert all(re.fullmatch(r"[0-9a-f]{32}", f) for f in retired)


@pytest.mark.parametrize(("record", "message"), [
    ({"tenant_id": ["t"]}, "tenant_id has the wrong type (list)"),
    ({"saved_at": "yesterday"}, "saved_at has the wrong type (str)"),
    ({"cleared_at": True}, "cleared_at has the wrong type (bool)"),
    ({"refreshed_at": float("inf")}, "refreshed_at is not a finite number"),
    ({"retired": "abc"}, "retired has the wrong type"),
    ({"token": "abc"}, "token has the wrong type"),
    (["not", "a", "mapping"], "a stored record is a JSON object"),
])
def test_state_from_says_which_field_is_wrong(record: Any, message: str) -> None:
    with pytest.raises(ValueError) as info:
        state_from(record)
    assert str(info.value) == message


def lock_timeouts(store: FileTokenStore, monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The timeout of every lock the store asks for from now on (the locks still work)."""
    asked: list[float] = []
    real_lock = store.lock

    def lock(timeout: float = 60.0) -> Any:
        asked.append(timeout)
        return real_lock(timeout)

    monkeypatch.setattr(store, "lock", lock)
    return asked


def test_the_first_use_never_waits_for_a_busy_lock(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A read must not stall behind another kernel's refresh: the first-use sweep asks for the
    lock without waiting (timeout 0) and reads on when it is busy."""
    writer = FileTokenStore(tmp_path, clock=lambda: NOW)
    writer.save(token(1))
    reader = FileTokenStore(tmp_path, clock=lambda: NOW)
    asked = lock_timeouts(reader, monkeypatch)
    with writer.lock():
        assert reader.load() == token(1)
    assert asked == [0]


def test_the_file_is_stable_readable_json(tmp_path: Path) -> None:
    """One key per line, sorted: the same state always gives the same bytes (a user comparing
    two profiles, or a backup, sees only what changed)."""
    store = FileTokenStore(tmp_path, clock=lambda: NOW)
    store.save(token(1))
    store.set_tenant("tenant-1")
    assert store.path.read_text() == "\n".join([
        "{",
        ' "cleared_at": null,',
        ' "cleared_reason": null,',
        ' "refreshed_at": null,',
        ' "retired": [],',
        ' "saved_at": 1767225600.0,',
        ' "tenant_id": "tenant-1",',
        ' "token": {',
        '  "access_token": "access-1-aaaaaaaaaaaaaaaaaaaaaaaa",',
        '  "expires_at": 1767227400.0,',
        '  "grant_type": "authorization_code",',
        '  "obtained_at": 1767225600.0,',
        '  "refresh_token": "refresh-1-rrrrrrrrrrrrrrrrrrrrrrrr",',
        '  "requested": [],',
        '  "scope": "offline_access openid",',
        '  "token_type": "Bearer"',
        " },",
        ' "version": 1',
        "}",
    ])


def test_a_save_goes_through_a_temp_file_the_sweeper_recognises(tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """The temp file holds a refresh token: a save killed before the rename leaves it behind,
    so its name must be one the next change sweeps (hidden, this file's name, mkstemp's part)."""
    store = FileTokenStore(tmp_path, clock=lambda: NOW)
    renames: list[tuple[Path, Path]] = []
    real_replace = file_store_module.os.replace

    def spy(src: Any, dst: Any) -> None:
        renames.append((Path(src), Path(dst)))
        real_replace(src, dst)

    monkeypatch.setattr(file_store_module.os, "replace", spy)
    store.save(token(1))
    monkeypatch.undo()
    [(temp, target)] = renames
    assert target == store.path and temp.parent == tmp_path
    assert re.fullmatch(r"\.default\.json\.[a-z0-9_]{8}\.tmp", temp.name), temp.name
    temp.write_text("what a save killed before its rename leaves")
    store.clear("signed out")
    assert not temp.exists()


def test_a_save_is_durable_data_synced_before_the_rename_and_the_folder_after(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """After a power cut the file must hold the old or the new token: the new bytes reach the
    disk before the rename makes them the file, and the folder (which holds the rename) after."""
    store = FileTokenStore(tmp_path, clock=lambda: NOW)
    store.save(token(1))
    steps: list[str] = []
    real_fsync, real_replace = file_store_module.os.fsync, file_store_module.os.replace

    def fsync(fd: int) -> None:
        info = os.fstat(fd)
        what = "folder" if stat.S_ISDIR(info.st_mode) else f"file of {info.st_size} bytes"
        steps.append(f"fsync {what}")
        real_fsync(fd)

    def replace(src: Any, dst: Any) -> None:
        steps.append("rename")
        real_replace(src, dst)

    monkeypatch.setattr(file_store_module.os, "fsync", fsync)
    monkeypatch.setattr(file_store_module.os, "replace", replace)
    store.save(token(2))
    monkeypatch.undo()
    size = store.path.stat().st_size
    assert steps == [f"fsync file of {size} bytes", "rename", "fsync folder"]
    assert store.load() == token(2)


@pytest.mark.parametrize("cleanup_fails", [False, True])
def test_a_failed_save_keeps_the_old_token_and_reports_its_own_error(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cleanup_fails: bool) -> None:
    """A full disk mid-save: the old token stays, the temp file goes (when it can), and the
    error raised is the disk's, not one from cleaning up after it."""
    store = FileTokenStore(tmp_path, clock=lambda: NOW)
    store.save(token(1))

    def full_disk(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    def cannot_unlink(path: Any) -> None:
        raise PermissionError(errno.EROFS, "Read-only file system")

    monkeypatch.setattr(file_store_module.os, "fsync", full_disk)
    if cleanup_fails:
        monkeypatch.setattr(file_store_module.os, "unlink", cannot_unlink)
    with pytest.raises(OSError) as info:
        store.save(token(2))
    monkeypatch.undo()
    assert info.value.errno == errno.ENOSPC
    assert bool(list(tmp_path.glob(".default.json.*.tmp"))) == cleanup_fails
    assert store.load() == token(1)


@pytest.mark.parametrize("trouble", ["folder cannot be listed", "temp file already gone"])
def test_sweeping_is_best_effort_and_never_fails_a_save(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                       trouble: str) -> None:
    store = FileTokenStore(tmp_path, clock=lambda: NOW)
    store.save(token(1))
    leftover = tmp_path / ".default.json.k3j9x0_q.tmp"
    leftover.write_text("a killed save's token")
    real_unlink = file_store_module.os.unlink

    def no_listing(path: Any) -> Any:
        raise PermissionError(errno.EACCES, "Permission denied")

    def gone(path: Any, *args: Any, **kw: Any) -> None:
        if Path(path) == leftover:  # another kernel swept it a moment ago
            real_unlink(path)
            raise FileNotFoundError(errno.ENOENT, "No such file or directory")
        real_unlink(path, *args, **kw)

    if trouble == "folder cannot be listed":
        monkeypatch.setattr(file_store_module.os, "scandir", no_listing)
    else:
        monkeypatch.setattr(file_store_module.os, "unlink", gone)
    store.save(token(2))
    monkeypatch.undo()
    assert store.load() == token(2)
    assert leftover.exists() == (trouble == "folder cannot be listed")


def test_after_a_change_reads_never_take_the_lock(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A change sweeps under the lock it holds anyway; later reads of that store need no lock
    (a read must never queue behind another kernel's refresh)."""
    store = FileTokenStore(tmp_path, clock=lambda: NOW)
    store.save(token(1))
    asked = lock_timeouts(store, monkeypatch)
    assert store.load() == token(1) and store.tenant() is None and store.state().token == token(1)
    assert asked == []


def test_a_new_token_folder_is_never_open_even_for_an_instant(tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """The folder is created 0700 (then chmod-ed against the umask): no moment where another
    user could enter it and wait for a token file to appear."""
    folder = tmp_path / "cfg" / "tokens"
    modes: list[int] = []
    real_chmod = file_store_module.os.chmod

    def chmod(path: Any, mode: int, **kw: Any) -> None:
        if Path(path) == folder:
            modes.append(stat.S_IMODE(os.stat(path).st_mode))
        real_chmod(path, mode, **kw)

    monkeypatch.setattr(file_store_module.os, "chmod", chmod)
    old_umask = os.umask(0o022)
    try:
        FileTokenStore(folder, clock=lambda: NOW).save(token())
    finally:
        os.umask(old_umask)
    monkeypatch.undo()
    assert modes and modes[0] & 0o077 == 0, [oct(m) for m in modes]
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700


def test_two_kernels_creating_the_folder_at_once_both_carry_on(tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "tokens"
    real_exists = Path.exists

    def exists(self: Path, *args: Any, **kw: Any) -> bool:
        if self == folder and not real_exists(self):
            folder.mkdir(mode=0o700)  # the other kernel, just after our check
            return False
        return real_exists(self, *args, **kw)

    monkeypatch.setattr(Path, "exists", exists)
    FileTokenStore(folder, clock=lambda: NOW).save(token())
    monkeypatch.undo()
    assert FileTokenStore(folder, clock=lambda: NOW).load() == token()


def test_an_open_folder_is_warned_about_once_per_store(tmp_path: Path) -> None:
    folder = tmp_path / "shared"
    folder.mkdir()
    folder.chmod(0o755)
    store = FileTokenStore(folder, clock=lambda: NOW)
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        store.save(token(1))
        store.save(token(2))
        store.set_tenant("t")
    assert [str(w.message).split(" (")[0] for w in seen] == [f"token folder {folder} is open to other users"]
    assert stat.S_IMODE(folder.stat().st_mode) == 0o755  # not ours to change


def test_what_is_in_the_files_place_is_named(tmp_path: Path) -> None:
    store = FileTokenStore(tmp_path, clock=lambda: NOW)
    store.path.mkdir()
    with pytest.raises(CorruptTokenStoreError) as info:
        store.load()
    assert info.value.reason == "a folder, not a file"
    store.path.rmdir()
    os.mkfifo(store.path)  # a pipe: reading it would block, so it is never opened
    with pytest.raises(CorruptTokenStoreError) as info:
        store.load()
    assert info.value.reason == "not a regular file"


def test_a_file_of_exactly_the_size_limit_is_read_and_one_byte_more_is_not(tmp_path: Path) -> None:
    store = FileTokenStore(tmp_path, clock=lambda: NOW)
    store.save(token(1))
    record = store.path.read_bytes().strip()
    store.path.write_bytes(b" " * ((1 << 20) - len(record)) + record)  # the last byte is "}"
    assert store.path.stat().st_size == 1 << 20 and store.load() == token(1)
    store.path.write_bytes(b" " * ((1 << 20) + 1 - len(record)) + record)
    with pytest.raises(CorruptTokenStoreError) as info:
        store.load()
    assert info.value.reason == "larger than 1 MB"


def test_a_path_that_cannot_be_looked_at_says_so(tmp_path: Path) -> None:
    store = FileTokenStore(tmp_path, clock=lambda: NOW)
    store.path.symlink_to(store.path)  # a link to itself: stat fails with ELOOP
    with pytest.raises(TokenStoreError) as info:
        store.load()
    assert not isinstance(info.value, CorruptTokenStoreError)
    assert str(info.value) == (f"cannot read token store {store.path} (Too many levels of symbolic "
                               f"links): give your user access to it (`chmod 600 {store.path}`) or "
                               f"pass another path")


@pytest.mark.parametrize(("swap", "outcome"), [
    ("grew past the limit", "not complete JSON"),
    ("became a folder", "a folder, not a file"),
    ("became unreadable", "cannot read token store"),
])
def test_a_file_swapped_between_the_size_check_and_the_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                            swap: str, outcome: str) -> None:
    """Another kernel's rename can land between stat() and open(): the read is still bounded
    (never more than the limit plus one byte, so a larger file cannot be a valid record) and
    each failure is named."""
    store = FileTokenStore(tmp_path, clock=lambda: NOW)
    store.save(token(1))
    record = store.path.read_bytes().strip()
    bigger = tmp_path / "bigger.json"
    bigger.write_bytes(b" " * ((1 << 20) + 2 - len(record)) + record)  # valid, 2 bytes too long
    real_open = open

    def swapped(path: Any, mode: str = "r", *args: Any, **kw: Any) -> Any:
        if Path(path) != store.path:
            return real_open(path, mode, *args, **kw)
        if swap == "became a folder":
            raise IsADirectoryError(errno.EISDIR, "Is a directory")
        if swap == "became unreadable":
            raise PermissionError(errno.EACCES, "Permission denied")
        return real_open(bigger, mode, *args, **kw)

    monkeypatch.setattr(file_store_module, "open", swapped, raising=False)
    with pytest.raises(TokenStoreError) as info:
        store.load()
    if isinstance(info.value, CorruptTokenStoreError):
        assert info.value.reason == outcome
    else:
        assert str(info.value).startswith(f"{outcome} {store.path} (Permission denied): give your user")
        assert swap == "became unreadable"


@pytest.mark.parametrize("kind", ["memory", "file"])
def test_a_refresh_keeps_the_chosen_tenant(tmp_path: Path, kind: str) -> None:
    store: Any = (MemoryTokenStore(clock=lambda: NOW) if kind == "memory"
                  else FileTokenStore(tmp_path, clock=lambda: NOW))
    store.save(token(1))
    store.set_tenant("tenant-7")
    store.save(token(2), refreshed=True)
    assert store.tenant() == "tenant-7" and store.state().token == token(2)


def test_a_token_response_is_timed_by_the_stores_clock() -> None:
    store = MemoryTokenStore(clock=lambda: NOW)
    saved = store.save({"access_token": "access-" + "a" * 24, "expires_in": 1800})
    assert saved.expires_at == NOW + 1800 and store.load() == saved
