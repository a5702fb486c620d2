"""Mutation score of the core logic: runs mutmut in scratch copies and prints one JSON line.

    .venv/bin/python scripts/mutation.py [--group NAME] [--keep DIR] [--ref REF [--overlay GLOB]]
                                         [--max-children N] [MUTANT_GLOB ...]

The mutated files are split into GROUPS (below), each with its own test selection: mutmut runs,
for each mutant, the tests of its selection that executed the mutated function, so one shared
selection would make every catalog mutant also run the diagnosis tests (diagnose() calls the
catalog). The ``core`` group is `[tool.mutmut]` in pyproject.toml (what a plain `mutmut run`
does); every other group replaces that table's `only_mutate` and test selection in its copy.
Each group runs in its own copy of the project (never in the working tree, which other people
may be editing), so `mutants/` never appears in the checkout; the groups run one after another
and their results are merged into the one JSON line. ``--group NAME`` runs one group;
``--keep DIR`` keeps the copy in DIR (one group) or DIR/NAME (all groups), and a kept copy is
reused on the next run (with the overlay files copied in again). Slow on 2 cores (tens of
minutes per group): `make mutation`, not CI.

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
from typing import Any

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
    "xero_nb/diagnose/diagnosis.py": "diagnosis_rules",
    "xero_nb/diagnose/rules.py": "diagnosis_rules",
    "xero_nb/diagnose/scope.py": "diagnosis_rules",
    "xero_nb/diagnose/oauth.py": "diagnosis_rules",
    "xero_nb/diagnose/org.py": "diagnosis_rules",
    "xero_nb/diagnose/role.py": "diagnosis_rules",
}

# The groups: each is a separate mutmut run over its own files with its own tests. None for
# `core` means pyproject's [tool.mutmut] as it stands. Keep each selection fast: a mutant's
# test run should take seconds, and every test that calls diagnose() runs for every surviving
# mutant of a rule. So the diagnosis group leaves out the tests of what the rules read rather
# than decide (the corpus, the pasted words, the SDK forms: cues, paste, sdk), the slow ones
# (test_diagnose_linear's 100 kB pastes, test_diagnose_props' Hypothesis runs) and the
# simulator round trips (test_diagnose_live): its own tests pin each rule's output instead.
GROUPS: dict[str, dict[str, list[str]] | None] = {
    "core": None,
    # XeroClient.call and acall run in nearly every test of the core selection (the probe, the
    # simulator's, the token store's), which made each of their mutants take 40 s; the client's
    # own tests drive it through every path (the simulator, a hostile network, the write gate).
    "client": {
        "only_mutate": [
            "xero_nb/client/call.py",
            "xero_nb/client/core.py",
            "xero_nb/client/policy.py",
            "xero_nb/client/target.py",
        ],
        "pytest_add_cli_args_test_selection": [
            "tests/test_client.py",
            "tests/test_client_sim.py",
            "tests/test_hostile_network.py",
            "tests/test_mutation_client_call.py",
            "tests/test_mutation_client_target.py",
            "tests/test_secrets.py",
            "tests/test_sim_clock.py",
            "tests/test_mutation_client_policy.py",
        ],
    },
    "diagnose": {
        "only_mutate": [
            "xero_nb/diagnose/diagnosis.py",
            "xero_nb/diagnose/rules.py",
            "xero_nb/diagnose/scope.py",
            "xero_nb/diagnose/oauth.py",
            "xero_nb/diagnose/org.py",
            "xero_nb/diagnose/role.py",
        ],
        "pytest_add_cli_args_test_selection": [
            "tests/test_diagnose.py",
            "tests/test_diagnose_ranking.py",
            "tests/test_diagnose_evidence.py",
            "tests/test_diagnose_context.py",
            "tests/test_mutation_diagnose_ranking.py",
            "tests/test_mutation_diagnose_rules.py",
            "tests/test_mutation_diagnose_scope.py",
            "tests/test_mutation_diagnose_oauth.py",
            "tests/test_mutation_diagnose_org.py",
            "tests/test_diagnose_alike.py",
            "tests/test_diagnose_success.py",
            "tests/test_diagnose_status_input.py",
            "tests/test_diagnose_no_url.py",
            "tests/test_diagnose_client_side.py",
            "tests/test_diagnose_notes_rules.py",
            "tests/test_diagnose_trial3.py",
            "tests/test_diagnose_trial4.py",
            "tests/test_diagnose_trial5.py",
            "tests/test_diagnose_platform.py",
            "tests/test_diagnose_paste_forms.py",
            "tests/test_diagnose_trial6.py",
            "tests/test_mutation_diagnose_trials.py",
            "tests/test_diagnose_trial7.py",
            "tests/test_diagnose_variants.py",
            "tests/test_mutation_diagnose_session.py",
        ],
        # test_diagnose checks the codes against the list in docs/architecture.md
        "also_copy": ["vendor/", "docs/"],
        # ... and finds each code's producer by parsing xero_nb/diagnose/*.py, which under mutmut
        # holds every mutant's copy of the code (codes spelt 'XXrate_limitedXX' among them)
        "pytest_add_cli_args": ["-p", "no:cacheprovider", "--deselect",
                                "tests/test_diagnose.py::test_every_documented_code_has_a_producer_and_a_test"],
    },
}

# Mutants that cannot change behaviour, by mutmut's name, with why. Keep the reason precise:
# a listed mutant must be one no test could kill, not one no test happens to kill.
EQUIVALENT: dict[str, str] = {
    "xero_nb.probe.limits.xǁTenantGateǁrelease__mutmut_34": (
        "an app-wide 429 ('appminute') then also holds the tenant's window for the same "
        "Retry-After; every call of that tenant passes the app window too, which already holds "
        "until the same instant, so no call can start at a different time"),
    "xero_nb.probe.limits.xǁWindowǁrelease__mutmut_20": (
        "unseen calls stamped now - Retry-After - period instead of min(now, now + Retry-After - "
        "period): a Retry-After also blocks the window until now + Retry-After, and both stamps "
        "have left the window by then, so no call can start at a different time"),
    "xero_nb.auth.file_store.x__parse__mutmut_7": (
        "'UTF-8-SIG' for 'utf-8-sig': codec names are case-insensitive, the same codec"),
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
    "xero_nb.redact.x__pair_span__mutmut_66": (
        "secret = None instead of False for a value that is no bare credential: secret is only "
        "tested for truth"),
    "xero_nb.redact.x__pair_span__mutmut_101": "secret = None instead of False for any other key: as _66",
    "xero_nb.redact.x__redact_pairs__mutmut_17": (
        "`if out or True`: with nothing replaced, ''.join([]) + text[0:] is text"),
    "xero_nb.redact.x__prose__mutmut_32": (
        "end + m.start(): both patterns end with the value, so nothing follows it in the match"),
    "xero_nb.redact.x__prose_bare__mutmut_30": (
        "end + m.start(): as _prose's _32, the match ends with the value (the code's words are "
        "only looked ahead at), so nothing follows it either way"),
    "xero_nb.redact.x_redact_url__mutmut_19": "safe='XX[]<>XX': X is never percent-encoded anyway",
    "xero_nb.redact.x_redact_body__mutmut_45": "safe='XX[]<>XX': X is never percent-encoded anyway",
    "xero_nb.redact.x_redact_body__mutmut_7": (
        "invalid JSON gives '' instead of None: redact_json('') == '', so scrub(body) follows as before"),
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
    # _relative_paths (numbers as of commit 5cbecf7, which added the "://" test on the part before "?")
    "xero_nb.catalog.paths.xǁPathMatcherǁ_relative_paths__mutmut_6": (
        "startswith('XX/XX') instead of '/': a text starting with '/' has '' before its first "
        "'/', no dot in it, so the host test fails either way; one starting 'XX/XX' likewise"),
    "xero_nb.catalog.paths.xǁPathMatcherǁ_relative_paths__mutmut_12": (
        "split('?') instead of split('?', 1): the same first piece"),
    "xero_nb.catalog.paths.xǁPathMatcherǁ_relative_paths__mutmut_15": (
        "split('?', 2) instead of split('?', 1): the same first piece"),
    "xero_nb.catalog.paths.xǁPathMatcherǁ_relative_paths__mutmut_21": (
        "split('/') instead of split('/', 1): the same first piece"),
    "xero_nb.catalog.paths.xǁPathMatcherǁ_relative_paths__mutmut_24": (
        "split('/', 2) instead of split('/', 1): the same first piece"),
    "xero_nb.catalog.paths.xǁPathMatcherǁ_relative_paths__mutmut_31": (
        "'XXhttps://' + text: urlsplit reads 'xxhttps' as the scheme and the same host and path; "
        "only the path and whether there is a scheme are used"),
    "xero_nb.catalog.paths.xǁPathMatcherǁ_relative_paths__mutmut_32": "'HTTPS://': as _31",
    "xero_nb.catalog.paths.xǁPathMatcherǁ_relative_paths__mutmut_44": (
        "rstrip() (whitespace) instead of rstrip('/'): the text was stripped, and a path ending in "
        "'/' still starts with base + '/', so the same base is found and the same rest kept"),
    "xero_nb.catalog.paths.xǁPathMatcherǁ_relative_paths__mutmut_47": (
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
    # Catalog.endpoint's "GET:URL" test: `(not sep or head not a method) and text.split(':', 1)[0]
    # is a method`. The second part holds only when the text starts "METHOD:" with no space before
    # the colon, and then the text's first word is never a bare method, so the first part holds too.
    "xero_nb.catalog.index.xǁCatalogǁendpoint__mutmut_6": (
        "`or` for `and`: the two differ only when the first part holds and the second not; the "
        "text is then split at ':' into a head that is no method (the second part said so), and "
        "the same 'names no HTTP method' error follows as without the split"),
    "xero_nb.catalog.index.xǁCatalogǁendpoint__mutmut_8": (
        "`sep` for `not sep`: with a space and a bare method first the second part is false (see "
        "above); without a space and a bare method (the text is just 'GET') both ways end in the "
        "same 'names no HTTP method' error"),
    "xero_nb.catalog.index.xǁCatalogǁendpoint__mutmut_9": (
        "head.lower() is never an (upper-case) method, so the first part always holds: it was "
        "false only for 'METHOD rest', where the second part is false anyway (see above)"),
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
    # client/policy
    "xero_nb.client.policy.x_fill__mutmut_11": (
        "a missing name's placeholder replaced by its name instead of kept: fill raises "
        "MissingPathParamError whenever a name is missing, so that text is never returned"),
    "xero_nb.client.policy.x_fill__mutmut_18": (
        "quote(safe='XXXX') instead of safe='': X is never percent-encoded anyway"),
    "xero_nb.client.policy.xǁRetryPolicyǁdelay__mutmut_27": (
        "error.split(':') instead of split(':', 1): the same first piece"),
    "xero_nb.client.policy.xǁRetryPolicyǁdelay__mutmut_30": (
        "error.split(':', 2) instead of split(':', 1): the same first piece"),
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
    # The diagnosis rules (numbers as of commit b7866cd, 30 Nov 2026; diagnose, oauth_findings and
    # rate_findings renumbered as of commit b3b7363). Several rest on facts of
    # the shipped catalog, checked over every endpoint when listed: a catalog change that breaks
    # one of them makes the mutant killable again (and it then shows up as a survivor).
    "xero_nb.diagnose.scope.x__pick__mutmut_23": (
        "narrowest(ep) instead of narrowest(ep, 'broad'): 'broad' is its default era"),
    "xero_nb.diagnose.scope.x__held_but_refused__mutmut_93": (
        "required_scopes(ep) instead of required_scopes(ep, 'broad'): 'broad' is its default era"),
    "xero_nb.diagnose.scope.x__missing__mutmut_57": (
        "refused_at_authorize(scope, 'XXbroadXX') as the fallback era: it tests only era == "
        "'granular', so every other era string answers the same"),
    "xero_nb.diagnose.scope.x__missing__mutmut_58": "'BROAD' as the fallback era: as _57",
    # (numbers as of 1 Dec 2026, whose created_2026 marker shifted _scope_refusal's mutants by 3)
    "xero_nb.diagnose.oauth.x__scope_refusal__mutmut_203": (
        "eras ['granular', 'XXbroadXX'] when the era is unknown: refused_at_authorize tests only "
        "era == 'granular' (as scope.x__missing__mutmut_57)"),
    "xero_nb.diagnose.oauth.x__scope_refusal__mutmut_204": "['granular', 'BROAD']: as _203",
    "xero_nb.diagnose.scope.x__held_but_refused__mutmut_7": (
        "restriction(ep) (the broad era) instead of restriction(ep, era): for no catalog endpoint "
        "that some scope grants (unreachable ones return earlier) does restriction() differ "
        "between the broad, granular and mixed eras"),
    # Every catalog endpoint under /Journals needs accounting.journals.read in every era, so
    # restriction() names the Journals gate for it: `why == JOURNALS_GATE` alone decides the
    # tier_gated branch, and inside it `why` is always true.
    "xero_nb.diagnose.scope.x__held_but_refused__mutmut_11": (
        "`ctx.era is not None and ...` in the Journals test: see the comment above"),
    "xero_nb.diagnose.scope.x__held_but_refused__mutmut_13": "startswith('XX/JournalsXX'): as _11",
    "xero_nb.diagnose.scope.x__held_but_refused__mutmut_14": "startswith('/journals'): as _11",
    "xero_nb.diagnose.scope.x__held_but_refused__mutmut_15": "startswith('/JOURNALS'): as _11",
    "xero_nb.diagnose.scope.x__held_but_refused__mutmut_22": (
        "decides None even without `why`: `why` is always true there (see above)"),
    "xero_nb.diagnose.scope.x__held_but_refused__mutmut_28": "decides left out (None): as _22",
    "xero_nb.diagnose.scope.x__held_but_refused__mutmut_47": "0.88 `if why or True`: as _22",
    "xero_nb.diagnose.scope.x__held_but_refused__mutmut_49": "1.6 instead of 0.6 without `why`: as _22",
    "xero_nb.diagnose.scope.x__held_but_refused__mutmut_51": "decides `if why or True`: as _22",
    # The broad-scope hint needs the token to hold a scope of the endpoint's broad-era needs that
    # is a deprecated broad scope. The call is held (need & granted) and no granular need is held
    # (broad_only), so the scope held is a broad-era need outside the granular needs, and in the
    # catalog every such scope is in DEPRECATED_BROAD: both mutants below are then always true
    # exactly when the original is.
    "xero_nb.diagnose.scope.x__held_but_refused__mutmut_88": (
        "`... & granted | DEPRECATED_BROAD`: see the comment above"),
    "xero_nb.diagnose.scope.x__held_but_refused__mutmut_89": (
        "`required_scopes(ep, 'broad') | granted & DEPRECATED_BROAD`: as _88"),
    "xero_nb.diagnose.scope.x__unsettled_scope__mutmut_5": (
        "required_scopes(ep) (the broad era) for the candidates: every set of catalog endpoints "
        "that share a method and path needs the same scopes in every era"),
    "xero_nb.diagnose.scope.x_scope_findings__mutmut_29": (
        "the proven finding keeps its own decides: every finding the proof raises (missing_scope, "
        "not_reconsented, broad_scope_on_granular_app with the token's scopes known) already has "
        "decides None"),
    "xero_nb.diagnose.scope.x_proven_missing__mutmut_23": (
        "True when is_allowed raises: it raises for no catalog endpoint, scope set and era that "
        "diagnose() passes (the except guards against a future catalog bug)"),
    "xero_nb.diagnose.org.x__region__mutmut_3": (
        "the settled endpoint no longer added when the candidates are empty: resolve_endpoint "
        "always lists a settled endpoint among the candidates, so the fallback is never needed"),
    "xero_nb.diagnose.org.x__payroll_404__mutmut_9": (
        "`ctx.endpoint is not None and ctx.candidates`: the two differ only with candidates and no "
        "settled endpoint, which happens only for a payroll path that several regions share; then "
        "_region has regions and never calls _payroll_404"),
    "xero_nb.diagnose.org.x__region__mutmut_14": (
        "payroll_region or 'XXXX': the list holds only endpoints with a payroll_region"),
    "xero_nb.diagnose.org.x__an__mutmut_3": (
        "min(codes, default=None): _an is always given one code or more (regions, [said], "
        "[country]), so the default is never used"),
    "xero_nb.diagnose.org.x__an__mutmut_5": "no default: as _3",
    "xero_nb.diagnose.org.x__an__mutmut_6": "default 'XXXX': as _3",
    "xero_nb.diagnose.org.x__an__mutmut_14": (
        "tuple('XXAEFHILMNORSXXX'): the same letters as tuple('AEFHILMNORSX'), X already among them"),
    "xero_nb.diagnose.diagnosis.x__carried__mutmut_22": (
        "getattr(response, 'tenant_id') without a default: the last read; its AttributeError is "
        "caught and what was read before is returned, the tenant id staying as passed"),
    "xero_nb.diagnose.diagnosis.x_unknown_finding__mutmut_41": (
        "obs.field('TYPE'): Observation.field lower-cases the name it is given"),
    "xero_nb.diagnose.diagnosis.x_unknown_finding__mutmut_42": (
        "(type or 'XXXX').lower() == 'validationexception': 'xxxx' is not it either, as '' is not"),
    "xero_nb.diagnose.oauth.x_oauth_step__mutmut_2": (
        "obs.url or 'XXXX': 'xxxx' holds neither /connect/token nor /connect/authorize, as '' does not"),
    # (numbers as of 1 Dec 2026: OAuth 1.0a's token URLs shifted the later ones by 8)
    "xero_nb.diagnose.oauth.x_oauth_step__mutmut_35": "obs.url or 'XXXX': holds no api.xero.com either",
    "xero_nb.diagnose.scope.x__scope_findings__mutmut_114": (
        "restriction(ep) (the broad era) with the token's scopes unknown: as "
        "x__held_but_refused__mutmut_7, no reachable endpoint's restriction depends on the era"),
    "xero_nb.diagnose.scope.x__scope_findings__mutmut_156": (
        "required_scopes(ep) instead of required_scopes(ep, 'broad'): 'broad' is its default era"),
    "xero_nb.diagnose.scope.x__scope_findings__mutmut_172": (
        "the authorize link built `if scope or True`: narrowest(ep, 'granular') is None only for an "
        "endpoint no granular scope reaches, which returned earlier (`gone`)"),
    "xero_nb.diagnose.org.x_org_findings__mutmut_52": (
        "the fields joined by 'XX XX' instead of ' ' before looking for 'payroll' and 'report': "
        "neither word holds a space or an x, so no separator makes or breaks a match"),
    # Observation.header looks names up in any case (as simulator.api.x_handle_api__mutmut_14)
    "xero_nb.diagnose.rules.x_rate_findings__mutmut_32": "'x-daylimit-remaining': see the comment above",
    "xero_nb.diagnose.rules.x_rate_findings__mutmut_33": "'X-DAYLIMIT-REMAINING': as _32",
    "xero_nb.diagnose.rules.x_rate_findings__mutmut_37": "'x-minlimit-remaining': as _32",
    "xero_nb.diagnose.rules.x_rate_findings__mutmut_38": "'X-MINLIMIT-REMAINING': as _32",
    "xero_nb.diagnose.rules.x_rate_findings__mutmut_42": "'x-appminlimit-remaining': as _32",
    "xero_nb.diagnose.rules.x_rate_findings__mutmut_43": "'X-APPMINLIMIT-REMAINING': as _32",
    "xero_nb.diagnose.rules.x_rate_findings__mutmut_91": "'retry-after': as _32",
    "xero_nb.diagnose.rules.x_rate_findings__mutmut_92": "'RETRY-AFTER': as _32",
    "xero_nb.diagnose.rules.x_rate_findings__mutmut_57": (
        "LIMITS.get(kind or 'XXXX', ...): with no kind neither '' nor 'XXXX' is a key, so the "
        "default is used either way"),
    "xero_nb.diagnose.rules.x_rate_findings__mutmut_184": (
        "`waits and obs.status != 430`: waits holds only when there is no status at all"),
    "xero_nb.diagnose.org.x__region__mutmut_10": (
        "obs.body[:4001] instead of [:4000]: observe() keeps at most MAX_BODY = 4000 characters "
        "of a body, so both slices are the whole body"),
    # rules.expiry_findings' no-Authorization test: Observation.request_header looks names up in
    # any case, and a TokenExpired marker has returned earlier in the function
    **{f"xero_nb.diagnose.rules.x_expiry_findings__mutmut_{n}": (
        "a request header's name in another case: Observation.request_header ignores case")
       for n in (146, 147, 156, 157, 162, 163, 165, 166, 168, 169, 171, 172)},
    "xero_nb.diagnose.rules.x_expiry_findings__mutmut_148": (
        "no User-Agent read as 'XXXX' instead of '': neither starts with 'xero-node'"),
    "xero_nb.diagnose.rules.x_expiry_findings__mutmut_179": (
        "'tokenexpired' dropped from the no-Authorization test's markers: a TokenExpired marker "
        "has already returned at the top of expiry_findings"),
    "xero_nb.diagnose.rules.x_expiry_findings__mutmut_180": "as _179",
    # scope_strength's test for Xero's headers: Observation.header looks names up in any case
    "xero_nb.diagnose.scope.x_scope_strength__mutmut_58": "'xero-correlation-id': as rate _32",
    "xero_nb.diagnose.scope.x_scope_strength__mutmut_59": "'XERO-CORRELATION-ID': as rate _32",
    "xero_nb.diagnose.diagnosis.x_unknown_finding__mutmut_61": (
        "obs.field('ERROR'): Observation.field lower-cases the name it is given (as _41)"),
    "xero_nb.diagnose.diagnosis.x_unknown_finding__mutmut_62": (
        "obs.field('error') or 'XXXX': 'xxxx' is no client-side error name either, as '' is not"),
    "xero_nb.diagnose.scope.x__missing__mutmut_65": (
        "restriction(ep) (the broad era) for the Journals step: the Journals gate reads the same "
        "in every era"),
    "xero_nb.diagnose.diagnosis.x_diagnose__mutmut_125": (
        "int((now - exp) / 60) instead of int((now - exp) // 60): the note is written only for a "
        "token already expired (now > exp), and for a positive number int() truncates as // does"),
    "xero_nb.diagnose.rules.x_tenant_findings__mutmut_166": (
        "obs.request_header('XERO-TENANT-ID'): request headers are looked up in any case"),
    # (numbers as of 1 Dec 2026: the scope-change branch before them shifted them by 14)
    "xero_nb.diagnose.diagnosis.x_diagnose__mutmut_189": (
        "kept findings of code 'XXunknownXX' instead of 'unknown': no rule makes an unknown finding "
        "of ESTABLISHED (0.9) or more (oauth's weighs 0.6, the scope table's 0.3 at most), so the "
        "code test never removes one"),
    "xero_nb.diagnose.diagnosis.x_diagnose__mutmut_190": "'UNKNOWN': as _189",
    "xero_nb.diagnose.diagnosis.x_diagnose__mutmut_179": (
        "'XXunknownXX' in the findings kept beside oauthlib's scope change: as _189"),
    "xero_nb.diagnose.diagnosis.x_diagnose__mutmut_180": "'UNKNOWN' there: as _189",
    "xero_nb.diagnose.diagnosis.x__no_answer__mutmut_5": (
        "obs.field('ERROR'): Observation.field lower-cases the name it is given"),
    "xero_nb.diagnose.oauth.x_oauth_findings__mutmut_13": (
        "obs.field('ERROR_DESCRIPTION'): Observation.field lower-cases the name it is given"),
    "xero_nb.diagnose.oauth.x_oauth_findings__mutmut_14": (
        "error_description or 'XXXX': 'xxxx' holds no 'scope', as '' does not"),
    "xero_nb.diagnose.oauth.x_oauth_findings__mutmut_70": (
        "int(age / 86400) instead of int(age // 86400) days: the age is positive, and age / 86400 "
        "never rounds up to a whole number the age is below (the gap is at least one ulp of the "
        "age, which divided by 86400 is still more than half an ulp of the quotient), so int() "
        "gives the same whole days"),
    "xero_nb.diagnose.oauth.x_oauth_findings__mutmut_27": (
        "Detail or 'XXXX': 'xxxx' holds no 'tokenexpired', as '' does not"),
    "xero_nb.diagnose.diagnosis.x_decisive_fact__mutmut_10": (
        "a lone finding's runner-up weighs 1.0 instead of 0.0: a lone top of 0.75 or more is clear "
        "either way (0.75 ahead of 0.0, or beside an 'established' 1.0), and below 0.75 it is not"),
    "xero_nb.diagnose.role.x_read_role__mutmut_28": (
        "a mapping without 'role' read as 'XXXX' instead of '': neither is a role word nor a flag"),
    "xero_nb.diagnose.oauth.x__step_failed__mutmut_100": (
        "weight >= 0.9 instead of > 0.9 for keeping invalid_scope_requested: no such finding weighs "
        "exactly 0.9 (0.92, 0.828, 0.72, 0.7, 0.648, 0.63, 0.6 or 0.54)"),
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
        for name in ("xero_nb", "tests", "vendor", "docs"):
            shutil.copytree(ROOT / name, dest / name, ignore=ignore)
    else:
        archive = subprocess.run(["git", "-C", str(ROOT), "archive", ref, "xero_nb", "vendor", "tests",
                                  "docs"],
                                 capture_output=True, check=True).stdout
        subprocess.run(["tar", "-x", "-C", str(dest)], input=archive, check=True)
        for pattern in overlay or ():
            for path in ROOT.glob(pattern):
                shutil.copy2(path, dest / path.relative_to(ROOT))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, dest / name)


def core_config() -> dict[str, Any]:
    """pyproject's [tool.mutmut]: the core group, and the settings every group shares."""
    conf: dict[str, Any] = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["mutmut"]
    return conf


def group_config(name: str) -> dict[str, list[str]]:
    """The group's settings: its mutated files and test selection (and any other [tool.mutmut]
    key it sets for itself, such as extra pytest arguments)."""
    group = GROUPS[name]
    if group is None:
        conf = core_config()
        return {"only_mutate": list(conf["only_mutate"]),
                "pytest_add_cli_args_test_selection": list(conf["pytest_add_cli_args_test_selection"])}
    return group


def check_config() -> list[str]:
    """Every file a group names exists (mutmut would fail late and unclearly otherwise), every
    mutated file is scored, every scored file is mutated, and no file is mutated twice."""
    problems: list[str] = []
    owner: dict[str, str] = {}
    for name in GROUPS:
        conf = group_config(name)
        for p in conf["only_mutate"]:
            if p not in PACKAGES:
                problems.append(f"{p}: mutated but not scored")
            if p in owner:
                problems.append(f"{p}: mutated in both {owner[p]} and {name}")
            owner.setdefault(p, name)
        problems += [f"{p}: missing ({name})"
                     for p in conf["only_mutate"] + conf["pytest_add_cli_args_test_selection"]
                     if not (ROOT / p).exists()]
    problems += [f"{p}: scored but in no group" for p in PACKAGES if p not in owner]
    return problems


def write_group_config(work: Path, name: str) -> None:
    """The copy's [tool.mutmut] becomes the group's: its files and tests, the rest as in core."""
    if GROUPS[name] is None:
        return
    conf = {**core_config(), **group_config(name)}
    path = work / "pyproject.toml"
    text = path.read_text()
    start = text.index("[tool.mutmut]\n")
    end = text.find("\n[", start + 1)
    table = "[tool.mutmut]\n" + "".join(f"{k} = {json.dumps(v)}\n" for k, v in conf.items())
    path.write_text(text[:start] + table + (text[end:] if end >= 0 else ""))


def group_modules(name: str) -> list[str]:
    return [p.removesuffix(".py").replace("/", ".") for p in group_config(name)["only_mutate"]]


def globs_for(name: str, globs: list[str]) -> list[str]:
    """The mutant globs that can name a mutant of this group (by the text before the first *)."""
    mods = [m + "." for m in group_modules(name)]
    return [g for g in globs
            if any(m.startswith(g.split("*")[0]) or g.split("*")[0].startswith(m) for m in mods)]


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


def run_group(name: str, work: Path, args: argparse.Namespace, mutants: list[str]) -> dict[str, str] | int:
    """Run one group's mutmut in ``work``; the status of each of its mutants (or an exit code)."""
    mutmut = Path(sys.executable).with_name("mutmut")
    if not (work / "xero_nb").exists():
        work.mkdir(parents=True, exist_ok=True)
        copy_project(work, args.ref, args.overlay)
    elif args.ref is not None:  # a kept copy: the tests being written now, as they are now
        for pattern in args.overlay:
            for path in ROOT.glob(pattern):
                shutil.copy2(path, work / path.relative_to(ROOT))
    write_group_config(work, name)
    run = subprocess.run([str(mutmut), "run", f"--max-children={args.max_children}", *mutants],
                         cwd=work, capture_output=True, text=True)
    if run.returncode != 0:
        print(f"group {name}:\n" + (run.stdout or "")[-4000:] + run.stderr[-4000:], file=sys.stderr)
        return run.returncode
    listed = subprocess.run([str(mutmut), "results", "--all", "true"], cwd=work,
                            capture_output=True, text=True, check=True).stdout
    return {m["name"]: m["status"] for line in listed.splitlines() if (m := _LINE.match(line))}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--group", choices=sorted(GROUPS), help="run this group only (default: all)")
    parser.add_argument("--keep", type=Path,
                        help="run in (and keep) this folder (all groups: one subfolder each)")
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
    names = [args.group] if args.group else list(GROUPS)
    base = args.keep or Path(tempfile.mkdtemp(prefix="xero-nb-mutation-"))
    statuses: dict[str, str] = {}
    workdirs: dict[str, str] = {}
    for name in names:
        mutants = globs_for(name, args.mutants)
        if args.mutants and not mutants:
            continue  # none of the globs names a mutant of this group
        work = base if args.group else base / name
        got = run_group(name, work, args, mutants)
        if isinstance(got, int):
            return got
        statuses.update(got)
        workdirs[name] = str(work)
    if args.mutants:  # a partial run: score only what was asked for
        wanted = [re.compile(re.escape(p).replace(r"\*", ".*")) for p in args.mutants]
        statuses = {n: s for n, s in statuses.items() if any(w.fullmatch(n) for w in wanted)}
    result = score(statuses)
    result["groups"] = list(workdirs)
    result["workdir"] = workdirs[args.group] if args.group and args.group in workdirs else workdirs
    print(json.dumps(result))
    if args.keep is None:
        shutil.rmtree(base, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
