"""``xero-nb diagnose``: rank the causes of a pasted Xero error, as text or JSON."""

from __future__ import annotations

import argparse
from typing import Any

from xero_nb.catalog.scopes import parse_scopes
from xero_nb.cli.helpers import OK, USAGE, CliError, cli_words, emit, endpoint, read_text, take_path


def _finding(f: Any) -> dict[str, Any]:
    return {"code": f.code, "title": f.title, "evidence": list(f.evidence), "fix": list(f.fix),
            "weight": f.weight}


def cmd_diagnose(args: argparse.Namespace) -> int:
    """Rank the causes of a pasted error."""
    from xero_nb.diagnose.diagnosis import diagnose

    for name in ("granted", "requested"):  # `--granted a b FILE`: the file was taken as a scope
        values, args.file = take_path(getattr(args, name), args.file, "-")
        setattr(args, name, values)
    # Strict, as coverage and migrate are: a typo must not pass as a scope the token lacks.
    granted = parse_scopes(" ".join(args.granted)) if args.granted is not None else None
    requested = parse_scopes(" ".join(args.requested)) if args.requested is not None else None
    ep = endpoint(args.endpoint, args.region) if args.endpoint else None
    text = read_text(args.file)
    if not text.strip() and args.status is None:
        raise CliError("no error text: paste it on stdin or give a file", USAGE)
    diag = diagnose(text=text or None, status=args.status, endpoint=ep, granted=granted,
                    requested=requested, tenant_id=args.tenant_id, era=args.era,
                    grant_type=args.grant_type)
    if args.format == "json":
        emit({"findings": [_finding(f) for f in diag.findings],
              "decisive_fact": diag.decisive_fact, "notes": list(diag.notes)})
        return OK
    for note in diag.notes:
        print(cli_words(f"note: {note}"))
    for i, f in enumerate(diag.findings, 1):
        print(cli_words(f"{i}. [{f.code}] {f.title}"))
        for ev in f.evidence:
            print(cli_words(f"     seen: {ev}"))
        for step in f.fix:
            print(cli_words(f"     fix:  {step}"))
    if diag.decisive_fact:
        print(cli_words(f"one more fact would decide: {diag.decisive_fact}"))
    return OK


COMMANDS = {"diagnose": cmd_diagnose}
