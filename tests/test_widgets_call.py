"""The Call workflow: what-if never touches reality, pasted errors with their own context,
the request bar, the permissions panel with Consent, and the request history. Headless."""

from __future__ import annotations

import json
import re

import pytest

from xero_nb.http import Client
from xero_nb.simulator import XeroSimulator
from xero_nb.widgets.call import CallState
from xero_nb.widgets.call_view import CallPanel
from xero_nb.widgets.connection import Connection
from xero_nb.widgets.connection_view import ConnectPanel
from xero_nb.widgets.lab import LabState
from xero_nb.widgets.lab_view import ScopeLab
from xero_nb.widgets.request_bar import completions, read_request
from xero_nb.widgets.scope_state import ScopeState

PASTED = ('{"error": "InsufficientPermissions", "message": "The API credentials do not have the '
          'necessary permissions to perform the action."}')
INVOICES_URL = "https://api.xero.com/api.xro/2.0/Invoices?where=Status%3D%3D%22AUTHORISED%22"


@pytest.fixture
def sim() -> XeroSimulator:
    s = XeroSimulator(limits=False)
    s.add_app("classic", era="broad")  # an app that only knows the broad scopes
    return s


def signed_in(sim: XeroSimulator, app: str = "web") -> Connection:
    c = Connection(ScopeState())
    c.use_simulator(app=app, simulator=sim)
    c.sign_in()
    assert c.notice[0] == "ok", c.notice
    return c


def first_fix(call: CallState) -> str:
    top = call.diagnosis.findings[0]
    assert top.code == "missing_scope", call.diagnosis.codes
    return top.fix[0]


# -- 1. what-if never touches reality -----------------------------------------------------
def test_the_era_what_if_does_not_change_the_fix_on_a_broad_app(sim: XeroSimulator) -> None:
    conn = signed_in(sim, "classic")
    call = CallState(conn)
    call.choose(("accounting", "getInvoices"))
    assert call.send().status == 401
    real = first_fix(call)
    assert "`accounting.transactions.read`" in real and "accounting.invoices.read" not in real
    conn.scopes.set_era("granular")  # the Scopes tab's era toggle: an exploration
    assert call.send().status == 401
    assert first_fix(call) == real
    assert conn.status()["era"] == "broad" and "granular" in conn.status()["whatif"]
    assert call.fix_scope() == "accounting.transactions.read"
    assert {r.scope for r in call.permissions() if r.status == "not available in this era"} == {
        "accounting.invoices", "accounting.invoices.read"}
    # The fix offered is one the app can obtain: consenting to it makes the call work.
    call.consent(auto=True)
    assert call.result is not None and call.result.status == 200, call.notice


def test_the_era_what_if_does_not_change_the_fix_on_an_existing_app(sim: XeroSimulator) -> None:
    conn = signed_in(sim)  # the web demo app: created before March 2026, mixed era
    call = CallState(conn)
    call.choose(("accounting", "getInvoices"))
    call.send()
    real = first_fix(call)
    for era in ("broad", "granular"):
        conn.scopes.set_era(era)
        call.send()
        assert first_fix(call) == real and call.fix_scope() == "accounting.invoices.read"
    call.choose(("accounting", "getExpenseClaims"))  # no granular scope; the broad one grants
    call.send()
    assert call.fix_scope() == "accounting.transactions.read"
    assert "`accounting.transactions.read`" in first_fix(call)


def test_toggled_what_if_scopes_are_not_the_token(sim: XeroSimulator) -> None:
    conn = signed_in(sim)
    call = CallState(conn)
    call.choose(("accounting", "getInvoices"))
    conn.scopes.toggle("accounting.invoices.read", True)  # explored, not consented
    assert call.fix_scope() == "accounting.invoices.read"
    row = next(r for r in call.permissions() if r.scope == "accounting.invoices.read")
    assert row.status == "not requested" and row.fix
    assert call.send().status == 401 and first_fix(call)


def test_the_lab_banner_and_call_panel_name_the_what_if(sim: XeroSimulator) -> None:
    conn = signed_in(sim, "classic")
    lab = ScopeLab(LabState(conn), call=("accounting", "getInvoices"))
    lab.explorer.era.value = "granular"
    assert "era broad" in lab._banner.value and "era granular" not in lab._banner.value
    assert "what-if granular era" in lab._banner.value
    panel = lab.call
    assert "real era <b>broad</b>" in panel.permissions.value
    assert "exploration only" in panel.permissions.value
    panel.send.click()
    assert "accounting.transactions.read" in panel.diagnosis.value
    assert "Consent adds accounting.transactions.read" in panel.permissions.value


# -- 2. pasted errors are diagnosed with the context the user gives ------------------------
def test_a_paste_is_not_diagnosed_with_the_current_request(sim: XeroSimulator) -> None:
    conn = signed_in(sim)
    call = CallState(conn)
    call.choose(("accounting", "getInvoices"))
    diag = call.diagnose_pasted(PASTED)
    assert not call.paste_use_request
    ctx = dict(call.paste_context.rows())
    assert ctx["endpoint"].startswith("not known") and ctx["scopes"].startswith("not known")
    assert ctx["era"].startswith("not given")
    text = diag.to_markdown()
    assert "Invoices" not in text and "accounting.contacts.read" not in text
    assert call.diagnosis is None  # the request's own result is untouched


def test_a_paste_uses_the_context_typed_next_to_it(sim: XeroSimulator) -> None:
    call = CallState(signed_in(sim))
    diag = call.diagnose_pasted(PASTED, endpoint="GET /Contacts",
                                scopes="openid accounting.settings.read", era="granular")
    ctx = dict(call.paste_context.rows())
    assert ctx["endpoint"].startswith("GET /Contacts (accounting.getContacts) (given)")
    assert ctx["scopes"] == "accounting.settings.read openid (given)"
    assert ctx["era"] == "granular (given)"
    assert diag.findings[0].code == "missing_scope"
    assert "accounting.contacts.read" in " ".join(diag.findings[0].fix)


def test_a_paste_uses_the_current_request_only_when_asked(sim: XeroSimulator) -> None:
    conn = signed_in(sim, "classic")
    call = CallState(conn)
    call.choose(("accounting", "getInvoices"))
    conn.scopes.set_era("granular")  # a what-if: the paste still gets the real era
    diag = call.diagnose_pasted(PASTED, use_request=True)
    ctx = dict(call.paste_context.rows())
    assert ctx["endpoint"].startswith("GET /Invoices") and "current request" in ctx["endpoint"]
    assert "accounting.contacts.read" in ctx["scopes"] and ctx["era"] == "broad (the app's)"
    assert "accounting.transactions.read" in " ".join(diag.findings[0].fix)


def test_the_paste_result_sits_next_to_the_paste_box(sim: XeroSimulator) -> None:
    conn = signed_in(sim)
    panel = CallPanel(CallState(conn))
    assert panel.paste_use.value is False
    kids = list(panel.children)
    at = kids.index(panel.paste_btn)
    assert kids.index(panel.paste) < at and kids[at + 1:at + 3] == [panel.paste_context,
                                                                  panel.paste_result]
    panel.paste.value = PASTED
    panel.paste_endpoint.value = "GET /Invoices"
    panel.paste_btn.click()
    assert "Diagnosed with" in panel.paste_context.value
    assert "GET /Invoices (accounting.getInvoices) (given)" in panel.paste_context.value
    assert 'data-code="missing_scope"' in panel.paste_result.value
    panel.paste_use.value = True
    panel.paste_btn.click()
    assert "the current request" in panel.paste_context.value


def test_the_panel_shows_the_diagnosis_notes(sim: XeroSimulator) -> None:
    """What the reading could not take in, or took from elsewhere, is said beside the answer, as
    the command line says it (a fresh user's trial: the panel showed none)."""
    panel = CallPanel(CallState(signed_in(sim)))
    panel.paste.value = ("GET https://api.xero.com/api.xro/2.0/Journals\n"
                         + PASTED)
    panel.paste_endpoint.value = "GET /BankTransactions"
    panel.paste_btn.click()
    assert 'class="xnb-msg xnb-msg-info xnb-note"' in panel.paste_result.value
    assert "is not the one the error shows" in panel.paste_result.value


def test_an_empty_paste_clears_the_last_answer(sim: XeroSimulator) -> None:
    panel = CallPanel(CallState(signed_in(sim)))
    panel.paste.value = PASTED
    panel.paste_btn.click()
    assert "data-code=" in panel.paste_result.value
    panel.paste.value = "   "
    panel.paste_btn.click()
    assert panel.paste_result.value == "" and panel.paste_context.value == ""
    assert "paste an error message or response first" in panel.notice.value


# -- 3. the request bar ----------------------------------------------------------------------
@pytest.mark.parametrize("text, key, values", [
    (f"GET {INVOICES_URL}", ("accounting", "getInvoices"), {"where": 'Status=="AUTHORISED"'}),
    ("/api.xro/2.0/Invoices", ("accounting", "getInvoices"), {}),
    ("GET /Invoices", ("accounting", "getInvoices"), {}),
    ('curl -X GET "https://api.xero.com/api.xro/2.0/Contacts/2c1d6b8e-1234-4abc-9def-0123456789ab"'
     ' -H "Authorization: Bearer abc.def.ghi"', ("accounting", "getContact"),
     {"ContactID": "2c1d6b8e-1234-4abc-9def-0123456789ab"}),
    ('DEBUG:urllib3.connectionpool:https://api.xero.com:443 "GET /api.xro/2.0/Invoices?page=2 '
     'HTTP/1.1" 401 None', ("accounting", "getInvoices"), {"page": "2"}),
    ("GET /Accounts · accounting.getAccounts", ("accounting", "getAccounts"), {}),
])
def test_the_request_bar_reads_every_form(text: str, key: tuple[str, str],
                                          values: dict[str, str]) -> None:
    read = read_request(text)
    assert read.endpoint is not None and read.endpoint.key == key
    assert {**read.path_values, **read.query_values} == values


def test_the_request_bar_says_what_it_cannot_read() -> None:
    with pytest.raises(LookupError, match="not a Xero endpoint"):
        read_request("GET /NoSuchThing/here")
    with pytest.raises(ValueError):
        read_request("  ")
    assert len(completions()) == len(set(completions())) >= 477


def test_the_request_bar_fills_the_call_and_shows_the_scopes(sim: XeroSimulator) -> None:
    conn = signed_in(sim)
    panel = CallPanel(CallState(conn))
    assert "GET /api.xro/2.0/Invoices · accounting.getInvoices" in panel.request.options
    panel.request.value = f"GET {INVOICES_URL}"
    st = panel.state
    assert st.endpoint.key == ("accounting", "getInvoices")
    assert panel.fields["where"].value == 'Status=="AUTHORISED"'
    assert 'data-scope="accounting.invoices.read"' in panel.permissions.value
    assert "real era <b>mixed</b>" in panel.permissions.value
    panel.send.click()
    assert st.result.status == 401 and "where=Status" in st.result.url
    # A pasted command with a token: the bar keeps only the redacted form.
    token = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJlc2lnbmF0dXJl"
    panel.request.value = f'curl https://api.xero.com/api.xro/2.0/Accounts -H "Authorization: Bearer {token}"'
    assert st.endpoint.key == ("accounting", "getAccounts")
    assert token not in panel.request.value and token not in st.request_text
    panel.request.value = f"GET /Nope/nothing -H 'Authorization: Bearer {token}'"
    assert "not a Xero endpoint" in panel.notice.value
    assert token not in panel.request.value and token not in panel.notice.value
    assert st.endpoint.key == ("accounting", "getAccounts")  # a failed read changes nothing


# -- 4. permissions and Consent ----------------------------------------------------------------
def test_permission_statuses(sim: XeroSimulator) -> None:
    conn = signed_in(sim)
    call = CallState(conn)
    call.use_request("GET /Invoices")
    status = {r.scope: r.status for r in call.permissions()}
    assert status["accounting.invoices.read"] == "not requested"
    assert status["accounting.transactions.read"] == "not requested"
    call.use_request("GET /Contacts")
    assert {r.scope: r.status for r in call.permissions()}["accounting.contacts.read"] == "granted"
    call.use_request("GET /Reports/BankStatement")
    rows = {r.scope: r for r in call.permissions()}
    assert rows["accounting.reports.bankstatement.read"].status == "restricted"
    assert call.fix_scope() is None and call.consent() is None
    assert "no scope this app may ask for" in call.notice[1]
    pkce = signed_in(sim, "pkce")  # a granular app
    call = CallState(pkce)
    call.use_request("GET /ExpenseClaims")
    assert {r.status for r in call.permissions()} == {"not available in this era"}
    assert call.fix_scope() is None


def test_consent_on_the_simulator_page_then_resend(sim: XeroSimulator) -> None:
    conn = signed_in(sim)
    call = CallState(conn)
    call.use_request(INVOICES_URL)
    assert call.send().status == 401
    url = call.consent()
    try:
        assert url is not None and url == call.consent_url
        assert url.startswith("http://127.0.0.1:") and "login.xero.com" not in url
        assert "accounting.invoices.read" in url
        with Client(follow_redirects=False) as http:
            page = http.get(url)
            assert page.status_code == 200 and "Allow access" in page.text
            ticket = re.search(r'name="ticket" value="([^"]+)"', page.text).group(1)
            tenant = re.search(r'name="tenant" value="([^"]+)"', page.text).group(1)
            back = http.post(url.split("?")[0], data={"ticket": ticket, "action": "allow",
                                                      "tenant": tenant})
            assert back.status_code in (302, 303)
            assert http.get(back.headers["location"]).status_code == 200  # the 127.0.0.1 catcher
        assert conn.wait_consent(30)
        assert "accounting.invoices.read" in conn.scopes.granted
        assert call.result is not None and call.result.status == 200, call.notice
        assert call.consent_url is None and [s.status for s in call.history] == [401, 200]
    finally:
        conn._stop_serving()


def test_links_on_the_simulator_never_point_at_login_xero(sim: XeroSimulator) -> None:
    conn = signed_in(sim)
    try:
        panel = ConnectPanel(conn)
        panel.link_btn.click()
        link = conn.pending_url
        assert link is not None and link.startswith(conn.sim_origin() + "/identity/")
        assert "simulator&#x27;s consent page" in panel.link.value and "login.xero.com" not in \
            panel.link.value
        call = CallState(conn)
        call.choose(("accounting", "getInvoices"))
        call.send()
        text = json.dumps([f.fix for f in call.diagnosis.findings])
        assert "login.xero.com" not in text and conn.sim_origin() in text
    finally:
        conn._stop_serving()


def test_the_consent_button_with_auto_approve(sim: XeroSimulator) -> None:
    conn = signed_in(sim)
    panel = CallPanel(CallState(conn))
    panel.request.value = "GET /Invoices"
    assert not panel.consent.disabled and "consent page in a browser tab" in panel.permissions.value
    panel.auto_approve.value = True
    assert conn.sim_auto_approve and "auto-approve" in panel.permissions.value
    panel.consent.click()
    st = panel.state
    assert st.result is not None and st.result.status == 200, st.notice
    assert "200" in panel.info.value and panel.consent.disabled
    assert 'data-status="granted"' in panel.permissions.value


# -- 5. history ---------------------------------------------------------------------------------
def test_history_headers_code_and_compare(sim: XeroSimulator) -> None:
    conn = signed_in(sim)
    panel = CallPanel(CallState(conn))
    st = panel.state
    panel.request.value = f"GET {INVOICES_URL}"
    panel.send.click()
    conn.set_sim_auto_approve(True)
    st.consent()
    assert [s.status for s in st.history] == [401, 200]
    before, after = st.history
    assert before.correlation_id and before.header("www-authenticate")
    assert "accounting.invoices.read" in after.scopes and "accounting.invoices.read" not in before.scopes
    token = conn.token.access_token
    dump = json.dumps([s.row() for s in st.history]) + panel.history.value + panel.headers.value
    for kind in ("curl", "xero-python", "xero-node"):
        panel.code_kind.value = kind
        dump += panel.code.value
    panel.history_pick.value = 1
    dump += panel.headers.value + panel.code.value
    assert token not in dump and conn.token.refresh_token not in dump
    # The 401's headers: Authorization as a placeholder, WWW-Authenticate shown as a header.
    assert "<b>www-authenticate</b></td><td>insufficient_scope" in panel.headers.value
    assert "Bearer &lt;ACCESS_TOKEN&gt;" in panel.headers.value
    assert "$XERO_ACCESS_TOKEN" in after.curl() and "where=Status" in after.curl()
    assert 'api.get_invoices(xero_tenant_id="' in after.python() and "where=" in after.python()
    assert "xero.accountingApi.getInvoices(" in after.node()
    assert "401" in panel.compared.value and "200" in panel.compared.value
    assert "accounting.invoices.read" in panel.compared.value


# -- the Report button: the failed send and the pasted error, redacted --------------------
def test_the_call_panel_reports_its_failed_send_and_the_pasted_error(sim: XeroSimulator) -> None:
    conn = signed_in(sim)
    panel = CallPanel(CallState(conn))
    call = panel.state
    assert panel.report in panel.children
    empty = panel.report.state.render()
    assert "No failure" in empty.markdown or "no failure" in empty.markdown  # nothing sent yet: says why
    call.use_request("GET /Invoices")  # the web app's token lacks it
    result = call.send()
    assert not result.ok
    call.diagnose_pasted('{"error": "invalid_grant"}')
    built = panel.report.state.render()
    md = built.markdown
    assert "Xero call report" in md and "/Invoices" in md
    assert "missing_scope" in md and "invalid_grant" in md  # both failures, each diagnosed
    token = conn.token
    for secret in (token.access_token, token.refresh_token):
        assert isinstance(secret, str) and len(secret) > 20
        assert secret not in md and secret not in built.html
    panel.report.button.click()
    assert "Report ready" in panel.report.notice.value
