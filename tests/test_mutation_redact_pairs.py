"""Redaction of ``key=value`` and ``key: value`` pairs, each rule by a text a user pastes: what
must be hidden (a short OAuth code in a redirect URL, a short client secret, an opaque value
after ``code=``) and what must stay readable (an error code, a placeholder ``token=x``, a word
after ``token:``, the next key of a logged form)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from xero_nb.redact import REDACTED, forget_secrets, redact


@pytest.fixture(autouse=True)
def _nothing_remembered() -> Iterator[None]:
    forget_secrets()  # the shapes alone decide here
    yield
    forget_secrets()


@pytest.mark.parametrize("url", [
    "https://app.example/callback?code=ab1&state=s1",
    "https://app.example/callback?state=s1&code=ab1",
    "https://app.example/callback#code=ab1",
])
def test_an_oauth_code_in_a_redirect_url_is_hidden_however_short(url: str) -> None:
    """After ``?``, ``&`` or ``#`` a ``code`` parameter is the OAuth code, at any length."""
    assert "ab1" not in redact(url) and f"code={REDACTED}" in redact(url)


@pytest.mark.parametrize("url", [
    "https://app.example/callback?token=x1",
    "https://app.example/callback?secret=x1&page=2",
])
def test_a_generic_key_in_a_url_is_not_taken_for_the_oauth_code(url: str) -> None:
    """Only ``code`` is special after ``?``: a two-character ``token=`` value is no credential."""
    assert redact(url) == url


def test_an_opaque_value_after_code_equals_in_prose_is_hidden() -> None:
    text = "the code=4f9a8b7c6d5e4f3a was refused"
    assert redact(text) == f"the code={REDACTED} was refused"


@pytest.mark.parametrize("text", ["Error code: 500", '{"Code": "200"}', "Error code: E12345678X",
                                  "code: AB12CD34EF"])
def test_an_error_code_stays(text: str) -> None:
    """``code:`` (not ``code=``) is an error or status code, however opaque it looks."""
    assert redact(text) == text


@pytest.mark.parametrize("text", ["client_secret=abc", "password=pw1", "client_secret=a"])
def test_a_key_that_names_a_credential_hides_any_length(text: str) -> None:
    key = text.split("=")[0]
    assert redact(text) == f"{key}={REDACTED}"


@pytest.mark.parametrize(("text", "hidden"), [
    ("token=abcd", True),   # four token characters: long enough to be one
    ("secret=Zx9q", True),
    ("token=abc", False),   # shorter: a placeholder, as "token=x"
    ("token=x", False),
])
def test_a_generic_key_hides_a_value_of_four_characters_or_more(text: str, hidden: bool) -> None:
    key = text.split("=")[0]
    assert (redact(text) == f"{key}={REDACTED}") is hidden
    assert (redact(text) == text) is not hidden


@pytest.mark.parametrize("text", ["token: expired", "token: Unauthorized", "Invalid token: Missing",
                                  "token: ab12"])
def test_a_word_or_a_short_value_after_token_colon_stays(text: str) -> None:
    """``token: <word>`` is a message; only an opaque value of eight characters or more, an
    ``=`` or quotes make it a credential."""
    assert redact(text) == text


def test_a_long_opaque_value_after_token_colon_is_hidden() -> None:
    assert redact("token: ab12cd34ef") == f"token: {REDACTED}"


@pytest.mark.parametrize("text", ["token= granted=openid", "refresh token= scope=accounting.contacts"])
def test_an_empty_value_never_swallows_the_next_key(text: str) -> None:
    """A logged form with an empty ``token=`` keeps the next ``key=value`` readable."""
    assert redact(text) == text


@pytest.mark.parametrize("text", ["token_type=Bearer1234", '"token_type": "Bearer1234"',
                                  "secret_name=payroll-key"])
def test_a_key_that_only_starts_with_a_credential_word_stays(text: str) -> None:
    """``token_type``, ``secret_name``: the last word of the key decides, and it names no secret."""
    assert redact(text) == text


@pytest.mark.parametrize("text", ["error_code=AB12CD34EF", "status_code: 4f9a8b7c6d", "idempotency_key=4f9a8b7c6d5e",
                                  "sort_key=Za9bYc8dXe7f"])
def test_a_key_ending_in_code_or_key_that_names_no_credential_stays(text: str) -> None:
    """``error_code``, ``idempotency_key``: only ``code`` alone (the OAuth parameter) and the
    credential pairs (``api_key``, ``secret_key``, ``private_key``) hide their value."""
    assert redact(text) == text
