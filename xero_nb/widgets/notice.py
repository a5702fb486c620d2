"""Errors shown in the panel instead of lost: ipywidgets swallows exceptions in callbacks."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., Any])


class Noticed:
    """A controller with a ``notice`` (kind, text) that its panel shows, and listeners."""

    notice: tuple[str, str] = ("", "")
    last_error: BaseException | None = None

    def __init__(self) -> None:
        self._listeners: list[Callable[[str], None]] = []

    def subscribe(self, listener: Callable[[str], None]) -> None:
        """Call ``listener(what)`` after every change."""
        self._listeners.append(listener)

    def _notify(self, what: str) -> None:
        for listener in list(self._listeners):
            listener(what)

    def context_note(self) -> str:
        """Extra words for an error notice (e.g. warnings raised on the way); none by default."""
        return ""

    def tell(self, text: str, kind: str = "info") -> None:
        """Show ``text`` (kind: info, ok, error) in the panel."""
        self.notice = (kind, text)
        self._notify("notice")


def guarded(method: F) -> F:
    """Run a controller action; on an exception, show it as the notice and return None.

    Messages of xero-nb's own errors never carry secrets (errors.py); other exceptions are
    shown by type and message only, never with locals.
    """

    @functools.wraps(method)
    def wrapper(self: Noticed, *args: Any, **kwargs: Any) -> Any:
        try:
            return method(self, *args, **kwargs)
        except Exception as exc:  # the panel must show every failure
            self.last_error = exc
            code = getattr(exc, "code", None)
            label = f"{type(exc).__name__}" + (f" [{code}]" if isinstance(code, str) else "")
            note = self.context_note()
            self.tell(f"{label}: {exc}" + (f" ({note})" if note else ""), "error")
            return None

    return wrapper  # type: ignore[return-value]
