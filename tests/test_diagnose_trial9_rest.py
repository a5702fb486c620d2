"""The rest of the ninth trial's findings (1 Dec 2026), each as the behaviour it now has.

Prose that names the Journals scope as required, a tier named beside Journals, two errors pasted
one after the other, a log whose 401 a refresh cured, a platform's own connector, the Demo
Company, the user's role when given, and arguments that cannot be what they claim.
"""

from __future__ import annotations

import pytest

from xero_nb.diagnose import diagnose
from xero_nb.diagnose.calls import focus_responses
from xero_nb.diagnose.findings import Finding
from xero_nb.diagnose.platform import connector_sends_tenant

T403 = '{"Type":null,"Title":"Forbidden","Status":403,"Detail":"AuthenticationUnsuccessful"}'
TID = "11111111-1111-4111-8111-111111111111"
CONNS = [{"id": "c1", "tenantId": TID, "tenantName": "Demo"}]


# -- Journals: the scope named as needed is not the scope held; a tier beside Journals is the gate


def test_journals_scope_named_as_required_is_not_said_to_be_held() -> None:
    d = diagnose(text="Fivetran: 401 Unauthorized from Xero when fetching /api.xro/2.0/Journals. "
                      "The connector requires the accounting.journals.read scope.")
    assert d.top.code == "missing_scope" and "accounting.journals.read" in d.top.title
    assert "tier_gated" in d.codes[:3]
    assert not any("is held" in f.title for f in d.findings)


def test_journals_scope_said_added_is_held_and_the_tier_is_the_journals_gate() -> None:
    d = diagnose(text="Hi all, I'm getting a 401 unauthorized error whenever I call the Journals endpoint, "
                      "even though I added accounting.journals.read to my scopes and reconnected. Invoices "
                      "and Contacts work fine. Our app is on the Core plan. Any ideas?")
    assert d.top.code == "tier_gated"
    assert "Journals" in d.top.title and "Advanced" in d.top.title
    assert "connect" not in d.top.title  # not the connection cap ("caps how many organisations")


def test_a_tier_without_journals_is_still_the_connection_cap() -> None:
    d = diagnose(text="403 when a new customer connects: our app is on the Core tier, is there a "
                      "connection limit?")
    assert d.top.code == "tier_gated" and "organisations" in d.top.title


# -- two error answers pasted in turn: the last is diagnosed, the other named


def test_two_answers_pasted_in_turn_are_not_merged() -> None:
    text = ("first I got\nHTTP/1.1 429 Too Many Requests\nRetry-After: 30\nX-Rate-Limit-Problem: minute\n\n"
            f"then after waiting:\nHTTP/1.1 403 Forbidden\n{T403}")
    d = diagnose(text=text)
    assert d.observed.status == 403
    assert d.observed.header("X-Rate-Limit-Problem") is None and d.top.code != "rate_limited"
    assert any("2 error answers" in n and "429" in n for n in d.notes)


def test_two_error_bodies_pasted_in_turn_are_told_apart() -> None:
    d = diagnose(text=f'Error 1: {{"error":"invalid_grant"}}\nError 2: {T403}')
    assert d.observed.status == 403 and d.observed.field("error") is None
    assert d.top.code != "invalid_grant"
    assert any("invalid_grant" in n for n in d.notes)


@pytest.mark.parametrize("text", [
    # one answer: its status line, headers and body
    f"HTTP/1.1 403 Forbidden\nContent-Type: application/json\n\n{T403}",
    # the status line and a body without a status of its own
    'HTTP/1.1 400 Bad Request\nContent-Type: application/json\n\n{"error":"invalid_grant"}',
    # the same answer twice (a retry)
    f"{T403}\nretrying...\n{T403}",
    # a log's own JSON lines are no answers
    '{"level":"error","msg":"sync failed"}\n{"level":"info","msg":"retrying"}',
])
def test_one_answer_or_its_repeats_is_left_whole(text: str) -> None:
    assert focus_responses(text) == (text, None)


def test_answers_beside_request_lines_are_the_log_readers() -> None:
    text = f"GET https://api.xero.com/api.xro/2.0/Invoices -> 429\n{T403}\nHTTP/1.1 401 Unauthorized"
    assert focus_responses(text) == (text, None)


# -- a log whose 401 a token refresh cured


@pytest.mark.parametrize("log", [
    'DEBUG:urllib3.connectionpool:https://api.xero.com:443 "GET /api.xro/2.0/Invoices HTTP/1.1" 401 152\n'
    'DEBUG:urllib3.connectionpool:https://identity.xero.com:443 "POST /connect/token HTTP/1.1" 200 1650\n'
    'DEBUG:urllib3.connectionpool:https://api.xero.com:443 "GET /api.xro/2.0/Invoices HTTP/1.1" 200 None',
    'INFO:httpx:HTTP Request: GET https://api.xero.com/api.xro/2.0/Invoices "HTTP/1.1 401 Unauthorized"\n'
    'INFO:httpx:HTTP Request: POST https://identity.xero.com/connect/token "HTTP/1.1 200 OK"\n'
    'INFO:httpx:HTTP Request: GET https://api.xero.com/api.xro/2.0/Invoices "HTTP/1.1 200 OK"',
])
def test_a_401_cured_by_a_refresh_is_said_handled(log: str) -> None:
    d = diagnose(text=log)
    assert d.top.code == "token_expired" and "nothing is failing now" in d.top.title
    assert d.top.weight >= 0.85


def test_a_401_refreshed_but_failing_again_is_not_said_handled() -> None:
    log = ("GET https://api.xero.com/api.xro/2.0/Invoices -> 401\n"
           "POST https://identity.xero.com/connect/token -> 200\n"
           "GET https://api.xero.com/api.xro/2.0/Invoices -> 401")
    d = diagnose(text=log)
    assert "nothing is failing now" not in d.top.title


# -- a platform's own Xero connector sends the tenant header


N8N = ('NodeApiError: Forbidden - perhaps check your credentials?\nNode: Xero  Operation: getAll  '
       'Resource: invoice\n{"message":"403 - {\\"Type\\":null,\\"Title\\":\\"Forbidden\\",\\"Status\\":403,'
       '\\"Detail\\":\\"AuthenticationUnsuccessful\\"}","httpCode":"403"}')


def test_a_platforms_own_connector_is_not_led_by_the_missing_header() -> None:
    d = diagnose(text=N8N)
    assert d.top.code in ("tenant_not_connected", "connection_revoked")
    assert "n8n" in " ".join(d.top.fix)


def test_a_platforms_generic_http_step_may_well_miss_the_header() -> None:
    d = diagnose(text="n8n HTTP Request node: GET https://api.xero.com/api.xro/2.0/Invoices -> 403 "
                      "Forbidden " + T403)
    assert d.top.code == "tenant_header_missing"


def test_the_connector_rule_keeps_what_says_the_header_was_missing() -> None:
    said = Finding("tenant_header_missing", "The xero-tenant-id header was not sent", (), (), 0.85)
    guess = Finding("tenant_header_missing", "Perhaps xero-tenant-id was not sent", (), (), 0.6)
    other = Finding("tenant_not_connected", "not connected", (), (), 0.55)
    assert connector_sends_tenant([said, other], "Zapier", "")[0] is said
    assert [f.code for f in connector_sends_tenant([guess, other], "Zapier", "")] == [
        "tenant_not_connected", "tenant_header_missing"]
    assert connector_sends_tenant([guess, other], None, "") == [guess, other]
    assert connector_sends_tenant([guess, other], "Power BI", "") == [guess, other]  # no connector


# -- the Demo Company that worked before


@pytest.mark.parametrize("words", ["this is the Demo Company (AU), it worked yesterday",
                                   "it was working fine last week on the demo company",
                                   "our Demo Company stopped working"])
def test_the_demo_company_failing_after_it_worked_is_its_reset(words: str) -> None:
    d = diagnose(text=f'HTTP 403 Forbidden {{"Detail":"AuthenticationUnsuccessful"}} - {words}')
    assert d.top.code == "tenant_not_connected" and "Demo Company" in d.top.title


# -- the user's role, when given, weighs


@pytest.mark.parametrize(("role", "said", "weight"), [("removed", "removed", 0.9),
                                                      ("read-only", "read only", 0.7),
                                                      ("invoice only", "invoice only", 0.7)])
def test_a_role_that_allows_little_leads_when_the_call_is_not_known(role: str, said: str,
                                                                      weight: float) -> None:
    for conns in (CONNS, None):
        d = diagnose(text=T403, tenant_id=TID, connections=conns, user_role=role)
        assert d.top.code == "user_role" and said in d.top.title and d.top.weight >= weight


def test_with_the_call_known_what_the_role_allows_decides() -> None:
    d = diagnose(text=T403, tenant_id=TID, user_role="read-only", endpoint="GET /Invoices")
    assert "user_role" not in d.codes[:1]  # reading is what a read-only user may do
    d = diagnose(text=T403, tenant_id=TID, user_role="read-only", endpoint="PUT /Invoices")
    assert d.top.code == "user_role" and "cannot write" in d.top.title


def test_a_payroll_call_refused_on_a_connected_tenant_names_the_payroll_admin_role() -> None:
    d = diagnose(text=T403, tenant_id=TID, connections=CONNS, user_role="standard",
                 endpoint="GET https://api.xero.com/payroll.xro/1.0/Employees", granted="payroll.employees.read")
    assert d.top.code == "user_role"
    assert any("Payroll Admin" in step for step in d.top.fix)


def test_a_standard_user_does_not_make_the_role_likelier() -> None:
    plain = diagnose(text=T403)
    standard = diagnose(text=T403, user_role="standard")
    assert standard.codes[:2] == plain.codes[:2]
    assert all(f.weight < 0.4 for f in standard.findings if f.code == "user_role")


# -- arguments that cannot be what they claim are said


def test_a_token_that_is_no_token_beside_a_403_is_noted() -> None:
    d = diagnose(text=T403, token="not-a-token")
    assert any("cannot be one Xero accepts" in n and "403" in n for n in d.notes)
    assert not any("not-a-token" in n for n in d.notes)


@pytest.mark.parametrize("code", ["ZZ", "XX", "QZ", "AA"])
def test_a_placeholder_country_code_is_noted_and_ignored(code: str) -> None:
    d = diagnose(text=T403, country=code)
    assert any("country was not read" in n for n in d.notes)
