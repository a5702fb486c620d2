"""A paste that shows a step that worked (a sign-in's redirect with a code, a token response)
is said to be one, instead of a guessed cause."""

from __future__ import annotations

import json

import pytest

from xero_nb.diagnose import diagnose

CALLBACK = ("https://app.example.com/callback?code=4f9c2a7b1d3e5f60aa&scope=openid%20profile%20"
            "accounting.transactions&state=s1&session_state=q")
TOKEN = json.dumps({"id_token": "x", "access_token": "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln",
                    "expires_in": 1800, "token_type": "Bearer", "refresh_token": "8a7b6c5d4e3f2a1b",
                    "scope": "openid offline_access accounting.transactions"})


@pytest.mark.parametrize(("text", "what"), [
    (CALLBACK, "a successful sign-in: Xero sent the app an authorization code"),
    (TOKEN, "a successful token response: Xero issued an access token"),
    (f"HTTP/1.1 200 OK\n\n{TOKEN}", "a successful token response: Xero issued an access token"),
])
def test_a_step_that_worked_is_said_to_have_worked(text: str, what: str) -> None:
    d = diagnose(text=text)
    assert d.codes == ("unknown",) and d.top.title == f"Nothing failed here: this is {what}"
    assert d.top.fix[0].startswith("If a later call fails, paste that call's response")
    assert "8a7b6c5d4e3f2a1b" not in repr(d) + d._repr_html_()


@pytest.mark.parametrize("text", [
    "https://app.example.com/callback?error=access_denied&state=s1",
    "https://app.example.com/callback?code=abc123&error=invalid_scope",
    json.dumps({"error": "invalid_grant"}),
    f"{TOKEN}\nGET https://api.xero.com/api.xro/2.0/Invoices -> 401 Unauthorized",
])
def test_a_failure_beside_it_is_still_diagnosed(text: str) -> None:
    assert not diagnose(text=text).top.title.startswith("Nothing failed here")


def test_an_oauth_error_without_a_cause_is_not_sent_to_xero_support_by_correlation_id() -> None:
    d = diagnose(text='{"error":"invalid_scope"}', requested="accounting.invoices.read accounting.transactions",
                 era="mixed")
    unknown = next(f for f in d.findings if f.code == "unknown")
    assert unknown.fix[0].startswith("Compare the request with the app's settings at developer.xero.com")
    assert "OAuth errors carry no Xero-Correlation-Id" in unknown.fix[0]


def test_a_step_that_worked_beside_a_settled_failure_gives_the_failure() -> None:
    """A whole log: the sign-in worked, a later refresh was refused (invalid_grant from words, 0.9)."""
    d = diagnose(text=f"{CALLBACK}\nlater: the refresh token is invalid")
    assert d.top.code == "invalid_grant" and d.top.weight == 0.9
