"""What the twelfth trial found (1 Dec 2026): notebook 05, the paste panel, the report, and pastes of
webhooks, payroll, Files, OAuth 1.0a and other languages, each as the behaviour it now has."""

from __future__ import annotations

import pytest

from xero_nb.diagnose import diagnose
from xero_nb.diagnose.role import read_role

RT = "9f8e7d6c5b4a39281706f5e4d3c2b1a09f8e7d6c5b4a39281706f5e4d3c2b1a0"
SECRET = "xQ7-Zk2Lm9Pq4Rt6Vw8Yz1Ab3Cd5Ef7Gh9Ij0KlMnOpQrStUv"


# -- 1: the paste panel never shows (nor keeps) a secret typed where the scopes go


@pytest.mark.parametrize("typed", [RT, SECRET, f'{{"refresh_token":"{RT}"}}', f"accounting.contacts {SECRET}"])
def test_the_paste_panel_shows_no_secret_typed_as_scopes(typed: str) -> None:
    from xero_nb.widgets import CallPanel, CallState, Connection

    panel = CallPanel(CallState(Connection.auto()))
    panel.paste.value = "401 insufficient_scope"
    panel.paste_scopes.value = typed
    panel.paste_btn.click()
    shown = panel.paste_context.value + panel.paste_result.value + panel.paste_scopes.value
    assert RT[:16] not in shown and SECRET[:16] not in shown
    assert ("accounting.contacts" in panel.paste_scopes.value) == ("accounting.contacts" in typed)
    assert "left out, not shown" in panel.paste_context.value


# -- 2: Xero's webhook checks are no API call


@pytest.mark.parametrize("text", [
    "Intent to receive is required. Your webhook endpoint https://myapp.example/xero/webhooks must respond "
    "with 200 OK for correctly signed payloads and 401 Unauthorized for incorrectly signed payloads.",
    "Intent to receive validation failed",
    "POST /xero/webhooks 401 - x-xero-signature did not match computed HMAC; webhook payload rejected",
])
def test_a_webhook_signature_check_is_not_a_token_or_scope(text: str) -> None:
    d = diagnose(text=text)
    assert d.top.code == "unknown" and "webhook" in d.top.title and "HMAC" in d.top.fix[0]
    assert not {"token_expired", "missing_scope", "broad_scope_on_granular_app"} & set(d.codes)


# -- 3: the country given proves the region; "no payroll admin" is no payroll admin


@pytest.mark.parametrize("country", ["GB", "UK"])
def test_a_country_that_is_the_apis_own_rules_the_region_out(country: str) -> None:
    d = diagnose(text="GET https://api.xero.com/payroll.xro/2.0/Employees 403 Forbidden",
                 granted="payroll.employees offline_access", country=country)
    assert "payroll_region_mismatch" not in d.codes


def test_another_regions_api_named_keeps_the_region_in_question() -> None:
    d = diagnose(text="XeroRuby::ApiError HTTP status code: 404 in uk_payroll_sync.rb (payroll_uk_api)",
                 endpoint="GET /payroll.xro/2.0/Employees", country="NZ")
    assert "payroll_region_mismatch" in d.codes


@pytest.mark.parametrize(("said", "admin"), [("Standard, no payroll admin", False),
                                             ("standard (not payroll admin)", False),
                                             ("standard, not a payroll admin", False),
                                             ("Standard, payroll admin", True),
                                             ("Standard (payroll admin)", True)])
def test_a_role_in_words_reads_its_negation(said: str, admin: bool) -> None:
    role = read_role(said, None)
    assert role is not None and role.role == "standard" and role.payroll_admin is admin


def test_without_reports_is_no_reports_access() -> None:
    role = read_role("adviser, without reports", None)
    assert role is not None and role.reports is False


# -- 4: payroll's own "no permission" refusal is the user's role


def test_a_payroll_403_for_the_users_permission_is_the_payroll_admin_role() -> None:
    d = diagnose(text='POST https://api.xero.com/payroll.xro/2.0/Timesheets\nHTTP 403 Forbidden\n{"type":"about:blank",'
                      '"title":"Forbidden","status":403,"detail":"You do not have permission to access this resource"}',
                 granted="payroll.timesheets payroll.employees offline_access")
    assert d.top.code == "user_role" and "payroll admin" in d.top.title
    assert "missing_scope" not in d.codes


# -- 7, 8, 10, 11: OAuth 1.0a said; what is no permission said so; Portuguese; no contradiction


def test_an_oauth1_answer_is_said_to_be_oauth1() -> None:
    d = diagnose(text="HTTP/1.1 401 Unauthorized\noauth_problem=token_rejected&oauth_problem_advice=Token%20does"
                      "%20not%20match%20an%20expected%20ACCESS%20token")
    assert any("OAuth 1.0a" in n for n in d.notes)


@pytest.mark.parametrize(("text", "said"), [
    ("POST https://api.xero.com/files.xro/1.0/Files\nHTTP/1.1 413 Request Entity Too Large", "413"),
    ("POST https://api.xero.com/files.xro/1.0/Files -> 415 Unsupported Media Type", "415"),
    ('POST https://api.xero.com/payroll.xro/2.0/Employees/3b5d1f9e-1111-4222-8333-444455556666/Leave\n'
     '400 Bad Request\n{"problem":{"type":"application/problem+json","title":"BadRequest","status":400,'
     '"detail":"Validation error occurred.","invalidFields":[{"name":"LeaveTypeID"}]}}', "validation"),
])
def test_what_answers_the_request_not_its_sender_is_no_permission(text: str, said: str) -> None:
    d = diagnose(text=text)
    assert d.codes == ("unknown",) and said in d.top.title and "not a permission problem" in d.top.title


@pytest.mark.parametrize(("text", "status"), [("Erro 429", 429), ("Erro 401: token expirado", 401)])
def test_portuguese_erro_is_read_as_a_status(text: str, status: int) -> None:
    assert diagnose(text=text).observed.status == status


def test_an_older_expired_token_beside_xeros_scope_verdict_is_not_told_to_refresh() -> None:
    import base64
    import json

    def part(value: dict[str, object]) -> str:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip("=")

    token = f"{part({'alg': 'RS256'})}.{part({'exp': 1_700_000_000, 'scope': ['openid']})}.c2ln"
    d = diagnose(text=f"token: {token}\nHTTP 401 " '{"Status":401,"Detail":"AuthorizationUnsuccessful"}',
                 clock=lambda: 1_800_000_000.0)
    older = next(f for f in d.findings if f.code == "token_expired")
    assert "older one" in older.title and not any(step.startswith("Refresh") for step in older.fix)


# -- 5: a long paste: the button says so and takes no second click; a newer paste is kept


def test_the_button_is_busy_while_a_paste_is_diagnosed_and_free_after() -> None:
    from xero_nb.widgets import CallPanel, CallState, Connection

    panel = CallPanel(CallState(Connection.auto()))
    seen: list[tuple[bool, str]] = []
    real = panel.state.diagnose_pasted

    def spy(*args: object, **kwargs: object) -> object:
        seen.append((panel.paste_btn.disabled, panel.paste_btn.description))
        panel.paste_btn.click()  # a second click meanwhile does nothing
        return real(*args, **kwargs)

    panel.state.diagnose_pasted = spy  # type: ignore[method-assign]
    panel.paste.value = "403 Forbidden " * 10
    panel.paste_btn.click()
    assert seen == [(True, "Diagnosing 140 characters...")]
    assert not panel.paste_btn.disabled and panel.paste_btn.description == "Diagnose pasted error"


def test_a_paste_made_while_another_was_diagnosed_is_kept() -> None:
    from xero_nb.widgets import CallPanel, CallState, Connection

    panel = CallPanel(CallState(Connection.auto()))
    panel.paste.value = "the user's newer paste: 429 Too Many Requests"
    panel.state.diagnose_pasted(f"401 Bearer {RT}")  # the older one, still being diagnosed
    assert panel.paste.value == "the user's newer paste: 429 Too Many Requests"
    panel.paste.value = f"401 Bearer {RT}"
    panel.paste_btn.click()
    assert RT not in panel.paste.value  # the paste diagnosed is kept redacted


# -- 6: the report of a pasted error names the call it was diagnosed for


def test_the_report_of_a_pasted_diagnosis_names_its_endpoint() -> None:
    from xero_nb import report

    d = diagnose(text='HTTP 401 {"Status":401,"Detail":"AuthorizationUnsuccessful"}',
                 endpoint="GET /Reports/BalanceSheet", granted=["accounting.settings.read"], era="granular")
    assert d.endpoint is not None and d.endpoint.path == "/Reports/BalanceSheet"
    md = report([d]).markdown
    assert "### 1. GET https://api.xero.com/api.xro/2.0/Reports/BalanceSheet: missing_scope" in md
    assert "a call whose URL is not known" not in md


# -- 12: App Store billing takes the client_credentials grant, for any app


@pytest.mark.parametrize("grant", [None, "client_credentials"])
def test_app_store_billings_scope_is_said_as_its_grant(grant: str | None) -> None:
    d = diagnose(text="GET https://api.xero.com/appstore/2.0/subscriptions/03bc74f2-1237-4477-b782-2dfb1a6d8b21 "
                      "-> 403 Forbidden", grant_type=grant, granted=["openid", "accounting.contacts"])
    assert d.top.code == "missing_scope" and "client_credentials" in d.top.fix[0]
    assert not any("custom connection" in step for f in d.findings for step in f.fix)
    assert not {"tenant_header_missing", "tenant_not_connected", "connection_revoked"} & set(d.codes)


def test_the_decisive_fact_does_not_ask_for_the_401s_detail_the_paste_shows() -> None:
    d = diagnose(text='HTTP 401 {"Status":401,"Detail":"AuthenticationUnsuccessful"}')
    assert d.decisive_fact is None or "what the 401 says" not in d.decisive_fact
    bare = diagnose(text="HTTP 401 Unauthorized")  # (no Detail: it is the fact to ask for)
    assert bare.decisive_fact is not None and "what the 401 says" in bare.decisive_fact


# -- 10: a scope said missing in other languages


@pytest.mark.parametrize("text", [
    "Die Anwendung hat keine Berechtigung f\u00fcr diesen Vorgang: fehlender Bereich accounting.contacts (HTTP 401)",
    "Forbidden: L'application n'a pas l'autorisation (scope accounting.contacts manquant)",
])
def test_a_scope_said_missing_in_another_language_is_the_missing_scope(text: str) -> None:
    assert diagnose(text=text).top.code == "missing_scope"


# -- 13: editing the redacted paste says the token's scopes are no longer read


def test_an_edit_of_the_redacted_paste_says_the_tokens_scopes_were_not_read() -> None:
    import base64
    import json

    from xero_nb.widgets import CallPanel, CallState, Connection

    def part(value: dict[str, object]) -> str:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip("=")

    claims = {"exp": 4_000_000_000, "aud": "https://identity.xero.com/resources",
              "scope": ["openid", "accounting.contacts"]}
    token = f"{part({'alg': 'RS256'})}.{part(claims)}.c2lnbmF0dXJl"
    panel = CallPanel(CallState(Connection.auto()))
    panel.paste.value = (f"GET /api.xro/2.0/Invoices\nAuthorization: Bearer {token}\nHTTP/1.1 401 Unauthorized\n"
                         "WWW-Authenticate: insufficient_scope")
    panel.paste_btn.click()
    assert "from a token in the paste" in panel.paste_context.value
    panel.paste.value += "\nmore"
    panel.paste_btn.click()
    kind, said = panel.state.notice
    assert kind == "warning" and "accounting.contacts openid" in said and token not in said


# -- 14: a report with no failure says why


@pytest.mark.parametrize(("kwargs", "said"), [({"text": ""}, "The text given was empty"),
                                              ({"text": "  \n"}, "The text given was empty"),
                                              ({}, "No failure was given")])
def test_a_report_without_a_failure_says_so(kwargs: dict[str, str], said: str) -> None:
    from xero_nb import report

    built = report(**kwargs)  # type: ignore[arg-type]
    assert "## Failures (0)" in built.markdown and said in built.markdown and said in built.html
