"""The steps of a scope fix for the client_credentials grant: a custom connection (no user signs
in, no token refreshes) and App Store billing (marketplace.billing).

A custom connection (the client_credentials grant) serves one organisation; its scopes are the
ones ticked on the connection at developer.xero.com, and each token request gets a new token with
them (§3, §4). "Sign in again and consent" and "refresh" do not apply: the steps say what does.
"""

from __future__ import annotations

from dataclasses import replace

from xero_nb.diagnose.findings import Finding
from xero_nb.diagnose.platform import scope_named

SCOPE_CODES = frozenset({"missing_scope", "not_reconsented", "broad_scope_on_granular_app"})


APP_STORE = ("App Store subscription calls take a token from the client_credentials grant with "
             "`marketplace.billing`, requested with the App Store app's own client id and secret: no user "
             "signs in and no organisation is chosen (App Store partners only).",)


def for_custom_connection(findings: list[Finding], custom: bool) -> list[Finding]:
    """Findings whose scope steps are said for a custom connection (``custom`` False: unchanged),
    and App Store billing's scope said as the client_credentials grant it takes, whatever the app."""
    out = []
    for f in findings:
        if f.code in SCOPE_CODES and scope_named(f) == "marketplace.billing":
            out.append(replace(f, fix=APP_STORE))  # (App Store billing is no custom connection's)
            continue
        if not custom:
            out.append(f)
            continue
        if f.code not in SCOPE_CODES or any("custom connection" in step for step in f.fix):
            out.append(f)  # (steps already said for a custom connection stay)
            continue
        scope = scope_named(f)
        which = f"`{scope}`" if scope else "the scope the call needs"
        broad = ("Replace the broad scopes with granular ones (`xero-nb migrate` lists them).",) if (
            f.code == "broad_scope_on_granular_app") else ()
        out.append(replace(f, fix=(
            *broad,
            f"Tick {which} on the custom connection at developer.xero.com (My Apps, the app, Custom "
            "connection), then request a new token with client_credentials: a custom connection has "
            "no user sign-in and no refresh token, and a token keeps the scopes it was issued with.",
            "Custom connections created from 29 Apr 2026 take granular scopes only.")))
    return out
