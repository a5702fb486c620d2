"""Exception objects against their text (trial 14): what an object carries is read as its
traceback would show it, and nothing secret in a traceback's code survives."""

from __future__ import annotations

from typing import ClassVar

import httpx
import pytest
import requests
from xero.exceptions import XeroException
from xero_python.identity.models import Connection

import xero_nb as xn
from xero_nb.diagnose import diagnose
from xero_nb.models import Tenant

REQ = httpx.Request("GET", "https://api.xero.com/api.xro/2.0/Invoices")


@pytest.mark.parametrize("error", [
    httpx.ReadTimeout("timed out", request=REQ),
    httpx.ConnectTimeout("timed out", request=REQ),
    httpx.WriteTimeout("timed out", request=REQ),
    httpx.PoolTimeout("timed out", request=REQ),
    requests.exceptions.ReadTimeout("HTTPConnectionPool(host='api.xero.com', port=443): Read timed out."),
    TimeoutError("timed out"),
], ids=lambda e: type(e).__name__)
def test_a_timeout_object_is_no_answer_not_an_expired_token(error: BaseException) -> None:
    found = diagnose(error, endpoint="GET /Invoices")
    assert found.top.code == "unknown" and "No answer from Xero" in found.top.title
    assert "token_expired" not in found.codes


SECRET = "Qm9vU2VjcmV0VmFsdWVfNDhjaGFycw"


@pytest.mark.parametrize("line", [
    f'credentials = OAuth2Credentials("FD1DD767D07FD43831E3578B1FD6D24A", "{SECRET}", token=token)',
    f'auth = HTTPBasicAuth(CLIENT_ID, "{SECRET}")',
    f"token = OAuth2Token(client_id, '{SECRET}')",
    f'session = OAuth2Session(CLIENT_ID, "{SECRET}", scope=SCOPES)',
    f'r = requests.post(TOKEN_URL, auth=(CLIENT_ID, "{SECRET}"), data=form)',
])
def test_a_secret_given_positionally_in_a_traceback_is_shown_nowhere(line: str) -> None:
    tb = ("Traceback (most recent call last):\n  File \"/app/main.py\", line 20, in <module>\n"
          f"    {line}\noauthlib.oauth2.rfc6749.errors.InvalidClientError: (invalid_client)\n")
    report = xn.report(text=tb)
    found = diagnose(text=tb)
    assert SECRET not in report.markdown and SECRET not in report.html
    assert SECRET not in repr(found.observed) and SECRET not in found.to_markdown()


def test_xero_pythons_own_connection_dicts_are_read_as_connections() -> None:
    tenant = "a8e2c9b4-1f0e-4c2a-9a57-0d1b2c3d4e5f"
    row = Connection(id="c0ffee00-1f0e-4c2a-9a57-0d1b2c3d4e5f", tenant_id=tenant, tenant_type="ORGANISATION",
                     tenant_name="Demo").to_dict()
    assert "tenant_id" in row  # snake_case, as xero-python writes it
    assert Tenant.from_connection(row).tenant_id == tenant
    body = '{"Type":null,"Title":"Forbidden","Status":403,"Detail":"AuthenticationUnsuccessful"}'
    as_dicts = diagnose(status=403, body=body, connections=[row], tenant_id=tenant)
    as_json = diagnose(status=403, body=body, connections=[{"tenantId": tenant, "tenantType": "ORGANISATION"}],
                       tenant_id=tenant)
    assert as_dicts.codes[:2] == as_json.codes[:2]
    assert as_dicts.top.code != "tenant_not_connected"  # the tenant IS in the list
    unread = diagnose(status=403, body=body, connections=[{"name": "Demo"}], tenant_id=tenant)
    assert any("without a tenantId was left out" in n for n in unread.notes)


def test_get_report_from_id_bank_statement_in_a_traceback_is_the_restricted_report() -> None:
    tb = ('Traceback (most recent call last):\n  File "/app/run.py", line 9, in <module>\n'
          '    report = api.get_report_from_id(xero_tenant_id, "BankStatement")\n'
          "xero_python.exceptions.http_status_exceptions.HTTPStatusException: (401)\nReason: Unauthorized\n"
          "HTTP response body: b'{\"Type\":null,\"Title\":\"Unauthorized\",\"Status\":401,"
          "\"Detail\":\"AuthorizationUnsuccessful\"}'\n")
    found = diagnose(text=tb)
    assert found.endpoint is not None and found.endpoint.operation_id == "getReportBankStatement"
    assert found.top.code == "restricted_scope"
    held = diagnose(text=tb, granted=["accounting.reports.read"])
    assert "accounting.reports.bankstatement.read" in held.top.title  # never taxreports.read
    assert held.top.code != "user_role"


def test_pyxeros_no_organisation_error_is_no_connection() -> None:
    error = XeroException(None, "This app is not authorised to access any Xero Organisations. Did the scopes "
                                "requested include access to organisation data, or has access to the "
                                "organisation(s) been removed?")
    for kwargs in ({}, {"connections": []}):
        found = diagnose(error, **kwargs)
        assert found.top.code == "connection_revoked" and found.top.weight >= 0.8


def test_a_list_of_errors_diagnoses_the_first_with_a_failing_answer() -> None:
    err429 = httpx.HTTPStatusError("429", request=REQ, response=httpx.Response(
        429, headers={"Retry-After": "5"}, request=REQ))
    found = diagnose([ValueError("bad row 3"), err429])
    assert found.top.code == "rate_limited"
    assert any("first that failed (number 2)" in n for n in found.notes)


def test_oauthlibs_class_defaults_are_not_said_to_be_what_xero_sent() -> None:
    from oauthlib.oauth2.rfc6749.errors import InvalidClientError

    found = diagnose(InvalidClientError())
    assert found.observed.status != 401  # oauthlib's class says 401; Xero's token endpoint answers 400
    assert not any(k.lower() == "www-authenticate" for k, _ in found.observed.headers)
    assert found.top.code == "invalid_client"


def test_a_mock_is_read_for_what_was_set_on_it_only() -> None:
    from unittest import mock

    m = mock.MagicMock()
    m.status_code = 403
    m.headers = {"Content-Type": "application/json"}
    m.text = '{"Title":"Forbidden","Status":403,"Detail":"AuthenticationUnsuccessful"}'
    as_object = diagnose(m)
    as_text = diagnose(text=m.text)
    assert [(f.code, round(f.weight, 2)) for f in as_object.findings] == [
        (f.code, round(f.weight, 2)) for f in as_text.findings]
    assert not any("no xero-tenant-id" in e for f in as_object.findings for e in f.evidence)
    m.request.headers = {"xero-tenant-id": ""}  # set: read
    assert diagnose(m).observed.request_headers is not None


def test_a_gzip_body_is_read_as_its_text() -> None:
    import gzip

    body = (b'{"Type":null,"Title":"Forbidden","Status":403,"Detail":"You are not permitted to access this '
            b'resource without the reporting role"}')
    plain = httpx.Response(403, content=body, request=REQ)
    packed = httpx.Response(403, headers={"Content-Encoding": "identity"}, content=gzip.compress(body),
                            request=REQ)  # a raw client that kept the gzip bytes as they came
    assert diagnose(packed).codes[:1] == diagnose(plain).codes[:1] == ("user_role",)
    bomb = gzip.compress(b"x" * 5_000_000)
    assert len(diagnose(httpx.Response(403, content=bomb, request=REQ)).observed.body) <= 1_000_000


def test_an_oauth_librarys_own_refusal_stays_first_beside_the_context() -> None:
    from oauthlib.oauth2.rfc6749.errors import InsecureTransportError

    found = diagnose(InsecureTransportError(), endpoint="GET /Invoices", granted=["accounting.settings.read"])
    assert found.top.code == "unknown" and "needs https" in found.top.title
    assert "missing_scope" in found.codes  # what the scopes prove stays beside it


def test_a_token_requests_form_says_the_grant_and_the_scope_asked_for() -> None:
    token_url = "https://identity.xero.com/connect/token"
    req = httpx.Request("POST", token_url, content=b"grant_type=client_credentials&scope=accounting.transactions"
                        b"&client_secret=hX8sDkd93kdk3l_aPq29sLKd9d3", headers={
                            "Content-Type": "application/x-www-form-urlencoded"})
    resp = httpx.Response(400, json={"error": "invalid_scope",
                                     "error_description": "Client credentials scope validation failed"},
                          request=req)
    found = diagnose(httpx.HTTPStatusError("400", request=req, response=resp))
    assert found.top.code == "broad_scope_on_granular_app" and "accounting.transactions" in found.top.title
    assert "hX8sDkd93" not in repr(found.observed) and "hX8sDkd93" not in found.to_markdown()


def test_xero_pythons_translated_404_keeps_the_method_its_rest_client_sent() -> None:
    import time

    from xero_python.accounting import AccountingApi
    from xero_python.accounting.models import Invoice, Invoices
    from xero_python.api_client import ApiClient
    from xero_python.api_client.configuration import Configuration
    from xero_python.api_client.oauth2 import OAuth2Token
    from xero_python.exceptions import NotFoundException

    from xero_nb.simulator import XeroSimulator

    sim = XeroSimulator(limits=False)
    token = sim.issue_token(scopes=["accounting.transactions", "offline_access"])
    token["expires_at"] = time.time() + 1800
    with sim.serve() as server:
        client = ApiClient(Configuration(oauth2_token=OAuth2Token(client_id="sim", client_secret="sim")),
                           pool_threads=1, oauth2_token_getter=lambda: token, oauth2_token_saver=lambda t: None)
        api = AccountingApi(client, base_url=server.url + "/api.xro/2.0")
        with pytest.raises(NotFoundException) as info:
            api.update_invoice(sim.tenant("AU").tenant_id, "00000000-0000-0000-0000-000000000001",
                               Invoices(invoices=[Invoice(reference="x")]))
    found = diagnose(info.value)
    assert found.observed.method == "POST"
    assert found.endpoint is not None and found.endpoint.operation_id == "updateInvoice"
    assert "-X POST" in xn.report([info.value]).markdown


@pytest.mark.parametrize("client", ["xero", "api_client", "client", "x"])
def test_a_pyxero_manager_call_names_its_endpoint_whatever_the_client_is_called(client: str) -> None:
    tb = ('Traceback (most recent call last):\n  File "/app/sync.py", line 16, in <module>\n'
          f"    journals = {client}.journals.all()\n"
          '  File "/venv/lib/python3.11/site-packages/xero/basemanager.py", line 296, in wrapper\n'
          "    raise XeroUnauthorized(response)\nxero.exceptions.XeroUnauthorized: AuthorizationUnsuccessful\n")
    found = diagnose(text=tb)
    assert found.endpoint is not None and found.endpoint.operation_id == "getJournals"


def test_a_get_on_something_else_is_no_pyxero_manager() -> None:
    from xero_nb.diagnose.sdk import operation_hint

    assert operation_hint('token = os.environ.get("XERO_TOKEN") or self.cache.get("t")') is None


def test_authlibs_errors_are_said_in_authlibs_terms() -> None:
    from authlib.integrations.base_client.errors import OAuthError

    found = diagnose(OAuthError(error="invalid_client", description="Invalid client"))
    assert found.observed.library == "authlib" and found.top.code == "invalid_client"
    assert any("token_endpoint_auth_method" in step for step in found.top.fix)


def test_xero_pythons_stale_configuration_step_is_for_a_wrong_secret_only() -> None:
    def body(error: str) -> str:
        return ("xero_python.exceptions.http_status_exceptions.HTTPStatusException: (400)\nReason: Bad "
                "Request\nHTTP response headers: HTTPHeaderDict({'Content-Type': 'application/json'})\n"
                f"HTTP response body: b'{{\"error\":\"{error}\"}}'\n")
    wrong_secret = diagnose(text=body("invalid_client")).top
    wrong_kind = diagnose(text=body("unauthorized_client")).top
    assert wrong_secret.code == wrong_kind.code == "invalid_client"
    assert any("Configuration" in step for step in wrong_secret.fix)
    assert not any("Configuration" in step for step in wrong_kind.fix)


def test_a_missing_tenant_header_is_fixed_in_the_sdks_terms() -> None:
    from xero.exceptions import XeroForbidden

    class Answer:  # what pyxero's exception holds: the requests response
        status_code = 403
        headers: ClassVar[dict[str, str]] = {}
        text = '{"Title":"Forbidden","Status":403,"Detail":"AuthenticationUnsuccessful"}'
        url = "https://api.xero.com/api.xro/2.0/Invoices"

    found = diagnose(XeroForbidden(Answer()))
    header = next(f for f in found.findings if f.code == "tenant_header_missing")
    assert found.observed.library == "pyxero"
    assert "set_default_tenant()" in header.fix[0] and not header.fix[0].startswith("Send `xero-tenant-id")
    plain = diagnose(text=Answer.text)
    raw = next(f for f in plain.findings if f.code == "tenant_header_missing")
    assert raw.fix[0].startswith("Send `xero-tenant-id")  # raw HTTP: the header itself
