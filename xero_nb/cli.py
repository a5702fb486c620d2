"""``xero-nb``: the toolkit from a shell or a CI pipeline.

    xero-nb scopes-for GET https://api.xero.com/api.xro/2.0/Invoices --era granular
    xero-nb coverage --granted "accounting.settings.read" --require GET:/Invoices --format json

Exit codes: 0 fine; 1 a check failed (a required endpoint is not granted, a probe disagreed
with the prediction); 2 bad usage; 3 unknown or ambiguous endpoint or scope, or missing
configuration. Each command imports only what it needs (``scopes-for`` stays well under 300 ms).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

OK, FAILED, USAGE, LOOKUP = 0, 1, 2, 3
ERAS = ("broad", "granular", "mixed")
REGIONS = ("AU", "NZ", "UK")
_ENDPOINT = re.compile(r"^\s*(GET|POST|PUT|PATCH|DELETE)\s*[:\s]\s*(\S.*)$", re.IGNORECASE)


class CliError(Exception):
    """A problem worth one line on stderr and an exit code (no traceback)."""

    def __init__(self, message: str, code: int = LOOKUP) -> None:
        super().__init__(message)
        self.code = code


def split_endpoint(text: str) -> tuple[str, str]:
    """``"GET:/Invoices"`` or ``"GET /Invoices"`` -> ``("GET", "/Invoices")``."""
    found = _ENDPOINT.match(text)
    if not found:
        raise CliError(f"expected METHOD:URL or 'METHOD URL', got {text!r}", USAGE)
    return found.group(1).upper(), found.group(2).strip()


def read_text(path: str) -> str:
    """A pasted file's text, or stdin for ``-``; bytes that are not UTF-8 become U+FFFD."""
    try:
        if path == "-":
            raw = getattr(sys.stdin, "buffer", None)
            return raw.read().decode("utf-8", errors="replace") if raw else sys.stdin.read()
        return Path(path).read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        raise CliError(f"cannot read {path}: {exc.strerror or exc}", USAGE) from None


def ambiguous(exc: Exception) -> CliError:
    """An AmbiguousEndpointError told the CLI way: which ``--region`` to add."""
    text, hint, _ = str(exc).partition(" — pass region")
    if not hint:  # not a payroll-region ambiguity: the library's own advice fits
        return CliError(text)
    seen = re.findall(r"\((AU|NZ|UK)\)", text)
    first = seen[0] if seen else "NZ"
    others = ", ".join(r for r in REGIONS if r != first)
    return CliError(f"{text} — use --region {first} (or {others}), the organisation's country")


def find_endpoint(method: str, url: str, region: str | None = None) -> Any:
    """The catalog endpoint for one call (exit 3 when unknown or ambiguous)."""
    from xero_nb.catalog import load_catalog
    from xero_nb.errors import AmbiguousEndpointError

    try:
        ep = load_catalog().find(method, url, region=region)
    except AmbiguousEndpointError as exc:
        raise ambiguous(exc) from None
    if ep is None:
        raise CliError(f"no Xero endpoint matches {method.upper()} {url}")
    return ep


def emit(data: Any, fmt: str = "json") -> None:
    """Print one JSON document (the last line of output, for pipelines)."""
    if fmt == "json":
        print(json.dumps(data, indent=None, sort_keys=False, default=str))
    else:
        print(data)


# -- scopes-for (kept free of pandas, authlib and httpx2: it must start fast) -------------------
def cmd_scopes_for(args: argparse.Namespace) -> int:
    """Which scopes one call needs."""
    from xero_nb.scopes import narrowest, refused_at_authorize, required_scopes, restriction

    ep = find_endpoint(args.method, args.url, args.region)
    need = sorted(required_scopes(ep, args.era))
    best = narrowest(ep, args.era)
    data = {
        "method": ep.method, "url": ep.url, "api": ep.api, "operation_id": ep.operation_id,
        "era": args.era, "any_of": need, "narrowest": best,
        "tenant_header": ep.tenant_header, "restricted": restriction(ep, args.era),
        "refused_at_authorize": refused_at_authorize(best, args.era) if best else None,
    }
    if args.format == "json":
        emit(data)
        return OK
    print(f"{ep.method} {ep.url}  ({ep.api}.{ep.operation_id})")
    print(f"  any one of ({args.era}): {', '.join(need) if need else '(any valid token)'}")
    if best:
        print(f"  narrowest: {best}")
    print(f"  xero-tenant-id header: {'required' if ep.tenant_header else 'not needed'}")
    if data["restricted"]:
        print(f"  note: {data['restricted']}")
    return OK


def _port(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a port number: {text!r}") from None
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"port must be 0-65535 (0: any free port), not {port}")
    return port


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="xero-nb", description="Xero API scopes, coverage, diagnosis and probes.",
        epilog="exit codes: 0 ok, 1 check failed, 2 usage, 3 unknown endpoint/scope or config")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def region(sp: argparse.ArgumentParser) -> None:
        sp.add_argument("--region", choices=REGIONS, type=str.upper,
                        help="payroll region of the organisation (settles payroll URLs)")

    def era(sp: argparse.ArgumentParser, default: str = "broad") -> None:
        sp.add_argument("--era", choices=ERAS, default=default,
                        help=f"scope era of the app (default {default})")

    s = sub.add_parser("scopes-for", help="scopes one call needs")
    s.add_argument("method")
    s.add_argument("url", help="full URL, path or template")
    era(s)
    region(s)
    s.add_argument("--format", choices=("text", "json"), default="text")

    c = sub.add_parser("coverage", help="endpoints a scope set reaches; CI checks with --require")
    c.add_argument("--granted", nargs="*", default=[], help="scopes (space or comma separated)")
    era(c)
    c.add_argument("--format", choices=("table", "csv", "json"), default="table")
    c.add_argument("--require", nargs="*", default=None, metavar="METHOD:URL",
                   help="fail (exit 1) unless every one of these is granted")
    c.add_argument("--require-file", help="file with one METHOD URL per line (# comments)")
    region(c)
    c.add_argument("--api", help="only this API (e.g. accounting, payroll_uk)")
    c.add_argument("--blocked", action="store_true", help="only blocked endpoints")

    d = sub.add_parser("diagnose", help="rank the causes of a pasted Xero error")
    d.add_argument("file", nargs="?", default="-", help="error text file (default stdin)")
    d.add_argument("--status", type=int)
    d.add_argument("--endpoint", metavar="METHOD:URL")
    d.add_argument("--granted", nargs="*")
    d.add_argument("--requested", nargs="*")
    d.add_argument("--tenant-id")
    region(d)
    era(d)
    d.add_argument("--format", choices=("text", "json"), default="text")

    lp = sub.add_parser("least-privilege", help="smallest scope set for a list of endpoints")
    lp.add_argument("endpoints", nargs="*", metavar="METHOD:URL")
    lp.add_argument("--file", help="file with one METHOD URL per line")
    era(lp, "granular")
    region(lp)
    lp.add_argument("--format", choices=("text", "json"), default="text")

    m = sub.add_parser("migrate", help="granular scopes that keep a broad app's access")
    m.add_argument("--granted", nargs="+", required=True)
    m.add_argument("--format", choices=("text", "json", "csv"), default="text")

    pr = sub.add_parser("probe", help="predicted vs observed access (simulator without XERO_CLIENT_ID)")
    pr.add_argument("--granted", nargs="*", help="simulator only: scopes of the demo token")
    pr.add_argument("--app", default=None, help="simulator only: web, pkce, custom or partner")
    pr.add_argument("--tenant", action="append", help="tenant id (default: all connected)")
    pr.add_argument("--era", choices=ERAS)
    pr.add_argument("--check-absent", action="store_true", help="also probe families not granted")
    pr.add_argument("--profile", default=None, help="token store profile (real Xero)")
    pr.add_argument("--format", choices=("table", "csv", "json"), default="table")
    pr.add_argument("--quiet", action="store_true", help="no progress line on stderr")

    r = sub.add_parser("report", help="a redacted Markdown/HTML report (probe + diagnosis)")
    r.add_argument("--granted", nargs="*", help="simulator only: scopes of the demo token")
    r.add_argument("--app", default=None)
    r.add_argument("--era", choices=ERAS)
    r.add_argument("--profile", default=None)
    r.add_argument("--error-file", help="pasted error text to diagnose in the report")
    r.add_argument("--format", choices=("markdown", "html"), default="markdown")
    r.add_argument("--out", help="write to this file instead of stdout")

    sim = sub.add_parser("simulator", help="serve the offline Xero on 127.0.0.1")
    sim.add_argument("--port", type=_port, default=0, help="0-65535 (default 0: any free port)")
    sim.add_argument("--show-secrets", action="store_true", help="print demo client secrets")
    sim.add_argument("--time-scale", type=float, default=1.0)
    sim.add_argument("--no-limits", action="store_true")
    return p


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``xero-nb`` console script."""
    args = _parser().parse_args(argv)
    try:
        if args.command == "scopes-for":
            return cmd_scopes_for(args)
        if args.command in ("probe", "report", "simulator"):
            from xero_nb import cli_live

            return cli_live.run(args)
        from xero_nb import cli_tables

        return cli_tables.run(args)
    except CliError as exc:
        print(f"xero-nb: {exc}", file=sys.stderr)
        return exc.code
    except BrokenPipeError:  # e.g. piped into head
        return OK
    except Exception as exc:
        from xero_nb.errors import XeroNbError

        if isinstance(exc, XeroNbError):
            print(f"xero-nb: {exc} [{exc.code}]", file=sys.stderr)
            return LOOKUP
        raise


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
