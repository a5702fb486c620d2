"""Which Xero app to sign in with: explicit arguments, the environment, ``.env``, or a profile.

Precedence, highest first: explicit arguments; a profile named explicitly; ``XERO_*`` environment
variables; a ``.env`` file in the working folder; the ``default`` profile. With no client id
anywhere, ``use_simulator`` is True and ``describe()`` says so plainly; a profile named (by
argument or ``XERO_PROFILE``) that the profiles file lacks is a ConfigError, never the simulator.
The profiles file's format is in docs/configuration.md.

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
from xero_nb.errors import ConfigError, non_ascii, warn_user

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
    """``KEY=value`` lines of a .env file (``export``, quotes and ``#`` comments allowed).

    A file holding ``XERO_CLIENT_SECRET`` that other users can reach and read is warned about, as
    one they can change is (the profiles file gets the same check).
    """
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
    if _reachable_by_others(Path(path)):
        _check_private(Path(path), bool(out.get(ENV_KEYS["client_secret"])), "the .env file")
    return out


def default_profiles_path() -> Path:
    """``profiles.toml`` in platformdirs' user config dir."""
    import platformdirs

    return Path(platformdirs.user_config_dir("xero-nb", appauthor=False)) / "profiles.toml"


def read_profile(name: str, path: str | os.PathLike[str] | None, *,
                 required: bool = False) -> dict[str, Any]:
    """The ``[profiles.<name>]`` table of a profiles file ({} when absent; ConfigError when
    ``required``: a profile the user named). Tables outside ``[profiles]`` are warned about."""
    if path is None or not Path(path).exists():
        if required:
            raise _missing_profile(name, path, [])
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
    tables = [*profiles.values(), *(v for k, v in data.items() if k != "profiles")]
    _check_private(Path(path), any(isinstance(t, dict) and t.get("client_secret") for t in tables),
                   "the profiles file")
    _warn_outside_profiles(Path(path), data)
    if required and name not in profiles:
        raise _missing_profile(name, path, sorted(profiles), stray=name in data)
    table = profiles.get(name, {})
    if not isinstance(table, dict):
        raise ConfigError(f"profile {name!r} in {path} must be a table")
    unknown = sorted(set(table) - set(FIELDS))
    if unknown:
        raise ConfigError(f"profile {name!r} has unknown keys {unknown}; known: {list(FIELDS)}")
    return table


def _missing_profile(name: str, path: str | os.PathLike[str] | None, known: list[str],
                     stray: bool = False) -> ConfigError:
    where = f"{path}" if path is not None else "no profiles file (profiles_path=None)"
    has = (f" (it has [{name}] at the top level: write it as [profiles.{name}])" if stray
           else f" (it has {', '.join(repr(k) for k in known[:10])})" if known
           else " (the file does not exist)" if path is not None and not Path(path).exists() else "")
    return ConfigError(
        f"profile {name!r} has no Xero client id: there is no [profiles.{name}] table in {where}"
        f"{has}. Add one with client_id = \"...\" (and client_secret for a web app), or set "
        f"XERO_CLIENT_ID and name no profile; naming no profile and no client id uses the offline "
        f"simulator (the format: docs/configuration.md)")


def _warn_outside_profiles(path: Path, data: Mapping[str, Any]) -> None:
    """Warn about top-level tables and keys a profiles file has besides [profiles]: they are
    ignored (``[work]`` instead of ``[profiles.work]`` is the usual slip)."""
    stray = sorted(k for k in data if k != "profiles")
    if not stray:
        return
    shown = ", ".join(f"[{k}]" if isinstance(data[k], dict) else k for k in stray[:5])
    more = f" and {len(stray) - 5} more" if len(stray) > 5 else ""
    example = next((k for k in stray if isinstance(data[k], dict)), "NAME")
    warn_user(f"the profiles file {path} has {shown}{more} outside [profiles], which xero-nb "
              f"ignores: write each profile as [profiles.NAME] (e.g. [profiles.{example}])")


def _reachable_by_others(path: Path) -> bool:
    """True when a user other than the owner could open ``path``: every folder above it lets
    group or others through. A file in a private folder (0700, a 0750 home) is not exposed,
    whatever its own mode."""
    if os.name != "posix":
        return False
    try:
        folders = [os.stat(p).st_mode for p in path.resolve().parents]
    except OSError:
        return True
    return all(mode & 0o011 for mode in folders)


def _check_private(path: Path, holds_secret: bool, what: str = "the profiles file") -> None:
    """Warn when others can change ``path``, or read it while it holds a client secret."""
    if os.name != "posix":
        return
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
    except OSError:
        return
    writable, readable = mode & 0o022, mode & 0o044
    if writable or (readable and holds_secret):
        verb = "change" if writable else "read its client secret in"
        warn_user(f"other users can {verb} {what} {path} (mode {mode:o}); "
                  f"`chmod 600 {path}` closes it")


def _scopes(value: Any) -> tuple[str, ...]:
    return tuple(sorted(parse_scopes(value, strict=False)))


def check_redirect_uri(uri: str) -> str:
    """``uri`` when it can be an OAuth redirect URI, else a ConfigError saying why."""
    parts = urlsplit(uri)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(f"redirect URI must be an absolute http(s) URL: {uri!r}")
    if "#" in uri:  # RFC 6749 §3.1.2; the code would come back after the '#', never to the server
        raise ConfigError(f"a redirect URI cannot hold a fragment ('#...'): {uri!r}; Xero refuses it "
                          "(400 Invalid redirect_uri): register and use it without the '#' part")
    return uri


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
        odd = non_ascii(self.client_id, "the client id") if isinstance(self.client_id, str) else None
        if odd:  # it could not even be sent: HTTP Basic auth is ASCII
            raise ConfigError(f"{odd}: Xero client ids are 32 hex characters (0-9, A-F); copy it "
                              f"again from developer.xero.com (My Apps, the app, Configuration)")
        if self.grant == "client_credentials" and self.scopes == DEFAULT_SCOPES:
            # The sign-in defaults (openid, profile, email) cannot be a custom connection's: with
            # no scopes configured, client_credentials asks for none (Xero grants the connection's).
            object.__setattr__(self, "scopes", ())
        if self.era is not None and self.era not in ERAS:
            raise ConfigError(f"era must be one of {', '.join(ERAS)}, not {self.era!r}")
        if self.grant not in GRANTS:
            raise ConfigError(f"grant (XERO_GRANT) must be one of {', '.join(GRANTS)}, not "
                              f"{self.grant!r}: client_credentials is for custom connections")
        check_redirect_uri(self.redirect_uri)

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
        # A profile the user named must exist: a typo must not fall through to the environment's
        # app or the simulator. An explicit client_id makes the name only the token store's.
        required = named != "default" and not explicit.get("client_id")
        table = read_profile(named, ppath, required=required)
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
