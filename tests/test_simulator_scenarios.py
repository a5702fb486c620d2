"""Named failure scenarios: each fails as its name says, and the diagnosis agrees."""

from __future__ import annotations

import pytest

from xero_nb.diagnose.diagnosis import diagnose
from xero_nb.simulator import SimulatorError, XeroSimulator
from xero_nb.simulator.scenarios import SCENARIOS

STATUS = {"missing_scope": 401, "not_reconsented": 401, "token_expired": 401,
          "tenant_header_missing": 403, "tenant_not_connected": 403, "connection_revoked": 403,
          "user_role": 403, "feature_not_in_plan": 403, "payroll_region_mismatch": 404,
          "restricted_scope": 403, "broad_scope_on_granular_app": 401, "tier_gated": 401,
          "rate_limited": 429, "invalid_grant": 400, "invalid_client": 400,
          "invalid_scope_requested": 400}


def test_every_scenario_has_an_expected_status() -> None:
    assert set(SCENARIOS) == set(STATUS)


@pytest.mark.parametrize("code", SCENARIOS)
def test_scenario_fails_as_named_and_is_diagnosed(sim: XeroSimulator, code: str) -> None:
    sc = sim.scenario(code)
    r = sc.send()
    assert r.status_code == STATUS[code]
    assert r.headers["Xero-Correlation-Id"]
    d = diagnose(r, token=sc.token, era=sc.era, requested=sc.requested, connections=sc.connections())
    assert d.top.code == code
    if sc.token is not None:
        assert sc.token["access_token"] not in repr(sc)


def test_unknown_scenario(sim: XeroSimulator) -> None:
    with pytest.raises(SimulatorError, match="missing_scope"):
        sim.scenario("nope")
