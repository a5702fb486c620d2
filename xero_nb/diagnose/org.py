"""Causes in the organisation: the user's role, the plan, and the payroll region."""

from __future__ import annotations

import re
from collections.abc import Iterable

from xero_nb.diagnose.context import Context
from xero_nb.diagnose.cues import countries
from xero_nb.diagnose.endpoint import COUNTRY_FACT
from xero_nb.diagnose.findings import Finding
from xero_nb.diagnose.observation import MARKERS, Observation, said_words
from xero_nb.diagnose.rules import ROLE_FACT, evidence_of, unprovisioned
from xero_nb.models import Endpoint

# Organisation features an API needs on the plan, by api / path prefix.
FEATURES = {"projects": "projects", "payroll_au": "payroll", "payroll_au_v2": "payroll",
            "payroll_nz": "payroll", "payroll_uk": "payroll"}
_REGION_RE = re.compile(MARKERS["region"], re.IGNORECASE)
_PAYROLL_BASE = re.compile(r"\bpayroll\.xro/([12])\.0\b", re.IGNORECASE)
INVOICE_ONLY_PATHS = ("/Invoices", "/Contacts", "/Items", "/Quotes", "/Organisation",
                      "/Currencies", "/TaxRates", "/BrandingThemes", "/CreditNotes", "/ContactGroups")


def _feature(ep: Endpoint) -> str | None:
    if ep.api in FEATURES:
        return FEATURES[ep.api]
    return "expenses" if ep.path.startswith(("/ExpenseClaims", "/Receipts")) else None


def org_findings(obs: Observation, ctx: Context) -> list[Finding]:
    """Role, plan and payroll-region causes (these need the endpoint to say anything)."""
    out: list[Finding] = []
    ev = evidence_of(obs)
    if "invalid-application" in obs.markers:
        out.append(Finding("restricted_scope", "The app is not enabled for this closed API "
                           "(invalid-application)", tuple(ev), ("Apply to Xero for access to this "
                                                                "API; only partners get it.",), 0.95))
    refused = obs.status in (401, 403, 404, 405) or (obs.status is None and obs.markers)
    if (obs.status == 403 and "generic_forbidden" in obs.markers
            and not obs.markers & {"not_permitted", "invalid-user-role", "role"}):
        # "User doesn't have permission to access the resource" is Xero's own one-line meaning of
        # a 403 (http-response-codes: Not Permitted, the user's permission), which tap-xero and its
        # forks print for every 403: the user's role is one of the causes, below the tenant's
        out.append(Finding("user_role", "Xero's words for a 403 (Not Permitted): perhaps the Xero "
                           "user who connected lacks the role this needs", (*ev, "Xero's one-line "
                           "meaning of a 403, which some clients print for every 403"),
                           ("Check the connecting user's role in the organisation (Standard or "
                            "Adviser; reports access; payroll admin); connect with one who has it.",),
                           0.4, ROLE_FACT))
    if "invalid-user-role" in obs.markers or "not_permitted" in obs.markers:
        words = " ".join(v for _, v in obs.fields).lower()
        need = ("the payroll admin role" if "payroll" in words else
                "reports access" if "report" in words else "a role that allows this")
        # "not permitted to access this resource" and nothing more is calcinai/xero-php's fixed
        # ForbiddenException message for any 401 or 403: a role only as much as a scope (cues.py).
        generic = "generic_forbidden" in obs.markers and not obs.markers & {"role", "invalid-user-role"}
        # the exception itself (a developer's trace) rather than the message a vendor shows its
        # users, who say it means the user's rights: the status is what would tell
        thrown = generic and obs.sdk_class == "ForbiddenException" and obs.status is None
        said = ("A library's fixed 'not permitted' message: perhaps the user lacks a role" if generic
                else f"Xero says the user lacks {need} in this organisation")
        out.append(Finding("user_role", said, tuple(ev),
                           ("Ask an organisation admin for the needed role (reports access, "
                            "payroll admin), then retry.",), 0.3 if thrown else 0.6 if generic or not refused
                           else 0.9,
                           ROLE_FACT if generic else None))
        if thrown:  # the library hid whether it was a 401 or a 403
            hidden = ("the HTTP status xero-php received (log it before the exception: its "
                      "ForbiddenException stands for every 401 and every 403)")
            out += [Finding("tenant_not_connected", "Or, if it was a 403: the xero-tenant-id sent is not "
                            "one this token may use", tuple(ev),
                            ("Call GET /connections with this token and use one of its tenantIds.",),
                            0.36, hidden),
                    Finding("token_expired", "Or, if it was a 401: the access token expired (they last "
                            "30 minutes)", tuple(ev), ("Refresh the access token and retry.",), 0.33,
                            hidden)]
    ep = ctx.endpoint
    if obs.markers & {"region", "region_pair"}:  # "Not a UK Customer"; "an NZ call on an AU org"
        out.append(_region_words(obs, ctx, ev, 0.9 if "region" in obs.markers else 0.75))
    # a 400 whose words say the organisation is not subscribed (a currency: a plan feature) is the
    # plan, though Xero words it as a validation error
    if not refused and not (obs.status == 400 and "not_in_plan" in obs.markers):
        return out
    # ("upgrade your plan" said of the app's connection limit is the tier, not the organisation's plan)
    if "not_in_plan" in obs.markers and not obs.markers & {"region", "region_pair", "connection_cap"}:
        what = _feature(ep) if ep is not None else None
        role = ("Projects calls also need the user to have a Projects role.",) if what == "projects" else ()
        out.append(Finding("feature_not_in_plan", "The organisation's plan does not include "
                           f"{what or 'this product'}", tuple(ev),
                           (f"Add {what or 'it'} to the organisation's Xero plan (an admin does it in Xero), "
                            "or skip this API for this organisation: no scope or reconnect turns it on.",
                            *role), 0.92))
    explicit = bool(obs.markers & {"not_permitted", "invalid-user-role", "not_in_plan",  # named
                                   "invalid-application", "region", "region_pair"})
    out += _region(obs, ctx, ev, explicit)
    if not explicit and (product := unprovisioned(obs, ep, ctx.granted)) is not None:
        out.append(Finding("feature_not_in_plan", f"An empty 403 on {product} calls: the organisation "
                           f"may not have {product} set up (or on its plan)",
                           (*ev, "no Xero problem body (a tenant refusal carries one)"),
                           (f"Open {product.capitalize()} once in Xero for this organisation (a new or "
                            "restored organisation must finish its set-up there), and check the plan "
                            f"includes {product}.", "Then retry; no API call can turn it on."),
                           0.6, f"whether {product} is set up in the organisation"))
        if product == "payroll":
            out.append(Finding("user_role", "Or the user who connected is not a payroll admin",
                               tuple(ev), ("Ask an organisation admin for the payroll admin role, "
                                           "then connect again.",), 0.4, ROLE_FACT))
    payroll = (ep.payroll_region is not None if ep is not None
               else bool(ctx.candidates) and all(c.payroll_region for c in ctx.candidates))
    if payroll and obs.status == 403 and _NO_PERMISSION.search(obs.detail or "") and ctx.role is None:
        # payroll NZ/UK's problem+json refusal of a user ("You do not have permission to access this
        # resource"), not of a tenant: a payroll call needs the payroll admin role (§8, §9)
        out.append(Finding("user_role", "Xero says the user lacks permission for this payroll call: "
                           "payroll needs the payroll admin role", (*ev, "a payroll call refused for "
                                                                    "the user's permission"),
                           ("Ask an organisation admin to grant the user the Payroll Admin role, then "
                            "connect again.",), 0.7, ROLE_FACT))
    if ep is None:
        return out
    out += _role(ep, ctx, ev, obs)
    feature = _feature(ep)
    if feature is not None and feature in ctx.plan and not ctx.plan[feature]:
        out.append(Finding("feature_not_in_plan", f"The organisation's plan does not include "
                           f"{feature}", (*ev, f"plan: {feature}=no"),
                           (f"Add {feature} to the organisation's Xero subscription, or skip it.",),
                           0.88))
    elif feature is not None and feature not in ctx.plan and "plan_named" in obs.markers and not explicit:
        out.append(Finding("feature_not_in_plan", f"{feature.capitalize()} is refused and the words name "
                           "the organisation's plan: the plan may not include it", (*ev, "the wording: "
                                                                                  "a plan named"),
                           (f"Check the organisation's Xero plan includes {feature}; add it, or skip "
                            "this API for this organisation.",), 0.7,
                           f"the organisation's plan (is {feature} enabled?)"))
    elif feature is not None and feature not in ctx.plan and obs.status in (403, 404) and not explicit:
        out.append(Finding("feature_not_in_plan", f"Perhaps the plan lacks {feature}", tuple(ev),
                           (f"Check the organisation has {feature} enabled.",), 0.3,
                           f"the organisation's plan (is {feature} enabled?)"))
    return out


REGION_APIS = ("AU organisations use AU payroll (payroll.xro/1.0, PayrollAuApi); NZ and UK "
               "organisations use payroll.xro/2.0 (PayrollNzApi, PayrollUkApi); US organisations "
               "have no payroll API.")


def _region_words(obs: Observation, ctx: Context, ev: list[str], weight: float) -> Finding:
    """Xero said in words that the payroll API called is not the organisation's country's."""
    said = next((v for _, v in obs.fields if _REGION_RE.search(v)), None)
    ep = ctx.endpoint
    called = ep.payroll_region if ep is not None else None
    who = "Xero says" if "region" in obs.markers else "The words say"
    title = (f"{who} the organisation is not in the country of the payroll API called"
             + (f" ({called} payroll)" if called else "") + (f": {said[:80]!r}" if said else ""))
    country = f"The organisation is {ctx.country}: " if ctx.country else \
        "Find the organisation's country: GET /Organisation, CountryCode. "
    return Finding("payroll_region_mismatch", title, (*ev, "wording: the payroll region differs"),
                   (country + REGION_APIS, "Call the payroll API of the organisation's own country "
                    "(same scopes: payroll.employees, payroll.timesheets, ...)."),
                   weight, None if ctx.country else COUNTRY_FACT)


def _region(obs: Observation, ctx: Context, ev: list[str], explicit: bool) -> list[Finding]:
    payroll = [ep for ep in ctx.candidates if ep.payroll_region] or (
        [ctx.endpoint] if ctx.endpoint is not None and ctx.endpoint.payroll_region else [])
    words = said_words(obs)
    regions = sorted({ep.payroll_region or "" for ep in payroll})
    if not regions:  # no endpoint settled: the payroll base path the words name says the region
        version = _PAYROLL_BASE.search(words)
        regions = ([] if version is None else ["AU"] if version.group(1) == "1" else ["NZ", "UK"])
    if not regions:
        return _payroll_404(obs, ctx, ev, explicit)
    if ctx.country is None:
        named = countries(words) & {"AU", "NZ", "UK"}
        if named and not named & set(regions) and not explicit:
            # the API called serves one country, and the words name the organisation's as another
            said = "/".join(sorted(named))
            return [Finding("payroll_region_mismatch",
                            f"{_an(regions).capitalize()} {'/'.join(regions)} payroll API was called, "
                            f"and the words name {_an([said])} {said} organisation",
                            (*ev, f"API serves {'/'.join(regions)} payroll; the words name "
                             f"{'/'.join(sorted(named))}"), (REGION_APIS,), 0.75, COUNTRY_FACT)]
        if explicit or not payroll or named & set(regions):
            return []
        weight = 0.5 if obs.status in (404, 405) else 0.3
        return [Finding("payroll_region_mismatch", "Payroll APIs differ by country; this may be the "
                        "wrong region's API", (*ev, f"endpoint serves {'/'.join(regions)} payroll"),
                        ("AU orgs use payroll.xro/1.0; NZ and UK use payroll.xro/2.0 (the country is "
                         "Organisation.CountryCode in GET /Organisation).",), weight,
                        COUNTRY_FACT)]
    if ctx.country in regions:
        return []
    right = ("AU payroll: https://api.xero.com/payroll.xro/1.0" if ctx.country == "AU" else
             f"{ctx.country} payroll: the payroll_{ctx.country.lower()} API (payroll.xro/2.0)"
             if ctx.country in ("NZ", "UK") else f"Xero has no payroll API for {ctx.country} orgs")
    return [Finding("payroll_region_mismatch",
                    f"{_an(regions).capitalize()} {'/'.join(regions)} payroll endpoint was called "
                    f"for {_an([ctx.country])} {ctx.country} organisation",
                    (*ev, f"organisation country {ctx.country}"),
                    (f"Use the {right}." if ctx.country in ("AU", "NZ", "UK") else
                     f"{right}: skip payroll calls for this organisation.",), 0.9)]


def _payroll_404(obs: Observation, ctx: Context, ev: list[str], explicit: bool) -> list[Finding]:
    """A 404 with no URL (an SDK's printout) to a token holding payroll scopes.

    The payroll API of another country answers 404 (or 405): one reading among a wrong id, so
    weak, and the URL called decides.
    """
    held = sorted(s for s in ctx.granted or () if s.startswith("payroll."))
    if explicit or ctx.endpoint is not None or ctx.candidates or obs.status not in (404, 405) or not held:
        return []
    return [Finding("payroll_region_mismatch", f"A {obs.status} to a token holding payroll scopes: "
                    "perhaps the payroll API of another country than the organisation's",
                    (*ev, "token scopes include " + ", ".join(held[:3])),
                    (REGION_APIS, "If the URL is the right region's, the id in it is wrong or "
                     "deleted: list the records first."), 0.35,
                    "the URL called (payroll.xro/1.0 is AU payroll, payroll.xro/2.0 NZ and UK)")]


_NO_PERMISSION = re.compile(r"\b(?:do\s*+n[o']t|does\s*+n[o']t|not)\s++have\s++(?:the\s++)?permissions?\b",
                            re.IGNORECASE)


def _role(ep: Endpoint, ctx: Context, ev: list[str], obs: Observation) -> list[Finding]:
    role = ctx.role
    if role is None:
        return []
    ev = [*ev, f"user role: {role.describe()}"]
    why = None
    if role.role == "removed":
        why, w = "The user no longer belongs to this organisation", 0.9
    elif ep.payroll_region and role.payroll_admin is False:
        why, w = "Payroll needs the payroll admin role, which this user lacks", 0.85
    elif ep.path.startswith("/Reports") and role.reports is False:
        why, w = "Reports need reports access, which this user lacks", 0.85
    elif ep.is_write and role.role == "read_only":
        why, w = "A read-only user cannot write", 0.85
    elif role.role == "invoice_only" and not ep.path.startswith(INVOICE_ONLY_PATHS):
        why, w = "An invoice-only user cannot reach this part of Xero", 0.75
    elif ep.api == "projects" and role.projects is False:
        why, w = "Projects need a Projects role, which this user lacks", 0.7
    if why is None:
        return []
    if obs.markers & {"not_permitted", "invalid-user-role"}:
        w = 0.95  # Xero's own words agree with the role we were told about
    return [Finding("user_role", why, tuple(ev), ("Ask an organisation admin to change the user's "
                                                  "role, or sign in as a user who has it.",), w)]


def _an(codes: Iterable[str]) -> str:
    """The article before a spelt-out code: "an AU", "an NZ" (said en-zed), "a UK", "a US"."""
    first = min(codes, default="")
    return "an" if first[:1] in tuple("AEFHILMNORSX") else "a"
