"""A log of several calls, read for the one that failed.

An application log, ``urllib3``'s debug lines or an access log often show the calls before and
after a failure (``GET https://api.xero.com/api.xro/2.0/Invoices -> 401``, ``"GET /x HTTP/1.1" 200
164``). Read whole, the first request line and the last status would be taken together. When a
paste shows two calls or more with their statuses and one failed, ``focus_calls`` keeps the
first failed call with the lines around it and drops the other calls' lines (and the response
lines of the other failed ones), and says so in a note.
"""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import urlsplit

from xero_nb.diagnose.status import status_from_text
from xero_nb.redact import redact

# One call and its status on one line: the method, the URL or path, an optional protocol, an
# arrow or dash, the status ("GET /x -> 200 OK", '"GET /x HTTP/1.1" 401 164', "GET /x 403", a
# Sentry breadcrumb's "GET https://... [401]").
CALL = re.compile(r"\b(GET|POST|PUT|PATCH|DELETE|HEAD)[^\S\n]++\"?((?:https?://|/)[^\s\"]*+)\"?"
                  r"(?:[^\S\n]++\"?HTTP/[\d.]++\"?)?[^\S\n]*+(?:->|=>|<<|\u2192|-|:)?[^\S\n]*+\[?([1-5]\d\d)\b"
                  r"(?![.,:/]\d)")
# A request line alone ("GET https://...", "> GET /x HTTP/1.1"), its status on a later line of its
# own ("403 Forbidden", "< HTTP/1.1 403 Forbidden"): a transcript of several calls.
# (mitmdump puts the client's address first: "127.0.0.1:54321: GET https://...", "<< 401 ... 151b")
_REQUEST_ONLY = re.compile(r"^[^\S\n]*+(?:[>*][^\S\n]*+|\d{1,3}(?:\.\d{1,3}){3}:\d{1,5}:[^\S\n]++)?"
                           r"(GET|POST|PUT|PATCH|DELETE|HEAD)[^\S\n]++"
                           r"((?:https?://|/)[^\s\"]{1,2000})(?:[^\S\n]++HTTP/[\d.]{1,5})?[^\S\n]*+$")
_STATUS_ONLY = re.compile(r"^[^\S\n]*+(?:<<|[<*])?[^\S\n]*+(?:HTTP/[\d.]{1,5}[^\S\n]++)?([1-5]\d\d)"
                          r"(?:[^\S\n]++[A-Za-z][A-Za-z '-]{0,40}?)?(?:[^\S\n]++[\d.]{1,10}[kKmMgG]?[bB]?)?"
                          r"[^\S\n]*+$")
_PENDING_LINES = 40  # how far below its request a status line may come (headers between)
_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD")
# What belongs to a response in a log: its headers, its body, an SDK's printout of them.
_RESPONSE_LINE = re.compile(
    r"^\s*+(?:[{\[]|\"|b'|HTTP response|Reason:|body\b|(?:WWW-Authenticate|Retry-After|X-Rate-Limit-Problem|"
    r"Xero-Correlation-Id|Content-Type|X-(?:Rate|Min|Day|AppMin)[\w-]{0,30})\s*+:)", re.IGNORECASE)
MAX_NAMED = 3  # other failed calls named in the note
_TOKEN_URL = "/connect/token"  # Xero's token endpoint (a refresh that worked handles a 401 before it)


# .NET's HttpClient logging: the request on one line, its status on a later one.
_DOTNET_START = re.compile(r"\b(?:Start processing|Sending) HTTP request (GET|POST|PUT|PATCH|DELETE|HEAD) "
                           r"((?:https?://|/)\S{1,2000})")
_DOTNET_END = re.compile(r"\b(?:End processing HTTP request|Received HTTP response headers) after "
                         r"[\d.]{1,12}ms - ([1-5]\d\d)\b")


def _calls(lines: list[str]) -> list[tuple[int, str, str, int, int]]:
    """(line number, method, URL, status, line of the status) of each call a log shows."""
    out = []
    pending: tuple[int, str, str] | None = None  # a .NET request line waiting for its status
    for i, line in enumerate(lines):
        if pending is not None and (end := _DOTNET_END.search(line) or _STATUS_ONLY.match(line)) is not None:
            out.append((*pending, int(end.group(1)), i))
            pending = None
            continue
        if pending is not None and i - pending[0] > _PENDING_LINES:
            pending = None
        if line.lstrip().startswith("{") and (logged := _json_call(line)) is not None:
            out.append((i, *logged, i))  # a JSON-lines log (pino, bunyan, structlog)
            continue
        if not any(m in line for m in _METHODS):
            continue
        if (start := _DOTNET_START.search(line)) is not None:
            pending = (i, start.group(1), start.group(2))
            continue
        m = CALL.search(line)
        if m is not None:
            out.append((i, m.group(1), m.group(2), int(m.group(3)), i))
        elif (alone := _REQUEST_ONLY.match(line)) is not None:
            pending = (i, alone.group(1), alone.group(2))
    return out


# A logged call that succeeded, its whole line: "http  POST https://identity.xero.com/connect/token
# [200]" (a breadcrumb), "GET /connections -> 200 OK". Its words are not the failure's.
_SUCCESS_LINE = re.compile(r"(?m)^[^\S\n]{0,20}(?:[\w.:\[\]-]{1,30}[^\S\n]{1,20})?"
                           r"(?:GET|POST|PUT|PATCH|DELETE|HEAD)[^\S\n]++\"?(?:https?://|/)[^\s\"]*+\"?"
                           r"(?:[^\S\n]++\"?HTTP/[\d.]{1,5}\"?)?"
                           r"[^\S\n]*+(?:->|=>|\u2192|-|:)?[^\S\n]*+\[?[123]\d\d\b[^\n]{0,200}$")


def drop_successes(text: str) -> str:
    """``text`` without the lines of logged calls that succeeded (read for the failure's words)."""
    if not any(m in text for m in _METHODS):
        return text
    return _SUCCESS_LINE.sub("", text)


def _json_call(line: str) -> tuple[str, str, int] | None:
    """(method, URL, status) of one JSON log line: top level or under req/request and res/response."""
    if len(line) > 100_000:
        return None
    try:
        entry = json.loads(line)
    except ValueError:
        return None
    return record_call(entry) if isinstance(entry, dict) else None


MAX_RECORDS = 2000  # JSON objects looked at for call records (a long export is read in part)


def failing_record(value: object) -> tuple[dict[str, object], str] | None:
    """The record of the call that failed in a JSON document holding several calls (a JSON
    array of log records, a Postman runner's export, a Sentry event's breadcrumbs), with a
    note; None when it holds fewer than two calls or none failed."""
    records: list[tuple[dict[str, object], tuple[str, str, int]]] = []
    stack: list[tuple[object, int]] = [(value, 0)]
    seen = 0
    while stack and seen < MAX_RECORDS:
        node, depth = stack.pop()
        seen += 1
        if isinstance(node, dict):
            call = record_call(node)
            if call is not None:
                records.append((node, call))
                continue
            children = list(node.values())
        elif isinstance(node, list):
            children = list(node)
        else:
            continue
        if depth < 8:
            stack += [(child, depth + 1) for child in reversed(children[:MAX_RECORDS])]
    failed = [r for r in records if r[1][2] >= 400]
    if len(records) < 2 or not failed:
        return None
    refusal = [r for r in failed if r[1][2] in (401, 403, 429)]
    node, (method, url, status) = (refusal or failed)[0]
    return node, (f"the paste shows {len(records)} calls, {len(failed)} failed: {method} {_short(url)} "
                  f"({status}) is diagnosed")


def record_call(entry: dict[str, object]) -> tuple[str, str, int] | None:
    """(method, URL, status) of one logged call as a JSON object: its own keys or those under
    req/request/data and res/response (pino, bunyan, structlog, Postman's runner, Sentry)."""
    parts = [entry, *(entry.get(k) for k in ("req", "request", "res", "response", "data", "responseCode"))]
    found: dict[str, object] = {}
    for part in parts:
        if isinstance(part, dict):
            for key in ("method", "url", "uri"):
                if found.get(key) is None:
                    found[key] = part.get(key)
    method, url = found.get("method"), found.get("url") or found.get("uri")
    if not (isinstance(method, str) and method.upper() in _METHODS and isinstance(url, str)):
        return None
    for part in parts:  # the first key that holds a status ("status": "OK" beside "code": 200)
        if isinstance(part, dict):
            for key in ("statusCode", "status", "status_code", "code"):
                status = part.get(key)
                if isinstance(status, str) and status.isdigit():
                    status = int(status)
                if isinstance(status, int) and not isinstance(status, bool) and 100 <= status <= 599:
                    return method.upper(), url, status
    return None


def focus_calls(text: str, prefer: int | None = None) -> tuple[str, str | None]:
    """``text`` cut to its first failed call when it shows several calls, and a note saying so.

    ``prefer``: a status the caller knows the failure had (``--status``): the first call that
    failed with it is the one diagnosed.
    """
    if text.count("\n") < 1:
        return text, None
    lines = text.splitlines(keepends=True)
    calls = _calls(lines)
    failed = [c for c in calls if c[3] >= 400]
    if calls and not failed:
        return _beside_successes(lines, calls)
    if len(calls) < 2:
        return text, None
    # a failure the log shows retried with success (a 429 waited out) is not what failed the run,
    # nor a 401 followed by a token refresh that worked (the expiry was handled)
    last_success = {(method, url): i for i, method, url, status, _ in calls if status < 400}
    refreshed = max((i for i, _, url, status, _ in calls if status < 400 and _TOKEN_URL in url), default=-1)
    standing = [c for c in failed if last_success.get((c[1], c[2]), -1) < c[0]
                and not (c[3] == 401 and refreshed > c[0])]
    # every failure cured, and an API call (not only the token endpoint) worked last
    cured = not standing and calls[-1][3] < 400 and _TOKEN_URL not in calls[-1][2]
    standing = standing or failed
    # a refusal (401, 403, 429, the token endpoint's 400) before any other failure (a 404, a 500)
    refusal = [c for c in standing if c[3] in (401, 403, 429) or (c[3] == 400 and _TOKEN_URL in c[2])]
    target = next((c for c in failed if c[3] == prefer), (refusal or standing)[0])
    starts = [c[0] for c in calls]
    drop: set[int] = set()
    stray: list[int] = []  # statuses stated on lines of other calls' blocks (a failure without its call)
    for n, (i, _, _, status, last) in enumerate(calls):
        if i == target[0]:
            continue
        drop.update((i, last))
        end = starts[n + 1] if n + 1 < len(starts) else len(lines)
        # an earlier failed call's whole block ("WARNING token expired, refreshing" after a 401 the
        # refresh then cured) is that failure's story, not this one's
        earlier = i < target[0] and end <= target[0] and status >= 400
        for j in range(last + 1, end):
            said = status_from_text(lines[j])
            if earlier or _RESPONSE_LINE.match(lines[j]) or said is not None:
                drop.add(j)
                if said is not None and said >= 400 and status < 400:  # not this call's own answer
                    stray.append(said)
    kept = "".join(line for j, line in enumerate(lines) if j not in drop)
    which = (f"the first that failed with {prefer}" if prefer is not None and target[3] == prefer
             else "the first that failed" if target is failed[0]
             else "the first refusal (401, 403, 429) that stood"
             if target is refusal[0] and target is not standing[0]
             else "the first that failed and was not cured by a retry or a token refresh")
    note = (f"the paste shows {len(calls)} calls, {len(failed)} failed: {which} is diagnosed, "
            f"{target[1]} {_short(target[2])} ({target[3]})")
    if prefer is not None and not any(c[3] == prefer for c in calls):
        note += f"; no call in it answered {prefer}, the status given"
    others = [c for c in failed if c is not target]
    if others:
        named = ", ".join(f"{m} {_short(u)} ({s})" for _, m, u, s, _ in others[:MAX_NAMED])
        more = f" and {len(others) - MAX_NAMED} more" if len(others) > MAX_NAMED else ""
        note += f"; also failed: {named}{more} (paste one alone to diagnose it)"
    if stray:
        note += (f"; lines after other calls that state status {', '.join(map(str, sorted(set(stray))))} "
                 "were left out (a failure whose request the log does not show)")
    elif cured:
        note += (f"; every failure was then cured by a retry or a token refresh, and the last call, "
                 f"{calls[-1][1]} {_short(calls[-1][2])}, answered {calls[-1][3]}: nothing is failing now")
    return kept, note


# A response's own start in a paste: its status line ("HTTP/1.1 403 Forbidden", curl's "< HTTP/2 429").
_STATUS_LINE = re.compile(r"^[^\S\n]*+(?:<[^\S\n]*+)?HTTP/[\d.]{1,5}[^\S\n]++([1-5]\d\d)\b")
_ERROR_KEYS = ("error", "detail", "type")


def _json_error(line: str) -> tuple[int | None, str] | None:
    """(status, name) of an error body written on one line ('Error 2: {"Status":403,...}'), else None."""
    start, end = line.find("{"), line.rfind("}")
    if start < 0 or end <= start or end - start > 20_000:
        return None
    try:
        value = json.loads(line[start:end + 1])
    except ValueError:
        return None
    if not isinstance(value, dict):
        return None
    low = {str(k).lower(): v for k, v in value.items()}
    status = low.get("status") if isinstance(low.get("status"), int) else None
    # an answer's shape: Xero's problem (Status, Detail), its API exception (ErrorNumber, Type) or
    # an OAuth error; a log's own JSON lines ({"level": ..., "msg": ...}) are none of these
    if not (status is not None or "errornumber" in low or isinstance(low.get("error"), str)):
        return None
    name = next((str(low[k]) for k in _ERROR_KEYS if isinstance(low.get(k), str) and low[k]), "")
    return status, name[:80]


# A call and its refusal told in words on one line: "GET https://.../connections returns 401".
_CALL_SAID = re.compile(r"\b(GET|POST|PUT|PATCH|DELETE|HEAD)[^\S\n]++\"?((?:https?://|/)[^\s\"]{1,2000})\"?[^\S\n]++"
                        r"(?:returns?|returned|returning|gives?|gave|answers?|answered|fails?\s++with|"
                        r"failed\s++with|responds?\s++with|responded\s++with)[^\S\n]++(?:an?[^\S\n]++)?"
                        r"(?:HTTP[^\S\n]++)?([45]\d\d)\b", re.IGNORECASE)


def refused_call(text: str) -> tuple[str, str] | None:
    """(method, URL) of the one call a paste shows refused on its own line ("GET /connections ->
    403", "GET https://.../connections returns 401"), or None when it shows none or several."""
    found = set()
    for line in text[:200_000].splitlines()[:5000]:
        if not any(m in line for m in _METHODS):
            continue
        m = CALL.search(line) or _CALL_SAID.search(line)
        if m is not None and int(m.group(3)) >= 400:
            found.add((m.group(1).upper(), m.group(2)))
    return found.pop() if len(found) == 1 else None


def focus_responses(text: str) -> tuple[str, str | None]:
    """``text`` cut to its last failure when it shows two different error answers one after the
    other, with no request lines (those are ``focus_calls``' to read), and a note saying so.

    "First I got a 429 ... then after waiting a 403": read whole, the 429's headers and the 403's
    body would be taken for one answer. Answers pasted in turn are told in the order they came,
    so the last is the one that stands; the earlier ones are named in the note.
    """
    if text.count("\n") < 1 or len(text) > 200_000:
        return text, None
    lines = text.splitlines(keepends=True)
    if _calls(lines):
        return text, None
    answers: list[list[Any]] = []  # [first line, status, name]
    for i, line in enumerate(lines):
        if (head := _STATUS_LINE.match(line)) is not None:
            answers.append([i, int(head.group(1)), ""])
        elif (body := _json_error(line)) is not None:
            if answers and not answers[-1][2] and body[0] in (None, answers[-1][1]):
                answers[-1][2] = body[1]  # the body of the status line above it
            else:
                answers.append([i, body[0], body[1]])
    failed = [a for a in answers if a[1] is None or a[1] >= 400]
    if len(failed) < 2 or len({(a[1], a[2].lower()) for a in failed}) < 2:
        return text, None
    last = failed[-1]
    kept = "".join(line for j, line in enumerate(lines) if not failed[0][0] <= j < last[0])
    named = ", ".join(" ".join(str(p) for p in (a[1], a[2]) if p) for a in failed[:-1][:MAX_NAMED])
    return kept, (f"the paste shows {len(failed)} error answers one after the other: the last, "
                  f"{' '.join(str(p) for p in (last[1], last[2]) if p)}, is diagnosed; before it: "
                  f"{named} (paste one alone to diagnose it)")


def _beside_successes(lines: list[str],
                      calls: list[tuple[int, str, str, int, int]]) -> tuple[str, str | None]:
    """A paste whose logged calls all worked, yet that states a failure elsewhere (an SDK's
    traceback after a log line of the call before it): the calls that worked are left out, so the
    failure is not put on their URL. A paste that states no failure is left whole."""
    drop = {j for i, _, _, _, last in calls for j in range(i, last + 1)}
    rest = "".join(line for j, line in enumerate(lines) if j not in drop)
    said = status_from_text(rest)
    if said is None or said < 400 or not rest.strip():
        return "".join(lines), None
    named = ", ".join(f"{m} {_short(u)} ({s})" for _, m, u, s, _ in calls[:MAX_NAMED])
    return rest, (f"the calls the log shows worked ({named}); the failure ({said}) is another "
                  "call's, whose request the paste does not show: those lines were left out")


def _short(url: str) -> str:
    """A URL as a note names it: redacted, without Xero's host, at most 80 characters."""
    url = redact(url)
    for host in ("https://api.xero.com", "https://identity.xero.com"):
        if url.startswith(host + "/"):
            url = url[len(host):]
    return url if len(url) <= 80 else url[:77] + "..."


MAX_HAR = 50_000_000  # characters of a HAR file parsed whole (a browser's export of a session)


def focus_har(text: str) -> tuple[str, str | None]:
    """A browser's HAR capture as the HTTP transcript of its first failed call, and a note.

    A HAR file is JSON (``log.entries[]``, each a request and its response, headers as
    ``{"name", "value"}`` pairs); read as plain JSON its names and values are taken literally.
    """
    head = text[:2000].lstrip()
    if not head.startswith("{") or '"log"' not in text[:5000] or len(text) > MAX_HAR:
        return text, None
    try:
        entries = json.loads(text)["log"]["entries"]
        calls = [(e["request"], e["response"]) for e in entries]
        statuses = [int(resp.get("status") or 0) for _, resp in calls]
    except (ValueError, KeyError, TypeError, AttributeError):
        return text, None
    failed = [i for i, status in enumerate(statuses) if status >= 400]
    if not failed:
        return _unanswered(calls, statuses, text)
    request, response = calls[failed[0]]
    lines = [f"> {request.get('method', '?')} {request.get('url', '')} HTTP/1.1"]
    lines += [f"> {h.get('name')}: {h.get('value')}" for h in request.get("headers") or ()
              if isinstance(h, dict)]
    lines += [f"< HTTP/1.1 {statuses[failed[0]]} {response.get('statusText') or ''}".rstrip()]
    lines += [f"< {h.get('name')}: {h.get('value')}" for h in response.get("headers") or ()
              if isinstance(h, dict)]
    content = response.get("content") or {}
    body = content.get("text") if isinstance(content, dict) else None
    transcript = "\n".join(lines) + "\n\n" + (body if isinstance(body, str) else "") + "\n"
    note = (f"a HAR capture of {len(calls)} calls, {len(failed)} failed: the first that failed is "
            f"diagnosed, {request.get('method', '?')} {_short(str(request.get('url', '')))} "
            f"({statuses[failed[0]]})")
    if len(failed) > 1:
        named = ", ".join(f"{calls[i][0].get('method', '?')} {_short(str(calls[i][0].get('url', '')))} "
                          f"({statuses[i]})" for i in failed[1:1 + MAX_NAMED])
        more = f" and {len(failed) - 1 - MAX_NAMED} more" if len(failed) - 1 > MAX_NAMED else ""
        note += f"; also failed: {named}{more}"
    return transcript, note


def _unanswered(calls: list[tuple[Any, Any]], statuses: list[int], text: str) -> tuple[str, str | None]:
    """A call to Xero's API that a browser recorded with status 0: no answer reached the page.

    Chrome writes why in ``_error``: ``net::ERR_FAILED`` (or nothing) when its CORS check threw
    the answer away, as it does for every call a web page makes to api.xero.com; other errors
    are the network's (refused, not resolved).
    """
    for (request, response), status in zip(calls, statuses, strict=True):
        url = str(request.get("url", ""))
        if status == 0 and urlsplit(url).hostname == "api.xero.com":
            error = str(response.get("_error") or "")[:80]
            why = (f"Connection failed ({error})" if error and "ERR_FAILED" not in error
                   else f"CORS error: the page got no readable answer ({error or 'status 0'})")
            note = (f"a HAR capture of {len(calls)} calls, none answered 400 or more: "
                    f"{request.get('method', '?')} {_short(url)} got no answer (status 0)")
            return f"> {request.get('method', '?')} {url} HTTP/1.1\n{why}\n", note
    return text, None


# A status, then the JSON list answered, on one log line: "-> 200 []", "200 OK [{...}]"
_LIST_AFTER_STATUS = re.compile(r"\b[23]\d\d\b[^\[\n]{0,20}?(\[[^\n]*+)$")
# ">>> identity_api.get_connections()" and, on the next line, the empty list it returned
_REPL_EMPTY = re.compile(r"(?m)\b(?:get_?connections|getConnections)\([^)\n]{0,40}\)[^\S\n]*+\n"
                         r"[^\S\n]*+\[\s*+\][^\S\n]*+$")


def seen_connections(text: str) -> list[object] | None:
    """What GET /connections answered (its JSON list), when a log or a HAR capture shows it."""
    if "/connections" not in text[:MAX_HAR].lower():
        return _repl_connections(text) if "onnections(" in text else None
    head = text[:2000].lstrip()
    if head.startswith("{") and '"log"' in text[:5000] and len(text) <= MAX_HAR:
        try:
            for entry in json.loads(text)["log"]["entries"]:
                request, response = entry["request"], entry["response"]
                if _is_connections(str(request.get("method")), str(request.get("url")),
                                   int(response.get("status") or 0)):
                    rows = json.loads((response.get("content") or {}).get("text") or "null")
                    if isinstance(rows, list):
                        return rows
        except (ValueError, KeyError, TypeError, AttributeError):
            return None
        return None
    lines = text.splitlines()
    calls = _calls(lines)
    starts = [c[0] for c in calls] + [len(lines)]
    for n, (_, method, url, status, last) in enumerate(calls):
        if not _is_connections(method, url, status):
            continue
        # the list on the call's own line ("GET .../connections -> 200 []"), or on the lines after it
        same = _LIST_AFTER_STATUS.search(lines[last])
        for line in ([same.group(1)] if same else []) + lines[last + 1:starts[n + 1]]:
            if line.strip().startswith("["):
                try:
                    rows = json.loads(line.strip()[:1_000_000])
                except ValueError:
                    break
                return rows if isinstance(rows, list) else None
    curled = _curl_connections(lines)
    return curled if curled is not None else _repl_connections(text)


def _repl_connections(text: str) -> list[object] | None:
    """An SDK's get_connections() typed at a REPL and the empty list it printed (``[]``)."""
    return [] if _REPL_EMPTY.search(text[:MAX_HAR]) else None


# A curl of GET /connections (no -X, or -X GET; -s hides the status): a JSON list printed next
# is its answer (an error would be an object or a status line).
_CURL_CONNECTIONS = re.compile(r"\bcurl\b[^\n]{0,300}?/connections/?(?:[\s'\"?]|$)")
_OTHER_METHOD = re.compile(r"(?:-X|--request)[ =]?+['\"]?(?!GET\b)[A-Z]")


def _curl_connections(lines: list[str]) -> list[object] | None:
    """GET /connections' list printed under the curl command that asked for it."""
    for n, line in enumerate(lines[:2000]):
        if _CURL_CONNECTIONS.search(line) and not _OTHER_METHOD.search(line):
            for after in lines[n + 1:n + 4]:
                if after.strip().startswith("["):
                    try:
                        rows = json.loads(after.strip()[:1_000_000])
                    except ValueError:
                        return None
                    return rows if isinstance(rows, list) else None
    return None


def _is_connections(method: str, url: str, status: int) -> bool:
    """A GET of Xero's /connections that answered 200."""
    return method.upper() == "GET" and status == 200 and url.split("?")[0].rstrip("/").lower().endswith(
        "/connections")


def log_markers(text: str) -> frozenset[str]:
    """What a log of several calls says about the token of its first 401: ``token_ok`` when a
    token call worked right before it (the token was fresh), ``other_calls_work`` when an API call
    worked after it with no refresh between (the token was still accepted). Either rules out its
    expiry; a call that worked before the 401 does not (that is how an expiry looks). And
    ``disconnected`` when the app's own DELETE /connections/{id} worked before a refusal."""
    if text.count("\n") < 1:
        return frozenset()
    if "DELETE" in text and (gone := _disconnected(text)):
        return gone
    if "401" not in text:
        return frozenset()
    calls = _calls(text.splitlines())
    first = next((c for c in calls if c[3] == 401 and _TOKEN_URL not in c[2]), None)
    if first is None:
        return frozenset()
    out = set()
    at = calls.index(first)
    before = [c for c in calls[:at] if not _is_connections(c[1], c[2], c[3])]
    if before and before[-1][3] < 400 and _TOKEN_URL in before[-1][2]:  # refreshed just before it
        out.add("token_ok")
    for _, _, url, status, _ in calls[at + 1:]:  # the same token still worked after the 401
        if _TOKEN_URL in url:
            break  # (a refresh in between: a new token)
        if status < 400 and ".xro/" in url:
            out.add("other_calls_work")
            break
    if _refresh_cured(calls, at):
        out.add("refresh_cured")
    return frozenset(out)


def _refresh_cured(calls: list[tuple[int, str, str, int, int]], at: int) -> bool:
    """Whether the 401 at ``calls[at]`` was followed by a token refresh that worked and then by the
    same call answered 2xx, with no failure of an API call after that: the client handled an
    expired access token, and nothing stands."""
    after = calls[at + 1:]
    refresh = next((n for n, c in enumerate(after) if _TOKEN_URL in c[2]), None)
    if refresh is None or after[refresh][3] >= 400:
        return False
    rest = after[refresh + 1:]
    target = calls[at]
    return (any(c[1] == target[1] and c[2] == target[2] and c[3] < 300 for c in rest)
            and not any(c[3] >= 400 for c in rest))


def _disconnected(text: str) -> frozenset[str]:
    """``{"revoked", "disconnected_ok"}`` when a logged DELETE /connections/{id} worked (2xx) and a
    later call was refused (401 or 403): the app disconnected the organisation itself."""
    lines = text.splitlines()[:5000]
    for _, method, url, status, last in _calls(lines):
        if method == "DELETE" and "/connections/" in url.lower() and 200 <= status < 300 and any(
                _REFUSED.search(line) for line in lines[last + 1:]):
            return frozenset({"revoked", "disconnected_ok"})
    return frozenset()


_REFUSED = re.compile(r"\b40[13]\b")
