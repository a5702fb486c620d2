"""The scopes the code requests: scope strings and lists in code, and scope values in config files.

A string (or, in a config file, a line) counts when it names a distinctive Xero scope (one with
a dot, or ``offline_access``): then every known scope in it is requested. Strings that hold
only plain words that are also scopes (``"openid"``, ``"email"``, ``"files"``) count when a
distinctive scope string stands near them, as in a list ``["openid", "accounting.invoices"]``.
Authorize URLs (``scope=openid%20accounting.invoices``) read the same way.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from xero_nb.catalog.scopes import known_scopes
from xero_nb.scan.model import ScopeSite
from xero_nb.scan.source import Source

_WORD = re.compile(r"[A-Za-z_]+(?:\.[A-Za-z_]+)*")
_NEAR = 300  # characters within which plain scope words join a distinctive scope string


def _scopes_in(body: str) -> tuple[list[str], bool, bool]:
    """The known scopes in ``body``, whether one is distinctive, and whether it is only scopes."""
    known = known_scopes()
    if "." not in body and "offline_access" not in body:  # plain words at most: a cheap look
        words = [w for w in (w.strip("-[]{}()'\",:;=") for w in body.replace(",", " ").split()) if w]
        if not words or len(words) > 8 or any(w not in known for w in words):
            return [], False, False
        return words, False, True
    words = _WORD.findall(body.replace("%20", " "))
    found = [w for w in words if w in known]
    distinctive = any("." in w or w == "offline_access" for w in found)
    return found, distinctive, bool(words) and len(found) == len(words)


def _from_strings(src: Source) -> Iterator[ScopeSite]:
    text = src.text
    plain: list[tuple[int, list[str]]] = []
    marks: list[int] = []
    for s, e in src.spans.strings():
        if e - s > 2000:
            continue
        found, distinctive, only = _scopes_in(text[s:e].strip("\"'`"))
        if distinctive:
            marks.append(s)
            line, snippet = src.line(s), src.snippet(s)
            for scope in found:
                yield ScopeSite(scope, src.rel, line, snippet)
        elif only and found:
            plain.append((s, found))
    for s, found in plain:
        if any(abs(s - m) <= _NEAR for m in marks):
            line, snippet = src.line(s), src.snippet(s)
            for scope in found:
                yield ScopeSite(scope, src.rel, line, snippet)


def _from_config(src: Source) -> Iterator[ScopeSite]:
    text, spans = src.text, src.spans
    rows: list[tuple[int, list[str], bool]] = []
    pos = 0
    for line in text.splitlines(keepends=True):
        if spans.kind_at(pos + len(line) - len(line.lstrip())) == "code":
            value = line.split("=", 1)[-1] if "=" in line else line.split(":", 1)[-1]
            found, distinctive, _ = _scopes_in(value)
            rows.append((pos, found, distinctive))
        pos += len(line)
    for i, (at, found, distinctive) in enumerate(rows):
        near = distinctive or any(r[2] for r in rows[max(0, i - 1): i + 2])
        if found and near:
            for scope in found:
                yield ScopeSite(scope, src.rel, src.line(at), src.snippet(at))


def requested_scopes(src: Source) -> Iterator[ScopeSite]:
    """The scope sites of one file."""
    yield from (_from_config(src) if src.is_config else _from_strings(src))
