"""A stand-in OIDC issuer for tests: RSA keys, a real HTTP server publishing them as a JWKS, and signed tokens."""

import json
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from fastapi import FastAPI

from tests.support.services import serving

REALM_PATH = "/realms/pembinaan"
CERTS = f"{REALM_PATH}/protocol/openid-connect/certs"
AUDIENCE = "pembinaan-services"


@dataclass
class SigningKey:
    kid: str
    private: rsa.RSAPrivateKey

    @classmethod
    def made(cls) -> "SigningKey":
        return cls(uuid.uuid4().hex[:12], rsa.generate_private_key(public_exponent=65537, key_size=2048))

    def jwk(self) -> dict[str, Any]:
        public: dict[str, Any] = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self.private.public_key()))
        return {**public, "kid": self.kid, "use": "sig", "alg": "RS256"}


@dataclass
class Issuer:
    """Signs tokens as Keycloak would; `published` are the keys its JWKS lists, `fetches` counts its readers."""

    url: str = "http://127.0.0.1:1/realms/pembinaan"
    current: SigningKey = field(default_factory=SigningKey.made)
    published: list[SigningKey] = field(default_factory=list)
    fetches: int = 0

    def __post_init__(self) -> None:
        self.published = self.published or [self.current]

    def jwks(self) -> dict[str, Any]:
        encryption = {"kid": "enc-key", "kty": "RSA", "use": "enc", "alg": "RSA-OAEP", "n": "AQAB", "e": "AQAB"}
        return {"keys": [key.jwk() for key in self.published] + [encryption]}

    def rotate(self) -> SigningKey:
        """A new key signs from now on and is published beside the old one (as Keycloak rotates)."""
        self.current = SigningKey.made()
        self.published.append(self.current)
        return self.current

    def claims(self, **overrides: Any) -> dict[str, Any]:
        now = int(time.time())
        base = {"iss": self.url, "aud": [AUDIENCE, "account"], "sub": str(uuid.uuid4()), "iat": now, "exp": now + 300}
        base |= {"azp": "console", "preferred_username": "officer-serang", "typ": "Bearer", "jti": str(uuid.uuid4())}
        return {key: value for key, value in (base | overrides).items() if value is not None}

    def token(self, *, roles: list[str], key: SigningKey | None = None, algorithm: str = "RS256", **claims: Any) -> str:
        signing = key or self.current
        payload = self.claims(realm_access={"roles": roles}, **claims)
        return jwt.encode(payload, signing.private, algorithm=algorithm, headers={"kid": signing.kid})


def issuer_app(issuer: Issuer) -> FastAPI:
    app = FastAPI()

    @app.get(CERTS)
    async def certs() -> dict[str, Any]:
        issuer.fetches += 1
        return issuer.jwks()

    return app


@asynccontextmanager
async def running_issuer() -> AsyncIterator[Issuer]:
    """An issuer whose JWKS a real HTTP server on a free local port publishes, at Keycloak's path."""
    issuer = Issuer()
    async with serving(issuer_app(issuer)) as server:
        issuer.url = f"{server.base_url}{REALM_PATH}"
        yield issuer
