"""Redaction of the two credentials whose tests could not fail: HTTP Basic client credentials
(the base64 of ``id:secret`` never contains the secret, so "the secret is absent" proved
nothing) and PKCE code verifiers pasted as text."""

from __future__ import annotations

import base64
from collections.abc import Iterator

import pytest

from xero_nb.redact import REDACTED, forget_secrets, redact, redact_body, redact_url

CLIENT_ID = "8F2A6C1E0B3D4F5A"
SECRET = "q7Rz-Lm2x9Vb4Nc8Wd1Kf6Hj3Ps5Tg0Y"
VERIFIER = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"  # RFC 7636's example verifier
BASIC = base64.b64encode(f"{CLIENT_ID}:{SECRET}".encode()).decode()


@pytest.fixture(autouse=True)
def _nothing_remembered() -> Iterator[None]:
    forget_secrets()  # the shapes alone must hide these values
    yield
    forget_secrets()


@pytest.mark.parametrize("shape", [
    "Authorization: Basic {b}",
    "> authorization: basic {b}\n> content-type: application/x-www-form-urlencoded",
    "curl -H 'Authorization: Basic {b}' https://identity.xero.com/connect/token",
    '{{"headers": {{"Authorization": "Basic {b}"}}}}',
    "headers={{'Authorization': 'Basic {b}'}}",
])
def test_basic_client_credentials_are_redacted_as_the_base64_that_is_sent(shape: str) -> None:
    assert SECRET not in BASIC  # which is why a test must look for the base64 itself
    text = shape.format(b=BASIC)
    out = redact(text)
    assert BASIC not in out and BASIC[:12] not in out
    assert "Basic " + REDACTED in out or "basic " + REDACTED in out
    # the decoded pair is what a reader could recover: it must be gone in every piece
    assert not any(BASIC[i:i + 8] in out for i in range(len(BASIC) - 7))


def test_the_word_basic_in_prose_is_left_alone() -> None:
    text = "Basic authentication failed: check the client id and secret"
    assert redact(text) == text


@pytest.mark.parametrize("shape", [
    "code_verifier={v}",
    "grant_type=authorization_code&code=abc123def456&code_verifier={v}&redirect_uri=x",
    '{{"code_verifier": "{v}"}}',
    "codeVerifier: '{v}'",
    "CODE_VERIFIER={v}",
    "verifier = PendingSignIn(code_verifier='{v}')",
])
def test_a_pkce_verifier_in_text_is_redacted(shape: str) -> None:
    out = redact(shape.format(v=VERIFIER))
    assert VERIFIER not in out and REDACTED in out
    assert not any(VERIFIER[i:i + 12] in out for i in range(len(VERIFIER) - 11))


def test_a_pkce_verifier_in_a_form_body_or_url_is_redacted() -> None:
    body = f"grant_type=authorization_code&client_id=abc&code_verifier={VERIFIER}"
    out = redact_body(body)
    assert VERIFIER not in out and "client_id=abc" in out
    url = redact_url(f"https://identity.xero.com/connect/token?code_verifier={VERIFIER}&state=s1")
    assert VERIFIER not in url and "state=s1" in url
