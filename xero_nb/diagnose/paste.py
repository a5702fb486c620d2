"""Read the parts of an HTTP failure out of pasted text: curl output, SDK printouts, (half-)JSON.

JSON inside the text is read by ``fields``, the status wherever it is written by ``status``, and
what an SDK's wording adds by ``sdk``; this module reads the rest (status lines, headers, request
lines, redirect errors) and puts them together.

Nothing here raises on odd input: every step either finds something or finds nothing. A paste
longer than ``MAX_TEXT`` is read in pieces (``long_paste.readable``: its start, the region around the last
failure mark, its end), and ``Pasted.notes`` says how much was read and which parts.

>>> parse_paste('(401)\\nReason: Unauthorized\\nHTTP response body: {"Detail": "TokenExpired"}').status
401
"""

from __future__ import annotations

import ast
import json
import re
from urllib.parse import parse_qs, unquote_plus, urlsplit

from xero_nb.diagnose.calls import CALL, drop_successes, failing_record, record_call
from xero_nb.diagnose.fields import (
    MAX_TEXT,
    Pasted,
    as_status,
    balanced_braces,
    find_json,
    half_json_fields,
    walk_fields,
)
from xero_nb.diagnose.long_paste import readable
from xero_nb.diagnose.sdk import class_hint, limit_kind, operation_hint
from xero_nb.diagnose.status import status_from_reason, status_from_text

_STATUS_KEYS = ("status", "statuscode", "status_code", "errorcode", "code")
_RESPONSE_HEADERS = (
    "www-authenticate", "x-rate-limit-problem", "retry-after", "xero-correlation-id",
    "x-daylimit-remaining", "x-minlimit-remaining", "x-appminlimit-remaining", "content-type",
)
_REQUEST_HEADERS = ("xero-tenant-id", "authorization", "host")
_HEADER_NAMES = frozenset((*_RESPONSE_HEADERS, *_REQUEST_HEADERS))

# Every pattern is linear: possessive repeats, and no two repeats that can share a run of
# characters (tests/test_diagnose_linear.py lints them all; benchmarks/bench_paste.py times them).
_HTTP_LINE = re.compile(r"(?im)^(?:[^\S\n]|<)*+HTTP/[\d.]++\s++(\d{3})\b")
_BLANK_LINES = re.compile(r"\r?\n(?:(?:[^\S\n]|<)*+\n)++")  # the blank line(s) after the head
_HEADER_LINE = re.compile(r"\A[ \t]*+([<>])?[ \t]*+([A-Za-z][A-Za-z0-9-]{1,60})[ \t]*+:[ \t]*+(.*)")
# Postman's and a browser's headers tab, copied: "Name<TAB>value" (read for known names only)
_TAB_HEADER = re.compile(r"\A[ \t]*+([A-Za-z][A-Za-z0-9-]{1,60})\t++([^\t].*)")
_SDK_HEADERS = re.compile(r"(?i)HTTP response headers:\s*+(?:HTTPHeaderDict\()?\s*+(\{)")
_SDK_BODY = re.compile(r"(?is)HTTP response body:\s*+(.*)")
_DICT_PAIR = re.compile(r"""['"]([A-Za-z][A-Za-z0-9-]{1,60})['"]\s*+(?::|=>)\s*+['"]([^'"\n]*+)['"]""")
# A known response header in any printed form: "Name: v", "'Name': 'v'", "name=>v", "name=[v]"
_KNOWN_HEADER = re.compile(
    r"(?<![\w-])(" + "|".join(h for h in _RESPONSE_HEADERS if h != "content-type")
    + r""")['"]?\s*+(?::|=>|=|,)\s*+\[?\s*+['"]?((?:[^'"\[\]{},;\n\\]|\\.){1,200})""", re.IGNORECASE)
# Where the next header starts when headers run together on one line ("X-Rate-Limit-Problem: day
# Retry-After: 50000"): a known name (or an X- name) right before its colon. A value stops there.
_ESCAPED = re.compile(r"\\(.)")  # Ruby's and JSON's \" inside a printed value
_STOP_NAMES = (*_RESPONSE_HEADERS, *_REQUEST_HEADERS, "date", "server", "content-length",
               "cache-control", "connection", "expires", "pragma", "vary", "location")
_NEXT_HEADER = re.compile(r"(?<![\w-])(" + "|".join(_STOP_NAMES)
                          + r"|x-[a-z0-9]{1,30}(?:-[a-z0-9]{1,30}){0,6})[ \t]{0,10}:(?!//)", re.IGNORECASE)
_URL = re.compile(r"""(?i:https?)://[^\s'"<>`\\)]++""")  # (a scheme's case is not significant)
_METHOD_URL = re.compile(r"""\b(GET|POST|PUT|PATCH|DELETE)\s++['"`]?((?:(?i:https?)://|/)[^\s'"<>`]++)""")
_CURL_METHOD = re.compile(r"""(?:-X|--request)\s*+['"]?(GET|POST|PUT|PATCH|DELETE)\b""")
_CURL = re.compile(r"(?m)^[ \t$>#]*+curl[ \t]")  # a curl command line (a shell prompt before it)
_CURL_DATA = re.compile(r"(?<!\S)(?:-d|--data(?:-raw|-binary|-urlencode)?|-F|--form|--json)(?!\S)")
# curl -w "%{http_code}" (or %{response_code}) prints the status alone on a line of its own
_WRITE_OUT = re.compile(r"%\{(?:http_code|response_code)\}")
_LONE_STATUS = re.compile(r"(?m)^[ \t]*+([1-5]\d\d)[ \t]*+$")


def _header_block(lines: list[str]) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """Response and request headers from ``Name: value`` lines (curl ``-v`` marks them < and >)."""
    resp: list[tuple[str, str]] = []
    req: list[tuple[str, str]] = []
    for line in lines:
        m = _HEADER_LINE.match(line)
        if m:
            mark, head, rest = m.group(1), m.group(2), m.group(3)
        elif (t := _TAB_HEADER.match(line)) and t.group(1).lower() in _HEADER_NAMES:
            mark, head, rest = None, t.group(1), t.group(2)
        else:
            continue
        for name, value in split_run(head, rest):
            low = name.lower()
            if mark == ">" or (mark is None and low in _REQUEST_HEADERS):
                req.append((name, value))
            elif mark == "<" or low in _RESPONSE_HEADERS or low.startswith("x-"):
                resp.append((name, value))
    return resp, req


def split_run(name: str, value: str) -> list[tuple[str, str]]:
    """One header, or several run together on one line, each with its own value."""
    value = value.strip(" \t")
    if ":" not in value:  # no other header's colon: one header (the usual case, kept cheap)
        return [(name, value)]
    found: list[tuple[str, str]] = []
    pos = 0
    for m in _NEXT_HEADER.finditer(value):  # (a "; " or ", " that joined them is no part of a value)
        found.append((name, value[pos:m.start()].strip(" \t;,")))
        name, pos = m.group(1), m.end()
    found.append((name, value[pos:].strip(" \t;,")))
    return [h for h in found if h[1]] or found[-1:]


def _http_transcript(text: str, out: Pasted) -> None:
    """curl ``-i``/``-v`` output: the last status line, its headers, then the body."""
    matches = list(_HTTP_LINE.finditer(text))
    if not matches:
        return
    last = matches[-1]
    out.status = as_status(last.group(1))
    rest = text[last.end():]
    head, _sep, body = _split_head(rest)
    resp, _ = _header_block(head.splitlines())
    out.headers.extend(resp)
    _, req = _header_block(text[:last.start()].splitlines())
    if req:
        out.request_headers = req
    if body.strip():
        out.body = body.strip()


def _split_head(rest: str) -> tuple[str, str, str]:
    m = _BLANK_LINES.search(rest)
    if m is None:
        return rest, "", ""
    return rest[:m.start()], m.group(0), rest[m.end():]


def _sdk_printout(text: str, out: Pasted) -> None:
    """xero-python's ``ApiException``: ``(401)`` / ``Reason:`` / ``HTTP response headers:`` / body."""
    m = _SDK_HEADERS.search(text)
    if m is not None:
        chunk = balanced_braces(text, m.start(1)) or text[m.start(1):m.start(1) + 4000]
        out.headers.extend(_DICT_PAIR.findall(chunk))
    b = _SDK_BODY.search(text)
    if b is not None:
        body = b.group(1).strip()
        quote = body[1:2]
        if body[:1] == "b" and quote in ("'", '"') and len(body) > 2 and body.endswith(quote):
            try:
                raw = ast.literal_eval(body)
                body = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw)
            except Exception:  # keep the text as pasted
                body = body[2:-1]
        out.body = body


# Headers whose value is a number of seconds or calls: a sentence after it is not part of it.
_NUMBER_HEADERS = frozenset({"retry-after", "x-daylimit-remaining", "x-minlimit-remaining",
                             "x-appminlimit-remaining"})
_LEADING_NUMBER = re.compile(r"\d{1,12}(?:\.\d{1,6})?(?![\w:-])")


# A wait a connector says in words ("Please retry after 58 seconds", "Backoff time: 3542 seconds"),
# taken as Retry-After only beside a rate limit's own words.
_SAID_WAIT = re.compile(r"\b(?:retry(?:ing)?[^\S\n]++(?:again[^\S\n]++)?(?:after|in)|"
                        r"back[\s-]?off(?:[^\S\n]++time)?[^\S\n]*+:?|wait(?:ing)?(?:[^\S\n]++for)?)"
                        r"[^\S\n]*+(\d{1,7})[^\S\n]*+(?:s|secs?|seconds?)\b", re.IGNORECASE)
_RATE_WORDS = re.compile(r"\b429\b|rate[\s_-]?limit|too\s++many\s++requests|throttl", re.IGNORECASE)


# A request's headers as a command sends them: curl's -H / --header (Postman's and Chrome's "Copy
# as cURL"), and the "headers" object of a fetch() call (the browser's "Copy as fetch").
_CURL_HEADER = re.compile(r"""(?<!\S)(?:-H|--header)[ \t]++(?P<q>['"])(?P<name>[A-Za-z][\w-]{0,60}):[ \t]*+"""
                          r"""(?P<value>[^'"\n]{0,4000})(?P=q)""")
_FETCH = re.compile(r"\bfetch\(")
_HEADERS_KEY = re.compile(r"""["']?headers["']?[ \t]*+:[ \t]*+\{""")
_QUOTED_PAIR = re.compile(r"""(?P<q>['"])(?P<name>[A-Za-z][\w-]{0,60})(?P=q)[ \t]*+:[ \t]*+(?P<q2>['"])"""
                          r"""(?P<value>[^'"\n]{0,4000})(?P=q2)""")


def _command_headers(text: str, out: Pasted) -> None:
    if out.request_headers is not None:
        return
    found = [(m.group("name"), m.group("value")) for m in _CURL_HEADER.finditer(text[:MAX_TEXT])]
    fetch = _FETCH.search(text[:MAX_TEXT]) if not found else None
    key = _HEADERS_KEY.search(text, fetch.end(), fetch.end() + 2000) if fetch is not None else None
    if key is not None:  # the pairs of the headers object, up to its closing brace
        block = text[key.end():key.end() + 8000].split("}", 1)[0]
        found = [(m.group("name"), m.group("value")) for m in _QUOTED_PAIR.finditer(block)]
    if found:
        out.request_headers = found


def _said_wait(text: str, out: Pasted) -> None:
    if any(k.lower() == "retry-after" for k, _ in out.headers):
        return
    m = _SAID_WAIT.search(text)
    if m is not None and _RATE_WORDS.search(text):
        out.headers.append(("Retry-After", m.group(1)))


def _known_headers(text: str, out: Pasted) -> None:
    """The few response headers that matter, however a library printed them (Ruby, Java, .NET)."""
    have = {k.lower() for k, _ in out.headers}
    for m in _KNOWN_HEADER.finditer(text):
        for name, value in split_run(m.group(1), m.group(2)):
            if name.lower() not in have and value and name.lower() in _RESPONSE_HEADERS:
                if name.lower() in _NUMBER_HEADERS and (n := _LEADING_NUMBER.match(value.strip())):
                    value = n.group(0)  # "45461`. So the job slept" in a sentence: the number
                value = _ESCAPED.sub(r"\1", value).strip()
                if value.count('"') % 2:  # the quote that closed a JSON-escaped value
                    value = value.rstrip('"')
                out.headers.append((name, value))
                have.add(name.lower())


def _sdk_hints(text: str, out: Pasted) -> None:
    """An SDK's exception class, the API method it names, and the rate limit in its wording."""
    hint = class_hint(text)
    if hint is not None:
        out.sdk_class = hint[0]
        if out.status is None and hint[1] is not None:
            out.status = hint[1]
    out.operation = operation_hint(text)
    if not any(k.lower() == "x-rate-limit-problem" for k, _ in out.headers):
        kind = limit_kind(text)
        if kind is not None:
            out.headers.append(("X-Rate-Limit-Problem", kind))


_API_HOSTS = ("api.xero.com", "identity.xero.com", "login.xero.com", "127.0.0.1", "localhost")


def _api_host(url: str) -> bool:
    """Whether a URL goes to Xero's API, identity or login hosts (or a local stand-in)."""
    try:
        host = (urlsplit(url).hostname or "").lower()
    except ValueError:  # an unparsable URL ("http://[::1") is nobody's API
        return False
    return host in _API_HOSTS


_TRAILING = ".,;:!?)]}>'\"`\u00bb\u2026\u201d\u2019"  # what a sentence or a log puts after a URL


def trim_url(url: str) -> str:
    """A URL read from words without what follows it there ("GET /Invoices:", "(GET /x)",
    "«GET /x»", "GET /x…"); a closing bracket the URL itself opened stays."""
    while url and url[-1] in _TRAILING:
        last = url[-1]
        if (last == ")" and url.count("(") >= url.count(")")) or (
                last == "]" and url.count("[") >= url.count("]")):
            break
        url = url[:-1]
    return url


def _request_line(text: str, out: Pasted) -> None:
    m = _failed_request(text, out.status) if out.url is None else None
    if m is not None:
        out.method, out.url = m.group(1).upper(), trim_url(m.group(2))
    if out.url is None or out.url.startswith("/"):
        urls = [trim_url(u) for u in _URL.findall(drop_successes(text))]  # not a call that succeeded
        xero = [u for u in urls if _api_host(u)]
        # a path already read is kept over a URL of another host (a problem's "type" link to
        # developer.xero.com, a redirect URI in the message)
        if xero or (urls and out.url is None):
            path = out.url
            out.url = (xero or urls)[0]
            if path and path.startswith("/") and urlsplit(out.url).path in ("", "/"):
                out.url = out.url.rstrip("/") + path
    host = next((v for k, v in out.request_headers or () if k.lower() == "host"), None)
    if out.url is not None and out.url.startswith("/") and host:
        out.url = f"https://{host.strip()}{out.url}"
    if out.method is None:
        c = _CURL_METHOD.search(text)
        if c is not None:
            out.method = c.group(1).upper()
        elif out.url is not None and (cmd := _CURL.search(text)) is not None:
            out.method = "POST" if _CURL_DATA.search(_command_at(text, cmd.start())) else "GET"


def _failed_request(text: str, status: int | None) -> re.Match[str] | None:
    """The first request line that did not succeed: a call logged with a 1xx-3xx status on its
    line ("GET /connections [200]", a Sentry breadcrumb) is not the failure. When every request
    line succeeded, the first is kept unless the paste states a failure (then no call is known)."""
    first = None
    for m in _METHOD_URL.finditer(text):
        first = first or m
        end = text.find("\n", m.end())
        said = CALL.match(text, m.start(), end if end != -1 else len(text))
        if said is None or int(said.group(3)) >= 400:
            return m
    return None if status is not None and status >= 400 else first


def whole_json(text: str) -> object | None:
    """The paste parsed as one JSON document (an export, an event), or None when it is not one."""
    head = text.lstrip()[:1]
    if head not in ("{", "[") or len(text) > MAX_TEXT:
        return None
    try:
        doc: object = json.loads(text)
    except ValueError:
        return None
    return doc


def _command_at(text: str, start: int) -> str:
    """The shell command starting at ``start``, with its backslash-continued lines."""
    pos = start
    while (nl := text.find("\n", pos)) != -1:
        if not text[max(start, nl - 2):nl].rstrip("\r").endswith("\\"):
            return text[start:nl]
        pos = nl + 1
    return text[start:]


def _redirect_error(text: str, out: Pasted) -> None:
    """An OAuth error carried in a redirect URL's query (``?error=invalid_scope&...``)."""
    for url in _URL.findall(text):
        query = parse_qs(urlsplit(url).query)
        if "error" in query:
            out.fields.setdefault("error", query["error"][0])
            if "error_description" in query:
                out.fields.setdefault("error_description", query["error_description"][0])
            return


_OAUTH_PROBLEM = re.compile(r"\boauth_problem\s*+=\s*+([^&\s\"'<>]{1,80})")


def _oauth_problem(text: str, out: Pasted) -> None:
    """OAuth 1.0a's ``oauth_problem=token_expired&oauth_problem_advice=...`` (URL-encoded or not)."""
    m = _OAUTH_PROBLEM.search(text)
    if m is not None:
        out.fields.setdefault("oauth_problem", unquote_plus(m.group(1)).strip())


def parse_paste(text: str) -> Pasted:
    """Read status, headers, body, problem keys and the request line out of pasted text.

    A paste longer than ``MAX_TEXT`` is read in pieces (``readable``), said in ``notes``.
    """
    text, note = readable(text)
    out = Pasted(notes=[note] if note else [])
    _http_transcript(text, out)
    if out.status is None:
        _sdk_printout(text, out)
    source = out.body or text
    value = find_json(source)
    if (whole := whole_json(text)) is not None and (record := failing_record(whole)) is not None:
        # several calls in one JSON document: the one that failed speaks first
        call = record_call(record[0])
        walk_fields(record[0], out)
        if call is not None:
            out.method, out.url = out.method or call[0], out.url or call[1]
            out.status = out.status if out.status is not None else call[2]
        out.notes.append(record[1])
    if value is not None:
        walk_fields(value, out)
        if not out.body:
            out.body = json.dumps(value)[:MAX_TEXT] if not isinstance(value, str) else value
    for key, val in half_json_fields(source).items():
        out.fields.setdefault(key, val)
    if not out.headers or out.request_headers is None:
        resp, req = _header_block(text.splitlines())
        if not out.headers:
            out.headers.extend(h for h in resp if h[0].lower() in _RESPONSE_HEADERS
                               or h[0].lower().startswith("x-"))
        if req and out.request_headers is None:
            out.request_headers = req
    if out.status is None:
        for key in _STATUS_KEYS:
            status = as_status(out.fields.get(key))
            if status is not None:
                out.status = status
                break
    if out.status is None and (w := _WRITE_OUT.search(text)) is not None:
        lone = _LONE_STATUS.search(text, w.end())
        out.status = as_status(lone.group(1)) if lone is not None else None
    if out.status is None:
        out.status = status_from_text(text)
    _known_headers(text, out)
    _said_wait(text, out)
    _command_headers(text, out)
    _sdk_hints(text, out)
    if out.status is None:  # last: a bare "Unauthorized" / "Forbidden" a wrapper printed
        out.status = status_from_reason(text)
    _request_line(text, out)
    _redirect_error(text, out)
    _oauth_problem(text, out)
    if not out.body:
        out.body = text.strip()
    out.library = library_of_text(text)
    return out


# What each SDK's printout shows of itself: xero-python's ApiException.__str__, pyxero's
# module path, xero-node's thrown JSON (quoted once more by JSON.stringify) or its user agent.
_LIBRARIES = (
    ("xero-python", re.compile(r"HTTP response headers: HTTPHeaderDict\(|\bxero_python\b")),
    ("pyxero", re.compile(r"\bxero\.exceptions\.Xero\w")),
    ("xero-node", re.compile(r"\bxero-node\b|\{\\?\"response\\?\":[ ]?\{\\?\"statusCode\\?\"")),
    ("requests-oauthlib", re.compile(r"\brequests_oauthlib\b|\boauthlib\.oauth2\b")),
)


# The SDK an app is built on, as people name it in words ("Django app (xero-python)").
_APP_LIBRARIES = (
    ("xero-python", re.compile(r"\bxero[-_ ]python\b", re.IGNORECASE)),
    ("xero-node", re.compile(r"\bxero[-_ ]node\b", re.IGNORECASE)),
    ("pyxero", re.compile(r"\bpyxero\b", re.IGNORECASE)),
    ("xero-netstandard", re.compile(r"\bxero[-_. ]?netstandard\b", re.IGNORECASE)),
    ("xero-java", re.compile(r"\bxero[-_ ]java\b", re.IGNORECASE)),
    ("xero-php-oauth2", re.compile(r"\bxero[-_ ]php[-_ ]oauth2\b", re.IGNORECASE)),
    ("xero-ruby", re.compile(r"\bxero[-_ ]ruby\b", re.IGNORECASE)),
)
# Libraries that take the tenant id as a required argument (or refuse to call without one):
# a call of theirs that reached Xero sent a xero-tenant-id.
SENDS_TENANT = frozenset(name for name, _ in _APP_LIBRARIES)


def library_of_app(app_type: object) -> str | None:
    """The SDK an app's description names (``app_type="Django app (xero-python)"``), else None."""
    if not isinstance(app_type, str):
        return None
    text = app_type[:200]
    return next((name for name, rx in _APP_LIBRARIES if rx.search(text)), None)


def library_of_text(text: str) -> str | None:
    """The SDK whose printout this is, when it shows (see ``_LIBRARIES``)."""
    head = text[:20_000]
    return next((name for name, rx in _LIBRARIES if rx.search(head)), None)
