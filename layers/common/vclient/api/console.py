"""The console's own routes (``/console/api/...``): request bodies, validated at the edge."""

from __future__ import annotations

from typing import Annotated, Self

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from vclient.vocabulary import Engine

Username = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=128)]
Secret = Annotated[str, StringConstraints(min_length=1, max_length=256)]


class SignInRequest(BaseModel):
    """A password sign-in; or the new password for a temporary one (with the challenge's
    ``session``); or a refresh with the refresh token."""

    model_config = ConfigDict(defer_build=True, extra="forbid")

    username: Username | None = None
    password: Secret | None = None
    new_password: Secret | None = None
    session: Annotated[str, StringConstraints(min_length=1, max_length=4096)] | None = None
    refresh_token: Annotated[str, StringConstraints(min_length=1, max_length=8192)] | None = None

    @model_validator(mode="after")
    def _one_way(self) -> Self:
        if self.refresh_token:
            return self
        if not self.username:
            raise ValueError("username: field required")
        if self.new_password and not self.session:
            raise ValueError("session: required with new_password")
        if not self.new_password and not self.password:
            raise ValueError("password: field required")
        return self


class PersonaCheckRequest(BaseModel):
    model_config = ConfigDict(defer_build=True, extra="forbid")

    yaml: str = Field(max_length=64 * 1024)


class DefaultEngineRequest(BaseModel):
    model_config = ConfigDict(defer_build=True, extra="forbid")

    engine: Engine
