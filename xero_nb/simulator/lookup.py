"""Finding a record by the id a path names (``InvoiceID``, ``TaxType``, ``id`` on /Assets)."""

from __future__ import annotations

from typing import Any

_ID_SUFFIXES = ("ID", "Id", "Number", "Code")


def id_field(row: dict[str, Any], param: str, collection: str = "") -> str | None:
    """The field of ``row`` a path parameter names (``InvoiceID``; ``id`` -> ``assetId``)."""
    low = param.lower()
    for k in row:
        if k.lower() == low:
            return k
    own = collection.rsplit("/", 1)[-1].rstrip("s").lower() + "id"
    for k in row:
        if k.lower() == own:
            return k
    return next((k for k in row if k.endswith(_ID_SUFFIXES) and isinstance(row[k], str)), None)


def exact(row: dict[str, Any], param: str) -> str | None:
    """The field named exactly like ``param`` (any case), if the row has one."""
    low = param.lower()
    return next((k for k in row if k.lower() == low), None)


def find(rows: list[dict[str, Any]], key: str, param: str = "",
         collection: str = "") -> dict[str, Any] | None:
    """The row whose named field (else any id field) equals ``key``, case-insensitively."""
    low = key.lower()
    for row in rows:
        name = id_field(row, param, collection) if param else None
        if name is not None and str(row.get(name, "")).lower() == low:
            return row
    for row in rows:
        for k, v in row.items():
            if k.endswith(_ID_SUFFIXES) and isinstance(v, str) and v.lower() == low:
                return row
    return None
