"""Diagnosis accuracy on real error texts: top-1 and top-3 on the tuning and the held-out part.

    python benchmarks/bench_diagnose.py [--cases tests/corpus/cases.jsonl] [--all-confidence]

The corpus (tests/corpus/, see its README) holds errors people posted publicly, each with the
cause its thread settled. The held-out threads (split.json) were chosen before any rule was
tuned and are never read while writing rules: only this script looks at them, to measure.

Each case runs twice: with the context its thread gives (endpoint, scopes, era, status, ...)
and with the pasted text alone. A case counts as top-1 when ``diagnose()`` ranks the thread's
cause first, top-3 when it is among the first three; an exception counts as a miss and is
reported. Low-confidence cases (the corpus author's best reading) are left out unless
``--all-confidence``. Goals (the diagnosis issue): held-out top-1 >= 90 %, top-3 >= 97 %,
text-only top-1 >= 80 %, 0 exceptions. The last line is one JSON object with every figure.

Each part's top-1 is also given per *evidence* class (tests/corpus/evidence.jsonl, labelled by
an annotator who never ran the tool): whether the excerpt and context alone single the cause
out (``decisive``), leave it one of two or three (``suggestive``), or hold nothing of it
(``none``: only the thread's later discussion named it). Aggregates only, as for the rest.

Beside the tool, the same figures for a *blind expert* (tests/corpus/expert.jsonl): readers
who saw only each case's excerpt and context (the inputs ``diagnose()`` gets with context),
not its cause, thread, split or the tool, and ranked three causes. A fair baseline, measured on
the same cases in the same run: what an expert reading of the same text reaches.

Last, the fact-derived development sets (tests/fixtures/diagnose_factset*.jsonl, written by blind
helpers from the facts; see tests/test_diagnose_factset.py): their figures are printed and put in
the JSON line as ``devset_*``, beside the corpus's and never part of its goals.
"""

from __future__ import annotations

import argparse
import inspect
import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "tests" / "corpus"
EVIDENCE = ("decisive", "suggestive", "none", "unlabelled")
GOALS = {"heldout_top1": 0.90, "heldout_top3": 0.97, "heldout_text_only_top1": 0.80}


def _by_id(path: Path, field: str) -> dict[str, Any]:
    """``{id: row[field]}`` of a JSON-lines file beside the cases ({} when it is missing)."""
    if not path.exists():
        return {}
    rows = (json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip())
    return {row["id"]: row[field] for row in rows}


def load(cases_path: Path, all_confidence: bool) -> list[dict[str, Any]]:
    """The corpus cases, each with its ``split`` ("tune" or "heldout")."""
    split = json.loads((cases_path.parent / "split.json").read_text(encoding="utf-8"))
    held = set(split["heldout_threads"])
    cases = [json.loads(line) for line in cases_path.read_text(encoding="utf-8").splitlines()
             if line.strip()]
    evidence = _by_id(cases_path.parent / "evidence.jsonl", "evidence")
    expert = _by_id(cases_path.parent / "expert.jsonl", "top3")
    for case in cases:
        case["split"] = "heldout" if case["thread"] in held else "tune"
        case["evidence"] = evidence.get(case["id"], "unlabelled")
        case["expert"] = expert.get(case["id"])
    return [c for c in cases if all_confidence or c["confidence"] != "low"]


def arguments(case: dict[str, Any], with_context: bool) -> dict[str, Any]:
    """``diagnose()`` keyword arguments for one case (context keys diagnose() does not take are dropped)."""
    from xero_nb.diagnose import diagnose

    accepted = set(inspect.signature(diagnose).parameters)
    kwargs: dict[str, Any] = {"text": case["excerpt"]}
    if with_context:
        for key, value in case.get("context", {}).items():
            if key in accepted and key != "text":
                kwargs[key] = value
    return kwargs


def run_case(case: dict[str, Any], with_context: bool) -> tuple[list[str], str | None]:
    """The ranked codes for one case, and the exception's name if diagnose() raised."""
    from xero_nb.diagnose import diagnose

    try:
        found = diagnose(**arguments(case, with_context))
    except Exception as exc:  # measured, not hidden: diagnose() must never raise
        return [], type(exc).__name__
    return [f.code for f in found.findings], None


def score(cases: list[dict[str, Any]], with_context: bool) -> dict[str, Any]:
    """Top-1/top-3 counts and shares, exceptions, and the most frequent wrong top codes."""
    top1 = top3 = unknown = 0
    errors: Counter[str] = Counter()
    confused: Counter[str] = Counter()
    per_cause: dict[str, list[int]] = {}
    for case in cases:
        codes, error = run_case(case, with_context)
        if error:
            errors[error] += 1
        hit = bool(codes) and codes[0] == case["cause"]
        counts = per_cause.setdefault(case["cause"], [0, 0])
        counts[0] += hit
        counts[1] += 1
        top1 += hit
        top3 += case["cause"] in codes[:3]
        unknown += bool(codes) and codes[0] == "unknown"  # no cause named at all (the corpus has none)
        if codes and codes[0] != case["cause"]:
            confused[f"{case['cause']} -> {codes[0]}"] += 1
    n = len(cases) or 1
    return {"cases": len(cases), "top1": round(top1 / n, 3), "top3": round(top3 / n, 3),
            "unknown": unknown,
            "exceptions": sum(errors.values()), "exception_types": dict(errors),
            "most_confused": dict(confused.most_common(5)),
            "per_cause": {k: f"{v[0]}/{v[1]}" for k, v in sorted(per_cause.items())}}


def expert_score(cases: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The blind expert's top-1/top-3 on these cases (None when no case has an expert ranking)."""
    ranked = [c for c in cases if c.get("expert")]
    if not ranked:
        return None
    n = len(ranked)
    return {"cases": n, "top1": round(sum(c["expert"][0] == c["cause"] for c in ranked) / n, 3),
            "top3": round(sum(c["cause"] in c["expert"][:3] for c in ranked) / n, 3)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=Path, default=CORPUS / "cases.jsonl")
    parser.add_argument("--all-confidence", action="store_true", help="include low-confidence cases")
    args = parser.parse_args(argv)
    cases = load(args.cases, args.all_confidence)
    out: dict[str, Any] = {"corpus": str(args.cases.relative_to(ROOT)) if args.cases.is_relative_to(ROOT)
                           else str(args.cases), "all_confidence": args.all_confidence}
    print(f"{len(cases)} cases ({'all' if args.all_confidence else 'high and medium'} confidence)")
    for part in ("tune", "heldout"):
        chosen = [c for c in cases if c["split"] == part]
        for with_context in (True, False):
            key = f"{part}_{'context' if with_context else 'text_only'}"
            result = score(chosen, with_context)
            out[key] = result
            print(f"  {part:8s} {'with context' if with_context else 'text only   '}  "
                  f"n={result['cases']:3d}  top-1 {result['top1']:6.1%}  top-3 {result['top3']:6.1%}  "
                  f"exceptions {result['exceptions']}  answered unknown {result['unknown']}")
            # Program output (a response, an SDK printout) apart from a person's paraphrase: an
            # aggregate per kind, as for the whole part (no case is named).
            for kind, label in (("output", "program output"), ("description", "paraphrase")):
                some = [c for c in chosen
                        if (c["context"].get("excerpt_kind") == "description") == (kind == "description")]
                if some:
                    sub = score(some, with_context)
                    result[f"top1_{kind}"], result[f"cases_{kind}"] = sub["top1"], sub["cases"]
                    print(f"           {label:15s} n={sub['cases']:3d}  top-1 {sub['top1']:6.1%}")
            for kind in EVIDENCE:  # the same aggregate per evidence class
                some = [c for c in chosen if c["evidence"] == kind]
                if some:
                    sub = score(some, with_context)
                    result[f"top1_{kind}"], result[f"cases_{kind}"] = sub["top1"], sub["cases"]
                    print(f"           evidence {kind:10s} n={sub['cases']:3d}  top-1 {sub['top1']:6.1%}  "
                          f"top-3 {sub['top3']:6.1%}")
            if with_context and (expert := expert_score(chosen)) is not None:
                out[f"{part}_expert"] = expert  # the same cases, read by a blind expert
                print(f"           blind expert    n={expert['cases']:3d}  top-1 {expert['top1']:6.1%}  "
                      f"top-3 {expert['top3']:6.1%}  (same inputs, same cases)")
                for kind in EVIDENCE:
                    some = [c for c in chosen if c["evidence"] == kind]
                    if some and (sub_expert := expert_score(some)) is not None:
                        expert[f"top1_{kind}"] = sub_expert["top1"]
                        print(f"           expert {kind:12s} n={sub_expert['cases']:3d}  "
                              f"top-1 {sub_expert['top1']:6.1%}  top-3 {sub_expert['top3']:6.1%}")
            if part == "tune" and result["most_confused"]:
                print("           most confused (tuning part only): "
                      + "; ".join(f"{k} x{v}" for k, v in result["most_confused"].items()))
            if part == "tune":
                print("           top-1 per cause (tuning part only): "
                      + ", ".join(f"{k} {v}" for k, v in result["per_cause"].items()))
        if part == "heldout":  # never print which held-out cases fail: nobody may tune on them
            for key in ("heldout_context", "heldout_text_only"):
                out[key].pop("most_confused")
                out[key].pop("per_cause")
    # The fact-derived development sets (written by blind helpers from the facts, not real; see
    # tests/test_diagnose_factset.py): figures beside the corpus's, never part of the goals.
    for path in sorted((ROOT / "tests" / "fixtures").glob("diagnose_factset*.jsonl")):
        rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
        result = score(rows, True)
        out[f"devset_{path.stem}"] = {k: result[k] for k in ("cases", "top1", "top3", "exceptions")}
        print(f"  dev set {path.stem:22s} n={result['cases']:3d}  top-1 {result['top1']:6.1%}  "
              f"top-3 {result['top3']:6.1%}  (written from the facts, not real)")
    met = {
        "heldout_top1": out["heldout_context"]["top1"] >= GOALS["heldout_top1"],
        "heldout_top3": out["heldout_context"]["top3"] >= GOALS["heldout_top3"],
        "heldout_text_only_top1": out["heldout_text_only"]["top1"] >= GOALS["heldout_text_only_top1"],
        "no_exceptions": all(out[k]["exceptions"] == 0 for k in out if k.endswith(("context", "only"))),
    }
    out["goals"] = met
    print("goals: " + ", ".join(f"{k} {'PASS' if v else 'FAIL'}" for k, v in met.items()))
    print(json.dumps(out, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
