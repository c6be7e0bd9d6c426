"""The console's local user pool: the template's Cognito pool in moto, and API Gateway's check.

- ``provision_user_pool`` creates the template's ``AWS::Cognito::UserPool``, its app client and
  groups in moto's cognito-idp (the same moto server as DynamoDB and SSM), and one local user per
  group with a generated password. Sign-in then goes exactly as deployed: the console function
  calls ``InitiateAuth`` (USER_PASSWORD_AUTH) and moto answers with RS256-signed JWTs.
- ``CognitoVerifier`` is what API Gateway's Cognito user-pool authorizer does with the
  ``Authorization`` header: the ID token's signature against the pool's JWKS, its issuer, audience
  (the app client), ``token_use`` and expiry. The claims it returns become
  ``requestContext.authorizer.claims`` (strings, groups comma-joined, as REST APIs pass them).
"""

from __future__ import annotations

import json
import secrets
import string
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import requests
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

#: One local user per console group (the template's groups); names are the group names.
LOCAL_GROUPS = ("admin", "trainer", "viewer")


@dataclass
class LocalUser:
    username: str
    password: str
    group: str


@dataclass
class LocalUserPool:
    pool_id: str
    client_id: str
    region: str
    users: dict[str, LocalUser] = field(default_factory=dict)

    @property
    def issuer(self) -> str:
        return f"https://cognito-idp.{self.region}.amazonaws.com/{self.pool_id}"


def local_password() -> str:
    """A password the template's policy accepts (12+ characters, upper, lower, digit)."""
    alphabet = string.ascii_letters + string.digits
    while True:
        value = "".join(secrets.choice(alphabet) for _ in range(16))
        if (
            any(c.islower() for c in value)
            and any(c.isupper() for c in value)
            and any(c.isdigit() for c in value)
        ):
            return value


def provision_user_pool(
    template: dict[str, Any], client: Any, resolve: Callable[[Any], Any], region: str
) -> LocalUserPool:
    """The template's console user pool, client and groups in moto, plus one user per group."""
    resources = template["Resources"]
    pool_props = next(
        r["Properties"] for r in resources.values() if r["Type"] == "AWS::Cognito::UserPool"
    )
    client_props = next(
        r["Properties"] for r in resources.values() if r["Type"] == "AWS::Cognito::UserPoolClient"
    )
    pool = client.create_user_pool(
        PoolName=resolve(pool_props["UserPoolName"]),
        Policies=pool_props.get("Policies", {}),
        AdminCreateUserConfig=pool_props.get("AdminCreateUserConfig", {}),
    )["UserPool"]
    app = client.create_user_pool_client(
        UserPoolId=pool["Id"],
        ClientName=client_props["ClientName"],
        GenerateSecret=bool(client_props.get("GenerateSecret", False)),
        ExplicitAuthFlows=client_props["ExplicitAuthFlows"],
    )["UserPoolClient"]
    groups = [
        r["Properties"] for r in resources.values() if r["Type"] == "AWS::Cognito::UserPoolGroup"
    ]
    for group in groups:
        client.create_group(
            UserPoolId=pool["Id"],
            GroupName=group["GroupName"],
            Precedence=int(group.get("Precedence", 0)),
            Description=group.get("Description", ""),
        )
    local = LocalUserPool(pool_id=pool["Id"], client_id=app["ClientId"], region=region)
    for name in LOCAL_GROUPS:
        add_user(client, local, name, name)
    return local


def add_user(client: Any, pool: LocalUserPool, username: str, group: str) -> LocalUser:
    """A user with a permanent password in ``group`` (as an admin would create one)."""
    password = local_password()
    client.admin_create_user(UserPoolId=pool.pool_id, Username=username, MessageAction="SUPPRESS")
    client.admin_set_user_password(
        UserPoolId=pool.pool_id, Username=username, Password=password, Permanent=True
    )
    client.admin_add_user_to_group(UserPoolId=pool.pool_id, Username=username, GroupName=group)
    user = LocalUser(username=username, password=password, group=group)
    pool.users[username] = user
    return user


class TokenRejected(Exception):
    """The token is missing, malformed, wrongly signed, expired or for another pool/client."""


class CognitoVerifier:
    """API Gateway's Cognito user-pool authorizer, locally: verify the ID token, give its claims."""

    def __init__(self, jwks_url: str, issuer: str, client_id: str) -> None:
        self.jwks_url = jwks_url
        self.issuer = issuer
        self.client_id = client_id
        self._keys: KeySet | None = None
        self._lock = threading.Lock()

    def _key_set(self) -> KeySet:
        with self._lock:
            if self._keys is None:
                response = requests.get(self.jwks_url, timeout=5)
                response.raise_for_status()
                self._keys = KeySet.import_key_set(response.json())
            return self._keys

    def __call__(self, header_value: str | None) -> dict[str, str]:
        token = (header_value or "").strip()
        if not token or token.count(".") != 2:
            raise TokenRejected("no token")
        try:
            decoded = jwt.decode(token, self._key_set(), algorithms=["RS256"])
        except (JoseError, ValueError) as exc:
            raise TokenRejected(f"bad token: {type(exc).__name__}") from None
        claims = decoded.claims
        if claims.get("iss") != self.issuer:
            raise TokenRejected("wrong issuer")
        if claims.get("token_use") != "id" or claims.get("aud") != self.client_id:
            raise TokenRejected("not an ID token of the console's client")
        if not isinstance(claims.get("exp"), int) or claims["exp"] <= time.time():
            raise TokenRejected("expired")
        return {key: _claim_text(value) for key, value in claims.items()}


def _claim_text(value: Any) -> str:
    """A claim as a REST API's Cognito authorizer passes it: a list comma-joined, else text."""
    if isinstance(value, list):
        return ",".join(str(v) for v in value)
    if isinstance(value, str):
        return value
    return json.dumps(value) if isinstance(value, dict) else str(value)
