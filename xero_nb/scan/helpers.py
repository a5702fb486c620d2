"""An app's own helpers around Xero: a function that builds a Xero URL from its parameter and the
calls that pass it the path.

Integrations often wrap Xero once::

    def _accounting_get(self, path):
        return self._request("GET", f"{ACCOUNTING_API_URL}/{path}")

    ...
    self._accounting_get("Contacts")      # the call: GET /Contacts

The helper's own string is no call (its resource is a parameter); each call of the helper with a
literal path is one, with the helper's method (or the one its caller passes, when the helper takes
the method too).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from xero_nb.scan.model import CallSite
from xero_nb.scan.source import Source

# the one placeholder a helper's path is: "/{path}", "/${endpoint}", "/{resource}?x=1"
_HOLE_ONLY = re.compile(r"/\$?\{\s*([A-Za-z_]\w*)\s*\}/?(?:[?#].*)?")
# where a function starts: Python's def, JavaScript's function / method / arrow assigned to a name
_DEF = re.compile(r"(?m)^[ \t]*(?:async[ \t]+)?def[ \t]+(\w+)[ \t]*\(([^)]*)\)"
                  r"|\bfunction[ \t]+(\w+)[ \t]*\(([^)]*)\)"
                  r"|^[ \t]*(?:(?:public|private|protected|static|async)[ \t]+)*(\w+)[ \t]*\(([^)]*)\)[ \t]*"
                  r"(?::[ \t]*[\w<>\[\], .|]+)?[ \t]*\{"
                  r"|\b(\w+)[ \t]*=[ \t]*(?:async[ \t]+)?\(([^)]*)\)[ \t]*=>")
_OWN = frozenset({"self", "cls", "this"})
_KEYWORDS = frozenset({"if", "for", "while", "switch", "catch", "return", "with", "elif"})
_METHOD_PARAMS = frozenset({"method", "verb", "http_method", "httpmethod", "request_method"})


@dataclass(frozen=True, slots=True)
class Helper:
    """A function of the app's that calls Xero at ``base`` + its path parameter."""

    file: str
    line: int
    name: str  # the function's name, as written
    path_arg: int  # which argument (self not counted) is the path
    method: str | None  # the helper's own verb, or None: its caller passes it
    method_arg: int | None  # which argument is the verb, when the helper takes one
    base: str  # the Xero base URL, or "" while ``base_name`` waits for the whole tree's names
    base_name: str = ""  # (normalised) the constant the base comes from
    snippet: str = ""  # the line, for when the base turns out to be a resource's URL (no helper then)


def _params(text: str) -> list[str]:
    names = []
    for raw in text.split(","):
        name = re.split(r"[:=]", raw.strip(), maxsplit=1)[0].strip().lstrip("*&$")
        if name and name not in _OWN:
            names.append(name)
    return names


def helper_at(src: Source, s: int, rest: str, method: str | None, base: str, base_name: str = ""
              ) -> Helper | None:
    """The helper whose body holds the string at ``s`` (``rest``: its text after the base), or None
    when the string is no helper's (the placeholder is not a parameter of the function around it)."""
    hole = _HOLE_ONLY.fullmatch(rest.strip())
    if hole is None:
        return None
    found = None
    for m in _DEF.finditer(src.text, max(0, s - 4000), s):
        name = next(g for g in m.groups()[0::2] if g is not None)
        if name not in _KEYWORDS:
            found = (name, _params(next(g for g in m.groups()[1::2] if g is not None)))
    if found is None:
        return None
    name, params = found
    if hole.group(1) not in params:
        return None
    verb_at = next((i for i, p in enumerate(params) if p.lower() in _METHOD_PARAMS), None)
    return Helper(src.rel, src.line(s), name, params.index(hole.group(1)), method,
                  None if method else verb_at, base, base_name, src.snippet(s))


_STRING = re.compile(r"""\s*[fFrRbBuU]{0,2}(["'`])((?:(?!\1)[^\\\n]|\\.){0,200})\1\s*""")


def _arguments(text: str, start: int) -> list[str | None]:
    """The arguments of the call whose "(" ends at ``start``: each a literal string's text, or None."""
    out: list[str | None] = []
    i, depth, begin = start, 0, start
    while i < len(text) and i < start + 600:
        ch = text[i]
        if ch in "\"'`":
            close = _STRING.match(text, i)
            i = close.end() if close else i + 1
            continue
        if ch in "([{":
            depth += 1
        elif ch in ")]}" and depth:
            depth -= 1
        elif ch in ",)" and not depth:
            literal = _STRING.fullmatch(text[begin:i])
            if text[begin:i].strip():
                out.append(literal.group(2) if literal else None)
            if ch == ")":
                return out
            begin = i + 1
        i += 1
    return out


# (method or None, URL) -> (endpoint or None, note): urls.resolve, given by the engine
Resolver = Callable[[str | None, str], tuple[Any, str]]


def helper_calls(src: Source, helpers: list[Helper], resolve: Resolver) -> list[CallSite]:
    """Each call of one of ``helpers`` in ``src`` that passes a literal path: the Xero call it makes."""
    out = []
    for helper in helpers:
        if helper.name + "(" not in src.text.replace(" (", "("):
            continue
        for m in re.finditer(rf"(?<![\w$]){re.escape(helper.name)}\s*\(", src.text):
            if src.spans.kind_at(m.start()) != "code" or (src.rel, src.line(m.start())) == (
                    helper.file, helper.line) or _DEF.match(src.text, src.text.rfind("\n", 0, m.start()) + 1):
                continue
            args = _arguments(src.text, m.end())
            path = args[helper.path_arg] if helper.path_arg < len(args) else None
            if not path or not helper.base:
                continue
            verb = helper.method
            if verb is None and helper.method_arg is not None and helper.method_arg < len(args):
                given = args[helper.method_arg]
                verb = given.upper() if given and given.upper() in ("GET", "POST", "PUT", "PATCH", "DELETE") \
                    else None
            ep, note = resolve(verb, helper.base.rstrip("/") + "/" + path.lstrip("/"))
            if ep is None:
                continue
            said = f"through {helper.name}() ({helper.file}:{helper.line})" + (f"; {note}" if note else "")
            out.append(CallSite(src.rel, src.line(m.start()), src.snippet(m.start()), ep.api, ep.operation_id,
                                ep.method, ep.path, "http", 0.85 if verb else 0.6, said))
    return out
