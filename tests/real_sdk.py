"""What the real-library tests share: a case, what it raised, its context, the secret check.

Used by test_diagnose_real_python.py (xero-python) and test_diagnose_real_pyxero.py (pyxero):
each names the scenario (``sim.scenario(code)``), calls the library's own method, and keeps what
it raised with the context a user would have.
"""

from __future__ import annotations

import traceback
from dataclasses import dataclass, field
from typing import Any

from xero_nb.diagnose.findings import Diagnosis
from xero_nb.simulator.scenarios import Scenario


@dataclass(frozen=True)
class Case:
    """One library call that hits a scenario: the scenario's code, and how the call is made."""

    code: str
    variant: str = ""  # "empty": tenant id ""

    @property
    def id(self) -> str:
        return f"{self.code}/{self.variant}" if self.variant else self.code


@dataclass
class Raised:
    """A case's scenario, its context for diagnose, the exception and the traceback printed."""

    scenario: Scenario
    context: dict[str, Any] = field(repr=False)
    exc: BaseException
    printed: str = field(repr=False)
    secrets: dict[str, str] = field(repr=False)

    def form(self, name: str) -> Any:
        return {"object": self.exc, "str": str(self.exc), "traceback": self.printed}[name]


def raised_from(sc: Scenario, case: Case, exc: BaseException, secrets: dict[str, str]) -> Raised:
    """What a case raised, with the context its user has: the token, the app's era, the scopes
    asked for, the token's /connections, the tenant id passed, a custom connection's grant."""
    context = {"token": sc.token, "era": sc.era, "requested": sc.requested,
               "connections": sc.connections(),
               "tenant_id": "" if case.variant == "empty" else sc.tenant_id,
               "grant_type": "client_credentials" if sc.app == "custom" else None}
    return Raised(sc, context, exc, traceback.format_exc(), secrets)


def no_secret(r: Raised, d: Diagnosis, where: str) -> None:
    """No secret handed to the library, and no token of the scenario, in what diagnose shows."""
    shown = d.to_markdown() + repr(d.observed)
    tokens = [r.scenario.token.get(k) for k in ("access_token", "refresh_token")] if r.scenario.token else []
    leaked = [v[:6] + "..." for v in (*r.secrets.values(), *tokens) if v and v in shown]
    assert leaked == [], f"{where}: diagnose shows a secret"


def diagnosed(r: Raised, form: str, with_context: bool) -> Diagnosis:
    """``diagnose()`` of one form of what was raised (the object, or its text), checked for secrets."""
    from xero_nb.diagnose.diagnosis import diagnose

    value = r.form(form)
    context = r.context if with_context else {}
    d = diagnose(value, **context) if form == "object" else diagnose(text=value, **context)
    no_secret(r, d, form)
    return d
