"""The exception tree: one root, each subclass with a stable ``code``.

Expected outcomes (a 403 from a probe, a refused scope) are values, not exceptions.
These are for misuse and configuration, and their messages never carry a secret.
"""

from __future__ import annotations

import sys
import warnings
from pathlib import Path
from typing import Any

_PACKAGE = str(Path(__file__).resolve().parent)


class XeroNbWarning(UserWarning):
    """A warning raised by xero-nb itself (tests turn these into errors)."""


def warn_user(message: str, category: type[Warning] | None = None) -> None:
    """Warn at the user's own line: the first caller outside the xero_nb package, however
    many of its frames lie between (a sign-in, a refresh and a direct save differ in depth)."""
    frame = sys._getframe(1)
    level = 2  # warnings.warn's stacklevel for the frame ``frame`` is
    while frame.f_back is not None and frame.f_code.co_filename.startswith(_PACKAGE):
        frame = frame.f_back
        level += 1
    warnings.warn(message, category or XeroNbWarning, stacklevel=level)


class XeroNbError(Exception):
    """Root of every xero-nb exception. A message that echoes what was passed in (a scope, a URL)
    has any credential in it masked, whatever the caller typed there."""

    code = "xero_nb_error"

    def __init__(self, *args: object) -> None:
        from xero_nb.redact import said_safely

        super().__init__(*(_bounded(said_safely(a)) if isinstance(a, str) else a for a in args))


MAX_MESSAGE = 2000  # an error that echoes a megabyte of input is cut, saying how long it was


def _bounded(message: str) -> str:
    return message if len(message) <= MAX_MESSAGE else (
        f"{message[:MAX_MESSAGE]}... (cut: the message was {len(message):,} characters)")


def printable(text: str) -> str:
    """``text`` with its control characters written as escapes (a line break as \\n): a message
    that quotes user input stays on its line and shows what was there."""
    return "".join(ch if 32 <= ord(ch) != 127 else repr(ch)[1:-1] for ch in text)


def non_ascii(text: str, what: str) -> str | None:
    """Where ``text`` holds a character that is not ASCII (a Cyrillic a, a Greek capital iota, a
    zero-width space), said so that a look-alike shows: no Xero scope or URL has one. None when
    it has none. E.g. "the scope contains a non-ASCII character '<the glyph>' (U+0430 CYRILLIC
    SMALL LETTER A) at position 1"; an invisible one is named, not shown. Positions count from 1.
    """
    import unicodedata

    found = [(i, ch) for i, ch in enumerate(text, 1) if ord(ch) > 127 or ord(ch) < 32 or ord(ch) == 127]
    if not found:
        return None

    def say(ch: str) -> str:
        name = unicodedata.name(ch, "unnamed")
        shown = "" if unicodedata.category(ch)[0] in "CZ" else f"'{ch}' "  # invisible: no glyph
        return f"{shown}(U+{ord(ch):04X} {name})"

    i, ch = found[0]
    more = len(found) - 1
    also = f", and {more} more after it" if more else ""
    if ord(ch) < 128:  # an ASCII control character (a NUL, a ^A copied from a terminal)
        return f"{what} contains a control character (U+{ord(ch):04X}) at position {i}{also}"
    kind = "an invisible " if unicodedata.category(ch)[0] in "CZ" else "a "
    return f"{what} contains {kind}non-ASCII character {say(ch)} at position {i}{also}"


class UnknownScopeError(XeroNbError, ValueError):
    """A scope name that Xero does not know."""

    code = "unknown_scope"

    def __init__(self, name: str, suggestion: str | None, why: str | None = None) -> None:
        self.name = name
        self.suggestion = suggestion
        hint = f' — did you mean "{suggestion}"?' if suggestion else f" — {why}" if why else ""
        odd = non_ascii(name, "the scope")  # a look-alike letter makes the two read the same
        super().__init__(f'unknown Xero scope "{name}"{hint}' + (f" — {odd}" if odd else ""))


class ScopeTextError(XeroNbError, ValueError):
    """A scope list that could not be read as names (JSON that is not, a mapping without a scope)."""

    code = "scope_text"


class UnknownEraError(XeroNbError, ValueError):
    """An era other than broad, granular or mixed."""

    code = "unknown_era"


class UnreachableEndpointError(XeroNbError, ValueError):
    """Endpoints that no scope grants in the era asked about (ExpenseClaims in the granular era)."""

    code = "no_scope_grants"


class CatalogError(XeroNbError):
    """The endpoint catalog or a spec folder could not be read."""

    code = "catalog_error"


class EndpointNotFoundError(XeroNbError, LookupError, ValueError):
    """A URL or template that matches no catalog endpoint."""

    code = "endpoint_not_found"


class AmbiguousEndpointError(XeroNbError, LookupError):
    """A URL that means different endpoints in different payroll regions (``candidates``)."""

    code = "ambiguous_endpoint"

    def __init__(self, message: str, candidates: tuple[Any, ...] = ()) -> None:
        super().__init__(message)
        self.candidates = candidates  # the Endpoints the URL could mean


class ConfigError(XeroNbError):
    """Missing or invalid configuration (client id, redirect URI, profile)."""

    code = "config_error"


class AuthError(XeroNbError):
    """An OAuth2 flow failed; ``code`` is Xero's error (invalid_grant, ...) when known."""

    code = "auth_error"

    def __init__(self, message: str, *, code: str | None = None, hint: str | None = None) -> None:
        if code is not None:
            self.code = code
        self.hint = hint
        super().__init__(message if hint is None else f"{message} — {hint}")


class TokenStoreError(XeroNbError):
    """The token store could not be read or written."""

    code = "token_store_error"


class WriteNotAllowedError(XeroNbError):
    """A write to a Xero organisation was attempted without ``allow_writes=True``."""

    code = "write_not_allowed"
