"""How fast and how well ``xero-nb scan`` reads code: MB/s on a generated tree, precision and recall.

    python benchmarks/bench_scan.py [FILES]

Speed: a tree of FILES (default 10,000) source files is generated in a temporary folder: most
are ordinary application code in Python, JavaScript, TypeScript, C#, Java, PHP and Ruby with
no Xero in them, one in eight calls Xero (SDKs, pyxero, raw HTTP, scopes in config), and beside
them sit a ``node_modules`` tree, a ``vendor`` tree, a ``dist`` folder, minified bundles and
binary files, all of which must be skipped. The figure is the source read per second of wall
time for one ``scan_tree`` on one core (best of three runs after a warm-up), against a goal of
20 MB/s.

Quality: the scanner runs on ``tests/fixtures/scan`` (copied, with the vendored, built and
binary traps that git does not keep added) and its call sites are compared with the
``expect: api.operationId`` markers there: precision and recall over (file, line, operation),
goal 95 % each.

What the numbers depend on: the machine's single-core speed, its file cache (the tree is read
once before timing, so the disk does not count), and how much of the tree mentions Xero (only
those files are lexed). Prints one line per figure and, last, one JSON object with every figure.
"""

from __future__ import annotations

import json
import random
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run from a checkout without installing
    sys.path.insert(0, str(ROOT))

from xero_nb.scan.engine import scan_tree  # noqa: E402
from xero_nb.scan.model import ScanResult  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures" / "scan"
FILES = 10_000
GOAL_MB_S = 20.0
GOAL_SCORE = 0.95
_MARK = re.compile(r"expect: (\w+)\.(\w+)")
_CODE = (".py", ".js", ".ts", ".cs", ".java", ".php", ".rb")

# What must never be read: vendored SDKs, built output, minified and binary files.
VENDORED = {
    "node_modules/xero-node/dist/gen/api/accountingApi.js":
        "const localVarPath = this.basePath + '/Invoices';\n"
        "async function demo(xero, t) { return xero.accountingApi.getInvoices(t); }\n"
        "fetch('https://api.xero.com/api.xro/2.0/Invoices', { method: 'GET' });\n",
    "vendor/xeroapi/xero-php-oauth2/lib/Api/AccountingApi.php":
        "<?php\n$apiInstance = new AccountingApi();\n$apiInstance->getInvoices($xeroTenantId);\n",
    "dist/app.js": "fetch('https://api.xero.com/api.xro/2.0/Invoices');xero.accountingApi.getInvoices(t);\n",
    "static/app.min.js": "fetch('https://api.xero.com/api.xro/2.0/Payments');xero.accountingApi.getPayments(t);\n",
}


def add_traps(root: Path) -> None:
    """Write the vendored, built, minified and binary traps that git does not keep into ``root``."""
    for rel, text in VENDORED.items():
        path = root / "traps" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    (root / "traps" / "blob.js").write_bytes(b"fetch('https://api.xero.com/api.xro/2.0/Invoices');\0\0\x01")
    (root / "traps" / "bundle.js").write_text(
        "var a=" + "x" * 60_000 + ";fetch('https://api.xero.com/api.xro/2.0/Quotes');\n", encoding="utf-8")


def fixture_copy(dest: Path) -> Path:
    """The scan fixtures copied to ``dest`` with the traps added; returns the copy's root."""
    root = dest / "fixtures"
    shutil.copytree(FIXTURES, root)
    add_traps(root)
    return root


def expected(root: Path) -> set[tuple[str, int, str, str]]:
    """The (file, line, api, operation_id) the markers in the fixtures under ``root`` ask for."""
    out = set()
    for path in sorted(root.rglob("*")):
        if path.suffix in _CODE and path.is_file():
            for number, line in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), 1):
                for m in _MARK.finditer(line):
                    out.add((path.relative_to(root).as_posix(), number, m.group(1), m.group(2)))
    return out


def score(result: ScanResult, want: set[tuple[str, int, str, str]]) -> dict[str, float | int]:
    """Precision and recall of ``result``'s call sites against ``want``."""
    got = {(c.file, c.line, c.api, c.operation_id) for c in result.calls}
    hits = len(got & want)
    return {"true_positives": hits, "false_positives": len(got - want), "false_negatives": len(want - got),
            "precision": hits / len(got) if got else 0.0, "recall": hits / len(want) if want else 0.0}


_PLAIN = {
    ".py": "def handler_{n}(request):\n    total = sum(item.price for item in request.items)\n"
           "    logger.info('order %s total %s', request.id, total)\n    return {{'ok': True, 'total': total}}\n\n",
    ".js": "export function render{n}(props) {{\n  const rows = props.items.map((i) => `<li>${{i.name}}</li>`);\n"
           "  return `<ul>${{rows.join('')}}</ul>`; // list\n}}\n\n",
    ".ts": "export interface Row{n} {{ id: string; name: string; total: number }}\n"
           "export const sum{n} = (rows: Row{n}[]): number => rows.reduce((a, r) => a + r.total, 0);\n\n",
    ".cs": "public static class Util{n}\n{{\n    public static string Clean(string s) => s?.Trim() ?? \"\";\n"
           "    /* keep */ public static int Twice(int x) => x * 2;\n}}\n\n",
    ".java": "class Util{n} {{\n    static String clean(String s) {{ return s == null ? \"\" : s.trim(); }}\n"
             "    // helpers\n    static int twice(int x) {{ return x * 2; }}\n}}\n\n",
    ".php": "<?php\nfunction clean_{n}($s) {{ return trim((string) $s); }} // helper\n"
            "$rows = array_map(fn($r) => $r['name'], $rows);\n\n",
    ".rb": "def clean_{n}(s)\n  s.to_s.strip # helper\nend\nrows = items.map {{ |i| i[:name] }}\n\n",
}
_XERO = {
    ".py": "books = AccountingApi(api_client)\nbooks.get_invoices(tenant_id)\n"
           "requests.get(f\"https://api.xero.com/api.xro/2.0/Contacts/{{cid}}\", headers=h)\n"
           "SCOPES = ['openid', 'offline_access', 'accounting.transactions']\n# books.get_items(tenant_id)\n",
    ".js": "await xero.accountingApi.getPayments(tenantId);\n"
           "fetch(`https://api.xero.com/api.xro/2.0/Invoices/${{id}}`, {{ method: 'POST' }});\n",
    ".cs": "var api = new AccountingApi();\nawait api.GetContactsAsync(token, tenantId);\n",
    ".php": "<?php\n$api = new XeroAPI\\XeroPHP\\Api\\AccountingApi($client, $config);\n$api->getItems($tenant);\n",
    ".rb": "accounting_api = xero_client.accounting_api\naccounting_api.get_accounts(tenant_id)\n",
}


def generate(root: Path, files: int = FILES, seed: int = 7) -> None:
    """A tree of ``files`` source files (one in eight calling Xero) plus trees the scan must skip."""
    rng = random.Random(seed)
    suffixes = list(_PLAIN)
    for i in range(files):
        suffix = suffixes[i % len(suffixes)]
        body = "".join(_PLAIN[suffix].format(n=f"{i}_{k}") for k in range(rng.randint(8, 30)))
        if i % 8 == 0 and suffix in _XERO:
            body += _XERO[suffix]
        path = root / f"pkg{i % 50}" / f"mod{i // 50}" / f"file{i}{suffix}"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(body, encoding="utf-8")
    for i in range(200):  # skipped: vendored, built, binary
        (root / "node_modules" / f"dep{i}").mkdir(parents=True, exist_ok=True)
        (root / "node_modules" / f"dep{i}" / "index.js").write_text(_XERO[".js"] * 50, encoding="utf-8")
        (root / "assets").mkdir(exist_ok=True)
        (root / "assets" / f"img{i}.php").write_bytes(bytes(rng.randrange(256) for _ in range(4000)))


def main(files: int = FILES) -> dict[str, object]:
    with tempfile.TemporaryDirectory(prefix="bench-scan-") as tmp:
        quality = score(scan_tree(fixture_copy(Path(tmp))), expected(Path(tmp) / "fixtures"))
        tree = Path(tmp) / "tree"
        generate(tree, files)
        scan_tree(tree)  # warm-up: file cache, catalog, regexes
        runs = []
        for _ in range(3):
            start = time.perf_counter()
            result = scan_tree(tree)
            runs.append(time.perf_counter() - start)
    best = min(runs)
    mb_s = result.bytes / 1e6 / best
    figures: dict[str, object] = {
        "files": files, "files_read": result.files, "skipped": result.skipped, "mb": round(result.bytes / 1e6, 2),
        "seconds": round(best, 3), "mb_per_s": round(mb_s, 1), "goal_mb_per_s": GOAL_MB_S,
        "calls_found": len(result.calls), **{k: round(v, 4) if isinstance(v, float) else v
                                             for k, v in quality.items()},
        "goal_precision_recall": GOAL_SCORE,
        "pass": mb_s >= GOAL_MB_S and float(quality["precision"]) >= GOAL_SCORE
        and float(quality["recall"]) >= GOAL_SCORE,
    }
    print(f"speed: {figures['mb']} MB in {best:.3f} s = {mb_s:.1f} MB/s (goal {GOAL_MB_S}) "
          f"over {result.files} files read, {result.skipped} skipped")
    print(f"precision {quality['precision']:.3f}, recall {quality['recall']:.3f} (goal {GOAL_SCORE}) "
          f"on the fixtures: {quality['true_positives']} right, {quality['false_positives']} wrong, "
          f"{quality['false_negatives']} missed")
    print("PASS" if figures["pass"] else "FAIL")
    print(json.dumps(figures))
    return figures


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else FILES)
