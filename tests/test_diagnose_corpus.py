"""Every real error text of the corpus (tests/corpus/) goes through diagnose() without raising.

Accuracy is measured by benchmarks/bench_diagnose.py, separately for the tuning and the
held-out part; here each case is a regression: it must give a ranked, non-empty answer of
known codes, with and without its context.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from xero_nb.diagnose import DIAGNOSIS_CODES, diagnose

CORPUS = Path(__file__).resolve().parent / "corpus"
CASES = [json.loads(line) for line in (CORPUS / "cases.jsonl").read_text(encoding="utf-8").splitlines()
         if line.strip()]
SPLIT = json.loads((CORPUS / "split.json").read_text(encoding="utf-8"))
KEYS = {"id", "source", "thread", "excerpt", "context", "cause", "resolution", "confidence"}


def test_the_corpus_is_well_formed_and_split_by_thread() -> None:
    assert len(CASES) >= 140
    assert len({c["id"] for c in CASES}) == len(CASES)
    threads = {c["thread"] for c in CASES}
    held, tune = set(SPLIT["heldout_threads"]), set(SPLIT["tune_threads"])
    assert held.isdisjoint(tune) and held | tune == threads
    assert sum(c["thread"] in held for c in CASES) >= len(CASES) / 3
    for case in CASES:
        assert set(case) >= KEYS, case["id"]
        assert case["cause"] in DIAGNOSIS_CODES and case["confidence"] in ("high", "medium", "low")
        assert case["source"].startswith("https://"), case["id"]


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_every_case_is_answered_without_raising(case: dict[str, Any]) -> None:
    context = {k: v for k, v in case["context"].items()
               if k in ("endpoint", "granted", "requested", "era", "status")}
    for kwargs in ({}, context):
        found = diagnose(text=case["excerpt"], **kwargs)
        assert found.findings and all(f.code in DIAGNOSIS_CODES for f in found.findings)
        assert [f.weight for f in found.findings] == sorted((f.weight for f in found.findings), reverse=True)
