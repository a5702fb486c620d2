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
    # original missed too).
    ('Xero.OAuth2.Docs-invalid-scope', 'log'): 'its original is not ranked first either',
    ('Xero.OAuth2.Docs-invalid-scope', 'mixed'): 'set 4: its original is not ranked first either',
    ('Xero.OAuth2.Docs-invalid-scope', 'other_form'): 'its original is not ranked first either',
    ('Xero.OAuth2.Docs-invalid-scope', 'reworded'): 'its original is not ranked first either',
    ('Xero.OAuth2.Docs-invalid-scope', 'snippet'): 'its original is not ranked first either',
    ('Xero.OAuth2.Docs-invalid-scope', 'terse'): 'its original is not ranked first either',
    ('Xero.OAuth2.Docs-invalid-scope', 'thread'): 'its original is not ranked first either',
    ('Xero.OAuth2.Docs-invalid-scope', 'ticket'): 'its original is not ranked first either',
    ('Xero.OAuth2.Docs-invalid-scope', 'vendor'): 'its original is not ranked first either',
    ('activepieces-14497-outdated-scopes', 'ticket'): "'the connection is never created' with a custom OAuth app: the client leads",
    ('activepieces-14497-outdated-scopes', 'vendor'): "as set 2's",
    ('activepieces-7888-missing-report-scopes', 'thread'): "'never asks for report access' beside a question on a self-hosted set-up: the role's words lead",
    ('apideck-blog-xero-scopes-broad', 'ticket'): "'created in March 2026, after the 2nd' is not read as a date",
    ('arcforge-207-payments-scope', 'mixed'): 'set 4: its original is not ranked first either',
    ('arcforge-207-payments-scope', 'terse'): 'its original is not ranked first either',
    ('arcforge-207-payments-scope', 'vendor'): 'its original is not ranked first either',
    ('calcinai-625-connections-empty', 'log'): "/connections' [] inside a one-line log is not read",
    ('calcinai-625-connections-empty', 'other_form'): "the only status ('every other call now 403') is read as GET /connections' own",
    ('cimplico-sync-authentication-unsuccessful-entity-disconnected', 'log'): 'its original is not ranked first either',
    ('cimplico-sync-authentication-unsuccessful-entity-disconnected', 'mixed'): 'set 4: its original is not ranked first either',
    ('cimplico-sync-authentication-unsuccessful-entity-disconnected', 'other_form'): 'its original is not ranked first either',
    ('cimplico-sync-authentication-unsuccessful-entity-disconnected', 'reworded'): 'its original is not ranked first either',
    ('cimplico-sync-authentication-unsuccessful-entity-disconnected', 'secondhand'): 'its original is not ranked first either',
    ('cimplico-sync-authentication-unsuccessful-entity-disconnected', 'terse'): 'its original is not ranked first either',
    ('cimplico-sync-authentication-unsuccessful-entity-disconnected', 'thread'): 'its original is not ranked first either',
    ('cimplico-sync-authentication-unsuccessful-entity-disconnected', 'ticket'): 'its original is not ranked first either',
    ('cimplico-sync-authentication-unsuccessful-entity-disconnected', 'vendor'): 'its original is not ranked first either',
    ('databricks-403-projects-product', 'log'): "a vendor's list of three 403 causes",
    ('databricks-403-projects-product', 'reworded'): "a vendor's list of three 403 causes",
    ('databricks-403-projects-product', 'ticket'): "a vendor's list of three 403 causes",
    ('databricks-403-projects-product', 'vendor'): "as set 2's",
    ('databuzz-741-new-app-scopes', 'log'): "an app of 2026 and 'an error on auth' unnamed: the client leads",
    ('databuzz-741-new-app-scopes', 'other_form'): "'that error' unnamed: the client ranks above the era's broad scopes",
    ('databuzz-741-new-app-scopes', 'terse'): "an app of 2026 and 'an error on auth' unnamed: the client leads",
    ('docketworks-restore-payroll-unprovisioned-403', 'log'): "axios's data: '' is not read as an empty body",
    ('docketworks-restore-payroll-unprovisioned-403', 'other_form'): "an empty body shown only as xero-python's empty 'HTTP response body:' line is not read as an empty body",
    ('getsimplerlife-request-driven-tokens-expired-xero-dead', 'vendor'): "'never called the token endpoint' names the token step",
    ('jclxx-helloworld-verifier-denied', 'snippet'): 'its original is not ranked first either',
    ('liminal-ai-401-after-upgrade-reconnect', 'log'): 'its original is not ranked first either',
    ('liminal-ai-401-after-upgrade-reconnect', 'mixed'): 'set 4: its original is not ranked first either',
    ('liminal-ai-401-after-upgrade-reconnect', 'nonnative'): 'its original is not ranked first either',
    ('liminal-ai-401-after-upgrade-reconnect', 'other_form'): 'its original is not ranked first either',
    ('liminal-ai-401-after-upgrade-reconnect', 'reworded'): 'its original is not ranked first either',
    ('liminal-ai-401-after-upgrade-reconnect', 'terse'): 'its original is not ranked first either',
    ('liminal-ai-401-after-upgrade-reconnect', 'thread'): 'its original is not ranked first either',
    ('liminal-ai-401-after-upgrade-reconnect', 'ticket'): 'its original is not ranked first either',
    ('liminal-ai-401-after-upgrade-reconnect', 'vendor'): 'its original is not ranked first either',
    ('mage-xero-missing-scope-discovery', 'mixed'): "'401/403 - is that a scopes thing?' asks, it does not say: the bare 401's expiry stays first",
    ('mcp-pr302-unapproved-granular-report-scopes', 'ticket'): "'permissions that were not approved' reads as the user's role",
    ('mcp-pr302-unapproved-granular-report-scopes', 'vendor'): "as set 2's",
    ('nango-802-refresh-offline-access', 'log'): 'a refresh said to fail, with nothing of why: a refused refresh token leads',
    ('nango-802-refresh-offline-access', 'mixed'): "as set 2's",
    ('nango-802-refresh-offline-access', 'terse'): 'a refresh said to fail, with nothing of why: a refused refresh token leads',
    ('netstd-140-attachment-401', 'log'): "a 401 said with 'token and tenant id are right': no scope word, so the tenant or the expiry leads",
    ('netstd-140-attachment-401', 'other_form'): "a bare 401 with 'token and tenant right' as a code comment: the expiry stays first",
    ('netstd-140-attachment-401', 'terse'): "a 401 said with 'token and tenant id are right': no scope word, so the tenant or the expiry leads",
    ('netstd-140-attachment-401', 'vendor'): "as set 2's",
    ('node-494-queryapi-no-tenant', 'log'): 'a bare 403 printout: which tenant cause is open',
    ('node-494-queryapi-no-tenant', 'mixed'): "as set 2's",
    ('node-494-queryapi-no-tenant', 'other_form'): 'a bare 403 printout: which tenant cause is open',
    ('node-494-queryapi-no-tenant', 'thread'): "as set 2's",
    ('phpoauth2-138-contacts-put', 'terse'): '401 AuthenticationUnsuccessful: the token first (facts ASSUMPTIONS auth_401_unauthenticated)',
    ('phpoauth2-138-contacts-put', 'ticket'): '401 AuthenticationUnsuccessful: the token first (facts ASSUMPTIONS auth_401_unauthenticated)',
    ('phpoauth2-138-contacts-put', 'vendor'): "as set 2's",
    ('phpoauth2-147-demo-reset-tenant', 'ticket'): 'a Demo Company named without its reset',
    ('phpoauth2-147-demo-reset-tenant', 'vendor'): "as set 2's",
    ('pyxero-276-playground-redirect-uri', 'vendor'): "as set 2's",
    ('quickfix-xero-403-wrong-organisation', 'log'): "'<org B>' and 'authorised for org A' are not read as two organisations",
    ('satva-xpm-scope-approval', 'log'): 'practicemanager scopes are not known to need approval',
    ('so-67426382-revoked-tenants', 'log'): 'its original is not ranked first either',
    ('so-67426382-revoked-tenants', 'mixed'): 'set 4: its original is not ranked first either',
    ('so-67426382-revoked-tenants', 'other_form'): 'its original is not ranked first either',
    ('so-67426382-revoked-tenants', 'reworded'): 'its original is not ranked first either',
    ('so-67426382-revoked-tenants', 'snippet'): 'its original is not ranked first either',
    ('so-67426382-revoked-tenants', 'terse'): 'its original is not ranked first either',
    ('so-67426382-revoked-tenants', 'thread'): 'its original is not ranked first either',
    ('so-67426382-revoked-tenants', 'ticket'): 'its original is not ranked first either',
    ('so-67426382-revoked-tenants', 'vendor'): 'its original is not ranked first either',
    ('stagepay-403-disconnected', 'log'): 'its original is not ranked first either',
    ('stagepay-403-disconnected', 'mixed'): 'set 4: its original is not ranked first either',
    ('stagepay-403-disconnected', 'other_form'): 'its original is not ranked first either',
    ('stagepay-403-disconnected', 'reworded'): 'its original is not ranked first either',
    ('stagepay-403-disconnected', 'snippet'): 'its original is not ranked first either',
    ('stagepay-403-disconnected', 'terse'): 'its original is not ranked first either',
    ('stagepay-403-disconnected', 'thread'): 'its original is not ranked first either',
    ('stagepay-403-disconnected', 'ticket'): 'its original is not ranked first either',
    ('stagepay-403-disconnected', 'vendor'): 'its original is not ranked first either',
    ('the-frame-401-after-scope-change-reconnect', 'log'): 'its original is not ranked first either',
    ('the-frame-401-after-scope-change-reconnect', 'mixed'): 'set 4: its original is not ranked first either',
    ('the-frame-401-after-scope-change-reconnect', 'other_form'): 'its original is not ranked first either',
    ('the-frame-401-after-scope-change-reconnect', 'reworded'): 'its original is not ranked first either',
    ('the-frame-401-after-scope-change-reconnect', 'snippet'): 'its original is not ranked first either',
    ('the-frame-401-after-scope-change-reconnect', 'terse'): 'its original is not ranked first either',
    ('the-frame-401-after-scope-change-reconnect', 'thread'): 'its original is not ranked first either',
    ('the-frame-401-after-scope-change-reconnect', 'ticket'): 'its original is not ranked first either',
    ('the-frame-401-after-scope-change-reconnect', 'vendor'): 'its original is not ranked first either',
    ('xero-laravel-29-settings-read-zero-tenants', 'thread'): "'adding the scope ... is what it needed' reads as a scope added later",
    ('xerogateway-103-request-token', 'vendor'): "'request a token ... answers 401' is not read as the token step",
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
