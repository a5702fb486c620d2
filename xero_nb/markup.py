"""Escaping for every output: HTML text and attributes, Markdown, and spreadsheet cells.

Every HTML fragment a widget, report or notebook output shows is built here: values from Xero
or the user (organisation names, response bodies, problem details, URLs, pasted text) go in
as text and come out inert.

>>> fmt('<b title="{}">{}</b>', 'say "hi"', "<img src=x onerror=alert(1)>")
'<b title="say &quot;hi&quot;">&lt;img src=x onerror=alert(1)&gt;</b>'
>>> md_text("a | b\\n<i>")
'a \\\\| b &lt;i&gt;'
>>> csv_cell('=HYPERLINK("http://x.test")')
'\\'=HYPERLINK("http://x.test")'
"""

from __future__ import annotations

import html
import re
import string
from collections.abc import Iterable, Mapping
from typing import Any

__all__ = [
    "CSV_LINE_END", "Markup", "attrs", "csv_cell", "el", "fmt", "href", "join", "md_code",
    "md_fence", "md_rich", "md_text", "rich", "text",
]


class Markup(str):
    """HTML that is safe to show as is: built by this module, never by hand from input."""

    __slots__ = ()

    def __html__(self) -> str:  # the protocol markupsafe and Jinja understand
        return str(self)


def text(value: object) -> Markup:
    """``value`` as HTML text or an attribute value: ``& < > " '`` become entities.

    Markup passes through unchanged (it is escaped already).
    """
    if isinstance(value, Markup):
        return value
    return Markup(html.escape("" if value is None else str(value), quote=True))


class _Escaping(string.Formatter):
    """str.format whose every replacement field is escaped (Markup passes as it is)."""

    def format_field(self, value: Any, format_spec: str) -> str:
        if isinstance(value, Markup) and not format_spec:
            return value
        return text(format(value, format_spec))


_FORMATTER = _Escaping()


def fmt(template: str, /, *args: Any, **kwargs: Any) -> Markup:
    """A trusted template filled with escaped values: the one way widgets build HTML."""
    return Markup(_FORMATTER.vformat(template, args, kwargs))


def join(parts: Iterable[object], sep: str = "") -> Markup:
    """Pieces joined into one fragment; pieces that are not Markup are escaped."""
    return Markup(text(sep).join(text(p) for p in parts))


_NAME = re.compile(r"^[a-z][a-z0-9-]*$")


def attrs(values: Mapping[str, object]) -> Markup:
    """`` name="value"`` pairs (escaped); a None or False value leaves its attribute out."""
    out = []
    for name, value in values.items():
        key = name.rstrip("_").replace("_", "-")
        if not _NAME.match(key):
            raise ValueError(f"not an attribute name: {name!r}")
        if value is None or value is False:
            continue
        out.append(f" {key}" if value is True else f' {key}="{text(value)}"')
    return Markup("".join(out))


def el(tag: str, *content: object, **attributes: object) -> Markup:
    """``<tag attrs>content</tag>``; ``class_`` stands for class, ``data_x`` for data-x."""
    if not _NAME.match(tag):
        raise ValueError(f"not a tag name: {tag!r}")
    return Markup(f"<{tag}{attrs(attributes)}>{join(content)}</{tag}>")


_SAFE_URL = re.compile(r"^https?://[^\s\"'<>`\\\x00-\x1f\x7f]+$", re.IGNORECASE)


def href(url: object) -> Markup:
    """An escaped link target, or ``#`` unless it is a plain http(s) URL (no javascript:)."""
    value = "" if url is None else str(url)
    return text(value) if _SAFE_URL.match(value) else Markup("#")


_TICKS = re.compile(r"`([^`]+)`")
_URL = re.compile(r"https?://[^\s<>\"'`\\\x00-\x1f\x7f]+")


_TRAILING = ".,;:!?*_~"  # ends a sentence around a URL, not the URL (as GitHub's autolinks)


def _url_spans(value: str) -> list[tuple[int, int]]:
    """Where the http(s) URLs in ``value`` are: each without the punctuation that ends the
    sentence around it, nor a closing parenthesis it did not open (``(GET https://x/y)``)."""
    spans = []
    for m in _URL.finditer(value):
        start, end = m.span()
        opened = value.count("(", start, end)
        closed = value.count(")", start, end)
        while end > start:
            last = value[end - 1]
            if last in _TRAILING:
                end -= 1
            elif last == ")" and closed > opened:
                end -= 1
                closed -= 1
            else:
                break
        if value.find("://", start, end) + 3 < end:  # something is left after the scheme
            spans.append((start, end))
    return spans


def _linked(value: str) -> str:
    out, last = [], 0
    for start, end in _url_spans(value):
        url = value[start:end]
        out += [text(value[last:start]), fmt('<a href="{}" target="_blank" rel="noopener">{}</a>',
                                             href(url), url)]
        last = end
    out.append(text(value[last:]))
    return "".join(out)


def rich(value: object) -> Markup:
    """Escaped text with `code` spans and clickable http(s) links (a fix's authorize URL)."""
    raw = "" if value is None else str(value)
    out, last = [], 0
    for m in _TICKS.finditer(raw):
        out += [_linked(raw[last:m.start()]), f"<code>{_linked(m.group(1))}</code>"]
        last = m.end()
    out.append(_linked(raw[last:]))
    return Markup("".join(out))


# -- Markdown --------------------------------------------------------------------------
# Backslash escapes for what could make a link, an image, emphasis, code or a table column;
# entities for what could make HTML. Underscores stay: inside words they do nothing.
_MD_SPECIAL = re.compile(r"([\\`*\[\]|~])")
_MD_HTML = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})
_NEWLINES = re.compile(r"[\r\n]+")


def md_text(value: object) -> str:
    """``value`` as inline Markdown that shows as the same text: no HTML, link, code or column.

    Line breaks become spaces, so the result fits in a table cell or a heading.
    """
    raw = "" if value is None else str(value)
    return _MD_SPECIAL.sub(r"\\\1", _NEWLINES.sub(" ", raw).translate(_MD_HTML))


def _longest_run(value: str, char: str = "`") -> int:
    return max((len(m) for m in re.findall(re.escape(char) + "+", value)), default=0)


def md_code(value: object) -> str:
    """``value`` as an inline code span whose fence no backtick inside can close."""
    raw = _NEWLINES.sub(" ", "" if value is None else str(value))
    fence = "`" * (_longest_run(raw) + 1)
    pad = " " if raw.startswith("`") or raw.endswith("`") or not raw.strip() else ""
    return f"{fence}{pad}{raw}{pad}{fence}"


def md_fence(body: object, lang: str = "") -> str:
    """A fenced code block longer than any run of backticks in ``body`` (it cannot escape)."""
    raw = "" if body is None else str(body)
    fence = "`" * max(3, _longest_run(raw) + 1)
    info = re.sub(r"[^A-Za-z0-9_+-]", "", lang)
    return f"{fence}{info}\n{raw}\n{fence}"


def _md_linked(value: str) -> str:
    out, last = [], 0
    for start, end in _url_spans(value):
        out += [md_text(value[last:start]), f"<{value[start:end]}>"]  # an autolink: http(s) only
        last = end
    out.append(md_text(value[last:]))
    return "".join(out)


def md_rich(value: object) -> str:
    """Inline Markdown keeping `code` spans as code and http(s) URLs as links; the rest text."""
    raw = _NEWLINES.sub(" ", "" if value is None else str(value))
    out, last = [], 0
    for m in _TICKS.finditer(raw):
        out += [_md_linked(raw[last:m.start()]), md_code(m.group(1))]
        last = m.end()
    out.append(_md_linked(raw[last:]))
    return "".join(out)


# -- spreadsheets ------------------------------------------------------------------------
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# Write CSV with this line end: the csv module then quotes every cell holding a line break, a
# lone CR included (with "\n" it would not, and a spreadsheet would start a row, and maybe a
# formula, inside the cell).
CSV_LINE_END = "\r\n"


def csv_cell(value: Any) -> Any:
    """A text cell a spreadsheet would run as a formula, prefixed with ``'``; others unchanged."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value
