"""Every real error text of the corpus (tests/corpus/) goes through diagnose() without raising.

Accuracy is measured by benchmarks/bench_diagnose.py, separately for the tuning and the
held-out part; here each case is a regression: it must give a ranked, non-empty answer of
known codes, with and without its context.
"""

from __future__ import annotations

import inspect
import json
from pathlib import Path
from typing import Any

import pytest

from xero_nb.diagnose import DIAGNOSIS_CODES, diagnose

CORPUS = Path(__file__).resolve().parent / "corpus"
CASES = [json.loads(line) for line in (CORPUS / "cases.jsonl").read_text(encoding="utf-8").splitlines()
         if line.strip()]
SPLIT = json.loads((CORPUS / "split.json").read_text(encoding="utf-8"))
HELD = set(SPLIT["heldout_threads"])
TUNE = [c for c in CASES if c["thread"] not in HELD and c["confidence"] != "low"]
ACCEPTED = set(inspect.signature(diagnose).parameters) - {"text"}
# Tuning cases whose cause the rules rank second or third today, with why; every other tuning
# case must rank its cause first. A fix moves a case out of this list (a ratchet, never in).
SECOND_OR_THIRD = {
    'node-416-updatetenants-scope': 'the SDK reports invalid_grant for what was a missing scope',
    'so-67426382-revoked-tenants': 'a bare 403 AuthenticationUnsuccessful from a raw call: the missing tenant header ranks first',
    'xeropython-69-invalid-client': 'client_credentials failure with no error named: scope first',
    'receiptbank-image-not-published-api-limit': "a vendor's question title ('Why hasn't my item image been published to Xero?'): nothing names the limit",
    'cimplico-sync-authentication-unsuccessful-entity-disconnected': "a vendor's bare 'Authentication Unsuccessful': the tenant causes rank first, the disconnection third",
    'ostendo-connection-issues-403-user-privileges': "Xero's one-line meaning of a 403 ('User does not have permission to access the resource'), which clients print for every 403: the tenant header first, the role second",
}
# Tuning cases the rules do not rank in the first three, with why.
MISSED = {
    'xero-php-755-offline-access-unrecognised-status': "calcinai/xero-php's message for a status it has no class for, no status given: nothing names scopes",
    'hrpartner-236-xero-payroll-disconnected': "a vendor's 'disconnected through no action of your own': the user's reduced rights are the article's answer, the words say only disconnected",
    'clouddepot-contact-sync-fault-connecting-user-restricted-role': "a vendor's 'Issue Detected - Sync Fault from Xero': nothing names the user's role",
    'xero-java-293-empty-tenant-custom-connection': 'a 404 XeroNotFoundException from a custom connection: nothing says the tenant id sent was empty',
}
KEYS = {"id", "source", "thread", "excerpt", "context", "cause", "resolution", "confidence"}


def test_the_corpus_is_well_formed_and_split_by_thread() -> None:
    assert len(CASES) >= 190
    assert len({c["id"] for c in CASES}) == len(CASES)
    threads = {c["thread"] for c in CASES}
    held, tune = set(SPLIT["heldout_threads"]), set(SPLIT["tune_threads"])
    assert held.isdisjoint(tune) and held | tune == threads
    assert sum(c["thread"] in held for c in CASES) >= len(CASES) / 3
    for case in CASES:
        assert set(case) >= KEYS, case["id"]
        assert case["cause"] in DIAGNOSIS_CODES and case["confidence"] in ("high", "medium", "low")
        assert case["source"].startswith(("https://", "http://")), case["id"]


def test_every_case_has_one_evidence_label() -> None:
    """evidence.jsonl (an annotator's blind judgement, see the corpus README) covers every case
    once, with one of the three labels the benchmark reports by."""
    rows = [json.loads(line) for line in (CORPUS / "evidence.jsonl").read_text(encoding="utf-8").splitlines()
            if line.strip()]
    assert [r["id"] for r in rows] == [c["id"] for c in CASES]
    assert {r["evidence"] for r in rows} <= {"decisive", "suggestive", "none"}
    assert all(isinstance(r["why"], str) and r["why"] for r in rows)


def test_every_case_has_one_blind_expert_ranking() -> None:
    """expert.jsonl (readers who saw only excerpt and context, see the corpus README) ranks three
    distinct causes for every case, in the order of cases.jsonl; never ``unknown``."""
    rows = [json.loads(line) for line in (CORPUS / "expert.jsonl").read_text(encoding="utf-8").splitlines()
            if line.strip()]
    assert [r["id"] for r in rows] == [c["id"] for c in CASES]
    for r in rows:
        assert len(r["top3"]) == len(set(r["top3"])) == 3, r["id"]
        assert set(r["top3"]) <= set(DIAGNOSIS_CODES) - {"unknown"}, r["id"]


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_every_case_is_answered_without_raising(case: dict[str, Any]) -> None:
    context = {k: v for k, v in case["context"].items()
               if k in ("endpoint", "granted", "requested", "era", "status")}
    for kwargs in ({}, context):
        found = diagnose(text=case["excerpt"], **kwargs)
        assert found.findings and all(f.code in DIAGNOSIS_CODES for f in found.findings)
        assert [f.weight for f in found.findings] == sorted((f.weight for f in found.findings), reverse=True)


@pytest.mark.parametrize("case", TUNE, ids=[c["id"] for c in TUNE])
def test_tuning_cases_rank_their_cause(case: dict[str, Any]) -> None:
    context = {k: v for k, v in case["context"].items() if k in ACCEPTED}
    codes = [f.code for f in diagnose(text=case["excerpt"], **context).findings]
    if case["id"] in MISSED:
        assert case["cause"] not in codes[:3], "now found: move it out of MISSED"
    elif case["id"] in SECOND_OR_THIRD:
        assert case["cause"] in codes[1:3], (codes[:3], SECOND_OR_THIRD[case["id"]])
    else:
        assert codes[0] == case["cause"], codes[:3]


def test_the_known_gaps_name_real_tuning_cases() -> None:
    ids = {c["id"] for c in TUNE}
    assert set(SECOND_OR_THIRD) <= ids and set(MISSED) <= ids
