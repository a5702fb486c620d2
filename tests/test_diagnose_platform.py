"""A no-code platform's user gets steps they can take in its screens (reconnect, pick the
organisation, set the scopes where it allows), not code to write; the ranking is unchanged."""

from __future__ import annotations

import json

import pytest

from xero_nb.diagnose.diagnosis import diagnose
from xero_nb.diagnose.platform import platform_of

P401 = json.dumps({"Type": None, "Title": "Unauthorized", "Status": 401, "Detail": "AuthorizationUnsuccessful"})
P403 = json.dumps({"Type": None, "Title": "Forbidden", "Status": 403, "Detail": "AuthenticationUnsuccessful"})
INVOICES = "GET https://api.xero.com/api.xro/2.0/Invoices"


@pytest.mark.parametrize(("app_type", "text", "name"), [
    ("n8n workflow (Xero node)", "", "n8n"),
    (None, "NodeApiError: Forbidden - perhaps check your credentials?", "n8n"),
    ("Make scenario", "", "Make"),
    (None, "The operation failed with an error. [403] Integromat", "Make"),
    ("Zapier", "", "Zapier"),
    ("Microsoft Power Automate flow", "", "Power Automate"),
    ("Power BI connector", "", "Power BI"),
    (None, "Fivetran sync failed: 401 Unauthorized", "Fivetran"),
    ("Django app (xero-python)", "Make sure the header is sent", None),
    (None, "we make scenarios for clients", None),
])
def test_platform_named_in_app_type_or_text(app_type: str | None, text: str, name: str | None) -> None:
    assert platform_of(app_type, text) == name


def _steps(d: object) -> list[str]:
    return [s for f in d.findings for s in f.fix]  # type: ignore[attr-defined]


def test_tenant_causes_say_reconnect_in_the_platform_not_code() -> None:
    plain = diagnose(text=f"{INVOICES}\n403 {P403}")
    d = diagnose(text=f"{INVOICES}\n403 {P403}", app_type="n8n workflow")
    # the ranking is untouched but for the missing header: the platform's connector sends it
    assert sorted(f.code for f in d.findings) == sorted(f.code for f in plain.findings)
    for f in d.findings:
        was = next(p.weight for p in plain.findings if p.code == f.code)
        assert f.weight == (min(was, 0.35) if f.code == "tenant_header_missing" else was), f.code
    assert d.top.code != "tenant_header_missing" and plain.top.code == "tenant_header_missing"
    for f in d.findings:
        assert f.fix[0].startswith("In n8n, reconnect the Xero connection"), f.code
    header = next(f for f in d.findings if f.code == "tenant_header_missing")
    assert any("generic HTTP request step" in s and "xero-tenant-id" in s for s in header.fix)
    assert not any(s.startswith("Call GET /connections with this token") for s in _steps(d))


def test_scope_steps_name_the_scope_and_where_the_platform_sets_it() -> None:
    d = diagnose(text=f"{INVOICES}\n401 {P401}", app_type="Zapier", granted="openid accounting.contacts")
    top = d.findings[0]
    assert top.code == "missing_scope"
    assert "reconnect the Xero connection" in top.fix[0]
    assert "`accounting.invoices.read`" in top.fix[1] and "ask Zapier to request" in top.fix[1]


def test_refresh_failures_are_reconnects_not_sdk_calls() -> None:
    d = diagnose(text='{"error":"invalid_grant"}', app_type="n8n workflow (Xero node)")
    assert d.findings[0].code == "invalid_grant"
    assert "reconnect the Xero connection in n8n" in d.findings[0].fix[0]
    e = diagnose(text=f"401 {json.dumps({'Status': 401, 'Detail': 'TokenExpired'})}", app_type="Make scenario")
    assert e.findings[0].code == "token_expired"
    assert not any("refreshToken()" in s or "refresh_oauth2_token" in s for s in _steps(e))
    assert "Make refreshes the token itself" in e.findings[0].fix[0]


def test_rate_limit_keeps_the_wait_and_adds_the_schedule() -> None:
    d = diagnose(text="429 Too Many Requests\nX-Rate-Limit-Problem: minute\nRetry-After: 31",
                 app_type="Power Automate flow")
    top = d.findings[0]
    assert top.code == "rate_limited"
    assert top.fix[0].startswith("Run the Power Automate workflow less often")
    assert any("31" in s for s in top.fix[1:])  # the wait Xero asked for is still said


def test_invalid_client_points_at_the_platform_credential() -> None:
    d = diagnose(text='{"error":"invalid_client"}', app_type="n8n")
    assert d.findings[0].code == "invalid_client"
    assert d.findings[0].fix == (
        "In n8n's Xero credential, enter the client id and secret of your Xero app exactly as "
        "developer.xero.com shows them (generate a new secret there if unsure), then reconnect.",)


def test_without_a_platform_the_steps_are_the_developers() -> None:
    d = diagnose(text=f"{INVOICES}\n403 {P403}", app_type="Django app (xero-python)")
    assert not any("reconnect the Xero connection" in s for s in _steps(d))


def test_a_platform_named_in_passing_beside_an_sdks_error_keeps_the_code_steps() -> None:
    """The user's own program raised (xero-python's exception): "we moved off Zapier" is history."""
    text = ('We moved off Zapier to our own script.\nTraceback (most recent call last):\n  File "a.py", '
            'line 3, in <module>\nxero_python.exceptions.http_status_exceptions.ForbiddenException: (403)\n'
            'Reason: Forbidden\nHTTP response body: {"Detail":"AuthenticationUnsuccessful"}')
    steps = " ".join(s for f in diagnose(text=text).findings for s in f.fix)
    assert "Zapier" not in steps and "GET /connections" in steps
    assert platform_of("", text, own_code=True) is None and platform_of("", text) == "Zapier"
    # the app's own description still counts: it says where the user acts
    said = diagnose(text=text, app_type="Zapier zap").findings[0].fix[0]
    assert said.startswith("In Zapier, reconnect")
