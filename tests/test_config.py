"""Settings: explicit arguments, environment, .env, profiles; the simulator when nothing is set."""

from __future__ import annotations

from pathlib import Path

import pytest

from xero_nb.auth.config import Settings, read_env_file
from xero_nb.auth.tokens import Secret
from xero_nb.errors import ConfigError

SENTINEL = "sentinel-secret-0123456789-cfg"


def test_nothing_set_means_the_simulator_said_plainly(tmp_path: Path) -> None:
    s = Settings.from_env(environ={}, env_file=tmp_path / ".env", profiles_path=None)
    assert s.use_simulator and s.client_id is None and s.client_secret is None
    assert "simulator" in s.describe() and "not real Xero" in s.describe()


def test_environment_variables(tmp_path: Path) -> None:
    env = {"XERO_CLIENT_ID": "CID1", "XERO_CLIENT_SECRET": SENTINEL,
           "XERO_REDIRECT_URI": "http://localhost:9999/cb",
           "XERO_SCOPES": "openid, accounting.contacts.read  offline_access", "XERO_ERA": "granular"}
    s = Settings.from_env(environ=env, env_file=None, profiles_path=None)
    assert not s.use_simulator and s.client_id == "CID1"
    assert isinstance(s.client_secret, Secret) and s.client_secret.reveal() == SENTINEL
    assert s.redirect_uri == "http://localhost:9999/cb" and s.era == "granular"
    assert s.scopes == ("accounting.contacts.read", "offline_access", "openid")
    assert s.sources["client_id"] == "environment"
    assert "CID1" in s.describe() and SENTINEL not in s.describe()


def test_dotenv_file_fills_what_the_environment_does_not(tmp_path: Path) -> None:
    dotenv = tmp_path / ".env"
    dotenv.write_text(
        "# comment\nexport XERO_CLIENT_ID='FROMFILE'\nXERO_CLIENT_SECRET=\"" + SENTINEL + "\"\n"
        "XERO_SCOPES=openid accounting.settings.read # trailing comment\nOTHER=1\n")
    s = Settings.from_env(environ={"XERO_CLIENT_ID": "FROMENV"}, env_file=dotenv,
                          profiles_path=None)
    assert s.client_id == "FROMENV" and s.sources["client_id"] == "environment"
    assert s.client_secret is not None and s.client_secret.reveal() == SENTINEL
    assert s.scopes == ("accounting.settings.read", "openid")
    assert read_env_file(tmp_path / "missing.env") == {}


def test_explicit_arguments_win(tmp_path: Path) -> None:
    s = Settings.from_env(environ={"XERO_CLIENT_ID": "ENV"}, env_file=None, profiles_path=None,
                          client_id="ARG", scopes=["openid"])
    assert s.client_id == "ARG" and s.scopes == ("openid",) and s.sources["client_id"] == "argument"
    with pytest.raises(ConfigError, match="unknown settings"):
        Settings.from_env(environ={}, env_file=None, profiles_path=None, clientid="typo")


def test_named_profile_beats_environment_default_profile_does_not(tmp_path: Path) -> None:
    profiles = tmp_path / "profiles.toml"
    profiles.write_text('[profiles.default]\nclient_id = "DEF"\nera = "broad"\n'
                        '[profiles.clientb]\nclient_id = "B"\nredirect_uri = '
                        '"http://127.0.0.1:7000/callback"\nscopes = ["openid", "email"]\n')
    env = {"XERO_CLIENT_ID": "ENV"}
    named = Settings.from_env("clientb", environ=env, env_file=None, profiles_path=profiles)
    assert named.client_id == "B" and named.profile == "clientb" and named.scopes == ("email", "openid")
    default = Settings.from_env(environ=env, env_file=None, profiles_path=profiles)
    assert default.client_id == "ENV" and default.era == "broad" and default.profile == "default"
    via_env = Settings.from_env(environ={"XERO_PROFILE": "clientb"}, env_file=None,
                                profiles_path=profiles)
    assert via_env.profile == "clientb" and via_env.client_id == "B"


def test_bad_profiles_and_values_are_config_errors(tmp_path: Path) -> None:
    profiles = tmp_path / "profiles.toml"
    profiles.write_text('[profiles.x]\nclient_idd = "typo"\n')
    with pytest.raises(ConfigError, match="unknown keys"):
        Settings.from_env("x", environ={}, env_file=None, profiles_path=profiles)
    profiles.write_text("not = [toml")
    with pytest.raises(ConfigError, match="not valid TOML"):
        Settings.from_env("x", environ={}, env_file=None, profiles_path=profiles)
    with pytest.raises(ConfigError, match="era"):
        Settings(client_id="a", era="ancient")
    with pytest.raises(ConfigError, match="redirect URI"):
        Settings(client_id="a", redirect_uri="/callback")


def test_secret_never_shown() -> None:
    s = Settings(client_id="CID", client_secret=SENTINEL)
    for text in (repr(s), str(s), s.describe(), repr(s.client_secret), str([s])):
        assert SENTINEL not in text
    assert "client_secret=<set>" in repr(s)
    assert s.with_scopes("openid email").client_secret == s.client_secret


def test_grant_for_custom_connections(tmp_path: Path) -> None:
    env = {"XERO_CLIENT_ID": "CID2", "XERO_CLIENT_SECRET": SENTINEL, "XERO_GRANT": "client_credentials"}
    s = Settings.from_env(environ=env, env_file=None, profiles_path=None)
    assert s.grant == "client_credentials" and s.sources["grant"] == "environment"
    assert "custom connection" in s.describe()
    assert s.with_scopes("accounting.invoices.read").grant == "client_credentials"
    assert Settings.from_env(environ={}, env_file=None, profiles_path=None).grant == "authorization_code"
    with pytest.raises(ConfigError, match="client_credentials"):
        Settings.from_env(environ={**env, "XERO_GRANT": "password"}, env_file=None, profiles_path=None)


@pytest.mark.parametrize(("mode", "secret", "warns"), [
    (0o644, True, "read its client secret"),
    (0o640, True, "read its client secret"),
    (0o664, False, "change"),
    (0o606, False, "change"),
    (0o600, True, None),
    (0o644, False, None),
])
def test_a_profiles_file_others_can_read_or_change_is_warned_about(
        tmp_path: Path, mode: int, secret: bool, warns: str | None) -> None:
    import os
    import warnings

    from xero_nb.errors import XeroNbWarning

    profiles = tmp_path / "profiles.toml"
    profiles.write_text('[profiles.x]\nclient_id = "CID"\n'
                        + (f'client_secret = "{SENTINEL}"\n' if secret else ""))
    os.chmod(profiles, mode)
    if warns is None:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            Settings.from_env("x", environ={}, env_file=None, profiles_path=profiles)
        return
    with pytest.warns(XeroNbWarning, match=warns) as got:
        s = Settings.from_env("x", environ={}, env_file=None, profiles_path=profiles)
    assert s.client_id == "CID" and f"chmod 600 {profiles}" in str(got[0].message)
    assert SENTINEL not in str(got[0].message)


def test_files_that_are_not_utf8_or_nest_too_deeply_are_config_errors(tmp_path: Path) -> None:
    profiles = tmp_path / "profiles.toml"
    profiles.write_bytes(b'[profiles.x]\nclient_id = "\xff\xfe"\n')
    with pytest.raises(ConfigError, match="UTF-8"):
        Settings.from_env("x", environ={}, env_file=None, profiles_path=profiles)
    profiles.write_text("a = " + "[" * 100_000 + "]" * 100_000)
    with pytest.raises(ConfigError, match="nests too deeply"):
        Settings.from_env("x", environ={}, env_file=None, profiles_path=profiles)
    profiles.write_text('profiles = "not a table"')
    with pytest.raises(ConfigError, match="must be a table"):
        Settings.from_env("x", environ={}, env_file=None, profiles_path=profiles)
    dotenv = tmp_path / ".env"
    dotenv.write_bytes(b"XERO_CLIENT_ID=\xff\n")
    with pytest.raises(ConfigError, match="UTF-8"):
        read_env_file(dotenv)
    dotenv.write_bytes(b"\xef\xbb\xbfXERO_CLIENT_ID=CID\n")  # a BOM from an editor is fine
    assert read_env_file(dotenv) == {"XERO_CLIENT_ID": "CID"}
