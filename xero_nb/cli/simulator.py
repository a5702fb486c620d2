"""``xero-nb simulator``: serve the offline Xero on 127.0.0.1, with a banner and a call log."""

from __future__ import annotations

import argparse
import time
from typing import Any

from xero_nb.cli.helpers import LOOKUP, OK, CliError
from xero_nb.redact import mask, redact_url


def _check_port(port: int) -> None:
    """Say so plainly when the port is taken (uvicorn would exit its thread with a traceback)."""
    import socket

    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe_socket:
        probe_socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn does
        try:
            probe_socket.bind(("127.0.0.1", port))
        except OSError as exc:
            # not a usage error: the command line is fine, the machine's port is taken (exit 3)
            raise CliError(f"cannot listen on 127.0.0.1:{port}: {exc.strerror or exc} "
                           "(--port 0 picks a free one)", LOOKUP) from None


def cmd_simulator(args: argparse.Namespace) -> int:
    """Serve the simulator on 127.0.0.1 until interrupted."""
    from xero_nb.simulator import XeroSimulator
    from xero_nb.simulator.main import consent_line
    from xero_nb.simulator.orgs import LOOPBACK_REDIRECT, REDIRECT_URIS

    # --consent shows the consent page; without it consent is approved at once (the default
    # here; `python -m xero_nb.simulator` shows the page unless --auto-approve).
    consent = bool(getattr(args, "consent", False))
    shown_by = "--consent"
    sim = XeroSimulator(limits=not args.no_limits, time_scale=args.time_scale,
                        record_calls=args.record,  # a long-running server keeps nothing by default
                        auto_approve=not consent)
    if args.port:
        _check_port(args.port)
    try:
        srv = sim.serve(port=args.port)
    except (RuntimeError, OSError) as exc:
        raise CliError(f"{exc} (is the port in use? --port 0 picks a free one)", LOOKUP) from None
    try:
        print(f"Xero simulator on {srv.url}  (Xero's paths; e.g. {srv.url}/connections)")
        for name, app in sim.apps.items():
            if not app.client_secret:
                secret = "(none: a PKCE app)" if app.kind == "pkce" else "(none)"
            else:
                secret = app.client_secret if args.show_secrets else mask(app.client_secret)
            print(f"  app {name:8} client_id={app.client_id} secret={secret} era={app.era}")
        for org in sim.tenants:
            country = f" ({org.country})"  # "Demo Company (AU)" says it already
            print(f"  tenant {org.tenant_id} {org.name}{'' if org.name.endswith(country) else country}")
        urls = srv.urls
        print(f"  authorize {urls.authorize}  token {urls.token}")
        print("  redirect URIs the demo apps accept: " + ", ".join(
            f"{u} (any port)" if u == LOOPBACK_REDIRECT else u for u in REDIRECT_URIS))
        print(f"  {consent_line(not consent, shown_by)}")
        if args.record:
            print(f"  each call is printed below as it is answered (the last {args.record} are kept, "
                  "tokens masked)")
        print("Ctrl-C to stop", flush=True)
        shown: Any = None
        while True:
            time.sleep(0.25 if args.record else 3600)
            shown = _print_new_calls(sim.calls, shown)
    except KeyboardInterrupt:
        return OK
    finally:
        srv.close()


def _print_new_calls(calls: list[Any], shown: Any) -> Any:
    """One line per call answered since ``shown`` (the last call printed); returns the new last."""
    new = calls
    for i in range(len(calls) - 1, -1, -1):
        if calls[i] is shown:
            new = calls[i + 1:]
            break
    for request, response in new:
        cid = response.headers.get("xero-correlation-id")
        print(f"{request.method} {redact_url(str(request.url))} -> {response.status_code}"
              + (f" [{cid}]" if cid else ""), flush=True)
    return calls[-1] if calls else shown


COMMANDS = {"simulator": cmd_simulator}
