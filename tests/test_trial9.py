"""A new user's trial of the simulator, probe and report (trial 9): what it found, kept fixed.

A run whose probes got no conclusive answer (Xero offline, the day limit used up) is no pass;
a report heading of a token-endpoint failure keeps its OAuth error's name; the simulator does not
fall over on a non-ASCII header or an impossible redirect port; a user's sign-in is not granted
the client-credentials-only scopes.
"""

from __future__ import annotations

import httpx2
import pytest

from xero_nb.cli import main
from xero_nb.redact import redact
from xero_nb.simulator import XeroSimulator


@pytest.fixture
def offline(monkeypatch: pytest.MonkeyPatch) -> None:
    """The CLI's own simulator answers every API call 503 (the organisation offline)."""
    real = XeroSimulator.__init__

    def faulty(self: XeroSimulator, *args: object, **kwargs: object) -> None:
        real(self, *args, **kwargs)  # type: ignore[arg-type]
        self.faults.add("503")

    monkeypatch.setattr(XeroSimulator, "__init__", faulty)


def test_a_probe_that_got_no_answer_is_no_pass(offline: None, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["probe", "--quiet"]) == 1
    err = capsys.readouterr().err
    assert "nothing was verified: none of the" in err and "Xero answered 503" in err
    assert "0 mismatch(es)" not in err


def test_a_report_of_an_unanswered_probe_says_nothing_was_verified(
        offline: None, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report"]) == 1
    got = capsys.readouterr()
    assert "Nothing was verified: none of the" in got.out and "0 mismatch(es)" not in got.out


def test_a_token_endpoint_failure_keeps_its_oauth_error_name() -> None:
    for said in ("POST https://identity.xero.com/connect/token: invalid_grant", "token: invalid_scope",
                 "/connect/token: unsupported_grant_type"):
        assert redact(said) == said
    assert redact("token: 4f8a9b2c1d3e5f6a7b8c9d0e1f") == "token: [redacted]"  # a value still hidden


# --- 11, 12, 14: the simulator keeps answering as Xero would ---

def _client(sim: XeroSimulator) -> httpx2.Client:
    return httpx2.Client(transport=sim.transport())


def test_a_non_ascii_header_is_recorded_not_turned_into_a_failure() -> None:
    sim = XeroSimulator()  # (records calls by default)
    tok = sim.issue_token(scopes=["accounting.settings.read"])
    with _client(sim) as client:
        answer = client.get("https://api.xero.com/api.xro/2.0/Organisation", headers={
            "Authorization": "Bearer " + tok["access_token"], "xero-tenant-id": sim.tenants[0].tenant_id,
            "User-Agent": "Caf\u00e9App/1.0".encode("latin-1")})
    assert answer.status_code == 200


@pytest.mark.parametrize("port", ["99999", "abc"])
def test_an_impossible_redirect_port_is_an_invalid_redirect_not_a_crash(port: str) -> None:
    sim = XeroSimulator()
    with _client(sim) as client:
        page = client.get("https://login.xero.com/identity/connect/authorize", params={
            "client_id": sim.app("web").client_id, "response_type": "code", "scope": "openid",
            "redirect_uri": f"http://127.0.0.1:{port}/callback"})
    assert page.status_code == 400 and "redirect_uri" in page.text


@pytest.mark.parametrize("scope", ["app.connections", "marketplace.billing"])
def test_a_users_sign_in_cannot_ask_for_client_credentials_scopes(scope: str) -> None:
    sim = XeroSimulator()
    app = sim.app("partner")
    with _client(sim) as client:
        page = client.get("https://login.xero.com/identity/connect/authorize", params={
            "client_id": app.client_id, "response_type": "code", "scope": f"openid {scope}",
            "redirect_uri": app.redirect_uris[0]}, follow_redirects=False)
    said = page.text + page.headers.get("location", "")
    assert "code=" not in page.headers.get("location", "") and "unauthorized_client" in said


# --- 3: a token Xero does not accept gives no scope verdicts ---

def test_a_token_xero_does_not_accept_gives_no_scope_mismatch() -> None:
    import xero_nb as xn
    from xero_nb.probe import probe

    sim, other = XeroSimulator(), XeroSimulator(seed=0)  # the second never issued this token
    tok = sim.issue_token(scopes=["openid", "accounting.settings.read", "accounting.contacts.read",
                                  "accounting.journals.read"])
    with xn.XeroClient(token=tok, transport=other.transport()) as client:
        report = probe(client, [t.tenant_id for t in sim.tenants[:1]], era="mixed")
    assert report.results and not report.mismatches()
    assert {r.verdict for r in report.results} == {"inconclusive"}
    assert all("did not accept the token" in r.reason for r in report.results)
    assert report.unanswered() is not None  # and a run of nothing but those is no pass


# --- 10, 15: the era advice runs as given; the report says which era it judged in ---

def test_the_era_advice_names_a_command_that_runs(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["probe", "--quiet", "--app", "pkce", "--era", "broad"]) == 2
    err = capsys.readouterr().err
    assert "use --app web (the broad-era demo app)" not in err and "drop --app" in err
    assert main(["report", "--era", "broad"]) == 0
    out = capsys.readouterr().out
    assert "| era (judged in) | broad |" in out and "era (the app's)" not in out


# --- 6: payroll rows name their API; an inconclusive row claims no refusal ---

def test_probe_rows_name_their_api_and_leave_inconclusive_unobserved(capsys: pytest.CaptureFixture[str]) -> None:
    main(["probe", "--quiet", "--format", "csv", "--granted", "payroll.employees.read", "payroll.settings.read"])
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split(",")[:4] == ["tenant", "family", "api", "method"]
    rows = [line.split(",") for line in lines[1:]]
    employees = [r for r in rows if r[4] == "/Employees" and r[0].endswith("(AU)")]
    assert {r[2] for r in employees} >= {"payroll_au", "payroll_nz"}  # the two rows told apart
    assert all(r[6] == "" for r in rows if r[7] == "inconclusive")  # no "False" for "no answer"
