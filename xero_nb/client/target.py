"""Where a call goes: the method, the absolute URL on the Xero API origin, and the catalog endpoint.

>>> from xero_nb.catalog import load_catalog
>>> from xero_nb.facts import XeroURLs
>>> resolve(load_catalog(), XeroURLs.xero(), "GET /Invoices")[:2]
('GET', 'https://api.xero.com/api.xro/2.0/Invoices')
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from xero_nb.catalog.index import Catalog
from xero_nb.client.policy import fill
from xero_nb.errors import AmbiguousEndpointError
from xero_nb.facts import XeroURLs
from xero_nb.models import Endpoint

HTTP_METHODS = frozenset({"GET", "POST", "PUT", "PATCH", "DELETE"})


def resolve(catalog: Catalog, urls: XeroURLs, endpoint_or_url: Endpoint | str, method: str = "GET",
            path_params: Mapping[str, Any] | None = None,
            region: str | None = None) -> tuple[str, str, Endpoint | None]:
    """``(METHOD, absolute URL, Endpoint or None)`` for an Endpoint, URL or path."""
    if isinstance(endpoint_or_url, Endpoint):
        ep: Endpoint | None = endpoint_or_url
        method, url = endpoint_or_url.method, urls.api_url(endpoint_or_url.url)
    else:
        method, text = method_and_target(endpoint_or_url, method)
        try:
            ep = catalog.find(method, text, region=region)
        except AmbiguousEndpointError:
            ep = None
        url = absolute(urls, text, ep)
    return method, xero_only(urls, fill(url, path_params or {})), ep


def xero_only(urls: XeroURLs, url: str) -> str:
    """Refuse to carry the token anywhere but the Xero API origin the client talks to."""
    want, got = urlsplit(urls.api_root), urlsplit(url)
    if (got.scheme, got.netloc.lower()) != (want.scheme, want.netloc.lower()):
        raise ValueError(
            f"refusing to send the Xero token to {got.scheme}://{got.netloc}: this client calls "
            f"{want.scheme}://{want.netloc} only (pass urls=XeroURLs.on(origin) for a simulator)"
        )
    return url


def absolute(urls: XeroURLs, text: str, ep: Endpoint | None) -> str:
    """A full URL on ``urls``' API root for a URL, a path under an API's base, or a bare path."""
    if "://" in text:
        return urls.api_url(text)
    path = text if text.startswith("/") else "/" + text
    if ep is not None:
        base_path = urlsplit(ep.base_url).path.rstrip("/")
        if not (base_path and path.lower().startswith(base_path.lower() + "/")):
            return urls.api_url(ep.base_url.rstrip("/")) + path
    return urls.api_root + path


def method_and_target(target: str, method: str) -> tuple[str, str]:
    """Accept ``call(url, "GET")``, ``call("GET", url)`` and ``call("GET /Invoices")`` alike."""
    text = target.strip()
    head, _, rest = text.partition(" ")
    if head.upper() in HTTP_METHODS and rest.strip():
        return head.upper(), rest.strip()
    if text.upper() in HTTP_METHODS and method.upper() not in HTTP_METHODS:
        return text.upper(), method.strip()
    if method.upper() not in HTTP_METHODS:
        raise ValueError(f"no HTTP method in call({target!r}, {method!r}): use GET, POST, PUT, PATCH "
                         "or DELETE, e.g. call('GET', '/Invoices')")
    return method.upper(), text
