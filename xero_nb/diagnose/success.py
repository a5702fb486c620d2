"""Pastes that show no failure at all: a sign-in that worked (Xero redirected back with an
authorization code) or a token response (an access token came back). Users paste these while
hunting for the problem; the answer is that this step succeeded, not a guessed cause."""

from __future__ import annotations

import re

from xero_nb.diagnose.client_side import client_side
from xero_nb.diagnose.findings import Finding
from xero_nb.diagnose.observation import Observation

_TOKEN_RESPONSE = re.compile(r"""["']access_token["']\s*+:""")
_TOKEN_TYPE = re.compile(r"""["'](?:token_type|expires_in)["']\s*+:""")
_CODE_BACK = re.compile(r"[?&#]code=[^&#\s]")
_ERROR = re.compile(r"""[?&#]error=|["']error["']\s*+:""")


def success_finding(obs: Observation) -> Finding | None:
    """A finding that says the pasted step succeeded, or None when it shows a failure (an HTTP
    error status, an OAuth error) or is not one of these two shapes."""
    if obs.status is not None and not 200 <= obs.status < 300:
        return None
    text = " ".join(filter(None, (obs.url, obs.body)))
    if obs.oauth_error or _ERROR.search(text) or client_side("", text) is not None:
        return None  # (an OAuth library's own refusal beside the callback URL: it failed)
    if _TOKEN_RESPONSE.search(text) and _TOKEN_TYPE.search(text):
        what = "a successful token response: Xero issued an access token"
    elif _CODE_BACK.search(text):
        what = "a successful sign-in: Xero sent the app an authorization code"
    else:
        return None
    return Finding("unknown", f"Nothing failed here: this is {what}", (obs.summary(),),
                   ("If a later call fails, paste that call's response (status, headers and body).",
                    "To check what this sign-in granted, read the token's `scope` claim "
                    "(`xero-nb diagnose` reads a pasted access token's scopes)."), 0.9)
