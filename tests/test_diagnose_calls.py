"""A paste that shows several calls is read for the one that failed; the user's own code is no cue.

The logs here are written in the shapes a fresh-user trial pasted: an application log with an
arrow and the status, urllib3's debug lines, a Node log with a problem body after the call.
"""

from __future__ import annotations

import json
from functools import partial

from xero_nb.diagnose.calls import focus_calls
from xero_nb.diagnose.diagnosis import diagnose as _diagnose_with_wording

# These tests pin the rules: diagnose() here is the rules alone (resemblance=False); the wording's
# statistical reading it adds by default is tested in tests/test_diagnose_resemble.py.
diagnose = partial(_diagnose_with_wording, resemblance=False)

PROBLEM_401 = ('{"Type":null,"Title":"Unauthorized","Status":401,"Detail":"AuthorizationUnsuccessful",'
               '"Instance":"aaaa1111-2222-3333-4444-555566667777"}')
APP_LOG = f"""\
2026-11-30T10:00:01Z INFO  GET https://api.xero.com/api.xro/2.0/Organisation -> 200 OK (123 ms)
2026-11-30T10:00:01Z INFO  GET https://api.xero.com/api.xro/2.0/Contacts?page=1 -> 200 OK (201 ms)
2026-11-30T10:00:02Z ERROR GET https://api.xero.com/api.xro/2.0/Invoices?page=1 -> 401 Unauthorized
2026-11-30T10:00:02Z ERROR WWW-Authenticate: insufficient_scope
2026-11-30T10:00:02Z ERROR body: {PROBLEM_401}
2026-11-30T10:00:03Z INFO  GET https://api.xero.com/api.xro/2.0/Accounts -> 200 OK (98 ms)
2026-11-30T10:00:04Z WARN  GET https://api.xero.com/payroll.xro/2.0/employees -> 403 Forbidden
{{"title":"Forbidden","status":403,"detail":"AuthenticationUnsuccessful"}}
"""
URLLIB3_LOG = f"""\
DEBUG:urllib3.connectionpool:Starting new HTTPS connection (1): identity.xero.com:443
DEBUG:urllib3.connectionpool:https://identity.xero.com:443 "POST /connect/token HTTP/1.1" 200 1795
DEBUG:urllib3.connectionpool:https://api.xero.com:443 "GET /connections HTTP/1.1" 200 342
DEBUG:urllib3.connectionpool:https://api.xero.com:443 "GET /api.xro/2.0/BankTransactions?page=1 HTTP/1.1" 401 152
ERROR:sync:Xero call failed: (401)
Reason: Unauthorized
HTTP response headers: HTTPHeaderDict({{'WWW-Authenticate': 'insufficient_scope'}})
HTTP response body: b'{PROBLEM_401}'
"""
NODE_LOG = """\
[2026-11-30 10:00:00] GET /api.xro/2.0/Contacts 200
[2026-11-30 10:00:02] GET /payroll.xro/1.0/Employees 403
{"type":"https://developer.xero.com/documentation/api/http-response-codes","title":"Forbidden","status":403,\
"detail":"AuthenticationUnsuccessful"}
"""


def test_an_application_log_is_diagnosed_at_its_first_failed_call() -> None:
    d = diagnose(text=APP_LOG, granted="accounting.settings.read accounting.contacts.read")
    assert d.observed.method == "GET" and "/api.xro/2.0/Invoices" in (d.observed.url or "")
    assert d.observed.status == 401 and d.top.code == "missing_scope"
    assert "accounting.invoices.read" in d.top.title
    assert d.notes[0] == ("the paste shows 5 calls, 2 failed: the first that failed is diagnosed, GET "
                          "/api.xro/2.0/Invoices?page=1 (401); also failed: GET /payroll.xro/2.0/employees "
                          "(403) (paste one alone to diagnose it)")


def test_the_other_calls_and_the_other_failures_response_are_left_out() -> None:
    kept, note = focus_calls(APP_LOG)
    assert note is not None
    assert "Organisation" not in kept and "Accounts" not in kept and "payroll" not in kept
    assert "AuthenticationUnsuccessful" not in kept  # the 403's body belongs to the other failure
    assert "WWW-Authenticate: insufficient_scope" in kept and PROBLEM_401 in kept


def test_urllib3_debug_lines_are_calls() -> None:
    d = diagnose(text=URLLIB3_LOG)
    assert "/api.xro/2.0/BankTransactions" in (d.observed.url or "")
    assert d.top.code == "missing_scope" and "banktransactions" in d.top.title
    assert d.notes[0].startswith("the paste shows 3 calls, 1 failed")


def test_a_path_read_from_the_call_is_kept_over_a_documentation_link() -> None:
    d = diagnose(text=NODE_LOG)
    assert d.observed.url == "/payroll.xro/1.0/Employees" and d.observed.method == "GET"
    assert not any("not a Xero endpoint" in n for n in d.notes)


def test_one_call_or_no_failure_leaves_the_paste_as_it_is() -> None:
    one = "GET https://api.xero.com/api.xro/2.0/Invoices -> 401\n" + PROBLEM_401 + "\n"
    assert focus_calls(one) == (one, None)
    fine = "GET /api.xro/2.0/Contacts 200\nGET /api.xro/2.0/Invoices 200\n"
    assert focus_calls(fine) == (fine, None)
    assert focus_calls("GET /a 401 GET /b 200") == ("GET /a 401 GET /b 200", None)  # one line


def test_many_other_failures_are_counted_not_all_named() -> None:
    log = "".join(f"GET /api.xro/2.0/Invoices/{n} -> 404\n" for n in range(6))
    _, note = focus_calls(log)
    assert note is not None and note.endswith(
        "also failed: GET /api.xro/2.0/Invoices/1 (404), GET /api.xro/2.0/Invoices/2 (404), GET "
        "/api.xro/2.0/Invoices/3 (404) and 2 more (paste one alone to diagnose it)")


def test_a_secret_in_a_logged_url_is_not_repeated_in_the_note() -> None:
    log = ("GET https://api.xero.com/api.xro/2.0/Invoices?access_token=SENTINELx9Qw7Zr4Lm2Np8 -> 401\n"
           "GET https://api.xero.com/api.xro/2.0/Contacts -> 200\n")
    _, note = focus_calls(log)
    assert note is not None and "SENTINEL" not in note


def test_words_in_the_users_own_source_lines_are_not_cues() -> None:
    frame = ('Traceback (most recent call last):\n  File "/app/sync.py", line 40, in <module>\n'
             '    run("{label}", lambda: api.get_invoices(tenant))\n    ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^\n'
             '  File "/app/sync.py", line 12, in run\n    return call()\n'
             "xero_python.exceptions.http_status_exceptions.HTTPStatusException: (403)\n"
             "Reason: Forbidden\nHTTP response body: b'{\"Title\":\"Forbidden\",\"Status\":403,"
             "\"Detail\":\"AuthenticationUnsuccessful\"}'\n")
    named = diagnose(text=frame.replace("{label}", "disconnected"), tenant_id="8a1b2c3d-4e5f-4a6b-9c8d-0e1f2a3b4c5d")
    plain = diagnose(text=frame.replace("{label}", "case4"), tenant_id="8a1b2c3d-4e5f-4a6b-9c8d-0e1f2a3b4c5d")
    assert named.codes == plain.codes
    assert "revoked" not in named.observed.markers and "disconnected" not in str(named.observed.markers)


def _har(*calls: tuple[str, str, int, list[tuple[str, str]], list[tuple[str, str]], str]) -> str:
    entries = [{"request": {"method": m, "url": u, "headers": [{"name": k, "value": v} for k, v in rq]},
                "response": {"status": s, "statusText": "", "headers": [{"name": k, "value": v} for k, v in rs],
                             "content": {"mimeType": "application/json", "text": body}}}
               for m, u, s, rq, rs, body in calls]
    return json.dumps({"log": {"version": "1.2", "creator": {"name": "Firefox"}, "entries": entries}}, indent=2)


TENANT = "8a1b2c3d-4e5f-4a6b-9c8d-0e1f2a3b4c5d"
FORBIDDEN = '{"Type":null,"Title":"Forbidden","Status":403,"Detail":"AuthenticationUnsuccessful"}'


def test_a_har_capture_is_read_at_its_first_failed_call() -> None:
    har = _har(("GET", "https://api.xero.com/connections", 200, [], [], "[]"),
               ("GET", "https://api.xero.com/api.xro/2.0/Invoices", 403, [("xero-tenant-id", TENANT)],
                [("Xero-Correlation-Id", "0e9d8c7b-6a5f-4e4d-8c3b-2a1f0e9d8c7b")], FORBIDDEN),
               ("GET", "https://api.xero.com/api.xro/2.0/Contacts", 429, [], [("Retry-After", "30")], ""))
    d = diagnose(text=har, connections=[])
    assert d.notes[0] == ("a HAR capture of 3 calls, 2 failed: the first that failed is diagnosed, GET "
                          "/api.xro/2.0/Invoices (403); also failed: GET /api.xro/2.0/Contacts (429)")
    assert (d.observed.method, d.observed.status) == ("GET", 403)
    assert d.observed.url == "https://api.xero.com/api.xro/2.0/Invoices"
    assert d.observed.request_header("xero-tenant-id") == TENANT
    assert d.observed.correlation_id == "0e9d8c7b-6a5f-4e4d-8c3b-2a1f0e9d8c7b"
    assert d.top.code == "connection_revoked"
    assert not any(name == "name" or value == "value" for name, value in d.observed.headers)


def test_json_that_is_no_har_or_a_har_without_failure_is_read_as_before() -> None:
    from xero_nb.diagnose.calls import focus_har

    fine = _har(("GET", "https://api.xero.com/connections", 200, [], [], "[]"))
    assert focus_har(fine) == (fine, None)
    for text in (FORBIDDEN, '{"log": "not a HAR"}', '{"log": {"entries": [{"request": 1}]}}', "[1, 2]"):
        assert focus_har(text) == (text, None)


def test_a_redirect_uri_in_the_words_is_not_taken_for_a_failed_call() -> None:
    d = diagnose(text="unauthorized_client: Invalid redirect_uri http://localhost:3000/cb")
    assert d.notes == () and d.top.code == "invalid_client"
    # an API path on the simulator, or an endpoint given, is still judged against the catalog
    assert any("not a Xero endpoint" in n for n in diagnose(
        text="GET http://127.0.0.1:8765/api.xro/2.0/Foo -> 404").notes)
    assert any("not a Xero endpoint" in n for n in diagnose(
        text="401", endpoint="GET http://localhost:3000/cb").notes)


def test_a_long_log_is_searched_for_cues_once_per_distinct_line() -> None:
    from xero_nb.diagnose.cues import DISTINCT_FROM, _distinct_lines, cue_markers

    line = "2026-11-30 WARN sync: the connection was revoked by the user\n"
    filler = "2026-11-30 INFO sync: 200 OK\n"
    log = filler * (DISTINCT_FROM // len(filler) + 10) + line * 50 + filler * 100
    assert len(_distinct_lines(log)) < 200  # two distinct lines and the empty last one
    assert "revoked" in cue_markers(log) and cue_markers(log) == cue_markers(filler + line)
    short = filler * 3
    assert _distinct_lines(short) == short  # a paste of ordinary length is read as it is


DOTNET_LOG = """\
info: System.Net.Http.HttpClient.Xero.LogicalHandler[100]
      Start processing HTTP request GET https://api.xero.com/api.xro/2.0/Organisation
info: System.Net.Http.HttpClient.Xero.LogicalHandler[101]
      End processing HTTP request after 120.5ms - 200
info: System.Net.Http.HttpClient.Xero.LogicalHandler[100]
      Start processing HTTP request GET https://api.xero.com/api.xro/2.0/BankTransactions
info: System.Net.Http.HttpClient.Xero.LogicalHandler[101]
      End processing HTTP request after 80.1ms - 401
fail: MyApp.XeroSync[0]
      Xero call failed: {"Type":null,"Title":"Unauthorized","Status":401,"Detail":"AuthorizationUnsuccessful"}
"""
RETRIED_LOG = """\
INFO urllib3.connectionpool: https://api.xero.com:443 "GET /api.xro/2.0/Accounts HTTP/1.1" 200 1234
INFO urllib3.connectionpool: https://api.xero.com:443 "GET /api.xro/2.0/Invoices HTTP/1.1" 429 0
DEBUG myapp: Retry-After: 42
INFO urllib3.connectionpool: https://api.xero.com:443 "GET /api.xro/2.0/Invoices HTTP/1.1" 200 5555
ERROR myapp: Xero request failed with status 403
ERROR myapp: {"Type":null,"Title":"Forbidden","Status":403,"Detail":"AuthenticationUnsuccessful"}
"""
TWO_FAILURES = """\
GET https://api.xero.com/api.xro/2.0/Journals -> 401
{"Type":null,"Title":"Unauthorized","Status":401,"Detail":"AuthorizationUnsuccessful"}
GET https://api.xero.com/api.xro/2.0/Organisation -> 200
GET https://api.xero.com/payroll.xro/2.0/Employees -> 403
{"Type":null,"Title":"Forbidden","Status":403,"Detail":"AuthenticationUnsuccessful"}
"""


def test_dotnet_httpclient_logs_pair_each_request_with_its_status() -> None:
    d = diagnose(text=DOTNET_LOG)
    assert d.observed.url == "https://api.xero.com/api.xro/2.0/BankTransactions"
    assert d.observed.status == 401 and d.top.code == "missing_scope"
    assert d.notes[0].startswith("the paste shows 2 calls, 1 failed")


def test_a_status_stated_after_another_call_does_not_leak_into_the_failure() -> None:
    d = diagnose(text=RETRIED_LOG)
    assert d.observed.status == 429 and d.codes == ("rate_limited",)
    assert d.notes[0].endswith("; lines after other calls that state status 403 were left out (a failure "
                               "whose request the log does not show)")


def test_a_given_status_picks_the_call_that_failed_with_it() -> None:
    d = diagnose(text=TWO_FAILURES, status=403)
    assert d.observed.url == "https://api.xero.com/payroll.xro/2.0/Employees" and d.observed.status == 403
    assert d.notes[0] == ("the paste shows 3 calls, 2 failed: the first that failed with 403 is diagnosed, "
                          "GET /payroll.xro/2.0/Employees (403); also failed: GET /api.xro/2.0/Journals (401) "
                          "(paste one alone to diagnose it)")
    assert not any("was given, but" in n for n in d.notes)
    first = diagnose(text=TWO_FAILURES)
    assert first.observed.url == "https://api.xero.com/api.xro/2.0/Journals"
    assert "left out" not in first.notes[0]  # the Journals body is its own call's answer


def test_a_json_lines_log_is_read_call_by_call() -> None:
    lines = [
        {"level": 30, "msg": "request completed", "req": {"method": "GET", "url": "/api.xro/2.0/Accounts"},
         "res": {"statusCode": 200}},
        {"level": 50, "msg": "request failed", "req": {"method": "GET", "url": "/api.xro/2.0/Invoices"},
         "res": {"statusCode": 401, "headers": {"www-authenticate": "insufficient_scope"}},
         "body": {"Title": "Unauthorized", "Status": 401, "Detail": "AuthorizationUnsuccessful"}},
        {"level": 30, "method": "get", "url": "/api.xro/2.0/Contacts", "status": "200"},
        {"level": 50, "method": "GET", "url": "/api.xro/2.0/Quotes", "status": 403},
    ]
    d = diagnose(text="\n".join(json.dumps(x) for x in lines), granted="accounting.settings.read")
    assert d.notes[0] == ("the paste shows 4 calls, 2 failed: the first that failed is diagnosed, GET "
                          "/api.xro/2.0/Invoices (401); also failed: GET /api.xro/2.0/Quotes (403) (paste "
                          "one alone to diagnose it)")
    assert d.observed.status == 401 and d.top.code == "missing_scope"


def test_json_lines_without_a_call_are_not_calls() -> None:
    from xero_nb.diagnose.calls import _json_call

    assert _json_call('{"msg": "GET done", "status": 200}') is None  # no method
    assert _json_call('{"method": "FETCH", "url": "/x", "status": 200}') is None
    assert _json_call('{"method": "GET", "url": "/x", "status": true}') is None
    assert _json_call('{"method": "GET", "url": "/x", "status": 999}') is None
    assert _json_call('[1, 2] GET') is None and _json_call("{not json GET") is None
    assert _json_call('{"request": {"method": "post", "uri": "/x"}, "response": {"status": 429}}') == (
        "POST", "/x", 429)


def test_a_failure_retried_with_success_gives_way_to_one_that_stood() -> None:
    log = ("GET https://api.xero.com/api.xro/2.0/Invoices -> 429\nRetry-After: 20\n"
           "GET https://api.xero.com/api.xro/2.0/Invoices -> 200\n"
           "GET https://api.xero.com/api.xro/2.0/Contacts -> 401\nWWW-Authenticate: insufficient_scope\n")
    d = diagnose(text=log)
    assert d.observed.url == "https://api.xero.com/api.xro/2.0/Contacts" and d.top.code == "missing_scope"
    assert d.notes[0] == ("the paste shows 3 calls, 2 failed: the first that failed and was not cured by "
                          "a retry or a token refresh is diagnosed, GET /api.xro/2.0/Contacts (401); also failed: GET "
                          "/api.xro/2.0/Invoices (429) (paste one alone to diagnose it)")
    # every failure retried with success: the first is still the one said
    healed = diagnose(text=log.replace("Contacts -> 401", "Contacts -> 200"))
    assert healed.observed.status == 429 and healed.notes[0].startswith(
        "the paste shows 3 calls, 1 failed: the first that failed is diagnosed")
