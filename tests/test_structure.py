"""The shape docs/architecture.md describes: light import, honest exports, layers that import downward only, no cycle."""

from __future__ import annotations

import ast
import json
import re
import subprocess
import sys
import types
from pathlib import Path

import pytest

import xero_nb

ROOT = Path(__file__).resolve().parents[1]
PKG = ROOT / "xero_nb"

# unit (a top-level module, or a package) -> layer; imports flow to the same or a lower layer only
RANK = {
    "errors": 0, "models": 0, "facts": 0, "http": 0, "redact": 0, "lazy": 0, "jsonsafe": 0, "markup": 0,
    "spreadsheet": 0,
    "catalog": 1,
    "diagnose": 2,
    "report": 3,
    "auth": 4, "simulator": 4, "scan": 4,
    "client": 5,
    "probe": 6,
    "cli": 7,
    "widgets": 8,
    "__init__": 9, "__main__": 9,
}
PURE = {"errors", "models", "facts", "redact", "lazy", "markup", "jsonsafe", "spreadsheet", "catalog", "diagnose",
        "report"}
PANDAS_OK = {"xero_nb.catalog.frames", "xero_nb.catalog.privilege", "xero_nb.report.build",
             "xero_nb.scan.frames"}
NETWORK_LIBS = {"httpx", "httpx2", "authlib", "starlette", "uvicorn", "joserfc", "filelock"}
JUPYTER_LIBS = {"ipywidgets", "IPython", "ipykernel", "jupyterlab"}
SIM_USERS = {"simulator", "cli", "widgets", "__init__"}
NOT_FOR_SIMULATOR = {"auth", "client", "probe"}
PACKAGES = {"catalog", "diagnose", "report", "auth", "client", "probe", "cli", "simulator", "widgets"}


def _module(path: Path) -> str:
    rel = path.relative_to(ROOT).with_suffix("")
    parts = rel.parts[:-1] if rel.name == "__init__" else rel.parts
    return ".".join(parts)


def _unit(module: str) -> str:
    parts = module.split(".")
    if len(parts) == 1:
        return "__init__"
    if parts[1] not in RANK:
        raise AssertionError(f"{module} is in no layer: add it to RANK in tests/test_structure.py")
    return parts[1]


def _is_module(dotted: str) -> bool:
    base = PKG.parent / dotted.replace(".", "/")
    return base.with_suffix(".py").exists() or (base / "__init__.py").exists()


def _imports(path: Path) -> list[str]:
    """Every module ``path`` imports, wherever the import stands (TYPE_CHECKING and functions too)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            # "from xero_nb.cli import live" imports the module xero_nb.cli.live, not a name of cli
            subs = [f"{node.module}.{a.name}" for a in node.names if _is_module(f"{node.module}.{a.name}")]
            out += subs
            if len(subs) < len(node.names):
                out.append(node.module)
        elif isinstance(node, ast.ImportFrom) and node.level:
            raise AssertionError(f"{path}: use absolute imports (from xero_nb...)")
    return out


def _lazy_targets(path: Path) -> list[str]:
    """Modules a package's ``__init__`` names in its lazy export table (imported on first use)."""
    text = path.read_text(encoding="utf-8")
    return sorted(set(re.findall(r'"(xero_nb(?:\.\w+)+)"', text))) if path.name == "__init__.py" else []


SOURCES = sorted(p for p in PKG.rglob("*.py"))
GRAPH = {_module(p): sorted({m for m in _imports(p) + _lazy_targets(p) if m.startswith("xero_nb.")})
         for p in SOURCES}


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(PKG)))
def test_imports_flow_downward(path: Path) -> None:
    unit = _unit(_module(path))
    for mod in _imports(path):
        top = mod.split(".")[0]
        if top == "xero_nb" and "." in mod:
            target_unit = _unit(mod)
            assert RANK[target_unit] <= RANK[unit], f"{unit} (layer {RANK[unit]}) imports {mod}"
            if target_unit == "simulator":
                assert unit in SIM_USERS, f"the library must not import the simulator ({unit})"
            if unit == "simulator":
                assert target_unit not in NOT_FOR_SIMULATOR, f"simulator imports {mod}"
            if unit in PURE:
                assert mod != "xero_nb.http", f"pure module {_module(path)} imports the HTTP layer"
        if unit in PURE:
            assert top not in NETWORK_LIBS, f"pure module {_module(path)} imports {mod}"
            if top == "pandas":
                assert _module(path) in PANDAS_OK, f"{_module(path)} imports pandas"
        if top in JUPYTER_LIBS:
            assert unit == "widgets", f"only xero_nb.widgets may import {top} ({_module(path)})"
            assert path.name.endswith("_view.py") or path.name == "__init__.py", \
                f"only widget views (*_view.py) import {top} ({_module(path)})"
        if top in ("httpx", "httpx2"):
            assert _module(path) == "xero_nb.http", f"import httpx2 only in xero_nb/http.py ({path})"


def _cycles(graph: dict[str, list[str]]) -> list[list[str]]:
    """Every strongly connected group of more than one module (Tarjan), or a module importing itself."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in graph.get(v, []):
            if w not in graph:
                continue
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1 or v in graph.get(v, []):
                found.append(sorted(group))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_no_import_cycle() -> None:
    assert _cycles(GRAPH) == []


def test_the_cycle_check_finds_cycles() -> None:
    assert _cycles({"a": ["b"], "b": ["c"], "c": ["a"], "d": ["a"]}) == [["a", "b", "c"]]
    assert _cycles({"a": ["a"]}) == [["a"]]
    assert _cycles({"a": ["b"], "b": []}) == []


def test_one_package_per_concept_with_a_docstring_and_exports() -> None:
    for name in sorted(PACKAGES):
        init = PKG / name / "__init__.py"
        assert init.exists(), f"xero_nb/{name} is not a package"
        tree = ast.parse(init.read_text(encoding="utf-8"))
        assert ast.get_docstring(tree), f"xero_nb/{name}/__init__.py does not state its job"
    # no prefixes doing a folder's work: xero_nb/ holds only the shared bases and the packages
    loose = sorted(p.stem for p in PKG.glob("*.py") if p.stem not in ("__init__", "__main__"))
    assert loose == sorted(k for k, v in RANK.items() if v == 0), loose
    for path in SOURCES:  # module names do not repeat their package's name
        if path.parent != PKG and path.stem != "__init__":
            assert not path.stem.startswith(path.parent.name + "_"), path


def test_package_exports_resolve() -> None:
    import importlib

    for name in sorted(PACKAGES - {"simulator"}):
        pkg = importlib.import_module(f"xero_nb.{name}")
        for public in pkg.__all__:
            assert getattr(pkg, public) is not None, f"xero_nb.{name}.{public}"


# spelled in pieces so that this file does not name them itself
OUTSIDE = ("../" + "shared", "shared/" + "xero-openapi", "XERO_" + "FACTS.md", "DESIGN" + ".md")


def test_no_file_refers_outside_the_repository() -> None:
    tracked = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True,
                             check=True).stdout.split()
    assert tracked, "not a git checkout"
    outside = []
    for name in tracked:
        path = ROOT / name
        if path.suffix in (".py", ".md", ".toml", ".yml", ".yaml", ".ipynb", ".cfg", "") and path.is_file():
            text = path.read_text(encoding="utf-8", errors="replace")
            if any(needle in text for needle in OUTSIDE):
                outside.append(name)
    assert outside == [], f"these files point outside the repository: {outside}"


def test_import_is_light() -> None:
    code = (
        "import sys, json, xero_nb; xero_nb.load_catalog(); xero_nb.required_scopes; "
        "print(json.dumps(sorted(m for m in sys.modules)))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    loaded = set(json.loads(out.stdout))
    for heavy in ("pandas", "ipywidgets", "IPython", "starlette", "uvicorn", "authlib", "httpx2",
                  "xero_nb.simulator", "yaml"):
        assert heavy not in loaded, f"import xero_nb pulled in {heavy}"


def test_all_is_sorted_complete_and_resolvable() -> None:
    assert xero_nb.__all__ == sorted(xero_nb.__all__)
    for name in xero_nb.__all__:
        assert getattr(xero_nb, name) is not None, name
    public = {n for n in dir(xero_nb) if not n.startswith("_")
              and not isinstance(getattr(xero_nb, n), types.ModuleType)}  # submodules are fine
    assert public - set(xero_nb.__all__) <= {"annotations", "Any", "TYPE_CHECKING"}


def test_function_exports_are_not_shadowed_by_their_modules() -> None:
    code = (
        "import xero_nb.catalog.frames, xero_nb.diagnose.diagnosis, xero_nb.report.build, xero_nb.probe.engine, xero_nb as xn; "
        "assert callable(xn.coverage) and callable(xn.diagnose) and callable(xn.report) "
        "and callable(xn.probe)"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_unknown_attribute_is_a_clear_error() -> None:
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        xero_nb.nope  # noqa: B018


NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebooks_are_committed_clean_and_only_wire(path: Path) -> None:
    nb = json.loads(path.read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        if cell["cell_type"] != "code":
            continue
        assert not cell.get("outputs") and not cell.get("execution_count"), f"{path.name} has outputs"
        src = "".join(cell["source"])
        tree = ast.parse(src)
        assert not any(isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda))
                       for n in ast.walk(tree)), f"{path.name} defines code; put it in xero_nb"


def test_architecture_doc_draws_the_package_graph_as_it_is() -> None:
    edges: dict[str, set[str]] = {}
    for module, deps in GRAPH.items():
        for dep in deps:
            if _unit(dep) != _unit(module):
                edges.setdefault(_unit(module), set()).add(_unit(dep))
    doc = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    block = doc.split("## The package graph, as it is", 1)[1].split("```text", 1)[1].split("```", 1)[0]
    drawn = {left.strip(): {d.strip() for d in right.split(",")}
             for left, right in (line.split("->") for line in block.strip().splitlines())}
    wrong = {unit: (sorted(edges.get(unit, set()) - drawn.get(unit, set())),
                    sorted(drawn.get(unit, set()) - edges.get(unit, set())))
             for unit in set(edges) | set(drawn) if edges.get(unit) != drawn.get(unit)}
    assert not wrong, f"docs/architecture.md's graph is stale: unit -> (missing, not real): {wrong}"


def test_every_assumption_is_explained_in_the_facts_doc() -> None:
    from xero_nb.facts import ASSUMPTIONS

    doc = (ROOT / "docs" / "xero-facts.md").read_text(encoding="utf-8")
    headings = set(re.findall(r"(?m)^### `(\w+)`", doc))
    for a in ASSUMPTIONS:
        path, _, anchor = a.doc.partition("#")
        assert (ROOT / path).is_file() and anchor == a.key
        assert a.key in headings, f"docs/xero-facts.md has no entry for assumption {a.key!r}"
