"""The simulator's ASGI app driven with hand-made scopes: bodies, header spellings, framing."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from xero_nb.simulator import XeroSimulator

SIM = XeroSimulator()


def _scope(method: str, path: str, headers: list[tuple[bytes, bytes]],
           http_version: str = "1.1") -> dict[str, Any]:
    return {"type": "http", "http_version": http_version, "scheme": "http", "method": method,
            "path": path, "raw_path": path.encode(), "query_string": b"", "root_path": "",
            "headers": [(b"host", b"127.0.0.1:9"), *headers]}


def _call(scope: dict[str, Any], chunks: list[bytes] = ()) -> tuple[int, dict[bytes, bytes], bytes, int]:
    """Run one request; the status, headers, body and how often the app asked for the body."""
    pending = list(chunks) or [b""]
    asked = 0
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        nonlocal asked
        asked += 1
        body = pending.pop(0)
        return {"type": "http.request", "body": body, "more_body": bool(pending)}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    asyncio.run(SIM.asgi()(scope, receive, send))
    start, body = sent
    raw = start["headers"]
    assert raw[-1][0] == b"content-length" and int(raw[-1][1]) == len(body["body"])
    assert sum(1 for k, _ in raw if k.lower() == b"content-length") == 1
    return start["status"], dict(raw), body["body"], asked


def _api_headers(scopes: str = "accounting.settings") -> list[tuple[bytes, bytes]]:
    tok = SIM.issue_token(scopes=scopes)["access_token"]
    return [(b"authorization", f"Bearer {tok}".encode()),
            (b"xero-tenant-id", SIM.tenant("AU").tenant_id.encode())]


def test_a_get_without_framing_headers_is_answered_without_reading_a_body() -> None:
    status, headers, body, asked = _call(_scope("GET", "/api.xro/2.0/Organisation", _api_headers()))
    assert status == 200 and asked == 0
    assert json.loads(body)["Organisations"][0]["CountryCode"] == "AU"
    assert headers[b"X-MinLimit-Remaining"] and headers[b"Xero-Correlation-Id"]


def test_a_posted_body_in_chunks_is_read_whole() -> None:
    app = SIM.apps["custom"]
    form = f"grant_type=client_credentials&client_id={app.client_id}&client_secret={app.client_secret}"
    half = len(form) // 2
    headers = [(b"content-type", b"application/x-www-form-urlencoded"),
               (b"content-length", str(len(form)).encode())]
    status, _, body, asked = _call(_scope("POST", "/connect/token", headers),
                                   [form[:half].encode(), form[half:].encode()])
    assert status == 200 and asked == 2 and json.loads(body)["access_token"]


def test_a_body_without_content_length_is_read_on_http2() -> None:
    app = SIM.apps["custom"]
    form = f"grant_type=client_credentials&client_id={app.client_id}&client_secret={app.client_secret}"
    headers = [(b"content-type", b"application/x-www-form-urlencoded")]
    status, _, _, asked = _call(_scope("POST", "/connect/token", headers, http_version="2"),
                                [form.encode()])
    assert status == 200 and asked == 1


def test_header_names_in_any_case_and_repeated_are_read_as_one() -> None:
    (auth, bearer), (tenant_name, tenant) = _api_headers()
    mixed = [(b"Authorization", bearer), (b"Xero-Tenant-Id", tenant)]
    status, _, _, _ = _call(_scope("GET", "/api.xro/2.0/Organisation", mixed))
    assert status == 200
    # a repeated tenant header is joined with ", " as HTTP reads it: no such tenant, so 403
    twice = [(auth, bearer), (tenant_name, tenant), (tenant_name, tenant)]
    status, _, _, _ = _call(_scope("GET", "/api.xro/2.0/Organisation", twice))
    assert status == 403


def test_each_answered_call_leaves_the_connections_in_flight_count() -> None:
    sim = XeroSimulator()
    tok = sim.issue_token(scopes="accounting.settings")["access_token"]
    headers = [(b"authorization", f"Bearer {tok}".encode()),
               (b"xero-tenant-id", sim.tenant("AU").tenant_id.encode())]
    for _ in range(sim.limits.concurrent + 2):  # more than 5 in a row, one at a time: none busy
        sent: list[dict[str, Any]] = []

        async def receive() -> dict[str, Any]:
            return {"type": "http.request", "body": b"", "more_body": False}

        async def send(message: dict[str, Any], into: list[dict[str, Any]] = sent) -> None:
            into.append(message)

        asyncio.run(sim.asgi()(_scope("GET", "/api.xro/2.0/Organisation", headers), receive, send))
        assert sent[0]["status"] == 200
    assert not sim.limits._inflight
