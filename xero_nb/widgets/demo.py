"""The simulator's demo apps as the panels use them: settings, scopes, automatic consent."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from xero_nb.auth.config import Settings

# What the quickstart signs in with: enough to list orgs and contacts, not to read invoices,
# so the first blocked call and its fix are one click away.
DEMO_SCOPES = ("openid", "profile", "email", "offline_access", "accounting.settings.read",
               "accounting.contacts.read")
SIMULATOR_REDIRECT = "http://localhost:8765/callback"


def demo_settings(demo: Any, scopes: Iterable[str] | None = None) -> tuple[Settings, str]:
    """Settings for one simulator demo app, and its grant (custom connections: client_credentials)."""
    grant = "client_credentials" if demo.kind == "custom" else "authorization_code"
    # A custom connection asks for (a subset of) the scopes it was set up with.
    default = sorted(demo.scopes) if grant == "client_credentials" else DEMO_SCOPES
    redirect = next((u for u in demo.redirect_uris if u.startswith("http://localhost")),
                    SIMULATOR_REDIRECT)
    settings = Settings(client_id=demo.client_id, client_secret=demo.client_secret,
                        redirect_uri=redirect, scopes=tuple(scopes or default), era=demo.era)
    return settings, grant


def simulated_consent(auth: Any, transport: Any, scopes: list[str]) -> Any:
    """The simulator's consent (auto-approved) through the in-process transport -> Token."""
    from xero_nb.http import Client

    url = auth.authorize_url(scopes=scopes)
    with Client(transport=transport, follow_redirects=False) as http:
        answer = http.get(url)
    location = answer.headers.get("location", "")
    if answer.status_code not in (302, 303) or not location:
        raise RuntimeError(f"the simulator's authorize page answered {answer.status_code}")
    # An error redirect (refused scope) makes complete() raise Xero's explained error.
    return auth.complete(location)
