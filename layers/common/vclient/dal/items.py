"""Items stored in the calls table (the API models are mapped from these, never reused)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field

from vclient.vocabulary import CallStatus, Engine

if TYPE_CHECKING:
    from vclient.api.calls import StartCallResponse


class CallRecord(BaseModel):
    """The call's item in the calls table (``pk = call_id``, ``sk = "CALL"``)."""

    model_config = ConfigDict(defer_build=True, extra="ignore")

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


class DialogItem(BaseModel):
    """The call's dialog item (``sk = "DIALOG"``): the dialog state, the session's config
    snapshot, the turn bookkeeping and the text model's usage totals. Numbers arrive as plain
    ints (``calls_table.from_item`` turns DynamoDB's Decimals into int/float for every read)."""

    model_config = ConfigDict(defer_build=True, extra="ignore", frozen=True)

    #: The dialog engine's state (``vclient.dialog.conversation.DialogState``, as stored).
    state: dict[str, Any] = Field(default_factory=dict)
    #: The session's snapshot of the call's config (``vclient.logic.config.CallConfig`` fields).
    config: dict[str, Any] = Field(default_factory=dict)
    last_turn: int = 0
    #: The last few turns' answers by turn number (a retried turn gets the same answer back).
    answers: dict[str, Any] = Field(default_factory=dict)
    #: The turn a reply request has claimed and until when (epoch ms); absent between turns.
    pending_turn: int | None = None
    pending_until: int | None = None
    #: Why the scripted responder answered instead of the text model (the first time it did).
    fallback_reason: str | None = None
    text_calls: int = 0
    text_model: str | None = None
    text_in_tokens: int = 0
    text_cached_tokens: int = 0
    text_out_tokens: int = 0


class PersonaItem(BaseModel):
    """The persona the session ran with (``sk = "PERSONA"``), as compact JSON."""

    model_config = ConfigDict(defer_build=True, extra="ignore", frozen=True)

    persona: str
    expires_at: int | None = None


class EvaluationItem(BaseModel):
    """The call's evaluation (``sk = "EVAL"``): ``vclient.verdict.result.Evaluation`` as JSON
    text, so its floats stay exact."""

    model_config = ConfigDict(defer_build=True, extra="ignore", frozen=True)

    status: str
    evaluation: str
    created_at: str | None = None
    expires_at: int | None = None


class EventItem(BaseModel):
    """One scenario event as stored (``sk = "EV#<seq>"``): the fields of its
    ``vclient.api.scenario`` event, flat. The kinds differ in their fields, so beyond the three
    every event has, a field is read with ``get`` (absent: the default) or ``[]`` (absent: a
    ``KeyError``, as the stored item would give)."""

    model_config = ConfigDict(defer_build=True, extra="allow", frozen=True)

    seq: int
    t: int
    type: str

    def get(self, field: str, default: Any = None) -> Any:
        if field in type(self).model_fields:
            return getattr(self, field)
        return (self.model_extra or {}).get(field, default)

    def __getitem__(self, field: str) -> Any:
        value = self.get(field, _ABSENT)
        if value is _ABSENT:
            raise KeyError(field)
        return value


_ABSENT: Any = object()


@dataclass(frozen=True)
class CallPartition:
    """Every item of one call, each as its model (the key layout stays in the dal)."""

    call: CallRecord | None
    dialog: DialogItem | None = None
    persona: PersonaItem | None = None
    #: In the order they happened (``t``, then ``seq``).
    events: tuple[EventItem, ...] = ()
    evaluation: EvaluationItem | None = None

    def events_of(self, kind: str) -> list[EventItem]:
        return [e for e in self.events if e.type == kind]


def start_response(record: CallRecord) -> StartCallResponse:
    """The stored call as the 202 answer to ``POST /call``."""
    # Imported here: the dialog and events functions load this module but never answer POST /call.
    from vclient.api.calls import StartCallResponse, VoximplantRef

    return StartCallResponse(
        call_id=record.call_id,
        engine=record.engine,
        status=record.status,
        rule=record.rule_label,
        labels=record.labels or {},
        voximplant=VoximplantRef(call_session_history_id=record.vox_call_session_history_id),
    )
