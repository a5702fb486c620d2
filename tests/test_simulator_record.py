"""The simulator's call record: a bounded ring of the last calls, with every credential masked."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sim_spy import Spy

import xero_nb.simulator as simulator_package
from xero_nb.cli import main as cli_main
from xero_nb.http import Client
from xero_nb.simulator import SimulatorError, XeroSimulator
from xero_nb.simulator.core import RECORD_DEFAULT

ACCOUNTS = "https://api.xero.com/api.xro/2.0/Accounts"


def call(sim: XeroSimulator, token: dict[str, Any], times: int = 1, url: str = ACCOUNTS) -> None:
    headers = {"Authorization": "Bearer " + token["access_token"],
               "xero-tenant-id": sim.tenants[0].tenant_id}
    with Client(transport=sim.transport()) as http:
        for i in range(times):
            assert http.get(url, params={"page": str(i)}, headers=headers).status_code == 200


def test_the_record_keeps_only_the_last_n_calls() -> None:
    sim = XeroSimulator(limits=False, record_calls=3)
    tok = sim.issue_token(scopes=["accounting.settings.read"])
    call(sim, tok, times=5)
    assert sim.max_calls == 3 and sim.record_calls
    assert [req.url.params["page"] for req, _ in sim.calls] == ["2", "3", "4"]
    sim.max_calls = 2  # shrinking keeps the newest
    assert [req.url.params["page"] for req, _ in sim.calls] == ["3", "4"]


def test_by_default_a_simulator_records_a_bounded_number_of_calls() -> None:
    sim = XeroSimulator(limits=False)
    assert sim.record_calls and sim.max_calls == RECORD_DEFAULT > 0
    sim.max_calls = 4
    call(sim, sim.issue_token(scopes=["accounting.settings.read"]), times=6)
    assert len(sim.calls) == 4


@pytest.mark.parametrize("off", [False, 0])
def test_recording_can_be_off_from_the_start_or_later(off: bool | int) -> None:
    sim = XeroSimulator(limits=False, record_calls=off)
    tok = sim.issue_token(scopes=["accounting.settings.read"])
    call(sim, tok, times=2)
    assert sim.calls == [] and not sim.record_calls and sim.max_calls == 0
    sim.record_calls = True
    call(sim, tok)
    assert len(sim.calls) == 1 and sim.max_calls == RECORD_DEFAULT
    sim.record_calls = False
    call(sim, tok)
    assert sim.calls == []


def test_a_negative_size_is_refused() -> None:
    with pytest.raises(SimulatorError, match="record_calls"):
        XeroSimulator(record_calls=-1)


def test_the_record_is_a_copy_callers_cannot_grow() -> None:
    sim = XeroSimulator(limits=False, record_calls=2)
    call(sim, sim.issue_token(scopes=["accounting.settings.read"]))
    sim.calls.clear()
    assert len(sim.calls) == 1


def test_bearer_tokens_are_masked_in_the_record_not_on_the_wire() -> None:
    sim = XeroSimulator(limits=False)
    tok = sim.issue_token(scopes=["accounting.settings.read"])
    call(sim, tok)  # the simulator accepted the real header
    (req, resp), = sim.calls
    recorded = req.headers["authorization"]
    assert tok["access_token"] not in recorded
    assert recorded.startswith("Bearer ") and recorded.endswith(tok["access_token"][-4:])
    assert resp.status_code == 200 and req.headers["xero-tenant-id"] == sim.tenants[0].tenant_id


def test_token_endpoint_secrets_are_masked_in_the_record() -> None:
    sim = XeroSimulator(limits=False)
    app = sim.apps["web"]
    first = sim.issue_token(scopes=["offline_access", "accounting.settings.read"])
    with Client(transport=sim.transport()) as http:
        answer = http.post("https://identity.xero.com/connect/token", auth=(
            app.client_id, app.client_secret or ""), data={
            "grant_type": "refresh_token", "refresh_token": first["refresh_token"],
            "client_secret": app.client_secret or ""})
    fresh = answer.json()
    assert answer.status_code == 200 and fresh["access_token"]  # the client got real tokens
    (req, resp), = sim.calls
    seen = req.content + resp.content + str(req.headers.multi_items()).encode()
    for secret in (first["refresh_token"], app.client_secret or "", fresh["access_token"],
                   fresh["refresh_token"]):
        assert secret.encode() not in seen
    assert b"grant_type=refresh_token" in req.content  # what tests look for is still there
    assert resp.json()["token_type"] == "Bearer"
    assert int(req.headers["content-length"]) == len(req.content)
    assert int(resp.headers["content-length"]) == len(resp.content)


# -- the commands that serve the simulator ------------------------------------------------


@pytest.fixture
def spy(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> type[Spy]:
    Spy.made = []
    monkeypatch.setattr(simulator_package, "XeroSimulator", Spy)
    monkeypatch.setattr("xero_nb.simulator.sim.XeroSimulator", Spy)
    monkeypatch.chdir(tmp_path)
    return Spy


def _serve_twice_then_stop(monkeypatch: pytest.MonkeyPatch) -> None:
    """While ``xero-nb simulator`` serves, two calls arrive over the socket; then Ctrl-C."""
    import xero_nb.cli.simulator as live

    class Clock:
        @staticmethod
        def sleep(seconds: float) -> None:
            sim = Spy.made[-1]
            with Client(trust_env=False, timeout=10) as http:
                for _ in range(2):
                    http.get(sim.server.url + "/connections",
                             headers={"Authorization": "Bearer some-token-value-1234"})
            raise KeyboardInterrupt

    monkeypatch.setattr(live, "time", Clock)


@pytest.mark.parametrize(("argv", "kept"), [((), 0), (("--record", "1"), 1),
                                           (("--record", "5"), 2)])
def test_the_simulator_command_records_only_when_asked(
        spy: type[Spy], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
        argv: tuple[str, ...], kept: int) -> None:
    _serve_twice_then_stop(monkeypatch)
    assert cli_main(["simulator", "--port", "0", *argv]) == 0
    sim = spy.made[-1]
    assert len(sim.calls) == kept
    assert all("some-token-value-1234" not in req.headers["authorization"] for req, _ in sim.calls)
    capsys.readouterr()


def test_the_simulator_command_refuses_a_negative_record(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        cli_main(["simulator", "--record", "-1"])
    err = capsys.readouterr().err
    assert exc.value.code == 2 and "--record" in err and "not -1" in err


def test_simulator_main_records_nothing_unless_asked(spy: type[Spy]) -> None:
    import io

    simulator_package.main(port=0, out=io.StringIO(), block=False)
    assert spy.made[-1].max_calls == 0
    simulator_package.main(port=0, out=io.StringIO(), block=False, record=7)
    assert spy.made[-1].max_calls == 7


def test_python_m_simulator_refuses_a_negative_record_size() -> None:
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-m", "xero_nb.simulator", "--record", "-1"],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and "--record takes a count of calls" in done.stderr
