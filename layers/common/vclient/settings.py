"""Per-function settings, built from the environment once per cold start.

One env model per function, composed from shared parts; a field is read from the variable of
its name in upper case (``calls_table`` ← ``CALLS_TABLE``), so no field is mapped twice. Unset or
blank optional variables keep the default. Environment variables carry names (tables, the
parameter prefix, secret ARNs) and tunables, never secret values. Logic receives these objects
and never reads ``os.environ`` itself.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self

from pydantic import BaseModel, ConfigDict, Field, field_validator


class EnvSettings(BaseModel):
    model_config = ConfigDict(frozen=True)

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> Self:
        values: dict[str, Any] = {}
        for name in cls.model_fields:
            value = env.get(name.upper(), "").strip()
            if value:
                values[name] = value
        return cls.model_validate(values)


class CallsTableSettings(EnvSettings):
    calls_table: str


class TokenSettings(EnvSettings):
    """The per-call token's signing key (a Secrets Manager id) and how long a read is cached."""

    token_secret: str
    secret_max_age_s: int = Field(default=300, ge=0)


class ConfigSettings(EnvSettings):
    """Where the SSM parameters live and how long a read is cached."""

    param_prefix: str = Field(pattern=r"^/[A-Za-z0-9_.\-/]+$")
    config_max_age_s: int = Field(default=30, ge=0, le=60)

    @field_validator("param_prefix", mode="before")
    @classmethod
    def _no_trailing_slash(cls, value: Any) -> Any:
        return value.rstrip("/") if isinstance(value, str) else value


class StartCallSettings(CallsTableSettings, TokenSettings, ConfigSettings):
    """The start-call function: ``POST /call``."""

    idempotency_table: str
    vox_credentials_secret: str
    vox_api_url: str = "https://api.voximplant.com/platform_api"
    public_api_url: str | None = None
    retention_days: int = Field(default=90, ge=1)
    vox_deadline_s: float = Field(default=12.0, gt=0)
    #: The seed's VOX_*_NAME overrides that were set (names → values), applied over SSM.
    route_overrides: dict[str, str] = {}

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> Self:
        base = super().from_env(env)
        return base.model_copy(update={"route_overrides": cls.overrides_of(env)})

    @staticmethod
    def overrides_of(env: Mapping[str, str]) -> dict[str, str]:
        # Which VOX_*_NAME variable overrides what is vclient.logic.routing's to know.
        return {
            name: value.strip()
            for name, value in env.items()
            if name.startswith("VOX_") and name.endswith("_NAME") and value.strip()
        }


class ConsoleSettings(CallsTableSettings, ConfigSettings):
    """The console function: sign-in, persona check, stopping a call, the routing settings."""

    console_client_id: str
    #: The seed's VOX_*_NAME overrides that were set, as the start-call function applies them.
    route_overrides: dict[str, str] = {}

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> Self:
        base = super().from_env(env)
        return base.model_copy(update={"route_overrides": StartCallSettings.overrides_of(env)})


class DialogSettings(CallsTableSettings, TokenSettings, ConfigSettings):
    """The dialog function: session payloads and turns."""

    openai_secret: str
    openai_base_url: str | None = None


class EventsSettings(CallsTableSettings, TokenSettings):
    """The events function: the scenario's event trail and the call report."""


class EvaluateSettings(CallsTableSettings, ConfigSettings):
    """The evaluate function: the verdict of a finished call (issue 10)."""

    openai_secret: str
    openai_base_url: str | None = None
    secret_max_age_s: int = Field(default=300, ge=0)
    #: The judge's deadline per attempt (the SDK retries once more on its own).
    judge_timeout_s: float = Field(default=45.0, gt=0, le=600)
