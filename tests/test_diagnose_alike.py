"""Causes that read alike (diagnose/alike.py): a text with no status whose leading cause rests
on words alone also lists the causes that share its symptoms, each with what confirms it."""

from __future__ import annotations

from functools import partial

import pytest

from xero_nb.diagnose import DIAGNOSIS_CODES
from xero_nb.diagnose import diagnose as _diagnose_with_wording
from xero_nb.diagnose.alike import ALTERNATIVE, NEIGHBOURS, SHARE, STEP, with_lookalikes
from xero_nb.diagnose.findings import Finding

# These tests pin the rules: diagnose() here is the rules alone (resemblance=False); the wording's
# statistical reading it adds by default is tested in tests/test_diagnose_resemble.py.
diagnose = partial(_diagnose_with_wording, resemblance=False)


def test_every_lookalike_is_a_documented_cause_with_its_own_text() -> None:
    for code, alike in NEIGHBOURS.items():
        assert code in DIAGNOSIS_CODES and code not in alike
        assert set(alike) <= set(ALTERNATIVE) <= set(DIAGNOSIS_CODES)
    assert all(title.startswith("Or ") and fix and confirm for title, fix, confirm in ALTERNATIVE.values())


def test_a_lost_connection_in_words_also_names_a_dead_refresh_token_and_the_tenant() -> None:
    d = diagnose(text="The Xero connection is no longer linked.")
    assert d.codes == ("connection_revoked", "invalid_grant", "tenant_not_connected")
    top, first, second = d.findings
    assert first.weight == round(top.weight * SHARE, 3) and second.weight == round(top.weight * SHARE * STEP, 3)
    assert first.title == ALTERNATIVE["invalid_grant"][0]
    assert first.decides == "what the token endpoint answers to a refresh (invalid_grant)"
    assert first.fix == (ALTERNATIVE["invalid_grant"][1],)
    assert first.evidence == ("the words fit connection_revoked too",
                              "confirmed by what the token endpoint answers to a refresh (invalid_grant)")


def test_lookalikes_fill_up_to_three_after_what_the_rules_found() -> None:
    d = diagnose(text="Your Xero connection doesn't have the required permissions.")
    assert d.codes == ("not_reconsented", "missing_scope", "connection_revoked")
    assert [f.weight for f in d.findings] == sorted((f.weight for f in d.findings), reverse=True)


@pytest.mark.parametrize("text", [
    "refresh token expired",  # established by the words: invalid_grant 0.9
    "Exceeded the connection limit for the app\n403 Forbidden",  # a status was given
])
def test_no_lookalikes_for_a_settled_cause_or_a_text_with_a_status(text: str) -> None:
    d = diagnose(text=text)
    assert not any(e.startswith("the words fit ") for f in d.findings for e in f.evidence)


def test_a_connection_cap_is_never_paired_with_a_rate_limit() -> None:
    assert diagnose(text="Exceeded the connection limit for the app").codes == ("tier_gated", "feature_not_in_plan")


def test_a_custom_connection_gets_no_tenant_or_refresh_lookalikes() -> None:
    d = diagnose(text="Sync paused: Xero is no longer linked.", grant_type="client_credentials")
    assert d.codes == ("connection_revoked",)


def test_unknown_and_full_lists_are_left_as_they_are() -> None:
    words = ("the wording: x",)
    unknown = [Finding("unknown", "nothing", words, (), 0.25)]
    assert with_lookalikes(unknown) == unknown
    full = [Finding(c, c, words, (), w) for c, w in (("token_expired", 0.7), ("rate_limited", 0.5),
                                                     ("user_role", 0.4))]
    assert with_lookalikes(full) == full
    without_words = [Finding("token_expired", "t", ("status 401",), (), 0.7)]
    assert with_lookalikes(without_words) == without_words
