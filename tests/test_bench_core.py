"""benchmarks/bench_core.py keeps its comparisons fair: same answer on both sides, paired runs, honest figures.

No timing here: speed goals live only in the benchmark itself.
"""

from __future__ import annotations

import importlib.util
import sys
import types
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def bench() -> types.ModuleType:
    spec = importlib.util.spec_from_file_location("bench_core", ROOT / "benchmarks" / "bench_core.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_minimal_script_gives_the_answer_scopes_for_gives(bench: types.ModuleType, tmp_path: Path) -> None:
    script = tmp_path / "minimal.py"
    script.write_text(bench.MINIMAL, encoding="utf-8")
    minimal = [sys.executable, str(script), str(bench.INDEX), bench.METHOD, bench.URL]
    answer = bench.check_same_answer(minimal, bench.scopes_for_cli())
    assert answer == ("GET /Invoices/{InvoiceID} (accounting.getInvoice): "
                      "accounting.transactions accounting.transactions.read")
    # the floor reads the very index the package ships
    from xero_nb.catalog.index import INDEX_PATH

    assert bench.INDEX.resolve() == INDEX_PATH.resolve()


def test_paired_warms_up_then_alternates_the_order(bench: types.ModuleType) -> None:
    log: list[str] = []

    def side(name: str) -> object:
        def run() -> float:
            log.append(name)
            return float(len(log))
        return run

    ta, tb = bench.paired(side("A"), side("B"), 4)
    assert log == ["A", "B", "A", "B", "B", "A", "A", "B", "B", "A"]
    assert len(ta) == len(tb) == 4 and 1.0 not in ta and 2.0 not in tb  # warm-up not counted


def test_compare_reports_median_min_max_ratio_and_goal(bench: types.ModuleType,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    a = [0.030, 0.031, 0.029, 0.050, 0.030]
    b = [0.020, 0.021, 0.019, 0.020, 0.022]
    out = bench.compare("A side", a, "B side", b, goal=1.5)
    assert out["a_ms"] == {"median": 30.0, "min": 29.0, "max": 50.0}
    assert out["b_ms"] == {"median": 20.0, "min": 19.0, "max": 22.0}
    assert out["ratio"] == 1.5 and out["pass"] is True and out["pairs"] == 5
    assert "PASS" in capsys.readouterr().out
    out = bench.compare("A side", [x * 2 for x in a], "B side", b, goal=1.5)
    assert out["ratio"] == 3.0 and out["pass"] is False
    assert "FAIL" in capsys.readouterr().out
    assert "goal" not in bench.compare("A side", a, "B side", b)
