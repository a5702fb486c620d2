"""An OAuth library's own refusal (oauthlib, under requests-oauthlib and pyxero) is not Xero's answer.

oauthlib's errors carry a class-default ``status_code`` of 400 even when no request was sent
(``InsecureTransportError`` for an http URL) or nothing usable came back (``MissingTokenError``):
the status is not read from them, and the fix is on the caller's side.
"""

from __future__ import annotations

import pytest
from oauthlib.oauth2.rfc6749.errors import (
    InsecureTransportError,
    InvalidGrantError,
    MismatchingStateError,
    MissingTokenError,
)

from xero_nb.diagnose.client_side import CLIENT_SIDE
from xero_nb.diagnose.diagnosis import diagnose


@pytest.mark.parametrize(("error", "name"), [
    (InsecureTransportError(), "insecure_transport"),
    (MissingTokenError(), "missing_token"),
    (MismatchingStateError(), "mismatching_state"),
])
def test_the_object_is_told_as_the_callers_own_error(error: Exception, name: str) -> None:
    d = diagnose(error)
    assert d.observed.status is None  # oauthlib's 400 is a class default, not Xero's answer
    assert d.top.code == "unknown"
    assert (d.top.title, d.top.fix[0]) == CLIENT_SIDE[name]
    printed = diagnose(text=f"oauthlib.oauth2.rfc6749.errors.{type(error).__name__}: {error}")
    assert (printed.top.title, printed.top.fix[0]) == CLIENT_SIDE[name]


def test_the_words_of_each_refusal() -> None:
    assert CLIENT_SIDE["insecure_transport"] == (
        "oauthlib refused to send the request: OAuth 2 needs https, and the URL is http",
        "Use the https URL; only for a local test server (such as the simulator) set "
        "OAUTHLIB_INSECURE_TRANSPORT=1 in that process.")
    text = diagnose(text="requests_oauthlib: MissingTokenError: (missing_token) Missing access token parameter.")
    assert text.top.title.startswith("The token endpoint's answer held no access_token")


def test_an_answer_from_xero_keeps_its_status() -> None:
    d = diagnose(InvalidGrantError())  # raised from Xero's {"error": "invalid_grant"}
    assert d.observed.status == 400 and d.top.code == "invalid_grant"
    assert diagnose(text='{"error":"insecure"}').top.title != CLIENT_SIDE["insecure_transport"][0]


def test_the_error_attribute_alone_names_the_refusal() -> None:
    class Refused(Exception):  # a wrapper that keeps oauthlib's error name but prints nothing
        error = "missing_token"

        def __str__(self) -> str:
            return ""

    d = diagnose(Refused())
    assert (d.top.title, d.top.fix[0]) == CLIENT_SIDE["missing_token"]
