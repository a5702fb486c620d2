"""Excel files: the catalog's export writes .xlsx, and booleans are TRUE/FALSE cells, not the text "True"."""

from __future__ import annotations

import base64
import json
import re
import zipfile
from pathlib import Path

import pandas as pd

import xero_nb as xn
from xero_nb.catalog.frames import export
from xero_nb.spreadsheet import workbook
from xero_nb.widgets.export import to_xlsx


def _cells(data: bytes) -> list[tuple[str, str | None, str]]:
    """(reference, type, value or inline text) of each cell of the one sheet."""
    with zipfile.ZipFile(__import__("io").BytesIO(data)) as z:
        xml = z.read("xl/worksheets/sheet1.xml").decode()
    return [(m.group(1), m.group(2), m.group(3) or m.group(4))
            for m in re.finditer(r'<c r="([A-Z]+\d+)"(?: t="(\w+)")?>(?:<v>([^<]*)</v>|<is><t[^>]*>([^<]*)</t></is>)'
                                 r"</c>", xml)]


def test_booleans_are_excel_booleans_numbers_numbers_and_text_text() -> None:
    frame = pd.DataFrame({"allowed": [True, False], "count": [3, 4], "path": ["/Invoices", "=1+1"]})
    cells = _cells(workbook(frame, "t"))
    assert cells[:3] == [("A1", "inlineStr", "allowed"), ("B1", "inlineStr", "count"), ("C1", "inlineStr", "path")]
    assert ("A2", "b", "1") in cells and ("A3", "b", "0") in cells
    assert ("B2", None, "3") in cells
    assert ("C3", "inlineStr", "=1+1") in cells  # inline text: never run as a formula


def test_the_catalog_exports_coverage_to_xlsx_with_every_row(tmp_path: Path) -> None:
    cov = xn.coverage("accounting.settings.read", era="broad")
    path = export(cov, tmp_path / "coverage.xlsx")
    cells = _cells(path.read_bytes())
    rows = {int(re.sub(r"[A-Z]+", "", ref)) for ref, _, _ in cells}
    assert max(rows) == len(cov) + 1
    allowed_col = next(ref[:-1] for ref, _, v in cells if v == "allowed")
    trues = sum(1 for ref, t, v in cells if ref.startswith(allowed_col) and ref[len(allowed_col):].isdigit()
                and t == "b" and v == "1")
    assert trues == int(cov["allowed"].sum()) > 0


def test_the_widgets_download_uses_the_same_booleans_and_still_redacts() -> None:
    def part(claims: dict[str, str]) -> str:  # (a JWT made here: no token-shaped text in the file)
        return base64.urlsafe_b64encode(json.dumps(claims).encode()).decode().rstrip("=")

    jwt = f"{part({'alg': 'RS256'})}.{part({'sub': '1'})}.sig"
    frame = pd.DataFrame({"ok": [True], "note": [f"Bearer {jwt}"]})
    cells = _cells(to_xlsx(frame, "x"))
    assert ("A2", "b", "1") in cells
    assert all(jwt not in v and part({"sub": "1"}) not in v for _, _, v in cells)
