"""What a fresh user's trial of ``xero-nb`` ran into: each test is what they saw, and what they
should see instead (stdout/stderr and the exit code)."""

from __future__ import annotations

import argparse
import socket
from pathlib import Path

import pytest
from test_cli import run

from xero_nb.cli import fast
from xero_nb.cli import main as cli_main
from xero_nb.cli.helpers import FAILED, LOOKUP, OK, USAGE
from xero_nb.cli.parser import ARGUMENTS, _parser
from xero_nb.cli.parser import main as full_main

CYRILLIC_A = "\u0430"  # looks like a Latin a
GREEK_IOTA = "\u0399"  # looks like a Latin I
ZERO_WIDTH_SPACE = "\u200b"


def first_line(out: str) -> str:
    return out.strip().splitlines()[0]


# 1. request lines as loggers print them

LOGGED = [
    ("GET https://api.xero.com/api.xro/2.0/Invoices HTTP/1.1", "GET /Invoices"),
    ('HTTP Request: GET https://api.xero.com/api.xro/2.0/Contacts?page=1 "HTTP/1.1 401 Unauthorized"',
     "GET /Contacts"),
    ('INFO:httpx:HTTP Request: PUT https://api.xero.com/api.xro/2.0/Invoices "HTTP/2 200 OK"',
     "PUT /Invoices"),
    ('https://api.xero.com:443 "GET /api.xro/2.0/Accounts HTTP/1.1" 200 None', "GET /Accounts"),
]


@pytest.mark.parametrize(("line", "meant"), LOGGED)
def test_scopes_for_reads_a_logged_request_line(capsys: pytest.CaptureFixture[str], line: str,
                                                meant: str) -> None:
    code, out, err = run(capsys, "scopes-for", line)
    method, path = meant.split()
    assert code == OK and err == ""
    assert first_line(out).startswith(f"{method} https://api.xero.com/api.xro/2.0{path}  (accounting.")


def test_scopes_for_reads_a_logged_url_after_its_method(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["scopes-for", "GET", 'https://api.xero.com/api.xro/2.0/Contacts?page=1 "HTTP/1.1 401 Unauthorized"']
    code, out, _ = run(capsys, *argv)
    assert code == OK and "(accounting.getContacts)" in first_line(out)
    # the fast path leaves such a line to the parser, so the two still say the same
    assert fast.scopes_for(argv) is None
    assert full_main(argv) == OK and capsys.readouterr().out == out


def test_coverage_require_reads_logged_request_lines(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "coverage", "--granted", "accounting.settings.read", "--require",
                         LOGGED[0][0], 'HTTP Request: GET https://api.xero.com/api.xro/2.0/Accounts '
                         '"HTTP/1.1 200 OK"')
    assert code == FAILED, err
    assert "NO  GET /Invoices  accounting.invoices.read" in out
    assert "yes  GET /Accounts" in out
    assert "add: accounting.invoices.read" in err


# 2. an empty endpoint is a usage error that says what to give

@pytest.mark.parametrize("argv", [[""], ["  "], ["GET", ""], ["GET", " "], ["", "/Invoices"]])
def test_scopes_for_an_empty_endpoint_is_a_usage_error(capsys: pytest.CaptureFixture[str],
                                                        argv: list[str]) -> None:
    code, out, err = run(capsys, "scopes-for", *argv)
    assert code == USAGE and out == ""
    assert "no Xero endpoint matches" not in err
    assert "empty endpoint" in err and "scopes-for GET /Invoices" in err


def test_scopes_for_a_method_alone_asks_for_the_url(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "scopes-for", "GET")
    assert code == USAGE and "needs the URL too" in err and "no Xero endpoint" not in err


# 3. a mistyped method, or one the path does not take

def test_a_mistyped_method_gets_a_did_you_mean(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "scopes-for", "GRT", "/Invoices")
    assert code == LOOKUP
    assert "GRT is not an HTTP method; did you mean GET?" in err
    assert "(/Invoices takes GET, PUT, POST)" in err


def test_a_method_the_path_does_not_take_lists_the_ones_it_does(
        capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "scopes-for", "DELETE", "/Invoices")
    assert code == LOOKUP and "no Xero endpoint matches DELETE /Invoices — /Invoices takes GET, PUT, POST" in err
    code, _, err = run(capsys, "coverage", "--require", "PATCH:/Invoices/abc")
    assert code == LOOKUP and "/Invoices/{InvoiceID} takes GET, POST" in err


# 4. Unicode look-alikes

def test_a_look_alike_letter_in_a_scope_is_pointed_out(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "coverage", "--granted", CYRILLIC_A + "ccounting.settings.read")
    assert code == OK  # carried and noted (the table is still shown), never a refusal
    assert 'did you mean "accounting.settings.read"?' in err
    assert (f"contains a non-ASCII character '{CYRILLIC_A}' (U+0430 CYRILLIC SMALL LETTER A) "
            "at position 1") in err


def test_a_look_alike_or_invisible_character_in_a_url_is_pointed_out(
        capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "scopes-for", "GET", f"https://api.xero.com/api.xro/2.0/{GREEK_IOTA}nvoices")
    assert code == LOOKUP
    assert (f"the URL contains a non-ASCII character '{GREEK_IOTA}' (U+0399 GREEK CAPITAL LETTER IOTA) "
            "at position 34") in err
    assert "did you mean /Invoices?" in err
    code, _, err = run(capsys, "scopes-for", "GET", f"/Invoices{ZERO_WIDTH_SPACE}")
    assert code == LOOKUP
    assert "an invisible non-ASCII character (U+200B ZERO WIDTH SPACE) at position 10" in err


# 5. migrate: an empty list, and a list with nothing to migrate

@pytest.mark.parametrize("given", ["", " ", ","])
def test_migrate_with_no_scope_is_a_usage_error(capsys: pytest.CaptureFixture[str], given: str) -> None:
    code, out, err = run(capsys, "migrate", "--granted", given)
    assert code == USAGE and out == ""
    assert "--granted got no scope" in err


def test_migrate_of_granular_scopes_says_there_is_nothing_to_migrate(
        capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "migrate", "--granted", "accounting.invoices.read")
    assert code == OK
    assert out.startswith("nothing to migrate: these scopes are already granular")
    assert "reachable through -" not in out and "Request now" not in out
    code, out, _ = run(capsys, "migrate", "--granted", "accounting.transactions")  # still a plan
    assert code == OK and "## Migration to granular scopes" in out


# 6. probe: a broad scope on a granular-era app

def test_probe_says_a_broad_scope_grants_nothing_to_a_granular_era_app(
        capsys: pytest.CaptureFixture[str], no_xero_app: None) -> None:
    code, _, err = run(capsys, "probe", "--app", "custom", "--granted", "accounting.transactions",
                       "--quiet")
    assert code == FAILED
    assert "openid, profile, email and offline_access call no API" not in err
    assert "accounting.transactions is a broad scope" in err
    assert "in the granular era" in err and "broad scopes grant nothing" in err
    code, _, err = run(capsys, "probe", "--app", "custom", "--granted", "openid", "--quiet")
    assert code == FAILED and "openid, profile, email and offline_access call no API" in err


# 7. the simulator's banner

def test_simulator_banner_says_what_a_pkce_secret_is_and_each_country_once(
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    import xero_nb.cli.simulator as command

    class Stop:
        @staticmethod
        def sleep(_: float) -> None:
            raise KeyboardInterrupt

    monkeypatch.setattr(command, "time", Stop)
    code, out, _ = run(capsys, "simulator", "--port", "0")
    assert code == OK
    pkce = next(line for line in out.splitlines() if "app pkce" in line)
    assert "secret=(none: a PKCE app)" in pkce and "None" not in pkce
    assert "Demo Company (AU)\n" in out and "(AU) (AU)" not in out


# 8. a port in use is the machine's state, not bad usage

def test_simulator_on_a_port_in_use_exits_3(capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        code, _, err = run(capsys, "simulator", "--port", str(busy.getsockname()[1]))
    assert code == LOOKUP and "cannot listen on 127.0.0.1" in err and "--port 0" in err


# 9. --help: every option explained; HTTP statuses checked

def _commands() -> dict[str, argparse.ArgumentParser]:
    sub = next(a for a in _parser()._actions if isinstance(a, argparse._SubParsersAction))
    return dict(sub.choices)


@pytest.mark.parametrize("command", list(ARGUMENTS))
def test_every_option_has_a_help_text(capsys: pytest.CaptureFixture[str], command: str) -> None:
    actions = _commands()[command]._actions
    assert [a.option_strings or [a.dest] for a in actions if not a.help] == []
    with pytest.raises(SystemExit) as done:
        cli_main([command, "--help"])
    shown = " ".join(capsys.readouterr().out.split())
    assert done.value.code == OK
    for action in actions:  # what the user reads under each option
        assert " ".join(str(action.help).split())[:40] in shown


def test_diagnose_help_explains_its_options(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        cli_main(["diagnose", "--help"])
    out = " ".join(capsys.readouterr().out.split())
    assert "the HTTP status Xero answered (100-599" in out
    assert "the call that failed" in out and "the xero-tenant-id header" in out


@pytest.mark.parametrize("status", ["999", "99", "600", "abc"])
def test_diagnose_refuses_a_status_that_is_not_http(capsys: pytest.CaptureFixture[str],
                                                   status: str) -> None:
    with pytest.raises(SystemExit) as done:
        cli_main(["diagnose", "--status", status])
    err = capsys.readouterr().err
    assert done.value.code == USAGE and "argument --status" in err
    assert "100-599" in err or "not an HTTP status" in err


@pytest.mark.parametrize(("pasted", "said"), [
    ("something odd happened", "--endpoint, --granted"),  # unknown: more context, by option
    ("the Xero sync stopped, payroll region problem?", "--status"),  # words only: what settles it
    ('401 {"Detail":"AuthorizationUnsuccessful"} insufficient_scope GET /Invoices', "pass --granted"),
])
def test_diagnose_asks_for_context_by_its_options_not_in_python(
        capsys: pytest.CaptureFixture[str], tmp_path: Path, pasted: str, said: str) -> None:
    paste = tmp_path / "error.txt"
    paste.write_text(pasted, encoding="utf-8")
    code, out, _ = run(capsys, "diagnose", str(paste))
    assert code == OK
    assert said in out
    assert "diagnose()" not in out and "granted=" not in out and "requested=" not in out


def test_diagnose_says_which_file_is_empty_or_not_text(capsys: pytest.CaptureFixture[str],
                                                        tmp_path: Path) -> None:
    import gzip

    empty = tmp_path / "error.txt"
    empty.write_text("", encoding="utf-8")
    code, _, err = run(capsys, "diagnose", str(empty))
    assert code == USAGE and f"{empty} is empty: give the file that holds the error text" in err
    packed = tmp_path / "app.log.gz"
    packed.write_bytes(gzip.compress(b"401 Unauthorized"))
    code, out, err = run(capsys, "diagnose", str(packed))
    assert code == USAGE and out == "" and "is a gzip archive, not text: unpack it first" in err
    binary = tmp_path / "dump.bin"
    binary.write_bytes(b"\x00\x01\x02401 Unauthorized")
    code, _, err = run(capsys, "diagnose", str(binary))
    assert code == USAGE and "holds binary data (NUL bytes), not text" in err


def test_a_given_status_that_the_text_contradicts_is_noted(capsys: pytest.CaptureFixture[str],
                                                           tmp_path: Path) -> None:
    paste = tmp_path / "error.txt"
    paste.write_text("HTTP/1.1 401 Unauthorized\nWWW-Authenticate: insufficient_scope\n", encoding="utf-8")
    code, out, _ = run(capsys, "diagnose", "--status", "403", str(paste))
    assert code == OK
    assert "note: status 403 was given, but the pasted text says 401: the given status is used" in out
    code, out, _ = run(capsys, "diagnose", "--status", "401", str(paste))
    assert "was given, but" not in out


def test_era_and_region_are_read_in_any_case(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "scopes-for", "GET", "/Invoices", "--era", "Granular")
    assert code == OK and "any one of (granular)" in out
    code, out, _ = run(capsys, "coverage", "--granted", "accounting.invoices.read", "--era", "GRANULAR")
    assert code == OK
    assert fast._arguments(["scopes-for", "GET", "/Invoices", "--era", "Granular"]) == (
        "GET", "/Invoices", {"--era": "granular", "--region": None, "--format": "text"})


def test_a_bad_option_value_is_one_line_and_where_the_help_is(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        full_main(["diagnose", "--status", "999"])
    assert exit_.value.code == USAGE
    err = capsys.readouterr().err
    assert err.splitlines() == ["xero-nb diagnose: error: argument --status: HTTP statuses are 100-599 "
                                "(e.g. 401, 403), not 999", "(see `xero-nb diagnose --help`)"]


@pytest.mark.parametrize(("data", "code"), [
    ('{"Status":403,"Detail":"AuthenticationUnsuccessful"}\n'.encode("utf-16-le"), "tenant_header_missing"),
    ('{"Status":403,"Detail":"AuthenticationUnsuccessful"}\n'.encode("utf-16-be"), "tenant_header_missing"),
    (b'HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: insufficient_scope\r\n\r\n'
     b'{"Detail":"AuthorizationUnsuccessful"}\x00\x00\x00\n', "missing_scope"),  # a crash's padding
])
def test_utf16_without_a_mark_and_stray_nuls_are_text(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                                      data: bytes, code: str) -> None:
    path = tmp_path / "error.txt"
    path.write_bytes(data)
    status, out, err = run(capsys, "diagnose", str(path))
    assert status == OK and f"1. [{code}]" in out, err


def test_random_bytes_are_still_binary(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    import random

    path = tmp_path / "dump.bin"
    rng = random.Random(7)
    data = bytes(rng.randrange(256) for _ in range(3000))
    assert b"\x00" in data
    path.write_bytes(data)
    status, _, err = run(capsys, "diagnose", str(path))
    assert status == USAGE and "holds binary data (NUL bytes), not text" in err


def test_a_terminal_is_told_what_to_paste(capsys: pytest.CaptureFixture[str],
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    import io
    import sys

    class Terminal(io.TextIOWrapper):
        def isatty(self) -> bool:
            return True

    monkeypatch.setattr(sys, "stdin", Terminal(io.BytesIO(b"HTTP/1.1 429 Too Many Requests\n")))
    _, out, err = run(capsys, "diagnose")
    assert "Paste the error text, then press Ctrl-D" in err and "rate_limited" in out
