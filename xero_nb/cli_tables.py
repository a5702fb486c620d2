"""The offline ``xero-nb`` commands: coverage, least-privilege, migrate, diagnose."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from xero_nb.catalog import load_catalog
from xero_nb.cli import FAILED, OK, USAGE, CliError, emit, find_endpoint, read_text, split_endpoint
from xero_nb.models import Endpoint
from xero_nb.scopes import is_allowed, narrowest, parse_scopes, required_scopes, restriction


def _lines(path: str) -> list[str]:
    text = read_text(path)
    return [ln.strip() for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]


def endpoint(spec: str, region: str | None = None) -> Endpoint:
    """The catalog endpoint for ``METHOD:URL`` (exit 3 when unknown or ambiguous)."""
    method, url = split_endpoint(spec)
    found: Endpoint = find_endpoint(method, url, region)
    return found


def api_name(given: str) -> str:
    """The catalog's name for ``--api`` (any case, or an unambiguous prefix); exit 3 if none."""
    names = sorted({ep.api for ep in load_catalog()})
    if given in names:
        return given
    low = given.strip().lower()
    exact = [n for n in names if n.lower() == low]
    starts = exact or ([n for n in names if n.lower().startswith(low)] if low else [])
    if len(starts) == 1:
        return starts[0]
    which = f"{given!r} could be {', '.join(starts)}" if starts else f"no API named {given!r}"
    raise CliError(f"{which}; --api takes one of: {', '.join(names)}")


def _require(args: argparse.Namespace, granted: frozenset[str]) -> int:
    specs = list(args.require or [])
    if args.require_file:
        specs += _lines(args.require_file)
    if not specs:
        where = (f"{args.require_file} has no endpoint lines" if args.require_file
                 else "--require got no endpoints")
        raise CliError(f"{where}: expected one or more METHOD:URL (e.g. GET:/Invoices), or a "
                       "--require-file with one 'METHOD URL' per line; a check of nothing "
                       "would always pass", USAGE)
    rows: list[dict[str, Any]] = []
    for spec in specs:
        ep = endpoint(spec, args.region)
        ok = is_allowed(ep, granted, args.era)
        rows.append({"endpoint": f"{ep.method} {ep.path}", "api": ep.api,
                     "operation_id": ep.operation_id, "allowed": ok,
                     "any_of": sorted(required_scopes(ep, args.era)),
                     "missing": None if ok else narrowest(ep, args.era),
                     "restricted": restriction(ep, args.era)})
    missing = sorted({r["missing"] for r in rows if r["missing"]})
    result = {"era": args.era, "granted": sorted(granted), "ok": not missing,
              "missing_scopes": missing, "endpoints": rows}
    if args.format == "json":
        emit(result)
    else:
        sep = "," if args.format == "csv" else "  "
        print(sep.join(("allowed", "endpoint", "missing")))
        for r in rows:
            print(sep.join(("yes" if r["allowed"] else "NO", str(r["endpoint"]),
                            str(r["missing"] or ""))))
        if missing:
            print(f"add: {' '.join(missing)}", file=sys.stderr)
    return OK if not missing else FAILED


def cmd_coverage(args: argparse.Namespace) -> int:
    """The coverage table, or a CI check of required endpoints."""
    granted = parse_scopes(" ".join(args.granted))
    api = api_name(args.api) if args.api is not None else None
    if args.require is not None or args.require_file is not None:
        return _require(args, granted)
    from xero_nb.coverage import coverage

    frame = coverage(granted, era=args.era)
    if api is not None:
        frame = frame[frame["api"] == api]
    if args.blocked:
        frame = frame[~frame["allowed"]]
    if args.format == "json":
        emit(frame.to_dict(orient="records"))
    elif args.format == "csv":
        print(frame.to_csv(index=False), end="")
    else:
        cols = ["api", "method", "path", "allowed", "granted_by", "missing"]
        print(frame[cols].to_string(index=False))
        print(f"{int(frame['allowed'].sum())} of {len(frame)} endpoints allowed", file=sys.stderr)
    return OK


def cmd_least_privilege(args: argparse.Namespace) -> int:
    """The smallest scope set granting every listed endpoint."""
    from xero_nb.coverage import least_privilege

    specs = list(args.endpoints) + (_lines(args.file) if args.file else [])
    if not specs:
        raise CliError("give endpoints as METHOD:URL arguments or --file", USAGE)
    eps = [endpoint(s, args.region) for s in specs]
    chosen = sorted(least_privilege(eps, era=args.era))
    gated = sorted({r for ep in eps if (r := restriction(ep, args.era))})
    if args.format == "json":
        emit({"era": args.era, "scopes": chosen, "endpoints": len(eps), "notes": gated})
    else:
        print(" ".join(chosen))
        for note in gated:
            print(f"note: {note}", file=sys.stderr)
    return OK


def cmd_migrate(args: argparse.Namespace) -> int:
    """Granular scopes that keep a broad-era app's access, and what cannot be kept."""
    from xero_nb.coverage import migration_plan

    plan = migration_plan(" ".join(args.granted))
    if args.format == "json":
        emit({"broad": sorted(plan.broad), "granular": sorted(plan.granular),
              "keep": sorted(plan.keep), "drop": sorted(plan.drop), "add": sorted(plan.add),
              "cannot_keep": [{"endpoint": f"{ep.method} {ep.path}", "why": why}
                              for ep, why in plan.cannot_keep],
              "uncertain": len(plan.uncertain), "dates": dict(plan.dates)})
    elif args.format == "csv":
        print(plan.to_frame().to_csv(index=False), end="")
    else:
        print(plan.to_markdown())
    return OK


def _finding(f: Any) -> dict[str, Any]:
    return {"code": f.code, "title": f.title, "evidence": list(f.evidence), "fix": list(f.fix),
            "weight": f.weight}


def cmd_diagnose(args: argparse.Namespace) -> int:
    """Rank the causes of a pasted error."""
    from xero_nb.diagnose import diagnose

    # Strict, as coverage and migrate are: a typo must not pass as a scope the token lacks.
    granted = parse_scopes(" ".join(args.granted)) if args.granted is not None else None
    requested = parse_scopes(" ".join(args.requested)) if args.requested is not None else None
    ep = endpoint(args.endpoint, args.region) if args.endpoint else None
    text = read_text(args.file)
    if not text.strip() and args.status is None:
        raise CliError("no error text: paste it on stdin or give a file", USAGE)
    diag = diagnose(text=text or None, status=args.status, endpoint=ep, granted=granted,
                    requested=requested, tenant_id=args.tenant_id, era=args.era)
    if args.format == "json":
        emit({"findings": [_finding(f) for f in diag.findings],
              "decisive_fact": diag.decisive_fact, "notes": list(diag.notes)})
        return OK
    for note in diag.notes:
        print(f"note: {note}")
    for i, f in enumerate(diag.findings, 1):
        print(f"{i}. [{f.code}] {f.title}")
        for ev in f.evidence:
            print(f"     seen: {ev}")
        for step in f.fix:
            print(f"     fix:  {step}")
    if diag.decisive_fact:
        print(f"one more fact would decide: {diag.decisive_fact}")
    return OK


COMMANDS = {"coverage": cmd_coverage, "least-privilege": cmd_least_privilege,
            "migrate": cmd_migrate, "diagnose": cmd_diagnose}


def run(args: argparse.Namespace) -> int:
    """Dispatch one of this module's commands."""
    return COMMANDS[args.command](args)
