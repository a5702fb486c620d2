"""What an analyst found in the Lab in a real browser (trial 19): the Probe tab judged in the Scopes
tab's what-if era, Reset left the era, a failed scan showed a half-full bar, a cancelled probe's bar
read full, Xero's raw dates, the paste summary denying a pasted token, and the Connect tab's scopes
box lagging a re-consent."""

from __future__ import annotations

import importlib
import warnings

import pytest

from xero_nb.diagnose import diagnose
from xero_nb.widgets.call_values import body_frame, xero_date
from xero_nb.widgets.connection import Connection
from xero_nb.widgets.connection_view import ConnectPanel
from xero_nb.widgets.explorer import ExplorerState
from xero_nb.widgets.pasted import paste_context
from xero_nb.widgets.probe import ProbeState
from xero_nb.widgets.scan import ScanState


@pytest.fixture()
def granular() -> Connection:
    conn = Connection.auto(demo_app="pkce", demo_scopes=["accounting.settings.read", "accounting.contacts.read"],
                           env_file=None)
    assert conn.token is not None and conn.era == "granular"
    return conn


def test_the_probe_judges_in_the_apps_era_not_the_what_if_one(granular: Connection) -> None:
    granular.scopes.set_era("broad")  # the Scopes tab exploring: no effect on a probe
    state = ProbeState(granular)
    assert state.era() == "granular"
    assert state.run() is not None and "in the app's granular era" in state.notice[1]


def test_reset_goes_back_to_the_tokens_scopes_and_era_and_says_so(granular: Connection) -> None:
    explorer = ExplorerState(granular.scopes, granular)
    with warnings.catch_warnings():  # (the broad era's note on granular scopes: the exploration's own)
        warnings.simplefilter("ignore")
        granular.scopes.set_era("broad")
        granular.scopes.set_whatif(granular.scopes.granted | {"accounting.invoices.read"})
    explorer.reset()
    assert granular.scopes.era == "granular" and granular.scopes.whatif == granular.scopes.granted
    assert explorer.notice[0] == "info" and "judged in its own granular era" in explorer.notice[1]


def test_a_scan_that_fails_inside_says_so_in_words_and_empties_the_bar(tmp_path: object,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    engine = importlib.import_module("xero_nb.scan.engine")

    def broken(path: object, progress: object = None, exclude: object = ()) -> object:
        progress(1, 3, "a.py")  # type: ignore[operator]
        raise AttributeError("'ScanResult' object has no attribute 'dynamic'")

    monkeypatch.setattr(engine, "scan_tree", broken)
    state = ScanState(path=str(tmp_path))
    assert state.run() is None
    assert (state.done, state.total, state.running) == (0, 0, False)
    kind, text = state.notice
    assert kind == "error" and text.startswith("The scan stopped after 1 of 3 files and judged nothing")


def test_a_cancelled_probes_bar_counts_the_probes_made(granular: Connection) -> None:
    state = ProbeState(granular)
    progress = state._progress

    def cancel_early(done: int, total: int, result: object) -> None:
        progress(done, total, result)
        if done == 2:
            state.cancel()

    state._progress = cancel_early  # type: ignore[method-assign]
    report = state.run()
    assert report is not None and report.cancelled
    made = sum(1 for r in report.results if r.call is not None)
    assert state.done == made < state.total


def test_xeros_json_dates_read_as_dates_in_the_response_table() -> None:
    assert xero_date("/Date(1788393600000+0000)/") == "2026-09-03"
    assert xero_date("/Date(1788400000000+1300)/") == "2026-09-03 14:46:40"
    assert xero_date("/Date(nope)/") == "/Date(nope)/" and xero_date(7) == 7
    frame = body_frame({"Invoices": [{"DueDate": "/Date(1788393600000+0000)/", "Total": 5}]})
    assert frame is not None and frame.loc[0, "DueDate"] == "2026-09-03" and frame.loc[0, "Total"] == 5


def test_a_pasted_token_without_readable_scopes_is_said_to_be_there() -> None:
    pasted = ("GET /api.xro/2.0/Invoices HTTP/1.1\nAuthorization: Bearer abcdefghijklmnop1234567890\n\n"
              'HTTP/1.1 401 Unauthorized\n{"error": "InsufficientPermissions"}')
    said = paste_context(diagnose(text=pasted), {}, False).scopes
    assert "the paste holds a token (redacted)" in said and "no token in the paste" not in said
    assert "abcdefghijklmnop" not in said


def test_the_connect_tabs_scopes_box_follows_a_reconsent(granular: Connection) -> None:
    panel = ConnectPanel(granular)
    granular.reconsent(sorted(granular.token.scopes | {"accounting.invoices.read"}))
    assert "accounting.invoices.read" in panel.scopes.value.split()


def test_what_is_drawn_can_be_read_and_clicked(granular: Connection) -> None:
    """The consent link looks like one and says to click it; every organisation shows in the Probe
    list; buttons are not white on orange; labels are never cut."""
    from xero_nb.widgets.probe_view import ProbePanel
    from xero_nb.widgets.render import TABLE_CSS

    panel = ConnectPanel(granular)
    assert panel.disconnect.button_style == "danger"
    granular.pending_url = "http://127.0.0.1:1/identity/connect/authorize?x=1"
    panel.redraw("notice")
    assert "xnb-consent-open" in panel.link.value and "click it if no browser tab opened" in panel.link.value
    assert ".xnb-consent-open{" in TABLE_CSS and "text-decoration:underline" in TABLE_CSS
    probe = ProbePanel(ProbeState(granular))
    assert probe.tenants.rows == len(granular.tenants) == len(probe.tenants.options)
