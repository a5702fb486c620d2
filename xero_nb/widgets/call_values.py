"""A call's values as the user sees them: a typed parameter value checked, and an answer's
collection as a table.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

import pandas as pd

from xero_nb.models import Param

GUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")


def check_value(param: Param, value: str) -> str | None:
    """Why ``value`` is not valid for ``param`` (None: fine; empty optional values are fine)."""
    text = value.strip()
    if not text:
        return f"{param.name} is required" if param.required or param.location == "path" else None
    if param.format == "uuid" and not GUID.match(text):
        return f"{param.name} must be a GUID like 2c1d6b8e-1234-4abc-9def-0123456789ab"
    if param.format == "date":
        try:
            date.fromisoformat(text)
        except ValueError:
            return f"{param.name} must be a date YYYY-MM-DD"
    if param.format == "date-time":
        try:
            datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            return f"{param.name} must be a date-time like 2026-01-31T00:00:00"
    if param.type == "integer" and not re.fullmatch(r"-?\d+", text):
        return f"{param.name} must be a whole number"
    if param.type == "boolean" and text.lower() not in ("true", "false"):
        return f"{param.name} must be true or false"
    return None


def body_frame(body: Any) -> pd.DataFrame | None:
    """A collection in a response body as a table (Xero wraps lists: {"Invoices": [...]})."""
    rows = None
    if isinstance(body, list):
        rows = body
    elif isinstance(body, dict):
        lists = [v for v in body.values() if isinstance(v, list)]
        if len(lists) == 1:
            rows = lists[0]
    if not rows or not all(isinstance(r, dict) for r in rows):
        return None
    frame = pd.json_normalize(rows, max_level=1)
    keep = [c for c in frame.columns
            if not frame[c].map(lambda v: isinstance(v, (list, dict))).any()]
    return frame[keep]
