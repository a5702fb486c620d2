"""RS256 signing for the simulator's access and id tokens, and the JWKS that verifies them."""

from __future__ import annotations

import base64
import hashlib
from functools import lru_cache
from typing import Any

from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import RSAKey


@lru_cache(maxsize=8)
def _rsa_key(seed: int) -> RSAKey:
    # RSA generation costs ~0.1 s; one key per seed per process keeps test setup quick.
    kid = hashlib.sha256(f"xero-nb-sim-{seed}".encode()).hexdigest()[:32].upper()
    return RSAKey.generate_key(2048, parameters={"kid": kid, "use": "sig", "alg": "RS256"})


class SigningKey:
    """Signs claims as RS256 JWTs with ``kid`` and ``x5t`` headers, as Xero's tokens carry."""

    def __init__(self, seed: int = 0) -> None:
        self._key = _rsa_key(seed)
        public = self._key.as_dict(private=False)
        self.kid: str = str(public["kid"])
        # Xero's x5t is a certificate thumbprint; we have no certificate, so hash the modulus.
        digest = hashlib.sha1(str(public["n"]).encode()).digest()
        self.x5t = base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
        self._jwks = {"keys": [{**public, "x5t": self.x5t}]}
        self._header = {"alg": "RS256", "kid": self.kid, "typ": "JWT", "x5t": self.x5t}

    def sign(self, claims: dict[str, Any]) -> str:
        """A compact RS256 JWT for ``claims``."""
        return jwt.encode(self._header, claims, self._key)

    def verify(self, token: str) -> dict[str, Any] | None:
        """The claims if the signature is ours, else None (expiry is checked by the caller)."""
        try:
            return dict(jwt.decode(token, self._key, algorithms=["RS256"]).claims)
        except (JoseError, ValueError):
            return None

    def jwks(self) -> dict[str, Any]:
        """The public JWKS document."""
        return self._jwks
