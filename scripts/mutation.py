"""Mutation score of the core logic: runs mutmut in a scratch copy and prints one JSON line.

    .venv/bin/python scripts/mutation.py [--keep DIR] [--ref REF] [--max-children N] [MUTANT_GLOB ...]

What is mutated and which tests run is `[tool.mutmut]` in pyproject.toml. The run happens in a
copy of the project (never in the working tree, which other people may be editing), so
`mutants/` never appears in the checkout. Slow on 2 cores (tens of minutes): `make mutation`,
not CI.

The JSON line: ``score`` is killed / (mutants - equivalent - not run), overall and per package;
``survivors`` names every surviving mutant that is not in EQUIVALENT below. A mutant is listed
as equivalent only with the reason no test can tell it apart from the original.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
import tomllib
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# The packages of the score, by mutated file.
PACKAGES = {
    "xero_nb/catalog/scopes.py": "catalog",
    "xero_nb/catalog/index.py": "catalog",
    "xero_nb/catalog/paths.py": "catalog",
    "xero_nb/catalog/scope_text.py": "catalog",
    "xero_nb/client/call.py": "client",
    "xero_nb/client/core.py": "client",
    "xero_nb/client/policy.py": "client",
    "xero_nb/client/target.py": "client",
    "xero_nb/auth/store.py": "token_store",
    "xero_nb/auth/file_store.py": "token_store",
    "xero_nb/redact.py": "redact",
    "xero_nb/probe/limits.py": "probe_limits",
    "xero_nb/simulator/api.py": "simulator_refusals",
}

# Mutants that cannot change behaviour, by mutmut's name, with why. Keep the reason precise:
# a listed mutant must be one no test could kill, not one no test happens to kill.
EQUIVALENT: dict[str, str] = {
    "xero_nb.probe.limits.xǁTenantGateǁrelease__mutmut_34": (
        "an app-wide 429 ('appminute') then also holds the tenant's window for the same "
        "Retry-After; every call of that tenant passes the app window too, which already holds "
        "until the same instant, so no call can start at a different time"),
    # A warning's stacklevel: mutmut calls every function of a mutated file through a trampoline
    # that adds stack frames, so under mutmut no stacklevel names the user's line and no test run
    # there can tell 5 from 6 or 1. tests/test_mutation_token_store.py pins both in the plain
    # suite (test_a_failed_save_warns_at_the_users_own_line,
    # test_signing_out_over_a_damaged_file_warns_at_the_users_line); they skip under mutmut.
    "xero_nb.auth.store.x_save_or_warn__mutmut_12": "stacklevel left out: see the comment above",
    "xero_nb.auth.store.x_save_or_warn__mutmut_13": "stacklevel=6: see the comment above",
    "xero_nb.auth.file_store.xǁFileTokenStoreǁ_move_aside__mutmut_48": "stacklevel left out: as above",
    "xero_nb.auth.file_store.xǁFileTokenStoreǁ_move_aside__mutmut_49": "stacklevel=6: as above",
    "xero_nb.probe.limits.xǁWindowǁrelease__mutmut_20": (
        "unseen calls stamped now - Retry-After - period instead of min(now, now + Retry-After - "
        "period): a Retry-After also blocks the window until now + Retry-After, and both stamps "
        "have left the window by then, so no call can start at a different time"),
    "xero_nb.auth.file_store.x__parse__mutmut_7": (
        "'UTF-8-SIG' for 'utf-8-sig': codec names are case-insensitive, the same codec"),
    "xero_nb.auth.file_store.xǁFileTokenStoreǁ_ensure_dir__mutmut_28": (
        "the symlinked-folder warning's stacklevel left out: under mutmut's trampolines no stacklevel "
        "names the caller's line (see save_or_warn above); not pinned in the plain suite either"),
    "xero_nb.auth.file_store.xǁFileTokenStoreǁ_ensure_dir__mutmut_29": "stacklevel=5: as _28",
    "xero_nb.auth.file_store.xǁFileTokenStoreǁ_ensure_dir__mutmut_41": (
        "the open-folder warning's stacklevel left out: as _28"),
    "xero_nb.auth.file_store.xǁFileTokenStoreǁ_ensure_dir__mutmut_42": "stacklevel=5: as _28",
    "xero_nb.auth.file_store.xǁFileTokenStoreǁ__init____mutmut_21": (
        "_swept = None instead of False: it is only tested for truth"),
    # The simulator's refusals (numbers as of the working tree of 30 Nov 2026, 10:30 UTC).
    "xero_nb.simulator.api.x__app_gates__mutmut_27": (
        "held < RESTRICTED_SCOPES.keys() instead of <=: held is part of one endpoint's scopes, "
        "and no endpoint needs more than one restricted scope, so held never equals the whole set"),
    "xero_nb.simulator.api.x__pick__mutmut_2": (
        "len(matches) >= 1 instead of > 1: handle_api calls _pick only with two or more matches"),
    "xero_nb.simulator.api.x__pick__mutmut_6": (
        "matches[1] instead of matches[0] when no route has the organisation's region (or there is "
        "no organisation): the candidates are the payroll 2.0 routes of NZ and UK, which need the "
        "same scopes and share the lower-case problem shape, and such a call is refused (403 tenant "
        "or 404 region) before a route's data is read"),
    "xero_nb.simulator.api.x_handle_api__mutmut_1": (
        "busy=True as the default: the one caller (core.World._dispatch) always passes busy"),
    "xero_nb.simulator.api.x_handle_api__mutmut_14": (
        "'XERO-TENANT-ID': wire.RequestHeaders.get looks names up in any case"),
    "xero_nb.simulator.api.x_handle_api__mutmut_19": (
        "'XXXX' instead of '' when no tenant is known: neither is an organisation's id, so org is "
        "None either way"),
    "xero_nb.simulator.api.x_handle_api__mutmut_23": (
        "_pick even for a single match: _pick returns that match"),
    "xero_nb.simulator.api.x_handle_api__mutmut_50": (
        "ctx.limited = None: the counted answer already carries all three quota headers (extra), "
        "so core._with_limits, which this flag lets skip, returns it unchanged anyway"),
    "xero_nb.simulator.api.x_handle_api__mutmut_51": "ctx.limited = False: as _50",
    "xero_nb.simulator.api.x__allowed__mutmut_3": (
        "the scope-rule cache never hits: a miss recomputes is_allowed, the same answer"),
    "xero_nb.simulator.api.x__allowed__mutmut_4": "the cache looked up under None: never a hit, as _3",
    "xero_nb.simulator.api.x__allowed__mutmut_6": (
        "the cache cleared at 50,000 entries instead of 50,001: only its memory changes"),
    "xero_nb.simulator.api.x__allowed__mutmut_7": "cleared at 50,002: as _6",
    "xero_nb.simulator.api.x_handle_api__mutmut_101": (
        "_app_gates(..., now=None) for App Store billing: now is read only for the Journals tier, "
        "and no billing endpoint needs the Journals scope"),
    "xero_nb.simulator.api.x_handle_api__mutmut_59": (
        "the 429's title=None: problems.problem falls back to TITLES[429], 'Too Many Requests'"),
    "xero_nb.simulator.api.x_handle_api__mutmut_65": "the 429's title left out: as _59",
    # client/target.absolute: the endpoint always comes from the catalog, and no catalog base URL
    # ends with '/' (or 'X') or starts with '/', so each strip below is a no-op either way.
    "xero_nb.client.target.x_absolute__mutmut_13": "base path rstrip(None): as the comment above",
    "xero_nb.client.target.x_absolute__mutmut_16": "base path rstrip('XX/XX'): as above",
    "xero_nb.client.target.x_absolute__mutmut_26": "base URL rstrip(None): as above",
    "xero_nb.client.target.x_absolute__mutmut_27": "base URL lstrip('/'): as above",
    "xero_nb.client.target.x_absolute__mutmut_28": "base URL rstrip('XX/XX'): as above",
    "xero_nb.client.target.x_resolve__mutmut_2": (
        "method='get' as the default: method_and_target upper-cases it, so it is 'GET' all the same"),
    "xero_nb.redact.x_remember_secret__mutmut_9": "stores '' instead of None: the stored value is never read",
    "xero_nb.redact.x_remember_secret__mutmut_15": (
        "reverse alphabetical instead of longest first: two remembered values compete only where "
        "one starts the other, and then the longer also sorts higher, so the longest still wins"),
    "xero_nb.redact.x_remember_secret__mutmut_18": "as _15: the same order wherever two values compete",
    "xero_nb.redact.x__pair_span__mutmut_79": "None instead of False: the result is only tested for truth",
    "xero_nb.redact.x__redact_pairs__mutmut_17": (
        "`if out or True`: with nothing replaced, ''.join([]) + text[0:] is text"),
    "xero_nb.redact.x__prose__mutmut_32": (
        "end + m.start(): both patterns end with the value, so nothing follows it in the match"),
    "xero_nb.redact.x_redact_url__mutmut_19": "safe='XX[]<>XX': X is never percent-encoded anyway",
    "xero_nb.redact.x_redact_body__mutmut_45": "safe='XX[]<>XX': X is never percent-encoded anyway",
    "xero_nb.redact.x_redact_body__mutmut_7": (
        "invalid JSON gives '' instead of None: redact_json('') == '', so scrub(body) follows as before"),
    "xero_nb.redact.x_redact_headers__mutmut_17": "split(' ') and split(' ', 1) give the same first word",
    "xero_nb.redact.x_redact_headers__mutmut_20": "split(' ', 2) and split(' ', 1) give the same first word",
    "xero_nb.redact.x_jwt_claims__mutmut_4": "token or 'XXXX': no dot either way, so the claims are {}",
    "xero_nb.redact.x_jwt_claims__mutmut_14": (
        "+len % 4 instead of -len % 4: equal for remainders 0 and 2; for 3 it pads '===', which "
        "the decoder ignores; a remainder of 1 is invalid either way"),
    # catalog/scope_text
    "xero_nb.catalog.scope_text.x__from_jwt__mutmut_12": (
        "+len % 4 instead of -len % 4: as redact.x_jwt_claims__mutmut_14, the same claims"),
    "xero_nb.catalog.scope_text.x__from_jwt__mutmut_26": (
        "claims.get('scope', None): scope_names(None) is [], as scope_names([]) is"),
    "xero_nb.catalog.scope_text.x__from_jwt__mutmut_28": "claims.get('scope'): the default None, as _26",
    # catalog/paths: PathMatcher files each template under (method, segment count) and asks
    # score/bind only of templates filed under the URL's own count, so the zips always agree in
    # length and strict=True never fires; names has one entry per {param}, as values does.
    "xero_nb.catalog.paths.xǁ_Templateǁscore__mutmut_6": "zip(strict=None): see the comment above",
    "xero_nb.catalog.paths.xǁ_Templateǁscore__mutmut_9": "zip without strict: as above",
    "xero_nb.catalog.paths.xǁ_Templateǁscore__mutmut_10": "zip(strict=False): as above",
    "xero_nb.catalog.paths.xǁ_Templateǁbind__mutmut_4": "zip(strict=None): as above",
    "xero_nb.catalog.paths.xǁ_Templateǁbind__mutmut_7": "zip without strict: as above",
    "xero_nb.catalog.paths.xǁ_Templateǁbind__mutmut_8": "zip(strict=False): as above",
    "xero_nb.catalog.paths.xǁ_Templateǁbind__mutmut_13": "zip(strict=None): as above",
    "xero_nb.catalog.paths.xǁ_Templateǁbind__mutmut_16": "zip without strict: as above",
    "xero_nb.catalog.paths.xǁ_Templateǁbind__mutmut_17": "zip(strict=False): as above",
    # A segment's score is compared only with other templates' scores for the same segment of
    # the same URL. There a '{param}' segment meets only {param} templates (2 or 1: no literal
    # template segment is braced) and a value meets literals, fitting and other params (3, 1, 0).
    "xero_nb.catalog.paths.xǁ_Templateǁscore__mutmut_15": (
        "a literal scores 4 instead of 3: still above 2, 1 and 0, so every comparison is the same"),
    "xero_nb.catalog.paths.xǁ_Templateǁscore__mutmut_23": (
        "a same-named {param} scores 3 instead of 2: it only ever meets 1 (see above), and 3 > 1"),
    "xero_nb.catalog.paths.xǁ_Templateǁscore__mutmut_34": (
        "a fitting value scores 2 instead of 1: it only meets 3 and 0 (see above): 3 > 2 > 0"),
    "xero_nb.catalog.paths.xǁPathMatcherǁ_relative_paths__mutmut_6": (
        "startswith('XX/XX') instead of '/': a text starting with '/' has '' before its first "
        "'/', no dot in it, so the host test fails either way; one starting 'XX/XX' likewise"),
    "xero_nb.catalog.paths.xǁPathMatcherǁ_relative_paths__mutmut_13": (
        "split('/') instead of split('/', 1): the same first piece"),
    "xero_nb.catalog.paths.xǁPathMatcherǁ_relative_paths__mutmut_16": (
        "split('/', 2) instead of split('/', 1): the same first piece"),
    "xero_nb.catalog.paths.xǁPathMatcherǁ_relative_paths__mutmut_23": (
        "'XXhttps://' + text: urlsplit reads 'xxhttps' as the scheme and the same host and path; "
        "only the path and whether there is a scheme are used"),
    "xero_nb.catalog.paths.xǁPathMatcherǁ_relative_paths__mutmut_24": "'HTTPS://': as _23",
    "xero_nb.catalog.paths.xǁPathMatcherǁ_relative_paths__mutmut_39": (
        "rstrip('XX/XX') on a lower-cased path: it holds no 'X', so only '/' is stripped"),
    "xero_nb.catalog.paths.xǁPathMatcherǁ__init____mutmut_11": (
        "base path rstrip('XX/XX'): strips a trailing 'X' too, and no base path (shipped, or "
        "built from Xero's specs: all end in a version number) ends in 'X' (as target._16)"),
    # catalog/index: equal parameters and scope sets are shared to save memory; building each
    # anew gives equal (immutable) values, so only memory use changes.
    "xero_nb.catalog.index.x__endpoints_from_index__mutmut_13": "param = None: see the comment above",
    "xero_nb.catalog.index.x__endpoints_from_index__mutmut_14": "params_seen.get(None): never a hit, as _13",
    "xero_nb.catalog.index.x__endpoints_from_index__mutmut_32": "scope_set = None: as _13, for scope sets",
    "xero_nb.catalog.index.x__endpoints_from_index__mutmut_33": "scopes_seen.get(None): never a hit, as _32",
    "xero_nb.catalog.index.xǁCatalogǁendpoint__mutmut_15": (
        "split(':') instead of split(':', 1): the same first piece"),
    "xero_nb.catalog.index.xǁCatalogǁendpoint__mutmut_18": (
        "split(':', 2) instead of split(':', 1): the same first piece"),
    # data/documented.csv is plain ASCII with "\n" line ends and no quoted line breaks
    "xero_nb.catalog.index.x__documented__mutmut_1": (
        "encoding=None: the locale's encoding; the file is plain ASCII, read the same by any "
        "ASCII-compatible encoding (the only kind Python runs with: UTF-8 mode in a C locale)"),
    "xero_nb.catalog.index.x__documented__mutmut_2": (
        "newline=None: translates '\\r\\n', which the file does not hold, and csv sees no quoted "
        "line breaks, which it does not hold either"),
    "xero_nb.catalog.index.x__documented__mutmut_3": "encoding left out: as _1",
    "xero_nb.catalog.index.x__documented__mutmut_4": "newline left out: as _2",
    "xero_nb.catalog.index.x__documented__mutmut_6": "'UTF-8' for 'utf-8': the same codec",
    "xero_nb.catalog.index.xǁCatalogǁmatch__mutmut_8": (
        "the URL matcher rebuilt on every lookup instead of kept: the same answers, only slower"),
    "xero_nb.catalog.index.xǁCatalogǁfind__mutmut_27": (
        "found[1] instead of found[0] in `all(ep.base_url == found[0].base_url ...)`: every "
        "candidate shares one base URL exactly when every one equals any one of them"),
    # catalog/scopes
    "xero_nb.catalog.scopes.x_suggest__mutmut_13": (
        "get_close_matches(n=3): it returns the best first (heapq.nlargest on (score, word)) "
        "whatever n is, and only the first is used"),
    "xero_nb.catalog.scopes.x_suggest__mutmut_14": "cutoff left out: 0.6 is its default",
    "xero_nb.catalog.scopes.x_suggest__mutmut_15": "get_close_matches(n=2): as _13",
    "xero_nb.catalog.scopes.x__ep__mutmut_1": (
        "an Endpoint also goes through Catalog.endpoint, which returns an Endpoint unchanged"),
    "xero_nb.catalog.scopes.x_read_variant__mutmut_1": (
        "`and` instead of `or`: the early return never fires (no OpenID scope ends in '.read'), "
        "but for a '.read' or OpenID name, name + '.read' is no known scope (none ends in "
        "'.read.read' or is openid.read, email.read, ...), so the fallback returns the name too"),
    "xero_nb.catalog.scopes.x_read_variant__mutmut_3": "'XX.readXX': the fallback returns the name, as _1",
    "xero_nb.catalog.scopes.x_read_variant__mutmut_4": "'.READ': the fallback returns the name, as _1",
    # client/call: the method a call is written with is upper-cased by target.method_and_target
    "xero_nb.client.call.xǁXeroClientǁcall__mutmut_2": (
        "method='get' as the default: resolve upper-cases it (as target.x_resolve__mutmut_2)"),
    "xero_nb.client.call.xǁXeroClientǁacall__mutmut_2": "method='get' as the default: as call _2",
    "xero_nb.client.call.xǁXeroClientǁget__mutmut_7": "'get' instead of 'GET': as call _2",
    # HTTP header names are case-insensitive (RFC 9110 5.1), and what a CallResult records
    # (httpx's Headers.multi_items) is lower-cased, so only the bytes' case on the wire changes
    "xero_nb.client.core.xǁClientCoreǁ_headers__mutmut_3": "'accept': see the comment above",
    "xero_nb.client.core.xǁClientCoreǁ_headers__mutmut_4": "'ACCEPT': as _3",
    "xero_nb.client.core.xǁClientCoreǁ_headers__mutmut_8": "'user-agent': as _3",
    "xero_nb.client.core.xǁClientCoreǁ_headers__mutmut_9": "'USER-AGENT': as _3",
    "xero_nb.client.core.xǁClientCoreǁ_headers__mutmut_15": "'XERO-TENANT-ID': as _3",
    "xero_nb.client.core.xǁClientCoreǁ_headers__mutmut_18": "'content-type': as _3",
    "xero_nb.client.core.xǁClientCoreǁ_headers__mutmut_19": "'CONTENT-TYPE': as _3",
    # the explicit Content-Type of a JSON body: httpx's build_request(json=...) sets the same
    # 'application/json' itself, so leaving ours out changes no request
    "xero_nb.client.call.xǁXeroClientǁcall__mutmut_41": "has_body=None: see the comment above",
    "xero_nb.client.call.xǁXeroClientǁacall__mutmut_46": "has_body=None: as call _41",
    # _result's url is read only when no request was built (RequestRecord.of(sent=None)); call
    # and acall build the request before the first send and keep one, so it is never read there
    "xero_nb.client.call.xǁXeroClientǁcall__mutmut_83": "_result(url=None): see the comment above",
    "xero_nb.client.call.xǁXeroClientǁacall__mutmut_106": "_result(url=None): as call _83",
    "xero_nb.client.core.xǁClientCoreǁ_as_token__mutmut_6": (
        "a bare token's dict without 'token_type': Token.from_response defaults it to 'Bearer'"),
    "xero_nb.client.core.xǁClientCoreǁ_as_token__mutmut_7": "'TOKEN_TYPE' as the key: as _6",
    "xero_nb.client.core.xǁClientCoreǁresolve__mutmut_2": (
        "method='get' as the default: target.method_and_target upper-cases it"),
    "xero_nb.client.core.xǁClientCoreǁ_step__mutmut_10": (
        "'XXXX' as the text when there is no response: next_step reads the text only for a 401, "
        "and no response is status 0"),
    "xero_nb.client.core.xǁClientCoreǁ_result__mutmut_4": (
        "RequestRecord.of(url=None): as call _83, the record is read from the request sent"),
}

KILLED = {"killed", "caught by type check", "timeout", "segfault"}
NOT_RUN = {"no tests", "skipped", "not checked", "check was interrupted by user"}

_LINE = re.compile(r"^\s*(?P<name>[\w.]+__mutmut_\d+): (?P<status>.+?)\s*$")


def module_file(mutant: str) -> str:
    """``xero_nb.client.policy.x_delay__mutmut_3`` -> ``xero_nb/client/policy.py``."""
    parts = mutant.split(".")
    for end in range(len(parts), 0, -1):
        candidate = "/".join(parts[:end]) + ".py"
        if candidate in PACKAGES:
            return candidate
    return "?"


def copy_project(dest: Path, ref: str | None = None, overlay: list[str] | None = None) -> None:
    """The project into ``dest``: the working tree, or with ``ref`` the code and tests as
    committed there (a consistent state while others edit the tree) with the ``overlay``
    files (the tests being written now) taken from the working tree."""
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", ".mypy_cache", ".ruff_cache",
                                    ".pytest_cache", "mutants", "test-artifacts")
    if ref is None:
        for name in ("xero_nb", "tests", "vendor"):
            shutil.copytree(ROOT / name, dest / name, ignore=ignore)
    else:
        archive = subprocess.run(["git", "-C", str(ROOT), "archive", ref, "xero_nb", "vendor", "tests"],
                                 capture_output=True, check=True).stdout
        subprocess.run(["tar", "-x", "-C", str(dest)], input=archive, check=True)
        for pattern in overlay or ():
            for path in ROOT.glob(pattern):
                shutil.copy2(path, dest / path.relative_to(ROOT))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, dest / name)


def check_config() -> list[str]:
    """Every file the config names exists (mutmut would fail late and unclearly otherwise)."""
    conf = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["mutmut"]
    problems = [f"{p}: mutated but not scored" for p in conf["only_mutate"] if p not in PACKAGES]
    problems += [f"{p}: missing" for p in conf["only_mutate"] + conf["pytest_add_cli_args_test_selection"]
                 if not (ROOT / p).exists()]
    return problems


def score(statuses: dict[str, str]) -> dict[str, object]:
    per: dict[str, Counter[str]] = defaultdict(Counter)
    survivors: list[str] = []
    for name, status in sorted(statuses.items()):
        package = PACKAGES.get(module_file(name), "?")
        if name in EQUIVALENT:
            per[package]["equivalent"] += 1
        elif status in KILLED:
            per[package]["killed"] += 1
        elif status in NOT_RUN:
            per[package]["not_run"] += 1
        else:  # survived, suspicious
            per[package]["survived"] += 1
            survivors.append(name)

    def summary(c: Counter[str]) -> dict[str, object]:
        counted = c["killed"] + c["survived"]
        return {"killed": c["killed"], "survived": c["survived"], "equivalent": c["equivalent"],
                "not_run": c["not_run"],
                "score": round(100 * c["killed"] / counted, 1) if counted else None}

    total: Counter[str] = Counter()
    for c in per.values():
        total.update(c)
    return {"metric": "mutation_score", **summary(total),
            "packages": {p: summary(c) for p, c in sorted(per.items())},
            "survivors": survivors}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", type=Path, help="run in (and keep) this folder")
    parser.add_argument("--max-children", type=int, default=2)
    parser.add_argument("--ref", help="run on xero_nb/ and tests/ as committed at this git ref")
    parser.add_argument("--overlay", action="append", default=[],
                        help="with --ref: a test file (glob) to take from the working tree")
    parser.add_argument("mutants", nargs="*", help="mutmut names or globs to run (default: all)")
    args = parser.parse_args(argv)
    problems = check_config()
    if problems:
        print("mutation config: " + "; ".join(problems), file=sys.stderr)
        return 2
    mutmut = Path(sys.executable).with_name("mutmut")
    work = args.keep or Path(tempfile.mkdtemp(prefix="xero-nb-mutation-"))
    if not (work / "xero_nb").exists():
        work.mkdir(parents=True, exist_ok=True)
        copy_project(work, args.ref, args.overlay)
    run = subprocess.run([str(mutmut), "run", f"--max-children={args.max_children}", *args.mutants],
                         cwd=work, capture_output=True, text=True)
    if run.returncode != 0:
        print((run.stdout or "")[-4000:] + run.stderr[-4000:], file=sys.stderr)
        return run.returncode
    listed = subprocess.run([str(mutmut), "results", "--all", "true"], cwd=work,
                            capture_output=True, text=True, check=True).stdout
    statuses = {m["name"]: m["status"] for line in listed.splitlines() if (m := _LINE.match(line))}
    if args.mutants:  # a partial run: score only what was asked for
        wanted = [re.compile(re.escape(p).replace(r"\*", ".*")) for p in args.mutants]
        statuses = {n: s for n, s in statuses.items() if any(w.fullmatch(n) for w in wanted)}
    result = score(statuses)
    result["workdir"] = str(work)
    print(json.dumps(result))
    if args.keep is None:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
