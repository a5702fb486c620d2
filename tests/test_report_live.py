"""The report from real parts: XeroClient results and a probe against the simulator."""

from __future__ import annotations

from xero_nb.client.call import XeroClient
from xero_nb.probe.engine import probe
from xero_nb.report.build import report
from xero_nb.simulator import XeroSimulator


def test_report_from_client_results_and_a_probe(sim_nolimits: XeroSimulator) -> None:
    sim = sim_nolimits
    tok = sim.issue_token(scopes=["openid", "offline_access", "accounting.settings.read",
                                  "payroll.employees.read"], user="eve@example.com")
    app = sim.apps["web"]
    with XeroClient(token=tok, transport=sim.transport(), tenant_id=sim.tenant("AU").tenant_id) as c:
        missing = c.call("/Invoices")
        role = c.call("https://api.xero.com/payroll.xro/1.0/Employees")
        assert missing.diagnosis().top.code == "missing_scope"
        assert role.diagnosis().top.code == "user_role"
        result = probe(c, None)
        doc = report([missing], probe=result, token=c.current_token(),
                     calls=[r.call for r in result.results if r.call is not None and not r.call.ok],
                     secrets=[app.client_secret or ""], title="simulator report")
    for out in (doc.markdown, doc.html):
        for secret in (tok["access_token"], tok["refresh_token"], tok.get("id_token") or "x" * 9,
                       app.client_secret or "x" * 9):
            assert secret not in out
    md = doc.markdown
    assert "## Probe: predicted vs observed" in md and "Demo Company (AU)" in md
    assert missing.correlation_id is not None and missing.correlation_id in md
    assert role.correlation_id is not None
    assert "missing_scope" in md and "user_role" in md and "payroll admin" in md
    assert "Bearer $XERO_ACCESS_TOKEN" in md
