"""A damaged token store is never a dead end: reading says what to do, the next change moves the
file aside and saves; temp files of killed saves do not outlive the next use; links and open
folders are warned about, never chmod-ed through."""

from __future__ import annotations

import json
import os
import stat
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from xero_nb.auth import FileTokenStore
from xero_nb.auth.config import Settings
from xero_nb.auth.flow import XeroAuth
from xero_nb.errors import TokenStoreError, XeroNbWarning
from xero_nb.http import Client
from xero_nb.simulator import XeroSimulator

NOW = 1_767_225_600.0  # 2026-01-01T00:00:00Z
VALID = {"version": 1, "token": {"access_token": "A" * 30 + "acc1", "refresh_token": "R" * 30 + "ref1",
                                  "expires_at": NOW + 1800, "scope": "openid", "token_type": "Bearer"},
         "tenant_id": None, "retired": [], "saved_at": NOW}
SECRETISH = "SENTINEL-in-the-corrupt-file-8f7e6d"


def _put(content: bytes | str) -> Callable[[Path], None]:
    def write(path: Path) -> None:
        path.write_bytes(content.encode() if isinstance(content, str) else content)
    return write


def _folder(path: Path) -> None:
    path.mkdir()
    (path / "inside.txt").write_text(SECRETISH)


def _with(**changes: Any) -> str:
    record = json.loads(json.dumps(VALID))
    for key, value in changes.items():
        if key.startswith("token."):
            record["token"][key[6:]] = value
        else:
            record[key] = value
    return json.dumps(record)


CORRUPTIONS: dict[str, Callable[[Path], None]] = {
    "empty": _put(b""),
    "blank": _put(b" \n\t\n"),
    "truncated": _put(json.dumps(VALID)[:57] + SECRETISH),
    "not json": _put("{ corrupt " + SECRETISH),
    "a list": _put(json.dumps([VALID])),
    "a string": _put(json.dumps(SECRETISH)),
    "token is a string": _put(_with(token=SECRETISH)),
    "access token is a number": _put(_with(**{"token.access_token": 12345})),
    "expiry is text": _put(_with(**{"token.expires_at": "soon"})),
    "expiry is NaN": _put(_with(**{"token.expires_at": float("nan")})),
    "expiry is 1e300": _put(_with(**{"token.expires_at": 1e300})),
    "scope is a number": _put(_with(**{"token.scope": 7})),
    "scope nests deeply": _put(_with(**{"token.scope": "[" * 100_000})),
    "retired is a number": _put(_with(retired=5)),
    "tenant is a list": _put(_with(tenant_id=["t"])),
    "saved_at is text": _put(_with(saved_at="yesterday")),
    "not utf-8": _put(b'{"token": "\xff\xfe\xfa' + SECRETISH.encode() + b'"}'),
    "bom then garbage": _put(b"\xef\xbb\xbf" + SECRETISH.encode()),
    "deeply nested": _put("[" * 100_000 + "]" * 100_000),
    "deeply nested object": _put('{"a":' * 50_000 + "1" + "}" * 50_000),
    "too large": _put('{"pad": "' + "x" * (1 << 20) + '"}'),
    "a folder": _folder,
}


def token_response(n: int = 1) -> dict[str, Any]:
    return {"access_token": f"NEW-access-{n}-" + "N" * 24, "refresh_token": f"NEW-refresh-{n}-" + "M" * 24,
            "expires_in": 1800, "scope": "openid offline_access"}


def store_at(tmp_path: Path) -> FileTokenStore:
    return FileTokenStore(tmp_path / "tokens", clock=lambda: NOW)


def corrupt(store: FileTokenStore, form: str) -> bytes | None:
    store.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    CORRUPTIONS[form](store.path)
    return store.path.read_bytes() if store.path.is_file() else None


def asides(store: FileTokenStore) -> list[Path]:
    return sorted(store.path.parent.glob(store.path.name + ".corrupt-*"))


@pytest.mark.parametrize("form", sorted(CORRUPTIONS))
def test_reading_a_damaged_file_is_a_token_store_error_saying_what_to_do(tmp_path: Path,
                                                                       form: str) -> None:
    store = store_at(tmp_path)
    corrupt(store, form)
    for read in (store.load, store.state, store.tenant):
        with pytest.raises(TokenStoreError) as info:
            read()
        text = str(info.value)
        assert "sign in again" in text and "moved aside" in text and SECRETISH not in text
    assert store.path.exists() and not asides(store)  # reading never moves anything


@pytest.mark.parametrize("change", ["save", "clear", "set_tenant"])
@pytest.mark.parametrize("form", sorted(CORRUPTIONS))
def test_the_next_change_moves_the_file_aside_and_saves(tmp_path: Path, form: str,
                                                         change: str) -> None:
    store = store_at(tmp_path)
    before = corrupt(store, form)
    with pytest.warns(XeroNbWarning, match=r"not valid .*moved it aside to default\.json\.corrupt-") as got:
        {"save": lambda: store.save(token_response()),
         "clear": lambda: store.clear("signed out"),
         "set_tenant": lambda: store.set_tenant("ten-1")}[change]()
    assert all(SECRETISH not in str(w.message) for w in got)
    [aside] = asides(store)
    assert aside.name == "default.json.corrupt-20260101T000000Z"
    if before is not None:  # the damaged file is kept as it was, for the user only
        assert aside.read_bytes() == before and stat.S_IMODE(aside.stat().st_mode) == 0o600
    else:
        assert aside.is_dir() and (aside / "inside.txt").exists()
    state = store.state()
    if change == "save":
        assert state.token is not None and state.token.refresh_token == token_response()["refresh_token"]
    elif change == "clear":
        assert state.token is None and state.cleared_reason == "signed out"
    else:
        assert state.tenant_id == "ten-1"
    assert stat.S_IMODE(store.path.stat().st_mode) == 0o600


def test_a_second_recovery_in_the_same_second_keeps_both_files(tmp_path: Path) -> None:
    store = store_at(tmp_path)
    store.path.parent.mkdir(mode=0o700)
    for n in (1, 2):
        store.path.write_text(f"broken {n}")
        with pytest.warns(XeroNbWarning, match="moved it aside"):
            store.save(token_response(n))
    assert [p.read_text() for p in asides(store)] == ["broken 1", "broken 2"]


def test_a_byte_order_mark_is_harmless(tmp_path: Path) -> None:
    store = store_at(tmp_path)
    store.path.parent.mkdir(parents=True, mode=0o700)
    store.path.write_bytes(b"\xef\xbb\xbf" + json.dumps(VALID).encode())
    tok = store.load()
    assert tok is not None and tok.refresh_token == "R" * 30 + "ref1"
    store.save(token_response())  # no warning: nothing was wrong
    assert not asides(store)


# -- through XeroAuth, against the simulator ----------------------------------------------------

def signed_in(sim: XeroSimulator, store: FileTokenStore) -> XeroAuth:
    demo = sim.apps["pkce"]
    auth = XeroAuth(Settings(client_id=demo.client_id, redirect_uri="http://127.0.0.1/callback",
                             scopes=("openid", "offline_access", "accounting.settings.read"),
                             era=demo.era),
                    store=store, transport=sim.transport(), clock=sim.clock)
    return auth


def sign_in(sim: XeroSimulator, auth: XeroAuth) -> Any:
    with Client(transport=sim.transport(), follow_redirects=False, trust_env=False) as http:
        location = http.get(auth.authorize_url()).headers["location"]
    return auth.complete(location)


@pytest.mark.parametrize("form", ["empty", "truncated", "token is a string", "not utf-8",
                                  "deeply nested", "a folder", "expiry is NaN"])
def test_a_new_kernel_signs_in_again_over_a_damaged_store(tmp_path: Path, form: str) -> None:
    sim = XeroSimulator(limits=False)
    store = FileTokenStore(tmp_path / "tokens", clock=sim.clock)
    corrupt(store, form)
    auth = signed_in(sim, store)
    with pytest.raises(TokenStoreError, match="sign in again"):
        auth.token()
    with pytest.warns(XeroNbWarning, match="moved it aside"):
        tok = sign_in(sim, auth)
    # the code was spent once, and the new refresh token is where the next kernel finds it
    stored = FileTokenStore(tmp_path / "tokens", clock=sim.clock).load()
    assert stored is not None and stored.refresh_token == tok.refresh_token
    sim.advance(3600)
    fresh = signed_in(sim, FileTokenStore(tmp_path / "tokens", clock=sim.clock)).token()
    assert fresh.refresh_token and fresh.access_token != tok.access_token
    assert len(asides(store)) == 1


@pytest.mark.parametrize("form", ["empty", "a list", "deeply nested", "a folder"])
def test_signing_out_over_a_damaged_store_works(tmp_path: Path, form: str) -> None:
    sim = XeroSimulator(limits=False)
    store = FileTokenStore(tmp_path / "tokens", clock=sim.clock)
    corrupt(store, form)
    auth = signed_in(sim, store)
    with pytest.warns(XeroNbWarning, match="moved it aside"):
        auth.forget()
    assert store.state().token is None and store.state().cleared_reason == "signed out"
    auth.revoke()  # nothing left to revoke: no error either


def test_a_kernel_holding_a_token_refreshes_over_a_damaged_file(tmp_path: Path) -> None:
    sim = XeroSimulator(limits=False)
    store = FileTokenStore(tmp_path / "tokens", clock=sim.clock)
    auth = signed_in(sim, store)
    first = sign_in(sim, auth)
    store.path.write_text("{ damaged")
    sim.advance(3600)
    with pytest.warns(XeroNbWarning, match="moved it aside"):
        new = auth.token()
    assert new.access_token != first.access_token
    stored = store.load()
    assert stored is not None and stored.refresh_token == new.refresh_token


# -- temp files left by a killed save -------------------------------------------------------------

def leftovers(folder: Path) -> dict[str, Path]:
    names = {
        "ours": ".default.json.k3j9x0_q.tmp",
        "ours, older naming": ".default.a1b2c3d4.tmp",
        "not mkstemp's": ".default.json.notes.tmp",
        "another file's": ".default.json.bak.a1b2c3d4.tmp",
        "unrelated": "other.tmp",
    }
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    for name in names.values():
        (folder / name).write_text('{"token": {"refresh_token": "' + SECRETISH + '"}}')
    return {k: folder / v for k, v in names.items()}


def test_sign_out_removes_fresh_temp_files_of_this_store_only(tmp_path: Path) -> None:
    store = store_at(tmp_path)
    store.save(token_response())
    files = leftovers(store.path.parent)  # written just now: no age to wait for
    store.clear("signed out")
    assert not files["ours"].exists() and not files["ours, older naming"].exists()
    assert all(files[k].exists() for k in ("not mkstemp's", "another file's", "unrelated"))


def test_legacy_temp_names_of_a_profile_are_removed(tmp_path: Path) -> None:
    folder = tmp_path / "tokens"
    store = FileTokenStore(folder, profile="p1")
    folder.mkdir(mode=0o700)
    legacy, other = folder / ".p1.k3j9x0_q.tmp", folder / ".p1.x.k3j9x0_q.tmp"
    for path in (legacy, other):
        path.write_text(SECRETISH)
    assert store.load() is None
    assert not legacy.exists() and other.exists()  # ".p1.x..." belongs to profile "p1.x"


def test_the_first_use_of_a_store_removes_them_whatever_their_age(tmp_path: Path) -> None:
    store = store_at(tmp_path)
    store.save(token_response())
    files = leftovers(store.path.parent)
    assert FileTokenStore(store.path.parent).load() is not None  # a new kernel reads
    assert not files["ours"].exists() and files["unrelated"].exists()


def test_a_live_writers_temp_file_is_left_alone(tmp_path: Path) -> None:
    store = store_at(tmp_path)
    store.save(token_response())
    writing, done = threading.Event(), threading.Event()
    live = store.path.parent / ".default.json.wr1t1ng_.tmp"

    def writer() -> None:
        with store.lock():  # a save in progress holds the lock while its temp file exists
            live.write_text("half a token")
            writing.set()
            done.wait(5)
            live.unlink()

    thread = threading.Thread(target=writer)
    thread.start()
    assert writing.wait(5)
    try:
        assert FileTokenStore(store.path.parent).load() is not None
        assert live.exists()
    finally:
        done.set()
        thread.join(5)


# -- folders ----------------------------------------------------------------------------------------

def test_a_symlinked_default_folder_is_warned_about_never_chmod_ed(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    real = tmp_path / "shared-folder"
    real.mkdir(mode=0o755)
    os.chmod(real, 0o755)
    (tmp_path / "xdg" / "xero-nb").mkdir(parents=True)
    (tmp_path / "xdg" / "xero-nb" / "tokens").symlink_to(real, target_is_directory=True)
    with pytest.warns(XeroNbWarning, match="symbolic link"):
        FileTokenStore(profile="p1").save(token_response())
    assert stat.S_IMODE(real.stat().st_mode) == 0o755
    assert stat.S_IMODE((real / "p1.json").stat().st_mode) == 0o600


def test_a_private_symlinked_folder_is_fine(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    real = tmp_path / "private"
    real.mkdir(mode=0o700)
    (tmp_path / "xdg" / "xero-nb").mkdir(parents=True)
    (tmp_path / "xdg" / "xero-nb" / "tokens").symlink_to(real, target_is_directory=True)
    FileTokenStore(profile="p1").save(token_response())  # no warning (they are errors here)
    assert (real / "p1.json").exists()


def test_a_store_that_cannot_be_used_fails_before_the_code_is_spent(tmp_path: Path) -> None:
    sim = XeroSimulator(limits=False)
    (tmp_path / "a-file").write_text("not a folder")
    auth = signed_in(sim, FileTokenStore(tmp_path / "a-file" / "tokens", clock=sim.clock))
    with Client(transport=sim.transport(), follow_redirects=False, trust_env=False) as http:
        location = http.get(auth.authorize_url()).headers["location"]
    with pytest.raises(TokenStoreError, match="cannot create the token folder"):
        auth.complete(location)
    auth.store = FileTokenStore(tmp_path / "tokens", clock=sim.clock)
    tok = auth.complete(location)  # the same redirect: its code was not spent
    assert auth.store.load() == tok


def test_a_read_only_token_folder_can_still_be_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = store_at(tmp_path)
    store.save(token_response())
    reader = FileTokenStore(store.path.parent)

    def no_lock(timeout: float = 0) -> Any:
        raise PermissionError(13, "Read-only file system")

    monkeypatch.setattr(reader, "lock", no_lock)  # as on a read-only mount: no lock file
    tok = reader.load()
    assert tok is not None and tok.refresh_token == token_response()["refresh_token"]
