"""benchmarks/bench_simulator.py measures real answers on both sides (no timing asserted here)."""

from __future__ import annotations

import importlib.util
import os
import types
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def bench() -> types.ModuleType:
    spec = importlib.util.spec_from_file_location("bench_simulator", ROOT / "benchmarks" / "bench_simulator.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_in_process_measures_every_path(bench: types.ModuleType) -> None:
    figures = bench.in_process(3)
    assert set(figures) == {"Organisation", "Invoices", "Accounts", "all"}
    assert all(v > 0 for v in figures.values())


def test_both_servers_answer_200_over_loopback(bench: types.ModuleType) -> None:
    # _worker asserts every answer is a 200, so a count above zero means real answers were read
    out = bench.loopback(0.2, 1, 1)
    assert out["sim_rps"][0] > 0 and out["hello_rps"][0] > 0 and out["ratio"] > 0
    if Path("/proc/self/stat").exists():  # each server's CPU per request, read from /proc
        assert out["sim_cpu_us"][0] >= 0 and out["hello_cpu_us"][0] >= 0
        assert bench.cpu_seconds(os.getpid()) > 0
    info = {"token": "t", "tenant": "x"}
    assert b"xero-tenant-id: x" in bench._request(1, info)
    # both servers get the same request bytes: only the Host header's port differs
    assert bench._request(1, info).replace(b"127.0.0.1:1\r", b"127.0.0.1:2\r") == bench._request(2, info)
