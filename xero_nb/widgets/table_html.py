"""A table page as HTML: the hot path of every click, sort and keystroke in a table.

Each column's opening tags are built once, then every cell is one escaped string between them;
the key columns are sticky, headers hold the sort buttons, and each row's class says what it is
(gained, lost, allowed, blocked, ...). ``table.TableState`` calls ``render``.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Any

from xero_nb.markup import Markup, el, fmt, join
from xero_nb.widgets.render import cell_text

if TYPE_CHECKING:
    import pandas as pd

# The columns that say what a row is and what fixes it, in the order shown, with their fixed
# widths (em): they stay in view (sticky) while the other columns scroll sideways.
KEY_WIDTHS = {"change": 5.5, "method": 5.5, "path": 18.0, "allowed": 5.5, "verdict": 7.0,
              "missing": 13.0, "fix": 14.0}
LONG = 40  # a cell longer than this gets its full text on hover, and is cut to a width unless wrapped

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
    ("status", "kept (tier-gated)"): "xnb-warn",
}


def render(page: pd.DataFrame, *, columns: list[str], sticky: dict[str, float], name: str,
           sort: tuple[str | None, bool], wrap: bool, rows: int, allowed: int | None,
           sortable: bool) -> Markup:
    """``page`` as a styled HTML table: sticky key columns, sort buttons (``sort``: the column
    and whether ascending), row classes; ``rows`` and ``allowed`` count the whole filtered view."""
    # The hot path of every click and keystroke: each column's opening tags are built once
    # (through ``el``/``attrs``), then every cell is one escaped string between them.
    cols = columns
    last_key = list(sticky)[-1] if sticky else None
    head = join(_th(c, sort, sticky, last_key, sortable) for c in cols)
    opens = []
    for c in cols:
        short = str(el("td", **_place(c, sticky, last_key)))[:-len("</td>")]
        long_attrs = _place(c, sticky, last_key)
        long_attrs["class_"] = (long_attrs.get("class_", "") + " xnb-long").strip()
        opens.append((short, str(el("td", **long_attrs))[:-len("</td>")][:-1]))
    values = [[cell_text(v) for v in page[c].tolist()] for c in cols]
    classes = _row_classes(page)
    lines = []
    for i, cls in enumerate(classes):
        cells = []
        for (short, long_open), column in zip(opens, values, strict=True):
            value = column[i]
            safe = html.escape(value, quote=True)
            if len(value) > LONG:
                cells.append(f'{long_open} title="{safe}">{safe}</td>')
            else:
                cells.append(f"{short}{safe}</td>")
        lines.append((f'<tr class="{cls}">' if cls else "<tr>") + "".join(cells) + "</tr>")
    body = Markup("".join(lines)) if lines else el("tr", el("td", "no rows",
                                                          colspan=max(len(cols), 1)))
    return el("div", fmt("<table><thead><tr>{}</tr></thead><tbody>{}</tbody></table>", head, body),
              class_="xnb-table" + (" xnb-wrap" if wrap else ""), data_table=name,
              data_rows=rows, data_allowed=allowed)


def _row_classes(page: pd.DataFrame) -> list[str]:
    keys = [k for k in ("change", "allowed", "verdict", "status") if k in page.columns]
    columns = [page[k].tolist() for k in keys]
    return [_row_class(dict(zip(keys, vals, strict=True)))
            for vals in zip(*columns, strict=True)] if keys else [""] * len(page)


def _place(col: str, sticky: dict[str, float], last: str | None) -> dict[str, Any]:
    if col not in sticky:
        return {}
    style = f"left:{sticky[col]:g}em;width:{KEY_WIDTHS[col]:g}em;" \
            f"min-width:{KEY_WIDTHS[col]:g}em;max-width:{KEY_WIDTHS[col]:g}em"
    return {"class_": "xnb-key" + (" xnb-key-last" if col == last else ""), "style": style}


def _th(col: str, sort_by: tuple[str | None, bool], sticky: dict[str, float], last: str | None,
        sortable: bool) -> Markup:
    place = _place(col, sticky, last)
    if not sortable:
        return el("th", col, data_col=col, **place)
    sort = None if col != sort_by[0] else ("ascending" if sort_by[1] else "descending")
    # The whole cell is the mouse target; the button in it takes the keyboard focus (Tab) and
    # turns Enter and Space into the same click, so both reach the one bridge handler.
    button = el("button", col, _arrow(col, sort_by), type="button", class_="xnb-sort",
                data_cmd=f"sort:{col}",
                title=f"sort by {col}" + (" (again: reverse)" if sort else ""))
    return el("th", button, data_col=col, data_cmd=f"sort:{col}", aria_sort=sort, **place)


def _arrow(col: str, sort_by: tuple[str | None, bool]) -> str:
    if col != sort_by[0]:
        return ""
    return " ▲" if sort_by[1] else " ▼"


def _row_class(rec: dict[str, Any]) -> str:
    for key in ("change", "allowed", "verdict", "status"):
        if key in rec:
            value = bool(rec[key]) if key == "allowed" else rec[key]
            cls = _ROW_CLASS.get((key, value))
            if cls:
                return cls
    return ""

