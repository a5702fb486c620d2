"""An expired token is refreshed with the SDK's own call, named after the SDK that printed it."""

from __future__ import annotations

import json

import pytest
from xero_python.exceptions import AccessTokenExpiredError

from xero_nb.diagnose.diagnosis import diagnose
from xero_nb.diagnose.sdk_steps import REFRESH

BODY = ('{"Type":null,"Title":"Unauthorized","Status":401,"Detail":"TokenExpired: token expired at '
        '11/30/2026 17:06:38"}')
XERO_PYTHON = ("(401)\nReason: Unauthorized\nHTTP response headers: HTTPHeaderDict({'Content-Type': "
               f"'application/json'}})\nHTTP response body: b'{BODY}'\n")
PYXERO = "xero.exceptions.XeroUnauthorized: TokenExpired: token expired at 11/30/2026 17:06:38"
XERO_NODE = json.dumps(json.dumps({"response": {"statusCode": 401, "body": json.loads(BODY)},
                                   "body": json.loads(BODY)}, separators=(",", ":")))


@pytest.mark.parametrize(("pasted", "sdk"), [
    (XERO_PYTHON, "xero-python"), (PYXERO, "pyxero"), (XERO_NODE, "xero-node"), (BODY, "xero-nb"),
    ("Traceback (most recent call last):\n  File \"/venv/site-packages/requests_oauthlib/oauth2_session.py\", "
     "line 477, in request\n    raise TokenExpiredError()\n"
     "oauthlib.oauth2.rfc6749.errors.TokenExpiredError: (token_expired) ", "requests-oauthlib"),
])
def test_the_refresh_step_names_the_sdks_own_call(pasted: str, sdk: str) -> None:
    d = diagnose(text=pasted)
    assert d.top.code == "token_expired" and d.observed.library == (None if sdk == "xero-nb" else sdk)
    assert d.top.fix[0] == f"Refresh the access token ({REFRESH[sdk]}) and retry."


def test_the_exception_object_and_xero_nodes_parsed_error_name_their_sdk() -> None:
    d = diagnose(AccessTokenExpiredError("Access Token has expired"))
    assert d.top.code == "token_expired" and "api_client.refresh_oauth2_token()" in d.top.fix[0]
    node = diagnose(json.loads(json.loads(XERO_NODE)))
    assert node.observed.library == "xero-node" and "xero.refreshToken()" in node.top.fix[0]


def test_a_token_with_offline_access_is_told_to_use_its_refresh_token() -> None:
    held = diagnose(text=BODY, granted="openid offline_access accounting.contacts.read")
    assert held.top.fix[1] == ("The token was issued with offline_access, so a refresh token came "
                               "with it: use the one stored after the last refresh (each refresh "
                               "returns a new one).")
    # no offline_access among the scopes given: there is no refresh token, so signing in comes first
    none = diagnose(text=BODY, granted="openid accounting.contacts.read").top
    assert none.fix[0].startswith("The token was issued without offline_access, so there is no refresh "
                                  "token: sign in again.")
    assert "Refresh the access token" not in none.fix[0]
    assert diagnose(text=BODY).top.fix[1].startswith("If the token was issued without offline_access")


def test_a_refused_client_is_fixed_in_the_sdks_terms() -> None:
    from xero_nb.diagnose.sdk_steps import CLIENT_STEPS

    refused = ("(400)\nReason: Bad Request\nHTTP response headers: HTTPHeaderDict({'Content-Type': "
               "'application/json'})\nHTTP response body: b'{\"error\":\"invalid_client\"}'\n")
    d = diagnose(text=refused)
    assert d.top.code == "invalid_client" and d.top.fix[1] == CLIENT_STEPS["xero-python"]
    assert not any(step.startswith("Send them as HTTP Basic auth") for step in d.top.fix)
    node = diagnose(json.loads('{"response":{"statusCode":400,"body":{"error":"invalid_client"}}}'))
    assert node.top.fix[1] == CLIENT_STEPS["xero-node"]
    own = diagnose(text='{"error":"invalid_client"}')  # xero-nb's own client, or unknown: the protocol
    assert own.top.fix[1].startswith("Send them as HTTP Basic auth to the token endpoint")


def test_the_redirect_uri_step_leads_when_the_words_name_it() -> None:
    d = diagnose(text='{"error":"invalid_client","error_description":"bad redirect URI"}')
    assert d.top.code == "invalid_client"
    assert d.top.fix[0].startswith("The redirect URI must match one registered for the app exactly")
    assert len(d.top.fix) == 3  # reordered, nothing lost or repeated


@pytest.mark.parametrize(("said", "named"), [
    ("unauthorized_client : Invalid redirect_uri", "Register the redirect URI sent at"),
    ("Sorry, something went wrong\nunauthorized_client : Invalid redirect_uri\n\nhttps://login.xero.com/"
     "identity/connect/authorize?response_type=code&client_id=ABC&redirect_uri=https%3A%2F%2Foauth.pstmn.io"
     "%2Fv1%2Fcallback&scope=openid", "Register https://oauth.pstmn.io/v1/callback at"),
])
def test_a_redirect_uri_xero_calls_invalid_is_the_whole_finding(said: str, named: str) -> None:
    """Xero named the redirect URI: the credentials and how they are sent are not in question."""
    d = diagnose(text=said)
    assert d.top.code == "invalid_client"
    assert d.top.title == "Xero refused the redirect URI: it is not one registered for the app"
    assert d.top.fix[0].startswith("The redirect URI must match") and d.top.fix[1].startswith(named)
    assert len(d.top.fix) == 2


def test_the_client_id_step_leads_otherwise() -> None:
    assert diagnose(text='{"error":"invalid_client"}').top.fix[0].startswith("Copy the client id")
