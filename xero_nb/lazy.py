"""Public names a package ``__init__`` resolves on first use (PEP 562), so imports stay cheap.

>>> __getattr__, __dir__ = exports(__name__, {"Catalog": "xero_nb.catalog.index"})  # doctest: +SKIP

A package lists each public name with the module that defines it; nothing is imported until a
name is asked for, so ``import xero_nb.catalog`` does not pull in pandas for ``coverage``.
"""

from __future__ import annotations

import importlib
import sys

TYPE_CHECKING = False  # typing is not loaded just to import a package
if TYPE_CHECKING:  # pragma: no cover
    from collections.abc import Callable, Mapping
    from typing import Any


def exports(package: str, names: Mapping[str, str]) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """The ``__getattr__`` and ``__dir__`` of ``package`` for ``names`` (public name -> module)."""
    namespace = sys.modules[package].__dict__

    def __getattr__(name: str) -> Any:
        module = names.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(module), name)
        namespace[name] = value
        return value

    def __dir__() -> list[str]:
        return sorted(set(namespace) | set(names))

    return __getattr__, __dir__
