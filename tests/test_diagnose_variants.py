"""Tuning cases said again in other words and other printouts: the rules must not hang on one wording.

tests/fixtures/diagnose_variants.jsonl holds variants of every high- or medium-confidence tuning
case whose excerpt holds its cause (evidence decisive or suggestive), written in two sets by
helpers that had never seen the diagnosis code, from the tuning cases only (never a held-out
one), keeping the decisive clue and adding none:

* set 1: ``reworded`` (another person's words for the same situation, Xero's own strings kept
  exact) and ``other_form`` (the same failure as another client or layer prints it);
* set 2, written after the rules were fixed on set 1 and so a measure of how those fixes
  generalised (before them 505 of 606 ranked first, after them 520): ``terse`` (a chat message),
  ``ticket`` (a non-technical user's support ticket) and ``log`` (another stack's log line or
  exception);
* set 3, written while set 2 was being read and measured before any rule was written from it
  (344 of 404 ranked first at the session's first commit, 362 after the rules generalised on sets
  1 and 2): ``vendor`` (a help-centre article or in-app banner) and ``thread`` (a developer's
  forum question with unrelated detail around the failure);
* set 4, ``mixed`` (one variant a case, each in the form that fits it: an e-mail, a ticket, a chat
  message, a question title, a cron log, a call transcript), measured and **not read**: no rule was
  written from it (171 of 202 ranked first at the session's first commit, 189 at its end). Its
  misses are listed as such, for the next session to read or to keep as a later first contact.
  Read in the next session: 10 of its 21 misses fixed by rules that generalise
  (tests/test_diagnose_set4_rules.py); each that remains has its reason;
* set 5, ``secondhand`` (relayed by a consultant, a bookkeeper, a support agent), ``nonnative``
  (a non-native writer's English) and ``snippet`` (a fragment of another client's printout), one
  variant a case, over the tuning cases of the thirteen batches (225): measured before any rule was
  written from it (209 ranked first with that session's first commit, 210 after set 4's rules),
  then read (215; tests/test_diagnose_set5_rules.py). Every miss left is a case whose original
  misses too.

They are written, not real: they test that rules generalise, they are not corpus cases and are
not scored by bench_diagnose. Since the wording's statistical reading (diagnose/resemble.py) counts
them among its training examples, they no longer measure a first contact: they pin behaviour.

Every variant ranks its cause first, except those in KNOWN_MISSES (each with why); a miss that
starts to pass must be taken off the list, so the list only shrinks.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from xero_nb.diagnose import diagnose

ROOT = Path(__file__).resolve().parent
VARIANTS = [json.loads(line) for line in (ROOT / "fixtures" / "diagnose_variants.jsonl")
            .read_text(encoding="utf-8").splitlines() if line.strip()]
CONTEXT_KEYS = ("endpoint", "granted", "requested", "era", "status", "grant_type", "app_type", "country")

KNOWN_MISSES: dict[tuple[str, str], str] = {
    # Written out when diagnose() began to add the wording's statistical reading (resemble.py,
    # whose counts include these variants): 50 of the 150 misses listed until then rank first
    # now; these are left, each with the reason it had ("its original": written when the
    # original missed too). When the wording's reading began to lead a cause the rules rest on
    # soft evidence only (a status's prior, a word), 72 of the 100 left ranked first: 28 stay.
    ('activepieces-14497-outdated-scopes', 'ticket'): "'the connection is never created' with a custom OAuth app: the client leads",
    ('activepieces-14497-outdated-scopes', 'vendor'): "as set 2's",
    ('activepieces-7888-missing-report-scopes', 'thread'): "'never asks for report access' beside a question on a self-hosted set-up: the role's words lead",
    ('arcforge-207-payments-scope', 'mixed'): 'set 4: its original is not ranked first either',
    ('arcforge-207-payments-scope', 'terse'): 'its original is not ranked first either',
    ('arcforge-207-payments-scope', 'vendor'): 'its original is not ranked first either',
    ('calcinai-625-connections-empty', 'other_form'): "the only status ('every other call now 403') is read as GET /connections' own",
    ('databuzz-741-new-app-scopes', 'log'): "an app of 2026 and 'an error on auth' unnamed: the client leads",
    ('databuzz-741-new-app-scopes', 'other_form'): "'that error' unnamed: the client ranks above the era's broad scopes",
    ('databuzz-741-new-app-scopes', 'terse'): "an app of 2026 and 'an error on auth' unnamed: the client leads",
    ('docketworks-restore-payroll-unprovisioned-403', 'log'): "axios's data: '' is not read as an empty body",
    ('getsimplerlife-request-driven-tokens-expired-xero-dead', 'vendor'): "'never called the token endpoint' names the token step",
    ('liminal-ai-401-after-upgrade-reconnect', 'log'): 'its original is not ranked first either',
    ('mcp-pr302-unapproved-granular-report-scopes', 'ticket'): "'permissions that were not approved' reads as the user's role",
    ('mcp-pr302-unapproved-granular-report-scopes', 'vendor'): "as set 2's",
    ('nango-802-refresh-offline-access', 'log'): 'a refresh said to fail, with nothing of why: a refused refresh token leads',
    ('node-494-queryapi-no-tenant', 'log'): 'a bare 403 printout: which tenant cause is open',
    ('pyxero-276-playground-redirect-uri', 'vendor'): "as set 2's",
    ('so-67426382-revoked-tenants', 'log'): 'its original is not ranked first either',
    ('so-67426382-revoked-tenants', 'mixed'): 'set 4: its original is not ranked first either',
    ('so-67426382-revoked-tenants', 'other_form'): 'its original is not ranked first either',
    ('so-67426382-revoked-tenants', 'reworded'): 'its original is not ranked first either',
    ('so-67426382-revoked-tenants', 'snippet'): 'its original is not ranked first either',
    ('so-67426382-revoked-tenants', 'terse'): 'its original is not ranked first either',
    ('so-67426382-revoked-tenants', 'thread'): 'its original is not ranked first either',
    ('stagepay-403-disconnected', 'log'): 'its original is not ranked first either',
    ('xeroizer-162-throttling-503', 'log'): 'a 503 with a request count (an old throttle) is no cause',
    ('xeroizer-162-throttling-503', 'thread'): "as set 2's",
}


def _top(variant: dict[str, Any]) -> str:
    context = {k: v for k, v in variant.get("context", {}).items() if k in CONTEXT_KEYS}
    return diagnose(text=variant["excerpt"], **context).findings[0].code


def test_the_variants_are_of_tuning_cases() -> None:
    split = json.loads((ROOT / "corpus" / "split.json").read_text(encoding="utf-8"))
    held = set(split["heldout_threads"])
    cases = {c["id"]: c for c in (json.loads(line) for line in (ROOT / "corpus" / "cases.jsonl")
                                  .read_text(encoding="utf-8").splitlines() if line.strip())}
    assert len(VARIANTS) >= 1900
    for v in VARIANTS:
        original = cases[v["of"]]
        assert original["thread"] not in held, v["of"]  # never a held-out case
        assert v["cause"] == original["cause"]
        assert v["kind"] in ("reworded", "other_form", "terse", "ticket", "log", "vendor", "thread", "mixed",
                             "secondhand", "nonnative", "snippet")


@pytest.mark.parametrize("variant", VARIANTS, ids=[f"{v['of']}-{v['kind']}" for v in VARIANTS])
def test_a_variant_ranks_its_cause_first(variant: dict[str, Any]) -> None:
    hit = _top(variant) == variant["cause"]
    if (variant["of"], variant["kind"]) in KNOWN_MISSES:
        assert not hit, "now ranked first: take it off KNOWN_MISSES"
    else:
        assert hit


def test_the_cue_prefilter_finds_what_the_whole_patterns_find() -> None:
    """cue_markers checks each alternative's needed word before its regex (speed): on every
    variant and corpus excerpt it must name exactly the cues the whole patterns name."""
    from xero_nb.diagnose import cues

    corpus = [json.loads(line)["excerpt"] for line in (ROOT / "corpus" / "cases.jsonl")
              .read_text(encoding="utf-8").splitlines() if line.strip()]
    assert sum(1 for parts in cues._CUE_PARTS.values() for word, _ in parts if word) > 150
    for text in [v["excerpt"] for v in VARIANTS] + corpus:
        low = text.lower()
        whole = {name for name, rx in cues._CUE_RES.items() if rx.search(low)}
        assert set(cues.cue_markers(text)) - {"region_pair"} == whole, text[:80]
