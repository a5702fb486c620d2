"""Core speed, measured against honest baselines: whole processes, paired runs, spread shown.

    python benchmarks/bench_core.py [SPEC_DIR]

What is compared (A vs B; ratio = median A / median B):

1. ``xero-nb scopes-for GET <Invoices URL>`` vs a minimal script, each a whole process. The
   minimal script (written by this benchmark to a temporary file, run by the same interpreter)
   loads the same shipped ``xero_nb/catalog/data/catalog.json`` with the standard ``json``
   module, matches the URL to an operation (method, API base path, segment count, literal
   segments beating ``{params}``) and prints its scopes: the simplest honest code that answers
   the question, and the floor any Python tool over that index pays. It does less than
   scopes-for (no narrowest scope, era overlay, restriction notes, payroll regions or error
   messages); the goal allows 1.5x for that. Both answers are checked to agree. scopes-for
   answers a plain command line on its fast path (``xero_nb/cli/fast.py``): it reads the same
   index, plus ``documented.csv`` and the per-endpoint answers that ``make catalog`` stores in
   ``answers.json``, with the catalog's own URL matcher, so it does more reading than the
   minimal script, not less.
2. Cold ``import xero_nb; xero_nb.load_catalog()`` as a whole process vs the same minimal script.
3. Parsing the vendored YAML specs (``SPEC_DIR``; PyYAML's C loader, then its pure-Python one)
   in a whole process vs the cold process of 2. The YAML side only parses (it answers nothing),
   so it is a lower bound for working from the specs; skipped without PyYAML or the specs.
4. A click in the Scope Lab (``LabState.explorer.toggle(scope)``, the controller method a scope
   checkbox calls, headless on the simulator connection: every panel controller subscribed to
   the scope state recomputes, but no ipywidgets view redraws and no browser round trip counts)
   vs a bare ``coverage()`` of the same scope set, in this process. Each click makes a scope set
   not seen before (scopes are turned on one by one, then off), so no click is served from the
   ScopeState's cache.

Also reported: the first ``coverage()`` call in a fresh process (a cold kernel: it includes the
pandas import and the catalog load), the in-process import+load time, and interpreter start-up.

Every comparison runs one unmeasured warm-up of each side, then at least 5 pairs; within a pair
A and B run back to back, and the order alternates from pair to pair (AB, BA, ...), so load on
the machine hits both sides. Each side is reported as median, min and max.

Goals (PASS/FAIL printed; nothing else is a goal):
- ``xero-nb scopes-for`` whole process <= 1.5x the minimal JSON-index script's whole process;
- cold ``import xero_nb`` + ``load_catalog()`` whole process <= 2x the same minimal script's.

"Cold" means a fresh interpreter process, not a cold machine: the warm-up runs put the files in
the page cache and the ``.pyc`` files in ``__pycache__``, as on any machine that has run the tool
once. Child processes run without ``PYTHONDONTWRITEBYTECODE`` (some sandboxes set it) so that
xero-nb's modules are not recompiled on every run, which an installed package never does.

What the numbers depend on: other load on the machine (2 cores: tests or a build running beside
the benchmark show up as a wide min-max, and as noise in the ratios), CPU frequency scaling and
thermal state, the disk cache and ``.pyc`` files above (a read-only tree recompiles changed
modules each run), the interpreter build and version (imports of typing, dataclasses and argparse
dominate xero-nb's start-up), the venv's ``.pth`` start-up hooks (paid by both sides alike), and
``PYTHON*`` variables such as ``PYTHONPROFILEIMPORTTIME``. Ratios taken side by side travel between
machines far better than the milliseconds do.

Prints one block per comparison and, last, one JSON object with every figure.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SPEC_DIR = ROOT / "vendor" / "xero-openapi"  # or the first command-line argument
INDEX = ROOT / "xero_nb" / "catalog" / "data" / "catalog.json"
METHOD = "GET"
URL = "https://api.xero.com/api.xro/2.0/Invoices/2c1d6b8e-1234-4abc-9def-0123456789ab"
PAIRS = 15  # process comparisons that take well under a second a pair
SLOW_PAIRS = 5  # the YAML comparisons (the pure-Python loader takes seconds a run)
CLICK_SCOPES = 20  # scopes turned on then off: 2 x 20 = 40 click/coverage pairs
COLD_RUNS = 7
GOALS = {"scopes_for": 1.5, "cold_load": 2.0}
# Child processes write and reuse .pyc files, as an installed package has them: with
# PYTHONDONTWRITEBYTECODE every xero-nb run would recompile the modules changed since their .pyc
# was written, a cost the stdlib and the one-file minimal script do not pay.
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}

# The floor: the simplest honest script that answers `xero-nb scopes-for GET URL` from the index.
MINIMAL = '''\
import json
import sys
from urllib.parse import urlsplit

index_path, method, url = sys.argv[1], sys.argv[2].upper(), sys.argv[3]
with open(index_path, encoding="utf-8") as fh:
    index = json.load(fh)
path = urlsplit(url).path
best = None
for api, meth, template, op_id, _tag, scopes, *_ in index["endpoints"]:
    base = urlsplit(index["apis"][api]["base_url"]).path.rstrip("/")
    if meth != method or not path.lower().startswith(base.lower() + "/"):
        continue
    segs = [s for s in path[len(base):].split("/") if s]
    tpl = [s for s in template.split("/") if s]
    if len(segs) != len(tpl):
        continue
    # literal segments must match and beat {params}
    if any(not t.startswith("{") and t.lower() != s.lower() for t, s in zip(tpl, segs)):
        continue
    score = [not t.startswith("{") for t in tpl]
    if best is None or score > best[0]:
        best = (score, api, op_id, template, scopes)
if best is None:
    sys.exit(f"no endpoint matches {method} {url}")
_, api, op_id, template, scopes = best
print(f"{method} {template} ({api}.{op_id}): {' '.join(sorted(scopes))}")
'''

COLD = (
    "import time; t = time.perf_counter(); import xero_nb; xero_nb.load_catalog(); "
    "print(time.perf_counter() - t)"
)
FIRST_COVERAGE = (
    "import time; t0 = time.perf_counter(); import xero_nb as xn; t1 = time.perf_counter(); "
    "xn.coverage(['accounting.settings.read', 'accounting.contacts.read']); "
    "t2 = time.perf_counter(); print(t1 - t0, t2 - t1)"
)
YAML_PARSE = (
    "import sys, pathlib, yaml; loader = getattr(yaml, sys.argv[1])\n"
    "for f in sorted(pathlib.Path(sys.argv[2]).glob('*.yaml')):\n"
    "    with f.open('rb') as fh: yaml.load(fh, Loader=loader)  # SafeLoader or CSafeLoader only\n"
)


def stats(seconds: list[float]) -> dict[str, float]:
    """Median, min and max in milliseconds."""
    ms = [s * 1000 for s in seconds]
    return {"median": round(statistics.median(ms), 2), "min": round(min(ms), 2),
            "max": round(max(ms), 2)}


def process(argv: list[str]) -> Callable[[], float]:
    """A callable that runs ``argv`` as a whole process and returns its wall time in seconds."""
    def run() -> float:
        t = time.perf_counter()
        done = subprocess.run(argv, capture_output=True, text=True, cwd=ROOT, env=ENV)
        elapsed = time.perf_counter() - t
        if done.returncode != 0:
            raise SystemExit(f"{argv[:3]} failed ({done.returncode}): {done.stderr.strip()[-500:]}")
        return elapsed
    return run


def paired(a: Callable[[], float], b: Callable[[], float], pairs: int,
           warm_up: bool = True) -> tuple[list[float], list[float]]:
    """``pairs`` timings of each side, A and B back to back, the order alternating per pair."""
    if warm_up:
        a()
        b()
    ta: list[float] = []
    tb: list[float] = []
    for i in range(pairs):
        if i % 2 == 0:
            ta.append(a())
            tb.append(b())
        else:
            tb.append(b())
            ta.append(a())
    return ta, tb


def compare(label_a: str, ta: list[float], label_b: str, tb: list[float],
            goal: float | None = None) -> dict[str, Any]:
    """The figures of one comparison, printed as a block."""
    sa, sb = stats(ta), stats(tb)
    ratio = statistics.median(ta) / statistics.median(tb)
    out: dict[str, Any] = {"a": label_a, "b": label_b, "pairs": len(ta), "a_ms": sa, "b_ms": sb,
                           "ratio": round(ratio, 2)}
    width = max(len(label_a), len(label_b))
    for label, s in ((label_a, sa), (label_b, sb)):
        print(f"  {label:<{width}}  median {s['median']:8.2f} ms   min {s['min']:8.2f}   "
              f"max {s['max']:8.2f}")
    line = f"  ratio of medians A/B: {ratio:.2f}x ({len(ta)} pairs)"
    if goal is not None:
        out["goal"] = goal
        out["pass"] = ratio <= goal
        line += f"   goal <= {goal}x: {'PASS' if out['pass'] else 'FAIL'}"
    print(line)
    return out


def scopes_for_argv() -> list[str]:
    exe = shutil.which("xero-nb", path=str(Path(sys.executable).parent))
    return [exe] if exe else [sys.executable, "-m", "xero_nb.cli"]


def scopes_for_cli() -> list[str]:
    """The command measured: ``--era broad`` so that it answers the spec's own any-of list, as
    the minimal script does (its default era, mixed, also lists the granular scopes)."""
    return [*scopes_for_argv(), "scopes-for", METHOD, URL, "--era", "broad"]


def check_same_answer(minimal: list[str], cli: list[str]) -> str:
    """Both sides name the same operation and scopes (else the comparison would be meaningless)."""
    floor = subprocess.run(minimal, capture_output=True, text=True, check=True, env=ENV).stdout.strip()
    done = subprocess.run([*cli, "--format", "json"], capture_output=True, text=True, check=True,
                          env=ENV)
    answer = json.loads(done.stdout.strip().splitlines()[-1])
    expect = f"({answer['api']}.{answer['operation_id']}): {' '.join(answer['any_of'])}"
    if not floor.endswith(expect):
        raise SystemExit(f"the minimal script and scopes-for disagree:\n  {floor}\n  {expect}")
    return floor


def first_coverage() -> dict[str, Any]:
    """The first coverage() in fresh processes: import xero_nb, then the call (pandas included)."""
    imports, calls, whole = [], [], []
    for _ in range(COLD_RUNS + 1):  # the first run warms the caches and is not counted
        t = time.perf_counter()
        done = subprocess.run([sys.executable, "-c", FIRST_COVERAGE], capture_output=True,
                              text=True, check=True, cwd=ROOT, env=ENV)
        whole.append(time.perf_counter() - t)
        imp, call = (float(x) for x in done.stdout.split())
        imports.append(imp)
        calls.append(call)
    return {"runs": COLD_RUNS, "import_xero_nb_ms": stats(imports[1:]),
            "first_coverage_call_ms": stats(calls[1:]), "process_ms": stats(whole[1:])}


def click_vs_coverage() -> tuple[list[float], list[float], str]:
    """Scope Lab clicks (toggle through the controller) paired with bare coverage() calls."""
    from xero_nb.catalog.frames import coverage
    from xero_nb.simulator import XeroSimulator
    from xero_nb.widgets import LabState, ScopeState
    from xero_nb.widgets.connection import Connection

    conn = Connection(ScopeState())
    conn.use_simulator(simulator=XeroSimulator(limits=False))  # never live Xero, whatever the env
    conn.sign_in()
    lab = LabState(conn)
    state, explorer = lab.scopes, lab.explorer
    names = [s for s in state.scope_names() if s not in state.whatif]
    if len(names) < 6:
        raise SystemExit(f"only {len(names)} scopes to toggle in the {state.era} era")
    warm, names = names[0], names[1:CLICK_SCOPES + 1]
    explorer.toggle(warm)  # warm-up click, then back (that set is cached already)
    explorer.toggle(warm)
    steps = [(s, True) for s in names] + [(s, False) for s in names]
    sets, now = [], state.whatif
    for s, on in steps:  # the what-if set after each click: all distinct, none cached
        now = now | {s} if on else now - {s}
        sets.append(now)
    era = state.era
    coverage(sets[0], era)
    clicks: list[float] = []
    bare: list[float] = []
    for i, ((scope, on), scopes) in enumerate(zip(steps, sets, strict=True)):
        order = ("click", "bare") if i % 2 == 0 else ("bare", "click")
        for side in order:
            t = time.perf_counter()
            if side == "click":
                explorer.toggle(scope, on)
                clicks.append(time.perf_counter() - t)
            else:
                coverage(scopes, era)
                bare.append(time.perf_counter() - t)
        if explorer.notice[0] == "error" or state.whatif != scopes:
            raise SystemExit(f"toggle {scope} failed: {explorer.notice}")
    return clicks, bare, f"{era} era, {len(state.granted)} scopes granted"


def main(argv: list[str]) -> None:
    spec_dir = Path(argv[0]) if argv else SPEC_DIR
    figures: dict[str, Any] = {}
    started = time.perf_counter()
    figures["load_average_at_start"] = [round(x, 2) for x in os.getloadavg()]
    print(f"load average (1, 5, 15 min): {figures['load_average_at_start']} on {os.cpu_count()} CPUs "
          "(anything else running shows up in the spread)")
    if "PYTHONDONTWRITEBYTECODE" in os.environ:
        print("note: PYTHONDONTWRITEBYTECODE is set here; child processes run without it (see the docstring)")
    with tempfile.TemporaryDirectory() as tmp:
        script = Path(tmp) / "minimal_scopes_for.py"
        script.write_text(MINIMAL, encoding="utf-8")
        minimal = [sys.executable, str(script), str(INDEX), METHOD, URL]
        cli = scopes_for_cli()
        answer = check_same_answer(minimal, cli)
        print(f"question: {METHOD} {URL}\nanswer:   {answer}")

        print("\n1. xero-nb scopes-for (A) vs the minimal JSON-index script (B), whole processes")
        ta, tb = paired(process(cli), process(minimal), PAIRS)
        figures["scopes_for_vs_minimal"] = compare("xero-nb scopes-for", ta, "minimal script", tb,
                                                   GOALS["scopes_for"])

        print("\n2. cold import xero_nb + load_catalog() (A) vs the minimal script (B), whole processes")
        inner: list[float] = []
        cold_cmd = [sys.executable, "-c", COLD]

        def cold() -> float:
            t = time.perf_counter()
            done = subprocess.run(cold_cmd, capture_output=True, text=True, check=True, cwd=ROOT,
                                  env=ENV)
            elapsed = time.perf_counter() - t
            inner.append(float(done.stdout))
            return elapsed

        ta, tb = paired(cold, process(minimal), PAIRS)
        figures["cold_load_vs_minimal"] = compare("import + load_catalog()", ta, "minimal script",
                                                  tb, GOALS["cold_load"])
        figures["cold_load_vs_minimal"]["in_process_import_and_load_ms"] = stats(inner[1:])
        bare_python = process([sys.executable, "-c", "pass"])
        bare_python()
        figures["python_startup_ms"] = stats([bare_python() for _ in range(PAIRS)])
        print(f"  of which in-process import + load: {stats(inner[1:])['median']} ms median; "
              f"bare `python -c pass`: {figures['python_startup_ms']['median']} ms median")

    print("\n3. parsing the YAML specs (A) vs cold import xero_nb + load_catalog() (B), whole processes")
    try:
        import yaml
    except ImportError:
        yaml = None
    if yaml is None or not any(spec_dir.glob("*.yaml")):
        print(f"  skipped: needs PyYAML (pip install -e '.[spec]') and specs in {spec_dir}")
    else:
        size = sum(f.stat().st_size for f in spec_dir.glob("*.yaml")) / 1e6
        print(f"  {len(list(spec_dir.glob('*.yaml')))} files, {size:.1f} MB")
        for loader, key in (("CSafeLoader", "yaml_c_vs_cold_load"), ("SafeLoader", "yaml_pure_vs_cold_load")):
            if not hasattr(yaml, loader):
                print(f"  {loader}: not available in this PyYAML build")
                continue
            ta, tb = paired(process([sys.executable, "-c", YAML_PARSE, loader, str(spec_dir)]),
                            process([sys.executable, "-c", COLD]), SLOW_PAIRS)
            figures[key] = compare(f"yaml {loader}", ta, "import + load_catalog()", tb)

    print("\n4. a click in the Scope Lab (A) vs a bare coverage() of the same scopes (B), in process")
    clicks, bare, where = click_vs_coverage()
    figures["click_vs_coverage"] = compare("explorer.toggle(scope)", clicks, "coverage(scopes)", bare)
    figures["click_vs_coverage"]["setting"] = where
    print(f"  ({where}; every click a new scope set, so no cache hits)")
    cold_cov = first_coverage()
    figures["first_coverage_fresh_process"] = cold_cov
    print(f"  first coverage() in a fresh process (cold kernel, pandas import included): "
          f"median {cold_cov['first_coverage_call_ms']['median']} ms, "
          f"min {cold_cov['first_coverage_call_ms']['min']}, max {cold_cov['first_coverage_call_ms']['max']} "
          f"({COLD_RUNS} runs; import xero_nb before it: {cold_cov['import_xero_nb_ms']['median']} ms)")

    goals = {k: figures[f"{k}_vs_minimal"]["pass"] for k in GOALS}
    figures["goals"] = goals
    figures["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    figures["bench_seconds"] = round(time.perf_counter() - started, 1)
    print("\ngoals: " + ", ".join(f"{k} <= {GOALS[k]}x minimal: {'PASS' if ok else 'FAIL'}"
                                  for k, ok in goals.items()))
    print(json.dumps(figures))


if __name__ == "__main__":
    main(sys.argv[1:])
