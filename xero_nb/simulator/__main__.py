"""``python -m xero_nb.simulator [--port N] [--show-secrets] [--consent | --auto-approve]
[--no-limits] [--record N]``."""

from __future__ import annotations

import argparse

from xero_nb.simulator.main import AUTO_APPROVE_HELP, CONSENT_HELP, main

parser = argparse.ArgumentParser(prog="python -m xero_nb.simulator",
                                 description="Serve the offline Xero simulator on 127.0.0.1.")
parser.add_argument("--port", type=int, default=0, help="port (default: any free port)")
parser.add_argument("--show-secrets", action="store_true", help="also print the client secrets")
consent = parser.add_mutually_exclusive_group()
consent.add_argument("--consent", action="store_true", help=f"{CONSENT_HELP} (the default here)")
consent.add_argument("--auto-approve", action="store_true",
                     help=f"{AUTO_APPROVE_HELP} (the default of `xero-nb simulator`)")
parser.add_argument("--no-limits", action="store_true", help="turn rate limits off")
parser.add_argument("--record", type=int, default=0, metavar="N",
                    help="keep the latest N calls in memory, tokens masked (default: none)")
args = parser.parse_args()
if args.record < 0:
    parser.error(f"--record takes a count of calls (0 or more), not {args.record}")
raise SystemExit(main(args.port, args.show_secrets, auto_approve=args.auto_approve,
                      limits=not args.no_limits, record=args.record))
