"""Files the browser downloads: a table as CSV or Excel, a report as Markdown or HTML.

Nothing here writes on the Jupyter server: a :class:`Download` is bytes with a name, which a view
hands to the browser as a ``data:`` link (``link_html``). Every text cell goes through
``xero_nb.redact`` on the way out, and a spreadsheet never sees a cell that would run as a formula
(CSV cells get a ``'``; Excel cells are written as inline text, which Excel never evaluates).

>>> d = Download.of_text("a.csv", "a\\r\\n1\\r\\n", rows=1)
>>> d.mime, d.size
('text/csv', 6)
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from numbers import Number
from typing import Any

import pandas as pd

from xero_nb.markup import CSV_LINE_END, Markup, csv_cell, el
from xero_nb.redact import redact
from xero_nb.spreadsheet import cell_text, workbook

MIME = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "md": "text/markdown",
    "html": "text/html",
}
KINDS = ("csv", "xlsx")  # what a table exports to


@dataclass(frozen=True, slots=True)
class Download:
    """One file for the browser to save: its name, type, bytes and how many rows it holds."""

    filename: str
    data: bytes
    rows: int = 0
    nonce: str = ""

    @property
    def mime(self) -> str:
        return MIME.get(self.filename.rsplit(".", 1)[-1].lower(), "application/octet-stream")

    @property
    def size(self) -> int:
        return len(self.data)

    @classmethod
    def of_text(cls, filename: str, body: str, *, rows: int = 0, nonce: str = "") -> Download:
        return cls(filename, body.encode("utf-8"), rows, nonce)

    def data_url(self) -> str:
        return f"data:{self.mime};base64," + base64.b64encode(self.data).decode("ascii")

    def describe(self) -> str:
        """"coverage.csv (20 rows, 3.1 kB)": what the link and the notice say."""
        size = f"{self.size / 1000:.1f} kB" if self.size >= 1000 else f"{self.size} B"
        rows = f"{self.rows} row{'s' if self.rows != 1 else ''}, " if self.rows else ""
        return f"{self.filename} ({rows}{size})"


def link_html(download: Download | None, label: str = "") -> Markup:
    """An ``<a download>`` link holding the file (the browser saves it; the server never does)."""
    if download is None:
        return Markup()
    return el("a", label or f"⬇ {download.describe()}", href=download.data_url(),
              download=download.filename, data_nonce=download.nonce, class_="xnb-download-link",
              title="save this file (made in the kernel, saved by your browser)")


def _cell(value: Any) -> str:
    """One cell as the text a file holds: never a secret."""
    return redact(cell_text(value))


def to_csv(frame: pd.DataFrame) -> str:
    """``frame`` as CSV text: redacted, formulas neutralised, CRLF line ends."""
    safe = frame.map(lambda v: cell_text(v) if isinstance(v, Number) and not isinstance(v, bool)
                     else csv_cell(_cell(v)))
    return safe.rename(columns=lambda c: csv_cell(_cell(c))).to_csv(
        index=False, lineterminator=CSV_LINE_END)


def to_xlsx(frame: pd.DataFrame, sheet: str = "Sheet1") -> bytes:
    """``frame`` as an Excel workbook (one sheet, header row frozen), text cells redacted."""
    return workbook(frame, sheet, cell=_cell)


def table_file(frame: pd.DataFrame, name: str, kind: str = "csv", *, nonce: str = "") -> Download:
    """The rows of a table as a file to download: ``kind`` is ``csv`` or ``xlsx``."""
    if kind not in KINDS:
        raise ValueError(f"export to one of {', '.join(KINDS)}, not {kind!r}")
    filename = f"{name}.{kind}"
    if kind == "csv":
        return Download.of_text(filename, to_csv(frame), rows=len(frame), nonce=nonce)
    return Download(filename, to_xlsx(frame, sheet=name), len(frame), nonce)
