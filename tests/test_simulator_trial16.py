"""Trial 16's simulator defects: fragment redirect URIs (#6), malformed PKCE challenges (#7),
state and nonce in the call record (#16), consent in both entry points (#17), the Date header
in simulated time (#18) and the refresh-token grace period (#19)."""

from __future__ import annotations

import argparse
import base64
import hashlib
import importlib
import io
import runpy
import sys
from email.utils import formatdate, parsedate_to_datetime
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from sim_spy import Spy

import xero_nb.simulator as simulator_package
from xero_nb import facts
from xero_nb.auth import MemoryTokenStore
from xero_nb.auth.config import Settings
from xero_nb.auth.flow import XeroAuth
from xero_nb.errors import AuthError
from xero_nb.facts import ASSUMPTIONS, XeroURLs
from xero_nb.http import Client
from xero_nb.simulator import XeroSimulator
from xero_nb.simulator.authorize import with_query
from xero_nb.simulator.main import AUTO_APPROVE_HELP, CONSENT_HELP
from xero_nb.simulator.orgs import LOOPBACK_REDIRECT, POSTMAN_REDIRECTS

XERO = XeroURLs.xero()
T0 = 1_767_225_600.0  # 1 Jan 2026 00:00 UTC: every clock here is injected, never the wall's
VERIFIER = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"  # RFC 7636 appendix B
CHALLENGE = base64.urlsafe_b64encode(hashlib.sha256(VERIFIER.encode()).digest()).rstrip(b"=").decode()
SCOPES = "openid profile email offline_access accounting.settings.read"


@pytest.fixture
def sim() -> XeroSimulator:
    return XeroSimulator(limits=False, clock=lambda: T0)


def _query(location: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}


def _authorize(sim: XeroSimulator, app: str = "pkce", base: str = XERO.authorize, **params: str) -> Any:
    """GET the authorize endpoint (``base`` on 127.0.0.1: over the socket), no redirect followed."""
    query = {"response_type": "code", "client_id": sim.apps[app].client_id, "scope": SCOPES,
             "redirect_uri": LOOPBACK_REDIRECT, "state": "st-12345678", **params}
    transport = sim.transport() if base.startswith("https://") else None
    with Client(transport=transport, follow_redirects=False, trust_env=False) as http:
        return http.get(base, params=query)


# -- #6 a redirect URI with a fragment ------------------------------------------------------


@pytest.mark.parametrize("uri", [
    "http://127.0.0.1:9999/callback#frag",  # loopback, any port: the trial's case
    LOOPBACK_REDIRECT + "#frag",  # the registered URI itself, with a fragment
    LOOPBACK_REDIRECT + "#",  # an empty fragment is a fragment all the same (RFC 6749 §3.1.2)
    POSTMAN_REDIRECTS[0] + "#x",
])
def test_a_redirect_uri_with_a_fragment_gets_the_unregistered_uri_answer(sim: XeroSimulator,
                                                                         uri: str) -> None:
    unregistered = _authorize(sim, "web", redirect_uri="https://elsewhere.example/callback")
    assert unregistered.status_code == 400 and "Invalid redirect_uri" in unregistered.text
    fragment = _authorize(sim, "web", redirect_uri=uri, code_challenge=CHALLENGE,
                          code_challenge_method="S256")
    assert (fragment.status_code, fragment.text) == (unregistered.status_code, unregistered.text)
    assert "location" not in fragment.headers
    assert "<code>invalid_request</code> : Invalid redirect_uri" in fragment.text


def test_the_same_redirect_uri_without_the_fragment_still_gets_its_code(sim: XeroSimulator) -> None:
    ok = _authorize(sim, "web", redirect_uri="http://127.0.0.1:9999/callback")
    assert ok.status_code == 302
    location = ok.headers["location"]
    assert location.startswith("http://127.0.0.1:9999/callback?code=") and "#" not in location


def test_a_fragment_is_refused_over_the_socket_too(sim: XeroSimulator) -> None:
    with sim.serve() as srv:
        resp = _authorize(sim, "web", base=srv.urls.authorize,
                          redirect_uri="http://127.0.0.1:9999/callback#frag")
    assert resp.status_code == 400 and "location" not in resp.headers
    assert "Invalid redirect_uri" in resp.text


def test_with_query_never_puts_the_code_after_a_hash() -> None:
    assert with_query("http://a.example/cb#frag", {"code": "c", "state": None}) == \
        "http://a.example/cb?code=c#frag"
    assert with_query("http://a.example/cb?x=1#f", {"code": "c"}) == "http://a.example/cb?x=1&code=c#f"
    assert with_query("http://a.example/cb", {"code": "c"}) == "http://a.example/cb?code=c"


# -- #7 a malformed PKCE challenge ----------------------------------------------------------


@pytest.mark.parametrize("challenge", [
    "abc",  # the trial's
    CHALLENGE[:42],  # one short of RFC 7636's 43
    CHALLENGE + "=",  # base64 with its padding
    "A" * 129,  # one past 128
    CHALLENGE[:40] + "+/A",  # base64, not base64url
    CHALLENGE[:42] + " ",
])
@pytest.mark.parametrize("app", ["pkce", "web"])
def test_a_malformed_code_challenge_is_refused_with_invalid_request(
        sim: XeroSimulator, challenge: str, app: str) -> None:
    resp = _authorize(sim, app, code_challenge=challenge, code_challenge_method="S256")
    assert resp.status_code == 302
    back = _query(resp.headers["location"])
    assert back == {"error": "invalid_request", "error_description": "Invalid code_challenge",
                    "state": "st-12345678"}


@pytest.mark.parametrize("challenge", [CHALLENGE, "A" * 43, "a-b.c_d~" * 16])
def test_challenges_of_43_to_128_unreserved_characters_are_accepted(sim: XeroSimulator,
                                                                    challenge: str) -> None:
    resp = _authorize(sim, code_challenge=challenge, code_challenge_method="S256")
    assert resp.status_code == 302 and "code" in _query(resp.headers["location"])


def _sign_in_with(sim: XeroSimulator, challenge: str) -> Any:
    """Authorize with this S256 challenge, then exchange the code with VERIFIER: the token answer."""
    code = _query(_authorize(sim, code_challenge=challenge, code_challenge_method="S256")
                  .headers["location"])["code"]
    with Client(transport=sim.transport()) as http:
        return http.post(XERO.token, data={"grant_type": "authorization_code", "code": code,
                                           "client_id": sim.apps["pkce"].client_id,
                                           "redirect_uri": LOOPBACK_REDIRECT, "code_verifier": VERIFIER})


def test_a_hex_s256_challenge_passes_authorize_and_fails_the_code_exchange(sim: XeroSimulator) -> None:
    """As at Xero (IdentityServer checks only the length at authorize): the exchange is refused."""
    hex_challenge = hashlib.sha256(VERIFIER.encode()).hexdigest()  # 64 characters: a common bug
    resp = _sign_in_with(sim, hex_challenge)
    assert (resp.status_code, resp.json()) == (400, {"error": "invalid_grant"})


def test_a_well_formed_challenge_still_signs_in(sim: XeroSimulator) -> None:
    resp = _sign_in_with(sim, CHALLENGE)
    assert resp.status_code == 200 and resp.json()["refresh_token"]


# -- #16 state and nonce in the record ------------------------------------------------------


def test_the_record_masks_state_and_nonce_as_it_masks_codes(sim: XeroSimulator) -> None:
    state, nonce = "MYSTATEVALUE123", "NONCE123456"
    resp = _authorize(sim, "web", state=state, nonce=nonce)
    assert _query(resp.headers["location"])["state"] == state  # the client gets its state back
    code = _query(resp.headers["location"])["code"]
    (req, answer), = sim.calls
    seen = str(req.url) + answer.headers["location"]
    for value in (state, nonce, code):
        assert value not in seen
    recorded = _query(str(req.url))
    assert recorded["state"] == "***E123" and recorded["nonce"] == "***3456"
    assert recorded["scope"] == SCOPES  # what is no credential stays readable
    assert _query(answer.headers["location"])["state"] == "***E123"


def test_the_record_command_line_prints_no_state_or_nonce(sim: XeroSimulator,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    from xero_nb.cli.simulator import _print_new_calls

    _authorize(sim, "web", state="MYSTATEVALUE123", nonce="NONCE123456")
    _print_new_calls(sim.calls, None)
    out = capsys.readouterr().out
    assert "/identity/connect/authorize?" in out and "-> 302" in out
    assert "MYSTATEVALUE123" not in out and "NONCE123456" not in out


# -- #17 consent in both entry points -------------------------------------------------------


def _serve_one_sign_in(monkeypatch: pytest.MonkeyPatch, **options: Any) -> Any:
    """Run ``cmd_simulator`` until one authorize request has been answered over its socket."""
    import xero_nb.cli.simulator as live

    Spy.made = []
    monkeypatch.setattr(simulator_package, "XeroSimulator", Spy)
    answers: list[Any] = []

    class Clock:
        @staticmethod
        def sleep(seconds: float) -> None:
            sim = Spy.made[-1]
            answers.append(_authorize(sim, "web", base=sim.server.urls.authorize))
            raise KeyboardInterrupt

    monkeypatch.setattr(live, "time", Clock)
    args = argparse.Namespace(port=0, show_secrets=False, time_scale=1.0, no_limits=True, record=0,
                              **options)
    assert live.cmd_simulator(args) == 0
    return answers[0]


def test_the_cli_shows_the_consent_page_with_consent(monkeypatch: pytest.MonkeyPatch,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    resp = _serve_one_sign_in(monkeypatch, consent=True)
    assert resp.status_code == 200 and "Allow access" in resp.text and 'name="ticket"' in resp.text
    assert not Spy.made[-1].auto_approve
    assert "consent: the consent page is shown" in capsys.readouterr().out


def test_the_cli_still_approves_at_once_by_default(monkeypatch: pytest.MonkeyPatch,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    resp = _serve_one_sign_in(monkeypatch, consent=False)
    assert resp.status_code == 302 and "code" in _query(resp.headers["location"])
    assert Spy.made[-1].auto_approve
    assert "consent: approved at once, no consent page (--consent shows it)" in capsys.readouterr().out


def test_the_command_line_takes_consent_or_auto_approve_not_both(capsys: pytest.CaptureFixture[str]) -> None:
    from xero_nb.cli.parser import _parser

    parser = _parser("simulator")
    assert parser.parse_args(["simulator", "--consent"]).consent is True
    assert parser.parse_args(["simulator"]).consent is False
    assert parser.parse_args(["simulator", "--auto-approve"]).auto_approve is True
    with pytest.raises(SystemExit):
        parser.parse_args(["simulator", "--consent", "--auto-approve"])
    assert "not allowed with argument" in capsys.readouterr().err


def _python_m(monkeypatch: pytest.MonkeyPatch, *argv: str) -> tuple[int, dict[str, Any]]:
    """``python -m xero_nb.simulator ARGV`` in this process, its ``main`` replaced by a recorder."""
    entry = importlib.import_module("xero_nb.simulator.main")  # the package's `main` is the function
    called: dict[str, Any] = {}

    def fake_main(*args: Any, **kwargs: Any) -> int:
        called.update(kwargs, args=args)
        return 0

    monkeypatch.setattr(entry, "main", fake_main)
    monkeypatch.setattr(sys, "argv", ["python -m xero_nb.simulator", *argv])
    with pytest.raises(SystemExit) as done:
        runpy.run_module("xero_nb.simulator", run_name="__main__")
    return int(done.value.code or 0), called


@pytest.mark.parametrize(("argv", "auto"), [((), False), (("--consent",), False),
                                            (("--auto-approve",), True)])
def test_python_m_takes_both_consent_flags(monkeypatch: pytest.MonkeyPatch, argv: tuple[str, ...],
                                           auto: bool) -> None:
    code, called = _python_m(monkeypatch, *argv)
    assert code == 0 and called["auto_approve"] is auto


def test_python_m_refuses_both_consent_flags_at_once(monkeypatch: pytest.MonkeyPatch,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    code, called = _python_m(monkeypatch, "--consent", "--auto-approve")
    assert code == 2 and not called and "not allowed with" in capsys.readouterr().err


def test_python_m_help_says_what_the_cli_says(monkeypatch: pytest.MonkeyPatch,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("COLUMNS", "400")  # one line per option: the words compare whole
    code, _ = _python_m(monkeypatch, "--help")
    help_text = capsys.readouterr().out
    assert code == 0
    assert f"{CONSENT_HELP} (the default here)" in help_text
    assert f"{AUTO_APPROVE_HELP} (the default of `xero-nb simulator`)" in help_text


@pytest.mark.parametrize(("auto", "line"), [
    (False, "consent: the consent page is shown (--auto-approve skips it)"),
    (True, "consent: approved at once, no consent page (--consent shows it)")])
def test_python_m_banner_says_which_consent_it_gives(auto: bool, line: str) -> None:
    out = io.StringIO()
    simulator_package.main(port=0, out=out, block=False, auto_approve=auto)
    assert line in out.getvalue()


# -- #18 the Date header --------------------------------------------------------------------


def test_every_answer_is_dated_in_simulated_time(sim: XeroSimulator) -> None:
    sim.advance(3 * 86400 + 7.9)
    with Client(transport=sim.transport()) as http:
        answers = [http.get(XERO.connections), http.get(XERO.openid_configuration),
                   http.post(XERO.token, data={"grant_type": "password"}),
                   http.get(XERO.api_root + "/api.xro/2.0/Nowhere")]
    for resp in answers:
        assert resp.headers.get_list("date") == [formatdate(T0 + 3 * 86400 + 7, usegmt=True)]


def test_the_served_date_follows_the_time_scale_and_agrees_with_token_expired() -> None:
    wall = [T0]
    sim = XeroSimulator(limits=False, clock=lambda: wall[0], time_scale=600)
    tok = sim.issue_token(scopes=["accounting.settings.read"])
    wall[0] += 4  # four real seconds: forty simulated minutes, past the token's 30
    with sim.serve() as srv, Client(trust_env=False) as http:
        resp = http.get(srv.url + "/connections",
                        headers={"Authorization": "Bearer " + tok["access_token"]})
    assert resp.status_code == 401 and "TokenExpired" in resp.text
    dates = resp.headers.get_list("date")
    assert dates == [formatdate(T0 + 2400, usegmt=True)]  # one Date: the server adds none of its own
    expired_at = T0 + facts.ACCESS_TOKEN_SECONDS
    assert parsedate_to_datetime(dates[0]).timestamp() - expired_at == 600


# -- #19 the refresh-token grace period -----------------------------------------------------


def _refresh(sim: XeroSimulator, token: str) -> tuple[int, str]:
    web = sim.apps["web"]
    with Client(transport=sim.transport(), auth=(web.client_id, web.client_secret or "")) as http:
        resp = http.post(XERO.token, data={"grant_type": "refresh_token", "refresh_token": token})
    body = resp.json()
    return resp.status_code, body.get("refresh_token") or body.get("error", "")


def test_the_trials_sequence_no_longer_branches(sim: XeroSimulator) -> None:
    r0 = sim.issue_token(scopes=SCOPES.split())["refresh_token"]
    status, r1 = _refresh(sim, r0)
    assert status == 200
    sim.advance(60)
    status, r1b = _refresh(sim, r0)  # the answer with R1 never arrived: the retry is allowed
    assert status == 200 and r1b not in (r0, r1)
    sim.advance(60)
    status, r2 = _refresh(sim, r1)  # R1 used: R0 is done
    assert status == 200 and r2 not in (r0, r1, r1b)
    sim.advance(60)  # well inside the 30-minute grace period
    assert _refresh(sim, r0) == (400, "invalid_grant")
    assert _refresh(sim, r1)[0] == 200  # R1's own retry: R2 is still unused
    assert _refresh(sim, r1b)[0] == 200  # the retry's token is a token the client may hold


def test_a_lost_answer_may_be_retried_until_the_grace_period_ends(sim: XeroSimulator) -> None:
    r0 = sim.issue_token(scopes=SCOPES.split())["refresh_token"]
    for _ in range(3):  # answer after answer lost: each retry works while no new token is used
        assert _refresh(sim, r0)[0] == 200
        sim.advance(facts.REFRESH_GRACE_SECONDS / 4)
    sim.advance(facts.REFRESH_GRACE_SECONDS / 4 + 1)
    assert _refresh(sim, r0) == (400, "invalid_grant")


def test_a_second_store_refreshing_the_same_token_set_gets_invalid_grant(sim: XeroSimulator) -> None:
    """Xero facts §4 and §9 #4: two stores refreshing one token set; the loser gets invalid_grant."""
    web = sim.apps["web"]
    settings = Settings(client_id=web.client_id, client_secret=web.client_secret,
                        redirect_uri=LOOPBACK_REDIRECT, scopes=tuple(SCOPES.split()), era=web.era)

    def store_of(token: Any = None) -> XeroAuth:
        store = MemoryTokenStore(clock=sim.clock)
        if token is not None:
            store.save(token)
        return XeroAuth(settings, store=store, transport=sim.transport(), clock=sim.clock)

    first = store_of()
    with Client(transport=sim.transport(), follow_redirects=False) as browser:
        signed_in = first.complete(browser.get(first.authorize_url()).headers["location"])
    second = store_of(signed_in)  # another process's own copy of the same token set
    first.refresh()
    sim.advance(5 * 60)
    first.refresh()  # the new refresh token used: the one both stores began with is done
    sim.advance(5 * 60)  # ten minutes in: inside the old grace window
    with pytest.raises(AuthError) as refused:
        second.refresh()
    assert refused.value.code == "invalid_grant"


def test_the_rule_is_a_labelled_assumption() -> None:
    grace = next(a for a in ASSUMPTIONS if a.key == "refresh_grace_reuse")
    assert grace.confidence == "uncertain"
    for known in ("if no response arrives, the old refresh token can be retried for 30 min",
                  "several token stores refreshing the same token set get invalid_grant",
                  "once its successor has been used, the old one gets invalid_grant"):
        assert known in grace.assumption
