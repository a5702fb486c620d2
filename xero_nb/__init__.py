"""xero-nb: Xero API permission failures as a table and a fix.

>>> import xero_nb as xn
>>> cat = xn.load_catalog()
>>> xn.is_allowed(cat.find("GET", "/Accounts"), "accounting.settings.read")
True

Everything is loaded lazily so that ``import xero_nb`` stays light: pandas, joserfc,
uvicorn, authlib and ipywidgets are imported only when something needs them.
"""

from __future__ import annotations

import sys
import types

from xero_nb import lazy

# Not typing.TYPE_CHECKING: importing typing would double what `xero-nb scopes-for` costs.
TYPE_CHECKING = False

__version__ = "0.1.0"

# public name -> module that defines it
_EXPORTS: dict[str, str] = {
    "AmbiguousEndpointError": "xero_nb.errors",
    "AuthError": "xero_nb.errors",
    "CallResult": "xero_nb.client",
    "Catalog": "xero_nb.catalog",
    "ConfigError": "xero_nb.errors",
    "DIAGNOSIS_CODES": "xero_nb.diagnose",
    "Diagnosis": "xero_nb.diagnose",
    "Endpoint": "xero_nb.models",
    "EndpointNotFoundError": "xero_nb.errors",
    "FileTokenStore": "xero_nb.auth",
    "Finding": "xero_nb.diagnose",
    "MemoryTokenStore": "xero_nb.auth",
    "Param": "xero_nb.models",
    "ProbeReport": "xero_nb.probe",
    "ProbeResult": "xero_nb.probe",
    "Report": "xero_nb.report",
    "Settings": "xero_nb.auth",
    "Tenant": "xero_nb.models",
    "Token": "xero_nb.auth",
    "UnknownScopeError": "xero_nb.errors",
    "XeroAuth": "xero_nb.auth",
    "XeroClient": "xero_nb.client",
    "XeroNbError": "xero_nb.errors",
    "XeroSimulator": "xero_nb.simulator",
    "api_summary": "xero_nb.catalog",
    "coverage": "xero_nb.catalog",
    "diagnose": "xero_nb.diagnose",
    "is_allowed": "xero_nb.catalog",
    "least_privilege": "xero_nb.catalog",
    "load_catalog": "xero_nb.catalog",
    "migration_plan": "xero_nb.catalog",
    "parse_scopes": "xero_nb.catalog",
    "probe": "xero_nb.probe",
    "report": "xero_nb.report",
    "required_scopes": "xero_nb.catalog",
    "scan": "xero_nb.scan",
    "scope_summary": "xero_nb.catalog",
    "what_if": "xero_nb.catalog",
}

__all__ = sorted(_EXPORTS)


class _Package(types.ModuleType):
    """Keeps ``xn.diagnose`` / ``xn.report`` / ``xn.probe`` / ``xn.scan`` the functions.

    Those functions share their names with the packages that define them, and importing a
    subpackage sets it as an attribute of this package, which would shadow the function.
    """

    def __setattr__(self, name: str, value: Any) -> None:
        if isinstance(value, types.ModuleType) and _EXPORTS.get(name) == f"{__name__}.{name}":
            return
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package


__getattr__, __dir__ = lazy.exports(__name__, _EXPORTS)


if TYPE_CHECKING:  # pragma: no cover - names for type checkers; runtime loads lazily
    from typing import Any

    from xero_nb.auth import FileTokenStore as FileTokenStore
    from xero_nb.auth import MemoryTokenStore as MemoryTokenStore
    from xero_nb.auth import Settings as Settings
    from xero_nb.auth import Token as Token
    from xero_nb.auth import XeroAuth as XeroAuth
    from xero_nb.catalog import Catalog as Catalog
    from xero_nb.catalog import api_summary as api_summary
    from xero_nb.catalog import coverage as coverage
    from xero_nb.catalog import is_allowed as is_allowed
    from xero_nb.catalog import least_privilege as least_privilege
    from xero_nb.catalog import load_catalog as load_catalog
    from xero_nb.catalog import migration_plan as migration_plan
    from xero_nb.catalog import parse_scopes as parse_scopes
    from xero_nb.catalog import required_scopes as required_scopes
    from xero_nb.catalog import scope_summary as scope_summary
    from xero_nb.catalog import what_if as what_if
    from xero_nb.client import CallResult as CallResult
    from xero_nb.client import XeroClient as XeroClient
    from xero_nb.diagnose import DIAGNOSIS_CODES as DIAGNOSIS_CODES
    from xero_nb.diagnose import Diagnosis as Diagnosis
    from xero_nb.diagnose import Finding as Finding
    from xero_nb.diagnose import diagnose as diagnose
    from xero_nb.errors import AmbiguousEndpointError as AmbiguousEndpointError
    from xero_nb.errors import AuthError as AuthError
    from xero_nb.errors import ConfigError as ConfigError
    from xero_nb.errors import EndpointNotFoundError as EndpointNotFoundError
    from xero_nb.errors import UnknownScopeError as UnknownScopeError
    from xero_nb.errors import XeroNbError as XeroNbError
    from xero_nb.models import Endpoint as Endpoint
    from xero_nb.models import Param as Param
    from xero_nb.models import Tenant as Tenant
    from xero_nb.probe import ProbeReport as ProbeReport
    from xero_nb.probe import ProbeResult as ProbeResult
    from xero_nb.probe import probe as probe
    from xero_nb.report import Report as Report
    from xero_nb.report import report as report
    from xero_nb.scan import scan as scan
    from xero_nb.simulator import XeroSimulator as XeroSimulator
