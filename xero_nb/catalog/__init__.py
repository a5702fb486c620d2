"""The endpoint catalog and the scope rules: which scopes each Xero call needs, and what a scope set reaches.

Modules: index (the catalog: the specs' 477 operations and the few Xero documents apart in
data/documented.csv), paths (URL matching), files (where the data files are), build (the
maintainer command that turns Xero's OpenAPI specs into data/catalog.json), scopes (the only
reader of the specs' any-of scope lists, with the broad/granular/mixed eras, the granular
overlay data/granular.csv and Xero's 2026 scopes page data/scopes.csv), scope_text (scope
names out of lists, strings, token responses and JWTs), answers (what
scopes-for says per endpoint and era, written to data/answers.json at build time), frames
(DataFrames: coverage, what-if, summaries) and privilege (least privilege and the migration
plan). Pure: no network, no Jupyter; pandas only in frames.
"""

from __future__ import annotations

from xero_nb import lazy

TYPE_CHECKING = False  # typing is not loaded just to import the package

_EXPORTS = {
    "Catalog": "xero_nb.catalog.index",
    "MigrationPlan": "xero_nb.catalog.privilege",
    "api_summary": "xero_nb.catalog.frames",
    "coverage": "xero_nb.catalog.frames",
    "export": "xero_nb.catalog.frames",
    "is_allowed": "xero_nb.catalog.scopes",
    "known_scopes": "xero_nb.catalog.scopes",
    "least_privilege": "xero_nb.catalog.privilege",
    "load_catalog": "xero_nb.catalog.index",
    "migration_plan": "xero_nb.catalog.privilege",
    "narrowest": "xero_nb.catalog.scopes",
    "parse_scopes": "xero_nb.catalog.scopes",
    "required_scopes": "xero_nb.catalog.scopes",
    "scope_summary": "xero_nb.catalog.frames",
    "what_if": "xero_nb.catalog.frames",
}

__all__ = sorted(_EXPORTS)
__getattr__, __dir__ = lazy.exports(__name__, _EXPORTS)

if TYPE_CHECKING:  # pragma: no cover - names for type checkers; runtime loads lazily
    from xero_nb.catalog.frames import api_summary as api_summary
    from xero_nb.catalog.frames import coverage as coverage
    from xero_nb.catalog.frames import export as export
    from xero_nb.catalog.frames import scope_summary as scope_summary
    from xero_nb.catalog.frames import what_if as what_if
    from xero_nb.catalog.index import Catalog as Catalog
    from xero_nb.catalog.index import load_catalog as load_catalog
    from xero_nb.catalog.privilege import MigrationPlan as MigrationPlan
    from xero_nb.catalog.privilege import least_privilege as least_privilege
    from xero_nb.catalog.privilege import migration_plan as migration_plan
    from xero_nb.catalog.scopes import is_allowed as is_allowed
    from xero_nb.catalog.scopes import known_scopes as known_scopes
    from xero_nb.catalog.scopes import narrowest as narrowest
    from xero_nb.catalog.scopes import parse_scopes as parse_scopes
    from xero_nb.catalog.scopes import required_scopes as required_scopes
