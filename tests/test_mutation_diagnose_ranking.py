"""diagnose()'s own steps, as a user reads them: one finding per cause (the strongest), the
order of causes that tie, the decisive fact between the top two (and when there is none), the
``unknown`` answer's title and first step, and what a CallResult carries into the diagnosis."""

from __future__ import annotations

import json
from functools import partial
from typing import Any, ClassVar

import pytest

from xero_nb.diagnose import Finding
from xero_nb.diagnose import diagnose as _diagnose_with_wording
from xero_nb.diagnose.diagnosis import PAIR_FACTS, decisive_fact, rank

# These tests pin the rules: diagnose() here is the rules alone (resemblance=False); the wording's
# statistical reading it adds by default is tested in tests/test_diagnose_resemble.py.
diagnose = partial(_diagnose_with_wording, resemblance=False)

NOW = 1_780_000_000.0


def codes(d: Any) -> list[str]:
    return [f.code for f in d.findings]


def f(code: str, weight: float, decides: str | None = None) -> Finding:
    return Finding(code, f"title of {code}", weight=weight, decides=decides)


def test_rank_keeps_the_strongest_finding_of_each_cause() -> None:
    # a weak and a strong finding for one cause: the user sees the strong one, once
    out = rank([f("missing_scope", 0.4), f("missing_scope", 0.9), f("missing_scope", 0.6)])
    assert [(x.code, x.weight) for x in out] == [("missing_scope", 0.9)]


def test_rank_puts_the_stronger_cause_first() -> None:
    out = rank([f("tenant_header_missing", 0.3), f("user_role", 0.8), f("missing_scope", 0.5)])
    assert [x.code for x in out] == ["user_role", "missing_scope", "tenant_header_missing"]


def test_equal_weights_follow_the_documented_order_of_codes() -> None:
    # DIAGNOSIS_CODES lists token_expired before missing_scope before user_role
    out = rank([f("user_role", 0.5), f("missing_scope", 0.5), f("token_expired", 0.5)])
    assert [x.code for x in out] == ["token_expired", "missing_scope", "user_role"]


def test_a_code_outside_the_documented_list_ties_last() -> None:
    out = rank([f("something_new", 0.5), f("unknown", 0.5), f("token_expired", 0.5)])
    assert [x.code for x in out] == ["token_expired", "unknown", "something_new"]


# --- the decisive fact: when the top causes are not yet told apart ---

def test_no_fact_when_the_top_cause_is_strong_and_well_ahead() -> None:
    # 0.75 and 0.25 ahead: both boundaries are "clear"
    assert decisive_fact([f("rate_limited", 0.75, "a"), f("missing_scope", 0.5, "b")]) is None
    assert decisive_fact([f("rate_limited", 0.75, "a")]) is None  # nothing else at all


def test_a_fact_when_the_top_cause_is_not_strong_enough() -> None:
    assert decisive_fact([f("rate_limited", 0.74, "a"), f("missing_scope", 0.1, "b")]) == "a"
    assert decisive_fact([f("rate_limited", 0.74, "a")]) == "a"  # alone, but weak


def test_a_fact_when_the_runner_up_is_close() -> None:
    assert decisive_fact([f("rate_limited", 0.8, None), f("missing_scope", 0.56, "b")]) == "b"


def test_no_fact_between_two_established_causes() -> None:
    """A 429 on a call the scopes cannot allow: both need fixing, no fact separates them."""
    assert decisive_fact([f("rate_limited", 0.97, "a"), f("missing_scope", 0.9, "b")]) is None
    assert decisive_fact([f("rate_limited", 0.97, "a"), f("missing_scope", 0.89, "b")]) == "a"


def test_the_fact_comes_from_the_first_of_the_top_three_that_names_one() -> None:
    ranked = [f("invalid_grant", 0.6), f("invalid_client", 0.5), f("user_role", 0.4, "third"),
              f("tenant_header_missing", 0.3, "fourth")]
    assert decisive_fact(ranked) == "third"
    assert decisive_fact([*ranked[:2], f("user_role", 0.4), ranked[3]]) is None  # a fourth never


def test_the_first_named_fact_wins_over_the_second() -> None:
    ranked = [f("token_expired", 0.6, "first"), f("user_role", 0.5, "second")]
    assert decisive_fact(ranked) == "first"


def test_a_pair_that_names_only_itself_gets_the_fact_that_separates_them() -> None:
    pair = PAIR_FACTS[frozenset(("missing_scope", "token_expired"))]
    for order in (("missing_scope", "token_expired"), ("token_expired", "missing_scope")):
        ranked = [f(order[0], 0.6, "own fact"), f(order[1], 0.5, "other fact")]
        assert decisive_fact(ranked) == pair
    # the pair fact is for those two only
    assert decisive_fact([f("missing_scope", 0.6, "own"), f("user_role", 0.5, "x")]) == "own"
    assert decisive_fact([]) is None


def test_a_bare_401_asks_what_the_401_says() -> None:
    d = diagnose(text="401 Unauthorized: works at first, then after a while every call fails",
                 clock=lambda: NOW)
    assert codes(d)[:2] == ["token_expired", "missing_scope"]
    assert d.decisive_fact == PAIR_FACTS[frozenset(("missing_scope", "token_expired"))]


# --- what happens when nothing (or not enough) matches ---

@pytest.mark.parametrize(("given", "title"), [
    ({"status": 200, "body": "{}"}, "Xero answered 200: the call did not fail"),
    ({"status": 399, "body": "{}"}, "Xero answered 399: the call did not fail"),
    ({"status": 199, "body": "x"}, "No known cause matches what Xero sent"),
    ({"status": 418, "body": "x"}, "No known cause matches what Xero sent"),
    ({"status": 500, "body": "x"}, "Xero answered 500: organisation offline or the API unavailable; retry later"),
    ({"status": 502, "body": "x"}, "Xero answered 502: organisation offline or the API unavailable; retry later"),
    ({"status": 503, "body": "x"}, "Xero answered 503: organisation offline or the API unavailable; retry later"),
    ({"status": 504, "body": "x"}, "Xero answered 504: organisation offline or the API unavailable; retry later"),
    ({"status": 404, "body": "{}"}, "404: the resource or endpoint was not found (wrong id, or a payroll region)"),
    ({}, "Nothing to go on: no status, headers or body were given"),
    ({"body": '{"error": "weird"}'}, "No known cause matches what Xero sent"),
])
def test_the_unknown_title_says_what_was_seen(given: dict[str, Any], title: str) -> None:
    d = diagnose(clock=lambda: NOW, **given)
    assert codes(d) == ["unknown"]
    assert d.top.title == title
    assert d.top.weight == 0.25 and d.decisive_fact is None
    assert d.top.fix == ("Send Xero support the Xero-Correlation-Id header of the failing response "
                         "(none is in what was given; every answer of Xero's API carries one).",
                         "Pass more context to diagnose(): endpoint, token or granted scopes, "
                         "connections, organisation.")
    assert d.top.evidence == (d.observed.summary(),)


def test_the_support_step_quotes_the_correlation_id() -> None:
    d = diagnose(status=200, body="{}", headers={"Xero-Correlation-Id": "abc-123"})
    assert d.top.fix[0] == "Send Xero support the Xero-Correlation-Id abc-123."


@pytest.mark.parametrize(("status", "kind"), [(400, "ValidationException"), (400, "VALIDATIONEXCEPTION"),
                                              (404, "ValidationException")])
def test_a_validation_error_is_not_called_a_permission_problem(status: int, kind: str) -> None:
    d = diagnose(status=status, body=json.dumps({"Type": kind}))
    assert d.top.title == "Xero rejected the data sent (ValidationException): not a permission problem"
    assert d.top.fix[0] == "Correct the fields its ValidationErrors name, then send again."


@pytest.mark.parametrize("error", ["ReadTimeout", "SomeError happened", "the read timed out"])
def test_a_transport_error_without_a_status_sends_the_user_to_the_network(error: str) -> None:
    d = diagnose(body=json.dumps({"error": error}))
    assert d.top.title == f"No answer from Xero ({error}): check the network and retry"
    assert d.top.fix[0] == "Check the network, proxy and firewall (and the API host), then send again."


def test_a_failed_connection_comes_first_but_keeps_a_proven_cause() -> None:
    alone = diagnose(text="ECONNREFUSED 127.0.0.1:443")
    assert [(x.code, x.weight) for x in alone.findings] == [("unknown", 0.9)]
    assert alone.top.title == "No answer from Xero (ECONNREFUSED): the connection failed before any reply"
    assert alone.top.fix[0].startswith("Check the network, proxy, firewall and DNS")
    proven = diagnose(text="ECONNREFUSED 127.0.0.1:443", endpoint="GET /Invoices", granted=["openid"])
    # the scopes cannot allow the call: it fails next, so it stays, after the connection
    assert [(x.code, x.weight) for x in proven.findings] == [("unknown", 0.96), ("missing_scope", 0.96)]


def test_the_words_weak_evidence_is_added_only_below_a_specific_finding() -> None:
    """A rule at 0.5 (a 401 with Xero's reason lost) is specific enough: words add nothing."""
    specific = diagnose(status=401, body="the tenant", clock=lambda: NOW)
    assert specific.top.weight == 0.5 and "tenant_not_connected" not in codes(specific)
    vague = diagnose(status=418, body="the tenant is wrong", clock=lambda: NOW)
    assert codes(vague) == ["tenant_not_connected"]
    assert vague.top.title.endswith("nothing more specific was recognised")


def test_a_failing_clock_falls_back_to_the_system_time_and_says_so() -> None:
    def broken() -> float:
        raise RuntimeError("no clock")

    d = diagnose(status=429, clock=broken)
    assert d.notes == ("the clock failed; used the system time",)
    assert d.top.code == "rate_limited"


def test_a_failing_rule_is_noted_and_the_others_still_answer(monkeypatch: pytest.MonkeyPatch) -> None:
    from xero_nb.diagnose import diagnosis

    def broken(obs: Any, ctx: Any) -> list[Finding]:
        raise ValueError("x" * 300)

    monkeypatch.setattr(diagnosis, "_RULES", (broken, *diagnosis._RULES))
    d = diagnose(status=429)
    assert d.top.code == "rate_limited"
    note = d.notes[0]
    assert note.startswith("internal error in a diagnosis rule (ValueError: xxx")
    assert len(note) == 200  # a long message is cut, not shown whole


def test_a_failing_word_rule_is_noted_too(monkeypatch: pytest.MonkeyPatch) -> None:
    from xero_nb.diagnose import diagnosis

    def broken(obs: Any, ctx: Any) -> list[Finding]:
        raise KeyError("k")

    monkeypatch.setattr(diagnosis, "fallback_findings", broken)
    d = diagnose(status=418, body="the tenant is wrong")
    assert d.notes == ("internal error in a diagnosis rule (KeyError: 'k')",)
    assert codes(d) == ["unknown"]

    def long(obs: Any, ctx: Any) -> list[Finding]:
        raise ValueError("y" * 300)

    monkeypatch.setattr(diagnosis, "fallback_findings", long)
    note, = diagnose(status=418, body="the tenant is wrong").notes
    assert note.startswith("internal error in a diagnosis rule (ValueError: yyy") and len(note) == 200


def endpoint_context_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    """build_context raises whenever an endpoint is given (it succeeds without one)."""
    from xero_nb.diagnose import diagnosis

    real = diagnosis.build_context

    def picky(obs: Any, **kw: Any) -> Any:
        if kw["endpoint"] is not None:
            raise TypeError("odd endpoint")
        return real(obs, **kw)

    monkeypatch.setattr(diagnosis, "build_context", picky)


def test_unreadable_context_is_dropped_and_noted(monkeypatch: pytest.MonkeyPatch) -> None:
    endpoint_context_fails(monkeypatch)
    d = diagnose(status=429, endpoint="GET /Invoices", granted=["openid"])
    assert d.notes == ("context ignored (TypeError)",)
    assert codes(d) == ["rate_limited"]  # answered from the response alone


# --- what a CallResult carries ---

def _result(status: int, body: Any, tenant: str | None = None, headers: tuple[tuple[str, str], ...] = (),
            granted: frozenset[str] = frozenset({"openid"})) -> Any:
    from xero_nb.catalog.index import load_catalog
    from xero_nb.client.result import CallResult, RequestRecord

    url = "https://api.xero.com/api.xro/2.0/Invoices"
    return CallResult(method="GET", url=url, status=status, elapsed=0.0,
                      request=RequestRecord("GET", url, headers),
                      endpoint=load_catalog().endpoint("GET /Invoices"), tenant_id=tenant,
                      body=body, granted=granted)


def test_a_call_result_brings_its_endpoint_and_granted_scopes() -> None:
    d = diagnose(_result(401, {"Title": "Unauthorized", "Detail": "AuthorizationUnsuccessful"}))
    assert codes(d) == ["missing_scope", "not_reconsented"]
    assert d.top.title == ("The token lacks `accounting.invoices.read`, which GET /Invoices "
                           "(accounting.getInvoices) needs")
    assert "token scopes: openid" in d.top.evidence


def test_scopes_passed_outrank_the_ones_a_call_result_carries() -> None:
    r = _result(401, {"Title": "Unauthorized", "Detail": "AuthorizationUnsuccessful"})
    d = diagnose(r, granted=["accounting.invoices.read"], era="granular")
    assert "missing_scope" not in codes(d)
    t = diagnose(r, token={"scope": "accounting.invoices.read"}, era="granular")
    assert "missing_scope" not in codes(t)


def test_a_call_result_with_no_scopes_known_does_not_claim_an_empty_grant() -> None:
    d = diagnose(_result(401, {"Title": "Unauthorized", "Detail": "AuthorizationUnsuccessful"},
                         granted=frozenset()))
    assert not any(e.startswith("token scopes:") for e in d.top.evidence)
    assert d.top.weight < 0.9


def test_a_call_result_brings_its_tenant_id() -> None:
    """The id the client meant to use is the one to judge (here: a name, not a GUID)."""
    sent = (("xero-tenant-id", "4b8a2f5e-6c1d-4e2a-9b7f-0a1b2c3d4e5f"),)
    r = _result(403, {"Title": "Forbidden", "Detail": "AuthenticationUnsuccessful"}, tenant="Demo Co",
                headers=sent)
    d = diagnose(r, granted=["accounting.invoices.read"], era="granular")
    assert codes(d) == ["tenant_not_connected"]
    assert d.top.title == "xero-tenant-id 'Demo Co' is not a tenant id (a GUID from GET /connections)"
    # a tenant id passed in wins
    told = diagnose(r, granted=["accounting.invoices.read"], era="granular", tenant_id="Other Co")
    assert "'Other Co'" in told.top.title


def test_an_endpoint_passed_in_wins_over_the_call_results() -> None:
    d = diagnose(_result(401, {"Title": "Unauthorized", "Detail": "AuthorizationUnsuccessful"}),
                 endpoint="GET /Accounts")
    assert "accounting.settings.read" in d.top.title


def test_the_endpoint_a_call_result_knows_settles_a_url_shared_by_regions() -> None:
    from xero_nb.catalog.index import load_catalog
    from xero_nb.client.result import CallResult, RequestRecord

    nz = next(e for e in load_catalog() if e.method == "GET" and e.path == "/Employees"
              and e.payroll_region == "NZ")
    url = "https://api.xero.com/payroll.xro/2.0/Employees"
    r = CallResult(method="GET", url=url, status=401, elapsed=0.0, request=RequestRecord("GET", url),
                   endpoint=nz, body={"Title": "Unauthorized", "Detail": "AuthorizationUnsuccessful"},
                   granted=frozenset({"openid"}))
    d = diagnose(r)
    assert d.top.title == ("The token lacks `payroll.employees.read`, which GET /Employees "
                           "(payroll_nz.getEmployees) needs")


def test_any_response_object_can_carry_the_tenant_id() -> None:
    class Response:  # an HTTP library's response with the id the caller attached
        status_code = 403
        headers: ClassVar[dict[str, str]] = {}
        text = json.dumps({"Title": "Forbidden", "Detail": "AuthenticationUnsuccessful"})
        tenant_id = "Demo Co"

    d = diagnose(Response())
    assert d.top.title == "xero-tenant-id 'Demo Co' is not a tenant id (a GUID from GET /connections)"


def test_a_long_transport_error_is_quoted_to_80_characters() -> None:
    error = "ConnectError: " + "x" * 100
    d = diagnose(body=json.dumps({"error": error}))
    assert d.top.title == f"No answer from Xero ({error[:80]}): check the network and retry"


def test_a_failed_connection_says_no_support_id_exists() -> None:
    d = diagnose(text="ECONNREFUSED 127.0.0.1:443")
    assert d.top.fix[0] == ("Check the network, proxy, firewall and DNS, and the host the call went to "
                            "(is the simulator or your server running?), then send again: no "
                            "Xero-Correlation-Id exists.")


def _jwt(claims: dict[str, Any]) -> str:
    import base64

    def part(d: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(d).encode()).decode().rstrip("=")

    return part({"alg": "none"}) + "." + part(claims) + ".sig"


def test_a_failing_clock_still_judges_expiry_by_the_system_time() -> None:
    def broken() -> float:
        raise OSError("no clock")

    # the token expired in 2001: any system time is past it
    d = diagnose(status=401, body="{}", token={"expires_at": 1_000_000_000.0}, clock=broken)
    assert d.notes == ("the clock failed; used the system time",)
    assert d.top.title == "The access token expired at 2001-09-09 01:46:40 UTC"


def test_dropped_context_still_judges_the_expiry_of_the_token_sent(monkeypatch: pytest.MonkeyPatch) -> None:
    endpoint_context_fails(monkeypatch)
    bearer = "Bearer " + _jwt({"exp": NOW - 60, "aud": "https://identity.xero.com/resources"})
    d = diagnose(status=401, body="{}", endpoint="GET /Invoices", request_headers={"Authorization": bearer},
                 clock=lambda: NOW)
    assert d.notes == ("context ignored (TypeError)",)
    assert d.top.title == "The access token expired at 2026-05-28 20:25:40 UTC"


def test_the_method_given_settles_the_endpoint_of_a_url() -> None:
    d = diagnose(status=401, body="{}", url="https://api.xero.com/api.xro/2.0/Invoices", method="POST",
                 granted=["openid"], era="granular", clock=lambda: NOW)
    assert d.top.title == ("The token lacks `accounting.invoices`, which POST /Invoices "
                           "(accounting.updateOrCreateInvoices) needs")


def test_the_kind_of_app_in_words_gives_the_grant() -> None:
    d = diagnose(status=403, body=json.dumps({"Detail": "AuthenticationUnsuccessful"}), endpoint="GET /Invoices",
                 app_type="custom connection")
    assert [(x.code, x.weight) for x in d.findings] == [("connection_revoked", 0.6)]
    assert d.top.decides == "whether the custom connection still shows the organisation as connected"


def test_an_oauth_error_field_is_an_answer_not_a_failed_connection() -> None:
    d = diagnose(body=json.dumps({"error": "ConnectError: ECONNREFUSED"}))
    assert [(x.code, x.weight) for x in d.findings] == [("unknown", 0.25)]
    assert d.top.title == "No answer from Xero (ConnectError: ECONNREFUSED): check the network and retry"


def test_an_established_cause_stays_beside_a_failed_connection() -> None:
    d = diagnose(text="ECONNREFUSED while refreshing: refresh token is invalid", clock=lambda: NOW)
    assert [(x.code, x.weight) for x in d.findings] == [("unknown", 0.9), ("invalid_grant", 0.9)]
