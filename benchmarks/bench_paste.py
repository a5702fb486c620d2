"""How long diagnose() takes on hostile pastes of 100 kB: the parser must stay linear.

    python benchmarks/bench_paste.py [SIZE]

Every case is a text built to make a backtracking regular expression go quadratic (or worse):
long runs of spaces, tabs and newlines next to a status code, header-like lines padded with
blanks, runs of the tokens the recognisers look for (``HTTP/1.1 ``, ``{"``, ``Bearer ``,
``(401)``, URLs, class names, ``error calling``), deep brackets, and so on. Each case is fed to
``diagnose(text=...)``, the whole pipeline a user's paste goes through (parsing, redaction,
markers, rules), and timed once after one unmeasured warm-up call on a short text.

Goal (PASS/FAIL printed): every case finishes in under 0.5 s at the default size of 100 kB.
Before the paste parser was made linear, ``'401' + 20 kB of spaces + 'x'`` alone took about
34 s, and ``'401'`` followed by 99 kB of spaces more than 300 s.

What the numbers depend on: the machine's single-core speed and other load on it (a busy machine
shows up as a slow case that is fast on a rerun), and the interpreter version (the regular
expression engine and the JSON decoder are C code whose speed changes between releases). The
pass mark has a wide margin: a quadratic parser takes tens of seconds here, a linear one a few
hundredths.

Prints one line per case and, last, one JSON object with every figure.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run from a checkout without installing
    sys.path.insert(0, str(ROOT))

SIZE = 100_000
GOAL_SECONDS = 0.5


def _fill(unit: str, size: int, head: str = "", tail: str = "") -> str:
    """``head`` + ``unit`` repeated to about ``size`` characters + ``tail``."""
    return head + unit * max(1, (size - len(head) - len(tail)) // max(1, len(unit))) + tail


def adversarial_cases(size: int = SIZE) -> dict[str, str]:
    """Name -> a hostile paste of about ``size`` characters."""
    return {
        "401_spaces_x": _fill(" ", size, "401", "x"),
        "401_spaces_unauthorized": _fill(" ", size, "401", "Unauthorized"),
        "spaces": _fill(" ", size),
        "newlines": _fill("\n", size),
        "crlf": _fill("\r\n", size),
        "tabs": _fill("\t", size),
        "tabs_then_x": _fill("\t", size, "", "x"),
        "blank_lines_with_spaces": _fill(" \n", size),
        "curl_markers": _fill("<\n", size),
        "curl_markers_spaced": _fill("< \n", size),
        "lt_spaces": _fill("< ", size),
        "http_version": _fill("HTTP/1.1 ", size),
        "http_status_lines": _fill("HTTP/1.1 401\n", size),
        "http_word_spaces": _fill(" ", size, "HTTP", "x"),
        "status_word_spaces": _fill(" ", size, "status", "x"),
        "json_opens": _fill('{"', size),
        "json_keys": _fill('"a":', size),
        "json_key_strings": _fill('"a": "', size),
        "python_dict_keys": _fill("'a': ", size),
        "ruby_hash_pairs": _fill('"a"=>', size),
        "deep_brackets": _fill("[", size),
        "deep_braces": _fill("{", size),
        "braces_in_strings": _fill('{"{', size),
        "unclosed_brace_text": _fill("a", size, "{"),
        "bearer": _fill("Bearer ", size),
        "authorization_lines": _fill("Authorization: Bearer x\n", size),
        "header_value_spaces": _fill(" ", size, "X-Rate-Limit-Problem: minute", "\n"),
        "header_spaces_then_x": _fill(" ", size, "X-Foo:", "y"),
        "header_padded_both_sides": _fill(" ", size, "X-Foo: a", "b" + " " * 10),
        "header_lines": _fill("X-Foo: a\n", size),
        "long_header_name": _fill("A", size, "", ": x"),
        "sdk_headers_spaces": _fill(" ", size, "HTTP response headers:", "x"),
        "sdk_body_spaces": _fill(" ", size, "HTTP response body: b'", "'x"),
        "sdk_status_lines": _fill("(401)\n", size),
        "sdk_status_spaces": _fill(" ", size, "(401)", "x"),
        "get_spaces": _fill(" ", size, "GET", "x"),
        "get_paths": _fill("GET /", size),
        "urls": _fill("https://", size),
        "long_url": _fill("a", size, "https://api.xero.com/"),
        "redirect_errors": _fill("?error=invalid_grant&", size, "http://localhost/cb"),
        "percent_escapes": _fill("%5F", size, "invalid"),
        "client_errors": _fill("401 Client Error ", size),
        "reason_separators": _fill(" - : ", size, "401"),
        "class_names": _fill("RateLimitException ", size),
        "error_calling": _fill("error calling ", size),
        "api_methods": _fill("AccountingApi.", size),
        "stack_frames": _fill('File "x.py", line 1, in get_invoices\n', size),
        "status_code_words": _fill("StatusCode: ", size),
        "token_expired_words": _fill(" ", size, "token", "x"),
        "rate_limit_words": _fill("rate limit ", size),
        "region_words": _fill("not a valid ", size),
        "client_id_words": _fill("client id ", size),
        "quotes": _fill('"', size),
        "backslashes": _fill("\\", size, '"detail": "'),
        "mixed_whitespace": _fill(" \t\r\n\f\v", size, "401"),
        "unicode_spaces": _fill("\u00a0\u2003", size, "403", "x"),
    }


def run(size: int = SIZE) -> dict[str, float]:
    """Seconds ``diagnose(text=case)`` takes, per case."""
    from xero_nb.diagnose.diagnosis import diagnose

    diagnose(text="(401)\nReason: Unauthorized\n")  # warm-up: imports and the catalog load
    out: dict[str, float] = {}
    for name, text in adversarial_cases(size).items():
        started = time.perf_counter()
        diagnose(text=text)
        out[name] = time.perf_counter() - started
        print(f"  {name:28s} {len(text):>7,} chars  {out[name]:8.4f} s", flush=True)
    return out


def main() -> None:
    """Time every case, print PASS or FAIL against the goal, then one JSON line."""
    size = int(sys.argv[1]) if len(sys.argv) > 1 else SIZE
    print(f"diagnose(text=...) on hostile pastes of about {size:,} characters "
          f"(goal: each under {GOAL_SECONDS} s)")
    seconds = run(size)
    slowest = max(seconds, key=lambda k: seconds[k])
    ok = all(s < GOAL_SECONDS for s in seconds.values())
    print(f"\nslowest: {slowest} {seconds[slowest]:.4f} s; total {sum(seconds.values()):.2f} s")
    print(f"goal (every case under {GOAL_SECONDS} s): {'PASS' if ok else 'FAIL'}")
    print(json.dumps({"size": size, "goal_seconds": GOAL_SECONDS, "goal_met": ok,
                      "slowest_case": slowest, "slowest_seconds": round(seconds[slowest], 4),
                      "total_seconds": round(sum(seconds.values()), 3),
                      "seconds": {k: round(v, 4) for k, v in seconds.items()}}))


if __name__ == "__main__":
    main()
