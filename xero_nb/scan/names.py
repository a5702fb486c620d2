"""The official SDKs' names: API classes and properties, and method names back to operations.

Every SDK generates one method per OpenAPI operation, named after its operationId in the
language's own convention: ``getInvoices`` (xero-node, xero-java), ``get_invoices``
(xero-python, xero-ruby), ``GetInvoicesAsync`` (Xero-NetStandard), ``getInvoices`` matched
case-insensitively (xero-php-oauth2, whose ``...Async`` and ``...WithHttpInfo`` variants call
the same operation). One normal form (no underscores, lower case, those suffixes dropped)
maps all of them back to the catalog.

>>> operations_named("GetInvoicesAsync")
(('accounting', 'getInvoices'),)
"""

from __future__ import annotations

from functools import lru_cache

from xero_nb.catalog.index import load_catalog

# An SDK's API class or client property, normalised (see ``normal``) -> the catalog's API.
API_CLASSES: dict[str, str] = {
    "accountingapi": "accounting",
    "payrollauapi": "payroll_au",
    "payrollauv2api": "payroll_au_v2",
    "payrollukapi": "payroll_uk",
    "payrollnzapi": "payroll_nz",
    "assetapi": "assets",
    "assetsapi": "assets",
    "projectapi": "projects",
    "projectsapi": "projects",
    "filesapi": "files",
    "financeapi": "finance",
    "bankfeedsapi": "bankfeeds",
    "appstoreapi": "appstore",
    "identityapi": "identity",
}
# Suffixes an SDK adds to an operation's method: C# and PHP async, the "with HTTP info" forms.
_SUFFIXES = ("withhttpinfoasync", "asyncwithhttpinfo", "withhttpinfo", "async")


def normal(name: str) -> str:
    """``get_invoices`` / ``GetInvoices`` / ``payrollUKApi`` -> ``getinvoices`` / ``payrollukapi``."""
    return name.replace("_", "").replace("$", "").lower()


def method_key(name: str) -> str:
    """The normal form of an SDK method name, with the async/with-HTTP-info suffixes removed."""
    key = normal(name)
    for suffix in _SUFFIXES:
        if key.endswith(suffix) and len(key) > len(suffix):
            return key[: -len(suffix)]
    return key


@lru_cache(maxsize=1)
def _index() -> dict[str, tuple[tuple[str, str], ...]]:
    found: dict[str, list[tuple[str, str]]] = {}
    for ep in load_catalog():
        if ep.source == "spec":  # operations outside the specs have no SDK method
            found.setdefault(method_key(ep.operation_id), []).append(ep.key)
    return {k: tuple(v) for k, v in found.items()}


def operations_named(method: str) -> tuple[tuple[str, str], ...]:
    """Every ``(api, operation_id)`` an SDK method name can call (empty: not an SDK method)."""
    return _index().get(method_key(method), ())


def api_of(name: str) -> str | None:
    """The API an SDK class or client property names (``AccountingApi``, ``payroll_uk_api``)."""
    return API_CLASSES.get(normal(name))


def snake(operation_id: str) -> str:
    """``getInvoiceAsPdf`` -> ``get_invoice_as_pdf``, the Python and Ruby SDKs' method name."""
    out = []
    for i, ch in enumerate(operation_id):
        if ch.isupper() and i and (not operation_id[i - 1].isupper()
                                   or (i + 1 < len(operation_id) and operation_id[i + 1].islower())):
            out.append("_")
        out.append(ch.lower())
    return "".join(out)


def sdk_names(operation_id: str) -> dict[str, str]:
    """The method name each official SDK gives an operation, by SDK."""
    pascal = operation_id[:1].upper() + operation_id[1:]
    return {
        "xero-python": snake(operation_id), "xero-ruby": snake(operation_id),
        "xero-node": operation_id, "xero-java": operation_id,
        "xero-netstandard": pascal + "Async", "xero-php-oauth2": operation_id,
    }
