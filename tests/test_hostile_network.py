"""What a hostile or broken server sends never crashes XeroClient: limit headers are typed and
clamped, waits are capped by RetryPolicy, and bodies that cannot be decoded come back as text."""

from __future__ import annotations

import math

import pytest

from xero_nb.client.call import RetryPolicy, XeroClient
from xero_nb.client.result import JSON_MAX_DEPTH, RateLimits, decode_body
from xero_nb.http import ByteStream, MockTransport, Request, Response

TENANT = "0b3c44b0-5c7b-4a8e-9c5e-2f1d6c1b7a11"
ORG = {"Organisations": [{"Name": "Demo"}]}

# Retry-After values no sane server sends; each must be read as "absent" or a finite wait.
HOSTILE_RETRY_AFTER = ["-5", "-0.5", "nan", "NaN", "inf", "-inf", "Infinity", "1e400", "1e3",
                       "9" * 400, "9" * 5000, "99999999999999999999", "1_0", "\xb3", "0x10",
                       " ", "", "5 5", "Wed, 99 Foo 2015 99:99:99 GMT", "\x00", "3;junk"]


def scripted(*answers: Response) -> tuple[MockTransport, list[Request]]:
    """A transport answering from ``answers`` in turn (the last one repeats)."""
    queue, seen = list(answers), []

    def handle(request: Request) -> Response:
        seen.append(request)
        return queue.pop(0) if len(queue) > 1 else queue[0]

    return MockTransport(handle), seen


def make(transport: MockTransport, **kw: object) -> tuple[XeroClient, list[float]]:
    slept: list[float] = []
    c = XeroClient(token="hostile-test-token-0001", transport=transport, tenant_id=TENANT,
                   sleep=slept.append, **kw)  # type: ignore[arg-type]
    return c, slept


def sane(wait: float, policy: RetryPolicy) -> bool:
    return math.isfinite(wait) and 0.0 <= wait <= policy.max_wait


# -- Retry-After and the limit headers ---------------------------------------------------


@pytest.mark.parametrize("value", HOSTILE_RETRY_AFTER)
@pytest.mark.parametrize("status", [429, 503])
def test_hostile_retry_after_never_crashes_the_sync_call(value: str, status: int) -> None:
    raw = value.encode("latin-1")  # as bytes: httpx2 takes only ASCII in str header values
    transport, seen = scripted(Response(status, headers={"Retry-After": raw}),
                               Response(200, json=ORG))
    c, slept = make(transport)
    r = c.call("/Organisation")
    assert r.status in (200, status) and len(seen) == r.attempts
    assert all(sane(w, c.retry) for w in slept), slept


@pytest.mark.parametrize("value", ["-5", "nan", "inf", "-inf", "1e400", "Wed, garbage"])
def test_retry_after_that_is_not_a_wait_counts_as_absent(value: str) -> None:
    limits = RateLimits.from_headers({"Retry-After": value})
    assert limits.retry_after is None
    transport, _ = scripted(Response(503, headers={"Retry-After": value}), Response(200, json=ORG))
    c, slept = make(transport)
    assert c.call("/Organisation").status == 200
    assert slept == [c.retry.backoff]  # the policy's own backoff, as with no header at all


def test_a_huge_retry_after_is_capped_by_the_policy() -> None:
    policy = RetryPolicy(max_wait=60.0)
    transport, _ = scripted(Response(503, headers={"Retry-After": "99999999999999999999"}),
                            Response(200, json=ORG))
    c, slept = make(transport, retry=policy)
    assert c.call("/Organisation").status == 200 and slept == [60.0]
    transport, seen = scripted(Response(429, headers={"Retry-After": "99999999999999999999"}))
    c, slept = make(transport, retry=policy)
    r = c.call("/Organisation")
    assert r.status == 429 and slept == [] and len(seen) == 1
    assert r.stopped is not None and "max_wait" in r.stopped


def test_an_http_date_retry_after_is_read_against_the_date_header() -> None:
    date = "Wed, 21 Oct 2015 07:27:30 GMT"
    later = RateLimits.from_headers({"Date": date, "Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT"})
    assert later.retry_after == 30.0
    past = RateLimits.from_headers({"Date": date, "Retry-After": "Wed, 21 Oct 2015 07:00:00 GMT"})
    assert past.retry_after == 0.0
    # Without the server's own Date there is nothing to measure the date against.
    assert RateLimits.from_headers({"Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT"}).retry_after is None


def test_limit_counts_are_non_negative_integers_or_absent() -> None:
    limits = RateLimits.from_headers({
        "X-MinLimit-Remaining": "-1000000000", "X-DayLimit-Remaining": "nan",
        "X-AppMinLimit-Remaining": "9" * 5000, "Retry-After": "2.5"})
    assert limits == RateLimits(None, None, None, None, 2.5)
    assert RateLimits.from_headers({"X-MinLimit-Remaining": " 58 "}).minute_remaining == 58


@pytest.mark.anyio
@pytest.mark.parametrize("value", ["-5", "nan", "inf", "99999999999999999999"])
async def test_acall_waits_and_the_gate_see_only_sane_values(value: str) -> None:
    transport, _ = scripted(Response(503, headers={"Retry-After": value}),
                            Response(429, headers={"Retry-After": value}),
                            Response(200, json=ORG))
    waits: list[float] = []
    released: list[RateLimits] = []

    async def asleep(seconds: float) -> None:
        waits.append(seconds)

    class Gate:
        async def acquire(self) -> None:
            return None

        def release(self, status: int, limits: RateLimits) -> None:
            released.append(limits)

    c, _ = make(transport)
    r = await c.acall("/Organisation", gate=Gate(), asleep=asleep)
    assert r.status in (200, 429)
    assert waits and all(sane(w, c.retry) for w in waits), waits
    assert all(g.retry_after is None or sane(g.retry_after, c.retry) for g in released), released


# -- bodies ------------------------------------------------------------------------------


def deep(depth: int) -> bytes:
    return b"[" * depth + b"]" * depth


@pytest.mark.parametrize("depth", [JSON_MAX_DEPTH + 1, 900, 5_000, 100_000])
def test_deeply_nested_json_comes_back_as_text_with_a_note(depth: int) -> None:
    body = deep(depth)
    transport, _ = scripted(Response(200, content=body,
                                     headers={"Content-Type": "application/json"}))
    c, _ = make(transport)
    r = c.call("/Organisation")
    assert r.status == 200 and isinstance(r.body, str)
    assert "nested deeper than" in r.body and r.body.endswith(body.decode())
    assert r.problem is None and "200" in r.summary()


def test_json_within_the_depth_limit_is_still_decoded() -> None:
    value = decode_body(deep(JSON_MAX_DEPTH), "application/json")
    for _ in range(JSON_MAX_DEPTH - 1):
        assert isinstance(value, list) and len(value) == 1
        value = value[0]
    assert value == []


@pytest.mark.anyio
async def test_acall_survives_deep_json_too() -> None:
    transport, _ = scripted(Response(403, content=deep(100_000),
                                     headers={"Content-Type": "application/json"}))
    c, _ = make(transport)
    r = await c.acall("/Organisation")
    assert r.status == 403 and isinstance(r.body, str) and "nested deeper than" in r.body
    assert r.diagnosis().findings  # what reads the body next copes with it as well


@pytest.mark.parametrize("encoding", ["gzip", "deflate"])
def test_a_body_that_cannot_be_decompressed_is_an_error_value(encoding: str) -> None:
    seen: list[Request] = []

    def handle(request: Request) -> Response:
        seen.append(request)  # a fresh stream each time: decoded when the client reads it
        return Response(200, stream=ByteStream(b"\x00\x01not compressed"),
                        headers={"Content-Encoding": encoding})

    transport = MockTransport(handle)
    c, slept = make(transport, retry=RetryPolicy(max_attempts=2))
    r = c.call("/Organisation")
    assert r.status == 0 and r.error is not None and "DecodingError" in r.error
    assert len(seen) == 2 and len(slept) == 1  # a GET: retried like a dropped connection
    assert "hostile-test-token-0001" not in r.error
