"""The scanner's records: a call site, a requested scope, a Xero URL the catalog lacks, a whole scan."""

from __future__ import annotations

from dataclasses import dataclass, field

# How a call was recognised -> what the column says.
RECOGNISERS = ("xero-python", "xero-node", "xero-netstandard", "xero-java", "xero-php-oauth2",
               "xero-ruby", "sdk", "pyxero", "http")


@dataclass(frozen=True, slots=True)
class CallSite:
    """One Xero API call in the code: where, which catalog operation, how sure."""

    file: str
    line: int
    snippet: str
    api: str
    operation_id: str
    method: str
    path: str
    recognised_by: str  # one of RECOGNISERS
    confidence: float  # 0..1
    note: str = ""

    @property
    def key(self) -> tuple[str, str]:
        """``(api, operation_id)``, the catalog's key."""
        return (self.api, self.operation_id)

    @property
    def where(self) -> str:
        """``file:line``."""
        return f"{self.file}:{self.line}"


@dataclass(frozen=True, slots=True)
class ScopeSite:
    """One scope the code (or its configuration) requests, where it is written."""

    scope: str
    file: str
    line: int
    snippet: str
    known: bool = True  # False: scope-shaped but not a Xero scope (a typo Xero refuses at sign-in)


@dataclass(frozen=True, slots=True)
class UnknownCall:
    """A Xero URL in the code that no catalog operation matches (removed by Xero, or a typo)."""

    file: str
    line: int
    snippet: str
    method: str
    url: str


@dataclass(slots=True)
class ScanResult:
    """Everything one scan found, and how much it read."""

    root: str
    calls: list[CallSite] = field(default_factory=list)
    scopes: list[ScopeSite] = field(default_factory=list)
    unknown: list[UnknownCall] = field(default_factory=list)
    files: int = 0  # files read
    bytes: int = 0  # bytes read
    skipped: int = 0  # files left out: binary, vendored, built, lockfiles, too large
    left_out: list[str] = field(default_factory=list)  # folders not read (dist/, vendor/...), and why
    # "file:line" where the code calls Xero through a name it computes (getattr(api, name)(...),
    # getattr(xero, resource).all()): calls no scan can list, so no scope is said to be unused
    dynamic: list[str] = field(default_factory=list)

    @property
    def requested(self) -> frozenset[str]:
        """The scopes the code requests (Xero scopes only; see ``misspelt``)."""
        return frozenset(s.scope for s in self.scopes if s.known)

    @property
    def misspelt(self) -> list[ScopeSite]:
        """Scope-shaped words next to real scopes that are not Xero scopes."""
        return [s for s in self.scopes if not s.known]
