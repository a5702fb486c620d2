"""xero-python keeps the first ``Configuration`` made in a process: a later one's credentials are
ignored, so a secret corrected in a notebook cell still fails with invalid_client.

``Configuration`` has a metaclass (``TypeWithDefault``) whose call returns a copy of the first
instance ever made, whatever is passed: ``Configuration(oauth2_token=OAuth2Token(client_id=...,
client_secret=...))`` after the first keeps the first OAuth2Token. In a Jupyter kernel the user
who fixes a wrong secret and runs the cell again gets the same invalid_client. Pinned here against
the SDK itself (the day it changes, this says so), end to end against the served simulator, and
the fix that diagnose() gives for a xero-python invalid_client names it.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
from xero_python.api_client import ApiClient
from xero_python.api_client.configuration import Configuration
from xero_python.api_client.oauth2 import OAuth2Token, TokenApi

from xero_nb.diagnose.diagnosis import diagnose
from xero_nb.simulator import XeroSimulator


@pytest.fixture
def fresh_default() -> Iterator[None]:
    """Each test starts as a new process does: no Configuration made yet (and leaves it so)."""
    Configuration.set_default(None)
    yield
    Configuration.set_default(None)


def test_a_later_configuration_keeps_the_first_ones_credentials(fresh_default: None) -> None:
    Configuration(oauth2_token=OAuth2Token(client_id="first-app", client_secret="first"))
    later = Configuration(oauth2_token=OAuth2Token(client_id="second-app", client_secret="second"))
    assert later.oauth2_token.client_id == "first-app"


def _client(config: Configuration, token: dict[str, Any]) -> ApiClient:
    return ApiClient(config, pool_threads=1, oauth2_token_getter=lambda: token,
                     oauth2_token_saver=token.update)


def test_a_corrected_secret_in_a_new_configuration_still_fails_and_diagnose_says_why(
        fresh_default: None) -> None:
    sim = XeroSimulator()
    app = sim.apps["web"]
    assert app.client_secret
    issued = sim.issue_token(scopes=["openid", "offline_access", "accounting.settings.read"], app="web")
    first_refresh = issued["refresh_token"]
    token = {**issued, "expires_at": time.time() - 60, "scope": issued["scope"].split()}
    with sim.serve() as server, pytest.MonkeyPatch.context() as mp:
        mp.setattr(TokenApi, "refresh_token_url", server.url + "/connect/token")
        wrong = _client(Configuration(oauth2_token=OAuth2Token(client_id=app.client_id,
                                                               client_secret="wrong-secret")), token)
        with pytest.raises(Exception) as first:
            wrong.refresh_oauth2_token()
        # The user corrects the secret the way the SDK's README builds a client: a new Configuration.
        right = OAuth2Token(client_id=app.client_id, client_secret=app.client_secret)
        corrected = _client(Configuration(oauth2_token=right), token)
        with pytest.raises(Exception) as again:
            corrected.refresh_oauth2_token()
        for raised in (first.value, again.value):
            assert "invalid_client" in str(raised)
        d = diagnose(again.value)
        assert d.top.code == "invalid_client", d.codes
        step = next(s for s in d.top.fix if "Configuration" in s)
        assert "first" in step and "api_client.configuration.oauth2_token" in step
        assert app.client_secret not in d.to_markdown()
        # The step's way out works: the client's own configuration given the corrected token.
        corrected.configuration.oauth2_token = right
        refreshed = corrected.refresh_oauth2_token()
    assert refreshed is not None and refreshed["refresh_token"] != first_refresh
