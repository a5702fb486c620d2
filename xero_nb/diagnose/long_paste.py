"""A long paste read in pieces: its start, the region around its last error mark, its end.

A log can hold the failure anywhere; a paste of at most ``MAX_TEXT`` characters is read whole,
a longer one as ``readable()`` chooses, with a note saying what was left out. The failure mark
is looked for from the end in chunks, each character scanned at most twice.
"""

from __future__ import annotations

import re

from xero_nb.diagnose.fields import MAX_TEXT

# Where a failure is written in a long log: the last of these marks the part worth reading. Each
# branch starts with a fixed character, so the scan skips to those (a 10 MB log in a few hundredths
# of a second); lower-case header names and error codes come with one of these (HTTP/2 401, "error").
_FAILURE_MARK = re.compile(
    r"HTTP response body:|HTTP response headers:|Traceback \(most recent call last\)|\([45]\d\d\)|"
    r"HTTP/\d(?:\.\d)?[ \t]{1,5}[45]\d\d\b|4\d\d (?:Client|Server) Error\b|5\d\d (?:Client|Server) Error\b|"
    r"\"(?:Detail|Title|Status|Message|error|error_description)\"[ \t]{0,5}:|Exception\b|Error\b|"
    r"Unauthori[sz]ed\b|Forbidden\b|TokenExpired\b|Authentication ?Unsuccessful\b|"
    r"Authori[sz]ation ?Unsuccessful\b|Too Many Requests\b|Retry-After\b|X-Rate-Limit-Problem\b|"
    r"WWW-Authenticate\b|Xero-Correlation-Id\b|Status(?:[ _]?Code)?[ \t]{0,3}[=:][ \t]{0,3}[45]\d\d\b")
HEAD = 20_000  # of a long paste: its start (a curl transcript's request and status lines)...
TAIL = 30_000  # ...its end (where a traceback ends with the exception)...
BEFORE, AFTER = 35_000, 14_000  # ...and around the last failure mark
_READ = HEAD + TAIL + BEFORE + AFTER  # in all: MAX_TEXT less room for the "[…]" between pieces
_GAP = "\n[…]\n"
_CHUNK = 262_144  # the failure mark is looked for from the end, this much at a time
_SNAP = 2_000  # a piece's edge moves to a line break this near


def _last_mark(text: str, low: int) -> int | None:
    """Where the last failure mark after ``low`` starts (each character scanned at most twice)."""
    end = len(text)
    while end > low:
        start = max(low, end - _CHUNK)
        last = -1
        for m in _FAILURE_MARK.finditer(text, start, end):
            last = m.start()
        if last >= 0:
            return last
        if start == low:
            break
        end = start + 200  # a mark across the chunks' border is seen whole in the next one
    return None


def _snap(text: str, start: int, end: int) -> tuple[int, int]:
    """A piece moved in to whole lines (when a line break is near its edges)."""
    if start > 0:
        nl = text.find("\n", start, min(end, start + _SNAP))
        start = nl + 1 if nl >= 0 else start
    if end < len(text):
        nl = text.rfind("\n", max(start, end - _SNAP), end)
        end = nl + 1 if nl >= 0 else end
    return start, end


def readable(text: str, what: str = "paste") -> tuple[str, str | None]:
    """At most ``MAX_TEXT`` characters of ``text`` to read, and a note saying what was left out.

    A longer text is read in pieces, in order: its start, the region around the last failure
    mark (a traceback's exception line, a status line, a problem body, an error name) and its
    end, so the failure is found wherever a long log has it. The note says how long the text
    is, how much was read and which parts.
    """
    size = len(text)
    if size <= MAX_TEXT:
        return text, None
    mark = _last_mark(text, HEAD)
    if mark is None:
        spans = [(0, HEAD), (size - (_READ - HEAD), size)]
    else:
        spans = [(0, HEAD), (max(HEAD, mark - BEFORE), min(size, mark + AFTER)), (size - TAIL, size)]
    pieces = [_snap(text, start, end) for start, end in _filled(spans, mark)]
    said = []
    for start, end in pieces:
        where = (f"the first {end:,}" if start == 0 else f"the last {end - start:,}" if end == size
                 else f"characters {start + 1:,}-{end:,}")
        if mark is not None and start <= mark < end:
            where += " (around the last error mark)"
        said.append(where)
    kept = sum(end - start for start, end in pieces)
    parts = ", ".join(said[:-1]) + " and " + said[-1]
    note = (f"the {what} is {size:,} characters long; {kept:,} were read: {parts}; what is only "
            "in the rest is not seen")
    return _GAP.join(text[start:end] for start, end in pieces), note


def _merged(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((start, end))
    return out


def _filled(spans: list[tuple[int, int]], mark: int | None) -> list[tuple[int, int]]:
    """The pieces merged, with what overlaps gave back spent before the mark, then after the head."""
    pieces = _merged(spans)
    spare = _READ - sum(end - start for start, end in pieces)
    if spare > 0 and len(pieces) > 1:
        i = next((k for k, (a, b) in enumerate(pieces) if mark is not None and a <= mark < b),
                 len(pieces) - 1)
        if i > 0:
            start, end = pieces[i]
            grown = max(pieces[i - 1][1], start - spare)
            spare -= start - grown
            pieces[i] = (grown, end)
        start, end = pieces[0]
        pieces[0] = (start, min(pieces[1][0], end + spare))
    return _merged(pieces)
