"""Which Voximplant rule runs each engine, and the dialing policy: from SSM, overridable by env.

Parameters live under one prefix (``/<stack>``)::

    <prefix>/engines/dialog          JSON {"rule_name", "application_name", "scenario_name"}
                                     (or "rule_id" instead of the name and application)
    <prefix>/engines/realtime        same shape
    <prefix>/engines/realtime_pure   same shape
    <prefix>/default_engine          dialog | realtime | realtime_pure
    <prefix>/default_caller_id       E.164 number rented in Voximplant
    <prefix>/allowed_prefixes        StringList of destination prefixes, e.g. "+7,+44"
    <prefix>/max_call_duration_s     the longest call; bounds the per-call token's lifetime

The seed's environment names (``VOX_DIALOG_RULE_NAME`` …) override single fields; see
``ENV_OVERRIDES`` and docs/configuration.md.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from vclient.errors import ConfigurationError
from vclient.vocabulary import E164, ENGINES, MAX_CALL_DURATION_S, Engine

#: Environment variable → (engine, field of that engine's parameter). The first five are the seed's.
ENV_OVERRIDES: dict[str, tuple[Engine, str]] = {
    "VOX_DIALOG_RULE_NAME": ("dialog", "rule_name"),
    "VOX_REALTIME_RULE_NAME": ("realtime", "rule_name"),
    "VOX_REALTIME_SCENARIO_NAME": ("realtime", "scenario_name"),
    "VOX_REALTIME_PURE_RULE_NAME": ("realtime_pure", "rule_name"),
    "VOX_REALTIME_PURE_SCENARIO_NAME": ("realtime_pure", "scenario_name"),
    "VOX_DIALOG_SCENARIO_NAME": ("dialog", "scenario_name"),
}
#: Applies to every engine's parameter.
ENV_APPLICATION_NAME = "VOX_APPLICATION_NAME"


class EngineRoute(BaseModel):
    """One engine's Voximplant rule. ``rule_id`` wins over ``rule_name`` when both are set."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    rule_id: int | None = Field(default=None, gt=0)
    rule_name: str | None = Field(default=None, min_length=1, max_length=100)
    application_name: str | None = Field(default=None, min_length=1, max_length=100)
    application_id: int | None = Field(default=None, gt=0)
    scenario_name: str = Field(min_length=1, max_length=29)  # Voximplant: under 30 chars

    @model_validator(mode="after")
    def _rule_is_addressable(self) -> EngineRoute:
        if self.rule_id is None and not self.rule_name:
            raise ValueError("set rule_id, or rule_name with application_name")
        if self.rule_id is None and not (self.application_name or self.application_id):
            raise ValueError("rule_name needs application_name (rule names are per application)")
        return self

    @property
    def label(self) -> str:
        """How the rule is named in responses and logs."""
        return self.rule_name if self.rule_id is None and self.rule_name else f"id:{self.rule_id}"


class Routing(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    engines: dict[Engine, EngineRoute]
    default_engine: Engine = "dialog"
    default_caller_id: str | None = None
    allowed_prefixes: tuple[str, ...] = ()
    max_call_duration_s: int = Field(default=900, ge=30, le=MAX_CALL_DURATION_S)

    @field_validator("default_caller_id")
    @classmethod
    def _caller_id_e164(cls, value: str | None) -> str | None:
        if value and not E164.match(value):
            raise ValueError("must be an E.164 number such as +74951234567")
        return value or None

    @field_validator("allowed_prefixes")
    @classmethod
    def _prefixes(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for prefix in value:
            if not re.fullmatch(r"\+\d{1,14}", prefix):
                raise ValueError(f"{prefix!r} is not a '+digits' prefix")
        return value

    def destination_allowed(self, number: str) -> bool:
        return any(number.startswith(prefix) for prefix in self.allowed_prefixes)


def parse_routing(raw: Mapping[str, str], env: Mapping[str, str]) -> Routing:
    """Builds ``Routing`` from the parameters under the prefix (names relative to it) plus env.

    A broken parameter raises ``ConfigurationError`` naming it, never a bare exception.
    """
    engines: dict[str, dict[str, Any]] = {}
    for engine in ENGINES:
        name = f"engines/{engine}"
        if name in raw:
            try:
                value = json.loads(raw[name])
            except json.JSONDecodeError:
                raise ConfigurationError(
                    f"SSM parameter {name} is not valid JSON", parameter=name
                ) from None
            if not isinstance(value, dict):
                raise ConfigurationError(
                    f"SSM parameter {name} must be a JSON object", parameter=name
                )
            engines[engine] = value
    _apply_env_overrides(engines, env)

    fields: dict[str, Any] = {"engines": engines}
    if raw.get("default_engine"):
        fields["default_engine"] = raw["default_engine"].strip()
    if raw.get("default_caller_id"):
        fields["default_caller_id"] = raw["default_caller_id"].strip()
    if "allowed_prefixes" in raw:
        fields["allowed_prefixes"] = tuple(
            p.strip() for p in raw["allowed_prefixes"].split(",") if p.strip() and p.strip() != "-"
        )
    if raw.get("max_call_duration_s"):
        fields["max_call_duration_s"] = raw["max_call_duration_s"].strip()
    try:
        return Routing.model_validate(fields)
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = [str(part) for part in first["loc"]]
        parameter = "/".join(loc[:2]) if loc[:1] == ["engines"] else (loc[0] if loc else "?")
        raise ConfigurationError(
            f"SSM parameter {parameter} is invalid: {first['msg']}", parameter=parameter
        ) from None


def _apply_env_overrides(engines: dict[str, dict[str, Any]], env: Mapping[str, str]) -> None:
    application = env.get(ENV_APPLICATION_NAME, "").strip()
    for engine in engines:
        if application:
            engines[engine]["application_name"] = application
    for variable, (engine, field_name) in ENV_OVERRIDES.items():
        value = env.get(variable, "").strip()
        if not value:
            continue
        route = engines.setdefault(engine, {})
        route[field_name] = value
        if field_name == "rule_name":
            route.pop("rule_id", None)  # an explicit rule name must not lose to a stored id
        if application and "application_name" not in route:
            route["application_name"] = application
