"""One request as the simulator's handlers see it."""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import parse_qs

from xero_nb.simulator.wire import SimRequest


@dataclass(slots=True)
class Ctx:
    """A request, its correlation id and the simulated time it arrived."""

    request: SimRequest
    cid: str
    now: float
    path: str
    _form: dict[str, list[str]] | None = field(default=None, repr=False)
    _bearer: str | None = field(default=None, repr=False)
    _bearer_read: bool = field(default=False, repr=False)
    limited: bool = field(default=False, repr=False)  # the limiter counted it: its headers are on

    @property
    def method(self) -> str:
        return self.request.method

    def query(self, name: str) -> str | None:
        """One query parameter."""
        return self.request.param(name)

    def form(self) -> dict[str, list[str]]:
        """The url-encoded form body (token, revocation, consent posts)."""
        if self._form is None:
            ctype = self.request.headers.get("content-type", "")
            text = self.request.content.decode("utf-8", "replace")
            if "application/x-www-form-urlencoded" in ctype or (text and "=" in text and "{" not in text[:1]):
                self._form = parse_qs(text, keep_blank_values=True)
            else:
                self._form = {}
        return self._form

    def field(self, name: str) -> str | None:
        """The first value of a form field."""
        vals = self.form().get(name)
        return vals[0] if vals else None

    def param(self, name: str) -> str | None:
        """A query parameter, else a form field (authorize accepts both)."""
        value = self.query(name)
        return value if value is not None else (self.field(name) if self.method == "POST" else None)

    def bearer(self) -> str | None:
        """The bearer token from the Authorization header (read once per call)."""
        if not self._bearer_read:
            auth = self.request.headers.get("authorization", "")
            scheme, _, token = auth.partition(" ")
            token = token.strip()
            self._bearer = token if token and scheme.lower() == "bearer" else None
            self._bearer_read = True
        return self._bearer
