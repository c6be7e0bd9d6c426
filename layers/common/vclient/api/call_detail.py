"""API model of ``GET /call/{id}``: the whole call read back (vclient.logic.call_report builds it
from the stored items). Apart from ``vclient.api.calls`` so that ``POST /call`` and the batches,
which never answer it, do not pay for its classes at a cold start.

Optional keys a line or a turn only has sometimes stay absent: dump with ``exclude_unset=True``.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict

from vclient.api.calls import VoximplantRef
from vclient.vocabulary import CallStatus, Engine


class _Report(BaseModel):
    model_config = ConfigDict(defer_build=True, extra="forbid")


class ReportPersona(_Report):
    id: str | None
    name: str | None
    inline: bool


class ReportLine(_Report):
    """One transcript line; ``turn`` and ``cut`` only when the scenario gave them."""

    who: str
    text: str
    t: int
    turn: int | None = None
    cut: bool | None = None


class ReportTurn(_Report):
    turn: int
    voice_to_voice_ms: int | None
    reply_roundtrip_ms: int | None
    backend_ms: int | None
    llm_ms: int | None
    fallback: bool | None
    text: str | None = None
    operator_said: str | None = None


class ReportDeviation(_Report):
    t: int | None
    turn: int | None
    text: str | None
    response_id: str | None


class ReportError(_Report):
    t: int | None
    where: str | None
    code: int | str | None
    message: str | None


class Percentiles(_Report):
    p50: int | None
    p95: int | None = None


class ReportTopics(BaseModel):
    """Topic coverage as the evaluation counted it (its own fields ride along)."""

    model_config = ConfigDict(defer_build=True, extra="allow")

    covered: int | None
    total: int | None
    ids: list[str] | None
    method: str | None


class ReportSummary(_Report):
    turns: int
    silences: int | None
    duration_s: float | None
    voice_to_voice_ms: Percentiles
    backend_ms: Percentiles
    llm_ms: Percentiles
    fallbacks: int
    barge_ins: int
    deviations: int
    topics: ReportTopics
    ending: str | None


class CallDetail(_Report):
    """Body of ``GET /call/{id}``; ``evaluation`` is ``vclient.verdict.result.Evaluation`` as
    stored (or ``{"status": "pending"}``)."""

    call_id: str
    status: CallStatus
    engine: Engine
    hybrid_mode: str | None
    persona: ReportPersona
    labels: dict[str, str]
    rule: str
    to: str
    caller_id: str
    created_at: str
    updated_at: str
    connected_at: str | None
    ended_at: str | None
    duration_ms: int | None
    hangup_by: str | None
    end_reason: str | None
    recording_url: str | None
    failure: dict[str, Any] | None
    fallback_reason: str | None
    voximplant: VoximplantRef
    transcript: list[ReportLine]
    turns: list[ReportTurn]
    deviations: list[ReportDeviation]
    errors: list[ReportError]
    summary: ReportSummary
    evaluation: dict[str, Any]
    events: int
