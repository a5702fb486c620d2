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
not scored by bench_diagnose.

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
        "xero-node-634-minute-rate-limit", "cyclr-2488-payroll-region-sections",
        "jclxx-helloworld-verifier-denied")
       for kind in ("reworded", "other_form", "terse", "ticket", "log", "vendor", "thread", "secondhand",
                    "nonnative", "snippet")
       if (of, kind) != ("xero-node-634-minute-rate-limit", "log")},  # (its log line names the 429)
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
    # set 2
    **{("netstd-140-attachment-401", kind): "a 401 said with 'token and tenant id are right': no scope "
       "word, so the tenant or the expiry leads" for kind in ("terse", "log")},
    **{("nango-802-refresh-offline-access", kind): "a refresh said to fail, with nothing of why: a "
       "refused refresh token leads" for kind in ("terse", "log")},
    **{("phpoauth2-138-contacts-put", kind): "401 AuthenticationUnsuccessful: the token first (facts "
       "ASSUMPTIONS auth_401_unauthenticated)" for kind in ("terse", "ticket")},
    **{("databricks-403-projects-product", kind): "a vendor's list of three 403 causes"
       for kind in ("ticket", "log")},
    **{("databuzz-741-new-app-scopes", kind): "an app of 2026 and 'an error on auth' unnamed: the "
       "client leads" for kind in ("terse", "log")},
    ("node-494-queryapi-no-tenant", "log"): "a bare 403 printout: which tenant cause is open",
    ("calcinai-625-connections-empty", "log"): "/connections' [] inside a one-line log is not read",
    ("docketworks-restore-payroll-unprovisioned-403", "log"): "axios's data: '' is not read as an "
    "empty body",
    ("apideck-blog-xero-scopes-broad", "ticket"): "'created in March 2026, after the 2nd' is not read "
    "as a date",
    ("pyxero-276-playground-redirect-uri", "terse"): "'Google OAuth Playground ... a 500' names no cause",
    ("quickfix-xero-403-wrong-organisation", "log"): "'<org B>' and 'authorised for org A' are not read "
    "as two organisations",
    ("activepieces-14497-outdated-scopes", "ticket"): "'the connection is never created' with a "
    "custom OAuth app: the client leads",
    ("mcp-pr302-unapproved-granular-report-scopes", "ticket"): "'permissions that were not approved' "
    "reads as the user's role",
    ("phpoauth2-147-demo-reset-tenant", "ticket"): "a Demo Company named without its reset",
    ("xeroizer-162-throttling-503", "log"): "a 503 with a request count (an old throttle) is no cause",
    ("satva-xpm-scope-approval", "log"): "practicemanager scopes are not known to need approval",
    # set 3
    ("netstd-140-attachment-401", "vendor"): "as set 2's",
    ("phpoauth2-138-contacts-put", "vendor"): "as set 2's",
    ("node-494-queryapi-no-tenant", "thread"): "as set 2's",
    ("pyxero-276-playground-redirect-uri", "vendor"): "as set 2's",
    ("activepieces-14497-outdated-scopes", "vendor"): "as set 2's",
    ("mcp-pr302-unapproved-granular-report-scopes", "vendor"): "as set 2's",
    ("phpoauth2-147-demo-reset-tenant", "vendor"): "as set 2's",
    ("xeroizer-162-throttling-503", "thread"): "as set 2's",
    ("databricks-403-projects-product", "vendor"): "as set 2's",
    ("activepieces-7888-missing-report-scopes", "thread"): "'never asks for report access' beside a "
    "question on a self-hosted set-up: the role's words lead",
    ("xerogateway-103-request-token", "vendor"): "'request a token ... answers 401' is not read as the "
    "token step",
    ("xero-laravel-29-settings-read-zero-tenants", "thread"): "'adding the scope ... is what it "
    "needed' reads as a scope added later",
    ("getsimplerlife-request-driven-tokens-expired-xero-dead", "vendor"): "'never called the token "
    "endpoint' names the token step",
    # set 4: measured before any rule was written from it (171 of 202 ranked first at the seventh
    # session's first commit, 189 at its end); read in the eighth session, where 10 of its 21
    # misses were fixed by rules that generalise (tests/test_diagnose_set4_rules.py); these remain
    **{(of, "mixed"): "set 4: its original is not ranked first either" for of in (
        "Xero.OAuth2.Docs-invalid-scope", "arcforge-207-payments-scope",
        "cimplico-sync-authentication-unsuccessful-entity-disconnected", "cyclr-2488-payroll-region-sections",
        "liminal-ai-401-after-upgrade-reconnect", "so-67426382-revoked-tenants", "stagepay-403-disconnected",
        "the-frame-401-after-scope-change-reconnect")},
    ("mage-xero-missing-scope-discovery", "mixed"): "'401/403 - is that a scopes thing?' asks, it does "
    "not say: the bare 401's expiry stays first",
    ("nango-802-refresh-offline-access", "mixed"): "as set 2's",
    ("node-494-queryapi-no-tenant", "mixed"): "as set 2's",
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
