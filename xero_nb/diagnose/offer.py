"""What Xero sells where, and what a custom connection is. A custom connection (the
client-credentials grant, one organisation, no user) can be bought only for organisations in
Australia, New Zealand, the UK and the US (Xero's custom-integration FAQ; docs/xero-facts.md,
grant types); elsewhere the app has to be a standard OAuth 2.0 app. It gets no refresh token:
its access token lasts 30 minutes and a new one comes from the client-credentials grant."""

from __future__ import annotations

from xero_nb.diagnose.context import Context
from xero_nb.diagnose.findings import Finding
from xero_nb.diagnose.observation import Observation
from xero_nb.diagnose.rules import evidence_of

CUSTOM_CONNECTION_COUNTRIES = ("AU", "NZ", "UK", "US")
_NAMES = {"AU": "Australia", "NZ": "New Zealand", "UK": "the UK", "US": "the US"}


def offer_findings(obs: Observation, ctx: Context) -> list[Finding]:
    """A custom connection for an organisation in a country where Xero does not sell them; a
    custom connection said to have expired."""
    return _country(obs, ctx) + _custom_expiry(obs, ctx)


def _custom_expiry(obs: Observation, ctx: Context) -> list[Finding]:
    """A custom connection gets no refresh token: "the connection expired" is its 30-minute
    access token, and the cure is a new token from the client-credentials grant."""
    words = obs.markers & {"refresh_refused", "expired_words", "reconnect", "invalid_grant"}
    if not ctx.custom_connection or not words or obs.oauth_error or obs.status == 429:
        return []
    return [Finding("token_expired", "A custom connection's access token lapsed (it lasts 30 minutes, "
                    "and a custom connection gets no refresh token)",
                    (*evidence_of(obs), "grant: client_credentials (a custom connection)",
                     "the wording: expired or reconnect"),
                    ("Request a new access token with the client credentials grant (client id and "
                     "secret) whenever the old one is near its 30 minutes; there is no refresh token "
                     "to use.",), 0.8)]


def _country(obs: Observation, ctx: Context) -> list[Finding]:
    country = ctx.country
    if not ctx.custom_connection or not country or country in CUSTOM_CONNECTION_COUNTRIES:
        return []
    if obs.status is not None and obs.status < 400:
        return []  # the call did not fail
    where = ", ".join(_NAMES[c] for c in CUSTOM_CONNECTION_COUNTRIES[:-1]) + " and " + _NAMES["US"]
    return [Finding("feature_not_in_plan", f"Custom connections are sold only for organisations in "
                    f"{where}; this organisation is in {country}",
                    (*evidence_of(obs), f"organisation country: {country}",
                     "grant: client_credentials (a custom connection)"),
                    ("Connect this organisation with a standard OAuth 2.0 app (the authorization "
                     "code grant, with PKCE for a public client) instead of a custom connection.",),
                    0.85)]
