"""Which Xero endpoint a failure concerns, from endpoint=, url= or the response's request URL.

Whatever cannot be settled is said in a note and in the fact that would settle it, never dropped.

>>> found = resolve_endpoint(None, None, "GET:/Reports/BankStatement", None)
>>> found.endpoint.operation_id, found.urls
('getReportBankStatement', ('/Reports/BankStatement',))
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import urlsplit

from xero_nb.catalog.index import load_catalog
from xero_nb.diagnose.practice import practice_note
from xero_nb.diagnose.sdk import API_CLASSES, operation_name
from xero_nb.models import Endpoint
from xero_nb.redact import redact

METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
COUNTRY_FACT = "the organisation's country (AU, NZ or UK)"
ENDPOINT_FACT = "which endpoint was called (method and URL)"
# "GET /Invoices", "GET:/Invoices", "get: https://..." (the CLI and catalog accept both forms)
# (matched on the stripped text; linear: possessive repeats, one line only)
_METHOD_URL = re.compile(r"\A(" + "|".join(METHODS) + r")(?:\s*+:\s*+|\s++)(\S.*)\Z", re.IGNORECASE)
# Several endpoints in one string: a comma, semicolon, "and" or line break before each method.
_SEVERAL = re.compile(r"(?:[,;\n]|\band\b)\s*+(?=(?:" + "|".join(METHODS) + r")\b)", re.IGNORECASE)
_BANK_STATEMENT = re.compile(r"/reports/bankstatement/?$", re.IGNORECASE)
# Hosts whose URLs are not API endpoints (token and authorize errors carry these).
_OAUTH_HOSTS = ("login.xero.com", "identity.xero.com")


@dataclass(frozen=True, slots=True)
class Resolved:
    """The endpoint (None: not settled), every candidate, the concrete URLs known, and notes."""

    endpoint: Endpoint | None = None
    candidates: tuple[Endpoint, ...] = ()
    method: str | None = None
    urls: tuple[str, ...] = ()  # concrete request URLs/paths given or seen, best first
    fact: str | None = None  # what would settle the endpoint when it is not settled
    notes: tuple[str, ...] = ()


def split_endpoint(text: str) -> tuple[str | None, str]:
    """(method or None, URL) from "GET /Invoices", "GET:/Invoices" or a bare URL/path."""
    found = _METHOD_URL.match(text.strip())
    if found:
        return found.group(1).upper(), found.group(2)
    return None, text.strip()


def is_bank_statement(url: str) -> bool:
    """True for the BankStatement report (``/Reports/BankStatement``), a restricted report."""
    try:
        path = urlsplit(url).path
    except ValueError:
        path = url
    return bool(_BANK_STATEMENT.search(path))


def _names(found: tuple[Endpoint, ...]) -> str:
    names = [f"{ep.api}.{ep.operation_id}" + (f" ({ep.payroll_region})" if ep.payroll_region else "")
             for ep in found]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]


def _lookup(method: str | None, url: str) -> tuple[str | None, tuple[Endpoint, ...]]:
    cat = load_catalog()
    for meth in [method] if method else list(METHODS):
        found = tuple(cat.candidates(meth, url))
        if found:
            return meth, found
    return method, ()


def by_operation(operation: tuple[str, str] | None) -> tuple[Endpoint, ...]:
    """The catalog endpoints an SDK method names: (API or "", operationId), case-insensitively."""
    if not operation or not operation[1]:
        return ()
    api, op = operation[0], operation[1].lower()
    return tuple(ep for ep in load_catalog() if ep.operation_id.lower() == op and (not api or ep.api == api))


# an SDK method given as the endpoint: an optional API (class) prefix, the method, optional "()"
_OPERATION = re.compile(r"\A\s*+(?:([A-Za-z][A-Za-z0-9_]{1,30}?)(?:Api)?(?:\.|::|->))?"
                        r"([A-Za-z_][A-Za-z0-9_]{2,80})(?:\(\))?\s*+\Z")


def sdk_operation(text: str) -> tuple[str, str] | None:
    """(API or "", operationId) of an SDK method written as an endpoint: ``getInvoices``,
    ``get_invoices``, ``GetInvoicesAsync``, ``AccountingApi.getInvoices``, ``payroll_uk.getEmployees``."""
    m = _OPERATION.match(text[:200])
    if m is None:
        return None
    prefix = (m.group(1) or "").lower()
    api = API_CLASSES.get(prefix.replace("_", ""), prefix if prefix in _api_names() else "")
    return api, operation_name(m.group(2))


def _api_names() -> frozenset[str]:
    return frozenset(ep.api for ep in load_catalog())


def resolve_endpoint(obs_method: str | None, obs_url: str | None, endpoint: Any,
                     country: str | None, operation: tuple[str, str] | None = None) -> Resolved:
    """Settle the endpoint from what was given; payroll URLs shared by regions use ``country``.

    ``operation`` is the SDK method a message or stack trace named: it settles the endpoint when
    no URL was seen, and picks among the candidates a URL leaves open.
    """
    several = [p.strip() for p in _SEVERAL.split(endpoint) if p.strip()] if isinstance(endpoint, str) else []
    if len(several) > 1:  # "GET /Accounts, GET /TaxRates": the first, and a note naming the rest
        first = resolve_endpoint(obs_method, obs_url, several[0], country, operation)
        rest = ", ".join(several[1:])[:200]
        return replace(first, notes=(f"several endpoints given: diagnosed for {several[0][:100]!r}; "
                                     f"diagnose {rest!r} on its own too", *first.notes))
    found = _resolve(obs_method, obs_url, endpoint, country)
    if found.endpoint is not None and endpoint is not None and obs_url:
        seen = _resolve(obs_method, obs_url, None, country).endpoint
        if seen is not None and seen != found.endpoint:  # the user's endpoint= against the paste's URL
            found = replace(found, notes=(*found.notes, f"the endpoint given ({found.endpoint.method} "
                                          f"{found.endpoint.path}) is not the one the error shows "
                                          f"({seen.method} {seen.path}): diagnosed for the one given"))
    if found.endpoint is None and not found.candidates and isinstance(endpoint, str):
        given = sdk_operation(endpoint)  # endpoint="getInvoices", "AccountingApi.getInvoices"
        ops = by_operation(given)
        if ops:
            shown = f"{given[0] + '.' if given and given[0] else ''}{given[1] if given else ''}"
            done = _settle(ops, ops[0].method, tuple(u for u in (obs_url,) if u), shown, country)
            return replace(done, notes=(f"endpoint taken from the SDK method named: {shown}", *done.notes))
    named = by_operation(operation) if operation and found.endpoint is None else ()
    if not named:
        return found
    # (named as the catalog spells it: a pyxero manager gives "getbanktransactions")
    shown = f"{operation[0] + '.' if operation and operation[0] else ''}{named[0].operation_id}"
    if found.candidates:
        narrowed = tuple(ep for ep in found.candidates if ep in named)
        if not narrowed or len(narrowed) == len(found.candidates):
            return found
        settled = _settle(narrowed, found.method, found.urls, shown, country)
    elif found.fact is None or not found.urls:
        settled = _settle(named, named[0].method, found.urls, shown, country)
    else:
        return found  # a URL that is not in the catalog: its note stands
    return replace(settled, notes=(f"endpoint taken from the SDK method named in the error: {shown}",
                                   *settled.notes))


def _resolve(obs_method: str | None, obs_url: str | None, endpoint: Any,
             country: str | None) -> Resolved:
    if isinstance(endpoint, Endpoint):
        return Resolved(endpoint, (endpoint,), endpoint.method, (obs_url,) if obs_url else ())
    if isinstance(endpoint, (tuple, list)) and len(endpoint) == 2 and all(
            isinstance(x, str) for x in endpoint):  # ("GET", "/Invoices")
        endpoint = f"{endpoint[0].strip()} {endpoint[1].strip()}"
    elif endpoint is not None and not isinstance(endpoint, str):
        rest = _resolve(obs_method, obs_url, None, country)
        return replace(rest, notes=(f"endpoint of type {type(endpoint).__name__} ignored: give an "
                                    "Endpoint, 'GET /Invoices' or a URL", *rest.notes))
    given = endpoint.strip() if isinstance(endpoint, str) and endpoint.strip() else None
    method, url = split_endpoint(given) if given else (None, obs_url)
    method = method or obs_method
    urls = tuple(dict.fromkeys(u for u in (url, obs_url) if u))
    if url is None:
        return Resolved(method=method)
    # what the notes show of it: a token given where the endpoint goes is never shown
    shown = redact(f"{method + ' ' if method else ''}{url}")[:200]
    try:
        method, found = _lookup(method, url)
    except Exception:  # an odd URL must not stop the diagnosis
        return Resolved(None, (), method, urls, None, (f"could not look {shown!r} up in the catalog",))
    if not found:
        parts = urlsplit(url) if "://" in url else None
        host = parts.hostname if parts else None
        if host in _OAUTH_HOSTS:  # the token or authorize step: an OAuth error, not an API call
            return Resolved(None, (), method, urls)
        if parts is not None and host not in (None, "api.xero.com") and any(
                f"{k}=" in f"&{parts.query}" for k in ("&code", "&state", "&error")):
            return Resolved(None, (), method, urls)  # the app's own OAuth callback: not an API call
        if given is None and parts is not None and host != "api.xero.com" and ".xro" not in url:
            return Resolved(None, (), method, urls)  # a URL in the words (a redirect URI): no call
        if (outside := practice_note(shown, method)) is not None:  # XPM, WorkflowMax: not in the specs
            return Resolved(None, (), method, urls, None, (outside,))
        spec = load_catalog().spec_version
        note = f"endpoint {shown!r} is not a Xero endpoint in the catalog (spec {spec})"
        if given is not None and obs_url and obs_url != url:  # the response's own URL may settle it
            seen = _resolve(obs_method, obs_url, None, country)
            if seen.candidates:
                return replace(seen, urls=urls, notes=(note + f"; used the request's URL {obs_url!r}",
                                                       *seen.notes))
        return Resolved(None, (), method, urls,
                        f"a method and path Xero has ({shown!r} is not in the catalog)", (note,))
    return _settle(found, method, urls, shown, country)


def _settle(found: tuple[Endpoint, ...], method: str | None, urls: tuple[str, ...], shown: str,
            country: str | None) -> Resolved:
    """One endpoint from the candidates, or the fact that would settle it (never a refusal)."""
    if len(found) == 1:
        ep = found[0]
        note = _region_note(shown, found, country) if ep.payroll_region else ()
        return Resolved(ep, found, method, urls, None, note)
    payroll = all(ep.payroll_region for ep in found)
    if payroll and country:
        regional = [ep for ep in found if ep.payroll_region == country]
        if regional:
            return Resolved(regional[0], found, method, urls)
        # the region finding says it; the scope checks still run on the candidates
        return Resolved(None, found, method, urls, None, _region_note(shown, found, country))
    if payroll:
        return Resolved(None, found, method, urls, COUNTRY_FACT, (
            f"{shown!r} could be {_names(found)}: the organisation's country decides "
            "(pass organisation=, e.g. the Organisation record or its CountryCode)",))
    return Resolved(None, found, method, urls, "the full URL, with its API's base "
                    f"(e.g. {found[0].url})", (f"{shown!r} could be {_names(found)}: give the "
                                               "full URL to settle which",))


def _region_note(shown: str, found: tuple[Endpoint, ...], country: str | None) -> tuple[str, ...]:
    regions = sorted({ep.payroll_region or "" for ep in found})
    if country is None or country in regions:
        return ()
    return (f"{shown!r} serves {'/'.join(regions)} payroll but the organisation is {country}: "
            "noted, and the diagnosis goes on",)
