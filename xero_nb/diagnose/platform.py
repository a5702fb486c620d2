"""The fix in the words of a no-code platform's user: reconnect, pick the organisation, ask the vendor.

Whoever runs Xero through n8n, Make, Zapier, Power Automate, Fivetran and the like cannot send a
header or change the scopes in code: the platform's connector does that. Their steps are in the
platform's own screens (reconnect the Xero connection, choose the organisation, set the scopes
where the platform lets them), and what only the vendor can change is said to be the vendor's.
The ranking is touched once: a platform's own Xero connector sends the xero-tenant-id itself,
so "the header was not sent" is unlikely there unless the words say so (``connector_sends_tenant``).
"""

from __future__ import annotations

import re
from dataclasses import replace

from xero_nb.diagnose.findings import Finding

# (name, how it is written): the platform named in the app's description or in its error text.
# n8n's "Xero node" is n8n's own, not the xero-node SDK.
PLATFORMS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (name, re.compile(rx, re.IGNORECASE)) for name, rx in (
        ("n8n", r"\bn8n\b|\bNodeApiError\b"),
        # (Make names the failing module: "(Xero - Search Invoices, module 3)")
        ("Make", r"\bmake\.com\b|\bintegromat\b|(?-i:\bMake)\s++(?:scenario|module)s?+\b|"
                 r"\(\s*+xero\s++-\s++[^,()\n]{1,60},\s++module\s++\d{1,4}\s*+\)"),
        ("Zapier", r"\bzapier\b|\bzap\s++(?:history|run)\b"),
        ("Power Automate", r"\bpower\s*+automate\b|\bmicrosoft\s++flow\b"),
        ("Power BI", r"\bpower\s*+bi\b"),
        ("Fivetran", r"\bfivetran\b"),
        ("Airbyte", r"\bairbyte\b"),
        ("Pipedream", r"\bpipedream\b"),
        ("Activepieces", r"\bactivepieces\b"),
        ("Workato", r"\bworkato\b"),
        ("Stitch", r"\bstitch\s*+data\b|\bstitch\s++integration\b"),
        ("Celigo", r"\bceligo\b"),
        ("Boomi", r"\bboomi\b"),
        ("Tray.io", r"\btray\.io\b"),
        ("Coupler.io", r"\bcoupler\.io\b"),
    ))


def _plain(name: str) -> str:
    return "".join(ch for ch in name.lower() if ch.isalnum())


# An app_type that is a platform's name alone, however written ("Make", "power-automate", "N8N").
BY_NAME = {_plain(name): name for name, _ in PLATFORMS} | {"makecom": "Make", "integromat": "Make",
                                                           "msflow": "Power Automate", "trayio": "Tray.io"}


def platform_of(app_type: object, text: str, own_code: bool = False) -> str | None:
    """The no-code platform the app's description (first) or the error's text names, else None.

    ``own_code``: the error is the user's own program's (an SDK's exception or a library's
    printout was read): a platform the text names in passing ("we moved off Zapier") is not where
    they act, so only the app's description counts then.
    """
    if isinstance(app_type, str) and (named := BY_NAME.get(_plain(app_type[:100]))) is not None:
        return named
    for said in (app_type if isinstance(app_type, str) else "", "" if own_code else text):
        head = said[:5000]
        found = next((name for name, rx in PLATFORMS if rx.search(head)), None)
        if found is not None:
            return found
    return None


_BACKTICKED = re.compile(r"`([a-z][a-z0-9_.]{2,80})`")


def scope_named(f: Finding) -> str | None:
    """The scope the finding's own steps name (`accounting.invoices.read`), if any."""
    for step in (f.title, *f.fix):
        m = _BACKTICKED.search(step)
        if m is not None and ("." in m.group(1) or m.group(1) == "offline_access"):
            return m.group(1)
    return None


def _steps(code: str, p: str, scope: str | None) -> tuple[str, ...] | None:
    """The platform user's steps for one cause; None keeps the finding's own steps."""
    reconnect = (f"In {p}, reconnect the Xero connection (credential) and choose this organisation "
                 "on Xero's consent screen; then pick that organisation in the step that failed.")
    vendor = (f"{p}'s connector sends the xero-tenant-id and the token itself: if it still fails "
              f"after reconnecting, report it to {p} with the Xero-Correlation-Id of the answer.")
    if code in ("tenant_not_connected", "connection_revoked"):
        return (reconnect, vendor)
    if code == "tenant_header_missing":
        return (reconnect, f"A generic HTTP request step in {p} (not its Xero connector) sends only "
                "the headers you give it: add `xero-tenant-id: <tenantId>` there (GET /connections "
                "lists the ids).", vendor)
    if code == "token_expired":
        return (f"{p} refreshes the token itself: run the step again; if the error repeats, its "
                f"refresh is failing: reconnect the Xero connection in {p} (sign in again).",)
    if code in ("missing_scope", "not_reconsented"):
        which = f"`{scope}`" if scope else "the scope the call needs"
        return (f"{p} asks Xero for the scopes its connector lists, at sign-in: reconnect the Xero "
                "connection so that a new consent grants what it asks for now (a token never gains "
                "scopes, even when refreshed).",
                f"If {p} lets you set the scopes (your own Xero app or OAuth2 credential), add {which} "
                f"there and reconnect; if it does not, ask {p} to request {which}.")
    if code == "invalid_grant":
        return (f"{p} refreshes the token itself: reconnect the Xero connection in {p} (sign in "
                "again). Each refresh replaces the refresh token, and one unused for 60 days lapses.",
                f"If it keeps happening, two workflows or copies may share one connection and "
                f"refresh it at once: give each its own connection, or report it to {p}.")
    if code == "invalid_client":
        return (f"In {p}'s Xero credential, enter the client id and secret of your Xero app exactly as "
                "developer.xero.com shows them (generate a new secret there if unsure), then "
                "reconnect.",)
    return None


# A platform's generic HTTP step (n8n's HTTP Request node, Webhooks by Zapier, Make's HTTP module,
# Power Automate's HTTP action, a custom connector, Power BI's Web connector) sends only the headers
# the user gives it.
GENERIC_STEP = re.compile(r"\bHTTP\s*+Request\b|\bwebhooks?\s++by\s++zapier\b|"
                          r"\bHTTP\s++(?:module|action|step|node)\b|\bcustom\s++connector\b|\bHTTP\s*+-\s*+Make\s++a\s++request\b|"
                          r"\bWeb\.Contents\b|\bWeb\s++connector\b|\bPower\s*+Query\b", re.IGNORECASE)
# Platforms with no Xero connector of their own: every call is a generic web request (Power BI).
NO_CONNECTOR = frozenset({"Power BI"})
EXPLICIT = 0.85  # a tenant-header finding this strong rests on words or headers that say it


def connector_sends_tenant(findings: list[Finding], platform: str | None, text: str) -> list[Finding]:
    """Findings with "the xero-tenant-id was not sent" weighed down (below the lost connection)
    when a platform's own Xero connector made the call: it sends the header itself. Unchanged when
    no platform is named, a generic HTTP step is, or the finding rests on what says it outright."""
    if platform is None or platform in NO_CONNECTOR or GENERIC_STEP.search(text[:5000]):
        return findings
    out = [replace(f, weight=min(f.weight, 0.35)) if f.code == "tenant_header_missing" and f.weight < EXPLICIT
           else f for f in findings]
    return sorted(out, key=lambda f: -f.weight)  # (stable: ties keep their order)


def for_platform(findings: list[Finding], platform: str | None) -> list[Finding]:
    """Findings whose steps are said for the platform's user (``platform`` None: unchanged)."""
    if platform is None:
        return findings
    out = []
    for f in findings:
        steps = _steps(f.code, platform, scope_named(f))
        if f.code == "rate_limited":
            steps = (f"Run the {platform} workflow less often or over fewer records: every call it "
                     "makes counts against the organisation's limits (60 a minute; 5,000 a day, "
                     "1,000 on Xero's Starter tier).",
                     *f.fix)
        out.append(replace(f, fix=steps) if steps is not None else f)
    return out
