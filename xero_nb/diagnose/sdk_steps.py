"""The refresh step said in the words of the SDK that printed the error.

A token_expired finding tells the user to refresh; whoever pasted a xero-python, pyxero or
xero-node error refreshes with that SDK's own call, not with xero-nb's ``XeroAuth``.
"""

from __future__ import annotations

import re
from dataclasses import replace

from xero_nb.diagnose.context import Context
from xero_nb.diagnose.findings import Finding
from xero_nb.diagnose.observation import Observation

REFRESH: dict[str, str] = {
    "xero-python": "xero-python: api_client.refresh_oauth2_token(), with the client id, secret "
                   "and refresh token in its OAuth2Token; then save the new token",
    "pyxero": "pyxero: credentials.refresh() on the OAuth2Credentials; then save credentials.token",
    "xero-node": "xero-node: await xero.refreshToken() (or refreshWithRefreshToken(clientId, "
                 "clientSecret, refreshToken)); then store the new token set",
    "requests-oauthlib": "requests-oauthlib: an OAuth2Session given auto_refresh_url="
                         "https://identity.xero.com/connect/token and a token_updater refreshes by "
                         "itself, or call session.refresh_token(...)",
    "authlib": "authlib: an OAuth2Session or OAuth2Client given token_endpoint="
               "https://identity.xero.com/connect/token (and update_token to save it) refreshes by "
               "itself, or call client.refresh_token(...)",
    "xero-nb": "with the refresh token: POST https://identity.xero.com/connect/token, "
               "grant_type=refresh_token; xero-nb's XeroAuth.token() does it before expiry",
}
# pyxero's exception classes (xero/exceptions.py): no other library names its classes so
PYXERO_CLASSES = frozenset({
    "XeroException", "XeroBadRequest", "XeroUnauthorized", "XeroForbidden", "XeroNotFound",
    "XeroRateLimitExceeded", "XeroInternalError", "XeroNotImplemented", "XeroNotAvailable",
    "XeroExceptionUnknown", "XeroTenantIdNotSet",
})


def sdk_of(obs: Observation) -> str:
    """Which SDK printed or raised the error, when it shows: else xero-nb's own client."""
    if obs.library in REFRESH:
        return obs.library
    agent = (obs.request_header("User-Agent") or "").lower()
    if agent.startswith("xero-python"):
        return "xero-python"
    if obs.sdk_class in PYXERO_CLASSES:
        return "pyxero"
    if agent.startswith("xero-node"):
        return "xero-node"
    return "xero-nb"


def expiry_steps(obs: Observation, ctx: Context) -> tuple[str, ...]:
    """Refresh (the SDK's own call) and retry; and what to do when no refresh token is held. When
    the scopes given prove there is none (no offline_access), signing in again comes first."""
    refresh = f"Refresh the access token ({REFRESH[sdk_of(obs)]}) and retry."
    if ctx.custom_connection:  # no user signs in and no refresh token comes: a new token is asked for
        return ("Ask for a new token with the client_credentials grant (POST "
                "https://identity.xero.com/connect/token, grant_type=client_credentials, the custom "
                "connection's id and secret) and retry: a custom connection has no refresh token and no "
                "sign-in.", "Ask for the next one before this one's 30 minutes are up.")
    if ctx.granted is not None and "offline_access" not in ctx.granted:
        return ("The token was issued without offline_access, so there is no refresh token: sign in "
                "again. Add offline_access to the scopes the app requests, so that the next token comes "
                "with a refresh token.",
                f"From then on, refresh before each expiry ({REFRESH[sdk_of(obs)]}).")
    if ctx.granted is not None and "offline_access" in ctx.granted:
        return refresh, ("The token was issued with offline_access, so a refresh token came with "
                         "it: use the one stored after the last refresh (each refresh returns a new "
                         "one).")
    return refresh, ("If the token was issued without offline_access there is no refresh token: "
                     "sign in again.")


# How each SDK sends the client credentials: the user cannot choose Basic auth or the form body.
CLIENT_STEPS: dict[str, str] = {
    "xero-python": "xero-python sends them itself (in the form body): check the client_id and "
                   "client_secret given to its OAuth2Token.",
    "pyxero": "pyxero sends them itself: check the client_id and client_secret given to "
              "OAuth2Credentials.",
    "xero-node": "xero-node sends them itself: check the clientId and clientSecret given to "
                 "new XeroClient({...}).",
    "authlib": "authlib sends them as its token_endpoint_auth_method says (client_secret_basic, HTTP "
               "Basic, by default; Xero takes that or client_secret_post): check the client_id and "
               "client_secret given to the OAuth2Session / OAuth2Client.",
}
# A further step for the SDK that printed the error, after its client-credential step.
# xero-python's Configuration (metaclass TypeWithDefault) returns a copy of the first one made in
# the process, whatever is passed: a secret corrected in a new one is never sent.
CLIENT_AFTER: dict[str, str] = {
    "xero-python": "If you corrected them in a new Configuration(oauth2_token=OAuth2Token(...)), "
                   "xero-python still uses the first Configuration made in this process (a "
                   "notebook kernel keeps it): set api_client.configuration.oauth2_token = "
                   "OAuth2Token(client_id=..., client_secret=...) or restart the kernel.",
}
_BASIC_STEP = "Send them as HTTP Basic auth"


# How each SDK sends the tenant id: its users set it there, not as a raw header.
TENANT_STEPS: dict[str, str] = {
    "pyxero": "pyxero sends the header from its credentials: call credentials.set_default_tenant() "
              "(the first organisation) or set credentials.tenant_id = credentials.get_tenants()[i]"
              "['tenantId'] before the call.",
    "xero-python": "xero-python sends it from the first argument of each call: pass xero_tenant_id, a "
                   "tenantId from IdentityApi(api_client).get_connections().",
    "xero-node": "xero-node sends it from the first argument of each call: await xero.updateTenants(), "
                 "then pass xero.tenants[i].tenantId.",
}
_TENANT_STEP = "Send `xero-tenant-id"


def in_sdk_terms(findings: list[Finding], obs: Observation) -> list[Finding]:
    """Findings whose client-credential and tenant steps are said for the SDK that printed the error."""
    sdk = sdk_of(obs)
    tenant = TENANT_STEPS.get(sdk)
    if tenant is not None:
        findings = [replace(f, fix=tuple(tenant if s.startswith(_TENANT_STEP) else s for s in f.fix))
                    if f.code == "tenant_header_missing" else f for f in findings]
    step = CLIENT_STEPS.get(sdk)
    if step is None:
        return findings
    # (the stale-Configuration step is for a wrong secret: unauthorized_client is the app's kind, a
    # grant it is not enabled for, which no corrected secret changes)
    wrong_kind = (obs.oauth_error or "") == "unauthorized_client"
    after = (CLIENT_AFTER[sdk],) if sdk in CLIENT_AFTER and not wrong_kind else ()
    return [replace(f, fix=(*(step if s.startswith(_BASIC_STEP) else s for s in f.fix), *after))
            if f.code == "invalid_client" else f for f in findings]


# axios (under xero-node) names the status and keeps Xero's answer apart: String(err),
# err.message and JSON.stringify(err) print "Request failed with status code 400" and no body.
_AXIOS = re.compile(r"\bAxiosError\b|\bRequest failed with status code [1-5]\d\d\b")


def axios_note(obs: Observation) -> str | None:
    """What to print instead, when the error is axios's own text without Xero's answer."""
    if obs.detail or obs.title or obs.field("error") or not _AXIOS.search(obs.body[:20_000]):
        return None
    return ("axios (which xero-node uses) keeps Xero's answer in err.response.data and "
            "err.response.headers; String(err), err.message and JSON.stringify(err) leave it out: "
            "print those and diagnose them")
