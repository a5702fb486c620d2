"""What a seventh fresh-user trial found from an analyst's seat (the diagnosis notebook and the
command line), each pinned so it stays fixed."""

from __future__ import annotations

import json

import pytest
from test_cli import run

from xero_nb.cli.helpers import said_safely
from xero_nb.diagnose.diagnosis import diagnose
from xero_nb.redact import redact

RT = "b8f1c2a9e7d64a0f9c3e5b1d7a2f8e6c4b0d9a3e7f1c5b2d8a6e4f0c9b3d7a1e"
JWT_LOWER = ("eyjhbgcioijsuzi1niisinr5cci6ikpxvcj9.eyjzy29wzsi6wyjhy2nvdw50aw5nlmnvbnrhy3rzil19."
             "c2lnbmf0dxjlc2lnbmf0dxjl")


# --- 1: a credential hidden where it is named is hidden wherever it recurs ---

def test_a_named_refresh_token_is_hidden_where_it_recurs() -> None:
    text = f"-d refresh_token={RT}\n{{\"error\":\"invalid_grant\"}}\nretrying with refresh {RT}\n{RT}\n"
    assert RT not in redact(text)
    assert RT not in diagnose(text=text).to_markdown()


def test_words_that_recur_are_not_hidden() -> None:
    text = "client_secret=s3cr3tValue99 and the invoice INV-000123 failed; INV-000123 again"
    out = redact(text)
    assert "s3cr3tValue99" not in out and out.count("INV-000123") == 2


def test_the_tools_own_refusal_wording_is_not_taken_for_a_secret() -> None:
    said = "The refresh token was refused: already used, expired"
    assert redact(said) == said


# --- 2: a JWT an option lower- or upper-cased is masked in the error ---

@pytest.mark.parametrize("token", [JWT_LOWER, JWT_LOWER.upper()])
def test_a_case_folded_jwt_in_an_option_error_is_masked(token: str) -> None:
    said = said_safely(f"argument --era: invalid choice: '{token}' (choose from broad, granular, mixed)")
    assert token not in said and "[redacted]" in said


# --- 3, 4: calls recorded in one JSON document: the one that failed ---

SENTRY = json.dumps({
    "exception": {"values": [{"type": "HTTPStatusException", "value": (
        "(403)\nReason: Forbidden\nHTTP response body: b'{\"Title\":\"Forbidden\",\"Status\":403,"
        "\"Detail\":\"AuthenticationUnsuccessful\"}'")}]},
    "breadcrumbs": {"values": [
        {"category": "httplib", "data": {"method": "GET", "url": "https://api.xero.com/connections",
                                          "status_code": 200}},
        {"category": "httplib", "data": {"method": "GET",
                                          "url": "https://api.xero.com/api.xro/2.0/BankTransactions",
                                          "status_code": 403}}]}}, indent=2)


def test_a_sentry_json_event_is_judged_by_its_failed_breadcrumb() -> None:
    d = diagnose(text=SENTRY)
    assert d.codes[0] in ("tenant_header_missing", "tenant_not_connected")
    assert d.observed.url == "https://api.xero.com/api.xro/2.0/BankTransactions"
    assert any("2 calls, 1 failed" in n for n in d.notes)


def test_a_json_array_of_call_records_diagnoses_the_failed_one() -> None:
    records = [{"method": "GET", "url": f"https://api.xero.com/api.xro/2.0/Contacts?page={i}", "status": 200}
               for i in range(5)]
    records.append({"method": "GET", "url": "https://api.xero.com/api.xro/2.0/Accounts", "status": 401,
                    "headers": {"WWW-Authenticate": "insufficient_scope"},
                    "body": {"Detail": "AuthorizationUnsuccessful", "Status": 401}})
    d = diagnose(text=json.dumps(records))
    assert d.codes[0] == "missing_scope" and "accounting.settings.read" in d.findings[0].title


def test_a_postman_runner_export_diagnoses_the_failed_request() -> None:
    run_export = {"name": "Xero", "results": [
        {"name": "Contacts", "url": "https://api.xero.com/api.xro/2.0/Contacts", "method": "GET",
         "responseCode": {"code": 200, "name": "OK"}},
        {"name": "Accounts", "url": "https://api.xero.com/api.xro/2.0/Accounts", "method": "GET",
         "responseCode": {"code": 401, "name": "Unauthorized"},
         "responseHeaders": {"WWW-Authenticate": "insufficient_scope"},
         "responseBody": "{\"Detail\":\"AuthorizationUnsuccessful\",\"Status\":401}"}]}
    d = diagnose(text=json.dumps(run_export, indent=2))
    assert d.observed.status == 401
    assert d.codes[0] == "missing_scope" and "accounting.settings.read" in d.findings[0].title


def test_one_call_in_json_is_read_as_before() -> None:
    d = diagnose(text=json.dumps({"method": "GET", "url": "https://api.xero.com/api.xro/2.0/Invoices",
                                  "status": 403, "body": {"Detail": "AuthenticationUnsuccessful"}}))
    assert not any("calls," in n for n in d.notes)


# --- 5, 6: a platform's permission message; a connection's permission is its scopes ---

def test_makes_permission_message_is_a_scope_in_makes_terms() -> None:
    d = diagnose(text="The operation failed with an error. [401] The API credentials do not have the necessary "
                      "permissions to perform the action. (Xero - Search Invoices, module 3)")
    assert d.codes[0] == "missing_scope"
    assert d.findings[0].fix[0].startswith("Make asks Xero for the scopes")


def test_a_connections_permission_is_not_a_users_role() -> None:
    d = diagnose(text="Xero says your connection doesn't have permission to read your chart of accounts. "
                      "Please reconnect Xero.")
    assert d.codes[0] in ("not_reconsented", "missing_scope")
    assert "user_role" not in d.codes[:2]
    person = diagnose(text="The user doesn't have permission in Xero to view reports.")
    assert person.codes[0] == "user_role"


# --- 7: an endpoint of another payroll region is diagnosed, not refused ---

def test_a_region_mismatch_given_by_options_is_the_diagnosis(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "diagnose", "--region", "NZ", "--endpoint",
                         "GET https://api.xero.com/payroll.xro/1.0/Employees", "--status", "403",
                         "--format", "json", "/dev/null")
    assert code == 0, err
    assert json.loads(out)["findings"][0]["code"] == "payroll_region_mismatch"


def test_json_weights_are_given_to_three_places(capsys: pytest.CaptureFixture[str], tmp_path: object) -> None:
    from pathlib import Path
    paste = Path(str(tmp_path)) / "vendor.txt"
    paste.write_text("Permissions are lacking: the connection fails to request them for reports.",
                     encoding="utf-8")
    code, out, _ = run(capsys, "diagnose", "--format", "json", str(paste))
    weights = [f["weight"] for f in json.loads(out)["findings"]]
    assert code == 0 and all(w == round(w, 3) and len(repr(w)) <= 5 for w in weights)


def test_diagnose_help_shows_examples_the_json_shape_and_exit_codes(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        run(capsys, "diagnose", "--help")
    out = capsys.readouterr().out
    assert "examples:" in out and "xero-nb diagnose error.txt" in out
    assert '"decisive_fact"' in out and "exit codes:" in out
