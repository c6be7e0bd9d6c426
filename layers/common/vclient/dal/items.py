"""Items stored in the calls table (the API models are mapped from these, never reused)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict

from vclient.api.calls import StartCallResponse, VoximplantRef
from vclient.vocabulary import CallStatus, Engine


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
    # Folded in from the scenario's events (vclient.logic.record_events).
    connected_at: str | None = None
    ended_at: str | None = None
    end_reason: str | None = None
    hangup_by: str | None = None
    duration_ms: int | None = None
    ending: str | None = None
    recording_url: str | None = None
    #: Labels posted with the call (``trainee``, ``team``, ...): listed and filtered on.
    labels: dict[str, str] | None = None
    # Set by the evaluation after the call (vclient.logic.evaluate_call): the list's headline.
    v2v_p50_ms: int | None = None
    verdict: dict[str, Any] | None = None


def start_response(record: CallRecord) -> StartCallResponse:
    """The stored call as the 202 answer to ``POST /call``."""
    return StartCallResponse(
        call_id=record.call_id,
        engine=record.engine,
        status=record.status,
        rule=record.rule_label,
        labels=record.labels or {},
        voximplant=VoximplantRef(call_session_history_id=record.vox_call_session_history_id),
    )
