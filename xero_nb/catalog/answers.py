"""What ``scopes-for`` says about each endpoint in each era, worked out once and shipped.

``data/answers.json`` holds, for every catalog endpoint and era, the answer of the scope rules in
``scopes`` (any-of list, narrowest scope, restriction, refusal at authorize, unreachable), so
that ``xero-nb scopes-for`` prints it without loading those rules (``cli/fast.py``). The file is
written by ``make catalog`` (``python -m xero_nb.catalog.answers``, after the index) from the
very functions the library uses, and ``tests/test_cli_fast.py`` fails when it differs from what
they say today.

Loading it (``shipped``) needs only ``json``: no record classes, no typing.
"""

from __future__ import annotations

import json

from xero_nb.catalog import files

TYPE_CHECKING = False  # typing costs the fast command more than all of its own work
if TYPE_CHECKING:  # pragma: no cover
    from typing import Any

    from xero_nb.models import Endpoint

ERAS = ("broad", "granular", "mixed")


def answer(ep: Endpoint, era: str) -> dict[str, Any]:
    """The scopes-for answer for ``ep`` in ``era``, as ``xero-nb scopes-for --format json`` prints it.

    The text form also needs ``unreachable`` (why no scope grants it), kept beside the answer.
    """
    from xero_nb.catalog.scopes import (
        deprecation,
        mapping,
        narrowest,
        refused_at_authorize,
        required_scopes,
        restriction,
        unreachable,
    )

    best = narrowest(ep, era)
    source, confidence, other = mapping(ep)
    # the granular mapping's confidence, where it is not documented (a disputed UK payroll row, an
    # assumed report scope): the broad era reads the spec, which is documented
    unsure = era != "broad" and confidence != "documented"
    return {
        "method": ep.method, "url": ep.url, "api": ep.api, "operation_id": ep.operation_id,
        "era": era, "any_of": sorted(required_scopes(ep, era)), "narrowest": best,
        "tenant_header": ep.tenant_header, "restricted": restriction(ep, era) or deprecation(ep, era),
        "refused_at_authorize": refused_at_authorize(best, era) if best else None,
        "unreachable": unreachable(ep, era),
        "mapping": {"confidence": confidence, "other_reading": other, "source": source} if unsure else None,
    }


def build() -> dict[str, Any]:
    """Every endpoint's answers: distinct answers once, and per endpoint one index per era."""
    from xero_nb.catalog.index import load_catalog
    from xero_nb.models import PAYROLL_REGIONS

    distinct: dict[str, int] = {}
    table: list[dict[str, Any]] = []
    endpoints: dict[str, list[int]] = {}
    for ep in load_catalog():
        per_era = []
        for era in ERAS:
            # what differs between endpoints with the same rules is only who they are
            rules = {k: v for k, v in answer(ep, era).items()
                     if k not in ("method", "url", "api", "operation_id", "tenant_header", "era")}
            key = json.dumps(rules, sort_keys=True)
            if key not in distinct:
                distinct[key] = len(table)
                table.append(rules)
            per_era.append(distinct[key])
        endpoints[f"{ep.api}.{ep.operation_id}"] = per_era
    return {"eras": list(ERAS), "payroll_regions": PAYROLL_REGIONS, "answers": table,
            "endpoints": endpoints}


def dumps(built: dict[str, Any]) -> str:
    """The file's text: one answer and one endpoint a line, so diffs stay readable."""
    rows = ",\n".join(json.dumps(a, sort_keys=True) for a in built["answers"])
    eps = ",\n".join(f"{json.dumps(k)}:{json.dumps(v)}" for k, v in built["endpoints"].items())
    return (f'{{"eras":{json.dumps(built["eras"])},'
            f'"payroll_regions":{json.dumps(built["payroll_regions"], sort_keys=True)},\n'
            f'"answers":[\n{rows}\n],\n"endpoints":{{\n{eps}\n}}}}\n')


def shipped() -> dict[str, Any]:
    """The shipped answers (``OSError``/``ValueError`` when the file is missing or broken)."""
    with open(files.ANSWERS, encoding="utf-8") as fh:
        data: dict[str, Any] = json.load(fh)
    return data


def main() -> int:
    """Write ``data/answers.json`` from the shipped catalog (``make catalog`` runs it)."""
    built = build()
    with open(files.ANSWERS, "w", encoding="utf-8") as fh:
        fh.write(dumps(built))
    print(f"wrote the scopes-for answers of {len(built['endpoints'])} endpoints to {files.ANSWERS}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
