"""Scope names out of whatever holds them: a list, a space- or comma-separated string, a JSON
array (a JWT's ``scope`` claim), a token response, a Token, or the JWT itself (read unverified,
only for its scopes). ``scopes.parse_scopes`` checks the names against the known scopes.

A string is read as people copy it: from a URL's query (``scope=a+b``, ``a%20b``), with ``;``
between names, or as a Python list's repr (``['a', 'b']``). No scope name holds ``+``, ``%`` or
``;``, so reading them as separators never splits a real name.
"""

from __future__ import annotations

import ast
import base64
import re
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import unquote_plus

from xero_nb import jsonsafe

# "scope=a b" copied from a query; "Bearer eyJ..." copied from a request's Authorization header
_KEY = re.compile(r"\A(?:scopes?\s*+[=:]\s*+|(?:authorization:\s*+)?bearer\s++(?=eyj))", re.IGNORECASE)


def _from_jwt(text: str) -> Any:
    """The ``scope`` claim of an unverified JWT (only to read granted scopes)."""
    try:
        payload = text.split(".")[1]
        claims = jsonsafe.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    except (IndexError, ValueError) as exc:
        # Never echo the text: it is a credential (and the cause may quote it: not chained).
        why = "its claims nest too deeply" if isinstance(exc, jsonsafe.TooDeepError) else "not a JWT?"
        raise ValueError(f"could not read the scope claim of that token ({why})") from None
    if not isinstance(claims, dict) or "scope" not in claims:
        # an id_token (or another JWT) holds no scopes: reading it as "none granted" misleads
        raise ValueError("that token has no scope claim: it is not an access token (an id_token?); "
                         "pass the access token, or the token response's scope")
    return claims["scope"]


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
        text = _KEY.sub("", granted.strip(), count=1)
        if text.startswith("["):
            try:
                value = jsonsafe.loads(text)
            except jsonsafe.TooDeepError as exc:
                raise ValueError(f"scope list looks like JSON but nests {exc.depth} levels deep "
                                 f"(a scope list is one flat array)") from None
            except ValueError as exc:
                value = _python_list(text)
                if value is None:
                    raise ValueError(f"scope list looks like JSON but is not: {text[:60]!r}") from exc
            return scope_names(value)
        if text.startswith("eyJ") and text.count(".") == 2:
            return scope_names(_from_jwt(text))
        if "%" in text or "+" in text:  # from a URL: a%20b, a+b (never part of a scope name)
            text = unquote_plus(text)
        return text.replace(",", " ").replace(";", " ").split()
    if isinstance(granted, Mapping):
        for key in ("scope", "scopes"):
            if key in granted:
                return scope_names(granted[key])
        raise ValueError("a mapping of scopes needs a 'scope' key (a token response)")
    scopes_attr = getattr(granted, "scopes", None)
    if scopes_attr is not None and not isinstance(granted, (list, tuple, set, frozenset)):
        return scope_names(list(scopes_attr))
    if isinstance(granted, Iterable):
        out: list[str] = []
        for item in granted:
            if not isinstance(item, str):
                raise TypeError(f"scope names must be strings, got {type(item).__name__}")
            out.extend(item.split())
        return out
    raise TypeError(f"cannot read scopes from {type(granted).__name__}")
