"""The wording's resemblance to reports whose cause is known: a statistical reading beside the rules.

The rules (cues, Xero's keys, the scopes) read what a text says outright; a report often says its
cause in words no rule has seen. This module ranks the causes by how much a text's words (single
words and pairs, the statuses it names, the words of the endpoint and app given) resemble reports
labelled with each cause: a multinomial naive Bayes over counts kept in ``data/resemblance.json``.

The counts are built by ``scripts/build_resemblance.py`` from the corpus's **tuning** part, the
written variants of it and the fact-derived development sets; never from the held-out part, so
``bench_diagnose`` still measures on data nothing was fitted to. Rebuilding gives the same file
(tests/test_diagnose_resemble.py).

``diagnose()`` uses it three ways (``alike.with_resemblance``): an answer the rules left unknown is
led by the closest cause by wording when its share is at least ``SURE``; a cause the rules rest on
soft evidence only (a status's prior, a word) and below ``OVERRULE_BELOW`` is led by the wording's
cause when the wording is all but sure (``OVERRULE_SHARE``); and the list is filled to three causes
with the next closest, each said to rest on the wording alone, below what the rules found.

Words a wrapping adds (JSON escapes, log stamps, traceback frames) and the fixed sentences some
clients print for every 403 are left out before counting (``plain``): they tell no cause.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from collections.abc import Mapping
from functools import lru_cache
from itertools import pairwise
from pathlib import Path
from typing import Any

from xero_nb.diagnose.cues import CUES, without_denials

DATA = Path(__file__).resolve().parent / "data" / "resemblance.json"
WORD = re.compile(r"[a-z][a-z0-9_.']{1,30}")
STATUS = re.compile(r"\b([1-5]\d\d)\b")
CONTEXT_WORDS = ("endpoint", "app_type")
MAX_COUNT = 3  # a word said ten times is not ten times the evidence
ALPHA = 0.5  # additive smoothing
MAX_TEXT = 20_000  # the first 20 kB of a paste are read (a long log repeats itself)


# What a wrapping adds around a report and says nothing of its cause: a JSON string's escapes, a
# log line's time stamp, level and [source] tag, a traceback's frames (Python's with the line of
# code under each, Java's/.NET's/Node's "at ..." lines). These are left out before counting, so a
# report reads the same wrapped as pasted bare. So are the fixed sentences some clients print for
# every 403 (cues.py's generic_forbidden): the rules weigh those, they tell no cause by themselves.
_ESCAPES = re.compile(r"\\[nrt\"\\/]")
_STAMP = re.compile(r"^[ \t>|]{0,20}\[?\d{4}-\d\d-\d\d[T ]\d\d:\d\d(?::\d\d)?(?:[.,]\d{1,9})?"
                    r"(?:Z|[+-]\d\d:?\d\d)?\]?[ \t]{0,20}(?:(?:ERROR|WARN|WARNING|INFO|DEBUG|TRACE|FATAL|"
                    r"CRITICAL|ERR)\b:?[ \t]{0,20})?(?:\[[^\]\n]{0,60}\][ \t]{0,20})?", re.M | re.I)
_FRAMES = re.compile(r"^[ \t]{0,20}(?:Traceback \(most recent call last\):"
                     r"|File \"[^\"\n]{0,300}\", line \d{1,7}(?:, in [^\n]{0,100})?"
                     r"(?:\n[ \t]{4,40}[^\n]{0,300})?"
                     r"|at (?:async )?[\w$.<>`\[\],]{1,200} ?\([^\n]{0,300}"
                     r"|at [^\s]{1,300}:\d{1,7}:\d{1,7})[ \t]{0,20}$", re.M)


_GENERIC = re.compile("|".join(CUES["generic_forbidden"]), re.I)


def plain(text: str) -> str:
    """The text without what a wrapping adds (JSON escapes, log stamps, traceback frames),
    without the sentences printed for every 403, and without the causes its writer rules out
    ("it's not a rate limit": cues.without_denials)."""
    return without_denials(_GENERIC.sub(" ", _FRAMES.sub(" ", _STAMP.sub("", _ESCAPES.sub(" ", text)))))


# Words a report of a failure with Xero's API or its sign-in holds at least one of (Xero's words, or a
# failure's): a text with none ("the quick brown fox") is about something else, and its
# resemblance to any cause is chance.
_ON_TOPIC = re.compile(r"xero|\bapi\b|oauth|token|scope|tenant|connect|organi[sz]ation|\borg\b|sync|"
                       r"invoice|payroll|contact|journal|report|client|secret|consent|authori[sz]|"
                       r"authenticat|permission|forbidden|unauthori[sz]ed|rate|limit|throttl|quota|plan\b|"
                       r"subscription|\b(?:400|401|403|404|429)\b|"
                       # and a failure's own words: an error said in general is still one to read
                       r"error|fail|invalid|denied|refus|reject|expir|wrong|unable|cannot|can't|"
                       r"couldn't|not work|broken|stopped|issue|problem|access|log ?in|sign", re.I)


def on_topic(text: str) -> bool:
    """Whether ``text`` says anything of Xero, its API or signing in (``_ON_TOPIC``)."""
    return _ON_TOPIC.search(text[:MAX_TEXT]) is not None


def features(text: str, context: Mapping[str, Any] | None = None) -> Counter[str]:
    """Words, word pairs, statuses named, and the context's endpoint and app words of a text
    (the text read without what a wrapping adds: ``plain``)."""
    low = plain(text[:MAX_TEXT]).lower()
    words = WORD.findall(low)
    found: Counter[str] = Counter(words)
    found.update(f"{a} {b}" for a, b in pairwise(words))
    found.update(f"status:{s}" for s in STATUS.findall(low))
    for key in CONTEXT_WORDS:
        value = (context or {}).get(key)
        if isinstance(value, str):
            found.update(f"ctx:{w}" for w in WORD.findall(value.lower()))
    return found


@lru_cache(maxsize=1)
def _model() -> dict[str, Any]:
    model: dict[str, Any] = json.loads(DATA.read_text(encoding="utf-8"))
    return model


def ranked(text: str, context: Mapping[str, Any] | None = None) -> list[tuple[str, float]]:
    """Every cause with its probability by wording alone, most likely first ([] when no word of
    the text was seen in training: then the wording says nothing)."""
    model = _model()
    counts: dict[str, dict[str, int]] = model["features"]
    causes: dict[str, int] = model["causes"]
    totals: dict[str, int] = model["totals"]
    size = len(counts)
    seen = [(k, min(v, MAX_COUNT)) for k, v in features(text, context).items() if k in counts]
    if not seen:
        return []
    n = sum(causes.values())
    score = {}
    for cause, docs in causes.items():
        s = math.log(docs / n)
        denominator = math.log(totals[cause] + ALPHA * size)
        for key, times in seen:
            s += times * (math.log(counts[key].get(cause, 0) + ALPHA) - denominator)
        score[cause] = s
    top = max(score.values())
    weights = {c: math.exp(s - top) for c, s in score.items()}
    total = sum(weights.values())
    return sorted(((c, w / total) for c, w in weights.items()), key=lambda cw: -cw[1])
