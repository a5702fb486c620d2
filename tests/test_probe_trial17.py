"""A new user's trial of the multi-tenant probe (trial 17), kept fixed.

#1/#4: without accounting.settings.read the organisation's country is unknown: the prediction
says so, the region is learned from the payroll API that answered, other regions' rows are
``not_this_region``, NZ and UK (one shared URL) are not guessed, and a US organisation gets no
payroll row predicted allowed. #15: refusals a known gate explains (the app's tier, the
organisation's plan) are ``gated``, counted apart from mismatches. #2: ``xero-nb probe`` mints
only scopes the chosen demo app could obtain by its own sign-in.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from xero_nb.catalog.index import load_catalog
from xero_nb.catalog.scopes import JOURNALS_SCOPE, OIDC_SCOPES
from xero_nb.cli import main
from xero_nb.cli.live import SIM_SCOPES, demo_scopes, unobtainable
from xero_nb.client.call import XeroClient
from xero_nb.probe.engine import ProbeReport, probe
from xero_nb.probe.gates import check_tier
from xero_nb.probe.plan import ProbeTarget, plan_probes
from xero_nb.probe.regions import READ_COUNTRY
from xero_nb.report.build import report as build_report
from xero_nb.simulator import XeroSimulator
from xero_nb.widgets import Connection

ROOT = Path(__file__).resolve().parents[1]
PAYROLL_ONLY = ["openid", "offline_access", "payroll.employees.read", "payroll.timesheets"]


def signed_in(sim: XeroSimulator, app: str, scopes: list[str]) -> Connection:
    """A sign-in through the simulator's own checks (authorize, or client credentials)."""
    conn = Connection()
    conn.use_simulator(app=app, scopes=scopes, simulator=sim)
    conn.sign_in()
    return conn


def probe_as(sim: XeroSimulator, app: str, scopes: list[str], **kw: Any) -> ProbeReport:
    conn = signed_in(sim, app, scopes)
    assert conn.token is not None, conn.notice
    return probe(conn.client(), conn.tenants, era=conn.era, tier=sim.apps[app].tier, **kw)


def rows_of(report: ProbeReport, tenant: str) -> list[dict[str, Any]]:
    return [r.row() for r in report.results if r.tenant_name == tenant]


def run_cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


# --- #1/#4: payroll regions ---------------------------------------------------------------

def test_a_payroll_only_app_gets_no_false_region_mismatch(sim: XeroSimulator) -> None:
    report = probe_as(sim, "pkce", PAYROLL_ONLY)
    assert report.mismatches() == []
    assert all(r.predicted is not True for r in report.results if r.verdict == "inconclusive")
    # AU: 1.0 answered, so the region is AU; the NZ/UK URL's 404 is expected, and the 2.0
    # Timesheets row is AU v2 payroll, judged as such
    au = {(r["api"], r["path"]): r for r in rows_of(report, "Demo Company (AU)")}
    assert {k: v["verdict"] for k, v in au.items()} == {
        ("payroll_au", "/Employees"): "match", ("payroll_au", "/Timesheets"): "match",
        ("payroll_au_v2", "/Timesheets"): "match", ("payroll_nz", "/Employees"): "not_this_region"}
    assert {r["payroll_region"] for r in au.values()} == {"AU"}
    assert au[("payroll_nz", "/Employees")]["predicted"] is False
    assert READ_COUNTRY not in au[("payroll_au", "/Employees")]["reason"]  # settled: no advice


@pytest.mark.parametrize("tenant", ["Demo Company (NZ)", "Demo Company (UK)"])
def test_nz_and_uk_are_not_guessed_without_the_country(sim: XeroSimulator, tenant: str) -> None:
    report = probe_as(sim, "pkce", PAYROLL_ONLY)
    rows = rows_of(report, tenant)
    mine = [r for r in rows if r["verdict"] == "match"]
    assert len(mine) == 2 and all(r["api"] == "payroll_nz or payroll_uk" for r in mine)
    assert all(r["payroll_region"] == "NZ or UK" and READ_COUNTRY in r["reason"] for r in mine)
    other = [r for r in rows if r["verdict"] == "not_this_region"]
    assert len(other) == 2 and {r["api"] for r in other} == {"payroll_au"}
    assert all(r["cause"] == "region" and r["observed"] is False for r in other)
    assert any(tenant in note and READ_COUNTRY in note for note in report.notes())


def test_a_country_nobody_read_and_no_payroll_answer_is_an_unknown_prediction(sim: XeroSimulator) -> None:
    report = probe_as(sim, "pkce", PAYROLL_ONLY)
    us = rows_of(report, "Demo Company (US)")
    assert us and all(r["predicted"] is None and r["verdict"] == "inconclusive" for r in us)
    assert all(r["payroll_region"] == "unknown" and READ_COUNTRY in r["reason"] for r in us)


def test_the_plan_refusal_of_an_organisation_whose_region_was_learned_is_gated(sim: XeroSimulator) -> None:
    report = probe_as(sim, "pkce", PAYROLL_ONLY)
    cafe = rows_of(report, "Harbour Cafe (NZ)")
    assert {r["verdict"] for r in cafe if r["api"] == "payroll_au"} == {"not_this_region"}
    gated = [r for r in cafe if r["verdict"] == "gated"]
    assert len(gated) == 2 and {r["cause"] for r in gated} == {"plan"}
    assert report.summary()["gated"] == 2 and "mismatch" not in report.summary()


def test_a_url_only_one_region_serves_tells_nz_from_uk(sim: XeroSimulator) -> None:
    cat = load_catalog()
    benefits = cat.find("GET", "https://api.xero.com/payroll.xro/2.0/Benefits", region="UK")
    assert benefits is not None
    targets = [*plan_probes("payroll.settings.read"),
               ProbeTarget("payroll.settings", benefits, True, None, True, frozenset({"UK"}))]
    tok = sim.issue_token(scopes=["payroll.settings.read"], app="pkce")
    report = probe(XeroClient(token=tok, transport=sim.transport()),
                   [sim.tenant("UK"), sim.tenant("Demo Company (NZ)")], targets=targets)
    uk = {(r["api"], r["path"], r["verdict"]) for r in rows_of(report, "Demo Company (UK)")}
    assert uk == {("payroll_uk", "/Settings", "match"), ("payroll_uk", "/Benefits", "match"),
                  ("payroll_au", "/Settings", "not_this_region")}
    nz = {(r["api"], r["path"], r["verdict"]) for r in rows_of(report, "Demo Company (NZ)")}
    assert nz == {("payroll_nz", "/Settings", "match"), ("payroll_uk", "/Benefits", "not_this_region"),
                  ("payroll_au", "/Settings", "not_this_region")}
    assert report.notes() == []


def test_with_the_country_read_rows_name_their_own_payroll_api(sim: XeroSimulator) -> None:
    report = probe_as(sim, "pkce", ["openid", "accounting.settings.read", *PAYROLL_ONLY[2:]])
    assert report.mismatches() == [] and report.notes() == []
    apis = {(r.tenant_name, r.row()["api"]) for r in report.results if r.family.startswith("payroll")}
    assert ("Demo Company (UK)", "payroll_uk") in apis and ("Demo Company (AU)", "payroll_au_v2") in apis
    assert not {api for name, api in apis if name == "Demo Company (UK)"} & {"payroll_nz", "payroll_au"}
    # the US: no Xero payroll, not called, and no row predicted allowed or naming the AU API
    us = rows_of(report, "Demo Company (US)")
    payroll = [r for r in us if r["family"].startswith("payroll")]
    assert payroll and all(r["predicted"] is False and r["api"] == "no Xero payroll in US"
                           and r["payroll_region"] == "none (US)" and r["status"] is None for r in payroll)


def test_a_country_given_as_gb_is_uk_payroll(sim: XeroSimulator) -> None:
    uk = sim.tenant("UK")
    tok = sim.issue_token(scopes=["payroll.employees.read"])
    report = probe(XeroClient(token=tok, transport=sim.transport()), [uk.tenant_id],
                   regions={uk.tenant_id: "GB"})
    assert [(r.row()["api"], r.verdict, r.payroll_region) for r in report.results] == [
        ("payroll_uk", "match", "UK")]


# --- #15: known gates ---------------------------------------------------------------------

def test_journals_below_the_advanced_tier_are_gated_when_the_tier_is_known(sim: XeroSimulator) -> None:
    tok = sim.issue_token(scopes=["accounting.settings.read", JOURNALS_SCOPE], app="web")
    client = XeroClient(token=tok, transport=sim.transport())
    gated = probe(client, tier=sim.apps["web"].tier)
    assert gated.mismatches() == [] and gated.unanswered() is None
    journals = [r for r in gated.results if r.family == "accounting.journals"]
    assert len(journals) == len(sim.tenants)
    assert all((r.verdict, r.cause, r.status) == ("gated", "tier", 401) for r in journals)
    assert "core tier" in journals[0].reason
    assert gated.summary()["gated"] == len(sim.tenants) and gated.summary()["tier"] == "core"
    # without the tier the probe cannot tell: still a mismatch, and it says what would settle it
    unknown = probe(client)
    assert {(r.verdict, r.cause) for r in unknown.mismatches()} == {("mismatch", "tier")}
    assert any("tier=" in note for note in unknown.notes())


def test_an_app_on_the_advanced_tier_reads_journals_as_predicted(sim: XeroSimulator) -> None:
    tok = sim.issue_token(scopes=[JOURNALS_SCOPE], app="partner")
    report = probe(XeroClient(token=tok, transport=sim.transport()), tier="Advanced")
    assert report.results and all(r.verdict == "match" for r in report.results)


def test_a_tier_xero_does_not_use_is_refused() -> None:
    assert check_tier(" Core ") == "core" and check_tier(None) is None
    with pytest.raises(ValueError, match="starter, core, plus, advanced, enterprise"):
        check_tier("gold")


def test_a_role_refusal_is_still_a_mismatch(sim: XeroSimulator) -> None:
    sim.set_role(sim.users[0], sim.tenants[0], "standard", reports=False)
    tok = sim.issue_token(scopes=["accounting.reports.read"])
    report = probe(XeroClient(token=tok, transport=sim.transport()), [sim.tenants[0]], tier="core")
    assert [(r.verdict, r.cause) for r in report.results] == [("mismatch", "role")]


def test_the_report_counts_gates_apart_from_mismatches(sim: XeroSimulator) -> None:
    tok = sim.issue_token(scopes=["accounting.settings.read", JOURNALS_SCOPE, "projects.read"])
    result = probe(XeroClient(token=tok, transport=sim.transport()), tier="core")
    md = build_report(probe=result, title="trial 17").markdown
    assert "0 mismatch(es) between the scope rules" in md
    assert f"{len(result.gated())} refusal(s) gated by the app's tier or the organisation's plan" in md
    assert "| gated | 7 |" in md and "Projects is not on this organisation's plan" in md


def test_notebook_06_as_shipped_shows_known_gates_not_mismatches(no_xero_app: None) -> None:
    nb = json.loads((ROOT / "notebooks" / "06_multi_tenant_probe.ipynb").read_text(encoding="utf-8"))
    cells = ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code"]
    space: dict[str, Any] = {}
    for src in cells[:4]:  # the connection, the probe table, the mismatches, the gated refusals
        exec(compile(src, "06_multi_tenant_probe.ipynb", "exec"), space)
    report, table = space["report"], space["table"]
    assert space["tier"] == "core" and report.mismatches() == []
    assert {(r.family, r.cause) for r in report.gated()} == {
        ("accounting.journals", "tier"), ("projects", "plan"), ("payroll.employees", "plan")}
    us = table[(table["tenant"] == "Demo Company (US)") & (table["family"] == "payroll.employees")]
    assert list(us["predicted"]) == ["refused"] and list(us["api"]) == ["no Xero payroll in US"]
    assert "ProbeState(conn, tier=tier)" in cells[4]


# --- #2: the CLI's demo tokens --------------------------------------------------------------

@pytest.mark.parametrize("app", ["web", "pkce", "custom", "partner", "migrating"])
def test_demo_tokens_hold_only_scopes_the_app_can_sign_in_with(sim: XeroSimulator, app: str) -> None:
    demo = sim.apps[app]
    scopes = demo_scopes(demo)
    assert scopes and all(unobtainable(demo, s) is None for s in scopes)
    conn = signed_in(sim, app, scopes)  # the simulator's own authorize / client-credentials checks
    assert conn.token is not None and set(conn.token.scopes) == set(scopes), conn.notice
    if demo.era == "granular":
        assert JOURNALS_SCOPE not in scopes
    if demo.kind == "custom":
        assert set(scopes) <= demo.scopes and not set(scopes) & OIDC_SCOPES


@pytest.mark.parametrize("app", ["pkce", "custom"])
def test_the_old_demo_set_was_refused_at_sign_in(sim: XeroSimulator, app: str) -> None:
    # what the CLI used to mint for these apps: their own sign-in refuses it
    conn = signed_in(sim, app, SIM_SCOPES["granular"].split())
    assert conn.token is None and conn.notice[0] == "error"
    assert unobtainable(sim.apps[app], JOURNALS_SCOPE) is not None


@pytest.mark.usefixtures("no_xero_app")
@pytest.mark.parametrize("app", ["pkce", "custom"])
def test_cli_probe_of_a_granular_era_app_has_no_journals_and_no_mismatch(
        capsys: pytest.CaptureFixture[str], app: str) -> None:
    code, out, err = run_cli(capsys, "probe", "--app", app, "--format", "json", "--quiet")
    data = json.loads(out.strip().splitlines()[-1])
    assert code == 0 and "could not obtain" not in err
    assert not [r for r in data["results"] if r["family"] == "accounting.journals"]
    assert not [r for r in data["results"] if r["verdict"] == "mismatch"]


@pytest.mark.usefixtures("no_xero_app")
def test_cli_says_when_granted_scopes_are_more_than_the_app_could_hold(
        capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run_cli(capsys, "probe", "--app", "custom", "--granted", "offline_access",
                           "accounting.invoices", "--quiet")
    assert code == 0 and "custom app could not obtain offline_access" in err
    assert "could not obtain accounting.invoices" not in err
    assert "(custom app, a granular-era app; core tier)" in err


@pytest.mark.usefixtures("no_xero_app")
def test_cli_table_counts_gated_and_other_regions_apart(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_cli(capsys, "probe", "--app", "pkce", "--granted", *PAYROLL_ONLY, "--quiet")
    assert code == 0
    assert "0 mismatch(es), 2 gated (tier or plan), 7 not this region" in err
    assert "note: the payroll region of 4 organisation(s)" in err and READ_COUNTRY in err
    us = [line for line in out.splitlines() if line.startswith("Demo Company (US)")]
    assert us and all("  unknown  -  inconclusive  region" in line for line in us), us
