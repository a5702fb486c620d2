"""Token records and the token stores: parsing, masking, atomic files, permissions, crashes."""

from __future__ import annotations

import base64
import json
import os
import signal
import stat
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xero_nb.auth import FileTokenStore, MemoryTokenStore
from xero_nb.auth.store import RETIRED_KEEP, fingerprint
from xero_nb.auth.tokens import Secret, Token
from xero_nb.errors import TokenStoreError
from xero_nb.redact import jwt_claims, mask


def fake_jwt(claims: dict) -> str:
    def part(obj: dict) -> str:
        return base64.urlsafe_b64encode(json.dumps(obj).encode()).rstrip(b"=").decode()

    return f"{part({'alg': 'RS256', 'typ': 'JWT'})}.{part(claims)}.c2lnbmF0dXJlLW5vdC1jaGVja2Vk"


def response(**extra: object) -> dict:
    base = {"access_token": "A" * 30 + "acc1", "refresh_token": "R" * 30 + "ref1",
            "expires_in": 1800, "token_type": "Bearer", "scope": "openid offline_access"}
    base.update(extra)
    return base


def test_expires_at_comes_from_the_injected_clock() -> None:
    tok = Token.from_response(response(), clock=lambda: 1000.0)
    assert tok.expires_at == 2800.0 and tok.obtained_at == 1000.0
    assert not tok.expired(lambda: 2700.0, leeway=60)
    assert tok.expired(lambda: 2741.0, leeway=60)
    assert tok.expired(lambda: 2800.0, leeway=0)
    assert tok.expires_in(lambda: 2000.0) == 800.0


def test_authlib_wall_clock_expires_at_loses_to_expires_in() -> None:
    tok = Token.from_response(response(expires_at=99), clock=lambda: 10.0)
    assert tok.expires_at == 1810.0


def test_scopes_from_the_space_separated_string() -> None:
    tok = Token.from_response(response(scope="openid  accounting.settings.read offline_access"),
                              clock=lambda: 0.0)
    assert tok.scopes == {"openid", "accounting.settings.read", "offline_access"}


def test_scopes_from_the_jwt_json_array() -> None:
    access = fake_jwt({"scope": ["accounting.contacts.read", "openid"],
                       "authentication_event_id": "ev-1"})
    tok = Token.from_response({"access_token": access, "expires_in": 60}, clock=lambda: 0.0)
    assert tok.scopes == {"accounting.contacts.read", "openid"}
    assert tok.auth_event_id == "ev-1"
    assert tok.claims()["scope"] == ["accounting.contacts.read", "openid"]


def test_string_and_jwt_scopes_are_both_kept() -> None:
    access = fake_jwt({"scope": ["accounting.contacts.read"]})
    tok = Token.from_response({"access_token": access, "scope": "openid", "expires_in": 1},
                              clock=lambda: 0.0, requested="openid accounting.contacts.read")
    assert tok.scopes == {"openid", "accounting.contacts.read"}
    assert tok.requested == {"openid", "accounting.contacts.read"}


def test_unknown_scope_names_do_not_break_parsing() -> None:
    tok = Token.from_response(response(scope="openid some.future.scope"), clock=lambda: 0.0)
    assert "some.future.scope" in tok.scopes


def test_no_access_token_is_refused() -> None:
    with pytest.raises(ValueError, match="no access_token"):
        Token.from_response({"expires_in": 5})


def test_repr_and_str_show_only_the_last_four_characters() -> None:
    tok = Token.from_response(response(id_token="I" * 30 + "idt1"), clock=lambda: 0.0)
    for text in (repr(tok), str(tok), f"{tok}", repr([tok])):
        assert "A" * 8 not in text and "R" * 8 not in text and "I" * 8 not in text
        assert "…acc1" in text and "…ref1" in text and "…idt1" in text
    assert mask("short") == "…" and mask(None) == "None"
    secret = Secret("s3cr3t-value-xyz9")
    assert "s3cr3t" not in repr(secret) and "s3cr3t" not in str(secret)
    assert secret.reveal() == "s3cr3t-value-xyz9"


def test_to_response_feeds_authlib_and_round_trips() -> None:
    tok = Token.from_response(response(), clock=lambda: 5.0, requested=["openid"])
    back = Token.from_response(tok.to_dict())
    assert back == tok
    resp = tok.to_response()
    assert resp["expires_at"] == 1805 and resp["refresh_token"] == tok.refresh_token


ODD_RESPONSES = {
    "not a mapping": ["access_token", "x"],
    "access token a number": {"access_token": 12345},
    "expires_in text": {"expires_in": "soon"},
    "expires_in NaN": {"expires_in": float("nan")},
    "expires_in 1e20": {"expires_in": 1e20},
    "expires_at inf": {"expires_in": None, "expires_at": float("inf")},
    "expires_in a list": {"expires_in": [1800]},
    "expires_in a bool": {"expires_in": True},
    "scope a number": {"scope": 7},
    "scope deep JSON": {"scope": "[" * 100_000},
    "refresh token a dict": {"refresh_token": {"a": 1}},
    "requested nested": {"requested": [["openid"]]},
}


@pytest.mark.parametrize("name", sorted(ODD_RESPONSES))
def test_odd_values_in_a_token_response_are_a_value_error(name: str) -> None:
    odd = ODD_RESPONSES[name]
    body = {**response(), **odd} if isinstance(odd, dict) else odd
    with pytest.raises(ValueError) as info:
        Token.from_response(body, clock=lambda: 0.0)  # type: ignore[arg-type]
    assert "A" * 20 not in str(info.value)


def test_numeric_strings_are_still_numbers() -> None:
    tok = Token.from_response(response(expires_in="1800"), clock=lambda: 10.0)
    assert tok.expires_at == 1810.0


def test_a_deeply_nested_jwt_payload_gives_no_scopes_and_no_recursion_error() -> None:
    deep = base64.urlsafe_b64encode(b'{"scope":' + b"[" * 100_000 + b"]" * 100_000 + b"}")
    access = "eyJhbGciOiJSUzI1NiJ9." + deep.rstrip(b"=").decode() + ".c2ln"
    tok = Token.from_response({"access_token": access, "scope": "openid"}, clock=lambda: 0.0)
    assert tok.scopes == {"openid"} and tok.claims() == {}
    from xero_nb.catalog.scopes import parse_scopes

    with pytest.raises(ValueError, match="nest"):
        parse_scopes(access, strict=False)
    with pytest.raises(ValueError, match="nests 100000 levels"):
        parse_scopes("[" * 100_000 + "]" * 100_000, strict=False)


def test_unverified_claims_of_garbage_are_empty() -> None:
    assert jwt_claims("not-a-jwt") == {}
    assert jwt_claims("a.b.c") == {}
    assert jwt_claims(None) == {}


# -- stores ------------------------------------------------------------------------------

@pytest.fixture(params=["memory", "file"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> MemoryTokenStore | FileTokenStore:
    if request.param == "memory":
        return MemoryTokenStore(clock=lambda: 100.0)
    return FileTokenStore(tmp_path / "tokens", clock=lambda: 100.0)


def test_store_save_load_clear(store: MemoryTokenStore | FileTokenStore) -> None:
    assert store.load() is None
    saved = store.save(response())
    assert isinstance(saved, Token) and store.load() == saved
    store.set_tenant("t-1")
    assert store.tenant() == "t-1" and store.load() == saved
    store.clear("revoked")
    state = store.state()
    assert state.token is None and state.cleared_reason == "revoked"
    assert state.tenant_id == "t-1"
    assert state.was_rotated(saved.refresh_token or "")


def test_store_remembers_rotated_refresh_tokens(store: MemoryTokenStore | FileTokenStore) -> None:
    first = store.save(response())
    second = store.save(response(access_token="B" * 30 + "acc2", refresh_token="S" * 30 + "ref2"),
                        refreshed=True)
    state = store.state()
    assert state.token == second and state.refreshed_at == 100.0
    assert state.was_rotated(first.refresh_token or "")
    assert not state.was_rotated(second.refresh_token or "")
    assert fingerprint(first.refresh_token or "") in state.retired


def test_a_long_lived_connection_remembers_its_newest_rotated_tokens(
        store: MemoryTokenStore | FileTokenStore) -> None:
    """Xero rotates the refresh token every refresh: after many, 'rotated or reused?' must still
    be answered for the ones just replaced (an old kernel holding one of those is the usual
    invalid_grant), and the memory stays bounded."""
    refresh = [f"rotating-refresh-{i:02d}-" + "x" * 20 for i in range(RETIRED_KEEP + 6)]
    for i, rt in enumerate(refresh):
        store.save(response(access_token=f"access-{i:02d}-" + "a" * 24, refresh_token=rt),
                   refreshed=i > 0)
    state = store.state()
    assert state.token is not None and state.token.refresh_token == refresh[-1]
    assert not state.was_rotated(refresh[-1])
    newest = refresh[-1 - RETIRED_KEEP:-1]
    assert [rt for rt in refresh[:-1] if state.was_rotated(rt)] == newest
    assert state.retired == tuple(fingerprint(rt) for rt in newest)  # oldest first, no repeats
    # saving the same token again (a re-save, not a rotation) remembers nothing new
    store.save(response(access_token="access-again-" + "a" * 24, refresh_token=refresh[-1]))
    assert store.state().retired == state.retired
    # signing out retires the current one too, still keeping the newest
    store.clear("signed out")
    after = store.state()
    assert after.was_rotated(refresh[-1]) and len(after.retired) == RETIRED_KEEP
    assert after.retired[-1] == fingerprint(refresh[-1]) and not after.was_rotated(refresh[-1 - RETIRED_KEEP])
    assert (after.saved_at, after.cleared_at, after.refreshed_at) == (100.0, 100.0, 100.0)
    assert after.cleared_reason == "signed out"


def test_store_lock_is_reentrant_within_a_thread(store: MemoryTokenStore | FileTokenStore) -> None:
    with store.lock(), store.lock():
        store.save(response())
    assert store.load() is not None


def test_file_store_permissions_and_layout(tmp_path: Path) -> None:
    folder = tmp_path / "cfg" / "tokens"
    a = FileTokenStore(folder, profile="client-a")
    b = FileTokenStore(folder, profile="client-b")
    a.save(response())
    b.save(response(access_token="B" * 34))
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert stat.S_IMODE((folder / "client-a.json").stat().st_mode) == 0o600
    assert a.load() != b.load()
    assert sorted(p.name for p in folder.glob("*.json")) == ["client-a.json", "client-b.json"]
    assert not list(folder.glob("*.tmp"))
    single = FileTokenStore(tmp_path / "one" / "mine.json", profile="x")
    single.save(response())
    assert single.path == tmp_path / "one" / "mine.json" and single.load() is not None


@pytest.mark.parametrize("change", ["save", "clear", "set_tenant"])
def test_every_store_change_waits_for_the_lock(store: MemoryTokenStore | FileTokenStore,
                                                change: str) -> None:
    """A change read-modify-writes the whole file: it must not run while another holds the lock
    (or a refresh in another kernel would be overwritten with the old token)."""
    import threading

    store.save(response())
    other = FileTokenStore(store.path, clock=lambda: 100.0) if isinstance(store, FileTokenStore) else store
    held, release, finished = threading.Event(), threading.Event(), threading.Event()

    def holder() -> None:
        with other.lock():
            held.set()
            release.wait(5)

    def changer() -> None:
        {"save": lambda: store.save(response(access_token="N" * 34)),
         "clear": lambda: store.clear("signed out"),
         "set_tenant": lambda: store.set_tenant("t-2")}[change]()
        finished.set()

    t1 = threading.Thread(target=holder)
    t1.start()
    assert held.wait(5)
    t2 = threading.Thread(target=changer)
    t2.start()
    assert not finished.wait(0.3), f"{change} ran while the lock was held"
    release.set()
    t1.join(5)
    t2.join(5)
    assert finished.is_set()


def test_an_open_token_folder_is_tightened_or_warned_about(monkeypatch: pytest.MonkeyPatch,
                                                            tmp_path: Path) -> None:
    from xero_nb.errors import XeroNbWarning

    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    own = tmp_path / "xdg" / "xero-nb" / "tokens"
    own.mkdir(parents=True, mode=0o755)
    os.chmod(own, 0o755)
    FileTokenStore(profile="p1").save(response())
    assert stat.S_IMODE(own.stat().st_mode) == 0o700  # our own folder: tightened
    theirs = tmp_path / "project"
    theirs.mkdir(mode=0o755)
    os.chmod(theirs, 0o755)
    with pytest.warns(XeroNbWarning, match="chmod 700"):
        FileTokenStore(theirs / "tokens.json").save(response())
    assert stat.S_IMODE(theirs.stat().st_mode) == 0o755  # not ours to change


def test_file_store_default_folder_is_platformdirs(monkeypatch: pytest.MonkeyPatch,
                                                   tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    store = FileTokenStore(profile="p1")
    assert store.path == tmp_path / "xdg" / "xero-nb" / "tokens" / "p1.json"


@pytest.mark.parametrize("bad", ["../evil", "a/b", "", ".hidden", "x" * 80])
def test_profile_names_cannot_escape_the_folder(tmp_path: Path, bad: str) -> None:
    with pytest.raises(TokenStoreError):
        FileTokenStore(tmp_path, profile=bad)


def test_corrupt_file_is_a_clear_error_that_quotes_nothing(tmp_path: Path) -> None:
    store = FileTokenStore(tmp_path)
    store.path.write_text('{"token": {"access_token": "SECRETSECRETSECRET"')
    with pytest.raises(TokenStoreError) as info:
        store.load()
    assert "SECRET" not in str(info.value) and "sign in again" in str(info.value)


def test_repr_of_stores_shows_no_token(tmp_path: Path) -> None:
    store = FileTokenStore(tmp_path)
    store.save(response())
    assert "AAAA" not in repr(store) and "RRRR" not in repr(MemoryTokenStore())


secrets_text = st.text(alphabet=st.characters(min_codepoint=33, max_codepoint=0x2FFF),
                       min_size=1, max_size=60)


@settings(max_examples=40, deadline=None)
@given(access=secrets_text, refresh=st.none() | secrets_text,
       scopes=st.sets(st.sampled_from(["openid", "email", "accounting.settings.read",
                                       "accounting.invoices", "offline_access"])),
       expires_in=st.integers(0, 10**7))
def test_file_store_round_trips_any_token(tmp_path_factory: pytest.TempPathFactory, access: str,
                                          refresh: str | None, scopes: set[str],
                                          expires_in: int) -> None:
    store = FileTokenStore(tmp_path_factory.mktemp("rt"), clock=lambda: 1.5)
    tok = Token.from_response({"access_token": access, "refresh_token": refresh,
                               "expires_in": expires_in, "scope": " ".join(scopes)},
                              clock=lambda: 1.5, requested=scopes)
    store.save(tok)
    assert store.load() == tok


# -- crash safety --------------------------------------------------------------------------

WRITER = textwrap.dedent("""
    import sys
    from xero_nb.auth import FileTokenStore
    store = FileTokenStore(sys.argv[1])
    big = "x" * 200_000  # a large token makes each save take long enough to be killed inside
    toks = [{"access_token": "OLD" + big, "refresh_token": "old-refresh", "expires_in": 1},
            {"access_token": "NEW" + big, "refresh_token": "new-refresh", "expires_in": 1}]
    print("ready", flush=True)
    i = 0
    while True:
        store.save(toks[i % 2])
        i += 1
""")


def test_sigkill_while_saving_leaves_old_or_new_never_corrupt(tmp_path: Path) -> None:
    store = FileTokenStore(tmp_path)
    store.save({"access_token": "OLD" + "x" * 200_000, "refresh_token": "old-refresh",
                "expires_in": 1})
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parents[1]))
    delays = [0.05, 0.11, 0.17, 0.23, 0.31, 0.37] * 10
    landed = 0
    for attempt, delay in enumerate(delays):
        proc = subprocess.Popen([sys.executable, "-c", WRITER, str(tmp_path)],
                                stdout=subprocess.PIPE, env=env)
        assert proc.stdout is not None and proc.stdout.readline().strip() == b"ready"
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        # A temp file left behind means this kill landed inside a save (the next writer sweeps
        # it, so look now, before anything else touches the folder).
        landed += bool(list(tmp_path.glob(".default.*.tmp")))
        tok = store.load()  # raises TokenStoreError on a torn file
        assert tok is not None and tok.refresh_token in ("old-refresh", "new-refresh")
        assert tok.access_token[:3] in ("OLD", "NEW") and len(tok.access_token) == 200_003
        # Six kills at least; more only until one has landed inside a save (under heavy load
        # a kill can fall between two saves, or on the lock, or on the folder's fsync).
        if attempt >= 5 and landed:
            break
    assert landed, "no kill landed inside a save: the test proved nothing"
    # the next save still works, and removes the killed saves' temp files (they are no one's now)
    store.save(response())
    assert store.load() is not None and not list(tmp_path.glob(".default.*.tmp"))


def test_at_every_step_of_a_save_the_file_holds_the_old_or_the_new_token(tmp_path: Path) -> None:
    """Deterministic crash safety, whatever the implementation: a kill can land between any two
    Python lines, so the file on disk is read at every line executed during save() (the store's
    code, pathlib, json, tempfile, all of it) and must be the complete old or new record."""
    import threading

    store = FileTokenStore(tmp_path)
    old = response(access_token="OLD-" + "o" * 40, refresh_token="old-refresh-" + "o" * 20)
    new = response(access_token="NEW-" + "n" * 40, refresh_token="new-refresh-" + "n" * 20)
    store.save(old)
    seen: list[str] = []
    bad: list[str] = []

    def check(frame: object, event: str, arg: object) -> object:
        if event == "line":
            try:
                record = json.loads(store.path.read_bytes())
                access = record["token"]["access_token"]
            except Exception as exc:  # missing, empty, torn: what a kill here would leave
                bad.append(f"{frame.f_code.co_filename}:{frame.f_lineno} {type(exc).__name__}")  # type: ignore[attr-defined]
                return check
            seen.append(access[:3])
        return check

    sys.settrace(check)
    threading.settrace(check)
    try:
        store.save(new)
    finally:
        sys.settrace(None)
        threading.settrace(None)  # type: ignore[arg-type]
    assert len(seen) > 20, "the trace saw too few steps to prove anything"
    assert not bad, f"a kill at these lines would lose the token: {bad[:5]}"
    assert set(seen) == {"OLD", "NEW"} and seen[0] == "OLD" and seen[-1] == "NEW"
    assert "OLD" not in seen[seen.index("NEW"):]  # it flips once, never back
    assert store.load().access_token.startswith("NEW")  # type: ignore[union-attr]


secret_words = st.text(alphabet="GHIJKLMNOPQRSUVWXYZ", min_size=12, max_size=80)


@settings(max_examples=60, deadline=None)
@given(access=secret_words, refresh=secret_words, ident=secret_words)
def test_repr_never_shows_more_than_the_last_four(access: str, refresh: str, ident: str) -> None:
    tok = Token(access, refresh, ident, expires_at=12.0, scopes=frozenset({"openid"}))
    text = repr(tok) + str(tok) + repr(Secret(access))
    for secret in (access, refresh, ident):
        assert secret[-4:] in text
        for i in range(len(secret) - 7):
            window = secret[i:i + 8]
            assert window not in text or window in ("…" + secret[-4:])
