"""Errors an OAuth library raises on the caller's side, before or instead of any answer from Xero.

oauthlib (under requests-oauthlib, pyxero, authlib's requests client) raises these with a class
default ``status_code`` of 400 although no request failed at Xero: the status is not read from
them, and the finding says what to change on the caller's side.
"""

from __future__ import annotations

import re

# oauthlib's error name -> (what happened, the first step of the fix)
CLIENT_SIDE: dict[str, tuple[str, str]] = {
    "insecure_transport": (
        "oauthlib refused to send the request: OAuth 2 needs https, and the URL is http",
        "Use the https URL; only for a local test server (such as the simulator) set "
        "OAUTHLIB_INSECURE_TRANSPORT=1 in that process."),
    "missing_token": (
        "The token endpoint's answer held no access_token (oauthlib's MissingTokenError): "
        "what came back was not a token",
        "Look at the token endpoint's raw answer: an OAuth error (invalid_grant, invalid_client) "
        "or an HTML page (a wrong URL or a proxy) came back instead; diagnose that answer."),
    "mismatching_state": (
        "The state in the redirect is not the one this sign-in sent (the OAuth library's CSRF check: "
        "oauthlib, openid-client): the app lost its sign-in state, Xero sent nothing wrong",
        "Start the sign-in again in the same session; never reload or reuse an old redirect URL. If it "
        "keeps happening, the state is lost between the two requests: a session cookie not sent back "
        "(SameSite, another host or port for the callback), or several app instances without a shared "
        "session store."),
    "missing_argument": (
        "The SDK method was called without an argument it requires (Python's TypeError): no request "
        "was sent to Xero",
        "Pass every argument the method requires; the tenant id (xero_tenant_id) is a tenantId "
        "from GET /connections."),
}
_CLASSES = {"InsecureTransportError": "insecure_transport", "MissingTokenError": "missing_token",
            "MismatchingStateError": "mismatching_state"}
_NAMED = re.compile(r"\((insecure_transport|missing_token|mismatching_state)\)|\b(" + "|".join(_CLASSES)
                    + r")\b")
# openid-client's (under xero-node) own check of the state: "RPError: state mismatch, expected ..."
_STATE_MISMATCH = re.compile(r"\bstate[^\S\n]{1,3}mismatch\b|\bchecks\.state\b", re.IGNORECASE)
# Python's own refusal of a call that lacks an argument, before any request is made
_MISSING_ARGUMENT = re.compile(r"\bTypeError:[^\S\n]{0,3}[\w.]{1,80}\(\)[^\S\n]{1,3}missing"
                               r"[^\S\n]{1,3}\d{1,2}[^\S\n]{1,3}required[^\S\n]{1,3}(?:positional|keyword-only)[^\S\n]{1,3}argument")


# oauthlib's Warning when the token's scopes are not the ones asked for (parameters.py,
# validate_token_parameters): old first, new second, each a space-separated scope string.
_SCOPE_CHANGED = re.compile(r'scope\s++has\s++changed\s++from\s++"([^"\n]{0,4000})"'
                            r'\s++to\s++"([^"\n]{0,4000})"', re.IGNORECASE)


def scope_change(text: str) -> tuple[tuple[str, ...], tuple[str, ...]] | None:
    """(scopes asked for, scopes granted) from oauthlib's "Scope has changed from ... to ..."."""
    m = _SCOPE_CHANGED.search(text[:200_000])
    return (tuple(m.group(1).split()), tuple(m.group(2).split())) if m else None


def client_side_error(error: object) -> str | None:
    """The client-side error name an object or a field value carries, if it is one of these."""
    return error if isinstance(error, str) and error in CLIENT_SIDE else None


def client_side(error: str, body: str) -> tuple[str, str] | None:
    """(title, first fix step) when what was seen (the OAuth ``error`` field, the body) is an
    OAuth library's own refusal."""
    name = client_side_error(error.lower())
    if name is None:
        m = _NAMED.search(body[:4000])
        if m is not None:
            name = m.group(1) or _CLASSES[m.group(2)]
        elif _MISSING_ARGUMENT.search(body[:4000]):
            name = "missing_argument"
        elif _STATE_MISMATCH.search(body[:4000]):
            name = "mismatching_state"
    return CLIENT_SIDE[name] if name else None
