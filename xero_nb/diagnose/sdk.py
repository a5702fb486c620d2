"""What the official Xero SDKs and the main community libraries say beyond the HTTP answer.

The exception class names they raise (each implies a status, sometimes a cause), the API method
named in their messages and stack traces (which settles the endpoint when no URL is shown),
and the rate limit named in their wording. Sources, each read from the library's own code:

- xero-python (``xero_python.exceptions``): ``ApiException`` and ``HTTPStatusException`` (any
  status), ``RateLimitException`` (429), ``NotFoundException`` (404), ``BadRequestException``,
  ``AccountingBadRequestException``, ``PayrollUkBadRequestException`` (400),
  ``OAuth2InvalidGrantError`` (400 invalid_grant), ``AccessTokenExpiredError`` (no call made).
- pyxero (``xero.exceptions``): ``XeroBadRequest`` 400, ``XeroUnauthorized`` 401, ``XeroForbidden``
  403, ``XeroNotFound`` 404, ``XeroUnsupportedMediaType`` 415, ``XeroRateLimitExceeded`` (429, or
  an old 503), ``XeroInternalError`` 500, ``XeroNotImplemented`` 501, ``XeroNotAvailable`` 503,
  ``XeroExceptionUnknown`` (any).
- Xero-Java (``com.xero.api``): ``XeroBadRequestException`` 400, ``XeroUnauthorizedException``
  401, ``XeroForbiddenException`` 403, ``XeroNotFoundException`` 404,
  ``XeroMethodNotAllowedException`` 405, ``XeroConflictException`` 409,
  ``XeroRateLimitException`` and its minute/daily/app-minute kinds 429,
  ``XeroServerErrorException`` 500, ``XeroNotAvailableException`` 503, ``XeroApiException`` (any).
- Xero-NetStandard: ``ApiException`` (``ErrorCode`` is the status; "Xero API error calling
  GetInvoices: ..."), ``RateLimitException`` 429 ("Xero API minute rate limit error calling ...").
- xero-node: a thrown JSON ``{response: {statusCode, body, headers, request}, body}`` (read as
  JSON; from v13 its ``ApiError.generateError()`` is rejected as a JSON *string*); xero-ruby:
  ``XeroRuby::ApiError`` ("HTTP status code: 401"); xero-php-oauth2:
  ``XeroAPI\\XeroPHP\\ApiException`` ("[401] Error connecting to the API (url)").
- calcinai/xero-php (``XeroPHP\\Remote\\Exception``): ``UnauthorizedException`` 401,
  ``ForbiddenException`` 403 (also thrown for 401s, "You are not permitted to access this
  resource"), ``ReportPermissionMissingException`` 403 (the reporting role), ``NotFoundException``,
  ``RateLimitExceededException`` 429 ("The API rate limit for your organisation/application pairing
  has been exceeded."), ``OrganisationOfflineException`` / ``NotAvailableException`` 503,
  ``InternalErrorException`` 500, ``UnknownStatusException`` (any).
- xeroizer and xero_gateway (Ruby): ``OAuth::TokenExpired`` and ``OAuth::TokenInvalid`` (401),
  ``OAuth::RateLimitExceeded`` (429, or an OAuth 1.0a 401/503 "rate limit exceeded").
- pyxero's ``XeroTenantIdNotSet`` (no tenant id set: nothing was sent), and the client-side
  "required parameter xeroTenantId" errors every generated SDK throws before calling (cues.py).
- Xero-Java's fixed messages: 401 "Unauthorized - check your scopes and confirm access to this
  resource" (said for *every* 401, so it is no evidence of a scope), 403 "Forbidden -
  authentication unsuccessful", 429 "You've exceeded the per minute rate limit".
- OAuth client libraries around the token endpoint: oauthlib's ``InvalidGrantError`` /
  ``InvalidClientError`` / ``InvalidScopeError`` / ``UnauthorizedClientError`` and its client-side
  ``TokenExpiredError`` (the access token's expiry passed; nothing was sent).

>>> class_hint("xero.exceptions.XeroForbidden: ...")
('XeroForbidden', 403)
>>> operation_hint("Xero.NetStandard.OAuth2.Client.ApiException: Xero API error calling GetInvoices: {}")
('', 'getInvoices')
"""

from __future__ import annotations

import re

# class name -> the status it stands for (None: any status), and a marker it implies
CLASS_STATUS: dict[str, int | None] = {
    "RateLimitException": 429, "XeroRateLimitException": 429, "XeroRateLimitExceeded": 429,
    "XeroMinuteRateLimitException": 429, "XeroDailyRateLimitException": 429,
    "XeroAppMinuteRateLimitException": 429,
    "UnauthorizedException": 401, "XeroUnauthorized": 401, "XeroUnauthorizedException": 401,
    "ForbiddenException": None,  # calcinai/xero-php throws it for every 401 as well as every 403
    "XeroForbidden": 403, "XeroForbiddenException": 403,
    "NotFoundException": 404, "XeroNotFound": 404, "XeroNotFoundException": 404,
    "BadRequestException": 400, "AccountingBadRequestException": 400, "XeroBadRequest": 400,
    "PayrollUkBadRequestException": 400, "XeroBadRequestException": 400,
    "OAuth2InvalidGrantError": 400, "XeroMethodNotAllowedException": 405,
    "XeroConflictException": 409, "XeroUnsupportedMediaType": 415, "XeroInternalError": 500,
    "XeroServerErrorException": 500, "XeroNotImplemented": 501, "XeroNotAvailable": 503,
    "XeroNotAvailableException": 503, "AccessTokenExpiredError": None, "ApiException": None,
    "HTTPStatusException": None, "XeroApiException": None, "XeroExceptionUnknown": None,
    "ApiError": None,
    # calcinai/xero-php
    "RateLimitExceededException": 429, "ReportPermissionMissingException": 403,
    "OrganisationOfflineException": 503, "NotAvailableException": 503,
    "InternalErrorException": 500, "UnknownStatusException": None,
    # xeroizer, xero_gateway
    "TokenExpired": 401, "TokenInvalid": 401, "RateLimitExceeded": 429,
    # pyxero, Xero-Java's base class of its 401 and 403 exceptions
    "XeroTenantIdNotSet": None, "XeroAuthenticationException": None,
    # oauthlib (requests-oauthlib), around the token endpoint
    "InvalidGrantError": 400, "InvalidClientError": 400, "InvalidScopeError": 400,  # (Xero: 400, §6)
    "UnauthorizedClientError": 400, "TokenExpiredError": None,
}
# class name -> the markers (observation.MARKERS / cues.CUES) it stands for by itself
CLASS_MARKERS: dict[str, frozenset[str]] = {
    "OAuth2InvalidGrantError": frozenset({"invalid_grant"}),
    "InvalidGrantError": frozenset({"invalid_grant"}),
    "InvalidClientError": frozenset({"invalid_client"}),
    "InvalidScopeError": frozenset({"invalid_scope"}),
    "UnauthorizedClientError": frozenset({"unauthorized_client"}),
    "AccessTokenExpiredError": frozenset({"tokenexpired"}),
    "TokenExpiredError": frozenset({"tokenexpired"}),
    "TokenExpired": frozenset({"tokenexpired"}),
    "RateLimitExceeded": frozenset({"rate_limit"}),
    "RateLimitExceededException": frozenset({"rate_limit"}),
    "ReportPermissionMissingException": frozenset({"not_permitted", "role"}),
    "XeroTenantIdNotSet": frozenset({"tenant_missing"}),
    "OrganisationOfflineException": frozenset({"offline"}),
}
# class name -> the rate limit it names (becomes X-Rate-Limit-Problem when none was sent)
CLASS_LIMITS = {"XeroMinuteRateLimitException": "minute", "XeroDailyRateLimitException": "day",
                "XeroAppMinuteRateLimitException": "appminute"}
_CLASS = re.compile(r"(?<![\w$])(" + "|".join(sorted(CLASS_STATUS, key=len, reverse=True)) + r")\b")
# A whole text shouted in capitals or lower-cased by a wrapper: the names in any case (slower, so
# only for such texts).
_CLASS_ANY_CASE = re.compile(_CLASS.pattern, re.IGNORECASE)
_CLASS_NAMES = {name.lower(): name for name in CLASS_STATUS}
# SDK API classes -> the catalog's API name
API_CLASSES = {
    "accounting": "accounting", "payrollau": "payroll_au", "payrollauv2": "payroll_au_v2",
    "payrollnz": "payroll_nz", "payrolluk": "payroll_uk", "files": "files", "file": "files",
    "asset": "assets", "assets": "assets", "project": "projects", "projects": "projects",
    "finance": "finance", "bankfeeds": "bankfeeds", "appstore": "appstore", "identity": "identity",
}
_API_CLASS = re.compile(r"\b(Accounting|PayrollAuV2|PayrollAu|PayrollNz|PayrollUk|Files?|Assets?|"
                        r"Projects?|Finance|BankFeeds|AppStore|Identity)Api(?:[.:]{1,2}|->)([A-Za-z_]\w{2,80})")
# .NET "error calling GetInvoices", and the older "Error calling GetInvoices"
_ERROR_CALLING = re.compile(r"\berror\s++calling\s++([A-Za-z_]\w{2,80})", re.IGNORECASE)
# xero-python traceback frames:
#   File ".../xero_python/accounting/api/accounting_api.py", line 9, in get_invoices
_CATALOG_OP = re.compile(r"\b(accounting|payroll_au_v2|payroll_au|payroll_nz|payroll_uk|files|assets|"
                         r"projects|finance|bankfeeds|appstore)\.((?:get|create|update|delete)[A-Z]\w{2,80})")
# a variable named for an API class: xero-python's accounting_api.get_invoices(, xero-node's
# xero.accountingApi.getInvoices(
_API_RECEIVER = re.compile(r"\b(accounting|payroll_?au(?:_?v2)?|payroll_?nz|payroll_?uk|files?|assets?|"
                           r"projects?|finance|bank_?feeds|app_?store|identity)_?api\.([A-Za-z_]\w{2,80})\(",
                           re.IGNORECASE)
# pyxero's managers on its Xero object: xero.journals.all(), xero.payrollAPI.employees.filter(...)
_PYXERO_MANAGER = re.compile(r"\bxero\w{0,20}\.(?:(payrollAPI|projectsAPI)\.)?([a-z]{3,40})\."
                             r"(?:all|filter|get)\(")
_PYXERO_APIS = {"payrollapi": "payroll_au", "projectsapi": "projects"}
# pyxero's accounting managers: on a client of any other name (api_client.journals.all()), these only
_PYXERO_NAMES = ("accounts|attachments|banktransactions|banktransfers|brandingthemes|contactgroups|contacts|"
                 "creditnotes|currencies|employees|expenseclaims|invoices|items|journals|linkedtransactions|"
                 "manualjournals|organisations|overpayments|payments|prepayments|purchaseorders|quotes|"
                 "receipts|repeatinginvoices|taxrates|trackingcategories|users")
_PYXERO_ANY_CLIENT = re.compile(r"\b[A-Za-z_]\w{0,30}\.(?:(payrollAPI|projectsAPI)\.)?(" + _PYXERO_NAMES
                                + r")\.(?:all|filter|get)\(")
# an SDK method named in words: "calling `get_bank_transactions` fails", "getInvoices returns 401"
_METHOD_WORD = re.compile(r"(?<![\w.])((?:get|create|update|delete)_[a-z]{3,30}(?:_[a-z]{2,30}){0,4}|"
                          r"(?:get|create|update|delete)[A-Z][a-z]{2,30}(?:[A-Z][a-z]{1,30}){0,4}(?:Async)?)\b")
_PY_FRAME = re.compile(r"xero_python[\\/](\w{2,30})[\\/]api[\\/]\w{1,40}\.py\"?, line \d{1,7}, in (\w{3,80})")
# xero-ruby's backtrace: ".../xero-ruby/api/accounting_api.rb:19450:in 'get_invoices_with_http_info'"
_RB_FRAME = re.compile(r"xero-ruby[\\/]api[\\/](\w{2,30}?)_api\.rb:\d{1,7}:in [`']"
                       r"(?:[\w:]{1,80}[#.])?(\w{3,80})'")
_SUFFIXES = ("AsyncWithHttpInfo", "WithHttpInfo", "Async", "_with_http_info")
# "minute rate limit", "per day rate limit", "the limit exceeded is: minute", "rate limit exceeded: day"
_LIMIT_KIND = re.compile(
    r"\b(?:per\s++)?(minute|day|daily|appminute|app\s++minute|concurrent)\s++rate[\s-]?limit|"
    r"limit\s++exceeded(?:\s++is)?\s*+:\s*+(minute|day|daily|appminute|concurrent)\b|"
    r"rate[\s-]?limit\s++exceeded\s*+:\s*+(minute|day|daily|appminute|concurrent)\b", re.IGNORECASE)


# xero-php-oauth2 wraps Guzzle's RequestException as ApiException("[$code] $message"), so its
# message starts "[403] Client error: `GET ...` resulted in a `403 Forbidden` response".
_PHP_API_EXCEPTION = re.compile(r"\[([45]\d\d)\]\s*+(?:Client|Server)\s++error:", re.IGNORECASE)


def class_hint(text: str) -> tuple[str, int | None] | None:
    """The first known SDK exception class named in ``text`` and the status it implies."""
    m = _CLASS.search(text)
    if m is None and (text.isupper() or text.islower()):
        m = _CLASS_ANY_CASE.search(text)
    if m is not None:
        name = _CLASS_NAMES[m.group(1).lower()]
        return name, CLASS_STATUS[name]
    php = _PHP_API_EXCEPTION.search(text)
    return ("ApiException", int(php.group(1))) if php else None


def class_of(names: list[str]) -> tuple[str, int | None] | None:
    """The most specific known class among an object's class names (its MRO, most derived first)."""
    known = [n for n in names if n in CLASS_STATUS]
    with_status = [n for n in known if CLASS_STATUS[n] is not None]
    picks = with_status or known
    return (picks[0], CLASS_STATUS[picks[0]]) if picks else None


def operation_name(method: str) -> str:
    """An SDK method name as the spec's operationId: ``GetInvoicesAsync``/``get_invoices`` -> getInvoices."""
    for suffix in _SUFFIXES:
        if method.endswith(suffix) and len(method) > len(suffix):
            method = method[: -len(suffix)]
            break
    if "_" in method:
        head, *rest = [p for p in method.split("_") if p]
        method = head.lower() + "".join(p[:1].upper() + p[1:] for p in rest) if head else method
    return method[:1].lower() + method[1:]


# get_report_from_id(tenant, "BankStatement"): the SDKs' generic report call, for the report Xero
# restricts (its own catalog operation, GET /Reports/BankStatement)
_BANK_STATEMENT_CALL = re.compile(r"get_?report_?from_?id[ \t]{0,4}\([^)\n]{0,200}[\"'`]BankStatement[\"'`]",
                                  re.IGNORECASE)


def operation_hint(text: str) -> tuple[str, str] | None:
    """(API or "", operationId) of the SDK method a message or stack trace names, or None.

    In order: an API class's method (``AccountingApi.getInvoices``, a variable named for one,
    ``accounting_api.get_invoices(``), an SDK's own frame in a trace, .NET's "error calling",
    the catalog's name, a pyxero manager call (``xero.journals.all()``), and last a method
    named in words ("calling `get_bank_transactions` fails"). A name no operation has is
    ignored where the endpoint is settled (``endpoint.by_operation``).
    """
    if _BANK_STATEMENT_CALL.search(text):  # the report id names the restricted report (§6)
        return "accounting", "getReportBankStatement"
    for rx in (_API_CLASS, _API_RECEIVER):
        for m in rx.finditer(text):
            name = operation_name(m.group(2))
            if not name.startswith(("call", "invoke", "execute", "handle", "request")):
                return API_CLASSES.get(m.group(1).lower().replace("_", ""), ""), name
    frame = _PY_FRAME.search(text) or _RB_FRAME.search(text)
    if frame is not None:
        return API_CLASSES.get(frame.group(1).lower().replace("_", ""), ""), operation_name(frame.group(2))
    calling = _ERROR_CALLING.search(text)
    if calling is not None:
        return "", operation_name(calling.group(1))
    named = _CATALOG_OP.search(text)  # the catalog's own "payroll_uk.getEmployees"
    if named is not None:
        return named.group(1).lower(), named.group(2)
    manager = _PYXERO_MANAGER.search(text) or _PYXERO_ANY_CLIENT.search(text)
    if manager is not None:  # pyxero reads with all/filter/get: the manager's GET operation
        return _PYXERO_APIS.get((manager.group(1) or "").lower(), "accounting"), "get" + manager.group(2)
    said = _METHOD_WORD.search(text)
    return ("", operation_name(said.group(1))) if said is not None else None


def limit_kind(text: str) -> str | None:
    """Which rate limit a library's wording names (minute, day, appminute, concurrent), or None."""
    m = _LIMIT_KIND.search(text)
    if m is None:
        return None
    word = next(g for g in m.groups() if g).lower().replace(" ", "")
    return {"daily": "day"}.get(word, word)
