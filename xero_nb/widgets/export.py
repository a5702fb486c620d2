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
import io
import zipfile
from dataclasses import dataclass
from numbers import Number
from typing import Any

import pandas as pd

from xero_nb.markup import CSV_LINE_END, Markup, csv_cell, el, text
from xero_nb.redact import redact
from xero_nb.widgets.render import cell_text

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


def _col(i: int) -> str:
    name = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        name = chr(65 + r) + name
    return name


def _xml(value: str) -> str:
    # Characters XML 1.0 cannot hold at all (control characters) are dropped, the rest escaped.
    clean = "".join(ch for ch in value if ch in "\t\n\r" or ord(ch) >= 0x20)
    return str(text(clean))


def _sheet(frame: pd.DataFrame) -> str:
    rows = [[_cell(c) for c in frame.columns]]
    rows += [list(r) for r in frame.itertuples(index=False, name=None)]
    out = []
    for r, values in enumerate(rows, 1):
        cells = []
        for c, value in enumerate(values):
            ref = f"{_col(c)}{r}"
            if r > 1 and isinstance(value, Number) and not isinstance(value, bool) \
                    and cell_text(value) not in ("", "nan", "inf", "-inf"):
                cells.append(f'<c r="{ref}"><v>{value}</v></c>')
            else:
                body = _xml(value if r == 1 else _cell(value))
                cells.append(f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{body}'
                             "</t></is></c>")
        out.append(f'<row r="{r}">{"".join(cells)}</row>')
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" '
            'activePane="bottomLeft" state="frozen"/></sheetView></sheetViews>'
            f'<sheetData>{"".join(out)}</sheetData></worksheet>')


_NS = "http://schemas.openxmlformats.org"
_PARTS = {
    "[Content_Types].xml":
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        f'<Types xmlns="{_NS}/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>',
    "_rels/.rels":
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        f'<Relationships xmlns="{_NS}/package/2006/relationships">'
        f'<Relationship Id="rId1" Type="{_NS}/officeDocument/2006/relationships/officeDocument" '
        'Target="xl/workbook.xml"/></Relationships>',
    "xl/_rels/workbook.xml.rels":
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        f'<Relationships xmlns="{_NS}/package/2006/relationships">'
        f'<Relationship Id="rId1" Type="{_NS}/officeDocument/2006/relationships/worksheet" '
        'Target="worksheets/sheet1.xml"/></Relationships>',
}


def to_xlsx(frame: pd.DataFrame, sheet: str = "Sheet1") -> bytes:
    """``frame`` as an Excel workbook (one sheet, header row frozen), text cells redacted.

    Written by hand (a zip of four XML parts) so that Excel export needs no extra package.
    """
    name = _xml("".join(ch for ch in sheet if ch not in "[]:*?/\\")[:31] or "Sheet1")
    workbook = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                f'<workbook xmlns="{_NS}/spreadsheetml/2006/main" '
                f'xmlns:r="{_NS}/officeDocument/2006/relationships">'
                f'<sheets><sheet name="{name}" sheetId="1" r:id="rId1"/></sheets></workbook>')
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for part, body in {**_PARTS, "xl/workbook.xml": workbook,
                           "xl/worksheets/sheet1.xml": _sheet(frame)}.items():
            z.writestr(part, body)
    return buf.getvalue()


def table_file(frame: pd.DataFrame, name: str, kind: str = "csv", *, nonce: str = "") -> Download:
    """The rows of a table as a file to download: ``kind`` is ``csv`` or ``xlsx``."""
    if kind not in KINDS:
        raise ValueError(f"export to one of {', '.join(KINDS)}, not {kind!r}")
    filename = f"{name}.{kind}"
    if kind == "csv":
        return Download.of_text(filename, to_csv(frame), rows=len(frame), nonce=nonce)
    return Download(filename, to_xlsx(frame, sheet=name), len(frame), nonce)
