"""The ``xero-nb`` command line: the toolkit from a shell or a CI pipeline.

Modules: ``main`` (the argument parser and the entry point), one module per command group
(``scopes``: scopes-for, coverage, least-privilege, migrate; ``diagnose``; ``live``: probe,
report, simulator) and ``helpers``, which they all share and which imports none of them.
"""

from __future__ import annotations

from xero_nb.cli.main import main

__all__ = ["main"]
