"""What a call the catalog does not know was most likely meant to be: the same path with another
method, the URL in another payroll region, or a path one typo away.

>>> from xero_nb.catalog.index import load_catalog
>>> nearby(load_catalog(), "GET", "/Invoicez")
' — did you mean /Invoices?'
"""

from __future__ import annotations

import difflib
from typing import Any
from urllib.parse import urlsplit

METHODS = ("GET", "PUT", "POST", "PATCH", "DELETE")  # the order "/Invoices takes ..." lists them


def nearby(cat: Any, method: str, url: str, region: str | None = None) -> str:
    """What the user may have meant, as " — ..." to end a message with ("" when nothing is near):
    another method, the URL in another payroll region, or a path one typo away."""

    verb = method.strip().upper()
    if region is not None and verb in METHODS:
        other = cat.candidates(method, url)
        if other:
            where = ", ".join(f"{ep.api} ({ep.payroll_region or 'all'}) at {ep.url}" for ep in other)
            return (f" in region {region.upper()}: that URL is {where}; each payroll region has its "
                    "own base (AU: payroll.xro/1.0, NZ and UK: payroll.xro/2.0)")
    takes: dict[str, list[Any]] = {}
    for other_method in METHODS:
        eps = [ep for ep in cat.candidates(other_method, url) if region is None
               or ep.payroll_region in (None, region.upper())]
        if eps and other_method != verb:
            takes[other_method] = eps
    where = f"{next(iter(takes.values()))[0].path} takes {', '.join(takes)}" if takes else ""
    if verb not in METHODS:
        close = difflib.get_close_matches(verb, METHODS, n=1, cutoff=0.5)
        guess = f"did you mean {close[0]}?" if close else f"the methods are {', '.join(METHODS)}"
        return f" — {verb or '(empty)'} is not an HTTP method; {guess}" + (f" ({where})" if where else "")
    if where:
        return f" — {where}"
    path = urlsplit(url if "://" in url else "https://x/" + url.lstrip("/")).path
    for base in sorted({urlsplit(ep.base_url).path for ep in cat}, key=len, reverse=True):
        if base and path.lower().startswith(base.lower() + "/"):
            path = path[len(base):]
            break
    same = sorted({ep.path for ep in cat if ep.method == verb})
    close = difflib.get_close_matches(path, same, n=2, cutoff=0.8)
    return f" — did you mean {' or '.join(close)}?" if close else ""
