"""``xero-nb diagnose``: rank the causes of a pasted Xero error, as text or JSON."""

from __future__ import annotations

import argparse
import json
import re
from typing import Any

from xero_nb.catalog.scopes import parse_scopes
from xero_nb.cli.helpers import (
    OK,
    USAGE,
    CliError,
    cli_words,
    each_region,
    emit,
    endpoint,
    read_text,
    take_path,
)

# A tenant id as GET /connections gives it: a GUID (hyphens optional, as Xero accepts it).
_TENANT_ID = re.compile(r"^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?"
                        r"[0-9a-fA-F]{12}$")
# What --user-role understands (xero_nb.diagnose.role), as the help and the error name it.
ROLE_WORDS = ("standard", "adviser", "read-only", "invoice-only", "cashbook-client",
              "managed-client", "removed")
ROLE_FLAGS = ("payroll admin", "reports", "projects")
_JSON_KINDS = {dict: "object", str: "string", int: "number", float: "number", bool: "boolean",
               type(None): "null"}


def _said(text: str) -> str:
    """The library's words said the command-line way, naming the option that gives each fact."""
    from xero_nb.diagnose.rules import CONNECTIONS_FACT, ROLE_FACT

    text = cli_words(text)
    for fact, option in ((CONNECTIONS_FACT, "--connections (or --connections-file)"),
                         (ROLE_FACT, "--user-role")):
        if fact in text and option not in text:
            text = text.replace(fact, f"{fact}; give it with {option}")
    return text


def _finding(f: Any) -> dict[str, Any]:
    return {"code": f.code, "title": _said(f.title), "evidence": [_said(e) for e in f.evidence],
            "fix": [_said(s) for s in f.fix], "weight": round(f.weight, 3)}


def _tenant_id(value: Any, where: str) -> str:
    if not isinstance(value, str) or not _TENANT_ID.match(value.strip()):
        said = str(value)
        shown = repr(said if len(said) <= 50 else said[:47] + "...")  # whole quotes, also when cut
        raise CliError(f"{where}: {shown} is not a tenant id (a UUID such as "
                       "8a1b2c3d-4e5f-4a6b-9c8d-0e1f2a3b4c5d, the tenantId of GET /connections)",
                       USAGE)
    return value.strip()


def _connections(args: argparse.Namespace) -> list[Any] | None:
    """The token's /connections: tenant ids from --connections, or the rows of --connections-file
    (None: not given; []: the token lists none)."""
    if args.connections is not None:
        return [_tenant_id(v, "--connections") for v in args.connections]
    path = args.connections_file
    if path is None:
        return None
    if path == "-" and args.file == "-":
        raise CliError("--connections-file -: stdin already carries the error text; give the "
                       "/connections JSON in a file", USAGE)
    where = f"--connections-file {path}"
    try:
        rows = json.loads(read_text(path))
    except ValueError as exc:
        raise CliError(f"{where}: not JSON ({exc}); expected the JSON array GET /connections "
                       "returns", USAGE) from None
    if not isinstance(rows, list):
        kind = _JSON_KINDS.get(type(rows), "value")
        raise CliError(f"{where}: expected the JSON array GET /connections returns "
                       f"([{{\"tenantId\": ...}}, ...]), got a JSON {kind}", USAGE)
    for i, row in enumerate(rows):
        if not isinstance(row, dict) or "tenantId" not in row:
            raise CliError(f"{where}: item {i} is not a /connections object with a tenantId "
                           f"(got {json.dumps(row)[:60]})", USAGE)
        _tenant_id(row["tenantId"], f"{where}: item {i}'s tenantId")
    return rows


def _user_role(value: str | None) -> str | None:
    if value is None:
        return None
    from xero_nb.diagnose.role import read_role

    role = read_role(value, None)
    if role is None or (role.role is None and not (role.reports or role.payroll_admin
                                                   or role.projects)):
        raise CliError(f"--user-role {value[:40]!r} is not a Xero user role; give one of "
                       f"{', '.join(ROLE_WORDS)}, optionally with {', '.join(ROLE_FLAGS)} "
                       "(e.g. 'standard, payroll admin')", USAGE)
    return value


def _endpoint_any_region(given: str, region: str | None) -> Any:
    """The endpoint given, also when it is another region's payroll URL: the diagnosis says that
    mismatch (payroll_region_mismatch), a lookup error would hide it."""
    try:
        return endpoint(given, region)
    except CliError:
        if each_region(given, region):
            return given  # one operation per payroll region: the diagnosis notes it and goes on
        if region is None:
            raise
        try:
            return endpoint(given, None)
        except CliError:
            pass
        raise


def cmd_diagnose(args: argparse.Namespace) -> int:
    """Rank the causes of a pasted error."""
    from xero_nb.diagnose.diagnosis import diagnose

    for name in ("granted", "requested", "connections"):  # `--granted a b FILE`: the file was taken
        values, args.file = take_path(getattr(args, name), args.file, "-")
        setattr(args, name, values)
    # An unknown name is carried and noted by the diagnosis (a newer scope in a real token, or a
    # typo, whose near miss the note names), never a refusal of the whole diagnosis.
    granted = parse_scopes(" ".join(args.granted), strict=False) if args.granted is not None else None
    requested = parse_scopes(" ".join(args.requested), strict=False) if args.requested is not None else None
    connections = _connections(args)
    user_role = _user_role(args.user_role)
    ep = _endpoint_any_region(args.endpoint, args.region) if args.endpoint else None
    text = read_text(args.file)
    if not text.strip() and args.status is None:
        raise CliError("no error text: paste it on stdin or give a file" if args.file == "-" else
                       f"{args.file} is empty: give the file that holds the error text", USAGE)
    diag = diagnose(text=text or None, status=args.status, endpoint=ep, granted=granted,
                    requested=requested, tenant_id=args.tenant_id, era=args.era,
                    grant_type=args.grant_type, connections=connections, user_role=user_role,
                    country=args.region, app_type=args.app_type)
    if args.format == "json":
        from xero_nb import __version__

        seen = diag.observed  # what the reading took the call to be (the URL already redacted)
        if ep is None:  # the endpoint the paste's URL or SDK method settles, as the diagnosis took it
            from xero_nb.diagnose.endpoint import resolve_endpoint

            ep = resolve_endpoint(seen.method, seen.url, None, args.region, seen.operation).endpoint
        emit({"version": __version__,
              "read": {"status": seen.status, "method": seen.method,
                       "url": seen.url,
                       "endpoint": f"{ep.method} {ep.path}" if ep is not None else None,
                       "era": args.era},
              "findings": [_finding(f) for f in diag.findings],
              "decisive_fact": _said(diag.decisive_fact) if diag.decisive_fact else None,
              "notes": [_said(n) for n in diag.notes]})
        return OK
    for note in diag.notes:
        print(_said(f"note: {note}"))
    for i, f in enumerate(diag.findings, 1):
        print(_said(f"{i}. [{f.code}] {f.title}"))
        for ev in f.evidence:
            print(_said(f"     seen: {ev}"))
        for step in f.fix:
            print(_said(f"     fix:  {step}"))
    if diag.decisive_fact:
        print(_said(f"one more fact would decide: {diag.decisive_fact}"))
    return OK


COMMANDS = {"diagnose": cmd_diagnose}
