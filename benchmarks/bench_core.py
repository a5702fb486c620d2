"""Core speed: cold import + catalog load vs parsing the specs, and coverage after a toggle.

    python benchmarks/bench_core.py [SPEC_DIR]

Prints one line per figure and, last, one JSON object with every figure. Ratios are measured
side by side in this one run. Goals (issue 2): cold import+load < 150 ms and >= 30x faster than
PyYAML's pure-Python loader (>= 5x than its C loader); coverage() after a one-scope change
< 10 ms median; `xero-nb scopes-for` as a whole process < 300 ms.
"""

from __future__ import annotations

import json
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SPEC_DIR = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "vendor" / "xero-openapi"
COLD = (
    "import time; t = time.perf_counter(); import xero_nb; xero_nb.load_catalog(); "
    "print(time.perf_counter() - t)"
)


def cold_load_seconds(runs: int = 9) -> float:
    times = []
    for _ in range(runs):
        out = subprocess.run([sys.executable, "-c", COLD], capture_output=True, text=True, check=True)
        times.append(float(out.stdout))
    return statistics.median(times)


def yaml_seconds(loader_name: str) -> float | None:
    import yaml

    loader = getattr(yaml, loader_name, None)
    if loader is None:
        return None
    files = sorted(SPEC_DIR.glob("*.yaml"))
    t = time.perf_counter()
    for f in files:
        with f.open("rb") as fh:
            yaml.load(fh, Loader=loader)  # SafeLoader or CSafeLoader only
    return time.perf_counter() - t


def coverage_toggle_ms(rounds: int = 200) -> float:
    import xero_nb as xn

    base = ["accounting.settings.read", "accounting.contacts", "payroll.employees.read"]
    xn.coverage(base, era="granular")  # warm: pandas import and the per-era static columns
    times = []
    for i in range(rounds):
        granted = base + (["accounting.invoices.read"] if i % 2 else [])
        t = time.perf_counter()
        xn.coverage(granted, era="granular")
        times.append(time.perf_counter() - t)
    return statistics.median(times) * 1000


def scopes_for_seconds(runs: int = 5) -> float | None:
    exe = shutil.which("xero-nb", path=str(Path(sys.executable).parent))
    if exe is None:
        return None
    url = "https://api.xero.com/api.xro/2.0/Invoices/2c1d6b8e-1234-4abc-9def-0123456789ab"
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        done = subprocess.run([exe, "scopes-for", "GET", url], capture_output=True, text=True)
        if done.returncode != 0:
            print(f"xero-nb scopes-for failed: {done.stderr.strip()[-300:]}")
            return None
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def main() -> None:
    figures: dict[str, float | None] = {}
    figures["cold_import_and_load_ms"] = round(cold_load_seconds() * 1000, 1)
    print(f"cold import + load_catalog(): {figures['cold_import_and_load_ms']} ms (goal < 150)")
    if SPEC_DIR.is_dir():
        pure = yaml_seconds("SafeLoader")
        c = yaml_seconds("CSafeLoader")
        cold_s = figures["cold_import_and_load_ms"] / 1000
        figures["yaml_pure_ms"] = round(pure * 1000, 1) if pure else None
        figures["yaml_c_ms"] = round(c * 1000, 1) if c else None
        figures["speedup_vs_yaml_pure"] = round(pure / cold_s, 1) if pure else None
        figures["speedup_vs_yaml_c"] = round(c / cold_s, 1) if c else None
        print(f"yaml.safe_load of the specs: pure {figures['yaml_pure_ms']} ms, C {figures['yaml_c_ms']} ms;"
              f" speed-up {figures['speedup_vs_yaml_pure']}x (goal >= 30) and "
              f"{figures['speedup_vs_yaml_c']}x (goal >= 5)")
    figures["coverage_toggle_median_ms"] = round(coverage_toggle_ms(), 2)
    print(f"coverage() after a one-scope change: {figures['coverage_toggle_median_ms']} ms median (goal < 10)")
    sf = scopes_for_seconds()
    figures["scopes_for_process_ms"] = round(sf * 1000, 1) if sf is not None else None
    print(f"xero-nb scopes-for as a process: {figures['scopes_for_process_ms']} ms (goal < 300)")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
