"""Secrets and one-time values never stay in widget state (JupyterLab and nbclient save it).

After each action, the state of every widget the ScopeLab reaches (its embed state) and of every
widget created since the test began (what a front end's manager saves) is searched for the
secret strings.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import ipywidgets as W
import pytest
from ipywidgets.embed import dependency_state
from ipywidgets.widgets import widget as widget_module

from xero_nb.auth import MemoryTokenStore
from xero_nb.http import Client
from xero_nb.redact import redact
from xero_nb.simulator import XeroSimulator
from xero_nb.widgets.connection import Connection
from xero_nb.widgets.lab import LabState
from xero_nb.widgets.lab_view import ScopeLab
from xero_nb.widgets.scope_state import ScopeState

BEARER = "SENTINELbearer0123456789abcdefXYZ"
REFRESH = "SENTINELrefresh9876543210zyxwvuQ"
CLIENT_SECRET = "SENTINEL-client-secret-5e1f"
PASTE = (f"> GET /api.xro/2.0/Invoices HTTP/1.1\n> Authorization: Bearer {BEARER}\n"
         "< HTTP/1.1 401 Unauthorized\n< WWW-Authenticate: insufficient_scope\n"
         f'{{"Title": "Unauthorized", "Status": 401, "Detail": "AuthorizationUnsuccessful", '
         f'"refresh_token": "{REFRESH}"}}')


def _registry() -> dict[str, W.Widget]:
    return dict(widget_module._instances)


@pytest.fixture
def saved_state() -> Iterator[Any]:
    """A function: the JSON a notebook would save for ``root`` and every widget made since."""
    before = set(_registry())

    def state(root: W.Widget) -> str:
        fresh = [w for k, w in _registry().items() if k not in before]
        return json.dumps([dependency_state([root], drop_defaults=False),
                           W.Widget.get_manager_state(drop_defaults=False, widgets=fresh)],
                          default=str)

    yield state


def assert_nowhere(state: str, *secrets: str) -> None:
    for secret in secrets:
        assert secret not in state, f"{secret[:12]}… is in the saved widget state"


def sim_lab() -> tuple[ScopeLab, Connection]:
    c = Connection(ScopeState())
    c.use_simulator(simulator=XeroSimulator(limits=False))
    c.sign_in()
    return ScopeLab(LabState(c)), c


def test_pasted_error_box_keeps_only_the_redacted_paste(saved_state) -> None:
    lab, _ = sim_lab()
    panel = lab.call
    panel.paste.value = PASTE
    panel.paste_btn.click()
    assert panel.paste.value == redact(PASTE) and "[redacted]" in panel.paste.value
    assert_nowhere(saved_state(lab), BEARER, REFRESH)
    first = lab.state.call.paste_diagnosis.codes
    assert first and "xnb-finding" in panel.paste_result.value
    # Pressed again on the redacted text: the same diagnosis (of the paste it stands for).
    panel.paste_btn.click()
    assert lab.state.call.paste_diagnosis.codes == first
    assert_nowhere(saved_state(lab), BEARER, REFRESH)
    # A new paste replaces the old one, and is redacted in its turn.
    panel.paste.value = f"Authorization: Bearer {BEARER}-2"
    panel.paste_btn.click()
    assert panel.paste.value == "Authorization: Bearer [redacted]"
    assert_nowhere(saved_state(lab), BEARER)


def test_a_failed_diagnosis_still_redacts_the_box(saved_state, monkeypatch) -> None:
    import importlib

    diagnosis = importlib.import_module("xero_nb.diagnose.diagnosis")
    lab, _ = sim_lab()

    def broken(**_: Any) -> Any:
        raise RuntimeError("the diagnosis failed")

    monkeypatch.setattr(diagnosis, "diagnose", broken)
    lab.call.paste.value = PASTE
    lab.call.paste_btn.click()
    assert "the diagnosis failed" in lab.call.notice.value
    assert_nowhere(saved_state(lab), BEARER, REFRESH)


def test_client_secret_leaves_the_field_as_soon_as_it_is_typed(tmp_path, monkeypatch,
                                                                 saved_state) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    c = Connection(ScopeState(), store=MemoryTokenStore())
    lab = ScopeLab(LabState(c, sign_in=False))
    panel = lab.connect
    panel.mode.value = "live"
    panel.client_id.value = "ABCDEF0123456789ABCDEF0123456789"
    panel.secret.value = CLIENT_SECRET  # typed; "Use this app" not pressed yet
    assert panel.secret.value == "" and c.holds_secret
    assert "press Use this app" in panel.secret.placeholder
    assert_nowhere(saved_state(lab), CLIENT_SECRET)
    assert CLIENT_SECRET not in repr(vars(c))
    panel.use_live.click()
    assert c.mode == "live" and c.settings.client_secret.reveal() == CLIENT_SECRET
    assert not c.holds_secret and panel.secret.placeholder == "blank for a PKCE app"
    assert_nowhere(saved_state(lab), CLIENT_SECRET)


def test_a_typed_secret_is_dropped_when_another_app_is_chosen(saved_state) -> None:
    c = Connection(ScopeState())
    lab = ScopeLab(LabState(c, sign_in=False))
    lab.connect.secret.value = CLIENT_SECRET
    assert c.holds_secret
    lab.connect.use_sim.click()
    assert not c.holds_secret and c.mode == "simulator"
    assert CLIENT_SECRET not in repr(c.settings) and c.settings.client_secret.reveal() != CLIENT_SECRET
    assert_nowhere(saved_state(lab), CLIENT_SECRET)


def test_redirect_url_field_is_emptied_after_sign_in(tmp_path, monkeypatch, saved_state) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    sim = XeroSimulator(limits=False)
    app = sim.apps["web"]
    with sim.serve() as server:
        c = Connection(ScopeState(), store=MemoryTokenStore(), live_urls=server.urls)
        lab = ScopeLab(LabState(c, sign_in=False))
        panel = lab.connect
        panel.mode.value = "live"
        panel.client_id.value = app.client_id
        panel.secret.value = app.client_secret
        panel.redirect.value = "http://localhost:8765/callback"
        panel.use_live.click()
        assert_nowhere(saved_state(lab), app.client_secret)
        panel.link_btn.click()
        with Client(follow_redirects=False) as browser:  # the user's browser, auto-approved
            redirect = browser.get(c.pending_url).headers["location"]
        code = dict(p.split("=", 1) for p in redirect.split("?", 1)[1].split("&"))["code"]
        forged = "https://evil.example/callback?code=FORGEDCODE1234&state=forged"
        panel.pasted.value = forged
        panel.complete.click()  # refused (state), and still emptied: the code was used
        assert c.token is None and panel.pasted.value == ""
        assert_nowhere(saved_state(lab), "FORGEDCODE1234")
        panel.pasted.value = redirect
        panel.complete.click()
        assert c.notice[0] == "ok", c.notice
        assert c.token is not None and panel.pasted.value == ""
        assert panel.link.value == ""  # the consent link is spent too
        assert_nowhere(saved_state(lab), code, app.client_secret, c.token.access_token,
                       c.token.refresh_token)
