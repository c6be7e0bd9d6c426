"""The console's user pool: sign-in with a password, a forced new password, a refresh.

``InitiateAuth`` and ``RespondToAuthChallenge`` are Cognito's unsigned calls (the app client has
no secret); the console function makes them so the browser talks only to the API's own origin.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import boto3
from botocore.exceptions import BotoCoreError, ClientError

from vclient.errors import ApiError, ConfigurationError


class SignInFailed(ApiError):
    status, code = 401, "sign_in_failed"


class NewPasswordRequired(ApiError):
    """The user has a temporary password: the console asks for a new one (with ``session``)."""

    status, code = 409, "new_password_required"


class PasswordRejected(ApiError):
    status, code = 422, "password_rejected"


@dataclass(frozen=True)
class Tokens:
    id_token: str
    expires_in: int
    refresh_token: str | None


class UserPool:
    def __init__(self, client_id: str, client: Any | None = None) -> None:
        self.client_id = client_id
        self._client = client

    @property
    def client(self) -> Any:
        if self._client is None:
            self._client = boto3.client("cognito-idp")
        return self._client

    def sign_in(self, username: str, password: str) -> Tokens:
        return self._answer(
            lambda: self.client.initiate_auth(
                ClientId=self.client_id,
                AuthFlow="USER_PASSWORD_AUTH",
                AuthParameters={"USERNAME": username, "PASSWORD": password},
            )
        )

    def set_new_password(self, username: str, new_password: str, session: str) -> Tokens:
        return self._answer(
            lambda: self.client.respond_to_auth_challenge(
                ClientId=self.client_id,
                ChallengeName="NEW_PASSWORD_REQUIRED",
                Session=session,
                ChallengeResponses={"USERNAME": username, "NEW_PASSWORD": new_password},
            )
        )

    def refresh(self, refresh_token: str) -> Tokens:
        tokens = self._answer(
            lambda: self.client.initiate_auth(
                ClientId=self.client_id,
                AuthFlow="REFRESH_TOKEN_AUTH",
                AuthParameters={"REFRESH_TOKEN": refresh_token},
            )
        )
        return Tokens(tokens.id_token, tokens.expires_in, tokens.refresh_token or refresh_token)

    def _answer(self, call: Any) -> Tokens:
        try:
            answer = call()
        except ClientError as exc:
            code = exc.response["Error"]["Code"]
            if code in ("InvalidPasswordException",):
                raise PasswordRejected(
                    "The new password does not meet the policy: 12 or more characters with "
                    "upper- and lower-case letters and a digit",
                    field="new_password",
                ) from None
            if code == "PasswordResetRequiredException":
                raise SignInFailed(
                    "An administrator reset this password; ask them for a new one"
                ) from None
            if code in ("ResourceNotFoundException", "InvalidParameterException"):
                raise ConfigurationError(
                    "The console's Cognito app client is misconfigured",
                    parameter="CONSOLE_CLIENT_ID",
                ) from None
            raise SignInFailed("Wrong user name or password") from None
        except BotoCoreError:
            raise ConfigurationError("Cognito cannot be reached right now") from None
        if answer.get("ChallengeName") == "NEW_PASSWORD_REQUIRED":
            raise NewPasswordRequired(
                "Choose a new password to finish signing in", session=answer.get("Session")
            )
        result = answer.get("AuthenticationResult") or {}
        if not result.get("IdToken"):
            raise SignInFailed(
                f"Sign-in needs a step the console does not support: {answer.get('ChallengeName')}"
            )
        return Tokens(
            id_token=result["IdToken"],
            expires_in=int(result.get("ExpiresIn") or 3600),
            refresh_token=result.get("RefreshToken"),
        )
