"""The ``xero-nb`` command line: the toolkit from a shell or a CI pipeline.

Modules: ``parser`` (the argument parser and the full entry point), one module per command group
(``scopes``: scopes-for, coverage, least-privilege, migrate; ``diagnose``; ``live``: probe,
report, simulator; ``scan``), ``helpers``, which they all share and which imports none of them,
and ``fast``, which answers a plain ``scopes-for`` before any of them is loaded.
"""

from __future__ import annotations

import sys

TYPE_CHECKING = False
if TYPE_CHECKING:  # pragma: no cover
    from collections.abc import Sequence

__all__ = ["main"]


INTERRUPTED = 130  # what a shell reports for a command Ctrl-C stopped (128 + SIGINT)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``xero-nb`` console script (Ctrl-C: one line and exit 130, no traceback)."""
    try:
        from xero_nb.cli.fast import scopes_for

        given = sys.argv[1:] if argv is None else list(argv)
        code = scopes_for(given)
        if code is not None:
            return code
        from xero_nb.cli.parser import main as full

        return full(given)
    except KeyboardInterrupt:
        print("xero-nb: interrupted", file=sys.stderr)
        return INTERRUPTED
