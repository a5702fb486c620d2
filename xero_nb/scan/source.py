"""One file as the recognisers see it: its text, lexed spans, language and SDK label."""

from __future__ import annotations

from dataclasses import dataclass

from xero_nb.scan.lexer import Spans, family

# file suffix -> the official SDK written in that language
SDK_OF = {
    ".py": "xero-python", ".js": "xero-node", ".mjs": "xero-node", ".cjs": "xero-node",
    ".ts": "xero-node", ".tsx": "xero-node", ".jsx": "xero-node", ".cs": "xero-netstandard",
    ".java": "xero-java", ".kt": "xero-java", ".php": "xero-php-oauth2", ".rb": "xero-ruby",
}
CODE = frozenset(SDK_OF) | {".go"}
# Imports and names that show a file uses an official SDK (unknown receivers count only then).
SDK_EVIDENCE = ("xero_python", "xero-node", "XeroAPI\\XeroPHP", "Xero.NetStandard", "com.xero",
                "xero-ruby", "XeroRuby", "xero_ruby")
SNIPPET = 160


@dataclass(slots=True)
class Source:
    """A file's text with its spans; ``rel`` is its path relative to the scanned root."""

    rel: str
    suffix: str
    text: str
    spans: Spans

    @classmethod
    def of(cls, rel: str, suffix: str, text: str) -> Source:
        """Lex ``text`` for the language of ``suffix``."""
        return cls(rel, suffix, text, Spans.of(text, family(suffix)))

    @property
    def sdk(self) -> str:
        """The SDK label for calls recognised in this file."""
        return SDK_OF.get(self.suffix, "sdk")

    @property
    def is_config(self) -> bool:
        """True for configuration files (read for scopes only)."""
        return self.suffix not in CODE

    def uses_sdk(self) -> bool:
        """True when the file imports or names an official SDK."""
        return any(mark in self.text for mark in SDK_EVIDENCE)

    def line(self, pos: int) -> int:
        """The 1-based line of offset ``pos``."""
        return self.spans.line_of(pos)

    def snippet(self, pos: int) -> str:
        """The stripped line around ``pos``, cut to a readable length."""
        text = self.spans.line_text(pos)
        return text if len(text) <= SNIPPET else text[: SNIPPET - 1] + "…"
