"""Real-shaped Xero answers shared by the diagnosis tests (docs/xero-facts.md §6)."""

from __future__ import annotations

import json

CID = "0e9d8c7b-6a5f-4e4d-8c3b-2a1f0e9d8c7b"
SCOPE_BODY = {"Type": None, "Title": "Unauthorized", "Status": 401, "Detail": "AuthorizationUnsuccessful",
              "Instance": CID, "Extensions": {}}
# What xero-python prints for a call refused for want of a scope (e.g. get_report_from_id).
XERO_PYTHON = (
    "(401)\n"
    "Reason: Unauthorized\n"
    "HTTP response headers: HTTPHeaderDict({'Content-Type': 'application/json; charset=utf-8', "
    "'Content-Length': '137', 'Server': 'nginx', 'Xero-Correlation-Id': '" + CID + "', "
    "'X-AppMinLimit-Remaining': '9999', 'X-MinLimit-Remaining': '59', 'X-DayLimit-Remaining': '4998', "
    "'WWW-Authenticate': 'insufficient_scope', 'Date': 'Sun, 08 Jun 2025 10:00:00 GMT'})\n"
    "HTTP response body: " + json.dumps(SCOPE_BODY) + "\n"
)
