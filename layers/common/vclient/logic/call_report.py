"""``GET /call/{id}``: the whole call assembled from its items, with a comparable summary.

The summary is computed the same way for every engine so the engines can be compared on one
persona: voice-to-voice latency from the scenario's marks, and topic coverage from the call's
evaluation (``vclient.logic.evaluate_call``: the operator's scorecard, the client's fidelity and
the cost, made after the hang-up), shown whole as ``evaluation``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from vclient.compare.stats import percentile
from vclient.dal.calls_table import EventsRepository
from vclient.dal.items import CallPartition, CallRecord, EvaluationItem, PersonaItem
from vclient.engines.registry import engine_spec
from vclient.errors import NotFound

if TYPE_CHECKING:
    from vclient.api.call_detail import CallDetail
    from vclient.dialog.persona import Persona


def stored_persona(record: CallRecord, stored: PersonaItem | None) -> Persona | None:
    """The call's persona: the session's snapshot, else the inline one, else the bundled one."""
    # Imported here: POST /events, the hot path of this function, never needs the persona models.
    from vclient.dialog.persona import Persona, load_bundled

    try:
        if stored and stored.persona:
            return Persona.model_validate_json(stored.persona)
        if record.persona_inline:
            return Persona.model_validate_json(record.persona_inline)
        if record.persona:
            return load_bundled(record.persona)
    except Exception:
        return None
    return None


def evaluation_view(stored: EvaluationItem | None) -> dict[str, Any]:
    """The call's evaluation as stored (``vclient.verdict.result.Evaluation``), or pending."""
    if stored is None:
        return {"status": "pending"}
    return dict(json.loads(stored.evaluation))


def _diff(later: int | None, earlier: int | None) -> int | None:
    if later is None or earlier is None:
        return None
    return later - earlier


def call_view(partition: CallPartition) -> dict[str, Any] | None:
    record = partition.call
    if record is None:
        return None
    spec = engine_spec(record.engine)
    dialog = partition.dialog
    events = partition.events
    persona = stored_persona(record, partition.persona)
    evaluation = evaluation_view(partition.evaluation)

    transcript = [
        {
            "who": e["who"],
            "text": e["text"],
            "t": e["t"],
            **({"turn": e["turn"]} if e.get("turn") is not None else {}),
            **({"cut": True} if e.get("cut") else {}),
        }
        for e in events
        if e["type"] == "transcript"
    ]
    turns = [
        {
            "turn": e["turn"],
            "voice_to_voice_ms": _diff(e.get("audio_started_at"), e.get("speech_end_at")),
            "reply_roundtrip_ms": _diff(e.get("reply_received_at"), e.get("reply_requested_at")),
            "backend_ms": e.get("backend_ms"),
            "llm_ms": e.get("llm_ms"),
            "fallback": e.get("fallback"),
            **{k: e[k] for k in ("text", "operator_said") if e.get(k) is not None},
        }
        for e in events
        if e["type"] == "turn"
    ]
    deviations = [
        {k: e.get(k) for k in ("t", "turn", "text", "response_id")}
        for e in events
        if e["type"] == "deviation"
    ]
    v2v = [t["voice_to_voice_ms"] for t in turns if t["voice_to_voice_ms"] is not None]
    backend = [t["backend_ms"] for t in turns if t["backend_ms"] is not None]
    llm = [t["llm_ms"] for t in turns if t["llm_ms"] is not None]

    # Topic coverage is the evaluation's (the same checklist the operator's score is read from):
    # one number, on every engine alike. Until the evaluation is stored it is unknown (None).
    topics: dict[str, Any] = {
        "covered": None,
        "total": len(persona.topics) if persona is not None else None,
        "ids": None,
        "method": evaluation.get("method"),
    }
    if evaluation.get("topics"):
        topics.update(evaluation["topics"])

    state = dialog.state if dialog and spec.backend_turns else {}
    ending = record.ending or state.get("ending") or record.end_reason
    return {
        "call_id": record.call_id,
        "status": record.status,
        "engine": record.engine,
        # The hybrid mode that ran (the session's snapshot of SSM realtime/hybrid_mode).
        "hybrid_mode": (
            dialog.config.get("hybrid_mode", "tool") if spec.hybrid and dialog else None
        ),
        "persona": {
            "id": record.persona,
            "name": persona.name if persona else None,
            "inline": record.persona_inline is not None,
        },
        "labels": record.labels or {},
        "rule": record.rule_label,
        "to": record.to,
        "caller_id": record.caller_id,
        "created_at": record.created_at,
        "updated_at": record.updated_at,
        "connected_at": record.connected_at,
        "ended_at": record.ended_at,
        "duration_ms": record.duration_ms,
        "hangup_by": record.hangup_by,
        "end_reason": record.end_reason,
        "recording_url": record.recording_url,
        "failure": record.failure,
        # Why the scripted responder answered instead of the text model (first time it did).
        "fallback_reason": dialog.fallback_reason if dialog else None,
        "voximplant": {"call_session_history_id": record.vox_call_session_history_id},
        "transcript": transcript,
        "turns": turns,
        "deviations": deviations,
        "errors": [
            {k: e.get(k) for k in ("t", "where", "code", "message")}
            for e in events
            if e["type"] == "error"
        ],
        "summary": {
            # The same on every engine: operator utterances the client answered (a turn mark with
            # the end of the operator's speech and the start of the client's audio). Silences (a
            # turn without operator speech: the reprompts) are counted apart; the pure engine's
            # scenario posts no mark for them, so it reports None.
            "turns": sum(
                1
                for e in events
                if e["type"] == "turn" and e.get("speech_end_at") and e.get("audio_started_at")
            ),
            "silences": (
                None
                if not spec.marks_silences
                else sum(1 for e in events if e["type"] == "turn" and not e.get("speech_end_at"))
            ),
            "duration_s": round(record.duration_ms / 1000, 1) if record.duration_ms else None,
            "voice_to_voice_ms": {"p50": percentile(v2v, 0.5), "p95": percentile(v2v, 0.95)},
            "backend_ms": {"p50": percentile(backend, 0.5), "p95": percentile(backend, 0.95)},
            "llm_ms": {"p50": percentile(llm, 0.5)},
            "fallbacks": sum(1 for t in turns if t["fallback"]),
            "barge_ins": sum(1 for e in events if e["type"] == "barge_in"),
            "deviations": len(deviations),
            "topics": topics,
            "ending": ending,
        },
        "evaluation": evaluation,
        "events": len(events),
    }


@dataclass
class CallReport:
    """``GET /call/{id}``: the whole call read back, or a 404."""

    events: EventsRepository

    def __call__(self, call_id: str) -> CallDetail:
        # Imported here: the evaluate function reads ``call_view`` and never this route's model
        # (its 14 classes and ``vclient.api.calls`` cost ~15 ms of every cold start), and the
        # events function's hot path is POST /events.
        from vclient.api.call_detail import CallDetail

        view = call_view(self.events.partition(call_id))
        if view is None:
            raise NotFound("No such call", call_id=call_id)
        return CallDetail.model_validate(view)
