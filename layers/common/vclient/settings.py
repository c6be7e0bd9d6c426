"""Per-function settings, built from the environment once per cold start.

One env model per function, composed from shared parts; a field is read from the variable of
its name in upper case (``calls_table`` ← ``CALLS_TABLE``), so no field is mapped twice. Unset or
blank optional variables keep the default. Environment variables carry names (tables, the
parameter prefix, secret ARNs) and tunables, never secret values. Logic receives these objects
and never reads ``os.environ`` itself.
"""

from collections.abc import Mapping
from typing import Any, Self

from pydantic import BaseModel, ConfigDict, Field, field_validator


class EnvSettings(BaseModel):
    # Every function's model is defined here; only the one a function builds is ever compiled.
    model_config = ConfigDict(frozen=True, defer_build=True)

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
    """Where the SSM parameters live, how long a read is cached, and the seed's overrides."""

    param_prefix: str = Field(pattern=r"^/[A-Za-z0-9_.\-/]+$")
    config_max_age_s: int = Field(default=30, ge=0, le=60)
    # The seed's environment names: each overrides one field of an engine's SSM route
    # (vclient.logic.config.ENV_OVERRIDES says which).
    vox_application_name: str | None = None
    vox_dialog_rule_name: str | None = None
    vox_dialog_scenario_name: str | None = None
    vox_realtime_rule_name: str | None = None
    vox_realtime_scenario_name: str | None = None
    vox_realtime_pure_rule_name: str | None = None
    vox_realtime_pure_scenario_name: str | None = None

    @field_validator("param_prefix", mode="before")
    @classmethod
    def _no_trailing_slash(cls, value: Any) -> Any:
        return value.rstrip("/") if isinstance(value, str) else value

    @property
    def route_overrides(self) -> dict[str, str]:
        """The overrides that are set, by their environment names."""
        return {
            name.upper(): value
            for name in type(self).model_fields
            if name.startswith("vox_") and name.endswith("_name") and (value := getattr(self, name))
        }


class StartCallSettings(CallsTableSettings, TokenSettings, ConfigSettings):
    """The start-call function: ``POST /call``."""

    idempotency_table: str
    vox_credentials_secret: str
    vox_api_url: str = "https://api.voximplant.com/platform_api"
    public_api_url: str | None = None
    retention_days: int = Field(default=90, ge=1)
    vox_deadline_s: float = Field(default=12.0, gt=0)


class ConsoleSettings(CallsTableSettings, ConfigSettings):
    """The console function: sign-in, persona check, stopping a call, the routing settings."""

    console_client_id: str


class DialogSettings(CallsTableSettings, TokenSettings, ConfigSettings):
    """The dialog function: session payloads and turns."""

    openai_secret: str
    openai_base_url: str | None = None


class EventsSettings(CallsTableSettings, TokenSettings):
    """The events function: the scenario's event trail and the call report."""


class BatchesTableSettings(EnvSettings):
    batches_table: str
    batch_queue_url: str


class BatchesSettings(BatchesTableSettings, ConfigSettings):
    """The batches function: ``POST /batches``, ``GET /batches/{id}`` and its actions."""

    idempotency_table: str
    retention_days: int = Field(default=90, ge=1)


class BatchWorkerSettings(BatchesTableSettings, StartCallSettings):
    """The batch worker (the queue's consumer): starts and watches the calls of a batch."""

    batch_watch_s: int = Field(default=10, ge=1, le=900)
    batch_pause_s: int = Field(default=30, ge=1, le=900)
    batch_stale_tick_s: int = Field(default=180, ge=1)
    batch_stale_dial_s: int = Field(default=60, ge=1)
    batch_vox_backoff_s: int = Field(default=30, ge=1, le=900)


class ReportsSettings(CallsTableSettings):
    """The reports function: ``GET /reports/compare``."""

    batches_table: str
    #: The local stack's calls run in the VoxEngine emulator: every latency is simulated.
    timings_simulated: bool = False


class EvaluateSettings(CallsTableSettings, ConfigSettings):
    """The evaluate function: the verdict of a finished call (issue 10)."""

    openai_secret: str
    openai_base_url: str | None = None
    secret_max_age_s: int = Field(default=300, ge=0)
    #: The judge's deadline per attempt (the SDK retries once more on its own).
    judge_timeout_s: float = Field(default=45.0, gt=0, le=600)


class SweepSettings(CallsTableSettings):
    """The sweep function: calls whose final event never arrived (a schedule)."""
