"""A fix's steps in the order the error's own words call for.

The client-credential finding lists the client id, the way it is sent and the redirect URI;
when Xero's words name the redirect URI ("unauthorized_client : Invalid redirect_uri"), that step
comes first.
"""

from __future__ import annotations

import re
from dataclasses import replace
from urllib.parse import unquote

from xero_nb.diagnose.findings import Finding
from xero_nb.diagnose.observation import Observation

_REDIRECT = re.compile(r"redirect[\s_-]?ur[il]", re.IGNORECASE)
_REDIRECT_STEP = "The redirect URI must match"
_INVALID_REDIRECT = re.compile(r"\binvalid[\s_]redirect[\s_-]?ur[il]\b|\bredirect[\s_-]?ur[il]\b[^.\n]{0,30}?"
                               r"\b(?:mismatch|does\s*+n[o']?t\s++match|not\s++registered|invalid)\b",
                               re.IGNORECASE)
_SENT_REDIRECT = re.compile(r"[?&]redirect_uri=([^&\s\"'<>]{1,600})")


def redirect_first(findings: list[Finding], obs: Observation) -> list[Finding]:
    """Findings whose redirect-URI step leads when the error's words name the redirect URI; when
    Xero's words say the redirect URI is invalid, the finding is about it alone (the URI sent,
    read from the authorize URL in the paste, named)."""
    said = " ".join((obs.body[:4000], *(v for _, v in obs.fields)))
    if not _REDIRECT.search(said):
        return findings
    refused = _INVALID_REDIRECT.search(said) is not None
    sent = _SENT_REDIRECT.search(said)
    uri = unquote(sent.group(1))[:200] if sent else None
    out = []
    for f in findings:
        steps = [s for s in f.fix if s.startswith(_REDIRECT_STEP)]
        if f.code == "invalid_client" and steps and refused:
            f = replace(f, title="Xero refused the redirect URI: it is not one registered for the app",
                        fix=(*steps, (f"Register {uri} " if uri else "Register the redirect URI sent ")
                             + "at developer.xero.com (My Apps, the app, Configuration, Redirect URIs), "
                             "or send one already registered there."))
        elif f.code == "invalid_client" and steps:
            f = replace(f, fix=(*steps, *(s for s in f.fix if not s.startswith(_REDIRECT_STEP))))
        out.append(f)
    return out
