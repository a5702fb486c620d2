"""The tables in JupyterLab, in Debian's headless Chromium: header sort, search as you type,
Export as a browser download, and the static copy a notebook shows when reopened without a kernel.

What is checked is what the user reads on the page (cell text, the pager line), never a test hook.
Click-to-redrawn-table latency is measured and written to an artifact (p90), never asserted.
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
import urllib.request
from pathlib import Path

import nbformat
import pytest
from browser_lab import CHROMIUM, CHROMIUM_ARGS, run_all_until_live, running_lab, wait_kernel_ready
from test_browser import LAB_TOKEN, assert_readable, use_theme

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "test-artifacts"
NOTEBOOK = "tables.ipynb"

pytestmark = pytest.mark.browser

SETUP = """\
from xero_nb.catalog.frames import coverage
from xero_nb.widgets import show_table

frame = coverage(["openid", "accounting.settings.read", "accounting.contacts.read"], "broad")
table = show_table(frame.drop(columns=["tag", "tenant_header", "write"]), name="coverage",
                   page_size=25, title="Coverage")
table"""
LAB_NOTEBOOK = "lab.ipynb"  # a Scope Lab on its own, in a fresh kernel: its first scope click is timed
LAB_CELL = """\
from xero_nb.widgets import ScopeLab

ScopeLab()"""
REPORT = """\
from xero_nb.widgets import Connection, ProbePanel

ProbePanel(connection=Connection.auto(env_file=None))"""


@pytest.fixture
def lab(tmp_path: Path):
    work = tmp_path / "work"
    work.mkdir()
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(SETUP), nbformat.v4.new_code_cell(REPORT)]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, work / NOTEBOOK)
    nb.cells = [nbformat.v4.new_code_cell(LAB_CELL)]
    nbformat.write(nb, work / LAB_NOTEBOOK)
    with running_lab(work, tmp_path, LAB_TOKEN) as base:
        yield base, work


def api(base: str, path: str, method: str = "GET") -> object:
    req = urllib.request.Request(f"{base}{path}?token={LAB_TOKEN}", method=method)
    with urllib.request.urlopen(req, timeout=10) as resp:
        body = resp.read()
    return json.loads(body) if body else None


TABLE = ".xnb-table-coverage .xnb-table"
# The table as the user reads it: the header texts and each row's cell texts.
READ_JS = """(sel) => { const t = document.querySelector(sel + ' table');
  const head = [...t.querySelectorAll('thead th')].map(th => th.innerText.replace(/ [▲▼]$/, ''));
  const rows = [...t.querySelectorAll('tbody tr')].map(tr =>
    Object.fromEntries([...tr.querySelectorAll('td')].map((td, i) => [head[i], td.innerText])));
  return {head, rows}; }"""
# Click a header and time, inside the page, until the table shows the other sort direction.
SORT_CLICK_JS = """(col) => new Promise((resolve, reject) => {
  const th = () => document.querySelector('""" + TABLE + """ th[data-col="' + col + '"]');
  const before = th().innerText;
  const start = performance.now();
  const obs = new MutationObserver(() => {
    const now = th();
    if (now && now.innerText !== before) { obs.disconnect(); resolve(performance.now() - start); }
  });
  obs.observe(document.querySelector('.xnb-table-coverage'), {subtree: true, childList: true,
                                                               characterData: true});
  setTimeout(() => { obs.disconnect(); reject(new Error('not redrawn in 10 s')); }, 10000);
  th().click();
})"""


# Click one scope in a Scope Lab and time, inside the page, until the headline the user reads
# (drawn after the coverage table) says something else.
FIRST_SCOPE_JS = """() => new Promise((resolve, reject) => {
  const lab = document.querySelector('.xnb-lab');
  const text = () => lab.querySelector('.xnb-headline-text').innerText;
  const box = lab.querySelector('.xnb-scope-accounting-transactions-read input');
  const before = text();
  const start = performance.now();
  const obs = new MutationObserver(() => {
    if (text() !== before) { obs.disconnect(); resolve(performance.now() - start); }
  });
  obs.observe(lab, {subtree: true, childList: true, characterData: true});
  setTimeout(() => { obs.disconnect(); reject(new Error('not redrawn in 30 s')); }, 30000);
  box.click();
})"""


def read_table(page, sel: str = TABLE) -> tuple[list[str], list[dict[str, str]]]:
    got = page.evaluate(READ_JS, sel)
    return got["head"], got["rows"]


def test_tables_sort_search_export_and_static_copy(lab, tmp_path: Path) -> None:
    from playwright.sync_api import expect, sync_playwright

    base, work = lab
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(viewport={"width": 1400, "height": 1200},
                                          accept_downloads=True)
            context.grant_permissions(["clipboard-read", "clipboard-write"])
            page = context.new_page()
            page.set_default_timeout(60_000)
            page.goto(f"{base}/lab/tree/{NOTEBOOK}?token={LAB_TOKEN}")
            page.wait_for_selector(".jp-Notebook .jp-Cell")
            wait_kernel_ready(page)
            run_all_until_live(page, TABLE)
            expect(page.locator(".xnb-report-panel")).to_be_visible(timeout=90_000)  # cell 2 ran
            wait_kernel_ready(page)  # timings below measure a redraw, not a busy kernel
            # While the live table is there, its static copy is not shown.
            first_static = page.locator(".jp-Cell").first.locator(".xnb-static")
            expect(first_static).to_have_count(1)  # in the notebook, and hidden
            expect(first_static).to_be_hidden()
            head, rows = read_table(page)
            assert head[:5] == ["method", "path", "allowed", "missing", "api"]  # key columns first
            assert len(rows) == 25
            total = int(page.locator(".xnb-pager").first.inner_text().split(" of ")[1].split(" ")[0])
            assert total > 400

            # Sort by clicking a header: the rows the user reads come sorted, then reversed.
            timings = [page.evaluate(SORT_CLICK_JS, "path")]
            expect(page.locator(f"{TABLE} th[data-col=path]")).to_have_text("path ▲")
            paths = [r["path"] for r in read_table(page)[1]]
            assert paths == sorted(paths) and len(set(paths)) > 1
            timings.append(page.evaluate(SORT_CLICK_JS, "path"))
            expect(page.locator(f"{TABLE} th[data-col=path]")).to_have_text("path ▼")
            desc = [r["path"] for r in read_table(page)[1]]
            assert desc == sorted(desc, reverse=True) and desc[0] > paths[0]
            for _ in range(18):  # more clicks, for a latency distribution
                timings.append(page.evaluate(SORT_CLICK_JS, "method"))

            # The key columns stay in view when the table scrolls sideways.
            scroller = page.locator(TABLE)
            first_path = page.locator(f"{TABLE} tbody tr td").nth(1)
            x_before = first_path.bounding_box()["x"]
            scroller.evaluate("(el) => { el.scrollLeft = el.scrollWidth; }")
            page.wait_for_timeout(200)
            assert scroller.evaluate("(el) => el.scrollLeft") > 0
            assert abs(first_path.bounding_box()["x"] - x_before) < 1

            # The keyboard sorts too: a header's button takes the focus, Enter and Space sort,
            # and the focus stays on that header across the redraw (Tab goes on to the next).
            api_head = page.locator(f"{TABLE} th[data-col=api]")
            api_head.locator("button").focus()
            page.keyboard.press("Enter")
            expect(api_head).to_have_text("api ▲")
            apis = [r["api"] for r in read_table(page)[1]]
            assert apis == sorted(apis), apis
            focused = "() => { const e = document.activeElement; const th = e && e.closest('th');" \
                      " return th ? th.innerText : null; }"
            page.wait_for_function(f"() => ({focused})() === 'api ▲'")
            page.keyboard.press(" ")
            expect(api_head).to_have_text("api ▼")
            desc = [r["api"] for r in read_table(page)[1]]
            assert desc == sorted(desc, reverse=True) and desc[0] > apis[0], (apis, desc)
            page.wait_for_function(f"() => ({focused})() === 'api ▼'")
            page.keyboard.press("Tab")
            head_now = read_table(page)[0]
            assert page.evaluate(focused) == head_now[head_now.index("api") + 1]

            # Search as you type: keystrokes, no Enter.
            search = page.locator(".xnb-table-coverage").locator("xpath=ancestor::*[contains("
                                                                   "@class,'xnb-datatable')][1]")
            box = search.locator(".xnb-search input")
            box.click()
            box.type("payroll_nz", delay=30)
            pager = search.locator(".xnb-pager")
            page.wait_for_function(  # the last keystroke's result: every row shown is payroll_nz
                "(sel) => { const t = document.querySelector(sel + ' table');"
                " const h = [...t.querySelectorAll('thead th')].map(th => th.dataset.col);"
                " const rows = [...t.querySelectorAll('tbody tr')];"
                " return rows.length > 0 && rows.every(tr =>"
                " tr.cells[h.indexOf('api')].innerText === 'payroll_nz'); }", arg=TABLE)
            expect(pager).to_contain_text(f"({total} in all)")
            shown = pager.inner_text()
            n_rows = int(shown.split(" of ")[1].split(" ")[0])
            _, rows = read_table(page)
            assert rows and all(r["api"] == "payroll_nz" for r in rows), rows[:3]
            assert 0 < n_rows < total

            # Readable in Light and Dark: every header and cell, the sticky ones included.
            assert assert_readable(page, TABLE, ".xnb-datatable .xnb-pager") > 100
            use_theme(page, "JupyterLab Dark")
            assert assert_readable(page, TABLE, ".xnb-datatable .xnb-pager") > 100
            page.screenshot(path=str(ARTIFACTS / "tables_live_dark.png"), full_page=True)
            use_theme(page, "JupyterLab Light")

            # Export: a download in the browser, of the rows shown; nothing written on the server.
            before_files = sorted(p.name for p in work.iterdir())
            with page.expect_download() as info:
                search.locator("button.xnb-export-csv").click()
            download = info.value
            assert download.suggested_filename == "coverage.csv"
            saved = tmp_path / "downloaded.csv"
            download.save_as(saved)
            table = list(csv.reader(io.StringIO(saved.read_text(encoding="utf-8"))))
            assert table[0][:3] == ["method", "path", "allowed"]
            assert len(table) - 1 == n_rows and all(r[table[0].index("api")] == "payroll_nz"
                                                     for r in table[1:])
            expect(search.locator(".xnb-download a")).to_have_count(0)  # the link (and bytes) went
            expect(search.locator(".xnb-msg-ok")).to_contain_text("coverage.csv")
            assert sorted(p.name for p in work.iterdir() if p.name != ".ipynb_checkpoints") == \
                [n for n in before_files if n != ".ipynb_checkpoints"]
            page.screenshot(path=str(ARTIFACTS / "tables_live.png"), full_page=True)

            # Report: rendered in the page, downloaded as Markdown, copied; nothing token-shaped.
            panel = page.locator(".xnb-report-panel")
            panel.locator("button.xnb-report-button").click()
            expect(panel.locator(".xnb-report-body h1")).to_be_visible()
            with page.expect_download() as info:
                panel.locator("button.xnb-report-export-md").click()
            report_md = tmp_path / "report.md"
            info.value.save_as(report_md)
            assert info.value.suggested_filename == "xero-report.md"
            md = report_md.read_text(encoding="utf-8")
            assert md.startswith("# ") and "Demo Company" in md
            assert not re.search(r"eyJ[\w-]{8,}\.[\w-]{8,}", md)  # no JWT (the token is one)
            panel.locator("button.xnb-report-copy-md").click()
            page.wait_for_function("() => document.querySelector('.xnb-report-copy-md')"
                                   ".dataset.copied === '1'")
            assert page.evaluate("() => navigator.clipboard.readText()") == md

            # The static copy follows the table (debounced): the last results, not the first.
            page.wait_for_function(
                "() => { const s = document.querySelector('.xnb-static');"
                " return s && s.textContent.includes('payroll_nz') && "
                "!s.querySelector('tbody').textContent.includes('accounting'); }")
            page.keyboard.press("Control+s")
            page.wait_for_function(
                "() => !window.jupyterapp.shell.currentWidget.context.model.dirty")
            page.close()

            # The first scope click in a fresh kernel: a Scope Lab in a notebook of its own.
            page = context.new_page()
            page.set_default_timeout(60_000)
            page.goto(f"{base}/lab/tree/{LAB_NOTEBOOK}?reset&token={LAB_TOKEN}")
            page.wait_for_selector(".jp-Notebook .jp-Cell")
            wait_kernel_ready(page)
            run_all_until_live(page, ".xnb-lab .xnb-headline-text")
            headline = page.locator(".xnb-lab .xnb-headline-text")
            wait_kernel_ready(page)
            before_headline = headline.inner_text()
            assert "+0 gained" in before_headline
            first_scope_ms = page.evaluate(FIRST_SCOPE_JS)
            expect(page.locator(".xnb-lab .xnb-scope-accounting-transactions-read input")) \
                .to_be_checked()
            expect(headline).to_contain_text("+50 gained")
            page.keyboard.press("Control+s")  # saved: its tab closes without asking
            page.wait_for_function(
                "() => !window.jupyterapp.shell.currentWidget.context.model.dirty")
            page.evaluate("() => window.jupyterapp.commands.execute('application:close-all')")
            expect(page.locator(".jp-NotebookPanel")).to_have_count(0)  # reopened alone below
        finally:
            browser.close()

    # Reopen without a kernel: none is running, and the page may start none (its requests to
    # start one are refused, as when the user picks "No Kernel" or the kernel cannot start).
    for session in api(base, "/api/sessions"):  # type: ignore[union-attr]
        api(base, f"/api/sessions/{session['id']}", "DELETE")
    assert api(base, "/api/kernels") == []
    nb = nbformat.read(work / NOTEBOOK, as_version=4)
    assert any("xnb-static" in str(o.get("data", {}).get("text/html", ""))
               for o in nb.cells[0].outputs)
    assert "widgets" not in nb.metadata  # no saved widget state: only the static copy can show

    def refuse_kernels(route) -> None:
        if route.request.method == "POST":
            route.fulfill(status=503, body="no kernel in this test")
        else:
            route.continue_()

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1200})
            page.set_default_timeout(60_000)
            page.route("**/api/sessions**", refuse_kernels)
            page.route("**/api/kernels**", refuse_kernels)
            page.goto(f"{base}/lab/tree/{NOTEBOOK}?reset&token={LAB_TOKEN}")  # that notebook alone
            page.wait_for_selector(".jp-Notebook .jp-Cell")
            static = page.locator(".jp-Cell").first.locator(".xnb-static")
            expect(static).to_be_visible()
            assert api(base, "/api/kernels") == []
            head, rows = read_table(page, ".xnb-static .xnb-static-table")
            assert head[:3] == ["method", "path", "allowed"] and len(rows) == n_rows
            assert all(r["api"] == "payroll_nz" for r in rows)
            expect(static).to_contain_text(f"{n_rows} of {total} rows")
            for stuck in ("Error displaying widget", "Loading widget"):  # hidden beside each copy
                for found in page.get_by_text(stuck).all():
                    expect(found).to_be_hidden()
            ok = page.locator(".jp-Dialog .jp-mod-accept")  # "Error Starting Kernel": refused above
            if ok.count():
                ok.first.click()
            page.screenshot(path=str(ARTIFACTS / "tables_static.png"), full_page=True)
        finally:
            browser.close()

    ordered = sorted(timings)
    p90 = ordered[math.ceil(0.9 * len(ordered)) - 1]  # nearest rank
    (ARTIFACTS / "browser_tables_timing.json").write_text(json.dumps(
        {"click_to_redrawn_table_ms": [round(t, 1) for t in timings], "p90_ms": round(p90, 1),
         "clicks": len(timings), "first_scope_click_fresh_kernel_ms": round(first_scope_ms, 1)}))
    # recorded, never asserted (no wall-clock checks)
