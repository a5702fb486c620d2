"""The ``xero-nb`` commands that talk to Xero or the simulator: probe, report, simulator."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from xero_nb.cli.helpers import FAILED, OK, USAGE, CliError, emit, listing_problem, read_text

# The demo token `xero-nb probe` uses against the simulator when no --granted is given, less
# what the chosen demo app could never obtain (`demo_scopes`).
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


# The demo app `--era` picks when no --app is given.
ERA_APPS = {"broad": "web", "granular": "pkce", "mixed": "migrating"}


@dataclass(frozen=True)
class Connection:
    """What the live commands talk to: the client, a label, the era, and whether it is the demo.

    Unpacks as ``client, label, era, simulated``. ``tier`` is the app's developer tier when known
    (the simulator's demo apps): the probe then counts a refusal the tier explains as gated.
    ``notes`` are said on stderr before the command's output.
    """

    client: Any
    label: str
    era: str | None
    simulated: bool
    tier: str | None = None
    notes: tuple[str, ...] = ()

    def __iter__(self) -> Iterator[Any]:
        return iter((self.client, self.label, self.era, self.simulated))


def unobtainable(app: Any, scope: str) -> str | None:
    """Why the simulator's demo ``app`` could never hold ``scope`` (None: it can).

    Read from the app's public data as the simulator's sign-in judges it: a custom connection
    (client credentials) gets only its configured scopes, so no OpenID scope and no refresh
    token; a Web or PKCE app is refused at authorize what its era may not request (broad scopes
    and Journals from 2 Mar 2026) unless Xero approved it, and the client-credentials-only scopes.
    """
    from xero_nb.catalog.scopes import OIDC_SCOPES, refused_at_authorize, scope_table

    if app.kind == "custom":
        if scope in OIDC_SCOPES:
            return ("a custom connection uses the client-credentials grant: no OpenID scopes and "
                    "no refresh token (offline_access)")
        if scope not in app.scopes:
            return ("not among the custom connection's configured scopes (Xero answers "
                    "invalid_scope: Client credentials scope validation failed)")
        return None
    why = refused_at_authorize(scope, app.era)
    if why is not None and scope not in app.approved_scopes:
        return f"refused at sign-in (unauthorized_client): {why}"
    info = scope_table().get(scope)
    if info is not None and info.status == "non-tenanted":
        return "client-credentials grant only: a user's sign-in cannot ask for it"
    return None


def demo_scopes(app: Any) -> list[str]:
    """The demo token's scopes for ``app``: the demo set, less what the app could never obtain.

    A custom connection's scopes are configured read-write (``accounting.settings``), so each
    ``.read`` demo scope becomes the configured one of its family.
    """
    from xero_nb.catalog.scopes import family

    wanted = SIM_SCOPES["granular" if app.era == "granular" else "broad"].split()
    if app.kind == "custom":
        wanted = [s if s in app.scopes else family(s) for s in wanted]
    return [s for s in dict.fromkeys(wanted) if unobtainable(app, s) is None]


def _no_app_for(profile: str) -> CliError:
    from xero_nb.auth.config import default_profiles_path

    return CliError(
        f"profile {profile!r} has no Xero client id: add a [profiles.{profile}] table with "
        f"client_id = \"...\" (and client_secret for a web app) to {default_profiles_path()}, "
        "or set XERO_CLIENT_ID; leave out --profile to use the offline simulator")


def _demo_app(sim: Any, args: argparse.Namespace) -> Any:
    """The demo app: --app, else the one of --era's kind; exit 2 when the two disagree."""
    era = getattr(args, "era", None)
    if not args.app:
        return sim.app(ERA_APPS[era] if era else "web")
    demo = sim.app(args.app)
    if era and era != demo.era:
        fits = sim.app(ERA_APPS[era])
        if fits.era == era:
            advice = f"drop --era, or use --app {fits.name} (the {era}-era demo app)"
        else:  # no demo app is of the broad era (every app older than 2 Mar 2026 is mixed)
            advice = (f"drop --era, or drop --app: without it the {fits.name} app ({fits.era}-era) is "
                      f"judged in the {era} era")
        raise CliError(f"--app {demo.name} is a {demo.era}-era app but --era says {era}: {advice}", USAGE)
    return demo


def connect(args: argparse.Namespace) -> Connection:
    """An XeroClient for real Xero (XERO_CLIENT_ID set) or the simulator, a label, the era."""
    from xero_nb.auth.config import Settings
    from xero_nb.client.call import XeroClient

    settings = Settings.from_env(profile=getattr(args, "profile", None))
    if settings.use_simulator:
        named = getattr(args, "profile", None) or (
            settings.profile if settings.profile != "default" else None)
        if named:  # the user asked for a real app: the simulator would answer for the wrong one
            raise _no_app_for(named)
        from xero_nb.simulator import XeroSimulator

        sim = XeroSimulator(limits=True)
        demo = _demo_app(sim, args)
        era = getattr(args, "era", None) or demo.era
        scopes = " ".join(args.granted).split() if args.granted else demo_scopes(demo)
        # --granted is a what-if and is minted as given, but said when the app could not sign in so.
        notes = tuple(f"note: the {demo.name} app could not obtain {s}: {why}; the demo token holds "
                      "it because --granted names it" for s in dict.fromkeys(scopes)
                      if (why := unobtainable(demo, s)) is not None)
        token = sim.issue_token(scopes=scopes, app=demo.name)
        client = XeroClient(token=token, transport=sim.transport())
        judged = f", judged in the {era} era" if era != demo.era else ""
        label = f"the simulator ({demo.name} app, a {demo.era}-era app{judged}; {demo.tier} tier)"
        return Connection(client, label, era, True, demo.tier, notes)
    if args.granted or args.app:
        raise CliError("--granted and --app only apply to the simulator; unset XERO_CLIENT_ID")
    from xero_nb.auth.flow import XeroAuth

    auth = XeroAuth(settings)
    if settings.grant == "client_credentials" and auth.store.load() is None:
        auth.client_credentials(settings.scopes)  # a custom connection needs no browser
    label = f"Xero as {settings.client_id} (profile {settings.profile!r})"
    return Connection(XeroClient(auth=auth), label, getattr(args, "era", None) or settings.era,
                      False)


def _tenants(client: Any, wanted: list[str] | None) -> list[Any] | None:
    """The connected tenants named by id or name (None: all); exit 3 for one not connected."""
    if not wanted:
        return None
    from xero_nb.models import Tenant

    listing = client.call(client.urls.connections)
    problem = listing_problem(listing, probed=0)
    if problem:  # not "tenant not connected": nothing could be listed at all
        raise CliError(problem, FAILED)
    connected = [Tenant.from_connection(r) for r in listing.body if isinstance(r, dict)]
    chosen = []
    for key in wanted:
        hit = [t for t in connected if key.strip().lower() in (t.tenant_id.lower(),
                                                                t.tenant_name.strip().lower())]
        if not hit:
            listed = "; ".join(f"{t.tenant_name} ({t.tenant_id})" for t in connected) or "none"
            raise CliError(f"tenant {key!r} is not connected to this token; connected: {listed}")
        chosen += [t for t in hit if t not in chosen]
    return chosen


def _bar(quiet: bool) -> Any:
    if quiet or not sys.stderr.isatty():  # a bar of \r redraws is for a terminal, not a CI log
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
    """Predicted vs observed access for each tenant; exit 1 on any mismatch (known gates and
    other regions' payroll are no mismatch)."""
    from xero_nb.probe.engine import probe

    conn = connect(args)
    client, where, era = conn.client, conn.label, conn.era
    with client:
        tenants = _tenants(client, args.tenant)
        print(f"probing {where}", file=sys.stderr)
        for note in conn.notes:
            print(note, file=sys.stderr)
        report = probe(client, tenants, era=era, tier=conn.tier, check_absent=args.check_absent,
                       progress=_bar(args.quiet))
    problem = (listing_problem(report.connections, len(report.results)) or _nothing_probed(report)
               or report.unanswered())
    rows = report.rows()
    if args.format == "json":
        emit({"summary": report.summary(), "results": rows,
              "unprobed": [{"family": u.family, "reason": u.reason} for u in report.unprobed],
              "notes": report.notes(), **({"error": problem} if problem else {})})
    else:
        # (the API too: AU payroll 1.0 and NZ/UK payroll 2.0 share paths such as /Employees)
        cols = ("tenant", "family", "api", "method", "path", "predicted", "observed", "verdict", "cause")
        sep = "," if args.format == "csv" else "  "
        print(sep.join(cols))
        blank = "" if args.format == "csv" else "-"  # no conclusive answer: not the word None
        for r in rows:
            # a prediction of None: the payroll region was not known, so the rules could not say
            shown = {**r, "predicted": "unknown" if r["predicted"] is None else r["predicted"]}
            print(sep.join(blank if shown[c] is None else str(shown[c]) for c in cols))
        if args.format == "table" and not problem:
            s = report.summary()
            apart = [f"{n} {what}" for n, what in ((s.get("gated", 0), "gated (tier or plan)"),
                                                   (s.get("not_this_region", 0), "not this region"))
                     if n]
            print(f"{s['probes']} probes, {s['calls']} calls (one per GET endpoint would be "
                  f"{s['get_endpoints']} per tenant), {len(report.mismatches())} mismatch(es)"
                  + "".join(f", {a}" for a in apart), file=sys.stderr)
            for note in report.notes():
                print(f"note: {note}", file=sys.stderr)
    if problem:
        print(f"xero-nb: {problem}", file=sys.stderr)
        return FAILED
    return FAILED if report.mismatches() else OK


def _nothing_probed(report: Any) -> str | None:
    """A run that checked nothing is not a pass: say why, and what would give it something."""
    if report.results:
        return None
    from xero_nb.catalog.scopes import OIDC_SCOPES, refused_at_authorize, scope_reach

    held = ", ".join(sorted(report.granted)) or "none"
    api = sorted(set(report.granted) - OIDC_SCOPES)
    reach = scope_reach(report.era)
    # In the granular era the broad scopes grant nothing: that, not OpenID, is why nothing ran.
    dead = [s for s in api if not reach.get(s) and refused_at_authorize(s, report.era)]
    fix = ("grant an API scope (simulator: --granted accounting.contacts.read ...) or pass "
           "--check-absent to probe the families not granted")
    if dead:
        which = (f"{dead[0]} is a broad scope" if len(dead) == 1
                 else f"{', '.join(dead)} are broad scopes")
        return (f"nothing was probed: {which}, and in the {report.era} era (apps created from "
                "2 Mar 2026, custom connections from 29 Apr 2026) broad scopes grant nothing; "
                "grant granular scopes instead "
                f"(xero-nb migrate --granted {' '.join(dead)} lists them; simulator: --granted "
                "accounting.invoices.read ...), or pass --check-absent to probe the families "
                "not granted")
    if not api:
        return (f"nothing was probed: the token's scopes ({held}) reach no API family (openid, "
                f"profile, email and offline_access call no API); {fix}")
    why = "; ".join(f"{u.family}: {u.reason}" for u in report.unprobed)
    return (f"nothing was probed: the token's scopes ({held}) reach no API family that a probe "
            f"can call{f' ({why})' if why else ''}; {fix}")


def cmd_report(args: argparse.Namespace) -> int:
    """Probe, diagnose the failures, and write the redacted report."""
    from xero_nb.probe.engine import probe
    from xero_nb.report.build import report

    pasted = read_text(args.error_file) if args.error_file else None
    if args.out:
        _check_writable(args.out)
    conn = connect(args)
    client, where, era, simulated = conn
    with client:
        for note in conn.notes:
            print(note, file=sys.stderr)
        result = probe(client, None, era=era, tier=conn.tier)
        tok = client.current_token()
        problem = (listing_problem(result.connections, len(result.results)) or result.unanswered()
                   or _nothing_probed(result))  # (a report of nothing verified is no pass either)
        # another region's payroll answering 404 is expected, no failure to diagnose
        failed = [r.call for r in result.results if r.call is not None and not r.call.ok
                  and r.verdict != "not_this_region"]
        if problem and not result.connections.ok:
            failed.insert(0, result.connections)  # the failed listing, diagnosed in the report
        if pasted:
            failed.append(_pasted(pasted, None if simulated else tok,
                                  args.era if simulated else era))
        doc = report(probe=result, token=tok, calls=failed, era=era,
                     title=f"xero-nb report: {where}", secrets=_secrets(args, client))
    text = doc.html if args.format == "html" else doc.markdown
    if args.out:
        try:
            Path(args.out).write_text(text, encoding="utf-8")
        except OSError as exc:
            raise CliError(f"cannot write {args.out}: {exc.strerror or exc}", USAGE) from None
        print(f"wrote {args.out}", file=sys.stderr)
    else:
        print(text)
    if problem:
        print(f"xero-nb: {problem}", file=sys.stderr)
        return FAILED
    return OK


def _secrets(args: argparse.Namespace, client: Any) -> list[str]:
    """The configured client secret and every token the client and its store hold."""
    from xero_nb.auth.config import Settings

    found: list[Any] = [Settings.from_env(profile=getattr(args, "profile", None)).client_secret]
    auth = getattr(client, "auth", None)
    if auth is not None:
        found.append(auth.settings.client_secret)
    tokens = [client.current_token()]
    for store in (client.store, getattr(auth, "store", None)):
        if store is not None:
            tokens.append(store.load())
    for tok in tokens:
        if tok is not None:
            found += [tok.access_token, tok.refresh_token, tok.id_token]
    values = [s.reveal() if hasattr(s, "reveal") else s for s in found if s]
    return [v for v in values if isinstance(v, str) and v]


def _check_writable(out: str) -> None:
    """Fail before the probe, not after it, when --out cannot be written."""
    path = Path(out)
    if path.is_dir():
        raise CliError(f"--out {out} is a folder; give a file name", USAGE)
    if not path.parent.is_dir():
        raise CliError(f"cannot write {out}: folder {path.parent} does not exist", USAGE)


def _pasted(text: str, token: Any, era: str | None) -> Any:
    """The pasted error's diagnosis, judged by its own token when it carries one.

    The report's token (the simulator's demo token, or the live one) says nothing about a
    paste that shows its own ``Authorization`` header; used as context it would win.
    """
    from xero_nb.diagnose.diagnosis import diagnose
    from xero_nb.diagnose.observation import observe

    own = observe(text=text).token_scopes is not None
    return diagnose(text=text, token=None if own else token, era=era)


COMMANDS = {"probe": cmd_probe, "report": cmd_report}
