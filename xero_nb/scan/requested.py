"""The scopes the code requests: scope strings and lists in code, and scope values in config files.

A string (or, in a config file, a line) counts when it names a distinctive Xero scope (one with
a dot, or ``offline_access``): then every known scope in it is requested. Strings that hold
only plain words that are also scopes (``"openid"``, ``"email"``, ``"files"``) count when a
distinctive scope string stands near them, as in a list ``["openid", "accounting.invoices"]``.
Authorize URLs (``scope=openid%20accounting.invoices``) read the same way.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator
from functools import lru_cache

from xero_nb.catalog.scopes import known_scopes
from xero_nb.scan.model import ScopeSite
from xero_nb.scan.source import Source

# Letters in any script, and the invisible characters a copy from a web page carries (no-break
# and zero-width spaces, joiners, a byte-order mark): Xero receives them as part of the scope and
# refuses it, so a look-alike (a Cyrillic i in "accounting.invoices") is one misspelt word.
_ODD = "\u00a0\u200b-\u200d\u2060\ufeff"
_LETTER = rf"(?:[^\W\d]|[{_ODD}])"
_WORD = re.compile(rf"{_LETTER}++(?:\.{_LETTER}++)*+")
_NEAR = 300  # characters within which plain scope words join a distinctive scope string
# plain scope words that are no ordinary word: Xero's own, so a list of one of them is a scope list
_XERO_WORDS = frozenset({"paymentservices", "bankfeeds", "einvoicing"})
# a string given as scopes by name: scopes=["projects"], "scope": "assets", SCOPE = 'files'
_SCOPE_CONTEXT = re.compile(r"scopes?[\"']?\s{0,3}[:=]\s{0,3}[\[(]?\s{0,3}"
                            r"(?:[\"'][\w.]{0,40}[\"']\s{0,3},\s{0,3}){0,8}$", re.IGNORECASE)


@lru_cache(maxsize=1)
def _dotted() -> tuple[frozenset[str], tuple[str, ...]]:
    """The first parts of the dotted Xero scopes (accounting, payroll, ...) and the scopes."""
    dotted = tuple(sorted(s for s in known_scopes() if "." in s))
    return frozenset(s.split(".", 1)[0] for s in dotted), dotted


def misspelt_in(body: str) -> list[str]:
    """Dotted words in ``body`` that look like a Xero scope but are none (``accounting.contact.read``,
    ``acounting.settings``): a family Xero uses, or a near miss of one of its scopes."""
    known = known_scopes()
    families = _dotted()[0]
    out = []
    for w in _WORD.findall(body.replace("%20", " ")):
        if "." not in w or w in known or w.count(".") > 3 or len(w) > 60 or ".xro" in w.lower():
            continue  # (an API's base path, /projects.xro/2.0, is no scope)
        if any(c.isupper() for part in w.split(".") for c in part[1:]):
            continue  # CamelCase inside a part: another provider's scope (Files.ReadWrite), a namespace
        head = re.split(f"[{_ODD}]", w)[-1].split(".", 1)[0].lower()  # "openid<NBSP>accounting"
        if head in families or _near_scope(w):
            out.append(w)
    return out


@lru_cache(maxsize=8192)
def _near_scope(word: str) -> bool:
    """True when ``word`` is a near miss of a dotted Xero scope (the same words recur across files)."""
    return bool(difflib.get_close_matches(word, _dotted()[1], 1, 0.85))


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
    typos: list[tuple[int, list[str]]] = []
    marks: list[int] = []
    for s, e in src.spans.strings():
        if e - s > 2000:
            continue
        body = text[s:e].strip("\"'`")
        found, distinctive, only = _scopes_in(body)
        if distinctive:
            marks.append(s)
            line, snippet = src.line(s), src.snippet(s)
            for scope in found:
                yield ScopeSite(scope, src.rel, line, snippet)
            for word in misspelt_in(body):
                yield ScopeSite(word, src.rel, line, snippet, known=False)
        elif only and found and (set(found) & _XERO_WORDS
                                 or _SCOPE_CONTEXT.search(text[max(0, s - 200):s]) is not None):
            marks.append(s)  # a scope list by name, or Xero's own word: its plain scopes are requested
            line, snippet = src.line(s), src.snippet(s)
            for scope in found:
                yield ScopeSite(scope, src.rel, line, snippet)
        elif only and found:
            plain.append((s, found))
        elif " " not in body.strip() and (miss := misspelt_in(body)):
            typos.append((s, miss))  # one scope-like word on its own, as in a list of scopes
    for s, found in plain:
        if any(abs(s - m) <= _NEAR for m in marks):
            line, snippet = src.line(s), src.snippet(s)
            for scope in found:
                yield ScopeSite(scope, src.rel, line, snippet)
    for s, miss in typos:
        if any(abs(s - m) <= _NEAR for m in marks):
            line, snippet = src.line(s), src.snippet(s)
            for word in miss:
                yield ScopeSite(word, src.rel, line, snippet, known=False)


def _from_config(src: Source) -> Iterator[ScopeSite]:
    text, spans = src.text, src.spans
    rows: list[tuple[int, list[str], bool, str]] = []
    pos = 0
    for line in text.splitlines(keepends=True):
        if spans.kind_at(pos + len(line) - len(line.lstrip())) == "code":
            value = line.split("=", 1)[-1] if "=" in line else line.split(":", 1)[-1]
            found, distinctive, _ = _scopes_in(value)
            rows.append((pos, found, distinctive, value))
        pos += len(line)
    for i, (at, found, distinctive, value) in enumerate(rows):
        near = distinctive or any(r[2] for r in rows[max(0, i - 1): i + 2])
        if found and near:
            for scope in found:
                yield ScopeSite(scope, src.rel, src.line(at), src.snippet(at))
        if near:
            for word in misspelt_in(value):
                yield ScopeSite(word, src.rel, src.line(at), src.snippet(at), known=False)


# pyxero's names for the scopes: XeroScopes.ACCOUNTING_JOURNALS_READ, XeroScopes.OFFLINE_ACCESS
_PYXERO_SCOPE = re.compile(r"\bXeroScopes\.([A-Z][A-Z0-9_]+)\b")


def _from_constants(src: Source) -> Iterator[ScopeSite]:
    """The scopes named by pyxero's ``XeroScopes`` constants in the code."""
    if "XeroScopes." not in src.text:
        return
    known = known_scopes()
    for m in _PYXERO_SCOPE.finditer(src.text):
        if src.spans.kind_at(m.start()) != "code":
            continue
        name = m.group(1).lower()
        scope = name if name in known else name.replace("_", ".")
        yield ScopeSite(scope, src.rel, src.line(m.start()), src.snippet(m.start()), known=scope in known)


def requested_scopes(src: Source) -> Iterator[ScopeSite]:
    """The scope sites of one file."""
    if src.is_config:
        yield from _from_config(src)
        return
    yield from _from_strings(src)
    yield from _from_constants(src)
