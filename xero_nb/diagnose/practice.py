"""Practice Manager (XPM) and WorkflowMax calls: Xero APIs that its OpenAPI specs, so the catalog,
do not describe.

What is known (docs/xero-facts.md §2b and the Advanced tier's table): XPM's scopes are
``practicemanager.job``, ``.client`` (its client and client group endpoints), ``.staff`` and
``.time``, each with a ``.read`` that allows GETs only (Xero's 2026 scopes page); an app must
register as a partner (a security self-assessment) before it may ask for them; and from March 2026
the XPM API is on Xero's Advanced tier. Its URLs are
``https://api.xero.com/practicemanager/3.1/<resource>.api/<operation>``. The scope of XPM's other
resources (invoices, quotes, costs, leads...) is not on the page. ``workflowmax.read`` is seen in
developers' scope lists only [U].
"""

from __future__ import annotations

import re

from xero_nb.diagnose.findings import Finding
from xero_nb.diagnose.observation import Observation

XPM_URL = re.compile(r"api\.xero\.com/practicemanager/\d{1,2}(?:\.\d{1,2})?/"
                     r"(?P<resource>[A-Za-z]{2,20})\.api\b", re.IGNORECASE)
WFM_URL = re.compile(r"api\.xero\.com/workflowmax/", re.IGNORECASE)
RESOURCE_SCOPE = {"job": "practicemanager.job", "client": "practicemanager.client",
                  "clientgroup": "practicemanager.client", "staff": "practicemanager.staff",
                  "time": "practicemanager.time"}
SCOPE_PAGE = "Xero's 2026 scopes page"
REGISTER = ("An app may ask for Practice Manager scopes only once Xero has approved it as a partner (a "
            "security self-assessment): without that, the sign-in refuses them.")
TIER = ("From March 2026 the XPM API is on Xero's Advanced tier: check the app's tier at "
        "developer.xero.com (My Apps, the app, Plan).")


def practice_call(urls: tuple[str, ...], method: str | None) -> tuple[str, str | None] | None:
    """(resource, scope) of an XPM call among ``urls`` (scope None for a resource whose scope Xero's
    page does not name; the ``.read`` one when the method is GET), else None."""
    for url in urls:
        if (m := XPM_URL.search(url)) is not None:
            resource = m["resource"].lower()
            scope = RESOURCE_SCOPE.get(resource)
            if scope is not None and (method or "GET").upper() == "GET":
                scope += ".read"
            return resource, scope
    return None


def practice_note(url: str, method: str | None) -> str | None:
    """What to say of an XPM or WorkflowMax URL the catalog does not hold, else None."""
    call = practice_call((url,), method)
    if call is not None:
        resource, scope = call
        needs = (f"Xero's scopes page gives its {resource} endpoints `{scope}`" + (
            f" (or `{scope.removesuffix('.read')}`)" if scope.endswith(".read") else "")) if scope else (
            f"Xero's scopes page names no scope for its {resource} endpoints")
        return (f"{url[:120]!r} is a Practice Manager (XPM) call: Xero's OpenAPI specs, so the catalog, do "
                f"not describe XPM; {needs}; an app needs Xero's partner approval to ask for XPM scopes, and "
                "from March 2026 the XPM API is on the Advanced tier")
    if WFM_URL.search(url):
        return (f"{url[:120]!r} is a WorkflowMax call: Xero's OpenAPI specs, so the catalog, do not describe "
                "it; `workflowmax.read` is the scope developers' lists show (not on Xero's scopes page)")
    return None


def practice_findings(obs: Observation, urls: tuple[str, ...], method: str | None,
                      granted: frozenset[str] | None) -> list[Finding]:
    """A refused XPM call (401 or 403, or no status): the XPM scope the token lacks, else the
    Advanced tier. Nothing for any other call."""
    if obs.status not in (None, 401, 403):
        return []
    call = practice_call((*urls, obs.url or ""), method or obs.method)
    if call is None:
        return []
    resource, scope = call
    if scope is None:
        return [Finding("tier_gated", "The XPM API is on Xero's Advanced tier from March 2026 (the scope "
                        f"of its {resource} endpoints is not on Xero's scopes page)",
                        (f"a Practice Manager call ({resource}.api)",), (TIER, REGISTER), 0.45,
                        "the app's tier at developer.xero.com")]
    allowing = {scope, scope.removesuffix(".read")}
    if granted is not None and not granted & allowing:
        either = " / ".join(sorted(allowing))
        return [Finding("missing_scope", f"The token lacks `{scope}`, which Practice Manager's {resource} "
                        "endpoints need", (f"a Practice Manager call ({resource}.api)",
                                           f"the granted scopes hold none of {either}", SCOPE_PAGE),
                        (f"Add `{scope}` to the scopes your app requests, sign in again and consent, and "
                         "use the NEW token.", REGISTER), 0.92, f"the token's scopes against `{scope}`")]
    if granted is not None:  # the token holds the scope: Xero approved it; the tier is left
        return [Finding("tier_gated", "The XPM API is on Xero's Advanced tier from March 2026: the token "
                        f"holds `{sorted(granted & allowing)[0]}`, so the app's tier is what is left",
                        (f"a Practice Manager call ({resource}.api)", "the token holds the call's scope"),
                        (TIER,), 0.6, "the app's tier at developer.xero.com")]
    return [Finding("missing_scope", f"Probably the token lacks `{scope}`, which Practice Manager's "
                    f"{resource} endpoints need (the granted scopes were not given)",
                    (f"a Practice Manager call ({resource}.api)", SCOPE_PAGE),
                    (f"Check the token's scopes for `{scope}` (or `{scope.removesuffix('.read')}`); add it "
                     "to the scopes your app requests and sign in again.", REGISTER), 0.5,
                    "the token's scope claim"),
            Finding("tier_gated", "Or the app's tier: the XPM API is on Xero's Advanced tier from March 2026",
                    (f"a Practice Manager call ({resource}.api)",), (TIER,), 0.4,
                    "the app's tier at developer.xero.com")]
