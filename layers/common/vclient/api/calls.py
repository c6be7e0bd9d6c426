"""API models of ``POST /call`` (what clients send and receive); the stored item maps to them."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from vclient.vocabulary import E164, CallStatus, Engine


def _e164(value: str) -> str:
    if not E164.match(value):
        raise ValueError("must be an E.164 number: '+', country code and digits, e.g. +74951234567")
    return value


class StartCallRequest(BaseModel):
    """Body of ``POST /call``."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    to: str = Field(description="Destination in E.164", max_length=16)
    scenario: Engine | None = Field(default=None, description="Engine; default from SSM")
    persona: Any = Field(
        default=None, description="A bundled persona id, or a whole persona object"
    )
    caller_id: str | None = Field(default=None, max_length=16)

    _to_e164 = field_validator("to")(_e164)

    @field_validator("persona")
    @classmethod
    def _persona_shape(cls, value: Any) -> str | dict[str, Any] | None:
        if value is None or isinstance(value, dict):
            return value
        if isinstance(value, str) and 1 <= len(value.strip()) <= 64:
            return value.strip()
        raise ValueError("must be a persona id (1 to 64 characters) or a persona object")

    @field_validator("caller_id")
    @classmethod
    def _caller_e164(cls, value: str | None) -> str | None:
        return _e164(value) if value is not None else None


class VoximplantRef(BaseModel):
    call_session_history_id: int | None


class StartCallResponse(BaseModel):
    """Body of the 202 answer to ``POST /call``."""

    call_id: str
    engine: Engine
    status: CallStatus
    rule: str
    voximplant: VoximplantRef
