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


# --- Practice Manager (XPM) and WorkflowMax: Xero APIs outside the specs (practice.py) ---------------
XPM = "https://api.xero.com/practicemanager/3.1/"


@pytest.mark.parametrize(("method", "path", "scope"), [
    ("GET", "job.api/current", "practicemanager.job.read"),
    ("GET", "client.api/list?detailed=true", "practicemanager.client.read"),
    ("GET", "clientgroup.api/list", "practicemanager.client.read"),  # client group endpoints: client's
    ("GET", "staff.api/list", "practicemanager.staff.read"),
    ("POST", "time.api/add", "practicemanager.time"),  # a write: the .read one does not allow it
    ("PUT", "job.api/update", "practicemanager.job"),
])
def test_an_xpm_call_the_token_lacks_the_scope_of_is_that_scope(method: str, path: str, scope: str) -> None:
    found = diagnose(text="403 Forbidden", endpoint=f"{method} {XPM}{path}",
                     granted="openid offline_access accounting.contacts.read")
    assert found.top.code == "missing_scope" and f"`{scope}`" in found.top.title
    assert found.top.weight >= 0.9
    assert any("partner" in step for step in found.top.fix)
    assert any("Practice Manager (XPM) call" in n for n in found.notes)
    assert not any("not a Xero endpoint" in n for n in found.notes)


def test_an_xpm_scope_held_leaves_the_advanced_tier_and_a_read_scope_does_not_allow_a_write() -> None:
    held = diagnose(text="403 Forbidden", endpoint=f"GET {XPM}job.api/current",
                    granted="openid practicemanager.job")  # the write scope allows a GET too
    assert held.top.code == "tier_gated" and "Advanced tier" in held.top.title
    assert "missing_scope" not in [f.code for f in held.findings]
    write = diagnose(text="403 Forbidden", endpoint=f"POST {XPM}job.api/add",
                     granted="openid practicemanager.job.read")
    assert write.top.code == "missing_scope" and "`practicemanager.job`" in write.top.title


def test_an_xpm_url_in_the_paste_alone_names_its_scope_and_the_tier() -> None:
    found = diagnose(text=f"GET {XPM}job.api/current responded 403 Forbidden")
    codes = [f.code for f in found.findings]
    assert codes[0] == "missing_scope" and "practicemanager.job.read" in found.top.title
    assert "tier_gated" in codes[:3]


def test_an_xpm_resource_whose_scope_is_not_on_the_page_says_so() -> None:
    found = diagnose(text="403 Forbidden", endpoint=f"GET {XPM}invoice.api/current", granted="openid")
    assert "tier_gated" in [f.code for f in found.findings]
    assert any("names no scope for its invoice endpoints" in n for n in found.notes)


def test_a_workflowmax_url_is_named_with_the_scope_developers_use() -> None:
    found = diagnose(text="401 Unauthorized", endpoint="https://api.xero.com/workflowmax/3.0/job.api/current")
    assert any("WorkflowMax call" in n and "workflowmax.read" in n for n in found.notes)


def test_other_calls_get_no_practice_manager_finding() -> None:
    found = diagnose(text="403 Forbidden", endpoint="GET /Invoices", granted="openid accounting.contacts")
    assert not any("Practice Manager" in f.title or "XPM" in f.title for f in found.findings)
    rate = diagnose(text=f"GET {XPM}job.api/current 429 Too Many Requests")
    assert rate.top.code == "rate_limited"  # a 429 is no scope's
