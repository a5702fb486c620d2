"""Which Xero app to sign in with: explicit arguments, the environment, ``.env``, or a profile.

Precedence, highest first: explicit arguments; a profile named explicitly; ``XERO_*`` environment
variables; a ``.env`` file in the working folder; the ``default`` profile. With no client id
anywhere, ``use_simulator`` is True and ``describe()`` says so plainly.

>>> Settings.from_env(environ={}, env_file=None, profiles_path=None).use_simulator
True
"""

from __future__ import annotations

import dataclasses
import os
import stat
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from xero_nb.auth.tokens import Secret
from xero_nb.catalog.scopes import ERAS, parse_scopes
from xero_nb.errors import ConfigError, warn_user

DEFAULT_REDIRECT_URI = "http://127.0.0.1:8765/callback"
DEFAULT_SCOPES = ("openid", "profile", "email", "accounting.settings.read")
ENV_KEYS = {
    "client_id": "XERO_CLIENT_ID",
    "client_secret": "XERO_CLIENT_SECRET",
    "redirect_uri": "XERO_REDIRECT_URI",
    "scopes": "XERO_SCOPES",
    "era": "XERO_ERA",
    "grant": "XERO_GRANT",
}
GRANTS = ("authorization_code", "client_credentials")
PROFILE_ENV = "XERO_PROFILE"
FIELDS = tuple(ENV_KEYS)


def read_env_file(path: str | os.PathLike[str]) -> dict[str, str]:
    """``KEY=value`` lines of a .env file (``export``, quotes and ``#`` comments allowed)."""
    out: dict[str, str] = {}
    try:
        lines = Path(path).read_text(encoding="utf-8-sig").splitlines()
    except FileNotFoundError:
        return out
    except UnicodeDecodeError:
        raise ConfigError(f"{path} is not UTF-8 text: save it as UTF-8") from None
    for raw in lines:
        line = raw.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, _, value = line.removeprefix("export ").partition("=")
        value = value.strip()
        if value[:1] in ("'", '"') and value.endswith(value[0]) and len(value) >= 2:
            value = value[1:-1]
        elif " #" in value:
            value = value.split(" #", 1)[0].rstrip()
        out[key.strip()] = value
    return out


def default_profiles_path() -> Path:
    """``profiles.toml`` in platformdirs' user config dir."""
    import platformdirs

    return Path(platformdirs.user_config_dir("xero-nb", appauthor=False)) / "profiles.toml"


def read_profile(name: str, path: str | os.PathLike[str] | None) -> dict[str, Any]:
    """The ``[profiles.<name>]`` table of a profiles file ({} when absent)."""
    if path is None or not Path(path).exists():
        return {}
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8-sig"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"profiles file {path} is not valid TOML: {exc}") from None
    except UnicodeDecodeError:
        raise ConfigError(f"profiles file {path} is not UTF-8 text: save it as UTF-8") from None
    except RecursionError:
        raise ConfigError(f"profiles file {path} nests too deeply to be a profiles file") from None
    profiles = data.get("profiles", {})
    if not isinstance(profiles, dict):
        raise ConfigError(f"[profiles] in {path} must be a table")
    _check_private(Path(path), any(isinstance(t, dict) and t.get("client_secret")
                                   for t in profiles.values()))
    table = profiles.get(name, {})
    if not isinstance(table, dict):
        raise ConfigError(f"profile {name!r} in {path} must be a table")
    unknown = sorted(set(table) - set(FIELDS))
    if unknown:
        raise ConfigError(f"profile {name!r} has unknown keys {unknown}; known: {list(FIELDS)}")
    return table


def _check_private(path: Path, holds_secret: bool) -> None:
    """Warn when others can change the profiles file, or read it while it holds a secret."""
    if os.name != "posix":
        return
    mode = stat.S_IMODE(path.stat().st_mode)
    writable, readable = mode & 0o022, mode & 0o044
    if writable or (readable and holds_secret):
        what = "change" if writable else "read its client secret in"
        warn_user(f"other users can {what} the profiles file {path} (mode {mode:o}); "
                  f"`chmod 600 {path}` closes it")


def _scopes(value: Any) -> tuple[str, ...]:
    return tuple(sorted(parse_scopes(value, strict=False)))


@dataclass(frozen=True, slots=True)
class Settings:
    """One Xero app's sign-in settings; the client secret is a ``Secret`` and never shown."""

    client_id: str | None = None
    client_secret: Secret | None = field(default=None, repr=False)
    redirect_uri: str = DEFAULT_REDIRECT_URI
    scopes: tuple[str, ...] = DEFAULT_SCOPES
    profile: str = "default"
    era: str | None = None
    sources: Mapping[str, str] = field(default_factory=dict, compare=False)
    grant: str = "authorization_code"  # "client_credentials" for a custom connection

    def __post_init__(self) -> None:
        secret: Any = self.client_secret
        if isinstance(secret, str):
            object.__setattr__(self, "client_secret", Secret(secret) if secret else None)
        if not isinstance(self.scopes, tuple) or isinstance(self.scopes, str):
            object.__setattr__(self, "scopes", _scopes(self.scopes))
        if self.era is not None and self.era not in ERAS:
            raise ConfigError(f"era must be one of {', '.join(ERAS)}, not {self.era!r}")
        if self.grant not in GRANTS:
            raise ConfigError(f"grant (XERO_GRANT) must be one of {', '.join(GRANTS)}, not "
                              f"{self.grant!r}: client_credentials is for custom connections")
        parts = urlsplit(self.redirect_uri)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ConfigError(f"redirect URI must be an absolute http(s) URL: {self.redirect_uri!r}")

    @property
    def use_simulator(self) -> bool:
        """True when no client id is configured: notebooks and the CLI use the simulator."""
        return not self.client_id

    @classmethod
    def from_env(
        cls,
        profile: str | None = None,
        env_file: str | os.PathLike[str] | None = ".env",
        *,
        environ: Mapping[str, str] | None = None,
        profiles_path: str | os.PathLike[str] | bool | None = True,
        **explicit: Any,
    ) -> Settings:
        """Settings from explicit keyword arguments, a named profile, the environment, ``.env``."""
        env = dict(os.environ if environ is None else environ)
        dotenv = read_env_file(env_file) if env_file else {}
        named = profile or env.get(PROFILE_ENV) or dotenv.get(PROFILE_ENV) or "default"
        ppath = default_profiles_path() if profiles_path is True else profiles_path or None
        table = read_profile(named, ppath)
        bad = sorted(set(explicit) - set(FIELDS))
        if bad:
            raise ConfigError(f"unknown settings {bad}; known: {list(FIELDS)}")
        layers: list[tuple[str, Mapping[str, Any]]] = [("argument", explicit)]
        env_layers = [("environment", _from_env(env)), (f"{env_file}", _from_env(dotenv))]
        prof_layer = (f"profile {named!r}", table)
        # A profile the caller names beats the environment; the implicit default does not.
        layers += [prof_layer, *env_layers] if profile else [*env_layers, prof_layer]
        values: dict[str, Any] = {}
        sources: dict[str, str] = {}
        for key in FIELDS:
            for where, layer in layers:
                if layer.get(key) not in (None, ""):
                    values[key] = layer[key]
                    sources[key] = where
                    break
        if "scopes" in values:
            values["scopes"] = _scopes(values["scopes"])
        return cls(profile=named, sources=sources, **values)

    def describe(self) -> str:
        """One plain line: which app, from where; or that the simulator is in use."""
        if self.use_simulator:
            return ("No Xero client id set (XERO_CLIENT_ID, .env or a profile): "
                    "using the built-in Xero simulator, not real Xero.")
        where = self.sources.get("client_id", "argument")
        secret = "with a client secret" if self.client_secret else "PKCE, no client secret"
        if self.grant == "client_credentials":
            secret = "custom connection (client credentials)"
        return f"Xero app {self.client_id} (from {where}), {secret}, profile {self.profile!r}."

    def with_scopes(self, scopes: Iterable[str] | str) -> Settings:
        """A copy asking for other scopes."""
        return dataclasses.replace(self, scopes=_scopes(scopes))

    def __repr__(self) -> str:
        secret = "set" if self.client_secret else "none"
        return (f"Settings(client_id={self.client_id!r}, client_secret=<{secret}>, "
                f"redirect_uri={self.redirect_uri!r}, scopes={list(self.scopes)!r}, "
                f"profile={self.profile!r}, era={self.era!r}, grant={self.grant!r})")

    __str__ = __repr__


def _from_env(env: Mapping[str, str]) -> dict[str, str]:
    return {key: env[name] for key, name in ENV_KEYS.items() if env.get(name)}
