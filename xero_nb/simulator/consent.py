"""The HTML pages of the simulated login.xero.com: the consent screen and the error page."""

from __future__ import annotations

from html import escape

from xero_nb import facts
from xero_nb.catalog.scopes import scope_table
from xero_nb.simulator.orgs import DemoApp, DemoOrg, DemoUser

_STYLE = """body{font-family:system-ui,sans-serif;max-width:40rem;margin:2rem auto;color:#1e3145}
h1{font-size:1.4rem}.box{border:1px solid #ccd;border-radius:8px;padding:1rem 1.5rem}
li{margin:.2rem 0}code{background:#f2f4f8;padding:0 .2rem}.sim{color:#888;font-size:.8rem}
button{font-size:1rem;padding:.5rem 1.2rem;margin-right:.6rem;border-radius:4px}
button[value=allow]{background:#13b5ea;color:#fff;border:0}"""


def consent_page(app: DemoApp, user: DemoUser, scopes: tuple[str, ...], orgs: list[DemoOrg],
                 ticket: str) -> str:
    """The consent screen: app, scopes, organisations to pick, Allow and Deny."""
    info = scope_table()
    scope_items = "".join(
        f"<li><code>{escape(s)}</code>" + (f": {escape(info[s].description)}" if s in info else "")
        + "</li>" for s in scopes)
    org_items = "".join(
        f'<li><label><input type="checkbox" name="tenant" value="{escape(o.tenant_id)}"'
        f'{" checked" if i == 0 else ""}> {escape(o.name)}</label></li>'
        for i, o in enumerate(orgs)
    ) or "<li>No organisation you can connect (you need the Standard or Adviser role).</li>"
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Xero | Authorise app</title><style>{_STYLE}</style></head><body>
<p class="sim">xero-nb simulator: an offline stand-in for login.xero.com</p>
<div class="box"><h1>{escape(app.name)} wants to access your Xero data</h1>
<p>Signed in as <b>{escape(user.name)}</b> ({escape(user.email)})</p>
<p>It will be able to:</p><ul id="scopes">{scope_items}</ul>
<form method="post" action="{facts.AUTHORIZE_PATH}">
<input type="hidden" name="ticket" value="{escape(ticket)}">
<p>Choose the organisations to connect:</p><ul id="orgs">{org_items}</ul>
<button type="submit" name="action" value="allow">Allow access</button>
<button type="submit" name="action" value="deny">Cancel</button>
</form></div></body></html>"""


def error_page(error: str, description: str) -> str:
    """What login.xero.com shows when it cannot redirect back (unknown client, bad redirect)."""
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Xero | Error</title><style>{_STYLE}</style></head><body>
<p class="sim">xero-nb simulator</p><div class="box"><h1>Sorry, something went wrong</h1>
<p id="error"><code>{escape(error)}</code> : {escape(description)}</p></div></body></html>"""


def index_page(apps: dict[str, DemoApp], orgs: list[DemoOrg], origin: str) -> str:
    """A landing page for people who open the simulator's URL in a browser."""
    rows = "".join(f"<li><b>{escape(n)}</b> ({escape(a.kind)}, {escape(a.era)} era): client id "
                   f"<code>{escape(a.client_id)}</code></li>" for n, a in apps.items())
    org_rows = "".join(f"<li>{escape(o.name)}: <code>{escape(o.tenant_id)}</code></li>" for o in orgs)
    urls = facts.XeroURLs.on(origin)
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>xero-nb simulator</title><style>{_STYLE}</style></head><body>
<h1>xero-nb simulator</h1><p>An offline Xero. Authorize at <code>{escape(urls.authorize)}</code>,
tokens at <code>{escape(urls.token)}</code>, API under <code>{escape(urls.api_root)}</code>.</p>
<h2>Apps</h2><ul>{rows}</ul><h2>Organisations</h2><ul>{org_rows}</ul></body></html>"""
