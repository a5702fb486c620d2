"""Redaction of the two credentials whose tests could not fail: HTTP Basic client credentials
(the base64 of ``id:secret`` never contains the secret, so "the secret is absent" proved
nothing) and PKCE code verifiers pasted as text; then the helpers for bodies, headers, URLs,
JWT claims and remembered values, each branch by a value a user would see leak or change."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator

import pytest

from xero_nb.redact import (
    REDACTED,
    REMEMBER_MAX,
    TOKEN_PLACEHOLDER,
    forget_secrets,
    jwt_claims,
    mask,
    redact,
    redact_body,
    redact_headers,
    redact_json,
    redact_url,
    remember_secret,
    scrub,
)

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


# -- the helpers for bodies, headers, URLs and the values the kernel holds ------------------------

def test_a_json_body_loses_its_token_fields_and_nothing_else() -> None:
    body = '\n  {"access_token": "tok-A1b2C3", "expires_in": 1800, "note": "echo Zx81kLmQ2pRt"}\n'
    assert redact_body(body, ["Zx81kLmQ2pRt"]) == (
        f'{{"access_token":"{REDACTED}","expires_in":1800,"note":"echo {REDACTED}"}}')
    assert redact_body('[{"refresh_token": "r-9f8e7d"}, 1]') == f'[{{"refresh_token":"{REDACTED}"}},1]'


def test_a_json_body_without_token_fields_is_shown_as_sent() -> None:
    body = '{"Code": "200", "Name": "Sales", "Notes": "a = b"}'
    assert redact_body(body) == body
    assert redact_body('{"Name": "Zx81kLmQ2pRt"}', ["Zx81kLmQ2pRt"]) == f'{{"Name": "{REDACTED}"}}'


def test_a_form_body_keeps_its_blank_fields_and_shows_the_marker_plainly() -> None:
    body = "grant_type=refresh_token&scope=&Refresh_Token=r-9f8e7d&client_id=abc"
    assert redact_body(body) == f"grant_type=refresh_token&scope=&Refresh_Token={REDACTED}&client_id=abc"
    assert redact_body("grant_type=x&note=Zx81kLmQ2pRt", ["Zx81kLmQ2pRt"]) == f"grant_type=x&note={REDACTED}"


@pytest.mark.parametrize("body", ["OK", "retry after=30 seconds", "{not json", "Zx81kLmQ2pRt\n"])
def test_a_body_that_is_neither_json_nor_a_form_is_shown_as_sent(body: str) -> None:
    assert redact_body(body) == body


def test_headers_show_the_scheme_only_and_drop_cookies_and_secrets() -> None:
    headers = [
        ("Authorization", "Bearer tok-A1b2C3"),
        ("PROXY-Authorization", "Basic Zm9vOmJhcg=="),
        ("authorization", "tok-without-scheme"),
        ("Authorization", 'Digest username="cid", realm="x", response="6629fae49393a05397450978507c4ef1"'),
        ("Cookie", "sid=abc"),
        ("Set-Cookie", "sid=abc; HttpOnly"),
        ("X-Client-Secret", "s3cr3t"),
        ("Accept", "application/json"),
        ("X-Echo", "saw Zx81kLmQ2pRt and Zx81kLmQ2pRt"),
    ]
    assert redact_headers(headers, iter(["Zx81kLmQ2pRt"])) == (
        ("Authorization", f"Bearer {TOKEN_PLACEHOLDER}"),
        ("PROXY-Authorization", f"Basic {TOKEN_PLACEHOLDER}"),
        ("authorization", f"Bearer {TOKEN_PLACEHOLDER}"),
        ("Authorization", f"Digest {TOKEN_PLACEHOLDER}"),
        ("Accept", "application/json"),
        ("X-Echo", f"saw {REDACTED} and {REDACTED}"),
    )


def test_a_url_keeps_its_blank_parameters_and_shows_the_marker_plainly() -> None:
    url = "http://127.0.0.1:8765/callback?state=&Code=Ab3dE6&session_state=s1"
    assert redact_url(url) == f"http://127.0.0.1:8765/callback?state=&Code={REDACTED}&session_state=s1"
    assert redact_url("https://h/p/Zx81kLmQ2pRt", ["Zx81kLmQ2pRt"]) == f"https://h/p/{REDACTED}"


def test_redact_json_replaces_token_fields_at_any_depth_only() -> None:
    value = {"Access_Token": "a", "items": [{"refresh_token": "r"}, {"Code": "200"}], "n": None}
    assert redact_json(value) == {"Access_Token": REDACTED, "items": [{"refresh_token": REDACTED},
                                                                      {"Code": "200"}], "n": None}


def test_scrub_replaces_values_of_four_characters_or_more_only() -> None:
    assert scrub("key wxyz", ["wxyz"]) == f"key {REDACTED}"
    assert scrub("the cat sat", ["at", ""]) == "the cat sat"  # a short value would eat words


def test_mask_shows_the_last_four_characters_of_long_values_only() -> None:
    assert mask(None) == "None" and mask("") == "None"
    assert mask("12345678") == "…"
    assert mask("123456789") == "…6789"


def _jwt(claims: object) -> str:
    def part(data: object) -> str:
        return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")
    return f"{part({'alg': 'RS256'})}.{part(claims)}.c2lnbmF0dXJl"


@pytest.mark.parametrize("claims", [
    {"abc": 1},  # a payload needing two "=" of padding
    {"a": 1},  # one "="
    {"ab": 1},  # none
    {"scope": ["openid", "accounting.transactions"], "exp": 1700000000},
])
def test_jwt_claims_reads_the_payload_whatever_its_padding(claims: dict[str, object]) -> None:
    assert jwt_claims(f" {_jwt(claims)}\n") == claims


def test_jwt_claims_of_a_non_object_payload_or_no_token_is_empty() -> None:
    assert jwt_claims(_jwt(["openid"])) == {}
    assert jwt_claims(None) == {} and jwt_claims("") == {}


@pytest.mark.parametrize("value", [
    "Zx81-kLmQ2pR",  # the shortest kept: 12 characters
    "abcdeabcdeabcde",  # five different characters are enough
    ("k7Qz-plain-VALUE-" * 500)[:8192],  # the longest kept
])
def test_remembered_values_at_the_limits_are_kept(value: str) -> None:
    remember_secret(value)
    assert redact(f"echo {value} .") == f"echo {REDACTED} ."


def test_a_remembered_value_inside_a_longer_one_hides_the_longer_whole() -> None:
    remember_secret("Zx81kLmQ2pRt")
    remember_secret("Zx81kLmQ2pRt-extended-part")
    assert redact("got Zx81kLmQ2pRt-extended-part") == f"got {REDACTED}"


def test_the_newest_remember_max_values_are_all_kept() -> None:
    for n in range(REMEMBER_MAX + 1):
        remember_secret(f"later-value-{n:04d}-abcdef")
    assert redact("later-value-0000-abcdef") == "later-value-0000-abcdef"  # the oldest went
    assert all(redact(f"later-value-{n:04d}-abcdef") == REDACTED for n in range(1, REMEMBER_MAX + 1))


def test_an_authorization_header_split_by_any_whitespace_shows_no_token() -> None:
    from xero_nb.redact import TOKEN_PLACEHOLDER, redact_headers

    for value in ("Bearer\teyJhbGciOi.secretpart more", " Bearer  eyJhbGciOi.secretpart", "Basic\tQWxhZGRpbjpvcGVu"):
        (_, shown), = redact_headers([("Authorization", value)])
        assert "secretpart" not in shown and "QWxhZGRpbjpvcGVu" not in shown, shown
        assert shown == f"{value.split()[0]} {TOKEN_PLACEHOLDER}"
    assert redact_headers([("Authorization", "eyJhbGciOi.secretpart")]) == (("Authorization", f"Bearer {TOKEN_PLACEHOLDER}"),)
