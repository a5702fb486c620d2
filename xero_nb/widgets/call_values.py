"""A call's values as the user sees them: a typed parameter value checked, and an answer's
collection as a table.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
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
    return frame[keep].map(xero_date)


# Xero's JSON dates: "/Date(1788393600000+0000)/" (milliseconds since 1970, UTC offset)
_XERO_DATE = re.compile(r"/Date\((-?\d{1,15})([+-]\d{4})?\)/")


def xero_date(value: Any) -> Any:
    """A Xero JSON date as a reader writes it ("2026-09-01", with the time when it has one); any
    other value as it is (the raw body keeps Xero's own form)."""
    if not isinstance(value, str) or not value.startswith("/Date("):
        return value
    m = _XERO_DATE.fullmatch(value)
    if m is None:
        return value
    from datetime import timedelta, timezone

    offset = m.group(2) or "+0000"
    zone = timezone(timedelta(hours=int(offset[:3]), minutes=int(offset[0] + offset[3:])))
    try:
        when = datetime.fromtimestamp(int(m.group(1)) / 1000, tz=UTC).astimezone(zone)
    except (OverflowError, OSError, ValueError):
        return value
    whole_day = when.time() == datetime.min.time()
    return when.strftime("%Y-%m-%d" if whole_day else "%Y-%m-%d %H:%M:%S")
