"""Trial 16: the HTTP version after a token endpoint's path is no credential; the value after
"token" still is."""

from __future__ import annotations

import logging

import pytest

from xero_nb.auth.logs import install_log_redaction
from xero_nb.redact import REDACTED, redact

REQUEST_LINE = 'HTTP Request: POST https://identity.xero.com/connect/token "HTTP/1.1 200 OK"'


@pytest.mark.parametrize("text", [
    "token HTTP/1.1",
    "token http/1.0 sent",
    "POST /connect/token HTTP/2",
    REQUEST_LINE,
    "refresh token HTTP/1.1 400 Bad Request",
])
def test_an_http_version_after_token_is_kept(text: str) -> None:
    assert redact(text) == text


@pytest.mark.parametrize(("text", "hidden"), [
    ("token HTTP/1.1abc9xyz", "HTTP/1.1abc9xyz"),
    ("token Ab12cd34ef56gh78", "Ab12cd34ef56gh78"),
    ("refresh token 8a7b6c5d4e3f2a1b expired", "8a7b6c5d4e3f2a1b"),
])
def test_a_credential_after_token_is_still_hidden(text: str, hidden: str) -> None:
    out = redact(text)
    assert hidden not in out and REDACTED in out


def test_the_httpx_log_line_for_the_token_endpoint_shows_its_status(
        caplog: pytest.LogCaptureFixture) -> None:
    install_log_redaction()
    with caplog.at_level(logging.INFO, logger="httpx2"):
        logging.getLogger("httpx2").info('HTTP Request: %s %s "%s %d %s"', "POST",
                                         "https://identity.xero.com/connect/token", "HTTP/1.1",
                                         200, "OK")
    assert caplog.records[-1].getMessage() == REQUEST_LINE
