"""Per-function settings, built from the environment once per cold start.

Environment variables carry names (tables, the parameter prefix, secret ARNs) and tunables,
never secret values. Logic receives these objects and never reads ``os.environ`` itself.
"""

from __future__ import annotations

from collections.abc import Mapping

from pydantic import BaseModel, ConfigDict, Field


class StartCallSettings(BaseModel):
    model_config = ConfigDict(frozen=True)

    calls_table: str
    idempotency_table: str
    param_prefix: str = Field(pattern=r"^/[A-Za-z0-9_.\-/]+$")
    vox_credentials_secret: str
    token_secret: str
    vox_api_url: str = "https://api.voximplant.com/platform_api"
    public_api_url: str | None = None
    config_max_age_s: int = Field(default=30, ge=0, le=60)
    secret_max_age_s: int = Field(default=300, ge=0)
    retention_days: int = Field(default=90, ge=1)
    token_margin_s: int = Field(default=900, ge=60)
    vox_deadline_s: float = Field(default=12.0, gt=0)
    #: The seed's VOX_* overrides that were set (names → values), applied over SSM.
    route_overrides: dict[str, str] = {}

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> StartCallSettings:
        optional = {
            "vox_api_url": env.get("VOX_API_URL"),
            "public_api_url": env.get("PUBLIC_API_URL"),
            "config_max_age_s": env.get("CONFIG_MAX_AGE_S"),
            "secret_max_age_s": env.get("SECRET_MAX_AGE_S"),
            "retention_days": env.get("RETENTION_DAYS"),
            "vox_deadline_s": env.get("VOX_DEADLINE_S"),
        }
        from vclient.routing import ENV_APPLICATION_NAME, ENV_OVERRIDES

        names = [*ENV_OVERRIDES, ENV_APPLICATION_NAME]
        return cls(
            calls_table=env["CALLS_TABLE"],
            idempotency_table=env["IDEMPOTENCY_TABLE"],
            param_prefix=env["PARAM_PREFIX"].rstrip("/"),
            vox_credentials_secret=env["VOX_CREDENTIALS_SECRET"],
            token_secret=env["TOKEN_SECRET"],
            route_overrides={n: env[n].strip() for n in names if env.get(n, "").strip()},
            **{k: v for k, v in optional.items() if v},
        )


class DialogSettings(BaseModel):
    """The dialog function: session payloads and turns."""

    model_config = ConfigDict(frozen=True)

    calls_table: str
    param_prefix: str = Field(pattern=r"^/[A-Za-z0-9_.\-/]+$")
    token_secret: str
    openai_secret: str
    openai_base_url: str | None = None
    config_max_age_s: int = Field(default=30, ge=0, le=60)
    secret_max_age_s: int = Field(default=300, ge=0)

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> DialogSettings:
        optional = {
            "openai_base_url": env.get("OPENAI_BASE_URL"),
            "config_max_age_s": env.get("CONFIG_MAX_AGE_S"),
            "secret_max_age_s": env.get("SECRET_MAX_AGE_S"),
        }
        return cls(
            calls_table=env["CALLS_TABLE"],
            param_prefix=env["PARAM_PREFIX"].rstrip("/"),
            token_secret=env["TOKEN_SECRET"],
            openai_secret=env["OPENAI_SECRET"],
            **{k: v for k, v in optional.items() if v},
        )


class EventsSettings(BaseModel):
    """The events function: the scenario's event trail and the call view."""

    model_config = ConfigDict(frozen=True)

    calls_table: str
    token_secret: str
    secret_max_age_s: int = Field(default=300, ge=0)

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> EventsSettings:
        optional = {"secret_max_age_s": env.get("SECRET_MAX_AGE_S")}
        return cls(
            calls_table=env["CALLS_TABLE"],
            token_secret=env["TOKEN_SECRET"],
            **{k: v for k, v in optional.items() if v},
        )
