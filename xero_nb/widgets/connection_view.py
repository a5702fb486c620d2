"""ConnectPanel: simulator or live Xero, sign-in, organisations, token status."""

from __future__ import annotations

import threading
import time
from typing import Any

import ipywidgets as W

from xero_nb.catalog.scopes import ERAS
from xero_nb.markup import Markup, el, fmt, href
from xero_nb.redact import looks_secret, redact
from xero_nb.widgets.connection import Connection
from xero_nb.widgets.demo import DEMO_SCOPES
from xero_nb.widgets.pasted import scopes_only
from xero_nb.widgets.render import chips, message
from xero_nb.widgets.table_view import show_notice, style_widget

SIM_APPS = ("web", "pkce", "custom", "partner", "migrating")
_SECRET_HINT = "blank for a PKCE app"
_SECRET_HELD = "received (hidden): press Use this app"


def _in_kernel() -> bool:
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    return shell is not None and hasattr(shell, "kernel")


def status_html(s: dict) -> str:
    """The token card: mode, app, era, expiry, scopes, organisations (never a token)."""
    if s["mode"] == "none":
        return message("Not connected: choose the simulator or enter a Xero app.")
    mode = "Xero simulator (offline, not real Xero)" if s["mode"] == "simulator" else "Xero (live)"
    if not s["signed_in"]:
        body = Markup("<div>Not signed in.</div>")
    else:
        left = s["expires_in"] or 0
        at = time.strftime("%H:%M:%S UTC", time.gmtime(time.time() + left))
        expiry = f"expires in {left // 60} min {left % 60} s (at {at})" if left else "expired"
        body = fmt("<div><b>Access token</b> {}; refresh token: {}</div>"
                   "<div><b>{} scopes granted</b> {}</div>"
                   "<div><b>Organisation</b> {} ({} connected)</div>",
                   expiry, "yes" if s["refreshable"] else "no", len(s["scopes"]),
                   chips(s["scopes"], s["scopes"]), s["tenant"] or "-", s["tenants"])
    return fmt('<div class="xnb-status"><div><b>{}</b> · app <code>{}</code> · era <b>{}</b></div>'
               "{}</div>", mode, s["app"], s["era"], body)


class ConnectPanel(W.VBox):
    """Choose simulator or live Xero, sign in (loopback or paste the redirect URL), pick an org."""

    def __init__(self, connection: Connection | None = None, countdown: float | None = None) -> None:
        self.conn = c = connection if connection is not None else Connection()
        self.mode = W.ToggleButtons(options=["simulator", "live"],
                                    value="live" if c.mode == "live" else "simulator",
                                    description="Xero")
        self.sim_app = W.Dropdown(options=list(SIM_APPS), value=c.app if c.app in SIM_APPS
                                  else "web", description="Demo app")
        self.use_sim = W.Button(description="Use simulator", icon="flask")
        self.client_id = W.Text(description="Client id", placeholder="from developer.xero.com")
        # Sent when the field loses focus; the connection keeps it and the field is emptied at
        # once, so no saved widget state ever holds it.
        self.secret = W.Password(description="Secret", placeholder=_SECRET_HINT,
                                 continuous_update=False)
        self.redirect = W.Text(description="Redirect", placeholder="http://127.0.0.1:8765/callback")
        self.era = W.Dropdown(options=[("app era: unknown", "")] + [(e, e) for e in ERAS],
                              description="Era")
        self.custom = W.Checkbox(value=False, description="custom connection", indent=False,
                                 tooltip="client_credentials grant: no browser sign-in")
        self.use_live = W.Button(description="Use this app", icon="plug")
        self.profile = W.Text(description="Profile", placeholder="default",
                              layout=W.Layout(width="260px"))
        self.use_env = W.Button(description="From env / profile", icon="cog",
                                tooltip="XERO_CLIENT_ID etc. from the environment, .env or a "
                                        "profiles.toml profile")
        self.scopes = W.Textarea(value=" ".join(c.settings.scopes) if c.settings else
                                 " ".join(DEMO_SCOPES), description="Scopes",
                                 layout=W.Layout(width="95%", height="48px"))
        self.sign_in = W.Button(description="Sign in", icon="sign-in", button_style="primary")
        self.link_btn = W.Button(description="Get sign-in link", tooltip="for remote Jupyter")
        self.link = W.HTML()
        self.pasted = W.Text(description="Redirect URL", placeholder="paste where Xero sent you",
                             layout=W.Layout(width="70%"), style={"description_width": "initial"})
        self.complete = W.Button(description="Complete")
        self.tenant = W.Dropdown(options=[], description="Organisation",
                                 layout=W.Layout(width="460px"), style={"description_width": "initial"})
        self.refresh_btn = W.Button(description="Refresh token", icon="refresh")
        self.sign_out = W.Button(description="Sign out")
        self.revoke = W.Button(description="Revoke", button_style="danger")
        # (red: it removes the organisation from the app; white on orange read at about 2:1)
        self.disconnect = W.Button(description="Disconnect org", button_style="danger")
        # On live Xero, Revoke and Disconnect first ask (the connection's question) here.
        self.question = W.HTML()
        self.confirm = W.Button(description="Confirm", button_style="danger")
        self.cancel = W.Button(description="Cancel")
        self.confirm_box = W.HBox([self.question, self.confirm, self.cancel],
                                  layout=W.Layout(display="none", align_items="center"))
        self.confirm_box.add_class("xnb-confirm")
        self.status = W.HTML()
        self.status.add_class("xnb-token-status")
        self.notice = W.HTML()
        self.secret.observe(lambda ch: c.hold_secret(ch["new"]), names="value")
        self.use_sim.on_click(lambda _: c.use_simulator(app=self.sim_app.value))
        self.use_live.on_click(lambda _: c.use_live(**self.typed_credentials()))
        self.use_env.on_click(lambda _: c.use_profile(self.profile.value))
        self.sign_in.on_click(lambda _: self._with_scopes(c.sign_in))
        self.link_btn.on_click(lambda _: self._with_scopes(c.start_paste))
        self.complete.on_click(lambda _: c.complete(self.pasted.value))
        self.tenant.observe(lambda ch: c.select_tenant(ch["new"]), names="value")
        self.refresh_btn.on_click(lambda _: c.refresh())
        self.sign_out.on_click(lambda _: c.sign_out())
        self.revoke.on_click(lambda _: c.ask("revoke"))
        self.disconnect.on_click(lambda _: c.ask("disconnect"))
        self.confirm.on_click(lambda _: c.answer(True))
        self.cancel.on_click(lambda _: c.answer(False))
        self.mode.observe(lambda ch: self.show_mode(ch["new"]), names="value")
        c.subscribe(self.redraw)
        c.scopes.subscribe(lambda what: self.redraw("status") if what == "era" else None)
        self.sim_box = W.HBox([self.sim_app, self.use_sim])
        self.live_box = W.VBox([W.HBox([self.profile, self.use_env]),
                                W.HBox([self.client_id, self.secret]),
                                W.HBox([self.redirect, self.era, self.custom, self.use_live])])
        super().__init__([style_widget(),
            self.mode, self.sim_box, self.live_box, self.scopes,
            W.HBox([self.sign_in, self.link_btn]), self.link, W.HBox([self.pasted, self.complete]),
            self.notice, self.status, self.tenant,
            W.HBox([self.refresh_btn, self.sign_out, self.revoke, self.disconnect]),
            self.confirm_box,
        ])
        self.show_mode(self.mode.value)
        self.redraw("token")
        self.redraw("notice")
        self._stop = threading.Event()
        # The expiry countdown ticks only inside a running kernel (not in headless tests).
        every = countdown if countdown is not None else (30.0 if _in_kernel() else 0.0)
        if every > 0:
            threading.Thread(target=self._tick, args=(every,), daemon=True,
                             name="xero-nb-countdown").start()

    def _tick(self, every: float) -> None:
        while not self._stop.wait(every):
            self.redraw("status")

    def close(self) -> None:
        """Stop the countdown and close the widget."""
        self._stop.set()
        super().close()

    def _with_scopes(self, start: Any) -> None:
        """``start(scopes=...)`` with the Scopes box; a token or secret typed there is taken out
        of the box (neither shown nor saved with the notebook) and nothing starts: the user checks
        the scopes first."""
        typed = self.scopes.value
        kept = scopes_only(typed)
        if kept != redact(typed) or looks_secret(typed.strip()):
            self.scopes.value = kept if kept != redact(typed) else ""
            self.conn.tell("A value shaped like a token or secret was typed among the scopes: it was "
                            "taken out of the box (not shown, not saved). Check the scopes, then sign in "
                            "again.", "error")
            return
        start(scopes=typed)

    def typed_credentials(self) -> dict:
        """The live app typed in; the secret field is emptied at once (not kept in widget state).

        A secret the connection already holds (typed, then the field emptied) is used when the
        field is blank.
        """
        secret, self.secret.value = self.secret.value, ""
        return {"client_id": self.client_id.value, "client_secret": secret,
                "redirect_uri": self.redirect.value, "scopes": self.scopes.value or None,
                "era": self.era.value or None, "custom_connection": self.custom.value}

    def show_mode(self, mode: str) -> None:
        """Show the simulator's or the live app's fields."""
        self.sim_box.layout.display = "" if mode == "simulator" else "none"
        self.live_box.layout.display = "" if mode == "live" else "none"

    def redraw(self, what: str = "token") -> None:
        """Follow the connection (errors are shown, never lost)."""
        try:
            c = self.conn
            if what == "notice":
                show_notice(self.notice, c.notice)
                label = ("Open the simulator's consent page" if c.mode == "simulator"
                         else "Open Xero's consent page")
                self.link.value = fmt(
                    "{} <span class='xnb-static-note'>(click it if no browser tab opened)</span>",
                    el("a", label, href=href(c.pending_url), target="_blank", rel="noopener",
                       class_="xnb-consent-open")) if c.pending_url else ""
                return
            # Secrets and one-time values leave the widgets as soon as the connection has them.
            if what == "secret":
                self.secret.value = ""
                self.secret.placeholder = _SECRET_HELD if c.holds_secret else _SECRET_HINT
                return
            if what == "redirect_used":
                self.pasted.value = ""
                return
            asked = c.question()  # also gone with the token it was asked about
            self.question.value = message(asked, "error") if asked else ""
            self.confirm_box.layout.display = "" if asked else "none"
            if what == "confirm":
                return
            opts = [(f"{t.tenant_name} ({t.tenant_id[:8]}…)", t.tenant_id) for t in c.tenants]
            if list(self.tenant.options) != opts:
                chosen = c.tenant_id  # new options select the first one; keep the choice
                self.tenant.options = opts
                if chosen in [v for _, v in opts]:
                    self.tenant.value = chosen
            if c.tenant_id != self.tenant.value and c.tenant_id in [v for _, v in opts]:
                self.tenant.value = c.tenant_id
            # what needs a token is off without one (a refresh, a sign-out, a revoke of nothing)
            signed_in = c.token is not None
            for button in (self.refresh_btn, self.sign_out, self.revoke):
                button.disabled = not signed_in
            self.disconnect.disabled = not (signed_in and c.tenants)
            if c.settings is not None and what == "token" and c.token is None:
                self.scopes.value = " ".join(c.settings.scopes)
            elif what == "token" and c.token is not None:
                # a re-consent asked for more: the box shows what a sign-in would ask for now (a
                # refresh asks for the same, so what the user typed since stays)
                asked_for = " ".join(sorted(getattr(c.token, "requested", None) or c.token.scopes))
                if asked_for and asked_for != getattr(self, "_asked_for", None):
                    self.scopes.value = self._asked_for = asked_for
            self.status.value = status_html(c.status())
        except Exception as exc:  # shown in the panel, not swallowed
            self.notice.value = message(f"{type(exc).__name__}: {exc}", "error")
