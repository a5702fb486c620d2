"""The HTTP status wherever a text writes it: status lines, SDK printouts, library messages, logs.

Every pattern is linear (possessive repeats; tests/test_diagnose_linear.py checks them all).
The first shape that matches, in the order of ``STATUS_SHAPES``, gives the status.

>>> status_from_text("Response status code does not indicate success: 401 (Unauthorized).")
401
>>> status_from_text("StatusCode: Forbidden, ReasonPhrase: 'Forbidden'")
403
"""

from __future__ import annotations

import re

from xero_nb.diagnose.fields import as_status

# .NET HttpStatusCode names (and the reason phrases written without spaces) -> status.
STATUS_NAMES = {
    "badrequest": 400, "unauthorized": 401, "forbidden": 403, "notfound": 404,
    "methodnotallowed": 405, "conflict": 409, "unsupportedmediatype": 415, "toomanyrequests": 429,
    "internalservererror": 500, "notimplemented": 501, "badgateway": 502, "serviceunavailable": 503,
    "gatewaytimeout": 504,
}
_REASONS = (r"Unauthori[sz]ed|Forbidden|Too\s++Many\s++Requests|Bad\s++Request|Not\s++Found|"
            r"Method\s++Not\s++Allowed|Service\s++Unavailable|Internal\s++Server\s++Error|"
            r"Client\s++Error|Server\s++Error|Conflict|Not\s++Implemented|"
            # Xero's Detail after the status, as people write it: "401 AuthorizationUnsuccessful"
            r"Authori[sz]ationUnsuccessful|AuthenticationUnsuccessful|TokenExpired|TokenInvalid")
STATUS_SHAPES: tuple[re.Pattern[str], ...] = (
    # the status alone ("401" piped in, a cell holding "403")
    re.compile(r"\A\s*+([1-5]\d\d)\s*+\Z"),
    # a test's assertion names the status it wanted before the one it got: the one got is it
    # (Postman/chai "expected response to have status code 200 but got 401", "expected 401 to
    # equal 200"), and Newman's request line "GET https://... [401 Unauthorized, 1.02kB, 152ms]"
    re.compile(r"\bexpected\b[^\n]{0,80}?\bstatus(?:[^\S\n]++code)?[^\S\n]++\d{3}[^\S\n]++but[^\S\n]++"
               r"(?:got|was|received)[^\S\n]++([1-5]\d\d)\b", re.IGNORECASE),
    re.compile(r"\bexpected[^\S\n]++([1-5]\d\d)[^\S\n]++to[^\S\n]++(?:equal|be|eql)[^\S\n]++[1-5]\d\d\b",
               re.IGNORECASE),
    re.compile(r"\[([1-5]\d\d)[^\S\n]++[A-Za-z][A-Za-z ]{1,40},[^\S\n]*+[\d.]{1,12}[^\S\n]*+[kKmM]?B\b"),
    # xero-python's ApiException printout: "(401)" alone on its line...
    re.compile(r"(?m)^[^\S\n]*+\((\d{3})\)[^\S\n]*+$"),
    # ...and after the exception's class, where a traceback ends with it
    # ("xero_python.exceptions.http_status_exceptions.HTTPStatusException: (400)")
    re.compile(r"(?m)(?:Exception|Error):[^\S\n]{0,20}\((\d{3})\)[^\S\n]*+$"),
    # xero-php-oauth2: "[401] Error connecting to the API (https://...)"
    re.compile(r"\[([1-5]\d\d)\]\s*+Error\b", re.IGNORECASE),
    # requests ("401 Client Error: Unauthorized for url") and httpx ("Client error '401 ...'")
    re.compile(r"\b(\d{3})\s++(?:client|server)\s++error|(?:client|server)\s++error\s++'(\d{3})",
               re.IGNORECASE),
    # "status: 401", "StatusCode: 401", "status_code=401", "HTTP status code: 401", "response code 401"
    re.compile(r"\b(?:http\s*+)?(?:status(?:[\s_-]?code)?|errorcode|response\s++code)\W{0,4}(\d{3})\b",
               re.IGNORECASE),
    # "HTTP 403", "HTTP Error 403", "HTTP: 401"
    re.compile(r"\bHTTP(?:\s++error)?[\s:]++(\d{3})\b", re.IGNORECASE),
    # a status line anywhere: access logs ('"GET /x HTTP/1.1" 401'), httpx's "HTTP/1.1 401 Unauthorized"
    re.compile(r"\bHTTP/\d(?:\.\d)?\"?[^\S\n]++([1-5]\d\d)\b"),
    # "401 Unauthorized", "401 - Unauthorized", "403 (Forbidden)", "`401 Unauthorized` response",
    # Power Query's "Web.Contents failed to get contents from '...' (401): Unauthorized"
    re.compile(r"\b([45]\d\d)\)?+\s*+[-:(]?\s*+[`'\"]?(?:" + _REASONS + r")", re.IGNORECASE),
    # Xero-Java's XeroApiException: "401 response: ..."
    re.compile(r"\b([45]\d\d)\s++response\b", re.IGNORECASE),
    # "Error 403", "error: 401", "code 429", "e.code == 429", "call failed: 401", "failed (403)"
    re.compile(r"\b(?:error|err|code|fail(?:ed|ure|s)?)\s*+[:=(]{0,2}\s*+([45]\d\d)\b", re.IGNORECASE),
    # the status in brackets closing a sentence: 'The app returned "AuthorizationUnsuccessful". (401)'
    re.compile(r"(?m)[.!][\"'\u201d]?[^\S\n]{0,3}\(([45]\d\d)\)[^\S\n]*+$"),
    # "a 500 error", "the following 403 error", "an HTTP 401 error page"
    re.compile(r"\b([45]\d\d)\s++(?:http\s++)?errors?\b", re.IGNORECASE),
    # "... failed for 429"
    re.compile(r"\bfor\s++([45]\d\d)\b", re.IGNORECASE),
    # prose: "always returns 401", "I get a 403", "getting a 401 back", "received 429"
    re.compile(r"\b(?:returns?|returned|returning|got|gets?|getting|receiv(?:e|es|ed|ing)|throws?|"
               r"(?:fail(?:s|ed|ing)?|errors?|errored|stops?\s++working|stopped\s++working)\s++with|"
               r"(?:comes?|came|coming)\s++back(?:\s++with)?|"
               r"throwing|gives?|giving|respond(?:s|ed)?\s++with|answer(?:s|ed)?\s++with|repl(?:y|ies|ied)\s++with|"
               r"sends?\s++back|sent\s++back)\s++(?:an?\s++|the\s++)?(?:http\s++)?"
               r"(?:status\s++)?([45]\d\d)\b", re.IGNORECASE),
    # a call said to be a status: "every other call now 403", "each request is a 401", "calls are 429"
    re.compile(r"\b(?:calls?|requests?|endpoints?)\s++(?:(?:now|then|all|still)\s++|(?:is|are|was|were)\s++"
               r"(?:now\s++|all\s++)?(?:an?\s++)?)([45]\d\d)\b(?![.,:/]\d)", re.IGNORECASE),
    # "the result is always 401", "the response is still a 403"
    re.compile(r"\b(?:results?|response|answer|reply|outcome)\s++(?:is|was|are|were)\s++(?:always\s++|still\s++|now\s++|"
               r"just\s++|only\s++)?(?:an?\s++)?([45]\d\d)\b(?![.,:/]\d)", re.IGNORECASE),
    # "Xero refuses everything with 429", "rejected every call with a 403"
    re.compile(r"\b(?:refus|reject|den(?:y|ie))\w*+\b[^.\n]{0,20}?\bwith\s++(?:an?\s++)?([45]\d\d)\b(?![.,:/]\d)",
               re.IGNORECASE),
    # "still 401 on /projects", "it still 401s": the status kept after a change
    re.compile(r"\bstill\s++(?:getting\s++|gets?\s++|returns?\s++|an?\s++)?([45]\d\d)(?:s|['\u2019]?d)?\b(?![.,:/]\d)",
               re.IGNORECASE),
    # "all requests 403", "every call 401": the status straight after the calls
    re.compile(r"\b(?:all|every|each)\s++(?:(?:other|single|api|the|our|my)\s++)?(?:calls?|requests?)\s++"
               r"(?:(?:now|then|still)\s++)?([45]\d\d)\b(?![.,:/]\d)", re.IGNORECASE),
    # a status as a verb or plural: "the call 405s", "we see 401s", "the path 401'd"
    re.compile(r"\b([45]\d\d)(?:s|['\u2019]d|ed)\b"),
    # a line that starts with the status: "401 from the token endpoint", "429 - limit hit"
    re.compile(r"(?m)^[^\S\n]*+([45]\d\d)[^\S\n]*+(?:-|\u2013|:|\||from\b|error\b|response\b|returned\b|"
               r"when\b|on\b)"),
    # a status in brackets on its own, as loggers tag a line: "[403]", "[401] Unauthorized" (not an
    # index such as items[400])
    re.compile(r"(?<![\w\]])\[([45]\d\d)\](?!\s*+[=\[])"),
    # the request line followed by its answer, as HTTP logs and wrappers print it:
    # "POST https://api.xero.com/... 400 {...}", "GET /api.xro/2.0/Invoices -> 401"
    re.compile(r"\b(?:GET|POST|PUT|PATCH|DELETE|HEAD)[^\S\n]++/?\S*+[^\S\n]++"
               r"(?:->|=>|\u2192|-|:)?[^\S\n]*+([45]\d\d)\b(?![.,:/]\d)"),
    # an exception class followed by the status: "HttpError 403 when calling ...", "ApiException 401"
    re.compile(r"[a-z](?:Error|Exception)[^\S\n]*+[:=(]{0,2}[^\S\n]*+([45]\d\d)\b"),
    # other languages' words for error and status code (Windows and .NET print them in the
    # system's language): "Erreur 401", "Fehler: 403", "código de estado 403", "返回 403"
    re.compile(r"(?:\b(?:erreur|erro(?!r)|fehler(?:code)?|statuscode|c[oó]digo(?:[^\S\n]++de[^\S\n]++estado)?|"
               r"errore|codice(?:[^\S\n]++di[^\S\n]++stato)?|foutcode|fout)|返回|状态码|错误|エラー)"
               r"[^\S\n]{0,3}[:=]?[^\S\n]{0,3}([45]\d\d)(?!\d)", re.IGNORECASE),
    # an HTML error page's title or heading, as a proxy or a gateway serves it:
    # "<title>502 Bad Gateway</title>", "<h1>403 Forbidden</h1>"
    re.compile(r"<(?:title|h1)>[^\S\n]{0,5}([45]\d\d)\b", re.IGNORECASE),
    # the status in brackets before its reason in the system's language, as .NET's WebException
    # prints it: "...: (401) Nicht autorisiert"
    re.compile(r":[^\S\n]{0,3}\(([45]\d\d)\)[^\S\n]{1,3}[^\W\d_]"),
)
# .NET: "StatusCode: Unauthorized", "HttpStatusCode.Forbidden"
STATUS_NAME = re.compile(r"\b(?:Http)?Status\s*+Code\W{0,4}([A-Za-z]{6,25})\b", re.IGNORECASE)
# The fixed messages connectors and libraries print for a status instead of the number. Each is
# the library's own text for that status: n8n's NodeApiError, the Airbyte CDK's default error
# mapping, Power Query (Power BI, Excel), Xero-Java's exception handler.
FIXED_MESSAGES: tuple[tuple[re.Pattern[str], int], ...] = tuple(
    (re.compile(rx, re.IGNORECASE), status) for rx, status in (
        (r"\bauthorization\s++failed\s++-\s++please\s++check\s++your\s++credentials\b", 401),  # n8n
        (r"\bforbidden\s++-\s++perhaps\s++check\s++your\s++credentials\b", 403),  # n8n
        (r"\bthe\s++service\s++is\s++receiving\s++too\s++many\s++requests\s++from\s++you\b", 429),  # n8n
        (r"\bunauthorized\.\s++please\s++ensure\s++you\s++are\s++authenticated\s++correctly\b",
         401),  # Airbyte
        (r"\bforbidden\.\s++you\s++don'?t\s++have\s++permission\s++to\s++access\s++this\s++resource\b",
         403),  # Airbyte
        (r"\baccess\s++to\s++the\s++resource\s++is\s++forbidden\b", 403),  # Power Query
        (r"\bunauthorized\s++-\s++check\s++your\s++scopes\s++and\s++confirm\s++access\b", 401),  # Xero-Java
        (r"\bforbidden\s++-\s++authentication\s++unsuccessful\b", 403),  # Xero-Java
    ))
# Last resort: the reason phrase alone ("Error: Unauthorized", "Forbidden."), as wrappers print it.
REASON_ONLY = re.compile(r"\b(unauthori[sz]ed|forbidden|too\s++many\s++requests)\b(?![-_])", re.IGNORECASE)
_REASON_STATUS = {"unauthorized": 401, "unauthorised": 401, "forbidden": 403, "toomanyrequests": 429}


def status_from_text(text: str) -> int | None:
    """The HTTP status a free text states, or None."""
    for pattern in STATUS_SHAPES:
        for m in pattern.finditer(text):
            for group in m.groups():
                status = as_status(group)
                if status is not None:
                    return status
    for m in STATUS_NAME.finditer(text):
        status = STATUS_NAMES.get(m.group(1).lower())
        if status is not None:
            return status
    for rx, status in FIXED_MESSAGES:
        if rx.search(text):
            return status
    return None


def status_from_reason(text: str) -> int | None:
    """The status a bare reason phrase implies ("Unauthorized", "Forbidden"), or None.

    Weaker than ``status_from_text``: used only when nothing else in a paste gives a status.
    """
    m = REASON_ONLY.search(text)
    return _REASON_STATUS.get("".join(m.group(1).lower().split())) if m else None
