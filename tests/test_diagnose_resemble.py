"""The wording's statistical reading (xero_nb/diagnose/resemble.py) and how diagnose() uses it."""

from __future__ import annotations

import base64
import json
import subprocess
import sys
from pathlib import Path

import pytest

from xero_nb.diagnose import diagnose, resemble
from xero_nb.diagnose.alike import FILL_AT_MOST, OVERRULE_BELOW, SURE, with_resemblance
from xero_nb.diagnose.findings import Finding

ROOT = Path(__file__).resolve().parents[1]


def test_the_counts_rebuild_to_the_committed_file() -> None:
    """scripts/build_resemblance.py gives the committed data file byte for byte."""
    done = subprocess.run([sys.executable, str(ROOT / "scripts" / "build_resemblance.py"), "--check"],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr


def test_nothing_held_out_is_counted() -> None:
    """The builder's examples hold no held-out case's text (the measure stays clean)."""
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        import build_resemblance
    finally:
        sys.path.pop(0)
    split = json.loads((ROOT / "tests" / "corpus" / "split.json").read_text(encoding="utf-8"))
    held = set(split["heldout_threads"])
    cases = [json.loads(line) for line in (ROOT / "tests" / "corpus" / "cases.jsonl")
             .read_text(encoding="utf-8").splitlines() if line.strip()]
    held_texts = {c["excerpt"] for c in cases if c["thread"] in held}
    used = {text for text, _, _ in build_resemblance.training()}
    assert held_texts and not (held_texts & used)
    # the unread fact sets are not read; one line of the fourth (league/oauth2-client's one-line
    # invalid_client printout) is word for word a line a read set holds too, by chance
    for name, shared in (("diagnose_factset3.jsonl", 0), ("diagnose_factset4.jsonl", 1)):
        assert name not in build_resemblance.READ_SETS
        unread = {json.loads(line)["excerpt"] for line in (ROOT / "tests" / "fixtures" / name)
                  .read_text(encoding="utf-8").splitlines() if line.strip()}
        assert unread and len(unread & used) == shared, name
    assert {c["excerpt"] for c in cases if c["thread"] not in held} - held_texts <= used


def test_a_ranking_is_a_distribution_over_the_causes() -> None:
    got = resemble.ranked("The refresh token is invalid_grant after 60 days unused, please reconnect")
    assert got[0][0] == "invalid_grant"
    assert abs(sum(p for _, p in got) - 1.0) < 1e-9 and got == sorted(got, key=lambda cp: -cp[1])
    assert resemble.ranked("zzqx vvbn") == []  # no word ever seen: the wording says nothing


def test_the_rules_keep_their_order_and_the_wording_fills_three() -> None:
    settled = [Finding("rate_limited", "Rate limit hit", ("status 429",), ("Wait.",), 0.97)]
    assert with_resemblance(settled, "429 Too Many Requests: rate limit exceeded", {}) == settled
    ruled = [Finding("rate_limited", "Rate limit hit", ("the wording: a rate limit",), ("Wait.",), 0.97)]
    out = with_resemblance(ruled, "429 Too Many Requests: rate limit exceeded", {})
    assert out[0] is ruled[0] and len(out) == 3  # settled by words only: the others are named too
    assert all(f.weight <= FILL_AT_MOST for f in out[1:]) and out[1].weight >= out[2].weight
    # a filler weighs no more than the share of the wording it states (at least 0.01)
    shares = dict(resemble.ranked("429 Too Many Requests: rate limit exceeded"))
    assert all(f.weight <= max(shares[f.code], 0.01) + 0.0005 for f in out[1:])
    assert all("the wording resembles" in f.evidence[0] for f in out[1:])
    # a cause the context rules out is never added
    out = with_resemblance(ruled, "the tenant id header was missing", {},
                           frozenset({"tenant_header_missing", "tenant_not_connected"}))
    assert not {"tenant_header_missing", "tenant_not_connected"} & {f.code for f in out}


def test_the_wording_leads_only_an_unknown_answer_and_only_when_sure() -> None:
    unknown = [Finding("unknown", "No known cause matches what Xero sent", (), (), 0.25)]
    sure = with_resemblance(unknown, "connection expired, please reconnect: your Xero connection needs to be "
                            "renewed after 60 days without use", {})
    assert sure[0].code != "unknown" and sure[0].weight < 0.6  # never reads as established
    vague = with_resemblance(unknown, "something odd happened today", {})
    if resemble.ranked("something odd happened today")[0][1] < SURE:
        assert vague[0].code == "unknown" and len(vague) == 3


def test_diagnose_adds_it_by_default_and_leaves_it_out_on_request() -> None:
    text = "Our Xero sync stopped overnight and the dashboard shows a red banner"
    with_words = diagnose(text=text)
    alone = diagnose(text=text, resemblance=False)
    assert len(with_words.findings) == 3
    assert [f.code for f in alone.findings][:1] == ["unknown"]


@pytest.mark.parametrize("text", ["HTTP 500 Internal Server Error", "HTTP/1.1 200 OK",
                                  '{"Type":"ValidationException","Message":"A validation exception occurred"}'])
def test_no_wording_guess_beside_an_outage_a_success_or_a_rejected_payload(text: str) -> None:
    d = diagnose(text=text)
    assert not any("the wording resembles" in e for f in d.findings for e in f.evidence), d.codes


def test_no_secret_reaches_a_resemblance_finding() -> None:
    part = lambda obj: base64.urlsafe_b64encode(json.dumps(obj).encode()).decode().rstrip("=")  # noqa: E731
    token = f"{part({'alg': 'RS256'})}.{part({'sub': 'made-up'})}.{'s' * 40}"  # a JWT's shape, made here
    d = diagnose(text=f"sync failed, Authorization: Bearer {token}, nothing else to go on")
    assert token not in repr(d.findings)


# -- what a wrapping adds is not read (resemble.plain) ---------------------------------------------
BARE = "Sync failed: HTTP 403\nOur Xero connection was disconnected from the Connected apps page"


@pytest.mark.parametrize("wrapped", [
    "\n".join("2026-11-30T09:12:01.124Z ERROR [sync-worker] " + line for line in BARE.splitlines()),
    "[2026-11-30 09:12:01,124] WARNING: " + BARE,
    'Traceback (most recent call last):\n  File "/srv/app/jobs/sync.py", line 88, in run\n    push(batch)\n'
    + BARE,
    BARE + "\n    at com.xero.api.ApiClient.invoke(ApiClient.java:123)\n    at async Promise.all (index 0)"
    "\n   at Xero.NetStandard.OAuth2.Client.ApiClient.CallApi() in /src/ApiClient.cs:line 12"
    "\n    at /app/node_modules/xero-node/dist/gen/api/accountingApi.js:1:2",
    json.dumps({"msg": BARE})[9:-2],  # a JSON string's escapes (\n, \")
])
def test_a_wrapping_adds_no_word(wrapped: str) -> None:
    assert set(resemble.features(wrapped)) <= set(resemble.features(BARE)) | {"msg"}
    assert set(resemble.features(BARE)) - {"sync failed"} <= set(resemble.features(wrapped))


def test_what_is_plain_text_stays() -> None:
    text = ("at the office (today) the sync failed\nFile a ticket, line 3 of the form\n"
            "2026 was the year: error 500 stays")
    assert resemble.plain(text) == text
    assert "permission" not in resemble.plain("403 | User doesn't have permission to access the resource")


# -- the wording leads a cause the rules rest on soft evidence for ----------------------------------
REVOKED = "Our Xero connection was disconnected from the Connected apps page by an admin, the app was removed"


def _ruled(evidence: tuple[str, ...], weight: float) -> list[Finding]:
    return [Finding("tenant_header_missing", "The tenant header", evidence, ("Send it.",), weight),
            Finding("tenant_not_connected", "A tenant not connected", ("status 403",), ("Check.",), 0.385)]


def test_the_wording_leads_a_status_prior_when_all_but_sure() -> None:
    assert resemble.ranked(REVOKED)[0] == ("connection_revoked", pytest.approx(1.0, abs=0.01))
    out = with_resemblance(_ruled(("status 403",), 0.41), REVOKED, {})
    assert [f.code for f in out][:3] == ["connection_revoked", "tenant_header_missing", "tenant_not_connected"]
    assert out[0].weight < OVERRULE_BELOW and "the wording resembles" in out[0].evidence[0]
    assert [f.weight for f in out] == sorted((f.weight for f in out), reverse=True)


@pytest.mark.parametrize(("evidence", "weight"), [
    (("status 403", "xero-tenant-id: 00000000-0000-0000-0000-000000000000"), 0.41),  # a fact, not a word
    (("status 403", "organisation country AU"), 0.5),
    (("status 403",), OVERRULE_BELOW),  # settled enough
])
def test_the_wording_does_not_lead_what_a_fact_or_a_strong_rule_says(evidence: tuple[str, ...],
                                                                     weight: float) -> None:
    out = with_resemblance(_ruled(evidence, weight), REVOKED, {})
    assert out[0].code == "tenant_header_missing" and out[2].code == "connection_revoked"


def test_a_cause_the_rules_listed_lower_moves_up_with_its_own_evidence() -> None:
    ruled = [*_ruled(("status 403",), 0.41),
             Finding("connection_revoked", "Revoked", ("status 403", "the wording: revoked"), ("Reconnect.",), 0.3)]
    out = with_resemblance(ruled, REVOKED, {})
    assert out[0].code == "connection_revoked" and out[0].evidence[:2] == ("status 403", "the wording: revoked")
    assert [f.code for f in out] == ["connection_revoked", "tenant_header_missing", "tenant_not_connected"]
