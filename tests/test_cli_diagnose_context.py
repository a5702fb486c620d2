"""``xero-nb diagnose`` takes the facts diagnosis asks for (/connections, the user's role, the
organisation's country) and says its JSON in the command line's words, not Python's."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from test_cli import last_json, run

from xero_nb.cli.helpers import OK, USAGE

SENT = "8a1b2c3d-4e5f-4a6b-9c8d-0e1f2a3b4c5d"
OTHER = "11111111-2222-4333-8444-555555555555"
PASTE_403 = (f"HTTP/1.1 403 Forbidden\r\nxero-tenant-id: {SENT}\r\n\r\n"
             '{"Type":null,"Title":"Forbidden","Status":403,"Detail":"AuthenticationUnsuccessful",'
             '"Instance":"0e9d8c7b-6a5f-4e4d-8c3b-2a1f0e9d8c7b"}')
PYTHON_WORDS = ("diagnose()", "granted=", "token=", "requested=", "era=")


@pytest.fixture
def paste(tmp_path: Path) -> str:
    path = tmp_path / "error.txt"
    path.write_bytes(PASTE_403.encode("utf-8"))
    return str(path)


def diagnosed(capsys: pytest.CaptureFixture[str], *argv: str) -> dict[str, Any]:
    code, out, err = run(capsys, "diagnose", *argv, "--format", "json")
    assert (code, err) == (OK, "")
    found: dict[str, Any] = last_json(out)
    return found


def codes(found: dict[str, Any]) -> list[str]:
    return [f["code"] for f in found["findings"]]


def words(found: dict[str, Any]) -> list[str]:
    """Every human-language string of the JSON output."""
    out = [*found["notes"], *([found["decisive_fact"]] if found["decisive_fact"] else [])]
    for f in found["findings"]:
        out += [f["title"], *f["evidence"], *f["fix"]]
    return out


# A. the JSON speaks the command line's words

@pytest.mark.parametrize("pasted", [
    "something odd happened",  # unknown: "Pass more context to diagnose(): endpoint, token..."
    '401 {"Detail":"AuthorizationUnsuccessful"} insufficient_scope GET /Invoices',  # token= / granted=
    "the Xero sync stopped, payroll region problem?",  # words only: "Give diagnose() the status..."
])
def test_json_output_has_no_python_words(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                         pasted: str) -> None:
    path = tmp_path / "error.txt"
    path.write_text(pasted, encoding="utf-8")
    found = diagnosed(capsys, str(path))
    said = " ".join(words(found))
    assert [w for w in PYTHON_WORDS if w in said] == []
    assert "--" in said  # the options that carry the context are named instead


def test_an_era_read_from_the_scopes_is_said_with_the_option_that_corrects_it(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "error.txt"
    path.write_text("HTTP 401 AuthorizationUnsuccessful", encoding="utf-8")
    found = diagnosed(capsys, str(path), "--endpoint", "GET /Journals", "--granted",
                      "accounting.transactions.read openid")
    assert codes(found)[0] == "missing_scope"
    assert [n for n in found["notes"] if n.startswith("era taken as")] == [
        "era taken as mixed from the token's scopes (accounting.transactions.read is a broad scope: the "
        "app predates 2 Mar 2026); pass --era if the app is of another kind"]
    # granular scopes alone tell no era (older apps hold them too, §2b): nothing is said to be taken
    alone = diagnosed(capsys, str(path), "--endpoint", "GET /Journals", "--granted",
                      "accounting.invoices.read openid")
    assert not [n for n in alone["notes"] if n.startswith("era taken as")]


def test_json_keeps_codes_numbers_and_keys(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "error.txt"
    path.write_text("something odd happened", encoding="utf-8")
    found = diagnosed(capsys, str(path))
    assert set(found) == {"version", "read", "findings", "decisive_fact", "notes"}
    assert set(found["read"]) == {"status", "method", "url", "endpoint", "era"}
    assert found["findings"][0]["code"] == "unknown"
    assert isinstance(found["findings"][0]["weight"], float)
    assert "Pass more context: --endpoint" in found["findings"][0]["fix"][-1]


def test_the_fact_asked_names_the_option_that_gives_it(capsys: pytest.CaptureFixture[str],
                                                       paste: str) -> None:
    code, out, _ = run(capsys, "diagnose", paste)
    asked = [ln for ln in out.splitlines() if ln.startswith("one more fact would decide:")]
    assert code == OK and len(asked) == 1
    assert "/connections list" in asked[0] and "--connections" in asked[0]
    assert "--connections" in diagnosed(capsys, paste)["decisive_fact"]


# B. --connections, --connections-file

def test_connections_without_the_sent_tenant_is_tenant_not_connected(
        capsys: pytest.CaptureFixture[str], paste: str) -> None:
    found = diagnosed(capsys, paste, "--connections", OTHER)
    assert codes(found)[0] == "tenant_not_connected"
    assert any(OTHER in e for e in found["findings"][0]["evidence"])
    assert "/connections list" not in (found["decisive_fact"] or "")  # given: no longer asked


def test_connections_with_no_ids_is_connection_revoked(capsys: pytest.CaptureFixture[str],
                                                       paste: str) -> None:
    found = diagnosed(capsys, paste, "--connections")
    assert codes(found)[0] == "connection_revoked"
    assert "/connections lists 0 tenant(s)" in found["findings"][0]["evidence"]


def test_connections_before_the_error_file(capsys: pytest.CaptureFixture[str], paste: str) -> None:
    # `--connections FILE`: argparse hands the error file to the list; it is the file after all
    found = diagnosed(capsys, "--connections", paste)
    assert codes(found)[0] == "connection_revoked"


def test_connections_with_the_sent_tenant_says_something_else(
        capsys: pytest.CaptureFixture[str], paste: str) -> None:
    found = diagnosed(capsys, paste, "--connections", OTHER, SENT)
    assert codes(found)[0] not in ("tenant_not_connected", "connection_revoked")
    assert codes(found)[0] == "user_role"
    code, out, _ = run(capsys, "diagnose", paste, "--connections", SENT)
    assert code == OK and "--user-role" in out.splitlines()[-1]  # the next fact, by its option


def test_connections_file_as_xero_returns_it(capsys: pytest.CaptureFixture[str], paste: str,
                                             tmp_path: Path) -> None:
    rows = [{"id": "5a6b7c8d-0000-4000-8000-000000000001", "authEventId": "x", "tenantId": OTHER,
             "tenantType": "ORGANISATION", "tenantName": "Demo Company (NZ)",
             "createdDateUtc": "2026-01-01T00:00:00.0000000", "updatedDateUtc": None}]
    conns = tmp_path / "connections.json"
    conns.write_text(json.dumps(rows), encoding="utf-8")
    found = diagnosed(capsys, paste, "--connections-file", str(conns))
    assert codes(found)[0] == "tenant_not_connected"
    assert any("Demo Company (NZ)" in e for e in found["findings"][0]["evidence"])
    conns.write_text("[]", encoding="utf-8")
    assert codes(diagnosed(capsys, paste, "--connections-file", str(conns)))[0] == "connection_revoked"


@pytest.mark.parametrize(("content", "said"), [
    (json.dumps({"tenantId": SENT}), "expected the JSON array GET /connections returns"),
    ("not json at all", "not JSON"),
    ('[{"tenantName": "Demo"}]', "item 0 is not a /connections object with a tenantId"),
    (f'["{SENT}"]', "item 0 is not a /connections object with a tenantId"),
    ('[{"tenantId": "Demo Company"}]', "is not a tenant id"),
])
def test_bad_connections_file_is_a_usage_error(capsys: pytest.CaptureFixture[str], paste: str,
                                               tmp_path: Path, content: str, said: str) -> None:
    conns = tmp_path / "connections.json"
    conns.write_text(content, encoding="utf-8")
    code, out, err = run(capsys, "diagnose", paste, "--connections-file", str(conns))
    assert code == USAGE and out == ""
    assert "--connections-file" in err and said in err


def test_connection_id_that_is_no_tenant_id_is_a_usage_error(capsys: pytest.CaptureFixture[str],
                                                             paste: str) -> None:
    code, out, err = run(capsys, "diagnose", paste, "--connections", "Demo Company")
    assert code == USAGE and out == ""
    assert "--connections" in err and "'Demo Company' is not a tenant id" in err


def test_connections_and_connections_file_together_are_refused(
        capsys: pytest.CaptureFixture[str], paste: str, tmp_path: Path) -> None:
    conns = tmp_path / "connections.json"
    conns.write_text("[]", encoding="utf-8")
    with pytest.raises(SystemExit) as done:
        run(capsys, "diagnose", paste, "--connections", SENT, "--connections-file", str(conns))
    assert done.value.code == USAGE and "not allowed with" in capsys.readouterr().err


# B. --user-role, --region

def test_user_role_is_passed_to_diagnose(capsys: pytest.CaptureFixture[str], paste: str) -> None:
    found = diagnosed(capsys, paste, "--endpoint", "PUT:/Invoices", "--user-role", "read-only")
    top = found["findings"][0]
    assert top["code"] == "user_role" and "read-only user cannot write" in top["title"]
    assert "user role: read_only" in top["evidence"]


def test_user_role_takes_xero_wording(capsys: pytest.CaptureFixture[str], paste: str) -> None:
    found = diagnosed(capsys, paste, "--endpoint", "GET:/Invoices", "--user-role", "Removed")
    assert codes(found)[0] == "user_role"


def test_unknown_user_role_is_a_usage_error(capsys: pytest.CaptureFixture[str], paste: str) -> None:
    code, out, err = run(capsys, "diagnose", paste, "--user-role", "superuser")
    assert code == USAGE and out == ""
    assert "--user-role 'superuser'" in err and "standard" in err and "read-only" in err


def test_help_lists_the_new_options(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        run(capsys, "diagnose", "--help")
    out = " ".join(capsys.readouterr().out.split())
    assert "--connections [TENANT_ID ...]" in out and "--connections-file FILE" in out
    assert "--user-role ROLE" in out and "read-only" in out and "invoice-only" in out


def test_region_is_the_organisations_country(capsys: pytest.CaptureFixture[str],
                                             monkeypatch: pytest.MonkeyPatch, paste: str) -> None:
    from xero_nb.diagnose import diagnosis

    seen: dict[str, Any] = {}
    real = diagnosis.diagnose

    def spy(*args: Any, **kwargs: Any) -> Any:
        seen.update(kwargs)
        return real(*args, **kwargs)

    monkeypatch.setattr(diagnosis, "diagnose", spy)
    diagnosed(capsys, paste, "--region", "nz")
    assert seen["country"] == "NZ"
    diagnosed(capsys, paste, "--user-role", "standard, payroll admin")
    assert seen["user_role"] == "standard, payroll admin" and seen["country"] is None
