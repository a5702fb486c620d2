"""Scope names out of whatever holds them: a list, a space- or comma-separated string, a JSON
array (a JWT's ``scope`` claim), a token response, a Token, or the JWT itself (read unverified,
only for its scopes). ``scopes.parse_scopes`` checks the names against the known scopes.

A string is read as people copy it: from a URL's query (``scope=a+b``, ``a%20b``, encoded twice,
or a whole authorize URL with ``&state=...`` after it), with ``,``, ``;`` or ``|`` between names, in
quotes (a config file's ``"a b"``), as a Python list's or tuple's repr (``['a', 'b']``), a bracket
list without quotes (YAML's ``[a, b]``), or a JSON object holding a ``scope`` (a token response,
a JWT's claims as jwt.io shows them). No scope name holds ``+``, ``%``, ``,``, ``;``, ``|`` or a
quote, so reading them as separators never splits a real name.
"""

from __future__ import annotations

import ast
import base64
import re
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import unquote_plus

from xero_nb import jsonsafe
from xero_nb.errors import ScopeTextError

# "scope=a b" copied from a query; "Bearer eyJ..." copied from a request's Authorization header
_KEY = re.compile(r"\A(?:scopes?\s*+[=:]\s*+|(?:authorization:\s*+)?bearer\s++(?=eyj))", re.IGNORECASE)
# the scope parameter of a whole URL or query ("...authorize?response_type=code&scope=a+b&state=x")
_QUERY_SCOPE = re.compile(r"(?:^|[?&])scope=([^&#\s]{1,4000})", re.IGNORECASE)
_SEPARATORS = str.maketrans({",": " ", ";": " ", "|": " "})
_QUOTES = "\"'`\u2018\u2019\u201c\u201d"
_BARE_LIST = re.compile(r"[\[(][\w.\s,;|-]{0,20000}[\])]")  # [openid, accounting.invoices.read]


def _words(text: str) -> list[str]:
    """The names in one string: split at spaces and separators, quotes around a name dropped."""
    return [w for w in (w.strip(_QUOTES) for w in text.translate(_SEPARATORS).split()) if w]


def _from_jwt(text: str) -> Any:
    """The ``scope`` claim of an unverified JWT (only to read granted scopes)."""
    try:
        payload = text.split(".")[1]
        claims = jsonsafe.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    except (IndexError, ValueError) as exc:
        # Never echo the text: it is a credential (and the cause may quote it: not chained).
        why = "its claims nest too deeply" if isinstance(exc, jsonsafe.TooDeepError) else "not a JWT?"
        raise ScopeTextError(f"could not read the scope claim of that token ({why})") from None
    if not isinstance(claims, dict) or "scope" not in claims:
        # an id_token (or another JWT) holds no scopes: reading it as "none granted" misleads
        raise ScopeTextError("that token has no scope claim: it is not an access token (an id_token?); "
                         "pass the access token, or the token response's scope")
    return claims["scope"]


def _json(text: str, what: str) -> Any:
    """``text`` read as JSON, or a ValueError saying it looked like ``what`` but is not."""
    try:
        return jsonsafe.loads(text)
    except jsonsafe.TooDeepError as exc:
        raise ScopeTextError(f"scope list looks like {what} but nests {exc.depth} levels deep "
                         "(a scope list is one flat array)") from None
    except ValueError:
        raise ScopeTextError(f"scope list looks like {what} but is not JSON: give the names separated by "
                         "spaces") from None


def _listed(text: str) -> list[str]:
    """The names of a list written as JSON, a Python list's or tuple's repr, or bare ``[a, b]``."""
    try:
        value = jsonsafe.loads(text)
    except jsonsafe.TooDeepError:
        value = _json(text, "JSON")  # (raises, saying how deep)
    except ValueError:
        value = _python_list(text)
        if value is None:
            if not _BARE_LIST.fullmatch(text):
                raise ScopeTextError("scope list looks like JSON but is not: give the names separated by "
                                 "spaces, or a JSON array of strings") from None
            value = [text[1:-1]]  # YAML's flow list, a log's [a, b]: the names between the brackets
    return value if isinstance(value, list) else [value] if isinstance(value, str) else list(value)


def _python_list(text: str) -> list[str] | None:
    """The strings of a Python list's repr (``"['a', 'b']"``), else None (a literal only: no code runs)."""
    if len(text) > 20_000:
        return None
    try:
        value = ast.literal_eval(text)
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        return None
    if isinstance(value, (list, tuple)) and all(isinstance(v, str) for v in value):
        return list(value)
    return None


def scope_names(granted: Any) -> list[str]:
    """The scope names in ``granted``, as written (not checked against the known scopes)."""
    if granted is None:
        return []
    if isinstance(granted, (bytes, bytearray)):
        raise TypeError("scope names must be text, got bytes: decode them first (e.g. .decode('utf-8'))")
    if isinstance(granted, str):
        text = granted.strip()
        if ("?" in text or "&" in text) and (query := _QUERY_SCOPE.search(text)) is not None:
            text = unquote_plus(query.group(1))  # the scope parameter of a URL or a query
        text = _KEY.sub("", text, count=1)
        if len(text) >= 2 and text[0] in _QUOTES and text[-1] in _QUOTES:
            text = text[1:-1].strip()  # the whole list quoted, as a config file writes it
        if text.startswith("{"):  # a token response, a JWT's claims
            value = _json(text, "a JSON object")
            if isinstance(value, Mapping):
                return scope_names(value)
        if text.startswith(("[", "(")):
            return scope_names(_listed(text))
        if text.startswith("eyJ") and text.count(".") == 2:
            return scope_names(_from_jwt(text))
        for _ in range(3):  # from a URL: a%20b, a+b, a%2520b (never part of a scope name)
            if "%" not in text and "+" not in text:
                break
            text = unquote_plus(text)
        return _words(text)
    if isinstance(granted, Mapping):
        for key in ("scope", "scopes"):
            if key in granted:
                return scope_names(granted[key])
        raise ScopeTextError("a mapping of scopes needs a 'scope' key (a token response)")
    scopes_attr = getattr(granted, "scopes", None)
    if scopes_attr is not None and not isinstance(granted, (list, tuple, set, frozenset)):
        return scope_names(list(scopes_attr))
    if isinstance(granted, Iterable):
        out: list[str] = []
        for item in granted:
            if not isinstance(item, str):
                raise TypeError(f"scope names must be strings, got {type(item).__name__}")
            out.extend(_words(item))
        return out
    raise TypeError(f"cannot read scopes from {type(granted).__name__}")
