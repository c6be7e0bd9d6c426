"""API models (what clients send and receive) and the stored call item, mapped explicitly."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from vclient.routing import E164, Engine

CallStatus = Literal[
    "starting",
    "dialing",
    "ringing",
    "connected",
    "completed",
    "failed",
    "no_answer",
    "busy",
    "rejected",
]


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


class CallRecord(BaseModel):
    """The call's item in the calls table (``pk = call_id``, ``sk = "CALL"``)."""

    model_config = ConfigDict(extra="ignore")

    call_id: str
    status: CallStatus
    engine: Engine
    rule: dict[str, Any]
    rule_label: str
    persona: str | None = None
    #: An inline persona posted with the call, as compact JSON (bundled personas: None).
    persona_inline: str | None = None
    to: str
    caller_id: str
    created_at: str
    updated_at: str
    expires_at: int
    token_expires_at: int
    vox_call_session_history_id: int | None = None
    vox_media_session_access_url: str | None = None
    failure: dict[str, Any] | None = None
    last_error: str | None = None

    def to_start_response(self) -> StartCallResponse:
        return StartCallResponse(
            call_id=self.call_id,
            engine=self.engine,
            status=self.status,
            rule=self.rule_label,
            voximplant=VoximplantRef(call_session_history_id=self.vox_call_session_history_id),
        )
