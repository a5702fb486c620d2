"""Credentials written into an error message right after their name, with no "is" or "=" between
("refresh token 8a7b... is invalid", Xero's and libraries' error_description style): hidden in
the text, and so in every diagnosis, report and notebook output made from it."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from xero_nb.diagnose import diagnose
from xero_nb.redact import REDACTED, forget_secrets, redact

REFRESH = "8a7b6c5d4e3f2a1b0c9d8e7f6a5b4c3d2e1f0a9b"
SECRET = "Sup3rS3cretV4lue99xq"
CODE = "4f9c2a7b1d3e5f60aa"


@pytest.fixture(autouse=True)
def _nothing_remembered() -> Iterator[None]:
    forget_secrets()  # the words alone must hide these values
    yield
    forget_secrets()


@pytest.mark.parametrize(("text", "value"), [
    (f"refresh token {REFRESH} is invalid", REFRESH),
    (f"Refresh_Token {REFRESH} was revoked", REFRESH),
    (f"client secret {SECRET} does not match", SECRET),
    (f"the access token {REFRESH} has expired", REFRESH),
    (f"authorization code {CODE} has expired", CODE),
    (f"code {CODE} already used", CODE),
    (f"code {CODE} was already redeemed", CODE),
    (f"api key {SECRET} rejected", SECRET),
])
def test_a_credential_right_after_its_name_is_hidden(text: str, value: str) -> None:
    out = redact(text)
    assert value not in out and REDACTED in out
    assert out.split(REDACTED)[0] == text.split(value)[0]  # the words before it stay


@pytest.mark.parametrize("text", [
    "refresh token expired", "the refresh token is invalid", "refresh token has-expired",
    "refresh token accounting.transactions", "Error code E12345678X", "error code 50012345 returned",
    "code 12345678 expired", "client secret mismatch", "access token Unauthorized",
])
def test_words_and_error_codes_after_the_name_stay(text: str) -> None:
    """Only a value with letters and digits both, eight characters or more, is taken for one;
    a bare "code" only before the words an OAuth code is said with."""
    assert redact(text) == text


def test_no_surface_of_a_diagnosis_shows_a_credential_from_error_description() -> None:
    body = json.dumps({"error": "invalid_grant", "error_description": f"refresh token {REFRESH} is invalid"})
    d = diagnose(text=body)
    assert d.top.code == "invalid_grant"
    shown = [repr(d), d._repr_html_(), d.observed.summary(), *(e for f in d.findings for e in f.evidence)]
    assert not [s for s in shown if REFRESH in s]


def test_the_cli_diagnosis_and_report_hide_it(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    from xero_nb.cli import main

    paste = tmp_path / "error.json"
    paste.write_text(json.dumps({"error": "invalid_client",
                                 "error_description": f"client secret {SECRET} does not match"}))
    for argv in (["diagnose", str(paste)], ["report", "--error-file", str(paste)]):
        assert main(argv) == 0
        out, err = capsys.readouterr()
        assert SECRET not in out + err and REDACTED in out
