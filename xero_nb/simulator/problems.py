"""Answer builders: Xero's problem bodies (PascalCase or lower-case by API) and JSON replies."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from xero_nb.simulator.wire import Answer

# APIs answering lower-case application/problem+json (docs/xero-facts.md §6); the rest use PascalCase.
LOWER_CASE_APIS = frozenset({"payroll_nz", "payroll_uk", "finance", "bankfeeds"})

CORRELATION_HEADER = "Xero-Correlation-Id"
NOT_FOUND = "The resource you have specified cannot be found"
NOT_PERMITTED = "Not Permitted: the user doesn't have permission to access the resource"
REPORTING_ROLE = "You are not permitted to access this resource without the reporting role"
PAYROLL_ADMIN = "You are not permitted to access payroll without the payroll admin role"
INVALID_APPLICATION = "The application has not been configured to use these API endpoints."
TITLES = {400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found",
          405: "Method Not Allowed", 429: "Too Many Requests", 500: "Internal Server Error",
          503: "Service Unavailable"}


def dumps(body: Any) -> bytes:
    """Compact JSON bytes."""
    return json.dumps(body, separators=(",", ":"), default=str).encode()


def json_response(status: int, body: Any, cid: str, headers: Mapping[str, str] | None = None,
                  content_type: str = "application/json; charset=utf-8") -> Answer:
    """A JSON reply carrying the correlation id."""
    hdrs = {"Content-Type": content_type, CORRELATION_HEADER: cid}
    if headers:
        hdrs.update(headers)
    return Answer(status, headers=hdrs, content=dumps(body))


def problem(status: int, detail: str, cid: str, api: str = "accounting", *,
            headers: Mapping[str, str] | None = None, type_: str | None = None,
            title: str | None = None, extra: Mapping[str, Any] | None = None) -> Answer:
    """A Xero problem body in the key case ``api`` uses; ``Instance`` is the correlation id.

    ``extra``: more members (payroll 2.0's ``invalidFields``).
    """
    title = title or TITLES.get(status, "Error")
    if api in LOWER_CASE_APIS:
        body: dict[str, Any] = {"type": type_ or "about:blank", "title": title, "status": status,
                                "detail": detail, "instance": cid, **(extra or {})}
        return json_response(status, body, cid, headers, "application/problem+json; charset=utf-8")
    body = {"Type": type_, "Title": title, "Status": status, "Detail": detail, "Instance": cid,
            "Extensions": {}, **(extra or {})}
    return json_response(status, body, cid, headers)


def token_error(error: str, cid: str, description: str | None = None, status: int = 400) -> Answer:
    """An OAuth2 token-endpoint error, as identity.xero.com gives it."""
    body = {"error": error}
    if description:
        body["error_description"] = description
    return json_response(status, body, cid, {"Cache-Control": "no-store", "Pragma": "no-cache"})


def expired_detail(exp: float) -> str:
    """Xero's ``TokenExpired: token expired at MM/DD/YYYY HH:MM:SS`` text."""
    return "TokenExpired: token expired at " + datetime.fromtimestamp(exp, UTC).strftime(
        "%m/%d/%Y %H:%M:%S")


def html_response(status: int, html: str, cid: str) -> Answer:
    """An HTML page (consent screen, authorize error page)."""
    return Answer(status, headers={"Content-Type": "text/html; charset=utf-8",
                                     CORRELATION_HEADER: cid}, content=html.encode())


def redirect(location: str, cid: str) -> Answer:
    """A 302 to ``location``."""
    return Answer(302, headers={"Location": location, CORRELATION_HEADER: cid, "Content-Length": "0"})


def empty(status: int, cid: str, headers: Mapping[str, str] | None = None) -> Answer:
    """A bodiless reply (204, 200 for revocation, or a product's 403 without Xero's problem body)."""
    return Answer(status, headers={**(headers or {}), CORRELATION_HEADER: cid, "Content-Length": "0"})


def xero_datetime(ts: float) -> str:
    """ISO date-time as /connections gives it (7 fractional digits, no zone)."""
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%dT%H:%M:%S.%f") + "0"


def ms_date(ts: float) -> str:
    """The accounting API's ``/Date(ms+0000)/`` form."""
    return f"/Date({int(ts * 1000)}+0000)/"
