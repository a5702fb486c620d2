"""Signing in to Xero: OAuth2 flows, tokens, the token store, tenants and settings.

Modules: flow (XeroAuth: PKCE and client credentials, revoke), core (settings, store,
authlib's clients and refresh under the store's lock, shared by every flow), clients
(authlib's clients over the project's HTTP layer), callback (the 127.0.0.1 redirect
catcher), tenants (connections), config (settings from the environment, .env and
profiles), tokens (the Token record), store (memory and file token stores, locked and
atomic), jwt (the claims view), explain (OAuth errors told plainly) and logs (the filter that
redacts the HTTP, OAuth and xero-nb log records).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from xero_nb import lazy

_EXPORTS = {
    "CallbackPortInUseError": "xero_nb.auth.callback",
    "CallbackServer": "xero_nb.auth.callback",
    "FileTokenStore": "xero_nb.auth.file_store",
    "JWTView": "xero_nb.auth.jwt",
    "MemoryTokenStore": "xero_nb.auth.store",
    "Settings": "xero_nb.auth.config",
    "Token": "xero_nb.auth.tokens",
    "TokenStore": "xero_nb.auth.store",
    "XeroAuth": "xero_nb.auth.flow",
    "rows_as_dicts": "xero_nb.auth.jwt",
    "scope_diff": "xero_nb.auth.jwt",
    "verify_jwt": "xero_nb.auth.jwt",
}

__all__ = sorted(_EXPORTS)
__getattr__, __dir__ = lazy.exports(__name__, _EXPORTS)

if TYPE_CHECKING:  # pragma: no cover - names for type checkers; runtime loads lazily
    from xero_nb.auth.callback import CallbackPortInUseError as CallbackPortInUseError
    from xero_nb.auth.callback import CallbackServer as CallbackServer
    from xero_nb.auth.config import Settings as Settings
    from xero_nb.auth.file_store import FileTokenStore as FileTokenStore
    from xero_nb.auth.flow import XeroAuth as XeroAuth
    from xero_nb.auth.jwt import JWTView as JWTView
    from xero_nb.auth.jwt import rows_as_dicts as rows_as_dicts
    from xero_nb.auth.jwt import scope_diff as scope_diff
    from xero_nb.auth.jwt import verify_jwt as verify_jwt
    from xero_nb.auth.store import MemoryTokenStore as MemoryTokenStore
    from xero_nb.auth.store import TokenStore as TokenStore
    from xero_nb.auth.tokens import Token as Token
