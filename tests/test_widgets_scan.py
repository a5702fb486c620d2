"""The Scan tab: ScanState headless on the fixture app and the simulator, and the ScanPanel over it."""

from __future__ import annotations

from pathlib import Path

import pytest

from xero_nb.catalog.scopes import OIDC_SCOPES
from xero_nb.simulator import XeroSimulator
from xero_nb.widgets import ScanPanel, ScanState
from xero_nb.widgets.connection import Connection
from xero_nb.widgets.lab import LabState
from xero_nb.widgets.lab_view import ScopeLab
from xero_nb.widgets.scan import PROGRESS_STEPS
from xero_nb.widgets.scope_state import ScopeState

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "scan"
SAMPLE = FIXTURES / "sample_app"
BROAD = {"accounting.contacts.read", "accounting.settings.read", "accounting.transactions"}
GRANULAR = {"accounting.contacts.read", "accounting.invoices", "accounting.payments",
            "accounting.settings.read"}


def _conn(app: str = "web") -> Connection:
    c = Connection(ScopeState())
    c.use_simulator(app=app, simulator=XeroSimulator(limits=False))
    c.sign_in()
    assert c.notice[0] == "ok", c.notice
    return c


@pytest.fixture
def conn() -> Connection:
    return _conn()


def test_scan_of_the_fixture_app_with_progress() -> None:
    st = ScanState(path=SAMPLE, era="mixed")
    seen: list[tuple[int, int, str]] = []
    st.subscribe(lambda what: seen.append((st.done, st.total, st.current)) if what == "progress" else None)
    report = st.run()
    assert report is not None and st.notice[0] == "ok", st.notice
    assert "8 Xero call site(s) in 3 file(s)" in st.notice[1]
    # started at 0/0, then one update per file (3 files), then the end
    assert seen[0] == (0, 0, "") and (1, 3, ".env.example") in seen and seen[-1][:2] == (3, 3)
    assert not st.running and st.progress_text().startswith("3/3 files")
    calls = st.calls.frame
    assert len(calls) == 8 and set(calls["file"]) == {"app.py", "webhooks.js"}
    row = calls[calls["operation"] == "accounting.createPayments"].iloc[0]
    # mixed era: the narrow granular scope, not the wide deprecated accounting.transactions
    assert (row["file"], row["line"], row["scopes"]) == ("webhooks.js", 15, "accounting.payments")


def test_calls_grouped_by_file_and_by_scope() -> None:
    st = ScanState(path=SAMPLE, era="mixed")
    st.run()
    files = st.files.frame.set_index("file")
    assert list(files.index) == [".env.example", "app.py", "webhooks.js"]
    assert files.loc["app.py", "calls"] == 6 and files.loc["webhooks.js", "calls"] == 2
    assert files.loc[".env.example", "calls"] == 0 and files.loc[".env.example", "findings"] == 1
    assert "accounting.createPayments" in files.loc["webhooks.js", "operations"]
    scopes = st.scopes.frame.set_index("scope")
    assert set(scopes.index) == GRANULAR | {"(any valid token)"}
    assert scopes.loc["accounting.invoices", "calls"] == 3
    assert scopes.loc["accounting.payments", "files"] == "webhooks.js"
    assert scopes.loc["(any valid token)", "operations"] == "identity.getConnections"
    # another era is another grouping, without scanning again
    result = st.result
    st.set_era("granular")
    assert st.result is result and st.report.era == "granular"
    scopes = st.scopes.frame.set_index("scope")
    assert set(scopes.index) == GRANULAR | {"(any valid token)"}
    assert scopes.loc["accounting.invoices", "calls"] == 3
    assert scopes.loc["accounting.payments", "files"] == "webhooks.js"


def test_findings_least_privilege_and_plan() -> None:
    st = ScanState(path=SAMPLE, era="mixed")
    st.run()
    findings = st.findings.frame
    assert findings[["kind", "file", "line"]].values.tolist() == [["wider_scope", ".env.example", 5]]
    assert st.report.least["broad"] == BROAD and st.report.least["granular"] == GRANULAR
    plan = st.plan.frame.set_index("operation")
    assert plan.loc["accounting.createPayments", "after"] == "accounting.payments"
    assert plan.loc["accounting.createPayments", "status"] == "kept"
    html = st.summary_html()
    assert "accounting.invoices" in html and "Least privilege" in html and "drop" in html


def test_a_call_the_requested_scopes_do_not_grant_is_an_error(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("XERO_SCOPES=openid offline_access accounting.settings.read\n")
    (tmp_path / "sync.py").write_text(
        "from xero_python.accounting import AccountingApi\n\n\n"
        "def pull(api_client, tenant_id):\n"
        "    return AccountingApi(api_client).get_invoices(tenant_id)\n")
    st = ScanState(path=tmp_path, era="broad")
    st.run()
    assert st.notice[0] == "error" and "1 call(s) the requested scopes do not grant" in st.notice[1]
    missing = st.findings.frame[st.findings.frame["kind"] == "missing_scope"]
    assert missing[["file", "line"]].values.tolist() == [["sync.py", 5]]
    assert st.files.frame.set_index("file").loc["sync.py", "findings"] == 1


def test_progress_on_a_large_tree_is_bounded_and_ends_at_the_total(tmp_path: Path) -> None:
    for i in range(1000):
        (tmp_path / f"m{i:04}.py").write_text(f"VALUE = {i}\n")
    (tmp_path / "z_call.py").write_text(
        "from xero_python.accounting import AccountingApi\n"
        "AccountingApi(client).get_accounts(tenant)\n")
    st = ScanState(path=tmp_path)
    counts: list[int] = []
    st.subscribe(lambda what: counts.append(st.done) if what == "progress" else None)
    st.run()
    assert st.done == st.total == 1001 and counts[-1] == 1001
    assert counts == sorted(counts) and 10 < len(counts) <= PROGRESS_STEPS + 3
    assert st.calls.frame["operation"].tolist() == ["accounting.getAccounts"]


def test_cancel_stops_between_files(tmp_path: Path) -> None:
    for i in range(50):
        (tmp_path / f"m{i:02}.py").write_text("x = 1\n")
    st = ScanState(path=tmp_path)
    asked: list[int] = []  # cancel once, at the fifth file of the first scan
    st.subscribe(lambda what: (asked.append(1), st.cancel())
                 if what == "progress" and st.running and st.done == 5 and not asked else None)
    assert st.run() is None
    assert st.report is None and not st.running and st.done == 5
    assert st.notice == ("info", "Cancelled after 5 of 50 files.")
    st.run()  # a cancel does not stick to the next scan
    assert st.report is not None and st.done == 50


def test_background_scan() -> None:
    st = ScanState(path=SAMPLE)
    st.start()
    st.wait(60)
    assert st.report is not None and len(st.calls.frame) == 8


def test_picking_a_folder(tmp_path: Path) -> None:
    st = ScanState(path=FIXTURES)
    assert "sample_app" in st.folders() and "traps" in st.folders()
    st.enter("sample_app")
    assert st.path == str(SAMPLE) and st.folders() == []
    st.up()
    assert st.path == str(FIXTURES)
    st.set_path(tmp_path / "nope")
    assert st.notice[0] == "error" and "no such file or folder" in st.notice[1] and st.path == str(FIXTURES)
    st.set_path("https://github.com/example/app.git")
    assert st.notice[0] == "error" and "local folders" in st.notice[1] and st.path == str(FIXTURES)
    st.enter("not-here")
    assert st.notice[0] == "error" and st.path == str(FIXTURES)
    st.enter(None)  # the picker emptying itself: nothing happens
    assert st.path == str(FIXTURES)


def test_authorize_with_exactly_these_scopes_on_the_simulator(conn: Connection) -> None:
    st = ScanState(conn, path=SAMPLE)
    assert st.era == "mixed" == conn.era  # the connection's era
    st.authorize()
    assert st.notice[0] == "error" and "scan a folder first" in st.notice[1]
    st.run()
    assert st.authorize_scopes() == GRANULAR | OIDC_SCOPES
    token = st.authorize()
    assert token is conn.token and st.notice[0] == "ok", st.notice
    assert conn.scopes.granted == GRANULAR | OIDC_SCOPES == set(conn.token.scopes)


def test_authorize_asks_in_the_connections_era_not_the_viewed_one() -> None:
    conn = _conn("pkce")  # an app created after March 2026: granular only
    st = ScanState(conn, path=SAMPLE)
    st.run()
    assert st.era == "granular"
    st.set_era("broad")  # look at the broad era; the app still signs in granular
    assert st.report.era == "broad" and st.authorize_era() == "granular"
    st.authorize()
    assert st.notice[0] == "ok", st.notice
    assert conn.scopes.granted == GRANULAR | OIDC_SCOPES


def test_era_follows_the_connection_until_chosen(conn: Connection) -> None:
    st = ScanState(conn, path=SAMPLE)
    st.run()
    conn.use_simulator(app="pkce")
    assert st.era == "granular" and st.report.era == "granular"
    st.set_era("mixed")
    conn.use_simulator(app="web")
    conn.use_simulator(app="pkce")
    assert st.era == "mixed"


def test_authorize_without_a_connection_is_a_notice() -> None:
    st = ScanState(path=SAMPLE)
    st.run()
    assert st.authorize() is None
    assert st.notice[0] == "error" and "no connection" in st.notice[1]


def test_views() -> None:
    st = ScanState(path=SAMPLE)
    st.set_view("scopes")
    assert st.table() is st.scopes
    st.set_view("nope")
    assert st.notice[0] == "error" and st.view == "scopes"


def test_panel_handlers_call_the_controller(conn: Connection) -> None:
    st = ScanState(conn, path=FIXTURES)
    panel = ScanPanel(st)
    assert "sample_app" in panel.folders.options and panel.auth_btn.disabled
    panel.folders.value = "sample_app"
    assert st.path == str(SAMPLE) and panel.path.value == str(SAMPLE)
    panel.up_btn.click()
    assert st.path == str(FIXTURES)
    panel.path.value = str(SAMPLE)
    assert st.path == str(SAMPLE)
    panel.scan_btn.click()
    st.wait(60)
    panel.redraw("progress")  # the thread's last redraw may race the test's read
    assert panel.bar.value == panel.bar.max == 3 and panel.bar.description == "3/3"
    assert "call site(s) in 3 file(s)" in panel.notice.value and not panel.auth_btn.disabled
    assert 'data-table="scan_calls"' in panel.body.children[0].body.value
    panel.view.value = "files"
    assert st.view == "files" and panel.body.children == (panel.tables["files"],)
    assert 'data-rows="3"' in panel.tables["files"].body.value
    panel.era.value = "broad"
    assert st.era == "broad" and "accounting.transactions" in panel.tables["scopes"].body.value
    panel.auth_btn.click()
    assert conn.scopes.granted == GRANULAR | OIDC_SCOPES  # the connection's era (mixed), not the view's
    assert "exactly the scanned scopes" in panel.notice.value


def test_panel_shows_a_scan_already_run() -> None:
    st = ScanState(path=SAMPLE)
    st.run()
    panel = ScanPanel(st)
    assert panel.bar.description == "3/3" and "8</b> call site(s)" in panel.summary.value
    assert "call site(s)" in panel.notice.value


def test_hostile_names_are_escaped(tmp_path: Path) -> None:
    bad = tmp_path / '<img src=x onerror="alert(1)">'
    bad.mkdir()
    (bad / "<b>x<i>.py").write_text(
        "from xero_python.accounting import AccountingApi\n"
        "AccountingApi(client).get_accounts(tenant)  # <script>alert(1)</script>\n")
    st = ScanState(path=bad)
    panel = ScanPanel(st)
    assert "<img" not in panel.summary.value and "&lt;img" in panel.summary.value
    panel.scan_btn.click()
    st.wait(60)
    body = panel.tables["calls"].body.value
    assert "&lt;b&gt;x&lt;i&gt;.py" in body and "<script>" not in body and "<b>x" not in body


def test_the_lab_has_a_scan_tab_on_the_shared_connection(conn: Connection) -> None:
    lab = ScopeLab(LabState(conn, scan_path=str(SAMPLE)), tab="Scan")
    titles = [lab.tabs.get_title(i) for i in range(len(lab.tabs.children))]
    assert titles[-1] == "Scan" and lab.tabs.selected_index == 5
    assert lab.scan.state is lab.state.scan and lab.state.scan.connection is conn
    lab.scan.scan_btn.click()
    lab.state.scan.wait(60)
    lab.scan.auth_btn.click()
    assert conn.scopes.granted == GRANULAR | OIDC_SCOPES
    assert "8 scopes granted" in lab._banner.value  # the whole lab follows the re-consent
