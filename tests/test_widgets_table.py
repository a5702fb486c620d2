"""TableState and DataTable: search, header sort, pages, key columns, full text, downloads, static copies."""

from __future__ import annotations

import base64
import io
import re
import zipfile
from html.parser import HTMLParser
from xml.etree import ElementTree

import pandas as pd
import pytest

from xero_nb.redact import REDACTED
from xero_nb.widgets import export
from xero_nb.widgets.table import TableState
from xero_nb.widgets.table_html import KEY_WIDTHS, LONG
from xero_nb.widgets.table_view import BRIDGE_JS, DataTable, StaticCopy, show_table

JWT = "eyJhbGciOiJSUzI1NiJ9." + "eyJzdWIiOiIxMjM0NTY3ODkwIn0" + ".c2lnbmF0dXJlc2lnbmF0dXJl"


@pytest.fixture
def frame() -> pd.DataFrame:
    return pd.DataFrame({
        "api": ["accounting"] * 30 + ["payroll_nz"] * 20,
        "path": [f"/Things/{i}" for i in range(50)],
        "required": [frozenset({"a.read", "a"})] * 50,
        "allowed": [i % 2 == 0 for i in range(50)],
    })


def test_pages_and_status(frame: pd.DataFrame) -> None:
    t = TableState(frame, name="cov", page_size=20)
    assert t.pages == 3
    assert len(t.page_frame()) == 20
    t.next_page()
    t.next_page()
    t.next_page()  # clamped
    assert t.page == 2 and len(t.page_frame()) == 10
    assert t.status() == "rows 41-50 of 50 · page 3/3"
    t.prev_page()
    assert t.page == 1


def test_filter_words_and_columns(frame: pd.DataFrame) -> None:
    t = TableState(frame, page_size=100)
    t.set_filter("api:payroll")
    assert len(t.view()) == 20 and t.page == 0
    t.set_filter("things/1")
    assert set(t.view()["path"]) == {"/Things/1", *(f"/Things/{i}" for i in range(10, 20))}
    t.set_filter("allowed:false api:accounting")
    assert len(t.view()) == 15
    assert "of 15 (50 in all)" in t.status()
    t.set_filter("a.read")  # a set cell is searched as the text shown ("a, a.read")
    assert len(t.view()) == 50
    t.set_filter("nothing-matches-this")
    assert t.status() == "no rows (50 in all)"
    assert "no rows" in t.html()


def test_sort_flips_and_survives_new_frame(frame: pd.DataFrame) -> None:
    t = TableState(frame, page_size=100)
    t.sort_by("path")
    assert t.view()["path"].iloc[0] == "/Things/0"
    t.sort_by("path")
    assert not t.ascending and t.view()["path"].iloc[0] == "/Things/9"
    assert "path ▼" in t.html() and 'aria-sort="descending"' in t.html()
    t.set_frame(frame.iloc[:10])
    assert t.sort_column == "path" and t.view()["path"].iloc[0] == "/Things/9"


def test_headers_are_sort_commands(frame: pd.DataFrame) -> None:
    t = TableState(frame, page_size=100)
    heads = re.findall(r'<th[^>]*data-cmd="sort:([^"]+)"', t.html())
    assert heads == t.columns == ["path", "allowed", "api", "required"]
    t.command("sort:allowed|k1")
    assert t.sort_column == "allowed" and t.ascending
    assert list(t.view()["allowed"])[:25] == [False] * 25
    t.command("sort:allowed|k2")  # the same header again: reversed
    assert not t.ascending and bool(t.view()["allowed"].iloc[0]) is True
    t.command("page:next|k3")
    assert t.page == 0  # one page of 100 rows: nothing after it
    t.command("sort:nope|k4")
    assert t.notice[0] == "error" and "no column 'nope'" in t.notice[1]
    t.command("rm -rf /|k5")
    assert t.notice[0] == "error" and "unknown table command" in t.notice[1]


def test_key_columns_first_and_sticky() -> None:
    cov = pd.DataFrame({"change": [""], "api": ["accounting"], "method": ["GET"],
                        "path": ["/Invoices"], "operation_id": ["getInvoices"],
                        "allowed": [False], "missing": ["accounting.invoices.read"],
                        "source": ["spec"]})
    t = TableState(cov)
    assert t.columns == ["change", "method", "path", "allowed", "missing", "api", "operation_id",
                         "source"]
    lefts = t.sticky()
    assert list(lefts) == ["change", "method", "path", "allowed", "missing"]
    assert lefts["method"] == KEY_WIDTHS["change"]
    assert lefts["missing"] == sum(KEY_WIDTHS[c] for c in ("change", "method", "path", "allowed"))
    out = t.html()
    key_cells = re.findall(r'<td class="(xnb-key[^"]*)" style="left:([\d.]+)em', out)
    assert [float(x) for _, x in key_cells] == list(lefts.values())
    assert key_cells[-1][0] == "xnb-key xnb-key-last"
    assert '<td>accounting</td>' in out  # the rest scroll
    assert TableState(cov, key_columns=()).columns == list(cov.columns)


def test_long_cells_have_their_full_text_on_hover_and_wrap() -> None:
    claim = "Xero's page says accounting.invoices.read grants GET /Invoices and the overlay agrees " * 2
    t = TableState(pd.DataFrame({"path": ["/Invoices"], "source": [claim], "n": [1]}))
    out = t.html()
    assert f'title="{claim.replace(chr(39), "&#x27;")}"' in out and "xnb-long" in out
    assert out.count(claim.replace("'", "&#x27;")) == 2  # the cell and its hover text: nothing cut
    assert 'class="xnb-table"' in out
    t.set_wrap(True)
    assert 'class="xnb-table xnb-wrap"' in t.html()
    assert len("short") <= LONG and "<td title=" not in TableState(pd.DataFrame({"a": ["short"]})).html()


def test_html_is_styled_and_escaped() -> None:
    t = TableState(pd.DataFrame({"path": ["<script>x</script>"], "allowed": [False]}))
    out = t.html()
    assert "<script>x" not in out and "&lt;script&gt;" in out
    assert 'class="xnb-no"' in out and 'data-allowed="0"' in out
    changed = TableState(pd.DataFrame({"change": ["gained", "lost", "", ""],
                                       "allowed": [True, False, True, False]}))
    out = changed.html()
    for cls in ("xnb-gained", "xnb-lost", "xnb-ok", "xnb-no"):
        assert out.count(f'<tr class="{cls}"') == 1, cls
    plan = TableState(pd.DataFrame({"status": ["kept", "uncertain", "cannot keep"]})).html()
    assert all(f'class="{c}"' in plan for c in ("xnb-ok", "xnb-warn", "xnb-no"))


def _csv_of(d: export.Download) -> list[str]:
    return d.data.decode("utf-8").split("\r\n")


def test_download_csv_is_a_browser_file_never_a_server_write(frame: pd.DataFrame, tmp_path,
                                                              monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    t = TableState(frame, name="cov")
    t.set_filter("api:payroll")
    t.sort_by("path", ascending=False)
    seen: list[str] = []
    t.subscribe(seen.append)
    d = t.download("csv", nonce="n1")
    assert d is t.pending and d.filename == "cov.csv" and d.mime == "text/csv" and d.rows == 20
    lines = _csv_of(d)
    assert lines[0] == "path,allowed,api,required" and lines[1].startswith("/Things/49,False,")
    assert len([x for x in lines if x]) == 21 and '"a, a.read"' in lines[1]
    assert "download" in seen and list(tmp_path.iterdir()) == []  # nothing on the server
    link = export.link_html(d)
    assert 'download="cov.csv"' in link and 'data-nonce="n1"' in link
    assert base64.b64decode(link.split("base64,")[1].split('"')[0]) == d.data
    t.downloaded("someone-else")
    assert t.pending is d
    t.downloaded("n1")
    assert t.pending is None and t.notice == ("ok", "cov.csv (20 rows, "
                                               f"{d.size} B) went to your browser's downloads")
    t.set_filter("api:accounting")  # the notice spoke of other rows: it goes
    assert t.notice == ("", "")
    t.download("csv")
    t.sort_by("api")  # an unsaved link of other rows goes too
    assert t.pending is None
    assert t.download("pdf") is None and "export to one of csv, xlsx" in t.notice[1]


def test_to_csv_writes_only_where_asked_and_never_over_a_file(frame: pd.DataFrame, tmp_path) -> None:
    t = TableState(frame)
    target = tmp_path / "out" / "t.csv"
    text = t.to_csv(target)
    assert target.read_bytes().decode("utf-8") == text and len(text.splitlines()) == 51
    t.set_filter("api:payroll")
    with pytest.raises(FileExistsError, match="overwrite=True"):
        t.to_csv(target)
    assert len(target.read_text(encoding="utf-8").splitlines()) == 51  # untouched
    t.to_csv(target, overwrite=True)
    assert len(target.read_text(encoding="utf-8").splitlines()) == 21


def test_downloads_are_redacted_and_formula_safe() -> None:
    t = TableState(pd.DataFrame({"cause": [f"Authorization: Bearer {JWT}", "=HYPERLINK(1)"],
                                 "n": [1, 2]}), name="probe")
    csv = t.download("csv").data.decode()
    assert JWT not in csv and REDACTED in csv and "'=HYPERLINK(1)" in csv
    xlsx = t.download("xlsx").data
    assert JWT.encode() not in xlsx
    with zipfile.ZipFile(io.BytesIO(xlsx)) as z:
        names = set(z.namelist())
        sheet = ElementTree.fromstring(z.read("xl/worksheets/sheet1.xml"))
    assert {"[Content_Types].xml", "xl/workbook.xml", "xl/worksheets/sheet1.xml"} <= names
    ns = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
    rows = sheet.findall(".//m:row", ns)
    texts = [[(c.get("r"), c.get("t"), "".join(c.itertext())) for c in r] for r in rows]
    assert texts[0] == [("A1", "inlineStr", "cause"), ("B1", "inlineStr", "n")]
    assert texts[1][0][2].startswith("Authorization: Bearer") and JWT not in texts[1][0][2]
    assert texts[2] == [("A3", "inlineStr", "=HYPERLINK(1)"), ("B3", None, "2")]  # text, never a formula
    assert sheet.find(".//m:f", ns) is None


def test_datatable_widget_follows_state(frame: pd.DataFrame, tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    w = show_table(frame, name="things", page_size=10)
    assert isinstance(w, DataTable) and isinstance(w, StaticCopy)
    assert "rows 1-10 of 50" in w.pager.value
    assert w.filter.continuous_update  # search as you type
    w.filter.value = "api:payroll"
    assert "rows 1-10 of 20" in w.pager.value
    w.next.click()
    assert "rows 11-20 of 20" in w.pager.value
    w.cmd.value = "sort:path|a1"  # what a header click writes
    assert w.state.sort_column == "path" and w.state.ascending
    w.cmd.value = "sort:path|a2"
    assert not w.state.ascending and "path ▼" in w.body.value
    assert 'onclick="' in w.body.value and 'data-cmd="sort:api"' in w.body.value
    assert 'data-cmd="export:csv"' in w.tools.value and 'data-cmd="export:xlsx"' in w.tools.value
    w.cmd.value = "export:xlsx|b1"
    assert 'download="things.xlsx"' in w.download.value and 'data-nonce="b1"' in w.download.value
    assert list(tmp_path.iterdir()) == []
    w.cmd.value = "downloaded|b1"
    assert w.download.value == "" and "things.xlsx (20 rows" in w.notice.value
    w.filter.value = "api:acc"
    assert w.notice.value == ""  # no stale "saved N rows"
    w.wrap.value = True
    assert "xnb-wrap" in w.body.value


def test_static_copy_shows_the_tables_as_they_are(frame: pd.DataFrame, monkeypatch) -> None:
    w = show_table(frame.assign(note=["t " + JWT] * 50), name="things", page_size=10,
                   title="Things")
    w.state.set_filter("api:payroll")
    w.state.sort_by("path", ascending=False)
    out = w.static_html()
    assert 'class="xnb-static"' in out and "<b>Things</b>" in out
    assert "onclick" not in out and "<script" not in out and JWT not in out
    assert out.count("<tr") == 21 and "20 of 50 rows" in out
    assert out.index("/Things/49") < out.index("/Things/30")
    shown: list = []

    class Handle:
        def update(self, obj) -> None:
            shown.append(("update", obj.data))

    def display(obj, raw=False, display_id=None):
        shown.append(("display", obj))
        return Handle() if display_id else None

    monkeypatch.setattr("IPython.display.display", display)
    w._ipython_display_()
    (kind, static), (kind2, bundle) = shown
    assert (kind, kind2) == ("display", "display")
    assert static.data == out and "application/vnd.jupyter.widget-view+json" in bundle
    w.state.set_filter("api:accounting")
    w._static_timer.join()
    assert shown[-1][0] == "update" and "30 of 50 rows" in shown[-1][1]


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def _tags(fragment: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = _Tags()
    parser.feed(fragment)
    parser.close()
    return parser.tags


def test_the_only_script_is_the_constant_bridge_and_links_hold_only_files() -> None:
    dq = '" onmouseover="alert(3)" x="'
    hostile = pd.DataFrame({dq: ["<img src=x onerror=alert(1)>", "=1+1"], "allowed": [True, False]})
    w = show_table(hostile, name=dq + "name", title="<script>alert(2)</script>")
    w.cmd.value = f"sort:{dq}|h1"
    w.cmd.value = "export:csv|h2"
    htmls = [w.body.value, w.tools.value, w.download.value, w.notice.value, w.static_html()]
    handlers = [(tag, name, value) for h in htmls for tag, attrs in _tags(h)
                for name, value in attrs.items() if name.startswith("on")]
    assert handlers and all(name == "onclick" and value == BRIDGE_JS for _, name, value in handlers)
    assert not any(tag in ("img", "script") for h in htmls for tag, _ in _tags(h))
    links = [attrs for tag, attrs in _tags(w.download.value) if tag == "a"]
    assert len(links) == 1 and (links[0]["href"] or "").startswith("data:text/csv;base64,")
    assert links[0]["download"] == dq + "name.csv"  # escaped in the markup, the name as given
    assert "onclick" not in w.static_html()  # a static copy runs nothing


def test_static_copy_refreshes_once_per_burst_on_the_kernel_loop(frame: pd.DataFrame,
                                                                  monkeypatch) -> None:
    import asyncio
    import threading

    from xero_nb.widgets import table_view

    monkeypatch.setattr(table_view, "STATIC_DELAY", 0)
    updates: list[tuple[str, str]] = []

    class Handle:
        def update(self, obj) -> None:
            updates.append((threading.current_thread().name, obj.data))

    monkeypatch.setattr("IPython.display.display",
                        lambda obj, raw=False, display_id=None: Handle() if display_id else None)
    w = show_table(frame, name="things")

    async def run() -> None:
        w._ipython_display_()
        w.state.set_filter("api:payroll")  # a burst of three changes ...
        w.state.sort_by("path")
        other = threading.Thread(target=w.state.next_page)  # ... one from another thread
        other.start()
        other.join()
        for _ in range(500):
            await asyncio.sleep(0.01)
            if updates:
                break
        await asyncio.sleep(0.05)

    asyncio.run(run())
    assert len(updates) == 1  # ... one refresh
    thread, html = updates[0]
    assert thread == threading.main_thread().name and "20 of 50 rows; sorted by path" in html


def test_headers_hold_a_button_the_keyboard_presses(frame: pd.DataFrame) -> None:
    """Each sortable header holds a real button with the header's command: Tab reaches it and
    Enter or Space press it, so the keyboard sorts through the same one click handler."""
    t = TableState(frame, page_size=5)
    tags = _tags(t.html())
    buttons = [a for tag, a in tags if tag == "button"]
    heads = [a for tag, a in tags if tag == "th"]
    assert [b["data-cmd"] for b in buttons] == [h["data-cmd"] for h in heads] == \
        [f"sort:{c}" for c in t.columns]
    assert all(b["type"] == "button" and b["class"] == "xnb-sort" for b in buttons)
    t.sort_by("api")
    assert 'title="sort by api (again: reverse)"' in t.html()
    assert "<button" not in t.static_html()  # a static copy sorts nothing
    assert "document.activeElement===t" in BRIDGE_JS and "b.focus()" in BRIDGE_JS
