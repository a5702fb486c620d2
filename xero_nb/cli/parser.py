"""``xero-nb``: the toolkit from a shell or a CI pipeline.

    xero-nb scopes-for GET https://api.xero.com/api.xro/2.0/Invoices --era granular
    xero-nb coverage --granted "accounting.settings.read" --require GET:/Invoices --format json

Exit codes: 0 fine; 1 a check failed (a required endpoint is not granted, a probe disagreed
with the prediction, the organisations could not be listed so nothing was probed); 2 bad
usage; 3 unknown or ambiguous endpoint or scope, or missing configuration. Each command
imports only what it needs, and the parser declares only the command being run, so that
``scopes-for`` starts fast (``benchmarks/bench_core.py`` compares it with a minimal script
over the same index).
"""

from __future__ import annotations

import argparse
import importlib
import sys
import warnings
from collections.abc import Callable, Sequence
from typing import NoReturn

from xero_nb.cli.helpers import ERAS, LOOKUP, OK, REGIONS, USAGE, CliError, said_safely
from xero_nb.errors import XeroNbWarning

# command -> the module that runs it (imported only when that command runs, so each starts fast)
GROUPS = {
    "scopes-for": "scopes", "coverage": "scopes", "least-privilege": "scopes", "migrate": "scopes",
    "diagnose": "diagnose", "probe": "live", "report": "live", "simulator": "simulator",
    "scan": "scan", "login": "login",
}


def _port(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a port number: {text!r}") from None
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"port must be 0-65535 (0: any free port), not {port}")
    return port


def _scale(text: str) -> float:
    try:
        scale = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not scale > 0 or scale == float("inf"):
        raise argparse.ArgumentTypeError(f"must be a positive number (1: real time), not {text}")
    return scale


def _count(text: str) -> int:
    try:
        count = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of calls: {text!r}") from None
    if count < 0:
        raise argparse.ArgumentTypeError(f"takes 0 or more calls (0: none), not {count}")
    return count


def _status(text: str) -> int:
    try:
        status = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an HTTP status: {text!r}") from None
    if not 100 <= status <= 599:
        raise argparse.ArgumentTypeError(f"HTTP statuses are 100-599 (e.g. 401, 403), not {status}")
    return status


def _format(sp: argparse.ArgumentParser, choices: tuple[str, ...], what: str = "") -> None:
    sp.add_argument("--format", choices=choices, default=choices[0],
                    help=f"output: {', '.join(choices)} (default {choices[0]}){what}")


def _region(sp: argparse.ArgumentParser) -> None:
    sp.add_argument("--region", choices=REGIONS, type=str.upper,
                    help="payroll region of the organisation (settles payroll URLs)")


# What each default means to a user: since 2 Mar 2026 every app older than that holds both
# kinds of scope (mixed), and apps created since hold only granular ones.
_ERA_HELP = {
    "mixed": "mixed: an app created before 2 Mar 2026, broad and granular scopes both count",
    "granular": "granular: an app created since 2 Mar 2026",
    None: "guessed from the scopes given; mixed when they do not tell",
}


def _era(sp: argparse.ArgumentParser, default: str | None = "mixed") -> None:
    sp.add_argument("--era", choices=ERAS, default=default, type=str.lower,
                    help=f"scope era of the app: broad (before 2026), granular or mixed "
                         f"(default {_ERA_HELP[default]})")


def _scopes_for(s: argparse.ArgumentParser) -> None:
    s.add_argument("method", help="GET, PUT, ...; or the whole request in one argument: "
                                  "'GET /Invoices', GET:/Invoices, or a URL alone (GET)")
    s.add_argument("url", nargs="?", help="full URL, path or template")
    _era(s)
    _region(s)
    _format(s, ("text", "json"))


def _coverage(c: argparse.ArgumentParser) -> None:
    c.add_argument("--granted", nargs="*", default=[], help="scopes (space or comma separated)")
    _era(c)
    _format(c, ("table", "csv", "json"))
    c.add_argument("--require", nargs="*", default=None, metavar="METHOD:URL",
                   help="fail (exit 1) unless every one of these is granted")
    c.add_argument("--require-file", help="file with one METHOD URL per line (# comments)")
    _region(c)
    c.add_argument("--api", help="only this API (e.g. accounting, payroll_uk)")
    c.add_argument("--blocked", action="store_true", help="only blocked endpoints")


DIAGNOSE_EXAMPLES = """examples:
  xero-nb diagnose error.txt
  pbpaste | xero-nb diagnose --endpoint GET:/Invoices --granted openid accounting.contacts
  xero-nb diagnose --status 403 --tenant-id 1f0e5b6a-1111-2222-3333-444455556666 log.txt
  xero-nb diagnose --format json capture.har | jq '.findings[0].code'

--format json prints {"version", "read": {"status", "method", "url", "endpoint", "era"},
"findings": [{"code", "title", "evidence", "fix", "weight"}], "decisive_fact", "notes"}:
"read" is what the text was taken to say (null where it says nothing; era as given, else
null: a note says so when the era was read from the token's scopes and the answer turns on it,
otherwise both eras' scopes count); codes are those of docs/architecture.md.
A scope name the catalog does not know (--granted, --requested) is noted, with its near
miss, and the diagnosis goes on.
exit codes: 0 a diagnosis was given (whatever it found), 2 usage (a bad option, no
file, binary input), 3 an --endpoint no catalog entry matches."""


def _diagnose(d: argparse.ArgumentParser) -> None:
    d.formatter_class = argparse.RawDescriptionHelpFormatter
    d.epilog = DIAGNOSE_EXAMPLES
    d.add_argument("file", nargs="?", default="-", help="error text file (default stdin)")
    d.add_argument("--status", type=_status, help="the HTTP status Xero answered (100-599, e.g. 403)")
    d.add_argument("--endpoint", metavar="METHOD:URL",
                   help="the call that failed (e.g. GET:/Invoices, or a logged request line)")
    d.add_argument("--granted", nargs="*", metavar="SCOPES",
                   help="the scopes the token holds (space or comma separated)")
    d.add_argument("--requested", nargs="*", metavar="SCOPES",
                   help="the scopes the app asked for at sign-in")
    d.add_argument("--tenant-id", help="the xero-tenant-id header the call sent")
    d.add_argument("--grant-type", choices=("authorization_code", "client_credentials"),
                   help="how the app signs in (client_credentials: a custom connection)")
    d.add_argument("--app-type", metavar="KIND",
                   help="the kind of app in words: a platform (n8n, Make, Zapier, Power Automate, "
                        "Fivetran, ...) gets its own steps; 'custom connection', 'xero-node', ...")
    conns = d.add_mutually_exclusive_group()
    conns.add_argument("--connections", nargs="*", metavar="TENANT_ID",
                       help="the tenantIds GET /connections lists for this token (none given: "
                            "it lists none)")
    conns.add_argument("--connections-file", metavar="FILE",
                       help="file holding the JSON array GET /connections returned for this token")
    d.add_argument("--user-role", metavar="ROLE",
                   help="the signed-in user's role in the organisation: standard, adviser, "
                        "read-only, invoice-only, cashbook-client, managed-client or removed; "
                        "optionally with payroll admin, reports, projects (e.g. 'standard, "
                        "payroll admin')")
    _region(d)
    _era(d, None)
    _format(d, ("text", "json"))


def _least_privilege(lp: argparse.ArgumentParser) -> None:
    lp.add_argument("endpoints", nargs="*", metavar="METHOD:URL",
                    help="the calls the app makes (e.g. GET:/Invoices 'POST /Contacts')")
    lp.add_argument("--file", help="file with one METHOD URL per line")
    _era(lp, "granular")
    _region(lp)
    _format(lp, ("text", "json"))


def _migrate(m: argparse.ArgumentParser) -> None:
    # No --era: the plan is always from the broad scopes to the granular era
    # (catalog.privilege.migration_plan takes no era).
    m.add_argument("--granted", nargs="+", required=True, metavar="SCOPES",
                   help="the scopes the app holds now (space or comma separated), "
                        "e.g. accounting.transactions accounting.settings")
    _format(m, ("text", "json", "csv"))


def _probe(pr: argparse.ArgumentParser) -> None:
    pr.add_argument("--granted", nargs="*", help="simulator only: scopes of the demo token")
    pr.add_argument("--app", default=None, help="simulator only: web, pkce, custom or partner")
    pr.add_argument("--tenant", action="append", help="tenant id (default: all connected)")
    pr.add_argument("--era", choices=ERAS,
                    help="judge the predictions in this era (default: the app's own; simulator "
                         "without --app: the demo app of this era)")
    pr.add_argument("--check-absent", action="store_true", help="also probe families not granted")
    pr.add_argument("--profile", default=None, help="token store profile (real Xero)")
    _format(pr, ("table", "csv", "json"))
    pr.add_argument("--quiet", action="store_true", help="no progress line on stderr")


def _report(r: argparse.ArgumentParser) -> None:
    r.add_argument("--granted", nargs="*", help="simulator only: scopes of the demo token")
    r.add_argument("--app", default=None, help="simulator only: web, pkce, custom or partner")
    r.add_argument("--era", choices=ERAS,
                   help="judge the predictions in this era (default: the app's own)")
    r.add_argument("--profile", default=None, help="token store profile (real Xero)")
    r.add_argument("--error-file", help="pasted error text to diagnose in the report")
    _format(r, ("markdown", "html"))
    r.add_argument("--out", help="write to this file instead of stdout")


def _simulator(sim: argparse.ArgumentParser) -> None:
    sim.add_argument("--port", type=_port, default=0, help="0-65535 (default 0: any free port)")
    sim.add_argument("--show-secrets", action="store_true", help="print demo client secrets")
    sim.add_argument("--time-scale", type=_scale, default=1.0,
                     help="simulated seconds per real second (default 1; 60: a minute a second)")
    sim.add_argument("--no-limits", action="store_true",
                     help="answer without Xero's rate limits: no 429s, and none of the X-*Limit-Remaining "
                          "headers Xero sends on every call (client code that reads them sees none)")
    sim.add_argument("--record", type=_count, default=0, metavar="N",
                     help="print each call as it is answered and keep the last N in memory, "
                          "tokens masked (default 0: none)")
    consent = sim.add_mutually_exclusive_group()
    consent.add_argument("--consent", action="store_true",
                         help="show the consent page: pick the organisations, then Allow or Cancel "
                              "(access_denied) (the default of `python -m xero_nb.simulator`)")
    consent.add_argument("--auto-approve", action="store_true",
                         help="skip the consent page: approve at once for every organisation the user "
                              "can connect (the default here)")


def _declare_login(lg: argparse.ArgumentParser) -> None:
    from xero_nb.cli.login import declare

    declare(lg)


def _scan(sc: argparse.ArgumentParser) -> None:
    sc.add_argument("path", nargs="?", help="folder, file or git repository (URL) to scan")
    _era(sc, "mixed")
    sc.add_argument("--requested", nargs="+", default=None, metavar="SCOPES",
                    help="the scopes the app requests (default: the ones found in the code)")
    sc.add_argument("--exclude", action="append", default=[], metavar="GLOB",
                    help="leave out files whose path matches (repeatable): 'tests/' or 'tests/*' for "
                         "test doubles, '*_mock.py'")
    sc.add_argument("--quiet", action="store_true",
                    help="no progress line on stderr (it is drawn on a terminal only)")
    _format(sc, ("table", "json", "csv", "sarif"))


# command -> (its one-line help, what declares its arguments), in the order `--help` lists them
ARGUMENTS: dict[str, tuple[str, Callable[[argparse.ArgumentParser], None]]] = {
    "scopes-for": ("scopes one call needs", _scopes_for),
    "coverage": ("endpoints a scope set reaches; CI checks with --require", _coverage),
    "diagnose": ("rank the causes of a pasted Xero error", _diagnose),
    "least-privilege": ("smallest scope set for a list of endpoints", _least_privilege),
    "migrate": ("granular scopes that keep a broad app's access", _migrate),
    "probe": ("predicted vs observed access (simulator without XERO_CLIENT_ID)", _probe),
    "report": ("a redacted Markdown/HTML report (probe + diagnosis)", _report),
    "login": ("sign in to real Xero for probe and report (browser, --paste, or a custom connection)",
              _declare_login),
    "simulator": ("serve the offline Xero on 127.0.0.1", _simulator),
    "scan": ("Xero calls in code, the scopes they need; CI gate (exit 1)", _scan),
}


class _Parser(argparse.ArgumentParser):
    """argparse, with a usage error said in one line and where the help is (not the usage block)."""

    command: str | None = None  # the command the line names: its own help is the one to see

    def error(self, message: str) -> NoReturn:
        from xero_nb.cli.helpers import said_safely

        where = f"{self.prog} {self.command}" if self.command else self.prog
        extra = ("; diagnose reads one error text per run (a file, or stdin)"
                 if self.command == "diagnose" and message.startswith("unrecognized arguments") else "")
        self.exit(USAGE, f"{self.prog}: error: {said_safely(message)}{extra}\n(see `{where} --help`)\n")


def _parser(command: str | None = None) -> argparse.ArgumentParser:
    """The argument parser; given a ``command``, only that command is declared.

    Declaring every command's arguments costs more than the whole of some commands, and a
    command line that names a command first is parsed by that command's parser alone, with
    the same result and the same messages. Anything else (no command, ``--help``, a mistyped
    command) gets the full parser.
    """
    p = _Parser(
        prog="xero-nb", description="Xero API scopes, coverage, diagnosis and probes.",
        epilog="exit codes: 0 ok, 1 check failed, 2 usage, 3 unknown endpoint/scope or config")
    from xero_nb import __version__

    p.command = command
    p.add_argument("--version", action="version", version=f"xero-nb {__version__}")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, (help_text, declare) in ARGUMENTS.items():
        if command is None or name == command:
            declare(sub.add_parser(name, help=help_text))
    return p


def _notes(seen: list[warnings.WarningMessage]) -> None:
    """The library's warnings as the CLI's notes (its advice said with options); others as usual."""
    from xero_nb.cli.helpers import cli_words

    for w in seen:
        if issubclass(w.category, XeroNbWarning):
            print(f"note: {cli_words(str(w.message))}", file=sys.stderr)
        else:
            warnings.showwarning(w.message, w.category, w.filename, w.lineno, w.file, w.line)


def main(argv: Sequence[str] | None = None) -> int:
    """Every ``xero-nb`` command line (the console script tries ``cli.fast`` first)."""
    given = sys.argv[1:] if argv is None else list(argv)
    args = _parser(given[0] if given and given[0] in GROUPS else None).parse_args(given)
    try:
        group = importlib.import_module(f"xero_nb.cli.{GROUPS[args.command]}")
        seen: list[warnings.WarningMessage] = []
        try:
            with warnings.catch_warnings(record=True) as seen:
                warnings.simplefilter("always", XeroNbWarning)
                code: int = group.COMMANDS[args.command](args)
        finally:  # said after the filters are back, so other warnings show as they would have
            _notes(seen)
        return code
    except CliError as exc:
        print(f"xero-nb: {said_safely(str(exc))}", file=sys.stderr)
        return exc.code
    except BrokenPipeError:  # e.g. piped into head
        return OK
    except Exception as exc:
        from xero_nb.errors import XeroNbError

        if isinstance(exc, XeroNbError):  # the library's advice, said as a command-line option
            from xero_nb.cli.helpers import cli_words

            said = said_safely(cli_words(str(exc)))
            print(f"xero-nb: {said} [{exc.code}]", file=sys.stderr)
            return LOOKUP
        raise

