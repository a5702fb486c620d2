"""The shape DESIGN.md fixes: light import, honest exports, layers that import downward only."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
import types
from pathlib import Path

import pytest

import xero_nb

ROOT = Path(__file__).resolve().parents[1]
PKG = ROOT / "xero_nb"

# module (first dotted part under xero_nb, prefix before "_" for split modules) -> layer rank
RANK = {
    "errors": 0, "models": 0, "facts": 0, "http": 2, "call_result": 2, "catalog": 0, "catalog_build": 0, "scopes": 0,
    "coverage": 1, "privilege": 1, "diagnose": 1, "problem": 1, "report": 1,
    "tokens": 2, "token_store": 2, "jwt_view": 2, "config": 2, "callback": 2, "auth": 2,
    "client": 2, "probe": 2, "simulator": 2,
    "cli": 3, "widgets": 4, "__init__": 5,
}
PURE_RANK = 1
PANDAS_OK = {"coverage", "report", "privilege"}
NETWORK_LIBS = {"httpx", "httpx2", "authlib", "starlette", "uvicorn", "joserfc", "filelock"}
JUPYTER_LIBS = {"ipywidgets", "IPython", "ipykernel", "jupyterlab"}
SIM_USERS = {"simulator", "cli", "widgets", "__init__"}
NOT_FOR_SIMULATOR = {"auth", "client", "probe", "tokens", "token_store", "config", "callback"}


def _unit(path: Path) -> str:
    rel = path.relative_to(PKG).with_suffix("")
    name = rel.parts[0]
    if name in RANK:
        return name
    for known in sorted(RANK, key=len, reverse=True):
        if name.startswith(known + "_"):
            return known
    raise AssertionError(f"{path} is in no layer: add it to RANK in tests/test_structure.py")


def _imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            out.append(node.module)
            if node.module == "xero_nb":
                out += [f"xero_nb.{a.name}" for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level:
            raise AssertionError(f"{path}: use absolute imports (from xero_nb...)")
    return out


SOURCES = sorted(p for p in PKG.rglob("*.py"))


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(PKG)))
def test_imports_flow_downward(path: Path) -> None:
    unit = _unit(path)
    for mod in _imports(path):
        top = mod.split(".")[0]
        if top == "xero_nb" and "." in mod:
            target = mod.split(".")[1]
            if target in xero_nb.__all__ and target not in RANK:
                continue  # a public name, not a module
            target_unit = _unit(PKG / f"{target}.py") if (PKG / f"{target}.py").exists() else target
            assert RANK[target_unit] <= RANK[unit], f"{unit} (layer {RANK[unit]}) imports {mod}"
            if target_unit == "simulator":
                assert unit in SIM_USERS, f"the library must not import the simulator ({unit})"
            if unit == "simulator":
                assert target_unit not in NOT_FOR_SIMULATOR, f"simulator imports {mod}"
        if RANK[unit] <= PURE_RANK:
            assert top not in NETWORK_LIBS, f"pure module {unit} imports {mod}"
            assert mod != "xero_nb.http", f"pure module {unit} imports the HTTP layer"
            if top == "pandas":
                assert unit in PANDAS_OK, f"{unit} imports pandas"
        if top in JUPYTER_LIBS:
            assert unit == "widgets", f"only xero_nb.widgets may import {top} ({unit})"
        if top in ("httpx", "httpx2"):
            assert unit == "http", f"import httpx2 only in xero_nb/http.py ({unit})"


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
        "import xero_nb.coverage, xero_nb.diagnose, xero_nb.report, xero_nb.probe, xero_nb as xn; "
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
