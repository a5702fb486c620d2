"""xero-nb: Xero API permission failures as a table and a fix.

>>> import xero_nb as xn
>>> cat = xn.load_catalog()
>>> xn.is_allowed(cat.find("GET", "/Accounts"), "accounting.settings.read")
True

Everything is loaded lazily so that ``import xero_nb`` stays light: pandas, joserfc,
uvicorn, authlib and ipywidgets are imported only when something needs them.
"""

from __future__ import annotations

import importlib
import sys
import types
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

# public name -> module that defines it
_EXPORTS: dict[str, str] = {
    "AmbiguousEndpointError": "xero_nb.errors",
    "AuthError": "xero_nb.errors",
    "CallResult": "xero_nb.call_result",
    "Catalog": "xero_nb.catalog",
    "ConfigError": "xero_nb.errors",
    "DIAGNOSIS_CODES": "xero_nb.diagnose",
    "Diagnosis": "xero_nb.diagnose",
    "Endpoint": "xero_nb.models",
    "EndpointNotFoundError": "xero_nb.errors",
    "FileTokenStore": "xero_nb.token_store",
    "Finding": "xero_nb.diagnose",
    "MemoryTokenStore": "xero_nb.token_store",
    "Param": "xero_nb.models",
    "ProbeReport": "xero_nb.probe",
    "ProbeResult": "xero_nb.probe",
    "Report": "xero_nb.report",
    "Settings": "xero_nb.config",
    "Tenant": "xero_nb.models",
    "Token": "xero_nb.tokens",
    "UnknownScopeError": "xero_nb.errors",
    "XeroAuth": "xero_nb.auth",
    "XeroClient": "xero_nb.client",
    "XeroNbError": "xero_nb.errors",
    "XeroSimulator": "xero_nb.simulator",
    "api_summary": "xero_nb.coverage",
    "coverage": "xero_nb.coverage",
    "diagnose": "xero_nb.diagnose",
    "is_allowed": "xero_nb.scopes",
    "least_privilege": "xero_nb.privilege",
    "load_catalog": "xero_nb.catalog",
    "migration_plan": "xero_nb.privilege",
    "parse_scopes": "xero_nb.scopes",
    "probe": "xero_nb.probe",
    "report": "xero_nb.report",
    "required_scopes": "xero_nb.scopes",
    "scope_summary": "xero_nb.coverage",
    "what_if": "xero_nb.coverage",
}

__all__ = sorted(_EXPORTS)


class _Package(types.ModuleType):
    """Keeps ``xn.coverage`` / ``xn.diagnose`` / ``xn.report`` / ``xn.probe`` the functions.

    Those functions share their names with the modules that define them, and importing a
    submodule sets it as an attribute of the package, which would shadow the function.
    """

    def __setattr__(self, name: str, value: Any) -> None:
        if isinstance(value, types.ModuleType) and _EXPORTS.get(name) == f"{__name__}.{name}":
            return
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'xero_nb' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


if TYPE_CHECKING:  # pragma: no cover - names for type checkers; runtime loads lazily
    from xero_nb.catalog import Catalog as Catalog
    from xero_nb.catalog import load_catalog as load_catalog
    from xero_nb.coverage import api_summary as api_summary
    from xero_nb.coverage import coverage as coverage
    from xero_nb.coverage import scope_summary as scope_summary
    from xero_nb.coverage import what_if as what_if
    from xero_nb.errors import AmbiguousEndpointError as AmbiguousEndpointError
    from xero_nb.errors import AuthError as AuthError
    from xero_nb.errors import ConfigError as ConfigError
    from xero_nb.errors import UnknownScopeError as UnknownScopeError
    from xero_nb.errors import XeroNbError as XeroNbError
    from xero_nb.models import Endpoint as Endpoint
    from xero_nb.models import Param as Param
    from xero_nb.models import Tenant as Tenant
    from xero_nb.privilege import least_privilege as least_privilege
    from xero_nb.privilege import migration_plan as migration_plan
    from xero_nb.scopes import is_allowed as is_allowed
    from xero_nb.scopes import parse_scopes as parse_scopes
    from xero_nb.scopes import required_scopes as required_scopes
