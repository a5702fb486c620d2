"""``xero-nb simulator``: serve the simulator for a browser, curl or Postman."""

from __future__ import annotations

import sys
from typing import TextIO

# The consent flags' help, in the same words for both entry points (``python -m
# xero_nb.simulator`` shows the consent page by default, ``xero-nb simulator`` approves at once):
# each takes both flags, and only the default differs.
CONSENT_HELP = "show the consent page: pick the organisations, then Allow or Cancel (access_denied)"
AUTO_APPROVE_HELP = "skip the consent page: approve at once for every organisation the user can connect"


def consent_line(auto_approve: bool, shown_by: str = "--consent") -> str:
    """The banner's line on consent: what a sign-in meets, and what changes it (``shown_by``:
    what shows the page when it is approved at once)."""
    if auto_approve:
        return f"consent: approved at once, no consent page ({shown_by} shows it)"
    return "consent: the consent page is shown (--auto-approve skips it)"


def main(port: int = 0, show_secrets: bool = False, *, auto_approve: bool = False,
         limits: bool = True, out: TextIO | None = None, block: bool = True,
         record: int = 0) -> int:
    """Serve on 127.0.0.1:``port`` until Ctrl-C; print the URL and the demo apps' client ids.

    ``record``: how many of the latest calls to keep in memory (default none: a server that
    runs for days must not grow).
    """
    from xero_nb.simulator.sim import XeroSimulator

    out = out or sys.stdout
    sim = XeroSimulator(limits=limits, auto_approve=auto_approve, record_calls=record)
    srv = sim.serve(port)
    urls = srv.urls
    print(f"Xero simulator listening on {srv.url}", file=out)
    print(f"  authorize: {urls.authorize}\n  token:     {urls.token}\n  API root:  {urls.api_root}",
          file=out)
    for name, app in sim.apps.items():
        line = f"  app {name:<9} {app.kind:<6} {app.era:<8} client_id={app.client_id}"
        if show_secrets and app.client_secret:
            line += f" client_secret={app.client_secret}"
        print(line, file=out)
    for org in sim.tenants:
        print(f"  org {org.name:<20} tenant_id={org.tenant_id}", file=out)
    print(f"  {consent_line(auto_approve)}", file=out)
    if not show_secrets:
        print("  (client secrets hidden; pass --show-secrets to print them)", file=out)
    out.flush()
    if block:
        srv.serve_forever()
    else:
        srv.close()
    return 0
