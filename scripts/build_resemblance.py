"""Build xero_nb/diagnose/data/resemblance.json: word counts per cause for diagnose/resemble.py.

    python scripts/build_resemblance.py [--check]

Reads only what may be fitted to: the corpus's **tuning** threads (tests/corpus/split.json),
less the four whose excerpt is word for word a held-out case's (the held-out texts are read only
to leave those out), the written variants of tuning cases
(tests/fixtures/diagnose_variants.jsonl) and the fact-derived development sets that have been read
(tests/fixtures/diagnose_factset.jsonl, diagnose_factset2.jsonl). A feature seen fewer than twice
in all is dropped (it would only echo one text). ``--check`` exits 1 when the committed file
differs from what these inputs give.
"""

from __future__ import annotations

import json
import sys
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from xero_nb.diagnose.resemble import DATA, MAX_COUNT, features  # noqa: E402

TESTS = ROOT / "tests"
READ_SETS = ("diagnose_variants.jsonl", "diagnose_factset.jsonl", "diagnose_factset2.jsonl")
MIN_SEEN = 2


def _rows(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def training() -> list[tuple[str, dict[str, object], str]]:
    """(text, context, cause) of every example that may be fitted to."""
    tune = set(json.loads((TESTS / "corpus" / "split.json").read_text(encoding="utf-8"))["tune_threads"])
    cases = _rows(TESTS / "corpus" / "cases.jsonl")
    # a few tuning cases quote the very text of a held-out one (one document cited in two threads):
    # those are left out, so no held-out text is counted (the held-out texts are read only for this)
    held_texts = {c["excerpt"] for c in cases if c["thread"] not in tune}
    out = [(str(c["excerpt"]), dict(c["context"]), str(c["cause"]))  # type: ignore[call-overload]
           for c in cases if c["thread"] in tune and c["excerpt"] not in held_texts]
    for name in READ_SETS:
        out += [(str(v["excerpt"]), dict(v["context"]), str(v["cause"]))  # type: ignore[call-overload]
                for v in _rows(TESTS / "fixtures" / name)]
    return out


def build() -> dict[str, object]:
    causes: Counter[str] = Counter()
    per: dict[str, Counter[str]] = defaultdict(Counter)
    for text, context, cause in training():
        causes[cause] += 1
        for key, times in features(text, context).items():
            per[key][cause] += min(times, MAX_COUNT)
    kept = {k: dict(sorted(v.items())) for k, v in sorted(per.items()) if sum(v.values()) >= MIN_SEEN}
    totals: Counter[str] = Counter()
    for by_cause in kept.values():
        totals.update(by_cause)
    return {"about": "word counts per cause for xero_nb/diagnose/resemble.py; built by "
                     "scripts/build_resemblance.py from tuning data only",
            "causes": dict(sorted(causes.items())), "totals": dict(sorted(totals.items())),
            "features": kept}


def main(argv: list[str]) -> int:
    text = json.dumps(build(), ensure_ascii=False, separators=(",", ":"), sort_keys=False) + "\n"
    if "--check" in argv:
        same = DATA.exists() and DATA.read_text(encoding="utf-8") == text
        print("resemblance.json is up to date" if same else "resemblance.json differs: rebuild it")
        return 0 if same else 1
    DATA.parent.mkdir(parents=True, exist_ok=True)
    DATA.write_text(text, encoding="utf-8")
    print(f"wrote {DATA.relative_to(ROOT)} ({len(text):,} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
