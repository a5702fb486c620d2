"""What Xero sells where: a custom connection (the client-credentials grant, one organisation,
no user) can be bought only for organisations in Australia, New Zealand, the UK and the US
(Xero's custom-integration FAQ; docs/xero-facts.md, grant types). Elsewhere the app has to be
a standard OAuth 2.0 app."""

from __future__ import annotations

from xero_nb.diagnose.context import Context
from xero_nb.diagnose.findings import Finding
from xero_nb.diagnose.observation import Observation
from xero_nb.diagnose.rules import evidence_of

CUSTOM_CONNECTION_COUNTRIES = ("AU", "NZ", "UK", "US")
_NAMES = {"AU": "Australia", "NZ": "New Zealand", "UK": "the UK", "US": "the US"}


def offer_findings(obs: Observation, ctx: Context) -> list[Finding]:
    """A custom connection for an organisation in a country where Xero does not sell them."""
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
