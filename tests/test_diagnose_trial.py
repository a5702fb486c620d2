"""What a fresh-user trial found wrong, each pinned by what the user sees.

1. a long log with the failure at its end (or in its middle) is read where the failure is, and
   the notes say how much of the paste was read and which part;
2. a xero-python exception object says its endpoint: the request URL its urllib3 response keeps
   (``geturl()``, ``.url``), and the SDK method its traceback's frames name;
3. headers run together on one line each keep their own value;
4. xero-python's ``HTTPStatusException: (400)`` line gives the status;
5. redaction takes only values that look like credentials (``token= / granted=`` is prose);
6. a URL inside parentheses becomes an autolink that stops before the closing parenthesis.

The texts are written in the printed shape of the real tools (xero-python's traceback and
``ApiException.__str__``, curl, an application log); every id and token in them is fake.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from xero_nb.cli.parser import main
from xero_nb.diagnose.diagnosis import diagnose
from xero_nb.diagnose.findings import Finding
from xero_nb.diagnose.paste import parse_paste
from xero_nb.diagnose.scope import TOKEN_SCOPES
from xero_nb.markup import md_rich, rich
from xero_nb.redact import REDACTED, redact

CORR = "11111111-2222-4333-8444-555555555555"
TENANT = "99999999-8888-4777-8666-555555555555"
SITE = "/home/dev/.venv/lib/python3.11/site-packages/xero_python"
SCOPE_401: dict[str, Any] = {"Type": None, "Title": "Unauthorized", "Status": 401, "Detail": "AuthorizationUnsuccessful",
             "Instance": CORR, "Extensions": {}}


def _headers(**extra: str) -> str:
    pairs = {"date": "Tue, 01 Dec 2026 09:00:00 GMT", "Content-Type": "application/json; charset=utf-8",
             "Xero-Correlation-Id": CORR, "X-DayLimit-Remaining": "4990", **extra}
    return "HTTPHeaderDict({" + ", ".join(f"'{k}': '{v}'" for k, v in pairs.items()) + "})"


def _printout(status: int, reason: str, body: str, cls: str = "HTTPStatusException",
              method: str = "get_invoices", api: str = "accounting", **headers: str) -> str:
    """xero-python's traceback of a failed call, as ``traceback.print_exc()`` writes it."""
    return (
        "Traceback (most recent call last):\n"
        '  File "/home/dev/app/sync.py", line 41, in pull\n'
        f"    rows = api.{method}(tenant_id)\n"
        f'  File "{SITE}/{api}/api/{api}_api.py", line 11195, in {method}\n'
        f'    raise translate_status_exception(error, self, "{method}")\n'
        f'  File "{SITE}/rest.py", line 242, in request\n'
        "    raise HTTPStatusException(http_resp=RESTResponse(r))\n"
        f"xero_python.exceptions.http_status_exceptions.{cls}: ({status})\n"
        f"Reason: {reason}\n"
        f"HTTP response headers: {_headers(**headers)}\n"
        f"HTTP response body: b'{body}'\n")


SCOPE_PRINTOUT = _printout(401, "Unauthorized", json.dumps(SCOPE_401, separators=(",", ":")),
                           **{"WWW-Authenticate": "insufficient_scope"})


def _log(lines: int, start: int = 0) -> str:
    return "".join(f"2026-12-01 08:{(start + i) // 60 % 60:02d}:{(start + i) % 60:02d} INFO sync.worker "
                   f"batch {start + i} fetched 100 rows in 0.2s\n" for i in range(lines))


# --- 1. a long paste is read where the failure is, and the notes say what was read ---

def test_a_failure_at_the_end_of_a_long_log_is_found_and_the_cut_is_noted() -> None:
    text = _log(6000) + SCOPE_PRINTOUT
    assert len(text) > 300_000
    d = diagnose(text=text, granted=["accounting.settings.read", "offline_access"])
    assert d.top.code == "missing_scope"
    assert "getInvoices" in d.top.title or "GET /Invoices" in d.top.title
    assert any("status 401" in e for e in d.top.evidence)
    note = next(n for n in d.notes if "characters" in n)
    assert f"{len(text):,}" in note and "the last" in note  # how long, and which part was read
    assert "Notes on the input" in str(d)


def test_a_failure_in_the_middle_of_a_long_log_is_found_by_its_markers() -> None:
    text = _log(4000) + SCOPE_PRINTOUT + _log(4000, start=5000)
    d = diagnose(text=text)
    assert d.observed.status == 401 and d.observed.www_authenticate == "insufficient_scope"
    assert d.top.code == "missing_scope"
    assert any("around" in n and f"{len(text):,}" in n for n in d.notes)


def test_the_cli_reads_the_end_of_a_long_file(tmp_path: Any, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "app.log"
    path.write_text(_log(5000) + SCOPE_PRINTOUT, encoding="utf-8")
    assert main(["diagnose", str(path)]) == 0
    out = capsys.readouterr().out
    assert "[missing_scope]" in out and "note: the paste is" in out


def test_a_long_body_given_as_a_part_is_read_at_its_end_too() -> None:
    # a gateway that logs its own lines into the body before passing Xero's problem on
    body = ("<!-- upstream trace: hop ok -->\n" * 12_000
            + '{"Type":null,"Title":"Unauthorized","Status":401,'
              '"Detail":"TokenExpired: token expired at 12/01/2026 09:30:00","Instance":"' + CORR + '"}')
    d = diagnose(status=401, body=body)
    assert d.observed.detail is not None and d.observed.detail.startswith("TokenExpired")
    assert d.top.code == "token_expired"
    assert any(n.startswith(f"the body is {len(body):,} characters long") for n in d.notes)


# --- 2. an exception object says as much as its printout ---

class _Urllib3Response:
    """urllib3 2's HTTPResponse as xero-python keeps it: the request path, not the host."""

    def __init__(self, url: str, headers: dict[str, str], property_only: bool = False) -> None:
        self._request_url = url
        self._headers = headers
        self._property_only = property_only

    @property
    def url(self) -> str:
        return self._request_url

    def geturl(self) -> str:
        if self._property_only:
            raise AttributeError("geturl")
        return self._request_url

    def getheaders(self) -> dict[str, str]:
        return self._headers


class _RESTResponse:
    """xero_python.rest.RESTResponse: status, reason and data copied, the urllib3 answer kept."""

    def __init__(self, raw: Any, status: int, reason: str, data: bytes) -> None:
        self.urllib3_response = raw
        self.status, self.reason, self.data = status, reason, data

    def getheaders(self) -> Any:
        return self.urllib3_response.getheaders()


class ApiException(Exception):
    """xero_python.exceptions.ApiException's attributes and __str__."""

    def __init__(self, status: int | None = None, reason: str | None = None, http_resp: Any = None) -> None:
        self._status, self._reason, self.http_resp = status, reason, http_resp

    @property
    def status(self) -> Any:
        return self._status or getattr(self.http_resp, "status", None)

    @property
    def reason(self) -> Any:
        return self._reason or getattr(self.http_resp, "reason", None)

    @property
    def body(self) -> Any:
        return getattr(self.http_resp, "data", None)

    @property
    def headers(self) -> Any:
        return self.http_resp.getheaders() if self.http_resp else None

    def __str__(self) -> str:
        text = f"({self.status})\nReason: {self.reason}\n"
        if self.headers:
            text += f"HTTP response headers: {self.headers}\n"
        return text + (f"HTTP response body: {self.body}\n" if self.body else "")


class HTTPStatusException(ApiException):
    pass


def _scope_exception(url: str | None, property_only: bool = False) -> HTTPStatusException:
    headers = {"Content-Type": "application/json; charset=utf-8", "Xero-Correlation-Id": CORR,
               "WWW-Authenticate": "insufficient_scope"}
    raw = _Urllib3Response(url or "", headers, property_only) if url is not None else None
    resp = _RESTResponse(raw, 401, "Unauthorized", json.dumps(SCOPE_401).encode())
    return HTTPStatusException(http_resp=resp)


@pytest.mark.parametrize("property_only", [False, True])
def test_the_request_path_an_sdk_exception_keeps_settles_the_endpoint(property_only: bool) -> None:
    exc = _scope_exception("/api.xro/2.0/Invoices", property_only)
    d = diagnose(exc, granted=["accounting.settings.read", "offline_access"])
    assert d.observed.url == "/api.xro/2.0/Invoices"
    assert d.top.code == "missing_scope"
    assert "GET /Invoices" in d.top.title and "accounting.getInvoices" in d.top.title
    assert d.decisive_fact is None or "which endpoint" not in d.decisive_fact


# A stand-in for xero-python's generated API module: the traceback frame must sit in a file
# under xero_python/<api>/api/, as the real one does.
_SDK_SOURCE = """
class AccountingApi:
    def __init__(self, error):
        self.error = error

    def get_invoices(self, xero_tenant_id):
        raise self.error
"""


def _sdk_module() -> dict[str, Any]:
    space: dict[str, Any] = {}
    exec(compile(_SDK_SOURCE, f"{SITE}/accounting/api/accounting_api.py", "exec"), space)
    return space


def test_the_sdk_method_in_the_traceback_settles_the_endpoint() -> None:
    api = _sdk_module()["AccountingApi"](_scope_exception(None))
    try:
        api.get_invoices(TENANT)
    except HTTPStatusException as exc:
        d = diagnose(exc, granted=["accounting.settings.read", "offline_access"])
    assert d.observed.operation == ("accounting", "getInvoices")
    assert d.top.code == "missing_scope" and "accounting.getInvoices" in d.top.title


class PayrollUkApi:
    """Named as xero-python's class, defined here: the frame's ``self`` names the API."""

    def get_employees(self, error: Exception) -> None:
        raise error


def test_a_method_of_an_sdk_api_class_names_the_operation_from_anywhere() -> None:
    exc = _scope_exception(None)
    try:
        PayrollUkApi().get_employees(exc)
    except HTTPStatusException as caught:
        d = diagnose(caught)
    assert d.observed.operation == ("payroll_uk", "getEmployees")
    assert any("payroll_uk.getEmployees" in n for n in d.notes) or "getEmployees" in d.top.title


class _Odd:
    def __getattr__(self, name: str) -> Any:
        raise RuntimeError(name)


def test_odd_response_holders_are_skipped_and_the_url_still_read() -> None:
    raw = _Urllib3Response("https://api.xero.com/api.xro/2.0/Accounts", {})
    exc = ApiException(401, "Unauthorized", _RESTResponse(raw, 401, "Unauthorized", b"{}"))
    exc.__traceback__ = None
    assert diagnose(exc).observed.url == "https://api.xero.com/api.xro/2.0/Accounts"
    weird = ApiException(401, "Unauthorized", _Odd())
    assert diagnose(weird).observed.status == 401  # nothing raised


# --- 3. headers run together on one line ---

@pytest.mark.parametrize("text", [
    "HTTP 429 Too Many Requests X-Rate-Limit-Problem: day Retry-After: 50000",
    "429 Too Many Requests\nX-Rate-Limit-Problem: day Retry-After: 50000 X-DayLimit-Remaining: 0",
    "< HTTP/1.1 429 Too Many Requests\n< x-rate-limit-problem: day  retry-after: 50000",
])
def test_headers_on_one_line_keep_their_own_values(text: str) -> None:
    d = diagnose(text=text)
    assert d.observed.rate_limit_problem == "day" and d.observed.retry_after == 50000.0
    assert d.top.code == "rate_limited"
    assert "daily limit" in d.top.title and "wait 50000 s" in d.top.title
    assert "retry-after" not in d.top.title.lower() and "no Retry-After" not in d.top.title
    assert d.top.fix[0].startswith("Wait 50000 s")
    assert "X-Rate-Limit-Problem: day" in d.top.evidence and "Retry-After: 50000" in d.top.evidence


# --- 4. xero-python's (400) ---

def test_the_400_line_of_a_xero_python_printout_gives_the_status() -> None:
    text = _printout(400, "Bad Request", '{"error":"invalid_grant"}', method="refresh_token",
                     api="api_client")
    d = diagnose(text=text)
    assert d.observed.status == 400
    assert d.top.code == "invalid_grant"
    assert "status 400" in d.top.evidence and "no HTTP status" not in " ".join(d.top.evidence)


@pytest.mark.parametrize(("line", "status"), [
    ("xero_python.exceptions.ApiException: (409)", 409),
    ("HTTPStatusException: (500)  ", 500),
])
def test_the_status_after_the_exception_class_is_read(line: str, status: int) -> None:
    assert parse_paste(line + "\nReason: whatever\n").status == status


# --- 5. redaction keeps prose ---

def test_token_equals_slash_is_prose_not_a_credential() -> None:
    prose = "the token's scopes (the access token's `scope` claim, or pass token= / granted=)"
    assert redact(prose) == prose
    assert redact(TOKEN_SCOPES) == TOKEN_SCOPES  # the decisive fact diagnose() writes
    assert redact("call diagnose(token= granted=...) again") == "call diagnose(token= granted=...) again"
    assert redact("secret=- and password: ...") == "secret=- and password: ..."
    assert redact("token=Zq81mXc7Lp0Tq4Rw") == f"token={REDACTED}"  # a real one still goes


def test_the_report_keeps_token_slash_granted(capsys: pytest.CaptureFixture[str], tmp_path: Any) -> None:
    path = tmp_path / "err.txt"
    path.write_text(SCOPE_PRINTOUT, encoding="utf-8")
    assert main(["report", "--granted", "accounting.settings.read", "--error-file", str(path)]) == 0
    out = capsys.readouterr().out
    assert "the token's scopes" in out  # the decisive fact the trial saw mangled, reported whole
    assert "pass token= / granted=" in out and f"token= {REDACTED}" not in out


# --- 6. a URL in parentheses ---

def test_a_url_in_parentheses_is_linked_without_the_closing_parenthesis() -> None:
    body = '{"Type":null,"Title":"Forbidden","Status":403,"Detail":"AuthenticationUnsuccessful"}'
    d = diagnose(status=403, body=body, request_headers={"Accept": "application/json", "xero-tenant-id": TENANT})
    assert d.decisive_fact is not None and "(GET https://api.xero.com/connections)" in d.decisive_fact
    md = str(d)
    assert "(GET <https://api.xero.com/connections>)" in md and "connections)>" not in md
    html = d.to_html()
    assert 'href="https://api.xero.com/connections"' in html and "connections)</a>" not in html
    # the same in any Finding's title, evidence or fix step
    f = Finding("unknown", "t", ("seen (see https://api.xero.com/connections)",),
                ("Call it (GET https://api.xero.com/connections).",))
    assert "(see <https://api.xero.com/connections>)" in f.to_markdown()
    assert "(GET <https://api.xero.com/connections>)." in f.to_markdown()


@pytest.mark.parametrize(("value", "link"), [
    ("see (https://developer.xero.com/app/manage)", "https://developer.xero.com/app/manage"),
    ("((https://en.wikipedia.org/wiki/Xero_(software)))", "https://en.wikipedia.org/wiki/Xero_(software)"),
    ("((https://api.xero.com/connections))", "https://api.xero.com/connections"),
    ("open https://login.xero.com/identity/connect/authorize?x=1.", "https://login.xero.com/identity/connect/authorize?x=1"),
])
def test_autolinks_take_only_the_parentheses_they_open(value: str, link: str) -> None:
    assert f"<{link}>" in md_rich(value)
    assert re.search(r'href="([^"]*)"', rich(value)).group(1) == link  # type: ignore[union-attr]
