"""The authorising user's standing in the organisation, from whatever form it is given in.

>>> read_role("Standard, payroll admin", None)
Role(role='standard', reports=None, payroll_admin=True, projects=None)
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

__all__ = ["Role", "read_role"]


@dataclass(frozen=True, slots=True)
class Role:
    """The authorising user's standing in the organisation (None: not known)."""

    role: str | None = None  # standard, adviser, invoice_only, read_only, removed, ...
    reports: bool | None = None
    payroll_admin: bool | None = None
    projects: bool | None = None

    def describe(self) -> str:
        bits = [self.role or "role unknown"]
        for name in ("reports", "payroll_admin", "projects"):
            value = getattr(self, name)
            if value is not None:
                bits.append(f"{name}={'yes' if value else 'no'}")
        return ", ".join(bits)


def _norm(word: str) -> str:
    return "".join(ch for ch in word.lower() if ch.isalnum())


_ROLE_WORDS = {"standard": "standard", "adviser": "adviser", "financialadviser": "adviser",
               "advisor": "adviser", "readonly": "read_only", "invoiceonly": "invoice_only",
               "cashbookclient": "cashbook", "managedclient": "managed_client", "removed": "removed",
               "none": "removed"}


def read_role(value: Any, tenant_id: str | None) -> Role | None:
    """A Role from a word, a list of words, a mapping, an OrgRole-like or a user with roles."""
    if value is None:
        return None
    roles = getattr(value, "roles", None)
    if isinstance(roles, Mapping):  # a user with roles per organisation
        if tenant_id is None or tenant_id not in roles:
            return Role("removed") if tenant_id is not None else None
        value = roles[tenant_id]
    if isinstance(value, Mapping):
        words = [str(value.get("role", ""))]
        return _role_from(words, value.get("reports"), value.get("payroll_admin"), value.get("projects"))
    if hasattr(value, "role"):
        return _role_from([str(value.role)], getattr(value, "reports", None),
                          getattr(value, "payroll_admin", None), getattr(value, "projects", None))
    words = [value] if isinstance(value, str) else [str(v) for v in value] \
        if isinstance(value, Iterable) else [str(value)]
    return _role_from(words, None, None, None)


_NEGATIONS = ("no", "not", "nota", "non", "without", "lacks", "lacking")


def _role_from(words: list[str], reports: Any, payroll: Any, projects: Any) -> Role:
    # Each comma-separated part whole ("Read only", "Payroll admin", as Xero writes roles), then
    # its single words ("standard payroll admin")
    parts = [part for text in words for part in
             text.replace(";", ",").replace("(", ",").replace(")", ",").split(",")]
    split = [_norm(part) for part in parts] + [_norm(w) for part in parts for w in part.split()]
    role = next((_ROLE_WORDS[w] for w in split if w in _ROLE_WORDS), None)
    flags = set(split)

    def flag(given: Any, *names: str) -> bool | None:
        if isinstance(given, bool):
            return given
        if any(f"{no}{name}" in flags for no in _NEGATIONS for name in names):
            return False  # "no payroll admin", "not a payroll admin", "without reports"
        return True if flags & set(names) else None

    return Role(role, flag(reports, "reports", "reportsaccess"),
                flag(payroll, "payrolladmin", "payroll"), flag(projects, "projects", "projectsuser"))
