"""The JWT view: verification against a JWKS, claim rows, the requested/granted/needed diff."""

from __future__ import annotations

import base64
from typing import Any

import pytest
from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey

from xero_nb.auth.jwt import JWTView, claim_rows, rows_as_dicts, scope_diff, verify_jwt
from xero_nb.facts import AUDIENCE, ISSUER

NOW = 1_800_000_000


@pytest.fixture(scope="module")
def keys() -> tuple[RSAKey, dict[str, Any], RSAKey]:
    good = RSAKey.generate_key(2048, parameters={"kid": "k1"})
    other = RSAKey.generate_key(2048, parameters={"kid": "k1"})
    return good, KeySet([good]).as_dict(private=False), other


def sign(key: RSAKey, **claims: Any) -> str:
    base = {"iss": ISSUER, "aud": AUDIENCE, "exp": NOW + 600, "nbf": NOW - 10,
            "xero_userid": "u-1", "authentication_event_id": "ev-9", "client_id": "CID",
            "scope": ["openid", "accounting.settings.read"]}
    base.update(claims)
    return jwt.encode({"alg": "RS256", "kid": "k1"}, base, key)


def test_a_good_access_token_verifies(keys: Any) -> None:
    good, jwks, _ = keys
    view = verify_jwt(sign(good), jwks, clock=lambda: NOW)
    assert view.verified and view.problems == () and view.header["alg"] == "RS256"
    assert view.claims["authentication_event_id"] == "ev-9"


def test_signed_by_another_key_does_not_verify(keys: Any) -> None:
    _, jwks, other = keys
    token = sign(other)
    view = verify_jwt(token, jwks, clock=lambda: NOW)
    assert not view.verified and "signature" in view.problems[0]
    assert token not in view.problems[0]
    assert view.claims["client_id"] == "CID"  # still shown, marked unverified


@pytest.mark.parametrize(("claims", "kind", "audience", "problem"), [
    ({"exp": NOW - 1}, "access", None, "expired"),
    ({"iss": "https://evil.example"}, "access", None, "issuer"),
    ({"aud": "someone-else"}, "access", None, "audience"),
    ({"aud": "CID"}, "id", "OTHER", "audience"),
])
def test_claim_problems_are_values(keys: Any, claims: dict[str, Any], kind: str,
                                   audience: str | None, problem: str) -> None:
    good, jwks, _ = keys
    view = verify_jwt(sign(good, **claims), jwks, kind=kind, audience=audience, clock=lambda: NOW)
    assert not view.verified and problem in view.problems[0]


def test_id_token_audience_is_the_client(keys: Any) -> None:
    good, jwks, _ = keys
    view = verify_jwt(sign(good, aud="CID"), jwks, kind="id", audience="CID", clock=lambda: NOW)
    assert view.verified


def test_bad_jwks_and_garbage_tokens_are_values(keys: Any) -> None:
    good, jwks, _ = keys
    assert not verify_jwt(sign(good), {"keys": [{"kty": "nope"}]}).verified
    assert not verify_jwt("not.a.jwt", jwks).verified


def test_claim_rows_are_a_small_ordered_table() -> None:
    rows = claim_rows({"exp": NOW + 720, "xero_userid": "u-1", "client_id": "CID",
                       "authentication_event_id": "ev", "scope": ["b.read", "a"], "jti": "x"},
                      clock=lambda: NOW)
    assert [r.label for r in rows] == ["user", "auth event", "client", "expires", "scopes"]
    assert rows[3].value.endswith("(in 12 min)") and rows[4].value == "a b.read"
    assert rows_as_dicts(rows)[0] == {"label": "user", "claim": "xero_userid", "value": "u-1",
                                      "meaning": rows[0].meaning}


def test_scope_diff_requested_granted_needed() -> None:
    rows = {r.scope: r for r in scope_diff(
        requested="openid accounting.contacts.read accounting.invoices",
        granted=["openid", "accounting.contacts.read", "accounting.settings"],
        needed=["accounting.contacts.read", "accounting.invoices", "accounting.payments.read"])}
    assert rows["accounting.contacts.read"].note == "ok"
    assert "not granted" in rows["accounting.invoices"].note
    assert "not requested" in rows["accounting.payments.read"].note
    assert "without being requested" in rows["accounting.settings"].note
    assert rows["openid"].requested and rows["openid"].granted and not rows["openid"].needed
    order = [r.scope for r in scope_diff("a", "a", ["a", "b"])]
    assert order == ["b", "a"]  # problems first


ODD_TIMES = {"1e20": 1e20, "NaN": float("nan"), "inf": float("inf"), "-1e20": -1e20,
             "5000 digits": 10**5000, "text": "soon", "a list": [1], "a bool": True}


@pytest.mark.parametrize("name", sorted(ODD_TIMES))
def test_a_time_no_calendar_holds_is_shown_invalid_never_raised(keys: Any, name: str) -> None:
    good, jwks, _ = keys
    exp = ODD_TIMES[name]
    signable = 1e300 if name == "5000 digits" else exp  # JSON cannot carry the int itself
    view = verify_jwt(sign(good, exp=signable), jwks, clock=lambda: NOW)
    assert not view.verified and "exp is not a valid time" in view.problems
    direct = JWTView("access", False, (), claims={"exp": exp, "iat": exp, "sub": exp})
    for rows in (view.rows(clock=lambda: NOW), direct.rows(clock=lambda: NOW)):
        expires = next(r for r in rows if r.claim == "exp")
        assert expires.value.startswith("invalid:") and "not a time" in expires.value


def test_a_good_time_is_still_shown_as_a_date(keys: Any) -> None:
    rows = claim_rows({"exp": NOW + 60, "iat": NOW - 120}, clock=lambda: NOW)
    assert [r.value for r in rows] == ["2027-01-15 07:58:00 UTC (2 min ago)",
                                       "2027-01-15 08:01:00 UTC (in 1 min)"]


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


@pytest.mark.parametrize("part", ["header", "payload"])
def test_json_nested_100000_deep_is_a_problem_not_a_recursion_error(keys: Any, part: str) -> None:
    _, jwks, _ = keys
    deep = _b64(b'{"a":' + b"[" * 100_000 + b"]" * 100_000 + b"}")
    plain = _b64(b'{"alg":"RS256","kid":"k1"}')
    token = f"{deep}.{plain}.c2ln" if part == "header" else f"{plain}.{deep}.c2ln"
    view = verify_jwt(token, jwks, clock=lambda: NOW)
    assert not view.verified and "nests" in view.problems[0] and view.claims == {}


def test_an_odd_scope_claim_is_shown_invalid() -> None:
    rows = claim_rows({"scope": [["nested"]], "name": 10**5000}, clock=lambda: NOW)
    assert [r.value for r in rows] == ["a number too long to show", "invalid: not a scope list"]
