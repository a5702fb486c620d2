"""A paginated, sortable, filterable table over a DataFrame, rendered as styled HTML."""

from __future__ import annotations

from collections.abc import Iterable
from numbers import Number
from pathlib import Path
from typing import Any

import pandas as pd

from xero_nb.markup import CSV_LINE_END, csv_cell, el, fmt, join
from xero_nb.widgets.notice import Noticed, guarded
from xero_nb.widgets.render import cell_text

# Row classes, from the first of `change`, `allowed`, `verdict`, `status` that says something.
_ROW_CLASS = {
    ("change", "gained"): "xnb-gained",
    ("change", "lost"): "xnb-lost",
    ("allowed", True): "xnb-ok",
    ("allowed", False): "xnb-no",
    ("verdict", "match"): "xnb-ok",
    ("verdict", "mismatch"): "xnb-no",
    ("verdict", "inconclusive"): "xnb-warn",
    ("status", "kept"): "xnb-ok",
    ("status", "uncertain"): "xnb-warn",
    ("status", "cannot keep"): "xnb-no",
}


class TableState(Noticed):
    """Sort, filter and page a DataFrame; the widget only shows ``html()``.

    >>> t = TableState(pd.DataFrame({"a": [2, 1]}), name="demo")
    >>> t.sort_by("a"); list(t.view()["a"])
    [1, 2]
    """

    def __init__(self, frame: pd.DataFrame | None = None, *, name: str = "table",
                 page_size: int = 25, hidden: Iterable[str] = ()) -> None:
        super().__init__()
        self.name = name
        self.page_size = page_size
        self.hidden = tuple(hidden)
        self.filter_text = ""
        self.sort_column: str | None = None
        self.ascending = True
        self.page = 0
        self._frame = pd.DataFrame()
        self._haystack: pd.Series | None = None
        self._view: pd.DataFrame | None = None
        self.set_frame(frame if frame is not None else pd.DataFrame())

    # -- data -------------------------------------------------------------------
    @property
    def frame(self) -> pd.DataFrame:
        return self._frame

    def set_frame(self, frame: pd.DataFrame) -> None:
        """Replace the data, keeping sort, filter and (where it still exists) the page."""
        self._frame = frame.reset_index(drop=True)
        self._haystack = None
        self._view = None
        if self.sort_column not in self._frame.columns:
            self.sort_column = None
        self.page = min(self.page, max(self.pages - 1, 0))
        self._notify("table")

    @property
    def columns(self) -> list[str]:
        return [c for c in self._frame.columns if c not in self.hidden]

    # -- controls ---------------------------------------------------------------
    def set_filter(self, text: str) -> None:
        """Keep rows containing every word of ``text``; ``col:value`` matches one column."""
        self.filter_text = text.strip()
        self._view = None
        self.page = 0
        self._notify("table")

    @guarded
    def sort_by(self, column: str | None, ascending: bool | None = None) -> None:
        """Sort by ``column``; sorting by the same column again flips the direction."""
        if column in (None, ""):
            self.sort_column = None
        elif column not in self._frame.columns:
            raise KeyError(f"no column {column!r} in {self.name}; columns: {self.columns}")
        elif ascending is not None:
            self.sort_column, self.ascending = column, ascending
        elif column == self.sort_column:
            self.ascending = not self.ascending
        else:
            self.sort_column, self.ascending = column, True
        self._view = None
        self._notify("table")

    @property
    def pages(self) -> int:
        n = len(self.view())
        return max((n + self.page_size - 1) // self.page_size, 1)

    def set_page(self, page: int) -> None:
        """Go to page ``page`` (0-based), clamped to the pages there are."""
        self.page = min(max(int(page), 0), self.pages - 1)
        self._notify("table")

    def next_page(self) -> None:
        self.set_page(self.page + 1)

    def prev_page(self) -> None:
        self.set_page(self.page - 1)

    # -- views ------------------------------------------------------------------
    def _hay(self) -> pd.Series:
        if self._haystack is None:
            text = self._frame.astype(str)
            self._haystack = text.agg(" ".join, axis=1).str.lower() if len(text.columns) else \
                pd.Series([""] * len(self._frame), dtype=str)
        return self._haystack

    def _mask(self) -> pd.Series:
        mask = pd.Series(True, index=self._frame.index)
        for word in self.filter_text.lower().split():
            col, sep, value = word.partition(":")
            if sep and value:
                match = [c for c in self._frame.columns if c.lower() == col]
                if match:
                    cells = self._frame[match[0]].map(cell_text).str.lower()
                    mask &= cells.str.contains(value, regex=False)
                    continue
            mask &= self._hay().str.contains(word, regex=False)
        return mask

    def view(self) -> pd.DataFrame:
        """The filtered, sorted rows (all pages)."""
        if self._view is None:
            view = self._frame[self._mask()] if self.filter_text else self._frame
            if self.sort_column is not None:
                key = view[self.sort_column].map(cell_text) \
                    if view[self.sort_column].dtype == object else view[self.sort_column]
                order = key.sort_values(ascending=self.ascending, kind="stable").index
                view = view.loc[order]
            self._view = view
        return self._view

    def page_frame(self) -> pd.DataFrame:
        """The rows on the current page."""
        start = self.page * self.page_size
        return self.view().iloc[start:start + self.page_size]

    def status(self) -> str:
        """"rows 1-25 of 120 (477 in all)": what the pager shows."""
        n, total = len(self.view()), len(self._frame)
        if not n:
            return f"no rows ({total} in all)" if total else "no rows"
        start = self.page * self.page_size
        stop = min(start + self.page_size, n)
        more = f" ({total} in all)" if n != total else ""
        return f"rows {start + 1}-{stop} of {n}{more} · page {self.page + 1}/{self.pages}"

    def html(self) -> str:
        """The current page as a styled HTML table (escaped; no scripts)."""
        page = self.page_frame()
        cols = self.columns
        head = join(el("th", c, self._arrow(c), data_col=c) for c in cols)
        rows = []
        for rec in page.to_dict("records"):
            cls = self._row_class({str(k): v for k, v in rec.items()})
            rows.append(el("tr", join(el("td", cell_text(rec[c])) for c in cols), class_=cls))
        body = join(rows) or el("tr", el("td", "no rows", colspan=max(len(cols), 1)))
        view = self.view()
        allowed = int(view["allowed"].astype(bool).sum()) if "allowed" in view.columns else None
        return el("div", fmt("<table><thead><tr>{}</tr></thead><tbody>{}</tbody></table>", head, body),
                  class_="xnb-table", data_table=self.name, data_rows=len(view), data_allowed=allowed)

    def _arrow(self, col: str) -> str:
        if col != self.sort_column:
            return ""
        return " ▲" if self.ascending else " ▼"

    @staticmethod
    def _row_class(rec: dict[str, Any]) -> str:
        for key in ("change", "allowed", "verdict", "status"):
            if key in rec:
                value = bool(rec[key]) if key == "allowed" else rec[key]
                cls = _ROW_CLASS.get((key, value))
                if cls:
                    return cls
        return ""

    # -- export -----------------------------------------------------------------
    @guarded
    def export(self, path: str | Path | None = None) -> str:
        """Save the filtered rows as CSV (default ``exports/<name>.csv``); returns the path."""
        target = Path(path) if path is not None else Path("exports") / f"{self.name}.csv"
        self.to_csv(target)
        self.tell(f"saved {len(self.view())} rows to {target}", "ok")
        return str(target)

    def to_csv(self, path: str | Path | None = None, *, all_rows: bool = False) -> str:
        """The filtered rows (or all rows) as CSV text, formulas neutralised; also written to ``path``."""
        frame = self._frame if all_rows else self.view()
        # A text cell starting with = + - @ would run as a formula in a spreadsheet: it gets a '.
        safe = frame.map(lambda v: cell_text(v) if isinstance(v, Number) else csv_cell(cell_text(v)))
        text = safe.rename(columns=lambda c: csv_cell(str(c))).to_csv(index=False,
                                                                       lineterminator=CSV_LINE_END)
        if path is not None:
            target = Path(path)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8", newline="")
        return text
