"""Signing in to the console: a password (or a new one for a temporary password, or a refresh)
exchanged with the user pool for an ID token, which API Gateway's Cognito authorizer checks."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from vclient.api.console import SignInRequest
from vclient.dal.cognito import UserPool
from vclient.logic.auth import principal_of


@dataclass
class SignIn:
    pool: UserPool

    def __call__(self, request: SignInRequest) -> dict[str, Any]:
        if request.refresh_token:
            tokens = self.pool.refresh(request.refresh_token)
        elif request.new_password:
            assert request.username and request.session  # the model checked it
            tokens = self.pool.set_new_password(
                request.username, request.new_password, request.session
            )
        else:
            assert request.username and request.password
            tokens = self.pool.sign_in(request.username, request.password)
        principal = principal_of({"authorizer": {"claims": _claims(tokens.id_token)}})
        return {
            "id_token": tokens.id_token,
            "refresh_token": tokens.refresh_token,
            "expires_in": tokens.expires_in,
            "username": principal.username,
            "role": principal.role,
        }


def _claims(id_token: str) -> dict[str, Any]:
    """The token's claims, unverified: only to greet the user by name and role. Every request
    with the token is verified by API Gateway, which decides what it may do."""
    import jwt

    claims: dict[str, Any] = jwt.decode(id_token, options={"verify_signature": False})
    return claims
