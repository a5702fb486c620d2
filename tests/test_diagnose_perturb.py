"""Robustness on the tuning cases: what a paste loses or gains on the way must not move the cause.

People paste the same error in many wrappings: shouted or lower-cased by a logger, behind a log
prefix on every line, inside a Python traceback, in a Markdown fence, or quoted once more as a JSON
string by a wrapper. None of these changes what the text names, so none may change the top cause.
Only the **tuning** part of the corpus is used (tests/corpus/README.md: the held-out part is never
read here); each case that ranks its cause first as pasted must keep it first in every wrapping.
Taking words away (the status line, the end of the body) is tested on what is left: a cause
named only by the part removed cannot survive, so those variants are checked for not raising.

The wording's statistical reading (diagnose/resemble.py) reads the text without what these
wrappings add (JSON escapes, log stamps, traceback frames: ``resemble.plain``), so the answers it
gives or leads (when the rules found nothing, or rest on a status's prior) do not move either. A
case that does move must be listed in ``MOVES`` with why (a ratchet: one that stops moving must
be taken off); none does.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from xero_nb.diagnose import DIAGNOSIS_CODES, diagnose

CORPUS = Path(__file__).resolve().parent / "corpus"
_SPLIT = json.loads((CORPUS / "split.json").read_text(encoding="utf-8"))
_TUNE_THREADS = set(_SPLIT["tune_threads"])
# Filtered to the tuning threads before anything else is read from a case.
TUNE = [case for case in (json.loads(line) for line in
                          (CORPUS / "cases.jsonl").read_text(encoding="utf-8").splitlines() if line.strip())
        if case["thread"] in _TUNE_THREADS and case["confidence"] != "low"]
FIRST = [c for c in TUNE if diagnose(text=c["excerpt"]).codes[0] == c["cause"]]
MOVES: dict[tuple[str, str], str] = {}
STAMP = "2026-11-30T09:12:01.124Z ERROR [sync-worker] "


def _log_prefix(text: str) -> str:
    return "\n".join(STAMP + line for line in text.splitlines())


def _traceback(text: str) -> str:
    return ('Traceback (most recent call last):\n  File "/srv/app/jobs/sync.py", line 88, in run\n'
            "    push(batch)\nRuntimeError: " + text)


WRAPPINGS: dict[str, Callable[[str], str]] = {
    "upper": str.upper,
    "lower": str.lower,
    "log prefix": _log_prefix,
    "traceback": _traceback,
    "markdown fence": lambda t: "```\n" + t + "\n```",
    "json string": lambda t: json.dumps({"level": "error", "message": t}),
    "quoted reply": lambda t: "\n".join("> " + line for line in t.splitlines()),
}


@pytest.mark.parametrize("wrap", list(WRAPPINGS))
def test_wrappings_keep_the_top_cause(wrap: str) -> None:
    moved = []
    for case in FIRST:
        codes = diagnose(text=WRAPPINGS[wrap](case["excerpt"])).codes
        if (codes[0] != case["cause"]) != ((wrap, case["id"]) in MOVES):
            moved.append((case["id"], case["cause"], codes[:3]))
    assert not moved, moved


def test_most_tuning_cases_are_first_as_pasted() -> None:
    assert len(FIRST) >= 0.85 * len(TUNE)


_STATUS = re.compile(r"\b(?:401|403|404|405|429|500|503)\b")


@pytest.mark.parametrize("case", TUNE, ids=[c["id"] for c in TUNE])
def test_taking_words_away_never_raises(case: dict[str, Any]) -> None:
    text = case["excerpt"]
    for variant in (_STATUS.sub("", text), text[: max(20, len(text) // 2)], text[len(text) // 2:]):
        found = diagnose(text=variant)
        assert found.findings and all(f.code in DIAGNOSIS_CODES for f in found.findings)


def test_a_named_cause_survives_losing_the_status_line() -> None:
    """When the words name the cause (not only the number), dropping the status keeps it first."""
    kept = [c for c in FIRST if _STATUS.search(c["excerpt"])
            and diagnose(text=_STATUS.sub("", c["excerpt"])).codes[0] == c["cause"]]
    with_status = [c for c in FIRST if _STATUS.search(c["excerpt"])]
    assert len(kept) >= 0.8 * len(with_status), (len(kept), len(with_status))
