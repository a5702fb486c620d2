"""The support-ticket report: contents, reproducible snippets, and no secret ever in it."""

from __future__ import annotations

import base64
import json
import shlex
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from xero_nb.catalog.frames import api_summary, coverage
from xero_nb.diagnose.diagnosis import diagnose
from xero_nb.http import Request, Response
from xero_nb.models import Tenant
from xero_nb.report.build import Report, report

NOW = 1_800_000_000.0
CID = "9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a"
TENANT = "8a1b2c3d-4e5f-4a6b-9c8d-0e1f2a3b4c5d"
SECRET_AT = "SENTINEL-ACCESS-7Hq2"
SECRET_RT = "SENTINEL-REFRESH-Kp9w"
SECRET_ID = "SENTINEL-IDTOKEN-Zz3x"
CLIENT_SECRET = "SENTINEL-CLIENT-SECRET-Ww5v"


def jwt(claims: dict[str, Any], sig: str = "SENTINELSIG") -> str:
    def part(obj: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(obj).encode()).decode().rstrip("=")

    return f"{part({'alg': 'RS256'})}.{part(claims)}.{sig}"


JWT = jwt({"scope": ["openid", "accounting.settings.read", "offline_access"], "exp": NOW + 900,
           "client_id": "CLIENT123", "authentication_event_id": "ae-1"})
TOKEN = {"access_token": JWT, "refresh_token": SECRET_RT, "id_token": SECRET_ID,
         "scope": "openid accounting.settings.read offline_access", "expires_at": NOW + 900}


def scope_response(token: str = SECRET_AT) -> Response:
    req = Request("GET", "https://api.xero.com/api.xro/2.0/Invoices?page=1",
                  headers={"Authorization": f"Bearer {token}", "xero-tenant-id": TENANT,
                           "Accept": "application/json"})
    return Response(401, headers={"WWW-Authenticate": "insufficient_scope", "Xero-Correlation-Id": CID},
                    json={"Type": None, "Title": "Unauthorized", "Status": 401,
                          "Detail": "AuthorizationUnsuccessful", "Instance": CID, "Extensions": {}},
                    request=req)


def build(**kw: Any) -> Report:
    kw.setdefault("clock", lambda: NOW)
    return report(**kw)


def test_report_has_every_section_and_the_failure_details() -> None:
    r = build(failures=[scope_response()], token=TOKEN,
              tenants=[{"id": "conn-1", "tenantId": TENANT, "tenantName": "Demo Company (AU)",
                        "tenantType": "ORGANISATION"}],
              coverage=coverage("accounting.settings.read"))
    md = r.markdown
    for heading in ("# Xero API report", "## Token", "## Tenants", "## Coverage", "## Failures (1)"):
        assert heading in md
    assert "accounting.settings.read offline_access openid" in md
    assert "valid for 15 min" in md and "CLIENT123" in md
    assert "Demo Company (AU)" in md and TENANT in md
    assert "endpoints allowed" in md
    assert CID in md and "| status | 401 |" in md and "AuthorizationUnsuccessful" in md
    assert "missing_scope" in md and "accounting.invoices.read" in md
    assert "```bash" in md and "```python" in md
    assert r.html.startswith("<div class='xero-nb-report'>") and "<table style=" in r.html
    assert r._repr_html_() == r.html and r._repr_markdown_() == md


def test_curl_snippet_reproduces_the_call_with_a_placeholder() -> None:
    md = build(failures=[scope_response()]).markdown
    curl = md.split("```bash\n", 1)[1].split("\n```", 1)[0]
    words = shlex.split(curl.replace("\\\n", " "))
    assert words[:5] == ["curl", "-i", "-X", "GET", "https://api.xero.com/api.xro/2.0/Invoices?page=1"]
    assert "Authorization: Bearer $XERO_ACCESS_TOKEN" in words
    assert f"xero-tenant-id: {TENANT}" in words


def test_python_snippet_compiles_and_reads_the_token_from_the_environment() -> None:
    md = build(failures=[scope_response()]).markdown
    code = md.split("```python\n", 1)[1].split("\n```", 1)[0]
    compile(code, "<snippet>", "exec")
    assert 'os.environ["XERO_ACCESS_TOKEN"]' in code
    assert "https://api.xero.com/api.xro/2.0/Invoices?page=1" in code and TENANT in code


def test_token_endpoint_failures_get_a_refresh_snippet_without_secrets() -> None:
    r = build(failures=['{"error":"invalid_grant"}'], token=TOKEN, secrets=[CLIENT_SECRET])
    assert "invalid_grant" in r.markdown
    assert "https://identity.xero.com/connect/token" in r.markdown
    assert "$XERO_CLIENT_SECRET" in r.markdown and 'os.environ["XERO_REFRESH_TOKEN"]' in r.markdown
    code = r.markdown.split("```python\n", 1)[1].split("\n```", 1)[0]
    compile(code, "<snippet>", "exec")


def test_sentinel_secrets_never_appear() -> None:
    @dataclass
    class SecretBox:
        value: str

        def reveal(self) -> str:
            return self.value

    body_with_secrets = json.dumps({"access_token": SECRET_AT, "refresh_token": SECRET_RT,
                                    "client_secret": CLIENT_SECRET, "error": "invalid_client"})
    pasted = (f"> POST /connect/token HTTP/2\n> Authorization: Basic {base64.b64encode(b'id:' + CLIENT_SECRET.encode()).decode()}\n"
              f"< HTTP/2 400\n<\n{body_with_secrets}")
    failures = [scope_response(JWT), scope_response(SECRET_AT), pasted,
                {"status": 400, "body": body_with_secrets, "url": f"https://x.test/cb?code={SECRET_AT}"},
                diagnose(status=401, request_headers={"Authorization": f"Bearer {SECRET_AT}"})]
    r = build(failures=failures, token=TOKEN, secrets=[SecretBox(CLIENT_SECRET)],
              text=f"Authorization: Bearer {SECRET_ID}")
    for out in (r.markdown, r.html):
        assert "SENTINEL" not in out
        assert JWT not in out and JWT.split(".")[1] not in out


@settings(max_examples=60, deadline=None)
@given(noise=st.text(max_size=40), where=st.sampled_from(["body", "header", "text", "url"]))
def test_secrets_scrubbed_whatever_surrounds_them(noise: str, where: str) -> None:
    if where == "body":
        item: Any = {"status": 400, "body": json.dumps({"note": noise, "refresh_token": SECRET_RT})}
    elif where == "header":
        item = {"status": 401, "body": noise, "request_headers": {"Authorization": f"Bearer {SECRET_AT}"}}
    elif where == "text":
        item = f"{noise} Authorization: Bearer {SECRET_AT} {noise}"
    else:
        item = {"status": 302, "url": f"https://example.test/cb?state=1&code={SECRET_AT}", "body": noise}
    r = build(failures=[item], token={"access_token": SECRET_AT, "refresh_token": SECRET_RT,
                                      "scope": "openid"}, secrets=[CLIENT_SECRET])
    assert "SENTINEL" not in r.markdown and "SENTINEL" not in r.html


def test_call_result_like_items_and_probe_reports() -> None:
    @dataclass
    class Record:
        method: str = "GET"
        url: str = "https://api.xero.com/assets.xro/1.0/Assets"
        headers: tuple[tuple[str, str], ...] = (("Authorization", "Bearer <ACCESS_TOKEN>"),
                                                 ("xero-tenant-id", TENANT))

    @dataclass
    class Call:
        status: int = 401
        headers: tuple[tuple[str, str], ...] = (("WWW-Authenticate", "insufficient_scope"),
                                                 ("Xero-Correlation-Id", CID))
        body: Any = field(default_factory=lambda: {"Title": "Unauthorized", "Status": 401,
                                                   "Detail": "AuthorizationUnsuccessful"})
        request: Record = field(default_factory=Record)
        endpoint: Any = None
        tenant_id: str = TENANT
        ok: bool = False

    @dataclass
    class Result:
        call: Call

        def row(self) -> dict[str, Any]:
            return {"tenant": "Demo", "method": "GET", "path": "/Assets", "predicted": True,
                    "observed": False, "cause": "user_role", "status": 401, "correlation_id": CID}

    @dataclass
    class Probe:
        tenants: tuple[Tenant, ...] = (Tenant("conn-1", TENANT, "Demo Company (AU)"),)

        def summary(self) -> dict[str, Any]:
            return {"probes": 12, "calls": 13, "mismatch": 1}

        def mismatches(self) -> list[Result]:
            return [Result(Call())]

    probe = Probe()
    r = build(probe=probe, calls=[m.call for m in probe.mismatches()], token=TOKEN)
    md = r.markdown
    assert "## Probe: predicted vs observed" in md and "| probes | 12 |" in md
    assert "1 mismatch(es)" in md and "Demo Company (AU)" in md
    assert "## Failures (1)" in md and "missing_scope" in md and "assets.read" in md


def test_coverage_frames_and_counts() -> None:
    summary = build(coverage=api_summary("assets.read")).markdown
    assert "| api | allowed | blocked | total | share |" in summary
    counts = build(coverage={"allowed": 3, "blocked": 4}).markdown
    assert "| allowed | 3 |" in counts
    empty = build(coverage=pd.DataFrame({"allowed": [True, False]})).markdown
    assert "1 of 2 endpoints allowed" in empty


def test_html_escapes_hostile_bodies() -> None:
    r = build(failures=[{"status": 401, "body": '{"Detail":"<script>alert(1)</script>"}'}])
    assert "<script>" not in r.html


def test_save_writes_markdown_or_html(tmp_path: Path) -> None:
    r = build(failures=[scope_response()])
    md = r.save(tmp_path / "report.md").read_text(encoding="utf-8")
    page = r.save(tmp_path / "report.html").read_text(encoding="utf-8")
    assert md == r.markdown and page.startswith("<!doctype html>") and r.html in page


def test_report_with_nothing_still_renders() -> None:
    r = build()
    assert "## Failures (0)" in r.markdown and r.html


def test_known_secrets_are_scrubbed_even_where_nothing_marks_them() -> None:
    body = json.dumps({"Detail": f"odd echo {CLIENT_SECRET} and {SECRET_RT}", "Title": SECRET_AT})
    r = build(failures=[{"status": 400, "body": body}],
              token={"access_token": SECRET_AT, "refresh_token": SECRET_RT, "scope": "openid"},
              secrets=[CLIENT_SECRET])
    assert "SENTINEL" not in r.markdown and "SENTINEL" not in r.html
    assert "odd echo [redacted]" in r.markdown


def test_diagnosis_notes_reach_the_report() -> None:
    body = json.dumps({"Title": "Unauthorized", "Status": 401, "Detail": "AuthorizationUnsuccessful",
                       "Instance": CID})
    item = {"status": 401, "headers": {"WWW-Authenticate": "insufficient_scope"}, "body": body,
            "endpoint": "GET /Nope", "granted": ["accounting.invoice.read"]}
    r = report([item], era="new", clock=lambda: NOW)
    for text in (r.markdown, r.html):
        assert "endpoint &#x27;GET /Nope&#x27;" in text or "endpoint 'GET /Nope'" in text
        assert "is not a Xero endpoint in the catalog" in text
        assert "did you mean" in text and "accounting.invoices.read" in text
        assert "broad, granular, mixed" in text


def test_a_call_is_judged_by_the_scopes_it_was_sent_with() -> None:
    """A failure reported after re-consent still shows why it failed (not 'unknown')."""
    from xero_nb.client.call import XeroClient
    from xero_nb.report.build import report
    from xero_nb.simulator import XeroSimulator

    sim = XeroSimulator(limits=False)
    client = XeroClient(token=sim.issue_token(scopes=["accounting.settings.read"]),
                        transport=sim.transport(), tenant_id=sim.tenants[0].tenant_id)
    failed = client.call("GET", "/Invoices")
    newer = sim.issue_token(scopes=["accounting.settings.read", "accounting.transactions.read"])
    md = report([failed], token=newer).markdown
    assert "| diagnosis | missing_scope |" in md


def test_www_authenticate_challenge_is_not_redacted_as_a_token() -> None:
    from xero_nb.redact import redact

    assert redact('WWW-Authenticate: Bearer error="insufficient_scope"') == (
        'WWW-Authenticate: Bearer error="insufficient_scope"')
    assert "abcdefghijklmnop1234" not in redact("Authorization: Bearer abcdefghijklmnop1234")


def test_a_token_with_an_expiry_out_of_range_is_shown_not_raised() -> None:
    import base64
    import json as _json

    def jwt(claims: dict) -> str:
        part = base64.urlsafe_b64encode(_json.dumps(claims).encode()).decode().rstrip("=")
        return f"eyJhbGciOiJub25lIn0.{part}.sig"

    for exp in (1e20, -1e20):
        r = report([], token=jwt({"exp": exp, "scope": ["accounting.settings.read"]}))
        assert "invalid" in r.markdown
    r = report([], token={"access_token": "x", "expires_at": float("nan"), "scope": "openid"})
    assert "invalid expiry" in r.markdown


def test_the_token_section_names_the_era_given_and_guesses_only_without_one() -> None:
    # The token holds only granular reads: the guess says so; an app said to be of the mixed
    # era (an older app, which may hold both kinds) is reported as that, in one wording.
    guessed = build(token=TOKEN).markdown
    assert "| era (guessed from the scopes) |" in guessed and "era (judged in)" not in guessed
    given_era = build(token=TOKEN, era="mixed").markdown
    assert "| era (judged in) | mixed |" in given_era and "guessed from the scopes" not in given_era


def test_failures_may_be_none_one_item_or_several() -> None:
    assert "## Failures (0)" in build(failures=None).markdown
    one_dict = build(failures={"status": 403, "body": '{"Status":403,"Detail":"AuthenticationUnsuccessful"}'})
    assert "## Failures (1)" in one_dict.markdown  # a dict is one failure, not its keys
    assert "tenant_header_missing" in one_dict.markdown
    one_diagnosis = build(failures=diagnose(text='{"error":"invalid_grant"}'))
    assert "## Failures (1)" in one_diagnosis.markdown and "invalid_grant" in one_diagnosis.markdown
    several = build(failures=['{"error":"invalid_grant"}', '{"error":"invalid_client"}'], calls=None)
    assert "## Failures (2)" in several.markdown


def test_each_failure_is_headed_by_its_call_and_cause_even_without_a_url() -> None:
    rep = report(failures=['{"Title":"Forbidden","Status":403,"Detail":"AuthenticationUnsuccessful"}',
                           "GET https://api.xero.com/api.xro/2.0/Invoices -> 401\nWWW-Authenticate: "
                           "insufficient_scope"])
    heads = [line for line in rep.markdown.splitlines() if line.startswith("### 1.") or line.startswith("### 2.")]
    assert heads[0].startswith("### 1. a call whose URL is not known: ")
    assert heads[1].startswith("### 2. GET https://api.xero.com/api.xro/2.0/Invoices: missing_scope")
