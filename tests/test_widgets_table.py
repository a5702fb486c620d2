"""TableState and DataTable: filter, sort, pages, styling, CSV export, errors shown."""

from __future__ import annotations

import pandas as pd
import pytest

from xero_nb.widgets.table import TableState
from xero_nb.widgets.table_view import DataTable, show_table


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
    t.set_filter("nothing-matches-this")
    assert t.status() == "no rows (50 in all)"
    assert "no rows" in t.html()


def test_sort_flips_and_survives_new_frame(frame: pd.DataFrame) -> None:
    t = TableState(frame, page_size=100)
    t.sort_by("path")
    assert t.view()["path"].iloc[0] == "/Things/0"
    t.sort_by("path")
    assert not t.ascending and t.view()["path"].iloc[0] == "/Things/9"
    assert "path ▼" in t.html()
    t.set_frame(frame.iloc[:10])
    assert t.sort_column == "path" and t.view()["path"].iloc[0] == "/Things/9"


def test_bad_sort_column_is_a_notice_not_an_exception(frame: pd.DataFrame) -> None:
    t = TableState(frame)
    t.sort_by("nope")
    assert t.notice[0] == "error" and "no column 'nope'" in t.notice[1]


def test_html_is_styled_and_escaped() -> None:
    t = TableState(pd.DataFrame({"path": ["<script>x</script>"], "allowed": [False]}))
    out = t.html()
    assert "<script>x" not in out and "&lt;script&gt;" in out
    assert 'class="xnb-no"' in out and 'data-allowed="0"' in out
    changed = TableState(pd.DataFrame({"change": ["gained", "lost", "", ""],
                                       "allowed": [True, False, True, False]}))
    out = changed.html()
    for cls in ("xnb-gained", "xnb-lost", "xnb-ok", "xnb-no"):
        assert out.count(f'class="{cls}"') == 1, cls
    plan = TableState(pd.DataFrame({"status": ["kept", "uncertain", "cannot keep"]})).html()
    assert all(f'class="{c}"' in plan for c in ("xnb-ok", "xnb-warn", "xnb-no"))


def test_export_csv(frame: pd.DataFrame, tmp_path) -> None:
    t = TableState(frame, name="cov")
    t.set_filter("api:payroll")
    path = t.export(tmp_path / "out" / "cov.csv")
    text = (tmp_path / "out" / "cov.csv").read_text()
    assert path.endswith("cov.csv") and text.splitlines()[0] == "api,path,required,allowed"
    assert len(text.splitlines()) == 21 and '"a, a.read"' in text
    assert t.notice == ("ok", f"saved 20 rows to {tmp_path / 'out' / 'cov.csv'}")
    assert len(t.to_csv(all_rows=True).splitlines()) == 51


def test_datatable_widget_follows_state(frame: pd.DataFrame, tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    w = show_table(frame, name="things", page_size=10)
    assert isinstance(w, DataTable)
    assert "rows 1-10 of 50" in w.pager.value
    w.filter.value = "api:payroll"
    assert "rows 1-10 of 20" in w.pager.value
    w.next.click()
    assert "rows 11-20 of 20" in w.pager.value
    w.sort.value = "path"
    w.desc.value = True
    assert w.state.sort_column == "path" and not w.state.ascending
    w.export_btn.click()
    assert (tmp_path / "exports" / "things.csv").exists()
    assert "saved 20 rows" in w.notice.value
