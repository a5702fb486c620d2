"""A fix's steps in the order the error's own words call for.

The client-credential finding lists the client id, the way it is sent and the redirect URI;
when Xero's words name the redirect URI ("unauthorized_client : Invalid redirect_uri"), that step
comes first.
"""

from __future__ import annotations

import re
from dataclasses import replace

from xero_nb.diagnose.findings import Finding
from xero_nb.diagnose.observation import Observation

_REDIRECT = re.compile(r"redirect[\s_-]?ur[il]", re.IGNORECASE)
_REDIRECT_STEP = "The redirect URI must match"


def redirect_first(findings: list[Finding], obs: Observation) -> list[Finding]:
    """Findings whose redirect-URI step leads when the error's words name the redirect URI."""
    said = " ".join((obs.body[:4000], *(v for _, v in obs.fields)))
    if not _REDIRECT.search(said):
        return findings
    out = []
    for f in findings:
        steps = [s for s in f.fix if s.startswith(_REDIRECT_STEP)]
        if f.code == "invalid_client" and steps:
            f = replace(f, fix=(*steps, *(s for s in f.fix if not s.startswith(_REDIRECT_STEP))))
        out.append(f)
    return out
