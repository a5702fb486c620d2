"""Rules added on 1 Dec 2026, pinned whole: what the mutation run of the edited functions showed
no test told apart (OAuth 1.0a's token URLs, a bare unauthorized_client of the 2026 era, the
refused redirect's title, the empty tenant header, a platform in passing, a scope change beside an
established finding)."""

from __future__ import annotations

from xero_nb.diagnose import diagnose


def test_oauth_1_token_urls_are_the_token_step() -> None:
    for url in ("https://api.xero.com/oauth/AccessToken", "https://api.xero.com/oauth/RequestToken"):
        top = diagnose(status=401, url=url).findings[0]
        assert (top.code, top.weight) == ("invalid_client", 0.85)
    assert diagnose(status=401, url="https://api.xero.com/oauth/Authorize").findings[0].code != "invalid_client"


def test_a_bare_unauthorized_client_beside_the_2026_change_puts_the_scopes_first() -> None:
    era = diagnose(text='{"error":"unauthorized_client"} — our app was created in 2026')  # scope_era only
    assert [(f.code, round(f.weight, 2)) for f in era.findings] == [
        ("broad_scope_on_granular_app", 0.7), ("invalid_scope_requested", 0.6), ("invalid_client", 0.5),
        ("restricted_scope", 0.4)]
    assert [(f.code, f.weight) for f in diagnose(text='{"error":"unauthorized_client"}').findings] == [
        ("invalid_client", 0.7)]
    dated = diagnose(text='unauthorized_client (app created 2026-03-10, scope="accounting.transactions.read")')
    assert dated.findings[0].code == "broad_scope_on_granular_app" and dated.findings[0].weight > 0.8
    hinted = diagnose(text="invalid_scope: app created 2026-05-01").findings  # created_2026 only
    assert [(f.code, f.weight) for f in hinted][:2] == [("broad_scope_on_granular_app", 0.7),
                                                          ("invalid_scope_requested", 0.6)]


def test_a_refused_redirect_or_client_id_at_sign_in_is_titled_so() -> None:
    top = diagnose(body='{"error":"invalid_request","error_description":"client authentication failed"}').findings[0]
    assert (top.code, top.title, top.weight) == (
        "invalid_client", "Xero refused the redirect URI or client id sent at sign-in: it must match the "
        "app's at developer.xero.com exactly", 0.93)


def test_an_empty_tenant_header_finding_whole() -> None:
    body = '{"Title":"Forbidden","Status":403,"Detail":"AuthenticationUnsuccessful"}'
    top = diagnose(status=403, body=body, request_headers={"Authorization": "Bearer abc",
                                                             "xero-tenant-id": ""}).findings[0]
    assert top.evidence[-1] == "request headers have xero-tenant-id with no value"
    assert top.fix == ("Fill it with a tenantId from GET /connections before the call (the variable or "
                       "setting it is read from was never set).",)
    assert top.weight == 0.95
    unsure = diagnose(body='{"Detail":"AuthenticationUnsuccessful"}',  # no status: the tenant weighs 0.9
                      request_headers={"Authorization": "Bearer abc", "xero-tenant-id": ""}).findings[0]
    assert (unsure.title, unsure.weight) == ("The request sent the xero-tenant-id header empty", 0.855)
    templated = diagnose(status=403, body=body, tenant_id="${TENANT_ID}").findings
    assert any("is not a tenant id" in f.title for f in templated)
    assert any("sent unfilled" in step for f in templated for step in f.fix)


def test_a_library_named_by_the_app_keeps_the_code_steps_beside_a_platform_in_passing() -> None:
    text = 'We moved off Zapier.\n403 {"Detail":"AuthenticationUnsuccessful"}'
    steps = [s for f in diagnose(text=text, app_type="xero-python").findings for s in f.fix]
    assert not any("Zapier" in s for s in steps)


def test_a_finding_of_exactly_established_weight_stays_beside_a_scope_change() -> None:
    text = ('Warning: Scope has changed from "openid payroll.employees" to "openid payroll.employees '
            'accounting.settings".\nLater: {"Message": "Not a UK Customer"}')
    codes = [(f.code, f.weight) for f in diagnose(text=text).findings]
    assert codes[0][0] == "unknown" and ("payroll_region_mismatch", 0.9) in codes
