"""A refusal whose printout names no URL (xero-python's ``str(exc)``): what the context still tells.

The SDK's exception text holds the status, the headers and the body, but not the call. The
token's scopes, the scopes the app asks for and the app's era can still settle the cause.
"""

from __future__ import annotations

import json

from xero_nb.diagnose.diagnosis import diagnose
from xero_nb.diagnose.fields import find_json

BODY_401 = '{"Type":null,"Title":"Unauthorized","Status":401,"Detail":"AuthorizationUnsuccessful"}'
SDK_401 = ("(401)\nReason: Unauthorized\nHTTP response headers: HTTPHeaderDict({'WWW-Authenticate': "
           "'Bearer error=\"insufficient_scope\"'})\nHTTP response body: b'" + BODY_401 + "'\n")
BODY_404 = ('{"Type":null,"Title":"NotFound","Status":404,"Detail":"The resource you have specified '
            'cannot be found","Extensions":{}}')
SDK_404 = ("The resource you're looking for cannot be found\nHTTP response headers: HTTPHeaderDict("
           "{'Content-Type': 'application/json'})\nHTTP response body: b'" + BODY_404 + "'\n")


def _weight(d: object, code: str) -> float:
    return next(f.weight for f in d.findings if f.code == code)  # type: ignore[attr-defined]


def test_broad_scopes_on_a_granular_app_are_named_without_the_url() -> None:
    d = diagnose(text=SDK_401, granted="openid offline_access accounting.transactions", era="granular")
    assert d.top.code == "broad_scope_on_granular_app"
    assert "`accounting.transactions`" in d.top.title and d.top.decides is None
    # with a granular scope held too, the call may have needed another: a reading, not the answer
    mixed = diagnose(text=SDK_401, granted="accounting.transactions accounting.contacts.read",
                     era="granular")
    assert "broad_scope_on_granular_app" in mixed.codes[:3]
    assert _weight(mixed, "broad_scope_on_granular_app") < _weight(d, "broad_scope_on_granular_app")
    assert mixed.findings[mixed.codes.index("broad_scope_on_granular_app")].decides is not None
    # a mixed-era app may hold broad scopes: nothing to say about them
    older = diagnose(text=SDK_401, granted="accounting.transactions", era="mixed")
    assert "broad_scope_on_granular_app" not in older.codes


def test_scopes_asked_for_but_not_held_mean_no_consent_since() -> None:
    d = diagnose(text=SDK_401, granted="openid offline_access",
                 requested="openid offline_access accounting.contacts")
    assert d.top.code == "not_reconsented"
    assert "`accounting.contacts`" in d.top.title
    # only the sign-in scopes differ: no scope of the API is missing from the grant
    same = diagnose(text=SDK_401, granted="accounting.contacts", requested="openid accounting.contacts")
    assert not any("asks for" in f.title for f in same.findings)
    # what is asked for is unknown: the token alone cannot say the consent is old
    unknown = diagnose(text=SDK_401, granted="openid offline_access")
    assert unknown.top.code == "missing_scope"


def test_the_journals_gate_reads_alike_when_the_journals_scope_is_held() -> None:
    d = diagnose(text=SDK_401, granted="accounting.journals.read")
    assert "tier_gated" in d.codes[:3]
    assert d.findings[d.codes.index("tier_gated")].decides  # the URL would settle it
    assert "tier_gated" not in diagnose(text=SDK_401, granted="accounting.contacts.read").codes


def test_a_404_to_a_payroll_token_may_be_the_other_countrys_payroll_api() -> None:
    d = diagnose(text=SDK_404, granted="payroll.employees.read")
    assert d.observed.status == 404
    assert d.top.code == "payroll_region_mismatch"
    assert d.top.weight < 0.5 and "URL" in (d.top.decides or "")
    assert "payroll_region_mismatch" not in diagnose(text=SDK_404, granted="accounting.contacts.read").codes
    # with the URL known the region is judged from it, not guessed
    au = diagnose(text=SDK_404, granted="payroll.employees.read", country="AU",
                  endpoint="GET https://api.xero.com/payroll.xro/1.0/Employees")
    assert "payroll_region_mismatch" not in au.codes


def test_json_quoted_once_more_is_read_whole_despite_an_empty_object_inside() -> None:
    # xero-node's API classes reject with a JSON string; JSON.stringify of it quotes it again
    thrown = json.dumps({"response": {"statusCode": 401, "body": json.loads(BODY_404),
                                      "headers": {"www-authenticate": "insufficient_scope"},
                                      "request": {"method": "GET"}}})
    printed = json.dumps(thrown)
    found = find_json(printed)
    assert isinstance(found, dict) and found["response"]["statusCode"] == 401
    assert found["response"]["request"] == {"method": "GET"}
    # plain JSON that happens to hold an escaped quote in a string keeps its own reading
    plain = '{"Detail": "say \\"hi\\"", "Status": 400}'
    assert find_json(plain) == {"Detail": 'say "hi"', "Status": 400}
