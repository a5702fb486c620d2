"""URL matching: which endpoint paths a URL, bare path or template can mean.

The one matcher behind every lookup (``Catalog.find`` and ``xero-nb scopes-for``'s fast path).
It works on plain ``(api, method, path, base_url)`` rows and imports nothing beyond what
``json`` already loads, so a command can match a URL before any record class exists.

>>> m = PathMatcher([("accounting", "GET", "/Invoices/{InvoiceID}", "https://api.xero.com/api.xro/2.0")])
>>> m.match("get", "https://api.xero.com/api.xro/2.0/Invoices/INV-1")
[(0, {'InvoiceID': 'INV-1'})]
"""

from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit

TYPE_CHECKING = False  # typing costs a fast command more than all of its own work
if TYPE_CHECKING:  # pragma: no cover
    from collections.abc import Sequence

GUID = re.compile(r"^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$")


def is_param(segment: str) -> bool:
    """True for a ``{name}`` path segment."""
    return segment.startswith("{") and segment.endswith("}")


def _id_like_name(name: str) -> bool:
    return name.endswith(("ID", "Id", "id"))


class _Template:
    """One endpoint's path as the matcher sees it."""

    __slots__ = ("api", "literals", "names", "row")

    def __init__(self, row: int, api: str, path: str) -> None:
        raw = [s for s in path.split("/") if s]
        self.row = row
        self.api = api
        self.literals = tuple(None if is_param(s) else s.lower() for s in raw)  # None: a {param}
        self.names = tuple(s[1:-1] for s in raw if is_param(s))

    def score(self, segs: list[str]) -> tuple[int, ...] | None:
        """Per segment: 3 literal, 2 same-named {param}, 1 fitting value, 0 other; None: no match."""
        out = []
        names = iter(self.names)
        for lit, seg in zip(self.literals, segs, strict=True):
            if lit is not None:
                if lit != seg.lower():
                    return None
                out.append(3)
                continue
            name = next(names)
            if is_param(seg):
                out.append(2 if seg[1:-1].lower() == name.lower() else 1)
            else:
                # Literal segments beat parameters; among parameters, an id-shaped value
                # prefers an ...ID parameter and any other value a ...Number/FileName one.
                out.append(1 if _id_like_name(name) == bool(GUID.match(seg)) else 0)
        return tuple(out)

    def bind(self, segs: list[str]) -> dict[str, str]:
        """The path parameters' values in a matching URL."""
        values = [s for s, lit in zip(segs, self.literals, strict=True) if lit is None]
        return dict(zip(self.names, values, strict=True))


class PathMatcher:
    """Endpoint rows ``(api, method, path, base_url)``, looked up by URL; answers are row numbers."""

    def __init__(self, rows: Sequence[tuple[str, str, str, str]]) -> None:
        # base path ("/api.xro/2.0") -> apis served there, longest first for prefix matching
        bases: dict[str, set[str]] = {}
        for api, _, _, base_url in rows:
            bases.setdefault(urlsplit(base_url).path.rstrip("/").lower(), set()).add(api)
        self._bases = sorted(bases.items(), key=lambda kv: -len(kv[0]))
        # (method, segment count) -> templates, so a lookup scores only same-shaped paths
        self._shapes: dict[tuple[str, int], list[_Template]] = {}
        for i, (api, method, path, _) in enumerate(rows):
            tpl = _Template(i, api, path)
            self._shapes.setdefault((method, len(tpl.literals)), []).append(tpl)

    def match(self, method: str, url_or_template: str) -> list[tuple[int, dict[str, str]]]:
        """The best (row, path parameters) per API that the URL could mean, best first.

        Several only where specs share a URL (payroll.xro/2.0 is NZ, UK and AU v2).
        """
        method = method.strip().upper()
        best: dict[str, tuple[tuple[int, ...], _Template, list[str]]] = {}
        for apis, rel in self._relative_paths(url_or_template):
            segs = [unquote(s) for s in rel.split("/") if s]
            for tpl in self._shapes.get((method, len(segs)), ()):
                if apis is not None and tpl.api not in apis:
                    continue
                score = tpl.score(segs)
                if score is None:
                    continue
                held = best.get(tpl.api)
                if held is None or score > held[0]:
                    best[tpl.api] = (score, tpl, segs)
        ranked = sorted(best.values(), key=lambda found: found[0], reverse=True)
        return [(tpl.row, tpl.bind(segs)) for _, tpl, segs in ranked]

    def _relative_paths(self, text: str) -> list[tuple[set[str] | None, str]]:
        """Split a URL or template into (apis it can belong to, path under that API's base)."""
        text = text.strip()
        if not text.startswith("/") and "://" not in text.split("?", 1)[0] \
                and text.split("/", 1)[0].count(".") >= 2:
            text = "https://" + text  # a host without a scheme: api.xero.com/api.xro/2.0/...
        parts = urlsplit(text)
        path = parts.path if (parts.scheme or text.startswith("/")) else "/" + parts.path
        low = path.lower().rstrip("/")
        out: list[tuple[set[str] | None, str]] = []
        for base, apis in self._bases:
            if base and (low == base or low.startswith(base + "/")):
                out.append((apis, path[len(base):]))
                break
        # A bare template such as "/Invoices" may belong to any API; so may an identity path.
        for base, apis in self._bases:
            if not base:
                out.append((apis, path))
        if not out or not parts.scheme:
            out.append((None, path))
        return out
