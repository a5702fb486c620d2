"""The scope commands, offline: scopes-for, coverage, least-privilege, migrate.

``scopes-for`` stays free of pandas, authlib and httpx2 so that it starts fast.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from xero_nb.catalog.scopes import (
    is_allowed,
    known_scopes,
    narrowest,
    required_scopes,
    restriction,
    scopes_noted,
    shown_name,
)
from xero_nb.cli.helpers import (
    FAILED,
    LOOKUP,
    METHODS,
    OK,
    USAGE,
    CliError,
    api_name,
    cli_words,
    each_region,
    emit,
    endpoint,
    endpoint_lines,
    find_endpoint,
    logged_request,
    split_endpoint,
)
from xero_nb.redact import said_safely


def cmd_scopes_for(args: argparse.Namespace) -> int:
    """Which scopes one call needs."""
    from xero_nb.catalog.answers import answer
    from xero_nb.cli.fast import render

    method, url = args.method, args.url
    if not method.strip() or (url is not None and not url.strip()):
        raise CliError("scopes-for got an empty endpoint: give the call as METHOD URL "
                       "(e.g. xero-nb scopes-for GET /Invoices), as one argument "
                       "('GET /Invoices', GET:/Invoices, a logged request line), or a URL alone", USAGE)
    if url is None:  # one argument: 'GET /Invoices', GET:/Invoices, a log line, or a URL alone
        text = method.strip()
        if text.upper() in METHODS:
            raise CliError(f"scopes-for {text} needs the URL too: e.g. xero-nb scopes-for "
                           f"{text.upper()} /Invoices", USAGE)
        try:
            method, url = split_endpoint(text)
        except CliError:  # no method in it: a URL or path, asked for as a GET
            method, url = "GET", text
    else:  # a URL copied from a log line with its "HTTP/1.1" (and status) after it
        logged = logged_request(f"{method} {url}")
        method, url = logged if logged is not None else (method, url.strip())
    data = answer(find_endpoint(method, url, args.region), args.era)
    unreachable = data.pop("unreachable")
    data["grantable"] = unreachable is None  # any_of [] is "any valid token" only when grantable
    print(render(data, unreachable, args.format))
    return OK


def _require(args: argparse.Namespace, granted: frozenset[str]) -> int:
    specs = [("", spec) for spec in args.require or []]
    if args.require_file:
        specs += endpoint_lines(args.require_file)
    if not specs:
        where = (f"{args.require_file} has no endpoint lines" if args.require_file
                 else "--require got no endpoints")
        raise CliError(f"{where}: expected one or more METHOD:URL (e.g. GET:/Invoices), or a "
                       "--require-file with one 'METHOD URL' per line; a check of nothing "
                       "would always pass", USAGE)
    from xero_nb.errors import XeroNbError

    rows: list[dict[str, Any]] = []
    unread: list[str] = []  # specs no endpoint answers: said, the rest answered, the check fails
    for where, spec in specs:
        try:
            eps: tuple[Any, ...] = (endpoint(spec, args.region),)
        except (CliError, XeroNbError) as exc:
            eps = each_region(spec, args.region)  # a URL of several payroll regions: each judged
            if not eps:
                unread.append((f"{where}: " if where else "") + said_safely(cli_words(str(exc))))
                continue
        for ep in eps:
            ok = is_allowed(ep, granted, args.era)
            shown = f"{ep.method} {ep.path}" + (f" ({ep.payroll_region})" if len(eps) > 1 else "")
            rows.append({"endpoint": shown, "api": ep.api,
                         "operation_id": ep.operation_id, "allowed": ok,
                         "any_of": sorted(required_scopes(ep, args.era)),
                         "missing": None if ok else narrowest(ep, args.era),
                         "restricted": restriction(ep, args.era)})
    missing = sorted({r["missing"] for r in rows if r["missing"]})
    # a call no scope can grant in this era (ExpenseClaims for a granular app) fails the check too:
    # it has no scope to add, but Xero refuses it
    # what the scopes cannot show (a broad scope dead in the granular era, an unknown name): a new
    # app's hard-coded broad scope shows up exactly here, in the CI check
    notes = _coverage_notes(granted, args.era) if granted else []
    result = {"era": args.era, "granted": sorted(granted),
              "ok": all(r["allowed"] for r in rows) and not unread,
              "missing_scopes": missing, "endpoints": rows, "notes": notes, "not_found": unread}
    if args.format == "json":
        emit(result)
    else:
        sep = "," if args.format == "csv" else "  "
        print(sep.join(("allowed", "endpoint", "missing")))
        for r in rows:
            print(sep.join(("yes" if r["allowed"] else "NO", str(r["endpoint"]),
                            str(r["missing"] or ""))))
        # Granted, yet Xero may still refuse it (tier, approval, closed API): said, not failed,
        # since the organisation's plan or Xero's approval may allow it.
        for r in rows:
            if r["restricted"]:
                print(f"note: {r['endpoint']}: {r['restricted']}", file=sys.stderr)
        for note in notes:
            print(f"note: {note}", file=sys.stderr)
        if missing:
            print(f"add: {' '.join(missing)}", file=sys.stderr)
        print(f"(scopes judged in the {args.era} era; --era to change)", file=sys.stderr)
    for said in unread:  # (also beside the JSON: a gate that could not read a line must not pass)
        print(f"xero-nb: {said}", file=sys.stderr)
    return LOOKUP if unread else OK if result["ok"] else FAILED


def cmd_coverage(args: argparse.Namespace) -> int:
    """The coverage table, or a CI check of required endpoints."""
    granted, _unknown = scopes_noted(" ".join(args.granted))  # (the notes below name unknown ones)
    api = api_name(args.api) if args.api is not None else None
    if args.require is not None or args.require_file is not None:
        return _require(args, granted)
    import warnings

    from xero_nb.catalog.frames import coverage
    from xero_nb.errors import XeroNbWarning

    with warnings.catch_warnings():  # its era warning is one of the notes printed below
        warnings.simplefilter("ignore", XeroNbWarning)
        frame = coverage(granted, era=args.era)
    if api is not None:
        frame = frame[frame["api"] == api]
    allowed, total = int(frame["allowed"].sum()), len(frame)  # before --blocked hides the rest
    if args.blocked:
        frame = frame[~frame["allowed"]]
    if args.format == "json":
        emit(frame.to_dict(orient="records"))
    elif args.format == "csv":
        print(frame.to_csv(index=False), end="")
    else:
        cols = ["api", "method", "path", "allowed", "granted_by", "missing"]
        print(frame[cols].to_string(index=False) if len(frame) else "(no endpoint to show)")
        print(f"{allowed} of {total} endpoints allowed{f' in {api}' if api else ''} "
              f"(scopes judged in the {args.era} era; --era to change)", file=sys.stderr)
    for note in _coverage_notes(granted, args.era):  # (on stderr: JSON and CSV stay machine-readable)
        print(f"note: {note}", file=sys.stderr)
    return OK


def _coverage_notes(granted: frozenset[str], era: str) -> list[str]:
    """The library's notes on what the table cannot show, said the command-line way."""
    from xero_nb.catalog.frames import coverage_notes
    from xero_nb.cli.helpers import cli_words

    if not granted:
        return ["no scopes were given (--granted): every endpoint shows as refused"]
    return [cli_words(n) for n in coverage_notes(granted, era)]


def cmd_least_privilege(args: argparse.Namespace) -> int:
    """The smallest scope set granting every listed endpoint."""
    from xero_nb.catalog.frames import least_privilege

    specs = [("", spec) for spec in args.endpoints] + (endpoint_lines(args.file) if args.file else [])
    if not specs:
        raise CliError(f"{args.file} has no endpoint lines: one 'METHOD URL' per line (# comments)"
                       if args.file else "give endpoints as METHOD:URL arguments or --file", USAGE)
    from xero_nb.errors import XeroNbError

    eps, regions = [], []
    unread: list[str] = []  # lines no endpoint answers: said with where they are, the rest answered
    for where, spec in specs:
        try:
            eps.append(endpoint(spec, args.region))
        except (CliError, XeroNbError) as exc:
            each = each_region(spec, args.region)  # one operation per payroll region: all covered
            if not each:
                if not where:  # (an argument: the command line says which)
                    raise
                unread.append(f"{where}: {said_safely(cli_words(str(exc)))}")
                continue
            eps += each
            which = ", ".join(str(ep.payroll_region) for ep in each)
            regions.append(f"{spec}: one operation per payroll region ({which}); scopes for each were "
                           "chosen (--region for one)")
    from xero_nb.catalog.privilege import least_privilege_notes
    from xero_nb.catalog.scopes import unreachable

    # a call no scope grants in this era is left out and said (as scan does), not a refusal of the
    # whole answer: the other calls still get their scopes, and the exit code says one cannot pass
    left_out = [ep for ep in eps if unreachable(ep, args.era)]
    eps = [ep for ep in eps if not unreachable(ep, args.era)]
    chosen = sorted(least_privilege(eps, era=args.era))
    gated = [f"{ep.method} {ep.path}: left out, no scope grants it in the {args.era} era: "
             f"{unreachable(ep, args.era)}" for ep in left_out]
    gated += [cli_words(n) for n in least_privilege_notes(eps, chosen, args.era)] + regions
    if args.format == "json":
        emit({"era": args.era, "scopes": chosen, "endpoints": len(eps), "notes": gated,
              "left_out": [f"{ep.method} {ep.path}" for ep in left_out], "not_found": unread})
    else:
        # no scope at all: say so (a blank line reads as a failure, or as "no scopes" in a pipe)
        print(" ".join(chosen) if chosen else "(no scope needed: any valid token)")
        for note in gated:
            print(f"note: {note}", file=sys.stderr)
    for said in unread:  # every line that could not be read, with its line; the others were answered
        print(f"xero-nb: {said}", file=sys.stderr)
    if unread:
        print(f"xero-nb: {len(unread)} line(s) not read: the scopes above cover the other {len(eps)} "
              "endpoint(s) only", file=sys.stderr)
    return LOOKUP if unread else FAILED if left_out else OK


def cmd_migrate(args: argparse.Namespace) -> int:
    """Granular scopes that keep a broad-era app's access, and what cannot be kept."""
    from xero_nb.catalog.frames import migration_plan
    from xero_nb.catalog.scopes import DEPRECATED_BROAD

    granted, unknown = scopes_noted(" ".join(args.granted))
    for note in unknown:
        print(f"note: {note}", file=sys.stderr)
    if not granted:
        raise CliError("--granted got no scope: give the scopes the app holds now, e.g. "
                       "--granted accounting.transactions accounting.settings", USAGE)
    known = granted & known_scopes()  # (the names noted above are left out: never a scope to request)
    if not known & DEPRECATED_BROAD:
        retired = ", ".join(sorted(DEPRECATED_BROAD))
        said = ("nothing to migrate: these scopes are already granular (none of the broad scopes "
                f"Xero retires, {retired}, is among them); keep requesting them as they are" if not unknown
                else f"nothing to migrate among the scopes the catalog knows (none of {retired} is among "
                "them); the names noted above are not Xero scopes: correct them first (a misspelt broad "
                "scope is still one to migrate)")
        if args.format == "text":
            print(said)
            return LOOKUP if unknown and not known else OK  # (a typo alone is no plan: exit 3)
        print(f"note: {said}", file=sys.stderr)  # json and csv stay machine-readable
    from dataclasses import replace

    # (the unknown names were noted once, above: the plan lists them, left out, without a second note)
    plan = replace(migration_plan(known), unknown=tuple(sorted({shown_name(n) for n in granted - known})))
    if args.format == "json":
        emit({"broad": sorted(plan.broad), "granular": sorted(plan.granular),
              "request_now": sorted(plan.request_now),
              "keep": sorted(plan.keep), "drop": sorted(plan.drop), "add": sorted(plan.add),
              "keep_until_deadline": sorted(plan.keep_until_deadline),
              "cannot_keep": [{"endpoint": f"{ep.method} {ep.path}", "why": why}
                              for ep, why in plan.cannot_keep],
              "no_granular": [{"endpoint": f"{ep.method} {ep.path}", "why": why}
                              for ep, why in plan.no_granular],
              "tier_gated": [{"endpoint": f"{ep.method} {ep.path}", "why": why}
                             for ep, why in plan.tier_gated],
              "uncertain": len(plan.uncertain), "dates": dict(plan.dates),
              "unknown": list(plan.unknown)})
    elif args.format == "csv":
        print(plan.to_frame().to_csv(index=False), end="")
    else:
        print(plan.to_markdown())
    return OK


COMMANDS = {"scopes-for": cmd_scopes_for, "coverage": cmd_coverage,
            "least-privilege": cmd_least_privilege, "migrate": cmd_migrate}
