"""``xero-nb login``: sign in to real Xero from the command line, so ``probe`` and ``report`` can run.

The app comes from the environment, a ``.env`` file or a named profile (docs/configuration.md).
A custom connection (``XERO_GRANT=client_credentials``) signs in at once; any other app opens the
consent page in a browser and catches the redirect on 127.0.0.1, or with ``--paste`` prints the link
and reads the URL the browser was sent to (a remote shell, no browser here). The token is saved in
the profile's 0600 store; nothing secret is printed.
"""

from __future__ import annotations

import argparse
import sys

from xero_nb.cli.helpers import OK, USAGE, CliError


def cmd_login(args: argparse.Namespace) -> int:
    """Sign in for a profile and save its token; print what was granted (never the token)."""
    from xero_nb.auth.config import Settings
    from xero_nb.auth.flow import XeroAuth

    settings = Settings.from_env(profile=args.profile)
    if settings.use_simulator:
        raise CliError("no Xero app is configured: set XERO_CLIENT_ID (and XERO_CLIENT_SECRET) in the "
                       "environment or a .env file, or name a profile with one (--profile); the "
                       "simulator needs no login", USAGE)
    auth = XeroAuth(settings)
    scopes = " ".join(args.scopes) if args.scopes else None
    if settings.grant == "client_credentials":
        token = auth.client_credentials(scopes)
    elif args.paste:
        url = auth.authorize_url(scopes)
        print(f"Open this link in a browser and consent:\n  {url}\nthen paste here the whole URL the "
              "browser was sent to (it starts with the redirect URI) and press Enter:", file=sys.stderr)
        pasted = sys.stdin.readline()
        if not pasted.strip():
            raise CliError("nothing was pasted: run xero-nb login --paste again", USAGE)
        token = auth.complete(pasted.strip())
    else:
        token = auth.sign_in(open_browser=not args.no_browser, timeout=args.timeout, scopes=scopes,
                             show=lambda line: print(line, file=sys.stderr))
    granted = " ".join(sorted(token.scopes)) or "(none listed)"
    print(f"signed in to Xero as {settings.client_id} (profile {settings.profile!r}; "
          f"{'custom connection' if settings.grant == 'client_credentials' else 'authorization code'})")
    print(f"  scopes granted: {granted}")
    print("  the token is saved for this profile: xero-nb probe and xero-nb report use it"
          + (f" (--profile {settings.profile})" if settings.profile != "default" else ""))
    return OK


def declare(lg: argparse.ArgumentParser) -> None:
    """``login``'s options."""
    lg.add_argument("--profile", default=None, help="the profile to sign in (default: XERO_PROFILE, else "
                    "the environment and .env)")
    lg.add_argument("--scopes", nargs="+", default=None, metavar="SCOPE",
                    help="the scopes to ask for (default: the profile's XERO_SCOPES)")
    lg.add_argument("--paste", action="store_true",
                    help="print the consent link and read the redirected URL from stdin (no browser here)")
    lg.add_argument("--no-browser", action="store_true",
                    help="print the consent link instead of opening a browser (the 127.0.0.1 callback "
                         "still catches the redirect)")
    lg.add_argument("--timeout", type=_seconds, default=300.0,
                    help="seconds to wait for consent (default 300)")


def _seconds(text: str) -> float:
    """A wait in seconds: a number above 0."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    if not value > 0:
        raise argparse.ArgumentTypeError(f"the wait must be above 0 seconds, not {text}")
    return value


COMMANDS = {"login": cmd_login}
