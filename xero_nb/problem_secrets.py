"""Keeping secrets out: redaction of tokens, secrets and codes, and reading JWT claims unverified."""

from __future__ import annotations

import base64
import json
import re
from typing import Any

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


def jwt_claims(token: str) -> dict[str, Any]:
    """The unverified claims of a JWT, or {} (only read for scopes and expiry, never shown)."""
    try:
        payload = token.strip().split(".")[1]
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    except Exception:  # not a JWT: no claims
        return {}
    return claims if isinstance(claims, dict) else {}
