"""``xero-nb scan``: the Xero calls in a codebase, the scopes they need, and a CI gate.

Exit 1 when the code calls an endpoint that the requested scopes (``--requested``, else the
ones found in the code) do not grant in ``--era``, when the code requests a scope Xero does not
have, or when nothing Xero-related was found at all; 0 when the scopes cover every call.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from typing import TextIO

from xero_nb.cli.helpers import FAILED, OK, USAGE, CliError, take_path
from xero_nb.scan.analysis import ScanReport, analyse
from xero_nb.scan.engine import MAX_LEFT_OUT, Progress, scan_tree

_CSV_COLUMNS = ("file", "line", "api", "operation_id", "method", "path", "recognised_by", "confidence",
                "note", "snippet")


def _table(report: ScanReport) -> None:
    res = report.result
    print(f"{len(res.calls)} Xero call site(s) in {res.root} ({res.files} files read, "
          f"{res.bytes / 1e6:.2f} MB, {res.skipped} skipped)")
    if res.left_out:  # folders of vendored or built code: said, so a call in one is not silently missed
        print(f"  not read (vendored or built code, --exclude): {', '.join(res.left_out)}"
              + (" ..." if len(res.left_out) >= MAX_LEFT_OUT else ""))
    for c in res.calls:
        print(f"  {c.file}:{c.line}  {c.method} {c.path}  {c.api}.{c.operation_id}  "
              f"[{c.recognised_by} {c.confidence:.2f}]" + (f"  ({c.note})" if "assumed" in c.note else ""))
    source = "given" if report.requested_from == "given" else "found in the code"
    print(f"\nrequested scopes ({source}): {' '.join(sorted(report.requested)) or '-'}")
    print("\nleast privilege (calls no scope reaches in an era are left out of it):")
    for era, scopes in report.least.items():
        print(f"  {era:<9} {' '.join(sorted(scopes)) or '-'}")
    if report.findings:
        print("\nfindings:")
        for f in report.findings:
            where = f"{f.file}:{f.line}" if f.file else "(not written in the code)"
            print(f"  {where}  {f.level}  {f.kind}: {f.message}")
    print()
    print(report.plan.to_markdown())
    print(f"\n{verdict(report)} ({report.era} era)", file=sys.stderr)


def verdict(report: ScanReport) -> str:
    """The gate's one line (OK or FAIL and why), said on stderr whatever the output format."""
    res = report.result
    kinds = {f.kind for f in report.findings}
    if report.ok and not res.calls:
        said = "OK: the scopes given are all Xero scopes (no call was found to judge them against)"
    elif "no_calls" in kinds and report.requested_from == "code":
        said = ("FAIL: nothing verified: the code requests scopes but no Xero call was found in it "
                   "(see no_calls): it calls Xero some way the scanner does not read; --requested checks "
                   "a scope list alone")
    elif report.ok:
        said = "OK: the requested scopes grant every call"
    elif not (res.calls or res.scopes):
        said = (f"FAIL: no Xero call and no scope found under {res.root}: a check of nothing "
                   "would always pass (wrong path, or --requested to check a scope list alone)")
    else:
        why = [text for kind, text in (
            ("missing_scope", "some calls are not granted (InsufficientPermissions ahead)"),
            ("unknown_scope", "a requested scope is not a Xero scope (invalid_scope at sign-in)"),
            ("refused_scope", "a requested scope is refused at sign-in for an app of this era"),
            ("not_read", "a file that mentions Xero was not read (too big or binary): --exclude it, or "
                         "split it"))
            if kind in kinds]
        said = "FAIL: " + "; ".join(why)
    return said


def progress_line(stream: TextIO, steps: int = 100) -> Progress:
    """``progress(done, total, file)`` drawing one line on ``stream`` (a terminal): how many files of
    how many, and the one just read; redrawn about ``steps`` times in all, ended with a newline."""
    def show(done: int, total: int, name: str) -> None:
        if done < total and done % max(total // steps, 1):
            return
        line = f"\rscan {done}/{total} files {name}"
        print(line[:110].ljust(110), end="\n" if done >= total else "", file=stream, flush=True)

    return show


def cmd_scan(args: argparse.Namespace) -> int:
    """Scan a folder, file or git repository; print calls, least privilege and the plan."""
    # `--requested a b PATH`: argparse hands the path to the scope list
    args.requested, args.path = take_path(args.requested, args.path, None)
    if args.path is None:
        raise CliError("give the folder, file or git repository to scan (e.g. xero-nb scan .)",
                       USAGE)
    try:
        # a progress line where a person watches (a terminal), not in a CI log or a pipe
        shown = not args.quiet and sys.stderr.isatty()
        result = scan_tree(args.path, progress=progress_line(sys.stderr) if shown else None,
                           exclude=args.exclude)
    except FileNotFoundError as exc:
        raise CliError(str(exc), USAGE) from None
    requested = " ".join(args.requested) if args.requested is not None else None
    report = analyse(result, era=args.era, requested=requested)
    if args.format == "json":
        print(json.dumps(report.to_dict()))
    elif args.format == "sarif":
        from xero_nb.scan.sarif import to_sarif

        print(json.dumps(to_sarif(report), indent=2))
    elif args.format == "csv":
        out = csv.writer(sys.stdout, lineterminator="\n")
        out.writerow(_CSV_COLUMNS)
        for c in result.calls:
            out.writerow([getattr(c, col) for col in _CSV_COLUMNS])
    else:
        _table(report)
    if args.format != "table":  # (a CI log shows why a step failed, whatever it wrote to stdout)
        print(f"{verdict(report)} ({report.era} era)", file=sys.stderr)
    return OK if report.ok else FAILED


COMMANDS = {"scan": cmd_scan}
