"""Answers that did not come from Xero: a proxy, a firewall or an API gateway in between (and
Xero's own webhook calls to the app, which no token or scope governs).

Xero's API answers in JSON (its problem bodies, §6); its sign-in pages are HTML on
login.xero.com. A 407, a Cloudflare block page, an AWS API Gateway or Azure API Management
refusal, or Xero's sign-in page where the API's JSON was expected all mean the call was stopped
or sent astray before Xero's API judged it: no scope, tenant or token fix applies. ``not_xero``
names which, with the first thing to do.
"""

from __future__ import annotations

import re

from xero_nb.diagnose.observation import Observation

_PROXY = re.compile(r"\bProxy[ -]Authentication[ -]Required\b|\bTunnel connection failed: 407\b|"
                    r"\bProxyError\b[^\n]{0,200}?\b407\b", re.IGNORECASE)
_CORS = re.compile(r"\bblocked\s++by\s++CORS\s++policy\b|\bAccess-Control-Allow-Origin\b[^\n]{0,80}?"
                   r"\b(?:missing|not\s++present)|\bCORS\s++(?:error|request\s++did\s++not\s++succeed)",
                   re.IGNORECASE)
_HTML = re.compile(r"<!DOCTYPE\s++html|<html\b", re.IGNORECASE)
_CLOUDFLARE = re.compile(r"\bcloudflare\b|\bcf-ray\b|\bAttention Required!", re.IGNORECASE)
_AWS = re.compile(r"\bx-amzn-(?:ErrorType|RequestId)\b|\bexecute-api\b", re.IGNORECASE)
_APIM = re.compile(r"\bOcp-Apim-[\w-]{1,40}|\bsubscription\s++key\b", re.IGNORECASE)
_SIGN_IN = re.compile(r"\blogin\.xero\.com\b|\bLog\s++in\s*+\|\s*+Xero\b|\bXero\s*+\|\s*+Log\s*+in\b",
                      re.IGNORECASE)
# Headers only Xero's API sends (its correlation id, its rate-limit counters).
_XERO_HEADERS = ("xero-", "x-rate-limit-problem", "x-daylimit", "x-minlimit", "x-appminlimit")
# The gateways' and firewalls' own refusals come with these statuses.
_REFUSALS = (401, 403, 429, 502, 503, 504)


def not_xero(obs: Observation) -> tuple[str, str] | None:
    """(title, first step) when what was seen is not an answer of Xero's API, else None."""
    text = obs.body[:200_000]
    server = (obs.header("Server") or "").lower()
    if obs.status == 407 or _PROXY.search(text):
        return ("A proxy between you and Xero asked for its own credentials (407): Xero never saw "
                "the call", "Give the HTTP client the proxy's address and credentials (HTTPS_PROXY="
                "http://user:password@proxy:port), or ask whoever runs the proxy.")
    if "webhook_signature" in obs.markers:  # Xero calling the app, not the app calling Xero
        return ("Xero's webhook check of your endpoint (intent to receive, the x-xero-signature HMAC): "
                "no access token or scope is involved",
                "Compute the HMAC-SHA256 of the raw request body (as received, before any parsing) with "
                "the webhook key from developer.xero.com, base64 it and compare it with the "
                "x-xero-signature header; answer 200 when it matches and 401 when it does not.")
    if "cors_blocked" in obs.markers or _CORS.search(text):
        return ("The browser blocked the call (CORS): Xero's API does not answer calls made from a "
                "web page", "Call Xero from your server (a backend or serverless function), never "
                "from browser JavaScript; the access token must not be in the page either.")
    if obs.detail or obs.title or obs.field("error") or obs.correlation_id or any(
            k.lower().startswith(_XERO_HEADERS) for k, _ in obs.headers):
        return None  # Xero's own JSON keys or headers: its answer
    html = _HTML.search(text[:5000]) is not None
    if obs.status in _REFUSALS and html and (server == "cloudflare" or _CLOUDFLARE.search(text)):
        return (f"Cloudflare answered {obs.status} (a firewall page, not Xero's JSON): the call was "
                "stopped before Xero", "Check what Cloudflare blocked (its Ray ID): the host called, "
                "your own site's firewall rules, or too many calls from one address; then retry.")
    if obs.status in _REFUSALS and (_AWS.search(text) or any(k.lower().startswith("x-amzn-")
                                                               for k, _ in obs.headers)):
        return (f"Your AWS API Gateway refused the call ({obs.status}) before it reached Xero",
                "Check the gateway's authorizer, IAM policy or API key for this route; Xero's own "
                "refusals are JSON with a Detail.")
    if obs.status in _REFUSALS and _APIM.search(text):
        return (f"Azure API Management refused the call ({obs.status}): its subscription key, not "
                "Xero", "Send the Ocp-Apim-Subscription-Key header (or query parameter) your API "
                "Management product expects; Xero's own refusals are JSON with a Detail.")
    if html and _SIGN_IN.search(text) and (obs.status is None or obs.status < 400):
        return ("The call got Xero's sign-in page (HTML), not the API's JSON",
                "Call https://api.xero.com/... with `Authorization: Bearer <access token>`; a "
                "browser URL, a followed redirect or a missing token ends on login.xero.com.")
    return None
