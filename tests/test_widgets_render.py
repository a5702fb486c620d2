"""The HTML fragments: escaped, with code spans and clickable fix links."""

from __future__ import annotations

from xero_nb.diagnose.diagnosis import diagnose
from xero_nb.widgets.render import cell_text, chips, findings, key_values, message, rich


def test_rich_escapes_then_links() -> None:
    out = rich('Add `accounting.invoices.read`; <img src=x onerror=1> see https://x.test/a?b=1&c="2"')
    assert "<code>accounting.invoices.read</code>" in out
    assert "<img" not in out and "&lt;img" in out
    assert '<a href="https://x.test/a?b=1&amp;c=" target="_blank"' in out


def test_findings_of_a_real_diagnosis() -> None:
    diag = diagnose(status=401, headers={"WWW-Authenticate": "insufficient_scope"},
                    body={"Title": "Unauthorized", "Status": 401,
                          "Detail": "AuthorizationUnsuccessful"},
                    endpoint="GET /Invoices", granted=["accounting.settings.read"],
                    era="granular", client_id="ABC", redirect_uri="http://localhost:8765/callback")
    out = findings(diag)
    assert 'data-code="missing_scope"' in out and "<code>accounting.invoices.read</code>" in out
    assert '<a href="https://login.xero.com/identity/connect/authorize?' in out
    assert findings(None) == ""


def test_small_pieces() -> None:
    assert cell_text(frozenset({"b", "a"})) == "a, b" and cell_text(float("nan")) == ""
    assert message("") == "" and "xnb-msg-error" in message("<x>", "error")
    assert "&lt;x&gt;" in message("<x>", "error")
    assert chips(["b", "a"], on=["a"]).index("xnb-on") < chips(["b", "a"], on=["a"]).index(">b<")
    assert "<b>status</b>" in key_values([("status", 401)])
