"""The xero-nb console script: answers, JSON for pipelines, exit codes, start-up cost."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from xero_nb.cli import main
from xero_nb.cli.helpers import FAILED, LOOKUP, OK, USAGE, split_endpoint

ROOT = Path(__file__).resolve().parents[1]
EXE = Path(sys.executable).parent / "xero-nb"
INVOICE = "https://api.xero.com/api.xro/2.0/Invoices/2c1d6b8e-1234-4abc-9def-0123456789ab"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def last_json(out: str) -> Any:
    return json.loads(out.strip().splitlines()[-1])


def test_split_endpoint() -> None:
    assert split_endpoint("GET:/Invoices") == ("GET", "/Invoices")
    assert split_endpoint("put https://api.xero.com/x") == ("PUT", "https://api.xero.com/x")
    assert split_endpoint("GET:https://api.xero.com/x") == ("GET", "https://api.xero.com/x")


def test_scopes_for_text_and_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "scopes-for", "GET", INVOICE)
    assert code == OK and "accounting.getInvoice" in out
    assert "accounting.transactions.read" in out and "required" in out
    code, out, _ = run(capsys, "scopes-for", "get", INVOICE, "--era", "granular", "--format", "json")
    data = last_json(out)
    assert code == OK and data["narrowest"] == "accounting.invoices.read"
    assert data["any_of"] == ["accounting.invoices", "accounting.invoices.read"]
    assert data["tenant_header"] is True


def test_scopes_for_unknown_and_ambiguous(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "scopes-for", "GET", "https://api.xero.com/nope/1")
    assert code == LOOKUP and "no Xero endpoint" in err
    url = "https://api.xero.com/payroll.xro/2.0/Employees"
    code, _, err = run(capsys, "scopes-for", "GET", url)
    assert code == LOOKUP and "region" in err
    code, out, _ = run(capsys, "scopes-for", "GET", url, "--region", "UK", "--format", "json")
    assert code == OK and last_json(out)["api"] == "payroll_uk"


def test_python_dash_m_xero_nb_is_the_command() -> None:
    done = subprocess.run([sys.executable, "-m", "xero_nb", "scopes-for", "GET", INVOICE],
                          capture_output=True, text=True, check=True)
    assert "accounting.getInvoice" in done.stdout


def test_scopes_for_process_answers_and_stays_light() -> None:
    # How fast the command starts is measured in benchmarks/bench_core.py, not asserted here.
    done = subprocess.run([str(EXE), "scopes-for", "GET", INVOICE], capture_output=True,
                          text=True, check=True)
    assert "accounting.getInvoice" in done.stdout
    code = ("import sys, json; from xero_nb.cli import main; "
            f"main(['scopes-for', 'GET', {INVOICE!r}]); print(json.dumps(sorted(sys.modules)))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    loaded = set(json.loads(done.stdout.strip().splitlines()[-1]))
    for heavy in ("pandas", "authlib", "httpx2", "xero_nb.simulator", "xero_nb.catalog.frames"):
        assert heavy not in loaded
    # the fast path (xero_nb/cli/fast.py): not even the record classes and the parser load
    for module in ("typing", "dataclasses", "argparse", "xero_nb.models", "xero_nb.catalog.scopes"):
        assert module not in loaded, module


def test_coverage_require_fails_the_build_when_a_scope_is_missing(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, out, _ = run(capsys, "coverage", "--granted", "accounting.settings.read",
                       "--require", "GET:/Invoices", "GET /Accounts", "--format", "json")
    data = last_json(out)
    # By default an app of today (mixed era): the narrowest fix is the granular scope.
    assert code == FAILED and data["ok"] is False and data["era"] == "mixed"
    assert data["missing_scopes"] == ["accounting.invoices.read"]
    assert [e["allowed"] for e in data["endpoints"]] == [False, True]
    code, out, _ = run(capsys, "coverage", "--granted", "accounting.settings.read", "--era", "broad",
                       "--require", "GET:/Invoices", "--format", "json")
    assert last_json(out)["missing_scopes"] == ["accounting.transactions.read"]
    needs = tmp_path / "endpoints.txt"
    needs.write_text("# what the app calls\nGET /Invoices\nGET /Accounts\n")
    code, out, _ = run(capsys, "coverage", "--granted",
                       "accounting.settings.read,accounting.invoices.read",
                       "--era", "granular", "--require-file", str(needs))
    assert code == OK and "NO" not in out


def test_coverage_formats(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "coverage", "--granted", "accounting.settings.read", "--format", "json")
    rows = last_json(out)
    assert code == OK and len(rows) == 483  # the specs' 477 and 6 documented apart (BankStatement, /Organisations, Finance activities)
    assert any(r["operation_id"] == "getAccounts" and r["allowed"] for r in rows)
    code, out, _ = run(capsys, "coverage", "--granted", "assets.read", "--api", "assets",
                       "--format", "csv")
    lines = out.strip().splitlines()
    assert code == OK and lines[0].startswith("api,") and len(lines) == 7
    code, out, err = run(capsys, "coverage", "--granted", "assets.read", "--blocked", "--api", "assets")
    assert code == OK and "endpoints allowed" in err


def test_an_unknown_scope_is_noted_with_a_suggestion_not_refused(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "coverage", "--granted", "accounting.transaction", "accounting.contacts.read")
    assert code == OK and 'did you mean "accounting.transactions"' in err and "/Contacts" in out
    # as a CI gate: the unknown name grants nothing, so the check fails, and the note says why
    code, _, err = run(capsys, "coverage", "--granted", "accounting.transaction", "--require", "GET:/Invoices")
    assert code == FAILED and 'did you mean "accounting.transactions"' in err


def test_bad_usage_is_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["coverage", "--format", "yaml"])
    assert exc.value.code == USAGE
    code, _, err = run(capsys, "least-privilege")
    assert code == USAGE and "METHOD:URL" in err


def test_least_privilege_and_migrate(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "least-privilege", "GET:/Invoices", "GET:/Accounts", "--format", "json")
    assert code == OK and last_json(out)["scopes"] == ["accounting.invoices.read",
                                                       "accounting.settings.read"]
    code, out, _ = run(capsys, "migrate", "--granted", "accounting.transactions",
                       "accounting.settings", "--format", "json")
    data = last_json(out)
    assert code == OK and "accounting.transactions" in data["drop"]
    assert "accounting.invoices" in data["granular"]


def test_diagnose_reads_pasted_text(capsys: pytest.CaptureFixture[str],
                                    monkeypatch: pytest.MonkeyPatch) -> None:
    pasted = ('{"Type":null,"Title":"Unauthorized","Status":401,"Detail":"AuthorizationUnsuccessful",'
              '"Instance":"0f6a0a5e-1111-4222-8333-944445555666","Extensions":{}}')
    monkeypatch.setattr(sys, "stdin", io.StringIO(pasted))
    code, out, _ = run(capsys, "diagnose", "--endpoint", "GET:/Invoices", "--granted",
                       "accounting.settings.read", "--format", "json")
    data = last_json(out)
    assert code == OK and data["findings"][0]["code"] == "missing_scope"
    assert any("accounting.transactions" in " ".join(f["fix"]) for f in data["findings"])
    from xero_nb import __version__

    # what the text was taken to say, beside the answer: status, the endpoint used, the era given
    assert data["version"] == __version__
    assert data["read"] == {"status": 401, "method": None, "url": None, "endpoint": "GET /Invoices",
                            "era": None}
    monkeypatch.setattr(sys, "stdin", io.StringIO("curl -i https://api.xero.com/api.xro/2.0/Contacts?page=2\n"
                                                  "HTTP/1.1 429 Too Many Requests\nX-Rate-Limit-Problem: minute"))
    code, out, _ = run(capsys, "diagnose", "--era", "granular", "--format", "json")
    read = last_json(out)["read"]
    assert code == OK and read["status"] == 429 and read["method"] == "GET" and read["era"] == "granular"
    # (the endpoint the pasted URL settles, as the diagnosis took it)
    assert read["url"] == "https://api.xero.com/api.xro/2.0/Contacts?page=2" and read["endpoint"] == "GET /Contacts"
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    code, _, err = run(capsys, "diagnose")
    assert code == USAGE and "no error text" in err


def test_diagnose_from_a_file_as_text(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    f = tmp_path / "err.txt"
    f.write_text('HTTP 403 Forbidden {"Title":"Forbidden","Status":403,'
                 '"Detail":"AuthenticationUnsuccessful"}')
    code, out, _ = run(capsys, "diagnose", str(f))
    assert code == OK and out.startswith("1. [")


@pytest.mark.usefixtures("no_xero_app")
def test_probe_defaults_to_the_simulator(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "probe", "--format", "json", "--quiet")
    data = last_json(out)
    assert "simulator" in err
    # Harbour Cafe has no Projects or Payroll on its plan, and the web app is on the Core tier
    # (Journals need Advanced from 2 Mar 2026): known gates, no mismatch (trial 17, #15)
    assert code == OK
    assert data["summary"]["rate_limited"] == 0 and data["summary"]["tier"] == "core"
    assert not [r for r in data["results"] if r["verdict"] == "mismatch"]
    gated = [r for r in data["results"] if r["verdict"] == "gated"]
    assert {r["cause"] for r in gated} == {"plan", "tier"}
    assert {r["family"] for r in gated if r["cause"] == "tier"} == {"accounting.journals"}
    code, out, err = run(capsys, "probe", "--granted", "accounting.settings.read")
    # the progress bar is for a terminal: a pipe or a CI log gets none (trial 20)
    assert code == OK and "probe [" not in err and "/Organisation" in out


def test_probe_draws_its_progress_bar_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    import io
    import sys

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    assert main(["probe", "--granted", "accounting.settings.read"]) == OK
    assert "\rprobe [" in terminal.getvalue()


@pytest.mark.usefixtures("no_xero_app")
def test_a_probe_with_nothing_to_probe_fails_and_says_why(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "probe", "--granted", "openid", "offline_access", "--quiet")
    assert code == FAILED
    assert "nothing was probed" in err and "(offline_access, openid)" in err and "--check-absent" in err
    code, out, _ = run(capsys, "probe", "--granted", "openid", "--format", "json", "--quiet")
    data = last_json(out)
    assert code == FAILED and data["results"] == [] and "nothing was probed" in data["error"]
    # --check-absent gives it something to probe: a run that checked something can pass
    code, out, err = run(capsys, "probe", "--granted", "openid", "--check-absent", "--quiet")
    assert "nothing was probed" not in err and "/Organisation" in out


@pytest.mark.usefixtures("no_xero_app")
def test_probe_tables_show_no_answer_as_a_blank_not_none(capsys: pytest.CaptureFixture[str]) -> None:
    # the US organisation has no payroll API: its payroll probes are skipped, with no answer
    _, out, _ = run(capsys, "probe", "--quiet")
    us = [line for line in out.splitlines() if "(US)" in line and "/Employees" in line]
    assert us and all(" - " in line and "None" not in line for line in us), us
    _, out, _ = run(capsys, "probe", "--format", "csv", "--quiet")
    us = [line for line in out.splitlines() if "(US)" in line and "/Employees" in line]
    assert us and all(",False,,skipped," in line for line in us), us  # no US payroll (trial 17, #4)


@pytest.mark.usefixtures("no_xero_app")
def test_probe_granular_app_sees_the_journals_gate(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "probe", "--app", "pkce", "--granted", "accounting.journals.read",
                         "--format", "csv", "--quiet")
    # the pkce app is on the Starter tier: a known gate, not a mismatch (trial 17, #15)
    assert code == OK
    lines = out.strip().splitlines()
    assert lines[0] == "tenant,family,api,method,path,predicted,observed,verdict,cause"
    assert all(line.endswith(",gated,tier") for line in lines[1:])
    # and the pkce app could not have signed in with Journals: said (trial 17, #2)
    assert "pkce app could not obtain accounting.journals.read" in err


@pytest.mark.usefixtures("no_xero_app")
def test_report_is_written_and_redacted(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    out_file = tmp_path / "report.md"
    code, _, err = run(capsys, "report", "--app", "pkce", "--out", str(out_file))
    text = out_file.read_text()
    assert code == OK and "wrote" in err
    assert "Probe: predicted vs observed" in text and "tier" in text
    assert "eyJ" not in text  # no token (JWTs start so) anywhere
    code, out, _ = run(capsys, "report", "--granted", "accounting.settings.read", "--format", "html")
    assert code == OK and "<h1>" in out


@contextmanager
def served_simulator(*args: str) -> Iterator[tuple[subprocess.Popen[str], list[str], str]]:
    """`xero-nb simulator --port 0 ARGS` running: the process, its banner lines and its URL."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("XERO_")}
    proc = subprocess.Popen([str(EXE), "simulator", "--port", "0", *args], stdout=subprocess.PIPE,
                            text=True, env=env)
    try:
        assert proc.stdout is not None
        lines = []
        for line in proc.stdout:
            lines.append(line)
            if line.startswith("Ctrl-C"):
                break
        yield proc, lines, lines[0].split()[3]
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_simulator_command_serves_and_hides_secrets() -> None:
    with served_simulator() as (_, lines, url):
        assert url.startswith("http://127.0.0.1:")
        from xero_nb.http import Client

        with Client() as c:
            r = c.get(url + "/connections")
        assert r.status_code == 401
        web = next(line for line in lines if "app web" in line)
        assert "secret=…" in web
        # what a Postman (or any OAuth client) set-up needs: the URLs and the redirect URIs
        assert f"authorize {url}/identity/connect/authorize  token {url}/connect/token" in "".join(lines)
        redirects = next(line for line in lines if "redirect URIs" in line)
        assert "http://127.0.0.1/callback (any port)" in redirects
        postman = "https://oauth.pstmn.io/v1/callback"
        assert postman in redirects
        client_id = web.split("client_id=")[1].split()[0]
        query = {"response_type": "code", "client_id": client_id, "scope": "openid",
                 "state": "s" * 12}
        with Client() as c:
            ok = c.get(url + "/identity/connect/authorize", params={**query, "redirect_uri": postman})
            bad = c.get(url + "/identity/connect/authorize",
                        params={**query, "redirect_uri": "https://elsewhere.example/callback"})
        assert ok.status_code == 302 and ok.headers["location"].startswith(postman + "?code=")
        assert bad.status_code == 400 and "location" not in bad.headers


def test_simulator_record_prints_each_call_with_its_token_masked() -> None:
    secret = "zz" + "9" * 30
    with served_simulator("--record", "3") as (proc, lines, url):
        assert any("each call is printed" in line for line in lines)
        from xero_nb.http import Client

        with Client() as c:
            c.get(url + "/connections")
            c.get(url + "/api.xro/2.0/Invoices", params={"access_token": secret})
        got: list[str] = []
        reader = threading.Thread(target=lambda: got.extend(proc.stdout.readline() for _ in range(2)),
                                  daemon=True)  # never hangs the suite if no line comes
        reader.start()
        reader.join(timeout=30)
        assert len(got) == 2, f"the calls were not printed: {got}"
        assert got[0].startswith(f"GET {url}/connections -> 401 ["), got
        assert got[1].startswith(f"GET {url}/api.xro/2.0/Invoices?access_token=") and " -> 401 [" in got[1]
        assert secret not in "".join(got)


def test_live_custom_connection_takes_a_token_without_a_browser(
        no_xero_app: None, monkeypatch: pytest.MonkeyPatch) -> None:
    import argparse

    import xero_nb.auth.flow as auth_module
    from xero_nb.auth import MemoryTokenStore
    from xero_nb.cli.live import connect
    from xero_nb.simulator import XeroSimulator

    sim = XeroSimulator(limits=False)
    app = sim.apps["custom"]
    monkeypatch.setenv("XERO_CLIENT_ID", app.client_id)
    monkeypatch.setenv("XERO_CLIENT_SECRET", app.client_secret or "")
    monkeypatch.setenv("XERO_GRANT", "client_credentials")
    monkeypatch.setenv("XERO_SCOPES", "accounting.invoices accounting.settings")
    real = auth_module.XeroAuth
    with sim.serve() as server:
        monkeypatch.setattr(auth_module, "XeroAuth",
                            lambda settings: real(settings, store=MemoryTokenStore(), urls=server.urls))
        client, label, _, simulated = connect(
            argparse.Namespace(profile=None, app=None, granted=None, era=None))
        token = client.current_token()
    assert simulated is False
    assert app.client_id in label
    assert token.grant_type == "client_credentials" and token.refresh_token is None
    assert {"accounting.invoices", "accounting.settings"} <= token.scopes


PAYROLL_EMPLOYEES = "https://api.xero.com/payroll.xro/2.0/Employees"


def test_coverage_and_least_privilege_take_a_payroll_region(
        capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "coverage", "--granted", "payroll.employees.read",
                         "--require", f"GET:{PAYROLL_EMPLOYEES}", "--format", "json")
    # no region: each region that URL can mean is judged (no AU payroll API answers at
    # payroll.xro/2.0/Employees), not the whole check refused
    data = last_json(out)
    assert code == OK and [(e["api"], e["allowed"]) for e in data["endpoints"]] == [
        ("payroll_nz", True), ("payroll_uk", True)]
    assert "endpoint()" not in err  # the library's advice is not the CLI's
    code, out, _ = run(capsys, "coverage", "--granted", "payroll.employees.read", "--require",
                       f"GET:{PAYROLL_EMPLOYEES}", "--region", "nz", "--format", "json")
    data = last_json(out)
    assert code == OK and data["ok"] is True
    assert [(e["api"], e["allowed"]) for e in data["endpoints"]] == [("payroll_nz", True)]
    code, out, _ = run(capsys, "coverage", "--granted", "accounting.settings.read", "--require",
                       f"GET:{PAYROLL_EMPLOYEES}", "--region", "UK", "--format", "json")
    data = last_json(out)
    assert code == FAILED and data["endpoints"][0]["api"] == "payroll_uk"
    assert data["missing_scopes"] == ["payroll.employees.read"]
    code, out, err = run(capsys, "least-privilege", f"GET:{PAYROLL_EMPLOYEES}")
    assert code == OK and out.split() == ["payroll.employees.read"] and "--region for one" in err
    code, out, _ = run(capsys, "least-privilege", f"GET:{PAYROLL_EMPLOYEES}", "--region", "UK",
                       "--format", "json")
    assert code == OK and last_json(out)["scopes"] == ["payroll.employees.read"]


def test_ci_gates_refuse_to_check_nothing(capsys: pytest.CaptureFixture[str],
                                          tmp_path: Path) -> None:
    code, out, err = run(capsys, "coverage", "--granted", "accounting.settings.read", "--require")
    assert code == USAGE and out == "" and "METHOD:URL" in err
    for text in ("", "# only a comment\n\n   \n"):
        empty = tmp_path / "needs.txt"
        empty.write_text(text)
        code, out, err = run(capsys, "coverage", "--granted", "accounting.settings.read",
                             "--require-file", str(empty))
        assert code == USAGE and out == "" and "no endpoint lines" in err
    code, out, err = run(capsys, "coverage", "--granted", "accounting.settings.read", "--api", "nope")
    assert code == LOOKUP and out == ""
    assert "accounting" in err and "payroll_uk" in err
    code, _, err = run(capsys, "coverage", "--granted", "accounting.settings.read", "--api", "payroll")
    assert code == LOOKUP and "could be" in err and "payroll_nz" in err
    code, out, _ = run(capsys, "coverage", "--granted", "accounting.settings.read",
                       "--api", "Accounting", "--format", "json")
    rows = last_json(out)
    assert code == OK and len(rows) == 237 and {r["api"] for r in rows} == {"accounting"}


@pytest.mark.usefixtures("no_xero_app")
def test_probe_checks_the_tenant_it_is_given(capsys: pytest.CaptureFixture[str]) -> None:
    from xero_nb.simulator import XeroSimulator

    orgs = XeroSimulator().tenants  # the same seed: the same ids the CLI's simulator uses
    code, out, err = run(capsys, "probe", "--tenant", "nope", "--quiet")
    assert code == LOOKUP and out == "" and "'nope' is not connected" in err
    assert all(org.tenant_id in err and org.name in err for org in orgs)
    wanted = orgs[0]
    for key in (wanted.tenant_id, wanted.name.upper()):
        code, out, _ = run(capsys, "probe", "--granted", "accounting.settings.read", "--tenant", key,
                           "--quiet", "--format", "json")
        data = last_json(out)
        assert code == OK and data["summary"]["tenants"] == 1
        assert {r["tenant"] for r in data["results"]} == {wanted.name}


@pytest.mark.usefixtures("no_xero_app")
@pytest.mark.parametrize("command", ["probe", "report"])
def test_a_named_profile_without_an_app_is_not_the_simulator(
        capsys: pytest.CaptureFixture[str], command: str) -> None:
    code, out, err = run(capsys, command, "--profile", "nope")
    assert code == LOOKUP and out == "" and "simulator" not in out
    assert "profile 'nope' has no Xero client id" in err
    assert "[profiles.nope]" in err and "XERO_CLIENT_ID" in err


@pytest.mark.usefixtures("no_xero_app")
def test_probe_era_picks_the_demo_app_of_that_era(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "probe", "--granted", "accounting.invoices.read", "--era",
                         "granular", "--format", "json", "--quiet")
    data = last_json(out)
    assert "pkce app, a granular-era app" in err
    assert code == OK and data["summary"]["era"] == "granular"
    assert not [r for r in data["results"] if r["verdict"] == "mismatch"]
    code, _, err = run(capsys, "probe", "--granted", "accounting.settings.read", "--era", "mixed",
                       "--quiet")
    assert code == OK and "migrating app, a mixed-era app" in err
    # --era broad: the web app (mixed era since 2026) judged in the broad era, and said so
    code, _, err = run(capsys, "probe", "--granted", "accounting.settings.read", "--era", "broad",
                       "--quiet")
    assert code == OK and "web app, a mixed-era app, judged in the broad era" in err
    code, out, err = run(capsys, "probe", "--app", "web", "--era", "granular")
    assert code == USAGE and out == ""
    assert "mixed-era app" in err and "--app pkce" in err


@pytest.mark.usefixtures("no_xero_app")
def test_bad_files_and_ports_are_one_line_usage_errors(
        capsys: pytest.CaptureFixture[str], tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    import socket

    code, _, err = run(capsys, "report", "--error-file", str(tmp_path / "nonexist.txt"))
    assert code == USAGE and "cannot read" in err and "Traceback" not in err
    def no_probe(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("a bad --out must fail before the probe runs")

    import importlib

    monkeypatch.setattr(importlib.import_module("xero_nb.probe.engine"), "probe", no_probe)
    code, _, err = run(capsys, "report", "--out", str(tmp_path / "no" / "dir" / "r.md"))
    assert code == USAGE and "does not exist" in err
    code, _, err = run(capsys, "report", "--out", str(tmp_path))
    assert code == USAGE and "folder" in err
    with pytest.raises(SystemExit) as exc:
        main(["simulator", "--port", "99999"])
    assert exc.value.code == USAGE and "0-65535" in capsys.readouterr().err
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        code, _, err = run(capsys, "simulator", "--port", str(busy.getsockname()[1]))
    # a port taken is the machine's state, not a usage error: exit 3 (config/environment)
    assert code == LOOKUP and "cannot listen on 127.0.0.1" in err
    binary = tmp_path / "bin.txt"
    binary.write_bytes(b'HTTP/1.1 401 Unauthorized \xff\xfe\x80 {"Status":401,"Title":"Unauthorized"}')
    code, out, _ = run(capsys, "diagnose", str(binary))
    assert code == OK and out.startswith("1. [")
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(binary.read_bytes())))
    code, out, _ = run(capsys, "diagnose", "--format", "json")
    assert code == OK and last_json(out)["findings"]


def _curl_capture(scopes: list[str]) -> str:
    """A ``curl -v`` capture of a 401 on /Invoices, sent with a token holding ``scopes``."""
    from xero_nb.simulator import XeroSimulator

    sim = XeroSimulator(limits=False)
    token = sim.issue_token(scopes=scopes, app="web")["access_token"]
    return "\n".join([
        "> GET /api.xro/2.0/Invoices HTTP/1.1", "> Host: api.xero.com",
        f"> Authorization: Bearer {token}", f"> xero-tenant-id: {sim.tenants[0].tenant_id}",
        "> Accept: application/json", ">", "< HTTP/1.1 401 Unauthorized",
        "< Content-Type: application/json; charset=utf-8", "<",
        '{"Type":null,"Title":"Unauthorized","Status":401,"Detail":"AuthorizationUnsuccessful",'
        '"Instance":"0f6a0a5e-1111-4222-8333-944445555666","Extensions":{}}', ""])


@pytest.mark.usefixtures("no_xero_app")
def test_report_judges_a_paste_by_its_own_token(capsys: pytest.CaptureFixture[str],
                                                tmp_path: Path) -> None:
    paste = tmp_path / "curlv.txt"
    paste.write_text(_curl_capture(["accounting.settings.read"]))
    code, out, _ = run(capsys, "diagnose", str(paste), "--format", "json")
    assert code == OK and last_json(out)["findings"][0]["code"] == "missing_scope"
    # The demo token holds accounting.transactions.read: it must not speak for the paste.
    code, out, _ = run(capsys, "report", "--error-file", str(paste))
    assert code == OK and "eyJ" not in out
    heads = [i for i, line in enumerate(out.splitlines()) if line.startswith("### ")
             and "/api.xro/2.0/Invoices: " in line]
    assert len(heads) == 1
    section = "\n".join(out.splitlines()[heads[0]:heads[0] + 12])
    assert "| diagnosis | missing_scope |" in section


def test_diagnose_notes_unknown_scopes_and_goes_on(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """Issue 11: one unknown scope is noted (with its near miss), never a refusal of the diagnosis."""
    err_file = tmp_path / "err.txt"
    err_file.write_text('{"Title":"Forbidden","Status":403}')
    for flag in ("--granted", "--requested"):
        code, out, _ = run(capsys, "diagnose", str(err_file), flag, "accounting.setings.read")
        assert code == OK and "1. [" in out
        assert "'accounting.setings.read' is not a Xero scope; did you mean 'accounting.settings.read'?" in out


def test_diagnose_prints_notes_on_the_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pasted = tmp_path / "curlv.txt"
    pasted.write_text(
        "> GET /api.xro/2.0/Widgets HTTP/1.1\n> Host: api.xero.com\n>\n< HTTP/1.1 401 Unauthorized\n"
        "< WWW-Authenticate: insufficient_scope\n<\n"
        '{"Type":null,"Title":"Unauthorized","Status":401,"Detail":"AuthorizationUnsuccessful"}\n')
    assert main(["diagnose", str(pasted)]) == 0
    assert "note: endpoint 'GET https://api.xero.com/api.xro/2.0/Widgets' is not a Xero endpoint" in capsys.readouterr().out
    assert main(["diagnose", str(pasted), "--format", "json"]) == 0
    assert "is not a Xero endpoint" in json.loads(capsys.readouterr().out)["notes"][0]


def test_scopes_for_says_when_no_scope_grants_an_endpoint(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "scopes-for", "GET", "/ExpenseClaims", "--era", "granular")
    assert code == OK and "(no scope grants it)" in out and "no granular scope" in out
    code, out, _ = run(capsys, "scopes-for", "GET", "/ExpenseClaims", "--era", "mixed")
    assert code == OK and "accounting.transactions.read" in out and "no scope grants" not in out
    code, out, _ = run(capsys, "scopes-for", "GET", "/Reports/BankStatement", "--format", "json")
    data = last_json(out)
    assert data["operation_id"] == "getReportBankStatement"
    assert data["any_of"] == ["accounting.reports.bankstatement.read"] and "addendum" in data["restricted"]


# -- failures a CI gate must not pass -------------------------------------------------------

UNKNOWN_TOKEN = "not-a-token-the-simulator-minted-0042"


def _connect_with(monkeypatch: pytest.MonkeyPatch, make_client: Any) -> None:
    """``probe``/``report`` talk to the client ``make_client()`` builds (a broken one)."""
    import xero_nb.cli.live as live

    monkeypatch.setattr(live, "connect", lambda args: live.Connection(
        make_client(), "the simulator (test)", None, True))


def _unknown_token_client() -> Any:
    from xero_nb.client.call import XeroClient
    from xero_nb.simulator import XeroSimulator

    return XeroClient(token=UNKNOWN_TOKEN, transport=XeroSimulator(limits=False).transport())


def _network_down_client() -> Any:
    from xero_nb.client.call import RetryPolicy, XeroClient
    from xero_nb.http import MockTransport, Request, httpx
    from xero_nb.simulator import XeroSimulator

    def down(request: Request) -> Any:
        raise httpx.ConnectError("[Errno 111] Connection refused", request=request)

    token = XeroSimulator(limits=False).issue_token(scopes=["accounting.settings.read"])
    return XeroClient(token=token, transport=MockTransport(down),
                      retry=RetryPolicy(max_attempts=1))


@pytest.mark.usefixtures("no_xero_app")
@pytest.mark.parametrize("fmt", ["table", "json"])
def test_probe_fails_when_the_organisations_cannot_be_listed(
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, fmt: str) -> None:
    _connect_with(monkeypatch, _unknown_token_client)
    code, out, err = run(capsys, "probe", "--quiet", "--format", fmt)
    assert code == FAILED
    assert "listing the organisations failed" in err and "GET /connections answered 401" in err
    assert "nothing was probed" in err and "0 mismatch" not in err
    assert UNKNOWN_TOKEN not in out + err
    if fmt == "json":
        assert "/connections answered 401" in last_json(out)["error"]


@pytest.mark.usefixtures("no_xero_app")
def test_probe_fails_when_the_network_is_down(capsys: pytest.CaptureFixture[str],
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    _connect_with(monkeypatch, _network_down_client)
    code, out, err = run(capsys, "probe", "--quiet")
    assert code == FAILED and "0 mismatch" not in err
    assert "listing the organisations failed" in err and "no response" in err
    assert "ConnectError" in err and "Traceback" not in err
    code, out, err = run(capsys, "probe", "--quiet", "--tenant", "Harbour Cafe")
    assert code == FAILED and out == ""
    assert "listing the organisations failed" in err and "ConnectError" in err


@pytest.mark.usefixtures("no_xero_app")
def test_tenant_lookup_on_a_refused_listing_says_so(capsys: pytest.CaptureFixture[str],
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    _connect_with(monkeypatch, _unknown_token_client)
    code, out, err = run(capsys, "probe", "--quiet", "--tenant", "Harbour Cafe")
    assert code == FAILED and out == ""
    assert "GET /connections answered 401" in err and "is not connected" not in err


@pytest.mark.usefixtures("no_xero_app")
@pytest.mark.parametrize("make_client", [_unknown_token_client, _network_down_client])
def test_report_fails_when_the_organisations_cannot_be_listed(
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
        make_client: Any) -> None:
    _connect_with(monkeypatch, make_client)
    out_file = tmp_path / "report.md"
    code, _, err = run(capsys, "report", "--out", str(out_file))
    assert code == FAILED and "listing the organisations failed" in err
    text = out_file.read_text()  # still written: the failed listing is in it, diagnosed
    assert "/connections" in text and UNKNOWN_TOKEN not in text + err


@pytest.mark.usefixtures("no_xero_app")
def test_report_scrubs_the_configured_client_secret_from_a_paste(
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
        tmp_path: Path) -> None:
    import functools

    import xero_nb.auth.flow as auth_module
    import xero_nb.client.call as call_module
    from xero_nb.auth import MemoryTokenStore
    from xero_nb.simulator import XeroSimulator

    sim = XeroSimulator(limits=False)
    app = sim.apps["custom"]
    secret = app.client_secret or ""
    monkeypatch.setenv("XERO_CLIENT_ID", app.client_id)
    monkeypatch.setenv("XERO_CLIENT_SECRET", secret)
    monkeypatch.setenv("XERO_GRANT", "client_credentials")
    monkeypatch.setenv("XERO_SCOPES", "accounting.settings accounting.invoices")
    real_auth = auth_module.XeroAuth
    monkeypatch.setattr(auth_module, "XeroAuth", lambda settings: real_auth(
        settings, store=MemoryTokenStore(), transport=sim.transport()))
    monkeypatch.setattr(call_module, "XeroClient",
                        functools.partial(call_module.XeroClient, transport=sim.transport()))
    paste = tmp_path / "curl.txt"
    paste.write_text(
        f"$ curl -u {app.client_id}:{secret} -d grant_type=client_credentials "
        "https://identity.xero.com/connect/token\n"
        "HTTP/1.1 400 Bad Request\n"
        f'{{"error":"invalid_client","error_description":"unknown client secret {secret}"}}\n')
    for fmt in ("markdown", "html"):
        code, out, _ = run(capsys, "report", "--error-file", str(paste), "--format", fmt)
        assert code == OK and "invalid_client" in out
        assert secret not in out and secret[-12:] not in out


@pytest.mark.usefixtures("no_xero_app")
def test_probe_fails_when_no_organisation_is_connected(capsys: pytest.CaptureFixture[str],
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    from xero_nb.client.call import XeroClient
    from xero_nb.simulator import XeroSimulator

    def disconnected() -> XeroClient:
        sim = XeroSimulator(limits=False)
        token = sim.issue_token(scopes=["accounting.settings.read"])
        for org in sim.tenants:
            sim.disconnect(org)
        return XeroClient(token=token, transport=sim.transport())

    _connect_with(monkeypatch, disconnected)
    code, out, err = run(capsys, "probe", "--quiet", "--format", "json")
    assert code == FAILED and last_json(out)["summary"]["probes"] == 0
    assert "listed no organisation" in err and "nothing was probed" in err


def test_diagnose_takes_the_grant_type(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    pasted = tmp_path / "error.txt"
    pasted.write_text('HTTP/1.1 403 Forbidden\n\n{"Title":"Forbidden","Status":403,'
                      '"Detail":"AuthenticationUnsuccessful"}', encoding="utf-8")
    code, out, _ = run(capsys, "diagnose", str(pasted), "--format", "json")
    assert code == OK and "tenant_header_missing" in {f["code"] for f in last_json(out)["findings"]}
    code, out, _ = run(capsys, "diagnose", str(pasted), "--grant-type", "client_credentials",
                       "--format", "json")
    codes = [f["code"] for f in last_json(out)["findings"]]
    assert code == OK and "tenant_header_missing" not in codes  # a custom connection needs none


def test_a_granular_scope_counts_by_default_and_the_era_is_named(
        capsys: pytest.CaptureFixture[str]) -> None:
    # What a 2026 app holds: under the old broad-only reading it would be "NO, add
    # accounting.transactions.read", a scope Xero refuses to apps created since 2 Mar 2026.
    code, out, err = run(capsys, "coverage", "--granted", "accounting.invoices.read",
                         "--require", "GET:/Invoices")
    assert code == OK and out.splitlines()[1].startswith("yes") and "mixed era" in err
    code, out, err = run(capsys, "coverage", "--granted", "accounting.invoices.read", "--api",
                         "accounting", "--blocked")
    rows = [line.split() for line in out.splitlines()[1:]]
    assert code == OK and rows and ["accounting", "GET", "/Invoices"] not in [r[:3] for r in rows]
    assert "endpoints allowed in accounting" in err and "mixed era" in err
    allowed, total = (int(n) for n in err.split(" endpoints")[0].split(" of "))
    assert 0 < allowed < total  # counted before --blocked hid the allowed rows
    code, out, err = run(capsys, "coverage", "--granted", "accounting.settings.read", "--api",
                         "identity", "--blocked")
    assert code == OK and "(no endpoint to show)" in out and "Empty DataFrame" not in out
    code, out, _ = run(capsys, "scopes-for", "GET", "/Invoices")
    assert "any one of (mixed)" in out and "narrowest: accounting.invoices.read" in out


def test_require_names_a_granted_endpoint_that_xero_may_still_refuse(
        capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "coverage", "--granted", "accounting.journals.read", "--era",
                         "granular", "--require", "GET:/Journals")
    assert code == OK and out.splitlines()[1].startswith("yes")
    assert "note: GET /Journals: Journals need the Advanced tier" in err


def test_diagnose_guesses_the_era_from_the_scopes_when_not_told(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    body = tmp_path / "e.txt"
    body.write_text('HTTP 401 WWW-Authenticate: Bearer error="insufficient_scope"\n'
                    '{"Type":null,"Title":"Unauthorized","Status":401,'
                    '"Detail":"AuthorizationUnsuccessful"}')
    code, out, _ = run(capsys, "diagnose", str(body), "--endpoint", "GET:/Invoices",
                       "--granted", "accounting.contacts.read", "--format", "json")
    first = last_json(out)["findings"][0]
    assert code == OK and first["fix"][0].startswith("Add `accounting.invoices.read`")


@pytest.mark.parametrize("given", ["GET /Invoices", "GET:/Invoices", "get:/Invoices", "/Invoices",
                                   "https://api.xero.com/api.xro/2.0/Invoices",
                                   "api.xero.com/api.xro/2.0/Invoices"])
def test_scopes_for_takes_the_request_in_one_argument(
        capsys: pytest.CaptureFixture[str], given: str) -> None:
    code, out, _ = run(capsys, "scopes-for", given, "--format", "json")
    assert code == OK and last_json(out)["operation_id"] == "getInvoices"


def test_unknown_urls_say_what_was_probably_meant(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "scopes-for", "GET", "https://api.xero.com/api.xro/2.0/Invoice")
    assert code == LOOKUP and "did you mean /Invoices?" in err
    code, _, err = run(capsys, "scopes-for", "GET", "https://api.xero.com/payroll.xro/2.0/Employees",
                       "--region", "AU")
    assert code == LOOKUP and "payroll_nz (NZ)" in err and "AU: payroll.xro/1.0" in err
    code, _, err = run(capsys, "scopes-for", "GET", "/Zzzz")
    assert code == LOOKUP and "did you mean" not in err


def test_version_and_bad_time_scale(capsys: pytest.CaptureFixture[str]) -> None:
    from xero_nb import __version__

    with pytest.raises(SystemExit) as done:
        main(["--version"])
    assert done.value.code == 0 and __version__ in capsys.readouterr().out
    for bad in ("0", "-1", "inf", "x"):
        with pytest.raises(SystemExit) as done:
            main(["simulator", "--time-scale", bad])
        assert done.value.code == USAGE and "--time-scale" in capsys.readouterr().err


def test_least_privilege_in_the_mixed_era_prefers_narrow_granular_scopes(
        capsys: pytest.CaptureFixture[str]) -> None:
    # One wide deprecated scope (accounting.transactions: 59 write endpoints) would be fewer
    # scopes, but two narrow ones grant less; a broad scope only where nothing granular reaches.
    code, out, _ = run(capsys, "least-privilege", "GET:/Invoices", "PUT:/Invoices", "GET:/Accounts",
                       "--era", "mixed", "--format", "json")
    assert code == OK and last_json(out)["scopes"] == ["accounting.invoices", "accounting.settings.read"]
    code, out, _ = run(capsys, "least-privilege", "GET:/Invoices", "GET:/ExpenseClaims", "--era", "mixed",
                       "--format", "json")
    data = last_json(out)
    assert data["scopes"] == ["accounting.invoices.read", "accounting.transactions.read"]
    assert any("deprecated broad scope" in n and "GET /ExpenseClaims" in n and "GET /Invoices" not in n
               for n in data["notes"])


def test_migrate_keeps_what_only_a_broad_scope_still_reaches(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "migrate", "--granted", "accounting.transactions", "--format", "json")
    data = last_json(out)
    assert code == OK and data["keep_until_deadline"] == ["accounting.transactions"]
    assert "accounting.transactions" in data["request_now"] and "accounting.invoices" in data["request_now"]
    assert {e["endpoint"] for e in data["no_granular"]} >= {"GET /ExpenseClaims", "GET /Receipts"}
    code, out, _ = run(capsys, "migrate", "--granted", "accounting.transactions")
    assert "Drop now (deprecated broad): none" in out and "Drop by 2027-09" in out and "`-`" not in out


def test_a_scan_plan_requests_the_broad_scope_its_expense_claims_still_need(tmp_path: Path) -> None:
    from xero_nb.scan.analysis import analyse
    from xero_nb.scan.engine import scan_tree

    (tmp_path / "app.py").write_text(
        "from xero_python.accounting import AccountingApi\n"
        "SCOPES = 'openid offline_access accounting.transactions'\n"
        "def go(api: AccountingApi, tenant):\n"
        "    api.get_expense_claims(tenant)\n    return api.get_invoices(tenant)\n")
    plan = analyse(scan_tree(tmp_path)).plan
    assert plan.keep_until_deadline == {"accounting.transactions"}
    assert {"accounting.transactions", "accounting.invoices.read"} <= plan.request
    assert "accounting.transactions" not in plan.drop


def test_a_path_after_a_scope_list_is_still_the_path(capsys: pytest.CaptureFixture[str],
                                                      tmp_path: Path) -> None:
    body = tmp_path / "e.txt"
    body.write_text('{"Type":null,"Title":"Unauthorized","Status":401,"Detail":"AuthorizationUnsuccessful"}')
    code, out, _ = run(capsys, "diagnose", "--granted", "accounting.settings.read", str(body),
                       "--format", "json")
    assert code == OK and last_json(out)["findings"]
    app = tmp_path / "app"
    app.mkdir()
    (app / "app.py").write_text("from xero_python.accounting import AccountingApi\n"
                                "def go(api: AccountingApi, t):\n    return api.get_invoices(t)\n")
    code, out, _ = run(capsys, "scan", "--requested", "accounting.invoices.read", str(app),
                       "--format", "json")
    data = last_json(out)
    assert code == OK and data["requested"] == ["accounting.invoices.read"] and data["ok"]
    code, _, err = run(capsys, "scan", "--requested", "accounting.invoices.read")
    assert code == USAGE and "give the folder" in err
