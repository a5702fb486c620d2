"""Tuning cases said again in other words and other printouts: the rules must not hang on one wording.

tests/fixtures/diagnose_variants.jsonl holds two variants of every high- or medium-confidence
tuning case whose excerpt holds its cause (evidence decisive or suggestive): ``reworded`` (another
person's words for the same situation, Xero's own strings kept exact) and ``other_form`` (the same
failure as another client or layer prints it: an SDK's exception, a connector's log line, a curl
dump, a terse chat message). A helper that had never seen the diagnosis code wrote them from the
tuning cases only (never a held-out one), keeping the decisive clue and adding none. They are
written, not real: they test that rules generalise, they are not corpus cases and are not scored
by bench_diagnose.

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
    # the original itself ranks second or lower (SECOND_OR_THIRD / MISSED in test_diagnose_corpus)
    **{(of, kind): "its original is not ranked first either" for of in (
        "stagepay-403-disconnected", "arcforge-207-payments-scope", "Xero.OAuth2.Docs-invalid-scope",
        "liminal-ai-401-after-upgrade-reconnect", "the-frame-401-after-scope-change-reconnect",
        "cimplico-sync-authentication-unsuccessful-entity-disconnected", "so-67426382-revoked-tenants",
        "xero-node-634-minute-rate-limit", "cyclr-2488-payroll-region-sections")
       for kind in ("reworded", "other_form")},
    ("netstd-140-attachment-401", "other_form"): "a bare 401 with 'token and tenant right' as a "
    "code comment: the expiry stays first",
    ("node-494-queryapi-no-tenant", "other_form"): "a bare 403 printout: which tenant cause is open",
    ("calcinai-625-connections-empty", "other_form"): "the only status ('every other call now 403') "
    "is read as GET /connections' own",
    ("docketworks-restore-payroll-unprovisioned-403", "other_form"): "an empty body shown only as "
    "xero-python's empty 'HTTP response body:' line is not read as an empty body",
    ("databuzz-741-new-app-scopes", "other_form"): "'that error' unnamed: the client ranks above the "
    "era's broad scopes",
    ("databricks-403-projects-product", "reworded"): "a vendor's list of three 403 causes",
    ("cartoncloud-expired-token", "reworded"): "'unlinked because its token expired': the token "
    "words outweigh the unlinking",
    ("cartoncloud-expired-token", "other_form"): "as the reworded one",
}


def _top(variant: dict[str, Any]) -> str:
    context = {k: v for k, v in variant.get("context", {}).items() if k in CONTEXT_KEYS}
    return diagnose(text=variant["excerpt"], **context).findings[0].code


def test_the_variants_are_two_per_tuning_case() -> None:
    split = json.loads((ROOT / "corpus" / "split.json").read_text(encoding="utf-8"))
    held = set(split["heldout_threads"])
    cases = {c["id"]: c for c in (json.loads(line) for line in (ROOT / "corpus" / "cases.jsonl")
                                  .read_text(encoding="utf-8").splitlines() if line.strip())}
    assert len(VARIANTS) >= 400
    for v in VARIANTS:
        original = cases[v["of"]]
        assert original["thread"] not in held, v["of"]  # never a held-out case
        assert v["cause"] == original["cause"] and v["kind"] in ("reworded", "other_form")


@pytest.mark.parametrize("variant", VARIANTS, ids=[f"{v['of']}-{v['kind']}" for v in VARIANTS])
def test_a_variant_ranks_its_cause_first(variant: dict[str, Any]) -> None:
    hit = _top(variant) == variant["cause"]
    if (variant["of"], variant["kind"]) in KNOWN_MISSES:
        assert not hit, "now ranked first: take it off KNOWN_MISSES"
    else:
        assert hit
