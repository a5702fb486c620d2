"""Diagnosis: from a failed Xero call, or pasted error text, to ranked causes and the fix for each.

Modules: paste (reads whatever text a user pastes: SDK printouts, HTTP transcripts, JSON),
fields (problem keys in JSON and half JSON), status (the HTTP status wherever a text writes
it), sdk (what the Xero SDKs' exception classes, messages and stack traces add), cues (what
people, vendors and libraries write for each cause), objects (responses, SDK exceptions and
dicts), observation (one normalised view of the failure, from a response or from parts),
endpoint (which catalog endpoint the failure was about), context and role (what the token,
the grant, the connections, the era and the user's role tell), rules, oauth, scope, org and
prose (the rules that produce findings: limits, expiry and tenants; the token and authorize
steps; scopes; the organisation; causes said in words), findings (the Finding and Diagnosis
records, rendered through xero_nb.markup) and diagnosis (diagnose(): rank them, evidence
before priors). Every regular expression is linear (tests/test_diagnose_linear.py). Pure: no
network, no Jupyter.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from xero_nb import lazy

_EXPORTS = {
    "DIAGNOSIS_CODES": "xero_nb.diagnose.diagnosis",
    "Diagnosis": "xero_nb.diagnose.findings",
    "Finding": "xero_nb.diagnose.findings",
    "Observation": "xero_nb.diagnose.observation",
    "diagnose": "xero_nb.diagnose.diagnosis",
    "observe": "xero_nb.diagnose.observation",
    "parse_paste": "xero_nb.diagnose.paste",
}

__all__ = sorted(_EXPORTS)
__getattr__, __dir__ = lazy.exports(__name__, _EXPORTS)

if TYPE_CHECKING:  # pragma: no cover - names for type checkers; runtime loads lazily
    from xero_nb.diagnose.diagnosis import DIAGNOSIS_CODES as DIAGNOSIS_CODES
    from xero_nb.diagnose.diagnosis import diagnose as diagnose
    from xero_nb.diagnose.findings import Diagnosis as Diagnosis
    from xero_nb.diagnose.findings import Finding as Finding
    from xero_nb.diagnose.observation import Observation as Observation
    from xero_nb.diagnose.observation import observe as observe
    from xero_nb.diagnose.paste import parse_paste as parse_paste
