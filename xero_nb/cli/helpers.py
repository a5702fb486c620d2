"""What every ``xero-nb`` command shares: exit codes, one-line errors, lookups and output.

It also words the finding a failed organisation listing becomes. It imports no command
module, so every command module can import it.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

from xero_nb.catalog.nearby import METHODS as METHODS  # (the order "/Invoices takes ..." lists them)
from xero_nb.errors import non_ascii as non_ascii
from xero_nb.errors import printable
from xero_nb.models import Endpoint

OK, FAILED, USAGE, LOOKUP = 0, 1, 2, 3
ERAS = ("broad", "granular", "mixed")
REGIONS = ("AU", "NZ", "UK")
_ENDPOINT = re.compile(r"^\s*[\"']?(GET|POST|PUT|PATCH|DELETE)[\"']?\s*[:\s,;]\s*[\"']?(\S.*?)[\"']?\s*$",
                       re.IGNORECASE)
# A request line as a log prints it: "GET https://... HTTP/1.1", httpx's 'HTTP Request: GET
# https://... "HTTP/1.1 401 Unauthorized"', an access log's '"GET /path HTTP/1.1" 200'. The
# trailing protocol (and the status after it) marks it; what comes before the method is dropped.
_LOGGED = re.compile(r'^(.*?)(?<![\w.-])(GET|POST|PUT|PATCH|DELETE)\s+(\S+)\s+"?HTTP/\d(?:\.\d)?"?(?:\s.*)?$',
                     re.IGNORECASE | re.DOTALL)
# urllib3 (requests) logs the origin apart: 'https://api.xero.com:443 "GET /api.xro/2.0/... HTTP/1.1"'
_ORIGIN = re.compile(r'(https?://[^\s/"]+?)(?::\d+)?\s*"?$', re.IGNORECASE)


class CliError(Exception):
    """A problem worth one line on stderr and an exit code (no traceback)."""

    def __init__(self, message: str, code: int = LOOKUP) -> None:
        super().__init__(message)
        self.code = code


def logged_request(text: str) -> tuple[str, str] | None:
    """The method and URL of a request line as loggers print it (None: not such a line).

    ``'HTTP Request: GET https://api.xero.com/api.xro/2.0/Contacts "HTTP/1.1 401 Unauthorized"'``
    -> ``("GET", "https://api.xero.com/api.xro/2.0/Contacts")``: the ``HTTP/x.y`` and the status
    after the URL are not part of it.
    """
    found = _LOGGED.match(text)
    if not found:
        return None
    before, method, url = found.group(1), found.group(2).upper(), found.group(3).strip('"')
    origin = _ORIGIN.search(before)
    if url.startswith("/") and origin:
        url = origin.group(1) + url
    return method, url


def without_protocol(url: str) -> str:
    """``"https://.../Invoices HTTP/1.1"`` -> ``"https://.../Invoices"`` (a URL copied from a log)."""
    found = re.match(r'^\s*(\S+)\s+"?HTTP/\d(?:\.\d)?"?(?:\s.*)?$', url, re.IGNORECASE | re.DOTALL)
    return found.group(1) if found else url


def split_endpoint(text: str) -> tuple[str, str]:
    """``"GET:/Invoices"``, ``"GET /Invoices"`` or a logged request line -> ``("GET", "/Invoices")``."""
    logged = logged_request(text)
    if logged is not None:
        return logged
    found = _ENDPOINT.match(text)
    if not found:
        raise CliError(f"expected METHOD:URL or 'METHOD URL', got {text!r}", USAGE)
    return found.group(1).upper(), found.group(2).strip()


_ERA_ARG = re.compile(r"\bera='(\w+)'")


def said_safely(text: str) -> str:
    """An error message with any credential it echoes from the command line masked (see
    ``redact.said_safely``). Error output ends up in CI logs and terminals' scrollback."""
    from xero_nb.redact import said_safely as masked

    return masked(text)


def cli_words(text: str) -> str:
    """The library's advice said the command-line way: ``era='mixed'`` becomes ``--era mixed``,
    "Pass more context to diagnose()" names the options that carry it."""
    from xero_nb.diagnose.findings import MORE_CONTEXT, SETTLE_WITH

    text = text.replace(MORE_CONTEXT, "Pass more context: --endpoint, --granted (or --requested), "
                        "--tenant-id, --connections, --user-role, --grant-type, --region.")
    text = text.replace(SETTLE_WITH, "Give the status (--status), the endpoint (--endpoint) and "
                        "Xero's response body (in the pasted text) to settle it.")
    text = text.replace("pass token= / granted=", "pass --granted").replace("pass requested=",
                                                                          "pass --requested")
    text = text.replace("pass era= if", "pass --era if")
    return _ERA_ARG.sub(r"--era \1", text)


def read_text(path: str) -> str:
    """A pasted file's text, or stdin for ``-``: UTF-16 with a byte-order mark or UTF-8
    (``diagnose.objects.decode_bytes``)."""
    from xero_nb.diagnose.objects import decode_bytes

    try:
        if path == "-":
            if sys.stdin.isatty():  # a person at a terminal: say what the wait is for
                print("Paste the error text, then press Ctrl-D (Ctrl-Z and Enter on Windows):",
                      file=sys.stderr, flush=True)
            raw = getattr(sys.stdin, "buffer", None)
            if raw is None:
                return sys.stdin.read()
            data = raw.read()
        else:
            data = Path(path).read_bytes()
    except OSError as exc:
        raise CliError(f"cannot read {path}: {exc.strerror or exc}", USAGE) from None
    where = "stdin" if path == "-" else path
    if data.startswith(b"\x1f\x8b"):
        raise CliError(f"{where} is a gzip archive, not text: unpack it first (gunzip) and give "
                       "the log inside", USAGE)
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        data = _without_nuls(data, where)
    return decode_bytes(data)


def _without_nuls(data: bytes, where: str) -> bytes:
    """Text bytes from a file holding NUL bytes: UTF-16 without a byte-order mark (every other byte
    NUL: Windows tools write it), or a text with a few stray NULs (a log cut off by a crash pads
    with them); anything else is binary, and said so."""
    head = data[:4096]
    odd, even = head[1::2], head[0::2]
    if len(head) >= 4 and odd.count(0) >= 0.9 * len(odd) and even.count(0) < 0.1 * len(even):
        return b"\xff\xfe" + data  # UTF-16 little-endian: decode_bytes reads it by its mark
    if len(head) >= 4 and even.count(0) >= 0.9 * len(even) and odd.count(0) < 0.1 * len(odd):
        return b"\xfe\xff" + data  # big-endian
    text = data.replace(b"\x00", b"")
    sample = text[:4096]
    controls = sum(b < 32 and b not in (9, 10, 13, 27) for b in sample)
    if data.count(0) <= max(16, len(data) // 100) and controls <= len(sample) // 100:
        # a few NULs in a text (a log cut off by a crash pads with them): they say nothing
        try:
            text.decode("utf-8")
            return text
        except UnicodeDecodeError:  # a legacy code page is text too: mostly printable ASCII
            if sum(32 <= b < 127 or b in (9, 10, 13) for b in sample) >= 0.9 * len(sample):
                return text
    raise CliError(f"{where} holds binary data (NUL bytes), not text: give the error text or "
                   "the log it is in", USAGE)


def ambiguous(exc: Exception) -> CliError:
    """An AmbiguousEndpointError told the CLI way: which ``--region`` to add."""
    text, hint, _ = str(exc).partition(" — the organisation's country settles it")
    if not hint:  # not a payroll-region ambiguity: the library's own advice fits
        return CliError(text)
    seen = [r for r in REGIONS if f"({r})" in text] or list(REGIONS)
    others = f" (or {', '.join(seen[1:])})" if len(seen) > 1 else ""
    return CliError(f"{text} — use --region {seen[0]}{others}, the organisation's country")


def each_region(spec: str, region: str | None) -> tuple[Any, ...]:
    """The operations a URL means, one per payroll region, when it is ambiguous; else ()."""
    from xero_nb.catalog.index import load_catalog
    from xero_nb.errors import AmbiguousEndpointError

    try:
        method, url = split_endpoint(spec)
        load_catalog().find(method, url, region=region)
    except AmbiguousEndpointError as exc:
        return tuple(exc.candidates)
    except Exception:  # (what endpoint() said stands)
        return ()
    return ()


def find_endpoint(method: str, url: str, region: str | None = None) -> Any:
    """The catalog endpoint for one call (exit 3 when unknown or ambiguous)."""
    from xero_nb.catalog.index import load_catalog
    from xero_nb.catalog.nearby import nearby
    from xero_nb.errors import AmbiguousEndpointError

    cat = load_catalog()
    try:
        ep = cat.find(method, url, region=region)
    except AmbiguousEndpointError as exc:
        raise ambiguous(exc) from None
    if ep is None:
        odd = non_ascii(method, "the method") or non_ascii(url, "the URL")
        raise CliError(f"no Xero endpoint matches {printable(method.upper())} {printable(url)}"
                       f"{f'; {odd}' if odd else ''}{nearby(cat, method, url, region)}")
    return ep


# a command-line word shaped like a file's path rather than a scope name
_PATHLIKE_ARG = re.compile(r"[/\\]|\.(?:txt|json|log|md|out|err|har|yaml|yml|csv)$", re.IGNORECASE)


def take_path(values: list[str] | None, given: str | None, missing: str | None) -> tuple[
        list[str] | None, str | None]:
    """``--granted a b FILE``: argparse hands the file to the list. When no path was given
    (``given == missing``) and the list's last item is an existing file or folder and no scope
    name, it is the path after all."""
    import os

    from xero_nb.catalog.scopes import known_scopes

    last = values[-1] if values else ""
    if values and given == missing and os.path.exists(last) and last.lower() not in known_scopes():
        return values[:-1], last
    if values and given == missing and _PATHLIKE_ARG.search(last) and last.lower() not in known_scopes():
        # shaped like a file (a folder part, a .txt/.json/.log ending), but none is there: say so
        # rather than read it as a scope and wait on stdin
        raise CliError(f"cannot read {printable(last)}: no such file (it came after the scopes; "
                       "give the scopes first, then the file)", USAGE)
    return values, given


def emit(data: Any, fmt: str = "json") -> None:
    """Print one JSON document (the last line of output, for pipelines)."""
    if fmt == "json":
        print(json.dumps(data, indent=None, sort_keys=False, default=str))
    else:
        print(data)


def lines(path: str) -> list[str]:
    """The non-blank, non-comment lines of a file (``-``: stdin)."""
    text = read_text(path)
    return [ln.strip() for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]


_TRAILING_COMMENT = re.compile(r"\s+#.*$")


def endpoint_lines(path: str) -> list[tuple[str, str]]:
    """``(where, line)`` for each endpoint line of a file (``-``: stdin): blank lines, ``#``
    comments and a spreadsheet's header row (``method,url``: no path, no HTTP method first) left out."""
    out: list[tuple[str, str]] = []
    for n, raw in enumerate(read_text(path).splitlines(), 1):
        line = _TRAILING_COMMENT.sub("", raw).strip()  # "GET /Accounts  # why it is needed"
        if not line or line.startswith("#"):
            continue
        first = re.split(r"[\s,;:]", line.strip("\"'"), maxsplit=1)[0].strip("\"'").upper()
        if not out and "/" not in line and first not in METHODS:
            continue  # a header row
        out.append((f"{'stdin' if path == '-' else path}:{n}", line))
    return out


def endpoint(spec: str, region: str | None = None) -> Endpoint:
    """The catalog endpoint for ``METHOD:URL`` (exit 3 when unknown or ambiguous)."""
    method, url = split_endpoint(spec)
    found: Endpoint = find_endpoint(method, url, region)
    return found


def api_name(given: str) -> str:
    """The catalog's name for ``--api`` (any case, or an unambiguous prefix); exit 3 if none."""
    from xero_nb.catalog.index import load_catalog

    names = sorted({ep.api for ep in load_catalog()})
    if given in names:
        return given
    low = given.strip().lower()
    exact = [n for n in names if n.lower() == low]
    starts = exact or ([n for n in names if n.lower().startswith(low)] if low else [])
    if len(starts) == 1:
        return starts[0]
    which = f"{given!r} could be {', '.join(starts)}" if starts else f"no API named {given!r}"
    raise CliError(f"{which}; --api takes one of: {', '.join(names)}")


def listing_problem(listing: Any, probed: int) -> str | None:
    """A failed ``GET /connections`` told as a finding (None: the listing is not a problem).

    ``listing`` is its CallResult (None when the tenants were given, not listed); ``probed``
    counts the probes that ran anyway (token-wide ones need no organisation).
    """
    if listing is None:
        return None
    head = "listing the organisations failed: "
    tail = (f"; no organisation was probed (only {probed} token-wide probe(s) ran)" if probed
            else "; nothing was probed, so this run checked nothing")
    if not listing.status:
        return (f"{head}GET /connections got no response ({listing.error}) after "
                f"{listing.attempts} attempt(s){tail}; check the network, proxy and firewall")
    if listing.status != 200 or not isinstance(listing.body, list):
        cid = f" [Xero-Correlation-Id {listing.correlation_id}]" if listing.correlation_id else ""
        top = listing.diagnosis().top
        cause = f"; likely {top.code}: {top.title}; fix: {top.fix[0]}" if top and top.fix else ""
        return f"{head}GET /connections answered {listing.status}{cid}{tail}{cause}"
    if not listing.body and not probed:
        return ("GET /connections listed no organisation: this token reaches none, so nothing "
                "was probed; sign in again and tick an organisation on Xero's consent page")
    return None
