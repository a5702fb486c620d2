"""Keeping secrets out of every output: tokens, secrets, codes and verifiers become a marker.

>>> redact("Authorization: Bearer abc.def")
'Authorization: Bearer [redacted]'
>>> redact("export XERO_CLIENT_SECRET='s3cr3t-value-xyz'")
"export XERO_CLIENT_SECRET='[redacted]'"
>>> redact("Error code: 500, TokenExpired: token expired")
'Error code: 500, TokenExpired: token expired'

Every report, log line, table, repr and notebook output goes through this one module. Besides
the shapes a credential is written in (headers, query strings, JSON, env assignments, curl
flags, URL user info, SDK printouts, prose), ``redact`` replaces the exact values this kernel
holds: ``remember_secret`` is called where tokens, client secrets and verifiers come in
(``xero_nb.auth.logs`` puts the same redaction on the HTTP, OAuth and xero-nb loggers).
"""

from __future__ import annotations

import base64
import json
import re
import threading
from collections import Counter
from collections.abc import Iterable
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from xero_nb import jsonsafe

REDACTED = "[redacted]"
SECRET_HEADERS = frozenset({"authorization", "cookie", "set-cookie", "proxy-authorization"})
# Placeholders a snippet uses instead of a secret ($ENV, os.environ[...], <TOKEN>, {...}).
_PLACEHOLDER = r"(?!\$|os\.environ|<|\{|\[redacted\]|null\b|None\b)"
_PLACEHOLDERS = ("$", "os.environ", "process.env", "<", "{", "[redacted", "%s", "%(", "ENV[", "getenv")
_EMPTY_WORDS = frozenset({"", "null", "none", "nil", "undefined", "true", "false"})
_TOKEN_CHARS = r"[A-Za-z0-9._~+/=%-]"

# Key names (split into words: accessToken, XERO_CLIENT_SECRET, x-access-token) whose values are
# credentials whatever they look like...
_SPECIFIC_PAIRS = frozenset({
    ("access", "token"), ("refresh", "token"), ("id", "token"), ("auth", "token"),
    ("session", "token"), ("bearer", "token"), ("client", "secret"), ("app", "secret"),
    ("consumer", "secret"), ("code", "verifier"), ("client", "assertion"), ("api", "key"),
    ("secret", "key"), ("private", "key"),
    # Xero's webhooks key signs each delivery (x-xero-signature): whoever holds it can forge one
    ("webhook", "key"), ("webhooks", "key"), ("signing", "key"),
})
_SPECIFIC_WORDS = frozenset({"password", "passwd", "pwd"})
# ...and names that are credentials unless the value reads as a word ("Invalid token: the ...").
_GENERIC_WORDS = frozenset({"token", "secret", "assertion", "credential", "credentials"})
_WORDS = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+")
_WORDLIKE = re.compile(r"[A-Z]?[a-z]+")

# key (ending in a credential word) and separator; the value is read in a lookahead, so a key
# that turns out not to be secret ("code: 500") consumes nothing after its separator. A bare
# value stops at ":" and "=" (base64 padding aside): no value spans the next key's separator,
# so the scan stays linear. A quoted value goes on over JSON's escaped "/" ("1\/\/0g...").
_KEY_VALUE = re.compile(
    r"""(?:(?<![A-Za-z0-9_.\-])|(?<=--))(?=[A-Za-z])(?P<key>[A-Za-z0-9_.\-]{0,80}?"""
    r"""(?i:token|secret|password|passwd|pwd|verifier|assertion|credentials?|key|code))"""
    r"""(?![A-Za-z0-9_.\-])(?P<kq>\\?["'])?(?P<sep>[ \t]*[:=][ \t]*)"""
    r"""(?=(?P<vq>\\?["'`])(?P<qval>(?:[^"'`\\\n]|\\[/u])*)|(?P<bval>[^\s"'`\\&,;:=}\]<>)]*=*))""")
_PROSE = re.compile(
    r"""(?i)\b(?:(?:client|app|consumer)[ _-]?secret|(?:access|refresh|id|bearer)[ _-]?token"""
    r"""|api[ _-]?key|(?:code|pkce)[ _-]?verifier|password|secret)"""
    r"""(?:[ \t]{1,5}(?!(?:is|was)\b)[A-Za-z']{1,20}){0,3}"""
    r"""\s+(?:is|was|=)\s*:?\s*"""
    r"""(?:(?P<vq>["'`])(?P<qval>[^\s"'`]+)|(?P<bval>[^\s"'`,;]+))""")
# The same credential words with the value right after them, as error messages write it ("refresh
# token 8a7b... is invalid", "client secret Xy12... does not match", "client_secret 'Xy12...'
# does not match", "token Ab12... expired", "grant 8a7b... was rotated"): no "is" or "=" marks the
# value, so it must look like one (eight or more token characters, letters and digits both). A
# bare "code" counts only before words an OAuth code is said with ("... already used"), so an
# "Error code E1234567" stays, and so does the HTTP version after a token endpoint's path in a
# request line ("POST .../connect/token HTTP/1.1").
_PROSE_BARE = re.compile(
    r"""(?i)\b(?:(?:(?:(?:client|app|consumer)[ _-]?)?secret|"""
    r"""(?:(?:access|refresh|id|bearer)[ _-]?)?token|grant|"""
    r"""api[ _-]?key|(?:code|pkce)[ _-]?verifier|(?:authori[sz]ation|auth)[ _-]?code)[ \t]+['"`]?"""
    r"""(?!HTTP/\d(?:\.\d)?(?![A-Za-z0-9._~+/=-]))"""
    r"""(?P<val>[A-Za-z0-9._~+/-]{8,}=*)"""
    r"""|\bcode[ \t]+(?P<code>[A-Za-z0-9._~+/-]{8,})(?=[ \t]+(?:was[ \t]+|is[ \t]+|has[ \t]+been[ \t]+|"""
    r"""has[ \t]+)?(?:already|expired|invalid|used|redeemed|not[ \t]+valid)\b))""")
_NOT_A_TOKEN = r"(?!(?:token|tokens|auth|authentication|authorization|scheme|header|realm|scope" \
               r"|error|error_description|error_uri)\b)"
# A JWT, also when cut short after its payload (the rest of the text was truncated).
_JWT = re.compile(r"eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}(?:\.[A-Za-z0-9_-]*)?")
_REDACTIONS = (
    # https://ID:SECRET@host/...
    (re.compile(r"(://[^\s:/@?#]*):[^\s/@?#]+(?=@)"), r"\1:" + REDACTED),
    # curl -u ID:SECRET, --user=ID:SECRET
    (re.compile(r"""(?<!\S)(-u[ \t]*|--user[= \t][ \t]*)(["']?)([^\s:"']+):""" + _PLACEHOLDER
                + r"""[^\s"']+"""), r"\1\2\3:" + REDACTED),
    # A token (also URL-encoded: Bearer%20...), not an RFC 6750 challenge or a word.
    (re.compile(r"(?i)(?<![A-Za-z])(Bearer)(\s+|%20|\+)" + _NOT_A_TOKEN + _PLACEHOLDER + _TOKEN_CHARS
                + "++(?!:)"),
     r"\1\2" + REDACTED),
    (re.compile(r"(?i)(?<![A-Za-z])(Basic)\s+(?=[A-Za-z0-9+/=]*[0-9+/=])[A-Za-z0-9+/=]{8,}"),
     r"\1 " + REDACTED),
    # OAuth's state in a redirect URL goes with the code (the notebook pre-save hook did this alone)
    (re.compile(r"([?&#;]state=)(?!\[redacted\])[^&#\s\"'<>\\]+"), r"\1" + REDACTED),
    # A secret given positionally in code a traceback shows: the second argument of the auth classes
    # that take (client id, client secret) or (user, password), and requests' auth=(id, secret)
    (re.compile(r"""(\b(?:OAuth2Credentials|OAuth2Token|OAuth2Session|AsyncOAuth2Client|OAuth2Client|"""
                r"""HTTPBasicAuth|HTTPDigestAuth|BasicAuth|PrivateCredentials|PublicCredentials)"""
                r"""[ \t]{0,4}\("""
                r"""|\bauth[ \t]{0,4}=[ \t]{0,4}[(\[])[ \t]{0,4}[^,()\n]{0,200},[ \t]{0,4}(["'])"""
                r"""(?!\[redacted\])[^"'\n]{1,300}(?=\2)"""),
     lambda m: m.group(0)[:m.end(2) - m.start()] + REDACTED),
)
# A name and its value as separate members, as Postman environments and HAR files write them:
# {"key": "client_secret", "value": "..."}, {"name": "refresh_token", "value": "..."}.
_NAMED_VALUE = re.compile(
    r"""(?P<head>["'](?:key|name)["'][ \t]*:[ \t]*["'](?P<name>[A-Za-z0-9_.\- ]{1,80})["'][ \t]*,"""
    r"""[ \t\r\n]{0,40}"""
    r"""["']value["'][ \t]*:[ \t]*["'])(?P<val>(?:[^"'\\\n]|\\.){1,20000})(?=["'])""")
_HEADER = re.compile(r"""(?i)(?<![A-Za-z0-9_-])(["']?(?:authorization|cookie)["']?\s*[:=]\s*["']?)"""
                     r"""(?!Bearer|Basic)""" + _PLACEHOLDER + r"""[^\s"',}][^"'\n,}]*""")

# -- the exact values this kernel holds ------------------------------------------------------
REMEMBER_MAX = 64  # the newest values kept (a long session refreshes every 30 minutes)
_REMEMBER_MIN = 12  # shorter values could be ordinary words
_REMEMBER_LONGEST = 8192  # longer values are not worth a regex (JWTs are caught by shape)
_remembered: dict[str, None] = {}
_remembered_re: re.Pattern[str] | None = None
_remember_lock = threading.Lock()


def remember_secret(value: str | None) -> None:
    """Have ``redact`` replace this exact value from now on (kept in memory only, never logged).

    Called where secrets come in: a Token, a Settings' client secret, a PKCE verifier, an
    authorization code. Short or repetitive values are not kept (they could be ordinary text).
    """
    global _remembered_re
    if not isinstance(value, str) or not _REMEMBER_MIN <= len(value) <= _REMEMBER_LONGEST:
        return
    if len(set(value)) < 5:
        return
    with _remember_lock:
        if value in _remembered:
            return
        _remembered[value] = None
        while len(_remembered) > REMEMBER_MAX:
            del _remembered[next(iter(_remembered))]
        longest_first = sorted(_remembered, key=len, reverse=True)
        _remembered_re = re.compile("|".join(map(re.escape, longest_first)))


def forget_secrets() -> None:
    """Drop every remembered value (tests; a kernel keeps them until it ends)."""
    global _remembered_re
    with _remember_lock:
        _remembered.clear()
        _remembered_re = None


def _scrub_remembered(text: str) -> str:
    pattern = _remembered_re
    return pattern.sub(REDACTED, text) if pattern is not None else text


# -- shapes ------------------------------------------------------------------------------------
def _placeholder(value: str) -> bool:
    return value.lower() in _EMPTY_WORDS or value.startswith(_PLACEHOLDERS)


def _opaque(value: str) -> bool:
    """Looks like a credential rather than a word ("expired", "Invalid", "refused:" are words)."""
    bare = value.rstrip(".,:;!?)")
    return len(bare) >= 8 and not _WORDLIKE.fullmatch(bare)


# What an unquoted value must look like to be taken for a credential: token characters (and
# the few more a password has), at least one letter or digit; not the next ``key=`` of a form
# or a call written in prose (``token= / granted=``, ``token= granted=...``).
_BARE_VALUE = re.compile(r"[A-Za-z0-9._~+/=%!*#@^-]++")
_NEXT_KEY = re.compile(r"(?:[a-z]++(?:[_.-][a-z]++)*+|[A-Z]++(?:[_.-][A-Z]++)*+|[a-z]++(?:[A-Z][a-z]++)++)=")
_MIN_BARE = 4  # a generic "token=" takes a value this long at least ("token=x", "token=..." are not)


def _bare_credential(value: str, specific: bool) -> bool:
    """An unquoted value (with a letter or digit) that can be a credential: not the next key;
    ``specific`` (the key says it is one), any length; else long enough, in token characters."""
    if _NEXT_KEY.fullmatch(value):
        return False
    return specific or (len(value) >= _MIN_BARE and _BARE_VALUE.fullmatch(value) is not None)


# RFC 6749's error names: what follows "token:" in a log of a refused exchange, never a credential
_OAUTH_ERROR_NAMES = frozenset({"invalid_grant", "invalid_client", "invalid_scope", "invalid_request",
                                "unauthorized_client", "unsupported_grant_type", "access_denied",
                                "unsupported_response_type", "server_error", "temporarily_unavailable"})


def _pair_span(m: re.Match[str]) -> tuple[int, int] | None:
    """Where the value of a ``key: value`` pair is, if that value is a credential."""
    quoted = m.group("vq") is not None
    group = "qval" if quoted else "bval"
    value = m.group(group)
    if not value or _placeholder(value) or not any(c.isalnum() for c in value):
        return None
    words = [w.lower() for w in _WORDS.findall(m.group("key"))]
    last, pair = words[-1], tuple(words[-2:])
    # an OAuth code right after "?", "&" or "#" is one however short it is (like a password)
    before = m.string[m.start() - 1:m.start()]
    if before == "/" or (not quoted and value.lower() in _OAUTH_ERROR_NAMES):
        return None  # a URL's path ("/connect/token: invalid_grant"), or an OAuth error's name
    specific = pair in _SPECIFIC_PAIRS or pair in (("auth", "code"), ("authorization", "code")) \
        or last in _SPECIFIC_WORDS or (words == ["code"] and before in ("?", "&", "#"))
    if not quoted and not _bare_credential(value, specific):
        secret = False
    elif words == ["code"]:  # the OAuth code parameter, not "Error code: 500" or {"Code": "200"}
        secret = "=" in m.group("sep") and (before in ("?", "&", "#") or _opaque(value))
    elif specific:
        secret = True
    elif last in _GENERIC_WORDS:
        secret = quoted or m.group("kq") is not None or "=" in m.group("sep") or _opaque(value)
    else:
        secret = False
    return m.span(group) if secret else None


def secret_name(name: str) -> bool:
    """True when a key or variable name names a credential (client_secret, refreshToken,
    password), not a word beside one (tokenUrl, token_type, xero-tenant-id)."""
    words = [w.lower() for w in _WORDS.findall(name)]
    if not words:
        return False
    return (tuple(words[-2:]) in _SPECIFIC_PAIRS or words[-1] in _SPECIFIC_WORDS
            or words[-1] in _GENERIC_WORDS or words[-1] == "authorization")


def _named_value(m: re.Match[str]) -> str:
    val = m.group("val")
    if secret_name(m.group("name")) and not _placeholder(val) and val.strip():
        return m.group("head") + REDACTED
    return m.group(0)


def _redact_pairs(text: str) -> str:
    out: list[str] = []
    last = 0
    for m in _KEY_VALUE.finditer(text):
        span = _pair_span(m)
        if span is not None and span[0] >= last:
            out += [text[last:span[0]], REDACTED]
            last = span[1]
    return "".join(out) + text[last:] if out else text


def _prose(m: re.Match[str]) -> str:
    group = "qval" if m.group("vq") else "bval"
    value = m.group(group)
    if _placeholder(value) or not (m.group("vq") or _opaque(value)):
        return m.group(0)
    start, end = m.span(group)
    return m.group(0)[:start - m.start()] + REDACTED + m.group(0)[end - m.start():]


def _prose_bare(m: re.Match[str]) -> str:
    group = "val" if m.group("val") else "code"
    value = m.group(group)
    if _placeholder(value) or not (any(c.isdigit() for c in value) and any(c.isalpha() for c in value)):
        return m.group(0)
    start, end = m.span(group)
    return m.group(0)[:start - m.start()] + REDACTED + m.group(0)[end - m.start():]


def redact(text: str) -> str:
    """``text`` with bearer tokens, JWTs, client secrets and auth codes replaced by a marker.

    A value hidden where its name said what it is ("refresh_token=8a7b...") is hidden wherever
    else it recurs in the text too ("retrying with 8a7b..."): the name is said once, the value
    may be pasted many times.
    """
    out = _redact_once(text)
    if out == text:
        return out
    before, after = Counter(_LONG_RUN.findall(text)), Counter(_LONG_RUN.findall(out))
    hidden = [v for v, n in after.items() if n < before[v] and any(c.isdigit() for c in v)
              and any(c.isalpha() for c in v)]
    for value in sorted(hidden, key=len, reverse=True):
        out = out.replace(value, REDACTED)
    return out


# A run of credential characters long enough to be one (no "=" or ".": a key and its value,
# a host and its path, stay apart); see redact().
_LONG_RUN = re.compile(r"[A-Za-z0-9_~+/-]{12,}")


def _redact_once(text: str) -> str:
    text = _JWT.sub(REDACTED, _scrub_remembered(text))
    if "value" in text:
        text = _NAMED_VALUE.sub(_named_value, text)
    text = _redact_pairs(text)  # before Bearer: "TokenType:Bearer RefreshToken:..." (Go's %+v)
    for pattern, repl in _REDACTIONS:
        text = pattern.sub(repl, text)
    text = _PROSE.sub(_prose, text)
    text = _PROSE_BARE.sub(_prose_bare, text)
    return BARE_HEX.sub(REDACTED, _HEADER.sub(r"\1" + REDACTED, text))


# A bare 64-hex value: the shape of Xero's refresh tokens and authorization codes, often pasted
# with no key beside it (a cell's value, "refresh failed for 8a7b...: invalid_grant"). A SHA-256
# digest goes too: nothing this package shows needs one.
BARE_HEX = re.compile(r"(?<![0-9A-Za-z_])(?=[0-9a-fA-F]{0,63}[a-fA-F])[0-9a-fA-F]{64}(?![0-9A-Za-z_])")
_OPAQUE_RUN = re.compile(r"[A-Za-z0-9_~+/=-]++")
# A GUID, give or take a character or two (a tenant id with a typo): an id, not a credential.
_GUIDISH = re.compile(r"[0-9A-Za-z]{0,2}[0-9a-fA-F]{7,9}(?:-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{11,13}"
                      r"[0-9A-Za-z]{0,2}")
_SECRET_MIN = 20  # a run of token characters this long, with letters and digits, is a credential


def looks_secret(value: str) -> bool:
    """True for a value shaped like a credential rather than a name: a JWT, a bearer credential,
    or a long run of token characters mixing letters and digits with no dot (scope names and
    hosts have dots; a GUID, even mistyped, is an id)."""
    text = value.strip()
    if text.lower().startswith(("bearer ", "basic ")) or _JWT.search(text):
        return True
    return (len(text) >= _SECRET_MIN and _GUIDISH.fullmatch(text) is None
            and _OPAQUE_RUN.fullmatch(text) is not None
            and any(c.isdigit() for c in text) and any(c.isalpha() for c in text))


_JWT_ANY_CASE = re.compile(r"(?i)\beyj[a-z0-9_-]{4,}\.[a-z0-9_-]{4,}(?:\.[a-z0-9_-]*)?")
_LONG_WORD = re.compile(r"[A-Za-z0-9_~+/=.\-]{20,}")  # token characters: a credential's shape


def said_safely(text: str) -> str:
    """A message that may echo what a user typed, with any credential in it masked: the shapes
    ``redact`` knows, a JWT in any case (an option lower- or upper-cased), and any word shaped like
    a token (a refresh token given as a scope, a client secret as a role)."""
    text = _JWT_ANY_CASE.sub(REDACTED, text)
    return _LONG_WORD.sub(lambda m: REDACTED if looks_secret(m.group(0)) else m.group(0), redact(text))


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
    """Replace every known secret value in ``text`` (and every value remembered here)."""
    for secret in secrets:
        if secret and len(secret) >= 4:
            text = text.replace(secret, REDACTED)
    return _scrub_remembered(text)


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
            parsed = jsonsafe.loads(text)
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
            words = value.split(None, 1)  # any whitespace: "Bearer\t<token>" must not leak
            scheme = words[0] if len(words) == 2 else "Bearer"
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
        claims = jsonsafe.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    except Exception:  # not a JWT (or nested too deeply): no claims
        return {}
    return claims if isinstance(claims, dict) else {}
