"""Trial 16's sign-in defects, pinned against the simulator: custom connections send no sign-in
scopes and are told apart from apps that may not use the grant; named profiles must exist; JWT
times allow a clock's skew and blame the clock; revoke, complete() and the store lock fail with
what to do; the token store questions files it did not write; one warning for many unknown
scopes."""

from __future__ import annotations

import dataclasses
import json
import logging
import os
import stat
import tempfile
import threading
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import pytest

from xero_nb.auth import FileTokenStore, MemoryTokenStore, Settings, Token, verify_jwt
from xero_nb.auth.config import DEFAULT_SCOPES, ENV_KEYS
from xero_nb.auth.explain import explain_oauth_error
from xero_nb.auth.file_store import CorruptTokenStoreError
from xero_nb.auth.flow import XeroAuth
from xero_nb.auth.store import record_from
from xero_nb.errors import AuthError, ConfigError, TokenStoreError, XeroNbError, XeroNbWarning
from xero_nb.facts import XeroURLs
from xero_nb.http import Client, MockTransport, Request, Response
from xero_nb.simulator import XeroSimulator

REDIRECT = "http://localhost:8765/callback"
DOCS = Path(__file__).resolve().parents[1] / "docs" / "configuration.md"


@pytest.fixture
def sim() -> XeroSimulator:
    return XeroSimulator(limits=False)


def auth_for(sim: XeroSimulator, app: str = "web", *, skew: float = 0.0, grant: str | None = None,
             store: Any = None, **kw: Any) -> XeroAuth:
    """XeroAuth for a demo app; ``skew`` puts this machine's clock that far ahead of Xero's."""
    demo = sim.apps[app]
    extra = {"grant": grant} if grant else {}
    settings = Settings(client_id=demo.client_id, client_secret=demo.client_secret,
                        redirect_uri=REDIRECT, era=demo.era, **extra, **kw)

    def clock() -> float:
        return sim.clock() + skew

    return XeroAuth(settings, store=store or MemoryTokenStore(clock=clock),
                    transport=sim.transport(), clock=clock)


def consent(sim: XeroSimulator, url: str) -> str:
    with Client(transport=sim.transport(), follow_redirects=False, trust_env=False) as http:
        resp = http.get(url)
    assert resp.status_code in (302, 303), resp.text[:300]
    return str(resp.headers["location"])


def token_forms(sim: XeroSimulator) -> list[dict[str, list[str]]]:
    return [parse_qs(req.content.decode()) for req, _ in sim.calls
            if req.url.path.endswith("/connect/token")]


# -- 1. client credentials send no sign-in scopes ------------------------------------------------

def test_a_custom_connection_with_no_scopes_sends_none_and_gets_its_own(sim: XeroSimulator) -> None:
    auth = auth_for(sim, "custom", grant="client_credentials")
    assert auth.settings.scopes == ()
    tok = auth.client_credentials()
    [form] = token_forms(sim)
    assert form["grant_type"] == ["client_credentials"] and "scope" not in form
    assert tok.scopes == frozenset(sim.apps["custom"].scopes) and tok.requested == frozenset()
    sim.advance(1800)  # expired: renewed the same way, still without a scope
    again = auth.token()
    assert again.access_token != tok.access_token
    assert [("scope" in f) for f in token_forms(sim)] == [False, False]


def test_the_sign_in_defaults_are_never_a_custom_connections_scopes(sim: XeroSimulator) -> None:
    env = {"XERO_CLIENT_ID": sim.apps["custom"].client_id, "XERO_GRANT": "client_credentials"}
    settings = Settings.from_env(environ=env, env_file=None, profiles_path=None)
    assert settings.scopes == ()  # what the CLI passes to client_credentials()
    chosen = Settings.from_env(environ={**env, "XERO_SCOPES": "accounting.settings"},
                               env_file=None, profiles_path=None)
    assert chosen.scopes == ("accounting.settings",)
    # An app left on the authorization_code default asks for none with this grant either.
    plain = auth_for(sim, "custom")
    assert plain.settings.scopes == DEFAULT_SCOPES
    tok = plain.client_credentials()
    assert "scope" not in token_forms(sim)[-1] and "openid" not in tok.scopes


def test_sign_in_scopes_asked_for_by_name_are_dropped_with_a_warning(sim: XeroSimulator) -> None:
    auth = auth_for(sim, "custom", grant="client_credentials")
    with pytest.warns(XeroNbWarning, match=r"email offline_access openid: not sent; the "
                                           r"client_credentials grant signs no user in"):
        tok = auth.client_credentials(["openid", "email", "offline_access", "accounting.settings"])
    assert token_forms(sim)[-1]["scope"] == ["accounting.settings"]
    assert tok.scopes == {"accounting.settings"}


# -- 2. unauthorized_client from client_credentials is the grant, not a scope ---------------------

def test_client_credentials_on_a_web_app_says_it_is_not_a_custom_connection(
        sim: XeroSimulator) -> None:
    auth = auth_for(sim, "web", grant="client_credentials")
    with pytest.raises(AuthError) as info:
        auth.client_credentials()
    text = str(info.value)
    assert info.value.code == "unauthorized_client"
    assert "not a custom connection" in text and "only for custom connections" in text
    assert "marketplace.billing" in text and "sign_in()" in text
    assert "refused: " not in text and "drop those scopes" not in text
    assert sim.apps["web"].client_secret not in text  # type: ignore[operator]


def test_unauthorized_client_at_the_authorize_step_is_still_about_scopes() -> None:
    err = explain_oauth_error("unauthorized_client", "Invalid scope for client",
                              requested=["openid", "accounting.transactions"], era="granular",
                              stage="authorize")
    assert "accounting.transactions (broad scope" in str(err)
    assert "custom connection" not in str(err)


def test_invalid_scope_on_client_credentials_says_how_a_custom_connection_asks() -> None:
    err = explain_oauth_error("invalid_scope", "Client credentials scope validation failed",
                              requested=["accounting.invoices"], era="granular",
                              stage="client_credentials")
    assert err.code == "invalid_scope" and "accounting.invoices" in str(err)
    assert "set up with" in str(err) and "client_credentials() with no scopes" in str(err)


# -- 4. a named profile must exist; stray tables; the format is documented -----------------------

def profiles_file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "profiles.toml"
    path.write_text(text)
    path.chmod(0o600)
    return path


def test_a_mistyped_profile_is_a_config_error_not_the_simulator(tmp_path: Path) -> None:
    path = profiles_file(tmp_path, '[profiles.work]\nclient_id = "ABCDEF0123456789ABCDEF0123456789"\n')
    with pytest.raises(ConfigError) as info:
        Settings.from_env(profile="wrok", environ={}, env_file=None, profiles_path=path)
    text = str(info.value)
    assert isinstance(info.value, XeroNbError)
    assert "profile 'wrok'" in text and str(path) in text and "[profiles.wrok]" in text
    assert "'work'" in text  # what the file does have
    assert Settings.from_env(profile="work", environ={}, env_file=None,
                             profiles_path=path).client_id == "ABCDEF0123456789ABCDEF0123456789"


@pytest.mark.parametrize("how", ["argument", "XERO_PROFILE", "XeroAuth"])
def test_a_named_profile_with_no_profiles_file_is_a_config_error(tmp_path: Path, how: str) -> None:
    missing = tmp_path / "nowhere" / "profiles.toml"
    env = {"XERO_CLIENT_ID": "ENVAPP"}  # an app in the environment is no excuse either
    with pytest.raises(ConfigError) as info:
        if how == "argument":
            Settings.from_env(profile="work", environ=env, env_file=None, profiles_path=missing)
        elif how == "XERO_PROFILE":
            Settings.from_env(environ={**env, "XERO_PROFILE": "work"}, env_file=None,
                              profiles_path=missing)
        else:
            XeroAuth(profile="work", environ=env, env_file=None, profiles_path=missing)
    assert str(missing) in str(info.value) and "does not exist" in str(info.value)


def test_a_profile_named_with_an_explicit_client_id_only_names_the_store(tmp_path: Path) -> None:
    s = Settings.from_env(profile="client-b", environ={}, env_file=None,
                          profiles_path=tmp_path / "none.toml", client_id="CID")
    assert s.profile == "client-b" and s.client_id == "CID"
    default = Settings.from_env(profile="default", environ={}, env_file=None,
                                profiles_path=tmp_path / "none.toml")
    assert default.use_simulator  # "default" is the implicit profile: it may be absent


def test_tables_outside_profiles_are_warned_about(tmp_path: Path) -> None:
    path = profiles_file(tmp_path, '[default]\nclient_id = "A"\n[work]\nclient_id = "B"\n'
                                   '[profiles.ok]\nclient_id = "C"\n')
    with pytest.warns(XeroNbWarning, match=r"has \[default\], \[work\] outside \[profiles\], which "
                                           r"xero-nb ignores: write each profile as \[profiles.NAME\]"):
        s = Settings.from_env(profile="ok", environ={}, env_file=None, profiles_path=path)
    assert s.client_id == "C"
    with pytest.warns(XeroNbWarning, match="outside"), pytest.raises(ConfigError) as info:
        Settings.from_env(profile="work", environ={}, env_file=None, profiles_path=path)
    assert "[work] at the top level: write it as [profiles.work]" in str(info.value)


def test_a_well_formed_profiles_file_warns_about_nothing(tmp_path: Path) -> None:
    path = profiles_file(tmp_path, '[profiles.default]\nclient_id = "A"\n')
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert Settings.from_env(environ={}, env_file=None, profiles_path=path).client_id == "A"


def test_the_docs_describe_the_profiles_file_and_every_setting() -> None:
    text = DOCS.read_text(encoding="utf-8")
    assert "[profiles.default]" in text and "profiles.toml" in text
    for key, variable in ENV_KEYS.items():
        assert f"`{variable}`" in text and f"`{key}`" in text, key
    assert "`XERO_PROFILE`" in text


# -- 5. JWT times: the leeway, and the clock blamed when it disagrees ----------------------------

def signed_in(sim: XeroSimulator, skew: float) -> XeroAuth:
    auth = auth_for(sim, "web", skew=skew)
    auth.complete(consent(sim, auth.authorize_url(["openid", "offline_access",
                                                   "accounting.settings.read"])))
    return auth


def test_a_clock_two_seconds_slow_still_verifies(sim: XeroSimulator) -> None:
    views = signed_in(sim, -2).inspect()
    assert views["access"].verified and views["id"].verified, views


def test_verify_jwt_defaults_to_xeroauths_leeway(sim: XeroSimulator) -> None:
    auth = signed_in(sim, 0)
    tok, keys = auth.token(), auth.jwks()
    access, issued = tok.access_token, float(tok.claims()["nbf"])

    def slow() -> float:  # this machine's clock 30 s behind the issuer's when it issued the token
        return issued - 30

    assert verify_jwt(access, keys, clock=slow).verified
    strict = verify_jwt(access, keys, clock=slow, leeway=0)
    assert not strict.verified
    assert "nbf is 30 s ahead of this machine's clock (0 s allowed)" in strict.problems[0]
    assert "clock is likely behind the issuer's" in strict.problems[0]


def test_a_clock_minutes_behind_is_blamed_not_the_token(sim: XeroSimulator) -> None:
    view = signed_in(sim, -600).inspect()["access"]
    assert not view.verified
    assert "not valid yet" in view.problems[0] and "clock is likely behind" in view.problems[0]
    assert "by about 10 min, measured when the token arrived" in view.problems[0]


def test_a_clock_an_hour_ahead_is_blamed_and_token_does_not_refresh(sim: XeroSimulator) -> None:
    auth = signed_in(sim, 4020)
    tok = auth.token()
    view = auth.inspect()["access"]
    assert not view.verified
    problem = view.problems[0]
    assert "expired 37 min ago by this machine's clock" in problem
    assert "about 67 min ahead of the issuer's" in problem
    assert "clock is likely wrong, not the token" in problem
    assert auth.token() is tok and len(token_forms(sim)) == 1  # token() agrees: no refresh


def test_a_token_past_its_expiry_on_a_good_clock_says_refresh(sim: XeroSimulator) -> None:
    auth = signed_in(sim, 0)
    tok = auth.token()
    sim.advance(3600)
    view = auth.inspect(tok)["access"]
    assert view.problems == ("expired 30 min ago: refresh the token",)


# -- 8. revoke when Xero cannot be reached -------------------------------------------------------

@pytest.mark.parametrize("how", ["dropped", "unreachable"])
def test_revoke_that_cannot_reach_xero_is_an_auth_error_and_keeps_the_token(
        sim: XeroSimulator, how: str) -> None:
    auth = signed_in(sim, 0)
    tok = auth.token()
    if how == "dropped":
        sim.faults.add("drop", route="/connect/revocation")
    else:  # a host the simulator does not serve: a ConnectError, as with no network
        auth.urls = dataclasses.replace(auth.urls, revocation="https://nowhere.invalid/revoke")
    with pytest.raises(AuthError) as info:
        auth.revoke()
    text = str(info.value)
    assert info.value.code == "revoke_failed" and "token is kept" in text
    assert "revocation endpoint unreachable" in text and "revoke() again" in text
    assert tok.refresh_token not in text  # type: ignore[operator]
    assert auth.store.load() == tok and auth.token() == tok
    sim.faults.clear()
    auth.urls = XeroURLs.xero()
    auth.revoke()  # the network is back: now it goes
    assert auth.store.load() is None and auth.store.state().cleared_reason == "revoked"


# -- 9. complete() refuses bad pastes without using up the sign-in --------------------------------

def test_a_doubled_state_is_refused_and_the_genuine_redirect_still_works(
        sim: XeroSimulator) -> None:
    auth = auth_for(sim, "web")
    genuine = consent(sim, auth.authorize_url(["openid", "accounting.settings.read"]))
    code = parse_qs(genuine.split("?", 1)[1])["code"][0]
    for doubled in (genuine + "&state=other", genuine.replace("?", "?state=other&"),
                    genuine + "&code=another"):
        with pytest.raises(AuthError) as info:
            auth.complete(doubled)
        assert info.value.code == "state_mismatch" and "more than once" in str(info.value)
        assert code not in str(info.value)
    assert token_forms(sim) == []  # no code was spent
    assert auth.complete(genuine).access_token


@pytest.mark.parametrize(("paste", "says"), [
    ("", "nothing was pasted"),
    ("   ", "nothing was pasted"),
    ("code=abc123def456", "the code alone"),
    ("3f1c0ab19d8e4c7a", "the code alone"),
    ("hello world, I clicked Allow", "not a redirect URL: its query has no code and no state"),
    ("http://localhost:8765/callback", "not a redirect URL"),
])
def test_a_paste_that_is_no_redirect_url_says_so_and_keeps_the_sign_in(
        sim: XeroSimulator, paste: str, says: str) -> None:
    auth = auth_for(sim, "web")
    genuine = consent(sim, auth.authorize_url(["openid"]))
    with pytest.raises(AuthError) as info:
        auth.complete(paste)
    assert info.value.code == "not_a_redirect_url" and says in str(info.value)
    assert f"it starts with {REDIRECT}?" in str(info.value)
    assert "still waiting" in str(info.value)
    assert auth.complete(genuine).access_token  # the sign-in was not used up


def test_a_code_after_a_hash_is_explained(sim: XeroSimulator) -> None:
    auth = auth_for(sim, "web")
    genuine = consent(sim, auth.authorize_url(["openid"]))
    with pytest.raises(AuthError, match=r"after '#', where Xero never puts them"):
        auth.complete(genuine.replace("?", "#"))
    assert auth.complete(genuine).access_token


def test_a_paste_with_no_sign_in_waiting_says_to_start_one(sim: XeroSimulator) -> None:
    with pytest.raises(AuthError, match=r"no sign-in is waiting here: start one with sign_in\(\)"):
        auth_for(sim, "web").complete("not a url")


# -- 10. a client id that is not ASCII -----------------------------------------------------------

def test_a_non_ascii_client_id_is_a_config_error_before_any_request() -> None:
    sent: list[Request] = []

    def record(request: Request) -> Response:
        sent.append(request)
        return Response(500)

    with pytest.raises(ConfigError) as info:
        XeroAuth(client_id="ÄÖÜ-clíent-😀", client_secret="x", grant="client_credentials",
                 env_file=None, profiles_path=None, environ={}, transport=MockTransport(record))
    text = str(info.value)
    assert "U+00C4 LATIN CAPITAL LETTER A WITH DIAERESIS" in text and "position 1" in text
    assert "Xero client ids are 32 hex characters" in text and sent == []
    with pytest.raises(ConfigError, match="control character"):
        Settings(client_id="ABCDEF\x00")
    assert Settings(client_id="ABCDEF0123456789ABCDEF0123456789").client_id


# -- 11. the token store questions files it did not write -----------------------------------------

def good_record(sim: XeroSimulator) -> dict[str, Any]:
    """What FileTokenStore writes for one of the simulator's tokens."""
    store = MemoryTokenStore()
    store.save(sim.issue_token(scopes=["openid", "offline_access"]))
    return record_from(store.state())


def write(path: Path, text: str, mode: int = 0o600) -> None:
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    path.write_text(text)
    path.chmod(mode)


def test_another_tools_token_file_is_warned_about_then_moved_aside(
        sim: XeroSimulator, tmp_path: Path) -> None:
    store = FileTokenStore(tmp_path / "tokens", clock=lambda: 1_800_000_000.0)
    foreign = json.dumps({"access_token": "ey" + "A" * 40, "refresh_token": "b" * 64,
                          "expires_in": 1800, "token_type": "Bearer", "scope": ["openid"]})
    write(store.path, foreign)
    with pytest.warns(XeroNbWarning, match=r"is no xero-nb token record \(another tool's token "
                                           r"file\?\): it reads as not signed in") as got:
        assert store.load() is None
    assert "b" * 64 not in str(got[0].message) and store.path.read_text() == foreign
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert store.load() is None  # said once for this file
    with pytest.warns(XeroNbWarning, match="moved it aside"):
        store.save(Token.from_response(good_record(sim)["token"]))
    [aside] = store.path.parent.glob("default.json.corrupt-*")
    assert aside.read_text() == foreign and store.load() is not None


def test_a_store_from_a_newer_xero_nb_is_read_with_a_warning(sim: XeroSimulator,
                                                             tmp_path: Path) -> None:
    store = FileTokenStore(tmp_path / "tokens")
    write(store.path, json.dumps({**good_record(sim), "version": 99, "future_field": [1]}))
    with pytest.warns(XeroNbWarning, match=r"written by a newer xero-nb \(format 99; this one "
                                           r"knows 1\)"):
        tok = store.load()
    assert tok is not None and tok.refresh_token


def test_a_version_that_is_no_number_is_a_corrupt_store(sim: XeroSimulator, tmp_path: Path) -> None:
    store = FileTokenStore(tmp_path / "tokens")
    write(store.path, json.dumps({**good_record(sim), "version": "2"}))
    with pytest.raises(CorruptTokenStoreError, match="version is not a number"):
        store.load()


def test_a_token_file_others_can_read_is_made_private(sim: XeroSimulator, tmp_path: Path,
                                                      caplog: pytest.LogCaptureFixture) -> None:
    store = FileTokenStore(tmp_path / "tokens")
    write(store.path, json.dumps(good_record(sim)), mode=0o644)
    with caplog.at_level(logging.WARNING, logger="xero_nb.auth.store"):
        assert store.load() is not None
    assert stat.S_IMODE(store.path.stat().st_mode) == 0o600
    assert f"token store {store.path} was open to other users (mode 644): made it 600" in caplog.text


# -- 12. a .env others can read, holding the client secret ---------------------------------------

@pytest.fixture
def open_folder() -> Iterator[Path]:
    """A folder other users can enter (pytest's own folders are private, 0700)."""
    with tempfile.TemporaryDirectory(prefix="xero-nb-trial16-") as name:
        folder = Path(name)
        folder.chmod(0o755)
        if not all(os.stat(p).st_mode & 0o011 for p in folder.parents):
            pytest.skip("the system temp folder is private: nothing to expose")
        yield folder


@pytest.mark.parametrize(("mode", "secret", "warns"), [
    (0o644, True, "read its client secret in the .env file"),
    (0o604, True, "read its client secret in the .env file"),
    (0o666, False, "change the .env file"),
    (0o600, True, None),
    (0o644, False, None),
])
def test_a_dotenv_with_the_secret_that_others_can_read_is_warned_about(
        open_folder: Path, mode: int, secret: bool, warns: str | None) -> None:
    dotenv = open_folder / ".env"
    dotenv.write_text("XERO_CLIENT_ID=CID\n" + ("XERO_CLIENT_SECRET=dotenv-secret-0123456789\n"
                                                 if secret else ""))
    dotenv.chmod(mode)
    if warns is None:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            assert Settings.from_env(environ={}, env_file=dotenv, profiles_path=None).client_id
        return
    with pytest.warns(XeroNbWarning, match=warns) as got:
        Settings.from_env(environ={}, env_file=dotenv, profiles_path=None)
    assert f"`chmod 600 {dotenv}` closes it" in str(got[0].message)
    assert "dotenv-secret" not in str(got[0].message)


def test_a_dotenv_in_a_private_folder_is_not_exposed(tmp_path: Path) -> None:
    folder = tmp_path / "project"
    folder.mkdir(mode=0o700)
    dotenv = folder / ".env"
    dotenv.write_text("XERO_CLIENT_ID=CID\nXERO_CLIENT_SECRET=dotenv-secret-0123456789\n")
    dotenv.chmod(0o644)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert Settings.from_env(environ={}, env_file=dotenv, profiles_path=None).client_secret


# -- 13. a store lock held elsewhere ---------------------------------------------------------------

def test_a_held_file_lock_is_waited_for_aloud_then_named(tmp_path: Path,
                                                         caplog: pytest.LogCaptureFixture) -> None:
    holder = FileTokenStore(tmp_path / "tokens", profile="web")
    waiter = FileTokenStore(tmp_path / "tokens", profile="web")  # another kernel, as it were
    lock_path = f"{holder.path}.lock"
    with (holder.lock(), caplog.at_level(logging.WARNING, logger="xero_nb.auth.store"),
          pytest.raises(TokenStoreError) as info, waiter.lock(timeout=0.01)):
        pass
    text = str(info.value)
    assert f"token store lock {lock_path} not acquired within 0.01s" in text
    assert "another kernel or process" in text and f"delete {lock_path}" in text
    assert f"waiting up to 0.01s for the token store lock {lock_path}" in caplog.text
    with waiter.lock():  # released: free again
        pass


def test_a_lock_tried_without_waiting_logs_nothing(tmp_path: Path,
                                                   caplog: pytest.LogCaptureFixture) -> None:
    holder = FileTokenStore(tmp_path, profile="web")
    waiter = FileTokenStore(tmp_path, profile="web")
    with (holder.lock(), caplog.at_level(logging.DEBUG, logger="xero_nb.auth.store"),
          pytest.raises(TokenStoreError, match="not acquired within 0s"), waiter.lock(timeout=0)):
        pass
    assert "waiting" not in caplog.text


def test_a_memory_store_lock_held_by_another_thread_says_so() -> None:
    store = MemoryTokenStore("client-b")
    held, done = threading.Event(), threading.Event()

    def hold() -> None:
        with store.lock():
            held.set()
            done.wait(5)

    thread = threading.Thread(target=hold)
    thread.start()
    try:
        held.wait(5)
        with pytest.raises(TokenStoreError) as info, store.lock(timeout=0):
            pass
    finally:
        done.set()
        thread.join()
    assert "the token store lock of profile 'client-b'" in str(info.value)
    assert "another thread of this kernel holds it" in str(info.value)


# -- 15. many unknown scopes: one warning --------------------------------------------------------

def test_thousands_of_unknown_scopes_make_one_warning(sim: XeroSimulator) -> None:
    auth = auth_for(sim, "web")
    names = ["openid"] + [f"accounting.x{i}.read" for i in range(3000)]
    with warnings.catch_warnings(record=True) as got:
        warnings.simplefilter("always")
        auth.authorize_url(names)
    [only] = [str(w.message) for w in got if issubclass(w.category, XeroNbWarning)]
    assert only.startswith("3,000 scopes are not scopes Xero knows (the first: accounting.x0.read, "
                           "accounting.x1.read, accounting.x10.read, ...)")
    assert only.endswith("Xero answers invalid_scope")


def test_a_few_unknown_scopes_are_warned_about_one_by_one(sim: XeroSimulator) -> None:
    auth = auth_for(sim, "web")
    with warnings.catch_warnings(record=True) as got:
        warnings.simplefilter("always")
        auth.authorize_url(["openid", "accounting.invoice.read", "accounting.contact.read"])
    said = sorted(str(w.message) for w in got if issubclass(w.category, XeroNbWarning))
    assert len(said) == 2
    assert said[0].startswith("accounting.contact.read: not a scope Xero knows (did you mean")
    assert said[1].startswith("accounting.invoice.read: not a scope Xero knows (did you mean")


def test_a_redirect_uri_with_a_fragment_is_refused_before_anything_is_sent() -> None:
    from xero_nb.auth import Settings, XeroAuth
    from xero_nb.errors import ConfigError

    with pytest.raises(ConfigError, match=r"cannot hold a fragment .*400 Invalid redirect_uri"):
        Settings(client_id="A" * 32, redirect_uri="http://127.0.0.1:8765/callback#frag")
    auth = XeroAuth(Settings(client_id="A" * 32))
    with pytest.raises(ConfigError, match="cannot hold a fragment"):
        auth.authorize_url(["accounting.settings.read"], redirect_uri="http://127.0.0.1:9999/callback#x")
    assert "http%3A%2F%2F127.0.0.1%3A9999%2Fcallback" in auth.authorize_url(
        ["accounting.settings.read"], redirect_uri="http://127.0.0.1:9999/callback")
