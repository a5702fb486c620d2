"""A paginated, sortable, searchable table over a DataFrame, rendered as styled HTML.

The key columns (``change``, ``method``, ``path``, ``allowed``/``verdict``, ``missing``/``fix``)
come first and stay in view while the others scroll sideways; long cells show their full text
on hover (``title``) or wrapped in full with ``set_wrap(True)``. Headers carry ``data-cmd``
("sort:COLUMN") and hold a button with the same command, which takes the keyboard focus (Enter
and Space sort); the view turns these into ``command()`` calls. Exports are files the browser
downloads (``download()``), never files written on the Jupyter server.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from xero_nb.markup import Markup, el, join
from xero_nb.widgets import export
from xero_nb.widgets.export import Download
from xero_nb.widgets.notice import Noticed, guarded
from xero_nb.widgets.render import cell_text
from xero_nb.widgets.table_html import KEY_WIDTHS, render

STATIC_ROWS = 100  # rows a static copy (notebook opened without a kernel) shows at most


class TableState(Noticed):
    """Sort, filter and page a DataFrame; the widget only shows ``html()``.

    >>> t = TableState(pd.DataFrame({"a": [2, 1]}), name="demo")
    >>> t.sort_by("a"); list(t.view()["a"])
    [1, 2]
    """

    def __init__(self, frame: pd.DataFrame | None = None, *, name: str = "table",
                 page_size: int = 25, hidden: Iterable[str] = (),
                 key_columns: Iterable[str] | None = None) -> None:
        super().__init__()
        self.name = name
        self.page_size = page_size
        self.hidden = tuple(hidden)
        self.key_columns = tuple(KEY_WIDTHS if key_columns is None else key_columns)
        self.filter_text = ""
        self.sort_column: str | None = None
        self.ascending = True
        self.wrap = False
        self.page = 0
        self.pending: Download | None = None  # the file the browser is about to save
        self._serial = 0
        self._frame = pd.DataFrame()
        self._haystack: pd.Series | None = None
        self._view: pd.DataFrame | None = None
        self._order: np.ndarray | None = None  # the view's row positions
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
        self._order = None
        if self.sort_column not in self._frame.columns:
            self.sort_column = None
        self.page = min(self.page, max(self.pages - 1, 0))
        self._changed()

    @property
    def columns(self) -> list[str]:
        """The shown columns: the key ones first (they stay in view), then the rest."""
        shown = [str(c) for c in self._frame.columns if c not in self.hidden]
        keys = [c for c in self.key_columns if c in shown]
        return keys + [c for c in shown if c not in keys]

    def sticky(self) -> dict[str, float]:
        """Key column -> its left offset (em) while the rest of the table scrolls sideways."""
        out, left = {}, 0.0
        for col in self.columns:
            if col not in self.key_columns or col not in KEY_WIDTHS:
                break
            out[col] = left
            left += KEY_WIDTHS[col]
        return out

    def _changed(self) -> None:
        # What the rows were when a file was made is not what they are now: that notice goes.
        if self.pending is not None or self.notice[0] == "ok":
            self.pending = None
            self.notice = ("", "")
            self._notify("notice")
            self._notify("download")
        self._notify("table")

    # -- controls ---------------------------------------------------------------
    def set_filter(self, text: str) -> None:
        """Keep rows containing every word of ``text``; ``col:value`` matches one column."""
        text = text.strip()
        if text == self.filter_text:
            return
        self.filter_text = text
        self._view = None
        self._order = None
        self.page = 0
        self._changed()

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
        self._order = None
        self._changed()

    def set_wrap(self, on: bool) -> None:
        """Show long cells in full, wrapped (on), or cut to a width with the text on hover (off)."""
        self.wrap = bool(on)
        self._notify("table")

    @property
    def pages(self) -> int:
        n = len(self._rows())
        return max((n + self.page_size - 1) // self.page_size, 1)

    def set_page(self, page: int) -> None:
        """Go to page ``page`` (0-based), clamped to the pages there are."""
        self.page = min(max(int(page), 0), self.pages - 1)
        self._notify("table")

    def next_page(self) -> None:
        self.set_page(self.page + 1)

    def prev_page(self) -> None:
        self.set_page(self.page - 1)

    @guarded
    def command(self, text: str) -> Any:
        """What a click in the table's HTML asks for, as ``ACTION[:ARG]|NONCE``.

        ``sort:COLUMN`` (a header), ``export:csv`` / ``export:xlsx`` (the Export buttons),
        ``downloaded`` (the browser has the file: the link and its bytes go), ``page:next`` /
        ``page:prev``. The nonce only makes each click a change; anything else is refused.
        """
        body, _, nonce = str(text).rpartition("|") if "|" in str(text) else (str(text), "", "")
        action, _, arg = body.partition(":")
        if not body:
            return None
        if action == "sort":
            return self.sort_by(arg)
        if action == "export":
            return self.download(arg, nonce=nonce)
        if action == "downloaded":
            return self.downloaded(nonce)
        if action == "page" and arg in ("next", "prev"):
            return self.next_page() if arg == "next" else self.prev_page()
        raise ValueError(f"unknown table command {body[:40]!r}")

    # -- views ------------------------------------------------------------------
    def _hay(self) -> pd.Series:
        if self._haystack is None:
            text = self._frame.map(cell_text) if len(self._frame.columns) else self._frame
            self._haystack = text.agg(" ".join, axis=1).str.lower() if len(text.columns) else \
                pd.Series([""] * len(self._frame), dtype=str)
        return self._haystack

    def _mask(self) -> pd.Series:
        mask = pd.Series(True, index=self._frame.index)
        for word in self.filter_text.lower().split():
            col, sep, value = word.partition(":")
            if sep and value:
                match = [c for c in self._frame.columns if str(c).lower() == col]
                if match:
                    cells = self._frame[match[0]].map(cell_text).str.lower()
                    mask &= cells.str.contains(value, regex=False)
                    continue
            mask &= self._hay().str.contains(word, regex=False)
        return mask

    def _rows(self) -> np.ndarray:
        """The positions of the filtered rows, in sorted order (a click sorts these, not the frame)."""
        if self._order is None:
            frame = self._frame
            pos = np.flatnonzero(self._mask().to_numpy()) if self.filter_text else \
                np.arange(len(frame))
            if self.sort_column is not None:
                col = frame[self.sort_column]
                key = col.map(cell_text) if col.dtype == object else col
                key = key.iloc[pos].reset_index(drop=True)
                pos = pos[key.sort_values(ascending=self.ascending, kind="stable").index.to_numpy()]
            self._order = pos
        return self._order

    def view(self) -> pd.DataFrame:
        """The filtered, sorted rows (all pages)."""
        if self._view is None:
            self._view = self._frame.iloc[self._rows()]
        return self._view

    def page_frame(self) -> pd.DataFrame:
        """The rows on the current page."""
        start = self.page * self.page_size
        return self._frame.iloc[self._rows()[start:start + self.page_size]]

    def status(self) -> str:
        """"rows 1-25 of 120 (477 in all)": what the pager shows."""
        n, total = len(self._rows()), len(self._frame)
        if not n:
            return f"no rows ({total} in all)" if total else "no rows"
        start = self.page * self.page_size
        stop = min(start + self.page_size, n)
        more = f" ({total} in all)" if n != total else ""
        return f"rows {start + 1}-{stop} of {n}{more} · page {self.page + 1}/{self.pages}"

    def html(self) -> Markup:
        """The current page as a styled HTML table (escaped; no scripts)."""
        return self._render(self.page_frame(), sortable=True)

    def static_html(self, limit: int = STATIC_ROWS) -> Markup:
        """The filtered, sorted rows (up to ``limit``) as a table that needs no kernel to show."""
        view = self.view()
        n, total = len(view), len(self._frame)
        note = (f"{n} rows" if n == total else f"{n} of {total} rows") + (
            f"; the first {limit} are shown" if n > limit else "")
        note += f"; sorted by {self.sort_column}" if self.sort_column else ""
        note += f"; filter {self.filter_text!r}" if self.filter_text else ""
        return join([el("div", note, class_="xnb-static-note"),
                     self._render(view.iloc[:limit], sortable=False)])

    def _render(self, page: pd.DataFrame, *, sortable: bool) -> Markup:
        rows_at = self._rows()
        allowed = int(self._frame["allowed"].to_numpy()[rows_at].astype(bool).sum()) \
            if "allowed" in self._frame.columns else None
        return render(page, columns=self.columns, sticky=self.sticky(), name=self.name,
                      sort=(self.sort_column, self.ascending), wrap=self.wrap, rows=len(rows_at),
                      allowed=allowed, sortable=sortable)

    # -- export -----------------------------------------------------------------
    @guarded
    def download(self, kind: str = "csv", *, nonce: str = "", all_rows: bool = False) -> Download:
        """The filtered, sorted rows as a file for the browser to save (``csv`` or ``xlsx``).

        Nothing is written on the server: the view hands ``pending`` to the browser.
        """
        frame = (self._frame if all_rows else self.view())[self.columns]
        self._serial += 1
        self.pending = export.table_file(frame, self.name, kind, nonce=nonce or str(self._serial))
        self.notice = ("", "")
        self._notify("notice")
        self._notify("download")
        return self.pending

    def downloaded(self, nonce: str = "") -> None:
        """The browser has saved the file: its link (and the bytes in it) go, a notice stays."""
        pending = self.pending
        if pending is None or (nonce and nonce != pending.nonce):
            return
        self.pending = None
        self._notify("download")
        self.tell(f"{pending.describe()} went to your browser's downloads", "ok")

    def to_csv(self, path: str | Path | None = None, *, all_rows: bool = False,
               overwrite: bool = False) -> str:
        """The filtered rows (or all rows) as CSV text, redacted, formulas neutralised.

        Also written to ``path`` when one is given (a script's choice; the widget never does),
        never over an existing file unless ``overwrite``.
        """
        text = export.to_csv(self._frame if all_rows else self.view())
        if path is not None:
            target = Path(path)
            if target.exists() and not overwrite:
                raise FileExistsError(f"{target} exists: pass overwrite=True to replace it")
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8", newline="")
        return text
