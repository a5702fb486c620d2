"""The simulator's front ends: the CLI entry, the loopback server, and scope checks vs the scopes module."""

from __future__ import annotations

import io
import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from xero_nb.catalog.index import load_catalog
from xero_nb.catalog.scopes import RESTRICTED_SCOPES, is_allowed, known_scopes, required_scopes, restriction
from xero_nb.http import Client
from xero_nb.simulator import XeroSimulator, main

GUID = "2f7c1c3e-3d7b-4b8e-9a55-5f0b1a2c3d4e"
ENDPOINTS = [ep for ep in load_catalog() if ep.api not in ("identity", "appstore")]
SCOPES = sorted(known_scopes() - {"openid", "profile", "email", "offline_access"})
SIM = XeroSimulator(limits=False)  # shared: each example mints its own token


def test_main_prints_url_and_client_ids_but_not_secrets() -> None:
    out = io.StringIO()
    assert main(port=0, out=out, block=False) == 0
    text = out.getvalue()
    assert re.search(r"listening on http://127\.0\.0\.1:\d+", text)
    sim = XeroSimulator()
    for app in sim.apps.values():
        assert app.client_id in text
        if app.client_secret:
            assert app.client_secret not in text
    shown = io.StringIO()
    main(port=0, show_secrets=True, out=shown, block=False)
    assert sim.apps["web"].client_secret in shown.getvalue()


def test_secrets_stay_out_of_reprs() -> None:
    sim = XeroSimulator()
    app = sim.apps["web"]
    assert app.client_secret not in repr(app) and app.client_secret not in repr(sim.apps)
    assert "XeroSimulator" in repr(sim) and "SimTransport" in repr(sim.transport())


def test_server_serves_xero_paths_on_one_origin(served_sim) -> None:
    urls = served_sim.urls
    doc = Client().get(urls.openid_configuration).json()
    assert doc["token_endpoint"] == urls.token and doc["authorization_endpoint"] == urls.authorize
    assert doc["issuer"] == "https://identity.xero.com"
    assert Client().get(urls.jwks).json()["keys"][0]["alg"] == "RS256"
    r = Client().get(urls.api_root + "/api.xro/2.0/Accounts")
    assert r.status_code == 401 and r.json()["Instance"] == r.headers["Xero-Correlation-Id"]


def _path(url: str) -> str:
    return re.sub(r"\{([^}]+)\}", lambda m: GUID if m.group(1).endswith(("ID", "Id", "id"))
                  else "Sample", url[len("https://api.xero.com"):])


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ep=st.sampled_from(ENDPOINTS), granted=st.sets(st.sampled_from(SCOPES), max_size=4),
       app=st.sampled_from(["web", "pkce", "migrating"]))
def test_scope_verdict_matches_the_scopes_module(ep, granted, app) -> None:
    era = SIM.apps[app].era
    tok = SIM.issue_token(scopes=sorted(granted) or ["offline_access"], app=app)
    country = {"NZ": "NZ", "UK": "UK"}.get(ep.payroll_region or "", "AU")
    r = Client(transport=SIM.transport()).request(
        ep.method, "https://api.xero.com" + _path(ep.url),
        headers={"Authorization": "Bearer " + tok["access_token"],
                 "xero-tenant-id": SIM.tenant(country).tenant_id})
    refused_for_scope = r.status_code == 401 and r.json().get(
        "Detail", r.json().get("detail")) == "AuthorizationUnsuccessful"
    if not is_allowed(ep, granted, era):
        assert refused_for_scope and r.headers["WWW-Authenticate"] == "insufficient_scope"
    else:
        held = required_scopes(ep, era) & granted
        gated = restriction(ep, era) is not None or all(s in RESTRICTED_SCOPES for s in held)
        assert gated or not refused_for_scope, (ep, granted, app)
