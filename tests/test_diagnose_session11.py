"""Reading fixes of the eleventh session: what pasted texts and objects held that was not read."""

from __future__ import annotations

import pytest

from xero_nb.diagnose import diagnose

FORBIDDEN = 'HTTP/1.1 403 Forbidden\n{"Title":"Forbidden","Status":403,"Detail":"AuthenticationUnsuccessful"}'
RATE = "HTTP/1.1 429 Too Many Requests\nX-Rate-Limit-Problem: minute\nRetry-After: 12"


@pytest.mark.parametrize("plain", [FORBIDDEN, RATE])
@pytest.mark.parametrize(("encoding", "read_as"), [
    ("utf-16", "latin-1"),     # PowerShell's ">" file opened as Latin-1: its mark is "\u00ff\u00fe"
    ("utf-16", "utf-8"),       # ... as UTF-8 with errors replaced: the mark is two U+FFFD
    ("utf-16-be", "latin-1"),  # big-endian, no mark: the NUL comes before each letter
])
def test_utf16_read_as_8_bit_text_is_read_as_its_letters(plain: str, encoding: str, read_as: str) -> None:
    garbled = plain.encode(encoding).decode(read_as, "replace")
    assert "\x00" in garbled
    clean = diagnose(text=plain)
    found = diagnose(text=garbled)
    assert [f.code for f in found.findings] == [f.code for f in clean.findings]
    assert found.observed.status == clean.observed.status
    assert any("NUL" in n and "utf-16" in n for n in found.notes)
    assert not any("NUL" in n for n in clean.notes)


def test_a_nul_in_the_response_text_is_noted_too() -> None:
    found = diagnose(RATE.encode("utf-16-le").decode("latin-1"))
    assert found.top.code == "rate_limited"
    assert any("NUL" in n for n in found.notes)


@pytest.mark.parametrize("route", ["AccountUsage", "LockHistory", "ReportHistory", "UserActivities"])
def test_finance_accounting_activities_are_known_calls_with_their_own_scope(route: str) -> None:
    # Xero's 2026 scopes page: finance.accountingactivity.read, which no operation of spec 16.1.0 uses
    url = f"https://api.xero.com/finance.xro/1.0/AccountingActivities/{route}?startMonth=2026-01"
    found = diagnose(text="403 Forbidden AuthenticationUnsuccessful", endpoint=f"GET {url}",
                     granted="openid offline_access finance.statements.read")
    assert found.endpoint is not None and found.endpoint.api == "finance"
    assert found.top.code == "missing_scope" and "finance.accountingactivity.read" in found.top.title
    assert not any("not a Xero endpoint" in n for n in found.notes)
    allowed = diagnose(text="403 Forbidden AuthenticationUnsuccessful", endpoint=f"GET {url}",
                       granted="openid finance.accountingactivity.read")
    assert "missing_scope" not in [f.code for f in allowed.findings]
