"""The ``xero-nb`` commands that talk to Xero or the simulator: probe, report, simulator."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

from xero_nb.cli import FAILED, OK, CliError, emit

# The demo token `xero-nb probe` uses against the simulator when no --granted is given.
SIM_SCOPES = {
    "broad": "openid profile email offline_access accounting.settings.read "
             "accounting.contacts.read accounting.transactions.read accounting.reports.read "
             "accounting.journals.read payroll.employees.read payroll.settings.read "
             "projects.read files.read assets.read",
    "granular": "openid profile email offline_access accounting.settings.read "
                "accounting.contacts.read accounting.invoices.read accounting.payments.read "
                "accounting.reports.profitandloss.read accounting.journals.read "
                "payroll.employees.read projects.read",
}


def _mask(secret: str | None) -> str:
    return "(none)" if not secret else "…" + secret[-4:]


def connect(args: argparse.Namespace) -> tuple[Any, str, str | None]:
    """An XeroClient for real Xero (XERO_CLIENT_ID set) or the simulator, a label, the era."""
    from xero_nb.client import XeroClient
    from xero_nb.config import Settings

    settings = Settings.from_env(profile=getattr(args, "profile", None))
    if settings.use_simulator:
        from xero_nb.simulator import XeroSimulator

        sim = XeroSimulator(limits=True)
        demo = sim.app(args.app or "web")
        era = getattr(args, "era", None) or demo.era
        scopes = " ".join(args.granted) if args.granted else SIM_SCOPES[
            "broad" if demo.era == "broad" else "granular"]
        token = sim.issue_token(scopes=scopes.split(), app=demo.name)
        client = XeroClient(token=token, transport=sim.transport())
        return client, f"the simulator ({demo.name} app, {demo.era} era)", era
    if args.granted or args.app:
        raise CliError("--granted and --app only apply to the simulator; unset XERO_CLIENT_ID")
    from xero_nb.auth import XeroAuth

    auth = XeroAuth(settings)
    if settings.grant == "client_credentials" and auth.store.load() is None:
        auth.client_credentials(settings.scopes)  # a custom connection needs no browser
    label = f"Xero as {settings.client_id} (profile {settings.profile!r})"
    return XeroClient(auth=auth), label, getattr(args, "era", None) or settings.era


def _bar(quiet: bool) -> Any:
    if quiet:
        return None

    def show(done: int, total: int, last: Any) -> None:
        width = 24
        filled = int(width * done / max(total, 1))
        line = (f"\rprobe [{'#' * filled}{'.' * (width - filled)}] {done}/{total} "
                f"{last.endpoint.method} {last.endpoint.path} -> {last.status or last.verdict}")
        print(line[:110].ljust(110), end="", file=sys.stderr, flush=True)
        if done >= total:
            print(file=sys.stderr)

    return show


def cmd_probe(args: argparse.Namespace) -> int:
    """Predicted vs observed access for each tenant; exit 1 on any mismatch."""
    from xero_nb.probe import probe

    client, where, era = connect(args)
    print(f"probing {where}", file=sys.stderr)
    with client:
        report = probe(client, args.tenant, era=era, check_absent=args.check_absent,
                       progress=_bar(args.quiet))
    rows = report.rows()
    if args.format == "json":
        emit({"summary": report.summary(), "results": rows,
              "unprobed": [{"family": u.family, "reason": u.reason} for u in report.unprobed]})
    else:
        cols = ("tenant", "family", "method", "path", "predicted", "observed", "verdict", "cause")
        sep = "," if args.format == "csv" else "  "
        print(sep.join(cols))
        for r in rows:
            print(sep.join(str(r[c]) for c in cols))
        if args.format == "table":
            s = report.summary()
            print(f"{s['probes']} probes, {s['calls']} calls (one per GET endpoint would be "
                  f"{s['get_endpoints']} per tenant), {len(report.mismatches())} mismatch(es)",
                  file=sys.stderr)
    return FAILED if report.mismatches() else OK


def cmd_report(args: argparse.Namespace) -> int:
    """Probe, diagnose the failures, and write the redacted report."""
    from xero_nb.probe import probe
    from xero_nb.report import report

    client, where, era = connect(args)
    with client:
        result = probe(client, None, era=era)
        pasted = Path(args.error_file).read_text(encoding="utf-8") if args.error_file else None
        tok = client.current_token()
        doc = report(probe=result, token=tok, calls=[r.call for r in result.results
                                                     if r.call is not None and not r.call.ok],
                     text=pasted, era=era, title=f"xero-nb report: {where}")
    text = doc.html if args.format == "html" else doc.markdown
    if args.out:
        Path(args.out).write_text(text, encoding="utf-8")
        print(f"wrote {args.out}", file=sys.stderr)
    else:
        print(text)
    return OK


def cmd_simulator(args: argparse.Namespace) -> int:
    """Serve the simulator on 127.0.0.1 until interrupted."""
    from xero_nb.simulator import XeroSimulator

    sim = XeroSimulator(limits=not args.no_limits, time_scale=args.time_scale)
    srv = sim.serve(port=args.port)
    try:
        print(f"Xero simulator on {srv.url}  (Xero's paths; e.g. {srv.url}/connections)")
        for name, app in sim.apps.items():
            secret = app.client_secret if args.show_secrets else _mask(app.client_secret)
            print(f"  app {name:8} client_id={app.client_id} secret={secret} era={app.era}")
        for org in sim.tenants:
            print(f"  tenant {org.tenant_id} {org.name} ({org.country})")
        print("Ctrl-C to stop", flush=True)
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        return OK
    finally:
        srv.close()


COMMANDS = {"probe": cmd_probe, "report": cmd_report, "simulator": cmd_simulator}


def run(args: argparse.Namespace) -> int:
    """Dispatch one of this module's commands."""
    return COMMANDS[args.command](args)
