"""Where a source file's comments and string literals are, so recognisers read only code or only strings.

One regular expression per language family finds the next comment or string start; block
comments and triple-quoted strings are closed with ``str.find``, so a file is read once, in
linear time, whatever it holds (an unclosed ``/*`` makes the rest of the file a comment).

>>> spans = Spans.of('x = "a" # b\\n', "py")
>>> spans.kind_at(5), spans.kind_at(9), spans.kind_at(0)
('string', 'comment', 'code')
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field

_Q2 = r'"(?:[^"\\\n]|\\.)*"?'
_Q1 = r"'(?:[^'\\\n]|\\.)*'?"
_TOKENS = {
    "py": re.compile(r'#[^\n]*|"""|\'\'\'|' + _Q2 + "|" + _Q1),
    "rb": re.compile(r'#[^\n]*|^=begin\b|' + _Q2 + "|" + _Q1, re.MULTILINE),
    "c": re.compile(r"//[^\n]*|/\*|" + _Q2 + "|" + _Q1 + r"|`"),
    "php": re.compile(r"//[^\n]*|#(?!\[)[^\n]*|/\*|" + _Q2 + "|" + _Q1),
    "conf": re.compile(r"(?m)^[ \t]*[#;][^\n]*"),
}
_CLOSERS = {'"""': '"""', "'''": "'''", "/*": "*/", "`": "`", "=begin": "\n=end"}


def family(suffix: str) -> str:
    """The lexer family of a file suffix (``.py`` -> ``py``, ``.ts`` -> ``c``, ``.yaml`` -> ``conf``)."""
    return {".py": "py", ".rb": "rb", ".php": "php"}.get(suffix, "conf" if suffix in CONFIG else "c")


CONFIG = frozenset({".env", ".yaml", ".yml", ".toml", ".ini", ".cfg", ".json", ".properties", ".conf"})


def _docstring(text: str, start: int, tok: str) -> bool:
    """A Python triple-quoted string standing alone on its line: documentation, not code."""
    if tok not in ('"""', "'''"):
        return False
    line_start = text.rfind("\n", 0, start) + 1
    return not text[line_start:start].strip(" \trRbBuU")


@dataclass(slots=True)
class Spans:
    """The comment and string spans of one text, sorted, with line lookup."""

    text: str
    starts: list[int]
    ends: list[int]
    kinds: list[str]
    _newlines: list[int] | None = field(default=None)

    @classmethod
    def of(cls, text: str, fam: str) -> Spans:
        """Lex ``text`` as the family ``fam`` (see ``family``)."""
        starts: list[int] = []
        ends: list[int] = []
        kinds: list[str] = []
        pattern = _TOKENS[fam]
        pos, size = 0, len(text)
        while pos < size:
            m = pattern.search(text, pos)
            if m is None:
                break
            tok = m.group()
            start = m.start()
            closer = _CLOSERS.get(tok.strip())
            if closer is not None:
                end = text.find(closer, m.end())
                end = size if end < 0 else end + len(closer)
                kind = "comment" if tok in ("/*", "=begin") or _docstring(text, start, tok) else "string"
            else:
                end = m.end()
                kind = "comment" if tok[0] in "#/;" or tok[0] in " \t" else "string"
            starts.append(start)
            ends.append(end)
            kinds.append(kind)
            pos = max(end, start + 1)
        return cls(text, starts, ends, kinds)

    def kind_at(self, pos: int) -> str:
        """``comment``, ``string`` or ``code`` at offset ``pos``."""
        i = bisect_right(self.starts, pos) - 1
        if i >= 0 and pos < self.ends[i]:
            return self.kinds[i]
        return "code"

    def strings(self) -> list[tuple[int, int]]:
        """The string literals' spans (quotes included)."""
        return [(s, e) for s, e, k in zip(self.starts, self.ends, self.kinds, strict=True) if k == "string"]

    def line_of(self, pos: int) -> int:
        """The 1-based line number of offset ``pos``."""
        nl = self._newlines
        if nl is None:
            nl = self._newlines = [m.start() for m in re.finditer("\n", self.text)]
        return bisect_right(nl, pos - 1) + 1

    def line_text(self, pos: int) -> str:
        """The whole line around offset ``pos``, stripped."""
        start = self.text.rfind("\n", 0, pos) + 1
        end = self.text.find("\n", pos)
        return self.text[start: len(self.text) if end < 0 else end].strip()
