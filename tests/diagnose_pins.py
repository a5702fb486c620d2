"""What the tests that pin diagnose()'s answers share: one clock, and the findings read plainly.

    from diagnose_pins import NOW, one, ranked, run
"""

from __future__ import annotations

from typing import Any

from xero_nb.diagnose import Finding, diagnose

NOW = 1_780_000_000.0  # 2026-05-28 20:26:40 UTC: every expiry below is judged at this instant


def run(**given: Any) -> Any:
    """diagnose() on the fixed clock, the rules alone (the wording's statistical reading, which
    diagnose() adds by default, is pinned in tests/test_diagnose_resemble.py)."""
    given.setdefault("resemblance", False)
    return diagnose(clock=lambda: NOW, **given)


def one(d: Any, code: str) -> Finding:
    """The one finding of ``code`` (fails when there is none, or more than one)."""
    found = [f for f in d.findings if f.code == code]
    assert len(found) == 1, d.findings
    return found[0]


def ranked(d: Any) -> list[tuple[str, float]]:
    """(code, weight) in rank order, weights to three places."""
    return [(f.code, round(f.weight, 3)) for f in d.findings]
