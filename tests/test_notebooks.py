"""Every notebook runs offline on the simulator and leaks no token or secret (how long they take is
for the benchmarks, not asserted here). Offline is enforced, not hoped for: each kernel starts
with a guard that lets sockets reach loopback only and refuses every name lookup but localhost."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from xero_nb.simulator import XeroSimulator

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
NAMES = sorted(p.name for p in NOTEBOOKS.glob("*.ipynb"))
EXPECTED = ["00_quickstart.ipynb", "01_authenticate.ipynb", "02_endpoint_catalog.ipynb",
            "03_scope_coverage.ipynb", "04_what_if_and_least_privilege.ipynb",
            "05_retest_and_diagnose.ipynb", "06_multi_tenant_probe.ipynb", "07_scan_your_code.ipynb"]
JWT = re.compile(r"eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*")
LONG_SECRETISH = re.compile(r"(?<![A-Za-z0-9_-])[A-Za-z0-9_-]{40,}(?![A-Za-z0-9_-])")


def token_like(word: str) -> bool:
    """Long, and mixing many digits and letters: a refresh token, a key (not an operationId)."""
    if word.startswith("IPY_MODEL_"):  # widget model ids
        return False
    digits = sum(c.isdigit() for c in word)
    letters = sum(c.isalpha() for c in word)
    return digits >= 8 and letters >= 8


def test_token_like() -> None:
    assert token_like("91cdffb0358ce9f31982aa1e8b0f37c5d2c0a6e4b1f9d8c7a6b5e4d3c2b1a0f9e")
    assert not token_like("updateBankTransactionAttachmentByFileName")
    assert not token_like("xnb-scope-accounting-reports-tenninetynine-read")


# Imported by every Python process started with its folder first on PYTHONPATH (the kernels
# here): connect, connect_ex and sendto reach loopback and Unix sockets only, and name lookups
# other than localhost fail, each refusal written to $NB_OFFLINE_LOG before the OSError.
GUARD = textwrap.dedent("""
    import errno, ipaddress, os, socket

    _LOG = os.environ.get("NB_OFFLINE_LOG")

    def _note(line):
        if _LOG:
            with open(_LOG, "a", encoding="utf-8") as fh:
                fh.write(line + "\\n")

    def _loopback_host(host):
        if host is None or str(host).lower() in ("localhost", "localhost."):
            return True
        try:
            return ipaddress.ip_address(str(host).split("%")[0]).is_loopback
        except ValueError:
            return False

    def _refuse(what, target):
        _note(f"refused {what} {target!r}")
        raise OSError(errno.ENETUNREACH, f"offline test: {what} {target!r} refused (loopback only)")

    def _guard(name, where):
        real = getattr(socket.socket, name)
        def guarded(self, *args):
            address = args[where]
            if self.family != getattr(socket, "AF_UNIX", None) and not _loopback_host(address[0]):
                _refuse(name, address)
            return real(self, *args)
        setattr(socket.socket, name, guarded)

    for _name, _where in (("connect", 0), ("connect_ex", 0), ("sendto", -1)):
        _guard(_name, _where)

    def _lookup(real):
        def guarded(host, *args, **kw):
            try:
                ipaddress.ip_address(str(host).split("%")[0])  # a literal address: no lookup
            except ValueError:
                if not _loopback_host(host):
                    _refuse(real.__name__, host)
            return real(host, *args, **kw)
        return guarded

    for _name in ("getaddrinfo", "gethostbyname", "gethostbyname_ex"):
        setattr(socket, _name, _lookup(getattr(socket, _name)))
    _note(f"guarded {os.getpid()}")
""")


def offline_env(folder: Path) -> dict[str, str]:
    """Environment variables under which a new Python process can reach loopback only."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "sitecustomize.py").write_text(GUARD, encoding="utf-8")
    path = os.pathsep.join(p for p in (str(folder), os.environ.get("PYTHONPATH")) if p)
    return {"PYTHONPATH": path, "NB_OFFLINE_LOG": str(folder / "network.log")}


def test_the_offline_guard_refuses_the_network_and_lets_loopback_through(tmp_path: Path) -> None:
    env = offline_env(tmp_path / "guard")
    probe = textwrap.dedent("""
        import socket, sys
        refused = []
        for attempt in (lambda: socket.create_connection(("192.0.2.1", 443), timeout=5),
                        lambda: socket.create_connection(("2001:db8::1", 443), timeout=5),
                        lambda: socket.getaddrinfo("api.xero.com", 443),
                        lambda: socket.gethostbyname("identity.xero.com"),
                        lambda: socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b"x", ("192.0.2.1", 53))):
            try:
                attempt()
            except OSError as exc:
                refused.append("offline test" in str(exc))
        server = socket.create_server(("127.0.0.1", 0))
        with socket.create_connection(server.getsockname(), timeout=5):  # loopback: allowed
            server.accept()[0].close()
        print(refused)
    """)
    run = subprocess.run([sys.executable, "-c", probe], env=os.environ | env, capture_output=True,
                         text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == str([True] * 5)
    log = Path(env["NB_OFFLINE_LOG"]).read_text().splitlines()
    assert log[0].startswith("guarded ") and len([x for x in log if x.startswith("refused")]) == 5
    assert "sitecustomize" not in sys.modules or not hasattr(sys.modules["sitecustomize"], "_refuse")


@pytest.fixture(scope="module")
def offline(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    return offline_env(tmp_path_factory.mktemp("offline"))


@pytest.fixture(scope="module")
def executed(tmp_path_factory: pytest.TempPathFactory,
             offline: dict[str, str]) -> dict[str, nbformat.NotebookNode]:
    work = tmp_path_factory.mktemp("notebooks")
    home = tmp_path_factory.mktemp("home")
    saved = dict(os.environ)
    # Offline: no XERO_ variable, no .env, no profile from the user's config folder.
    for key in [k for k in os.environ if k.startswith("XERO_")]:
        del os.environ[key]
    os.environ["XDG_CONFIG_HOME"] = str(home / "config")
    os.environ["XDG_DATA_HOME"] = str(home / "data")
    os.environ["XDG_STATE_HOME"] = str(home / "state")
    os.environ.update(offline)  # the kernels reach loopback only
    out = {}
    try:
        for name in NAMES:
            shutil.copy(NOTEBOOKS / name, work / name)
            nb = nbformat.read(work / name, as_version=4)
            # timeout: a safety net per cell, so a hung kernel fails the run instead of stalling it
            NotebookClient(nb, timeout=60, kernel_name="python3", allow_errors=False,
                           store_widget_state=True,
                           resources={"metadata": {"path": str(work)}}).execute()
            out[name] = nb
    finally:
        os.environ.clear()
        os.environ.update(saved)
    return out


def test_the_eight_notebooks_exist() -> None:
    assert NAMES == EXPECTED
    assert (NOTEBOOKS / "README.md").read_text().count(".ipynb") >= len(EXPECTED)


@pytest.mark.parametrize("name", EXPECTED)
def test_committed_clean(name: str) -> None:
    nb = nbformat.read(NOTEBOOKS / name, as_version=4)
    nbformat.validate(nb)
    assert nb.metadata["kernelspec"]["name"] == "python3"
    first = nb.cells[0]
    assert first.cell_type == "markdown" and first.source.startswith("# ")
    purpose = [line for line in first.source.splitlines()[1:] if line.strip()]
    assert 2 <= len(purpose) <= 3, purpose
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None
            assert not re.search(r"^\s*(async\s+def|def|class)\s", cell.source, re.M), cell.source
    assert "widgets" not in nb.metadata


def test_all_run_offline(executed, offline: dict[str, str]) -> None:
    # Each ran to the end without an error (allow_errors=False); their run time is benchmarked.
    assert sorted(executed) == EXPECTED
    # Each in a kernel that had the network guard, and none tried to leave the machine (a
    # refusal a notebook caught and hid still shows here).
    log = Path(offline["NB_OFFLINE_LOG"]).read_text(encoding="utf-8").splitlines()
    assert len([line for line in log if line.startswith("guarded ")]) >= len(EXPECTED), log
    assert not [line for line in log if line.startswith("refused ")], log
    for name, nb in executed.items():
        code = [c for c in nb.cells if c.cell_type == "code"]
        assert code and all(c.execution_count is not None for c in code), name


@pytest.mark.parametrize("name", EXPECTED)
def test_outputs_say_simulator_and_have_no_errors(executed, name: str) -> None:
    nb = executed[name]
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            assert out.output_type != "error", out
            if out.output_type == "stream" and out.name == "stderr":
                assert "Traceback" not in out.text and "Warning" not in out.text, out.text
            if out.output_type == "stream":  # a reader sees words, never a bare None or nan
                assert not re.search(r"(?::|=)[ \t]*(?:None|nan)[ \t]*$", out.text, re.MULTILINE), out.text
    text = json.dumps(nb)
    if name not in ("02_endpoint_catalog.ipynb", "04_what_if_and_least_privilege.ipynb"):
        assert "simulator" in text.lower()


@pytest.mark.parametrize("name", EXPECTED)
def test_no_token_or_secret_in_outputs_or_widget_state(executed, name: str) -> None:
    nb = executed[name]
    sim = XeroSimulator()
    sentinels = [app.client_secret for app in sim.apps.values() if app.client_secret]
    text = json.dumps({"cells": [c.get("outputs", []) for c in nb.cells],
                       "metadata": nb.metadata})
    for secret in sentinels:
        assert secret not in text, "a demo app's client secret reached the notebook"
    assert not JWT.findall(text), JWT.findall(text)[:3]
    hits = [h for h in LONG_SECRETISH.findall(text) if token_like(h)]
    assert not hits, hits[:5]


def test_quickstart_shows_the_lab_and_a_diagnosed_401(executed) -> None:
    nb = executed["00_quickstart.ipynb"]
    text = json.dumps(nb)
    assert "application/vnd.jupyter.widget-view+json" in text
    assert "-> 401" in text and "missing_scope" in text
    assert "accounting.transactions.read" in text


def test_python3_kernel_is_this_environments() -> None:
    """`make lab` and nbclient start the venv's kernel (env paths win over the user's)."""
    import sys

    from jupyter_client.kernelspec import KernelSpecManager

    spec = KernelSpecManager().get_kernel_spec("python3")
    # Inside this environment (its share/jupyter, or ipykernel's own resources), and started
    # with this interpreter ("python" is replaced by sys.executable when launched).
    assert Path(spec.resource_dir).resolve().is_relative_to(Path(sys.prefix).resolve()), \
        spec.resource_dir
    assert spec.argv[0] in ("python", "python3", sys.executable), spec.argv


def _texts(nb: nbformat.NotebookNode, index: int) -> str:
    """Everything cell ``index`` printed or displayed, as text."""
    return json.dumps(nb.cells[index].get("outputs", []))


def test_panels_show_what_ran_before_them(executed) -> None:
    """A panel built on a state that already ran shows its result, grid and notice."""
    nb = executed["06_multi_tenant_probe.ipynb"]
    state = json.dumps(nb.metadata["widgets"])
    assert "xnb-probe-grid" in state and "probes over" in state
    assert re.search(r'"description": "(\d+)/\1"', state) and '"description": "0/0"' not in state
    nb = executed["05_retest_and_diagnose.ipynb"]
    state = json.dumps(nb.metadata["widgets"])
    assert "Xero-Correlation-Id" in state and "limits left" in state
    nb = executed["04_what_if_and_least_privilege.ipynb"]
    assert "Granular era with the plan" in json.dumps(nb.metadata["widgets"])


def test_migration_plan_gives_expense_claims_their_own_status(executed) -> None:
    nb = executed["04_what_if_and_least_privilege.ipynb"]
    counts = _texts(nb, 5)
    assert "'no granular scope': 12" in counts and "classicexpenses" not in counts
    assert "No granular scope: 12 endpoint(s) (reachable through `accounting.transactions`" in _texts(nb, 4)


def test_notebook_05_reads_an_sdk_exception_as_text_and_as_an_object(executed) -> None:
    shown = _texts(executed["05_retest_and_diagnose.ipynb"], 8)
    # xero-python comes with the test extras: the exception is the SDK's own, from a real call
    assert "xero-python raised HTTPStatusException" in shown and "not installed" not in shown
    assert "from the printout: ['tenant_header_missing'" in shown or "from the printout: ['tenant_not_connected'" in shown
    assert "tenant id sent: ['tenant_not_connected']" in shown
    assert "from xero-node's JSON.stringify(err): ['tenant_not_connected'" in shown


def test_notebook_05_says_the_evidence_settles_only_the_top_cause(executed) -> None:
    shown = _texts(executed["05_retest_and_diagnose.ipynb"], 6)
    assert "tenant_header_missing" in shown  # a less likely cause, still listed
    assert "the evidence settles the top cause (missing_scope)" in shown and "settle it" not in shown


def test_notebook_05_runs_where_xero_python_is_not_installed(tmp_path: Path, offline: dict[str, str],
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """xero-python is a test dependency only: without it the cell says so and shows an object of the
    same shape (the kernel's sitecustomize hides the package, after the offline guard)."""
    guard = tmp_path / "guard"
    env = offline_env(guard)
    with (guard / "sitecustomize.py").open("a", encoding="utf-8") as fh:
        fh.write('\nimport sys\nsys.modules["xero_python"] = None  # as if not installed\n')
    for key in [k for k in os.environ if k.startswith("XERO_")]:
        monkeypatch.delenv(key)
    for name in ("CONFIG", "DATA", "STATE"):
        monkeypatch.setenv(f"XDG_{name}_HOME", str(tmp_path / name.lower()))
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    nb = nbformat.read(NOTEBOOKS / "05_retest_and_diagnose.ipynb", as_version=4)
    NotebookClient(nb, timeout=60, kernel_name="python3", allow_errors=False,
                   resources={"metadata": {"path": str(tmp_path)}}).execute()
    shown = _texts(nb, 8)
    assert "xero-python is not installed: showing an object of the same shape" in shown
    assert "tenant id sent: ['tenant_not_connected']" in shown
    assert not [line for line in Path(env["NB_OFFLINE_LOG"]).read_text().splitlines()
                if line.startswith("refused ")]


def test_probe_statuses_are_whole_numbers(executed) -> None:
    nb = executed["06_multi_tenant_probe.ipynb"]
    shown = _texts(nb, 2)
    assert " 200" in shown and "200.0" not in shown and "NaN" not in shown
    # a reader sees words where there is no answer, and the era of the app (mixed), not a guess
    assert "&lt;NA&gt;" not in shown and "<NA>" not in shown and "None" not in shown
    assert "(mixed era)" in shown and "'era'" not in shown  # a sentence, not a raw dict


def test_report_diagnoses_the_failure_with_the_token_it_was_sent_with(executed) -> None:
    nb = executed["05_retest_and_diagnose.ipynb"]
    report = _texts(nb, 9)
    assert "| diagnosis | missing_scope |" in report
    # every failure's diagnosis is shown in full (the report is not cut short)
    assert report.count("### Diagnosis: ") == 2 and report.count("Reproduce (credentials") == 2
    # The token section is the one the 401 was sent with (before re-consenting).
    granted = re.search(r"\| scopes granted \| ([^|]*) \|", report)
    assert granted and "accounting.transactions.read" not in granted.group(1)


def test_notebook_07_scans_the_fixture_app_and_authorizes_exactly_its_scopes(executed) -> None:
    nb = executed["07_scan_your_code.ipynb"]
    calls = _texts(nb, 1)
    assert "8 call site(s)" in calls and "createPayments" in calls and "webhooks.js" in calls
    plan = _texts(nb, 2)
    assert "least privilege, granular: accounting.contacts.read accounting.invoices accounting.payments" in plan
    assert "Drop: `accounting.contacts accounting.transactions`" in plan
    by_scope = _texts(nb, 5)
    # mixed era: grouped by the narrow granular scopes, not the wide deprecated one
    assert "accounting.invoices" in by_scope and "accounting.transactions" not in by_scope
    assert "(any valid token)" in by_scope
    assert "wider_scope" in _texts(nb, 6)
    authorized = _texts(nb, 8)
    assert "Re-consented with exactly the scanned scopes: accounting.contacts.read " in authorized
    assert "granted == scanned: True" in authorized
    state = json.dumps(nb.metadata["widgets"])
    assert "xnb-scan-summary" in state and '"description": "3/3"' in state
