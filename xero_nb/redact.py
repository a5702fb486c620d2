"""Keeping secrets out of every output: tokens, secrets, codes and verifiers become a marker.

>>> redact("Authorization: Bearer abc.def")
'Authorization: Bearer [redacted]'

Every report, log line, table, repr and notebook output goes through this one module.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Iterable
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

REDACTED = "[redacted]"
SECRET_HEADERS = frozenset({"authorization", "cookie", "set-cookie", "proxy-authorization"})
_SECRET_KEYS = r"access_token|refresh_token|id_token|client_secret|code_verifier|code|password|assertion"
# Placeholders a snippet uses instead of a secret ($ENV, os.environ[...], <TOKEN>, {...}).
_PLACEHOLDER = r"(?!\$|os\.environ|<|\{|\[redacted\]|null\b|None\b)"
_REDACTIONS = (
    # A JWT, also when cut short after its payload (the rest of the text was truncated).
    (re.compile(r"eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}(?:\.[A-Za-z0-9_-]*)?"), REDACTED),
    # A token, not an RFC 6750 challenge (WWW-Authenticate: Bearer error="insufficient_scope").
    (re.compile(r"(?i)\b(Bearer)\s+(?!(?:realm|scope|error|error_description|error_uri)\s*=)"
                + _PLACEHOLDER + r"[A-Za-z0-9._~+/=-]+"), r"\1 " + REDACTED),
    (re.compile(r"(?i)\b(Basic)\s+(?=[A-Za-z0-9+/=]*[0-9+/=])[A-Za-z0-9+/=]{8,}"), r"\1 " + REDACTED),
    (re.compile(r"""(?i)(?<![A-Za-z0-9_-])(["']?(?:""" + _SECRET_KEYS + r""")["']?\s*[:=]\s*["']?)"""
                + _PLACEHOLDER + r"""[^"'&\s,}]+"""), r"\1" + REDACTED),
    (re.compile(r"""(?i)(?<![A-Za-z0-9_-])(["']?(?:authorization|cookie)["']?\s*[:=]\s*["']?)"""
                r"""(?!Bearer|Basic)""" + _PLACEHOLDER + r"""[^\s"',}][^"'\n,}]*"""), r"\1" + REDACTED),
)

def redact(text: str) -> str:
    """``text`` with bearer tokens, JWTs, client secrets and auth codes replaced by a marker."""
    for pattern, repl in _REDACTIONS:
        text = pattern.sub(repl, text)
    return text


def mask(secret: str | None) -> str:
    """``'…wxyz'``: the last 4 characters only (what a person needs to tell tokens apart)."""
    if not secret:
        return "None"
    return "…" + secret[-4:] if len(secret) > 8 else "…"


TOKEN_PLACEHOLDER = "<ACCESS_TOKEN>"
# Names whose values are credentials wherever they appear (query, form, JSON, headers).
SECRET_NAMES = frozenset({
    "access_token", "refresh_token", "id_token", "token", "code", "code_verifier",
    "client_secret", "client_assertion", "assertion", "password", "secret",
})
# In JSON bodies "Code" is an ordinary field (account codes), so only token names count there.
JSON_SECRET_NAMES = frozenset({"access_token", "refresh_token", "id_token", "client_secret"})


def scrub(text: str, secrets: Iterable[str]) -> str:
    """Replace every known secret value in ``text``."""
    for secret in secrets:
        if secret and len(secret) >= 4:
            text = text.replace(secret, REDACTED)
    return text


def redact_url(url: str, secrets: Iterable[str] = ()) -> str:
    """The URL with credential-like query values replaced."""
    parts = urlsplit(url)
    if parts.query:
        pairs = [(k, REDACTED if k.lower() in SECRET_NAMES else v)
                 for k, v in parse_qsl(parts.query, keep_blank_values=True)]
        parts = parts._replace(query=urlencode(pairs, safe="[]<>"))
    return scrub(urlunsplit(parts), secrets)


def redact_json(value: Any) -> Any:
    """A decoded JSON value with token fields replaced."""
    if isinstance(value, dict):
        return {k: REDACTED if str(k).lower() in JSON_SECRET_NAMES else redact_json(v)
                for k, v in value.items()}
    if isinstance(value, list):
        return [redact_json(v) for v in value]
    return value


def redact_body(body: str, secrets: Iterable[str] = ()) -> str:
    """A request body (JSON or form) with credential fields replaced."""
    text = body.strip()
    if text.startswith(("{", "[")):
        try:
            parsed = json.loads(text)
        except ValueError:
            parsed = None
        if parsed is not None:
            cleaned = redact_json(parsed)
            if cleaned != parsed:  # re-serialise only when a field had to go
                return scrub(json.dumps(cleaned, separators=(",", ":")), secrets)
    elif "=" in text and " " not in text:
        pairs = [(k, REDACTED if k.lower() in SECRET_NAMES else v)
                 for k, v in parse_qsl(text, keep_blank_values=True)]
        return scrub(urlencode(pairs, safe="[]<>"), secrets)
    return scrub(body, secrets)


def redact_headers(headers: Iterable[tuple[str, str]],
                   secrets: Iterable[str] = ()) -> tuple[tuple[str, str], ...]:
    """Headers with Authorization shown as a placeholder and cookies dropped."""
    secrets = tuple(secrets)
    out = []
    for name, value in headers:
        low = name.lower()
        if low in ("authorization", "proxy-authorization"):
            scheme = value.split(" ", 1)[0] if " " in value else "Bearer"
            out.append((name, f"{scheme} {TOKEN_PLACEHOLDER}"))
        elif low in SECRET_HEADERS or "secret" in low:
            continue
        else:
            out.append((name, scrub(value, secrets)))
    return tuple(out)


def jwt_claims(token: str | None) -> dict[str, Any]:
    """The unverified claims of a JWT, or {} (only read for scopes and expiry, never shown)."""
    try:
        payload = (token or "").strip().split(".")[1]
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    except Exception:  # not a JWT: no claims
        return {}
    return claims if isinstance(claims, dict) else {}
