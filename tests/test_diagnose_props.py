"""Property tests: diagnose() answers on any input, and says ``unknown`` with what it saw."""

from __future__ import annotations

import json
import re
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from xero_nb.diagnose.diagnosis import DIAGNOSIS_CODES, Diagnosis, diagnose
from xero_nb.diagnose.observation import MARKERS, observe
from xero_nb.diagnose.prose import FALLBACK_WORDS

PROBLEM_KEYS = ["Type", "Title", "Status", "Detail", "Instance", "type", "title", "status", "detail",
                "error", "error_description", "message", "statusCode", "headers", "body", "Extensions"]
WORDS = ["AuthorizationUnsuccessful", "AuthenticationUnsuccessful", "TokenExpired", "insufficient_scope",
         "invalid_grant", "invalid_client", "invalid_scope", "InsufficientPermissions", "minute", "day",
         "invalid-application", "Unauthorized", "Forbidden", "null", "401", "403", "429"]
HEADER_NAMES = ["WWW-Authenticate", "Retry-After", "X-Rate-Limit-Problem", "Xero-Correlation-Id",
                "X-MinLimit-Remaining", "Content-Type", "xero-tenant-id", "Authorization", "X-Odd"]

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-10**6, 10**6) | st.floats(allow_nan=True)
    | st.text(max_size=30) | st.sampled_from(WORDS),
    lambda inner: st.lists(inner, max_size=4)
    | st.dictionaries(st.sampled_from(PROBLEM_KEYS) | st.text(max_size=8), inner, max_size=5),
    max_leaves=12,
)


@st.composite
def half_json(draw: st.DrawFn) -> str:
    text = json.dumps(draw(json_values), default=str)
    return text[: draw(st.integers(0, len(text)))]


bodies = st.one_of(
    st.none(), st.text(max_size=200), st.binary(max_size=200), half_json(), json_values,
    st.builds(lambda v: json.dumps(v, default=str), json_values),
    st.lists(st.sampled_from([*WORDS, "{", "}", '"', ":", ",", "(401)", "HTTP/2 ", "\n"]), max_size=30)
    .map("".join),
)
statuses = st.one_of(st.none(), st.integers(-1000, 1000), st.sampled_from([401, 403, 429, 400, 404, 405]),
                     st.text(max_size=5))
headers = st.one_of(
    st.none(), st.text(max_size=80),
    st.dictionaries(st.sampled_from(HEADER_NAMES) | st.text(max_size=10),
                    st.text(max_size=20) | st.sampled_from(WORDS), max_size=5),
    st.lists(st.tuples(st.text(max_size=10), st.text(max_size=10)), max_size=4),
)
context = st.fixed_dictionaries({}, optional={
    "endpoint": st.sampled_from(["GET /Invoices", "GET /Journals", "GET https://api.xero.com/payroll.xro/2.0"
                                 "/Employees", "nonsense", "", "POST /Contacts", "GET:/Invoices",
                                 "GET /Nope", "GET /Reports/BankStatement", "get:", "DELETE :",
                                 "GET http://[::1", "GET /Employees"]) | st.text(max_size=30) | st.none()
    | st.integers() | st.tuples(st.sampled_from(["GET", "get", "", "X"]), st.text(max_size=12))
    | st.lists(st.text(max_size=5), max_size=3),
    "granted": st.one_of(st.none(), st.text(max_size=40), st.lists(st.text(max_size=12), max_size=3),
                         st.sampled_from(["openid accounting.settings", "accounting.transactions",
                                          "accounting.invoice.read", "accounting.reports.read"])),
    "url": st.one_of(st.none(), st.text(max_size=30),
                     st.sampled_from(["https://api.xero.com/api.xro/2.0/Reports/BankStatement",
                                      "https://identity.xero.com/connect/token", "http://[::1"])),
    "requested": st.one_of(st.none(), st.text(max_size=40)),
    "era": st.sampled_from(["broad", "granular", "mixed", "bogus"]) | st.none(),
    "connections": st.one_of(st.none(), st.lists(st.dictionaries(st.sampled_from(["tenantId", "id"]),
                                                                 st.text(max_size=8)), max_size=2)),
    "organisation": st.one_of(st.none(), st.dictionaries(st.sampled_from(["CountryCode", "projects"]),
                                                         st.text(max_size=3) | st.booleans())),
    "user_role": st.one_of(st.none(), st.text(max_size=15), st.lists(st.text(max_size=8), max_size=3)),
    "tenant_id": st.one_of(st.none(), st.text(max_size=40)),
})


def check(d: Diagnosis) -> None:
    assert isinstance(d, Diagnosis) and d.findings
    assert set(d.codes) <= set(DIAGNOSIS_CODES)
    weights = [f.weight for f in d.findings]
    assert weights == sorted(weights, reverse=True) and all(0.0 <= w <= 1.0 for w in weights)
    assert not any("internal error" in n for n in d.notes), d.notes
    assert isinstance(d.to_markdown(), str) and isinstance(d._repr_html_(), str)
    assert d.decisive_fact is None or isinstance(d.decisive_fact, str)


FAST = settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(status=statuses, hdrs=headers, body=bodies, ctx=context)
def test_never_crashes_on_parts(status: Any, hdrs: Any, body: Any, ctx: dict[str, Any]) -> None:
    check(diagnose(status=status, headers=hdrs, body=body, **ctx))


@FAST
@given(text=st.one_of(st.text(max_size=400), half_json(), bodies.map(str)),
       request_headers=st.one_of(st.none(), headers))
def test_never_crashes_on_pasted_text(text: str, request_headers: Any) -> None:
    check(diagnose(text=text, request_headers=request_headers))


@FAST
@given(obj=st.one_of(json_values, st.binary(max_size=100), st.integers(), st.builds(object)))
def test_never_crashes_on_odd_response_objects(obj: Any) -> None:
    check(diagnose(obj))


class _Raises:
    """A property that raises, as SDK properties do when they parse a body lazily."""

    def __get__(self, obj: object, owner: type) -> Any:
        raise ValueError("lazy parse failed")


ATTRS = ["status", "status_code", "statusCode", "ErrorCode", "headers", "response_headers", "text",
         "body", "content", "ErrorContent", "data", "reason", "problem", "error", "description",
         "request", "response", "http_resp", "url", "geturl"]
attr_values = st.one_of(json_values, st.binary(max_size=40), st.just(_Raises()), headers,
                        st.builds(object), st.sampled_from([lambda: 1 / 0, lambda: "https://x/y"]))


@FAST
@given(attrs=st.dictionaries(st.sampled_from(ATTRS), attr_values, max_size=6),
       base=st.sampled_from([object, Exception, ValueError]),
       name=st.sampled_from(["RateLimitException", "XeroForbidden", "ApiException", "Odd"]),
       message=st.text(max_size=80))
def test_never_crashes_on_exception_like_objects(attrs: dict[str, Any], base: type, name: str,
                                                 message: str) -> None:
    cls = type(name, (base,), dict(attrs))
    obj = cls(message) if base is not object else cls()
    check(diagnose(obj))


def test_deeply_nested_json_does_not_crash() -> None:
    deep = "[" * 5000 + "]" * 5000
    check(diagnose(text=deep))
    check(diagnose(status=401, body="{" * 3000))


@FAST
@given(status=st.sampled_from([None, 200, 201, 204, 302, 418, 500, 502, 503, 504]),
       body=st.text(alphabet="abcdefghijklmnopqrstuvwxyz <>/=", max_size=60))
def test_unknown_with_what_it_saw_when_nothing_matches(status: int | None, body: str) -> None:
    obs = observe(status=status, body=body)
    words = any(re.search(rx, body, re.IGNORECASE) for rx in FALLBACK_WORDS.values())
    if obs.markers or obs.fields or (words and status not in (500, 502, 504)):
        return  # the random text happened to say something meaningful (a cause's own words)
    d = diagnose(status=status, body=body)
    assert d.top.code == "unknown"
    seen = " ".join(d.top.evidence)
    assert (f"status {status}" if status is not None else "no HTTP status") in seen


@FAST
@given(noise=st.text(max_size=60), where=st.sampled_from(["header", "body", "text", "json"]))
def test_secrets_never_reach_the_output(noise: str, where: str) -> None:
    secret = "SENTINELSECRETabc123"
    bearer = f"Bearer {secret}"
    if where == "header":
        d = diagnose(status=401, body=noise, request_headers={"Authorization": bearer})
    elif where == "body":
        d = diagnose(status=400, body=json.dumps({"access_token": secret, "refresh_token": secret,
                                                  "note": noise}))
    elif where == "json":
        d = diagnose(status=400, body=f"{{'client_secret': '{secret}', 'x': {noise!r}}}")
    else:
        d = diagnose(text=f"{noise}\n> Authorization: {bearer}\n< HTTP/2 401\n")
    out = d.to_markdown() + d._repr_html_() + repr(d) + repr(d.observed)
    assert secret not in out


def test_marker_table_is_case_insensitive() -> None:
    for name in MARKERS:
        assert name == name.lower()
    assert "tokenexpired" in observe(text="TOKENEXPIRED").markers
