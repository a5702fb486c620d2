"""The Report button: the redacted ticket report over a real probe on the simulator, copied and downloaded."""

from __future__ import annotations

import base64
import re

import pytest

from xero_nb.redact import REDACTED
from xero_nb.report import Report
from xero_nb.simulator import XeroSimulator
from xero_nb.widgets.connection import Connection
from xero_nb.widgets.probe import ProbeState
from xero_nb.widgets.probe_view import ProbePanel
from xero_nb.widgets.report_button import ReportState, secrets_of
from xero_nb.widgets.report_button_view import ReportButton
from xero_nb.widgets.scope_state import ScopeState


@pytest.fixture
def conn() -> Connection:
    c = Connection(ScopeState())
    c.use_simulator(simulator=XeroSimulator(limits=False))
    c.sign_in()
    assert c.notice[0] == "ok", c.notice
    return c


def widget_texts(w) -> str:
    """Every string value in the widget tree's synced state: what a saved notebook could hold."""
    out = []
    stack = [w]
    while stack:
        x = stack.pop()
        for name in x.keys:
            v = getattr(x, name)
            if isinstance(v, str):
                out.append(v)
        stack += [c for c in getattr(x, "children", ()) or ()]
    return "\n".join(out)


def test_probe_panel_report_is_redacted_copyable_and_downloadable(conn: Connection) -> None:
    st = ProbeState(conn)
    panel = ProbePanel(st)
    st.run()
    assert st.report is not None
    secrets = secrets_of(conn.token)
    assert secrets and all(len(s) > 20 for s in secrets)
    rb = panel.report
    assert isinstance(rb, ReportButton)
    rb.button.click()
    rep = rb.state.report
    assert rep is not None and rb.state.notice[0] == "ok"
    assert "Demo Company" in rep.markdown and "<h1>" in rep.html
    assert re.search(r"\| *GET *\|", rep.markdown) or "probe" in rep.markdown.lower()
    shown = widget_texts(rb)
    for secret in secrets:  # nowhere: report, preview, sources to copy, widget state
        assert secret not in rep.markdown and secret not in rep.html and secret not in shown
        assert secret[-16:] not in shown
    assert 'data-copy="md"' in rb.body.value and 'data-copy="html"' in rb.body.value
    assert 'data-cmd="copy:md"' in rb.body.value and 'data-cmd="export:html"' in rb.body.value
    rb.cmd.value = "export:md|r1"
    link = rb.download.value
    assert 'download="xero-report.md"' in link and 'data-nonce="r1"' in link
    data = base64.b64decode(link.split("base64,")[1].split('"')[0]).decode()
    assert data == rep.markdown
    rb.cmd.value = "downloaded|r1"
    assert rb.download.value == "" and "xero-report.md went to your browser" in rb.notice.value
    rb.cmd.value = "export:html|r2"
    page = base64.b64decode(rb.download.value.split("base64,")[1].split('"')[0]).decode()
    assert page.startswith("<!doctype html>") and rep.html in page
    rb.cmd.value = "format:c|r3"
    assert rb.state.notice[0] == "error" and "unknown report command" in rb.state.notice[1]


def test_a_secret_the_builder_lets_through_is_still_redacted(conn: Connection) -> None:
    token = conn.token
    raw = secrets_of(token)[0]
    bearer = "".join(chr(ord("a") + i % 26) for i in range(32))  # built here: no token in the file

    def leaky(**kwargs) -> Report:  # a report builder that forgot to scrub
        return Report("t", f"token {raw} and Bearer {bearer}", f"<p>{raw}</p>")

    st = ReportState(lambda: {"token": token}, build=leaky)
    rep = st.render()
    assert rep is not None and raw not in rep.markdown and raw not in rep.html
    assert REDACTED in rep.markdown and bearer not in rep.markdown


def test_download_before_render_builds_the_report_and_bad_forms_are_refused() -> None:
    st = ReportState(lambda: {"text": "HTTP/1.1 403 Forbidden\n{\"Type\":\"AuthorizationUnsuccessful\"}"})
    d = st.download("html")
    assert d is not None and d.filename == "xero-report.html" and st.report is not None
    assert st.download("pdf") is None and "one of md, html" in st.notice[1]
