"""``xero-nb scopes-for``'s fast path: the answer from the shipped files, before anything heavy loads.

A plain ``scopes-for METHOD URL [--era E] [--region R] [--format F]`` that names one endpoint
is answered here with ``json``, ``csv`` and the catalog's own URL matcher (``catalog.paths``)
over the shipped index, and the answer ``make catalog`` stored for that endpoint and era
(``catalog.answers``). Anything else (help, a typo, an unknown or ambiguous URL, a broken
install) returns None and the full command line (``cli.parser``) answers it, with the same
output and messages as ever. ``render`` is the one printer of a scopes-for answer, so both
paths print alike.
"""

from __future__ import annotations

import json
import sys

TYPE_CHECKING = False  # typing, dataclasses and argparse cost more than the whole answer
if TYPE_CHECKING:  # pragma: no cover
    from collections.abc import Sequence
    from typing import Any

_OPTIONS = {"--era": ("broad", "granular", "mixed"), "--region": ("AU", "NZ", "UK"),
            "--format": ("text", "json")}


def render(data: dict[str, Any], unreachable: str | None, fmt: str) -> str:
    """What ``scopes-for`` prints for an answer (``fmt``: text or json)."""
    if fmt == "json":
        return json.dumps(data)
    need = data["any_of"]
    none_needed = "(no scope grants it)" if unreachable else "(any valid token)"
    out = [f"{data['method']} {data['url']}  ({data['api']}.{data['operation_id']})",
           f"  any one of ({data['era']}): {', '.join(need) if need else none_needed}"]
    if data["narrowest"]:
        out.append(f"  narrowest: {data['narrowest']}")
    out.append(f"  xero-tenant-id header: {'required' if data['tenant_header'] else 'not needed'}")
    if data["restricted"]:
        out.append(f"  note: {data['restricted']}")
    said = data.get("mapping")
    if said:  # a granular mapping Xero has not settled: never shown as a plain answer
        other = f"; other reading: {said['other_reading']}" if said["other_reading"] else ""
        out.append(f"  mapping: {said['confidence']} (source: {said['source']}{other})")
    return "\n".join(out)


def _arguments(argv: Sequence[str]) -> tuple[str, str, dict[str, str | None]] | None:
    """(method, url, options) of a plain scopes-for command line; None for anything else."""
    if not argv or argv[0] != "scopes-for":
        return None
    positional: list[str] = []
    options: dict[str, str | None] = {"--era": "mixed", "--region": None, "--format": "text"}
    words = iter(argv[1:])
    for word in words:
        if not word.startswith("-"):
            positional.append(word)
            continue
        name, eq, value = word.partition("=")
        if not eq:
            value = next(words, "")
        if name == "--region":
            value = value.upper()  # as the full parser does (type=str.upper)
        elif name == "--era":
            value = value.lower()  # as the full parser does (type=str.lower)
        if name not in _OPTIONS or value not in _OPTIONS[name]:
            return None  # help, abbreviations, bad values: the full parser says what is wrong
        options[name] = value
    if len(positional) != 2:
        return None
    method, url = positional
    if not method.strip() or not url.strip() or any(ch.isspace() for ch in url):
        return None  # blank, or a request line copied from a log ("... HTTP/1.1"): the parser reads it
    return method, url, options


def _rows() -> tuple[list[tuple[str, str, str, str]], list[tuple[str, bool]]]:
    """The catalog's endpoints in its order: (api, method, path, base_url), (operation id, tenant header)."""
    import csv

    from xero_nb.catalog import files

    with open(files.INDEX, encoding="utf-8") as fh:
        index = json.load(fh)
    apis = index["apis"]
    rows = [(api, method, path, apis[api]["base_url"]) for api, method, path, *_ in index["endpoints"]]
    about = [(op_id, bool(tenant)) for _, _, _, op_id, _, _, tenant, _ in index["endpoints"]]
    with open(files.DOCUMENTED, encoding="utf-8", newline="") as fh:
        for r in csv.DictReader(fh):
            if r["api"] in apis:
                rows.append((r["api"], r["method"], r["path"], apis[r["api"]]["base_url"]))
                about.append((r["operation_id"], r["tenant_header"] == "true"))
    return rows, about


def scopes_for(argv: Sequence[str]) -> int | None:
    """Answer a plain ``scopes-for`` command line; None when the full command line must."""
    given = _arguments(argv)
    if given is None:
        return None
    method, url, options = given
    try:
        from xero_nb.catalog import answers
        from xero_nb.catalog.paths import PathMatcher

        rows, about = _rows()
        shipped = answers.shipped()
        found = [row for row, _ in PathMatcher(rows).match(method, url)]
        region = options["--region"]
        if region is not None:  # as Catalog.find: the region settles shared payroll URLs
            regions = shipped["payroll_regions"]
            payroll = [row for row in found if rows[row][0] in regions]
            if payroll:
                found = [row for row in payroll if regions[rows[row][0]] == region]
        if len(found) != 1:
            return None  # unknown or ambiguous: the full path words the error
        api, ep_method, path, base_url = rows[found[0]]
        op_id, tenant = about[found[0]]
        era = str(options["--era"])
        rules = dict(shipped["answers"][shipped["endpoints"][f"{api}.{op_id}"][answers.ERAS.index(era)]])
    except (OSError, ValueError, KeyError, IndexError):
        return None  # a damaged install: the full path reports it properly
    unreachable = rules.pop("unreachable")
    data = {"method": ep_method, "url": base_url + path, "api": api, "operation_id": op_id,
            "era": era, "any_of": rules["any_of"], "narrowest": rules["narrowest"],
            "tenant_header": tenant, "restricted": rules["restricted"],
            "refused_at_authorize": rules["refused_at_authorize"], "mapping": rules.get("mapping"),
            "grantable": unreachable is None}  # any_of [] is "any valid token" only when grantable
    try:
        print(render(data, unreachable, str(options["--format"])))
        sys.stdout.flush()
    except BrokenPipeError:  # e.g. piped into head
        pass
    return 0
