"""Everything diagnose() may know besides the response, normalised once and never raising.

Tokens are read only for their scopes, expiry and whether a refresh token exists; the token
strings themselves are never kept.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from xero_nb.catalog.near import near_miss
from xero_nb.catalog.paths import GUID
from xero_nb.catalog.scopes import (
    DEPRECATED_BROAD,
    ERAS,
    GRANULAR_SCOPES,
    known_scopes,
    parse_scopes,
)
from xero_nb.diagnose.endpoint import Resolved, resolve_endpoint
from xero_nb.diagnose.observation import Observation
from xero_nb.diagnose.role import Role, read_role
from xero_nb.diagnose.token_facts import is_refresh, read_grant, read_token, token_problem
from xero_nb.errors import ScopeTextError
from xero_nb.models import Endpoint, Tenant
from xero_nb.redact import REDACTED, looks_secret

COUNTRY_ALIASES = {"GB": "UK", "GBR": "UK", "AUS": "AU", "NZL": "NZ", "USA": "US",
                   "AUSTRALIA": "AU", "NEW ZEALAND": "NZ", "NEWZEALAND": "NZ", "AOTEAROA": "NZ",
                   "UNITED KINGDOM": "UK", "GREAT BRITAIN": "UK", "BRITAIN": "UK", "ENGLAND": "UK",
                   "SCOTLAND": "UK", "WALES": "UK", "NORTHERN IRELAND": "UK",
                   "UNITED STATES": "US", "UNITED STATES OF AMERICA": "US", "AMERICA": "US"}
COUNTRIES = ("AU", "NZ", "UK", "US")  # the countries Xero's payroll APIs are told apart by
# Xero Organisation.Version values that name the country (AUONRAMP etc. are trial editions).
VERSION_COUNTRY = {"AU": "AU", "NZ": "NZ", "UK": "UK", "US": "US", "AUONRAMP": "AU",
                   "NZONRAMP": "NZ", "UKONRAMP": "UK", "USONRAMP": "US"}
PLAN_FEATURES = ("payroll", "projects", "expenses", "files", "assets")


@dataclass(frozen=True, slots=True)
class Context:
    """What is known around one failure; None always means "not known"."""

    endpoint: Endpoint | None
    candidates: tuple[Endpoint, ...]
    urls: tuple[str, ...]  # concrete request URLs known (endpoint=, url=, the response's request)
    endpoint_fact: str | None  # what would settle the endpoint when the one given could not be
    granted: frozenset[str] | None
    requested: frozenset[str] | None
    era: str | None  # as given
    era_guess: str | None  # inferred from the scope names when not given
    expires_at: float | None
    obtained_at: float | None
    has_refresh: bool | None
    connections: tuple[Tenant, ...] | None
    tenant_id: str | None
    country: str | None
    plan: Mapping[str, bool]
    role: Role | None
    now: float
    authorize: Callable[..., Any] | None
    client_id: str | None
    redirect_uri: str | None
    notes: tuple[str, ...]
    grant_type: str | None = None  # client_credentials: a custom connection (no tenant header)
    refreshing: bool = False  # the failing request was a refresh (grant_type=refresh_token)
    token_problem: str | None = None  # why the access token given cannot be one Xero accepts
    tenant_is_token: bool = False  # the xero-tenant-id given is shaped like a token (not kept)
    tenant_id_empty: bool = False  # tenant_id="" given: the call sent the header with no value
    method: str | None = None  # the failing call's method, as given or seen
    # an item of the requested list joined the names with "," or ";": sent so, Xero reads one
    # name it does not know (Xero wants them separated by spaces)
    requested_joined: bool = False

    @property
    def custom_connection(self) -> bool:
        """True when the token came from the client-credentials grant (a custom connection)."""
        return self.grant_type == "client_credentials"

    @property
    def era_for_checks(self) -> str:
        """The era to judge scopes in: given, else inferred, else mixed (counts either kind)."""
        return self.era or self.era_guess or "mixed"


# A scope's name as Xero writes them (accounting.contacts.read, offline_access, practicemanager.*),
# or a near miss of one (a list joined with ";", URL-encoded, a look-alike letter): a letter first,
# and no quotes, braces, brackets or "=" (a token response's JSON, "client_secret=...").
_SCOPE_SHAPE = re.compile(r"[^\W\d_][^\s\"'`{}\[\]=<>]{0,299}\Z")


def scope_values(value: Any) -> tuple[frozenset[str], int]:
    """The scope names in ``value`` (any form parse_scopes reads) and how many of its values were
    left out for not being shaped like one: a token, a secret, JSON given where scopes go (never
    shown, never kept). Raises what parse_scopes raises."""
    try:
        names = parse_scopes(value, strict=False)
    except ScopeTextError:
        if isinstance(value, str) and value.strip().startswith("{"):
            return frozenset(), 1  # a JSON object with no scope in it (a token's secrets): one value
        raise
    known = known_scopes()
    alien = {n for n in names if n not in known and (looks_secret(n) or not _SCOPE_SHAPE.match(n))}
    return frozenset(names - alien), len(alien)


def _scopes(value: Any, notes: list[str], what: str) -> frozenset[str] | None:
    if value is None:
        return None
    try:
        names, alien = scope_values(value)
    except Exception:  # unreadable scopes count as unknown
        notes.append(f"could not read the {what} scopes")
        return None
    try:
        if alien:
            notes.append(f"{alien} {what} value(s) not shaped like a scope name (a token, a secret "
                         "or JSON: not shown) were left out: were the token and the scopes swapped?")
            if not names:
                return None  # nothing of it was scopes: not known, rather than "none held"
        known = known_scopes()
        for name in sorted(n for n in names if n not in known)[:5]:
            note = near_miss(name, "'")
            hint = f"; {note}" if note else ""
            notes.append(f"{what} scope {name[:60]!r} is not a Xero scope{hint}")
    except Exception:  # the check is a courtesy: never let it stop the diagnosis
        pass
    return names


def guess_era(granted: frozenset[str] | None) -> str | None:
    """granular / mixed from the scope names a token holds (None: cannot tell).

    A token with broad scopes comes from an app created before 2 Mar 2026, and every such app
    holds the granular scopes too since March 2026: it is in the mixed era (§2b). Granular scopes
    alone tell nothing: older apps were assigned them too, with no opt-in (§2b), so such a token
    may be either era's (None: judged as mixed, which counts either kind).
    """
    if not granted:
        return None
    return "mixed" if granted & DEPRECATED_BROAD else None


ERA_JUDGED = frozenset({"missing_scope", "not_reconsented", "broad_scope_on_granular_app",
                        "restricted_scope", "tier_gated"})  # causes whose verdict turns on the era


def era_guess_note(ctx: Context, top_code: str) -> str | None:
    """A note saying the era was read from the token's scopes, when it was and the top cause
    turns on it: the user can correct it (``era=``, ``--era``) if the app is of another kind."""
    guess = ctx.era_guess
    if ctx.era is not None or guess is None or top_code not in ERA_JUDGED or not ctx.granted:
        return None
    kind = DEPRECATED_BROAD if guess == "mixed" else GRANULAR_SCOPES
    held = sorted(ctx.granted & kind)
    one = len(held) == 1
    shown = ", ".join(held[:2]) + (", ..." if len(held) > 2 else "")
    why = (f"{shown} {'is a broad scope' if one else 'are broad scopes'}: the app predates 2 Mar 2026"
           if guess == "mixed" else f"{shown} {'is' if one else 'are'} granular and no broad scope is held")
    return f"era taken as {guess} from the token's scopes ({why}); pass era= if the app is of another kind"


def _seen(obs: Observation, notes: list[str]) -> tuple[Any, ...] | None:
    """The /connections answer the paste shows, said in a note when it is used."""
    if obs.connections_seen is not None:
        notes.append(f"GET /connections in the paste answered {len(obs.connections_seen)} "
                     "connection(s): used as the token's connections")
    return obs.connections_seen


_JOINED = re.compile(r"[a-z_.]{4,60}[,;][a-z_.]{4,60}")  # "openid,profile" as one item of a list


def _connections(value: Any, notes: list[str]) -> tuple[Tenant, ...] | None:
    if value is None:
        return None
    out = []
    if isinstance(value, (str, Tenant)) or (isinstance(value, Mapping) and any(
            str(k).replace("_", "").lower() == "tenantid" for k in value)):
        value = [value]  # one connection (or one tenant id) given alone
    try:
        for row in value:
            if isinstance(row, Tenant):
                out.append(row)
            elif isinstance(row, Mapping):
                tenant = Tenant.from_connection(dict(row))
                if not tenant.tenant_id:  # not a /connections object: judging by it would mislead
                    notes.append("a connections row without a tenantId was left out (give GET "
                                 "/connections' objects, or the tenant ids)")
                    return None
                out.append(tenant)
            elif isinstance(row, str):
                out.append(Tenant(connection_id="", tenant_id=row, tenant_name=""))
            elif hasattr(row, "tenant_id"):
                out.append(Tenant("", str(row.tenant_id), str(getattr(row, "name", "") or "")))
            else:
                notes.append(f"a connections row that is not a connection ({type(row).__name__}) was "
                             "left out")
                return None
    except Exception:
        notes.append("could not read the connections list")
        return None
    return tuple(out)


def _organisation(org: Any) -> tuple[str | None, dict[str, bool]]:
    if org is None:
        return None, {}
    if isinstance(org, Mapping) and isinstance(org.get("Organisations"), list) and org["Organisations"]:
        org = org["Organisations"][0]
    get: Callable[[str], Any]
    if isinstance(org, Mapping):
        low = {str(k).lower(): v for k, v in org.items()}
        get = low.get
    elif isinstance(org, str):
        low = {"country": org}
        get = low.get
    else:
        def get(name: str) -> Any:
            return getattr(org, name, None)
    country = None
    for key in ("countrycode", "country_code", "country"):
        if isinstance(get(key), str) and get(key):
            country = str(get(key)).upper()
            break
    if country is None and isinstance(get("version"), str):
        country = VERSION_COUNTRY.get(str(get("version")).upper())
    country = country_code(country) if country else None
    plan: dict[str, bool] = {}
    for feature in PLAN_FEATURES:
        value = get(feature)
        if isinstance(value, bool):
            plan[feature] = value
    features = get("features") or get("plan")
    if isinstance(features, Mapping):
        plan.update({str(k).lower(): bool(v) for k, v in features.items() if str(k).lower() in PLAN_FEATURES})
    elif isinstance(features, (list, tuple, set, frozenset)):
        names = {str(f).lower() for f in features}
        plan.update({f: f in names for f in PLAN_FEATURES})
    return country, plan


def country_code(name: str) -> str:
    """AU, NZ, UK, US or another two-letter code from a code or a name as people write it
    ("Australia", "new zealand", "GBR", "en-GB"); "" when it names no country."""
    said = " ".join(name.replace("_", " ").replace(".", " ").split()).upper()
    if said in COUNTRY_ALIASES:
        return COUNTRY_ALIASES[said]
    if len(said) == 5 and said[2] in " -":  # a locale: en-GB, en_AU, au-AU
        said = said[3:]
    said = COUNTRY_ALIASES.get(said, said)
    if len(said) != 2 or not said.isalpha() or _PLACEHOLDER.match(said):
        return ""
    return said


# ISO 3166's codes kept for private use (AA, QM-QZ, XA-XZ, ZZ): a placeholder, no country.
_PLACEHOLDER = re.compile(r"AA|Q[M-Z]|X[A-Z]|ZZ")


def build_context(obs: Observation, *, endpoint: Any, granted: Any, requested: Any, token: Any,
                  connections: Any, era: Any, organisation: Any, user_role: Any, tenant_id: Any,
                  authorize: Any, client_id: Any, redirect_uri: Any, now: float,
                  grant_type: Any = None) -> Context:
    """Normalise diagnose()'s keyword arguments; anything unreadable becomes "not known"."""
    notes: list[str] = []
    try:
        grant = read_grant(grant_type)
        if grant_type is not None and grant is None:
            notes.append(f"grant_type {str(grant_type)[:30]!r} is not client_credentials or "
                         "authorization_code; ignored")
        grant = grant or read_grant(token) or read_grant(obs.grant_type)
    except Exception:  # an odd token object: the grant stays unknown
        grant = None
        notes.append("could not read the grant type")
    try:
        t_granted, t_requested, exp, obtained, refresh = read_token(token)
        bad_token = token_problem(token)
        if bad_token and t_granted is not None:  # a token Xero cannot accept grants nothing there
            notes.append("the token's own scope claim was not used: " + bad_token)
            t_granted = None
    except Exception:
        notes.append("could not read the token")
        t_granted, t_requested, exp, obtained, refresh = None, None, None, None, None
        bad_token = None
    have = _scopes(granted, notes, "granted")
    have = have if have is not None else t_granted if t_granted is not None else obs.token_scopes
    if have is not None and have is obs.token_scopes and obs.token_scopes_from:
        notes.append(f"granted scopes read from {obs.token_scopes_from}")
    want = _scopes(requested, notes, "requested")
    want = want if want is not None else t_requested
    exp = exp if exp is not None else obs.token_expires_at
    era_s = era.strip().lower() if isinstance(era, str) and era.strip().lower() in ERAS else None
    if era is not None and era_s is None:
        notes.append(f"era {str(era)[:20]!r} is not one of {', '.join(ERAS)}; ignored")
    guessed = guess_era(have)
    if guessed is None and era_s is None and "created_2026" in obs.markers:
        guessed = "granular"
        notes.append("era taken as granular: the text says the app was created after 2 Mar 2026 "
                     "(pass era= if not)")
    country, plan = _organisation(organisation)
    if country == "":
        notes.append("the organisation's country was not read (give AU, NZ, UK or US); ignored")
        country = None
    tid = tenant_id if isinstance(tenant_id, str) and tenant_id else obs.request_header("xero-tenant-id")
    # (a header the paste's redaction already masked held a secret: a token, not a tenant id)
    swapped = tid is not None and not GUID.match(tid.strip()) and (looks_secret(tid)
                                                                    or tid.strip() == REDACTED)
    if swapped:  # a token where the tenant id goes: never shown, and said as the cause
        tid = REDACTED
    try:
        found = resolve_endpoint(obs.method, obs.url, endpoint, country, obs.operation)
    except Exception:
        found = Resolved()
        notes.append("could not look the endpoint up in the catalog")
    notes += found.notes
    try:
        role = read_role(user_role, tid)
    except Exception:
        role = None
        notes.append("could not read the user role")
    if role is not None and role == Role():  # nothing of it was read
        notes.append(f"user_role {str(user_role)[:30]!r} is not a Xero role (standard, adviser, read only, "
                     "invoice only, cashbook, removed; reports, payroll admin, projects); ignored")
        role = None
    if bad_token and obs.status is not None and obs.status != 401:
        # (a 401 is what such a token gets: the expiry rules say so there)
        notes.append(f"the token given cannot be one Xero accepts: {bad_token}. Yet Xero answered "
                     f"{obs.status}, so the call that failed probably sent another token")
    if token is not None and bad_token is None and (t_granted, t_requested, exp, obtained, refresh) == (
            None, None, None, None, None):
        notes.append(f"the token given ({type(token).__name__}) could not be read: give the token "
                     "response (a dict), the access token (a JWT) or granted=; ignored")
    return Context(
        requested_joined=isinstance(requested, (list, tuple)) and any(
            isinstance(item, str) and _JOINED.search(item) is not None for item in requested),
        endpoint=found.endpoint, candidates=found.candidates, urls=found.urls, method=found.method,
        endpoint_fact=found.fact, granted=have, requested=want, era=era_s,
        era_guess=guessed, expires_at=exp, obtained_at=obtained, has_refresh=refresh,
        connections=_connections(connections if connections is not None else _seen(obs, notes), notes),
        tenant_id=(tid or "").strip() or None,
        country=country, plan=plan, role=role, now=now,
        authorize=authorize if callable(authorize) else None,
        client_id=client_id if isinstance(client_id, str) and client_id else None,
        redirect_uri=redirect_uri if isinstance(redirect_uri, str) and redirect_uri else None,
        notes=tuple(notes), grant_type=grant,
        refreshing=is_refresh(grant_type) or is_refresh(obs.grant_type) or (
            "refresh_call" in obs.markers and "no_refresh" not in obs.markers),
        token_problem=bad_token or obs.bearer_problem, tenant_is_token=swapped,
        tenant_id_empty=isinstance(tenant_id, str) and not tenant_id.strip(),
    )
