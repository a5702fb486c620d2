"""Tables as spreadsheets: a pandas frame as an Excel workbook (.xlsx), and a cell as text.

Shared by the catalog's ``export`` and the widgets' downloads; no package beyond the standard
library (an .xlsx is a zip of a few XML parts).
"""

from __future__ import annotations

import io
import math
import zipfile
from collections.abc import Callable
from numbers import Number
from typing import Any

from xero_nb.markup import text


def _is_bool(value: Any) -> bool:
    """A Python bool, or numpy's (what pandas gives for a bool column's cells; numpy not imported)."""
    kind = type(value)
    return isinstance(value, bool) or (kind.__module__ == "numpy" and kind.__name__ in ("bool_", "bool"))


def cell_text(value: Any) -> str:
    """A table cell as text: sets sorted and comma-joined, None/NaN empty."""
    if value is None:
        return ""
    if isinstance(value, (set, frozenset, list, tuple)):
        return ", ".join(sorted(str(v) for v in value))
    if isinstance(value, float) and math.isnan(value):
        return ""
    return str(value)


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


def _sheet(frame: Any, cell: Callable[[Any], str]) -> str:
    rows = [[cell(c) for c in frame.columns]]
    rows += [list(r) for r in frame.itertuples(index=False, name=None)]
    out = []
    for r, values in enumerate(rows, 1):
        cells = []
        for c, value in enumerate(values):
            ref = f"{_col(c)}{r}"
            if r > 1 and _is_bool(value):  # a real TRUE/FALSE: filters and COUNTIF see it
                cells.append(f'<c r="{ref}" t="b"><v>{int(value)}</v></c>')
            elif r > 1 and isinstance(value, Number) \
                    and cell_text(value) not in ("", "nan", "inf", "-inf"):
                cells.append(f'<c r="{ref}"><v>{value}</v></c>')
            else:
                body = _xml(value if r == 1 else cell(value))
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


def workbook(frame: Any, sheet: str = "Sheet1", cell: Callable[[Any], str] = cell_text) -> bytes:
    """``frame`` (a pandas DataFrame) as an Excel workbook: one sheet, header row frozen, numbers as
    numbers, booleans as TRUE/FALSE, everything else as the text ``cell`` gives it.

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
                           "xl/worksheets/sheet1.xml": _sheet(frame, cell)}.items():
            z.writestr(part, body)
    return buf.getvalue()
