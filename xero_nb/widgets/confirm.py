"""Revoke and Disconnect ask first on live Xero: the question, then Confirm or Cancel.

A mixin of ``connection.Connection``. ``ask(action)`` runs the action at once on the simulator;
on live Xero it only sets ``confirming`` (the question the Connect panel shows beside a Confirm
and a Cancel button) until ``answer(yes)``. A question asked about one token or organisation is
not answered for another: if the connection changed meanwhile, nothing is done.
Scripts call ``revoke()`` / ``disconnect()`` directly and are not asked.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from xero_nb.widgets.notice import guarded

ACTIONS = ("revoke", "disconnect")


class ConfirmLive:
    """The confirming half of a Connection (see ``connection.Connection``)."""

    confirming: tuple[str, str | None, Any] | None = None  # (action, tenant id, token) asked about

    if TYPE_CHECKING:  # provided by Connection
        mode: str
        token: Any
        tenant_id: str | None

        def tenant(self, tenant_id: str | None = None) -> Any: ...
        def revoke(self) -> None: ...
        def disconnect(self, tenant_id: str | None = None) -> None: ...
        def tell(self, text: str, kind: str = "info") -> None: ...
        def _notify(self, what: str) -> None: ...

    def question(self) -> str:
        """What the panel asks while ``confirming`` ("" when nothing waits for an answer)."""
        if self.confirming is None or self.confirming[2] is not self.token:
            return ""  # nothing asked, or asked about a token this connection no longer holds
        action, tenant_id, _ = self.confirming
        if action == "revoke":
            return ("Revoke on live Xero? Xero removes every connection of this user to the app; "
                    "the app needs a new sign-in and consent to reach any organisation again.")
        org = self.tenant(tenant_id)
        name = org.tenant_name if org is not None else tenant_id
        return (f"Disconnect {name} on live Xero? The app loses access to that organisation "
                "until someone connects it again in a new consent.")

    @guarded
    def ask(self, action: str) -> None:
        """Revoke or disconnect (the chosen organisation): at once on the simulator; on live
        Xero, only once ``answer(True)`` confirms it."""
        if action not in ACTIONS:
            raise ValueError(f"action must be one of {', '.join(ACTIONS)}, not {action!r}")
        if self.mode != "live":
            self._run(action, self.tenant_id)
            return
        if self.token is None:
            raise RuntimeError("sign in first")
        if action == "disconnect" and self.tenant(self.tenant_id) is None:
            raise ValueError("choose a connected organisation first")
        self.confirming = (action, self.tenant_id, self.token)
        self._notify("confirm")
        self.tell(self.question(), "info")

    @guarded
    def answer(self, yes: bool) -> None:
        """Confirm (True) or cancel (False) the question ``ask`` put on live Xero."""
        pending, self.confirming = self.confirming, None
        self._notify("confirm")
        if pending is None:
            return
        action, tenant_id, token = pending
        if not yes:
            done = "revoked" if action == "revoke" else "disconnected"
            self.tell(f"Cancelled: nothing was {done} in Xero.", "info")
        elif token is not self.token:
            self.tell(f"Not done: the connection changed since {action} was asked for.", "error")
        else:
            self._run(action, tenant_id)

    def _run(self, action: str, tenant_id: str | None) -> None:
        if action == "revoke":
            self.revoke()
        else:
            self.disconnect(tenant_id)
