"""``GET /call/{id}``: the whole call assembled from its items, with a comparable summary.

The summary is computed the same way for every engine so the engines can be compared on one
persona: voice-to-voice latency from the scenario's marks, and topic coverage judged on the
transcript — the client asked, then the operator's answer carried the topic's keywords (the
dialog engine's own verdict is reported beside it where there is one).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from vclient.dal.calls_table import CALL_SK, DIALOG_SK, EVENT_PREFIX, PERSONA_SK, EventsRepository
from vclient.dal.items import CallRecord
from vclient.dialog.persona import Persona, load_bundled
from vclient.dialog.text import contains_keyword, expect_keywords, matches_any, normalize
from vclient.errors import NotFound


def percentile(values: list[int], q: float) -> int | None:
    """Nearest-rank percentile; ``None`` for no values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, -(-int(q * 100) * len(ordered) // 100))  # ceil(q * n)
    return ordered[min(rank, len(ordered)) - 1]


def _persona(record: CallRecord, stored: dict[str, Any] | None) -> Persona | None:
    try:
        if stored and stored.get("persona"):
            return Persona.model_validate_json(str(stored["persona"]))
        if record.persona_inline:
            return Persona.model_validate_json(record.persona_inline)
        if record.persona:
            return load_bundled(record.persona)
    except Exception:
        return None
    return None


def covered_topics(persona: Persona, transcript: list[dict[str, Any]]) -> list[str]:
    """Topics the operator answered, judged on the transcript alone (so every engine alike).

    A topic counts once the client has asked about it (its question, or two of the question's
    distinctive words, in a client line) and a later operator line carries one of its answer
    keywords. The order matters: a greeting that happens to contain a keyword answers nothing.
    """
    covered = []
    for topic in persona.topics:
        ask = normalize(" ".join(topic.ask.split()))
        ask_words = expect_keywords(topic.ask)
        needed = min(2, len(ask_words)) or 1
        answers = topic.answer_keywords or expect_keywords(topic.expect)
        raised = False
        for line in transcript:
            text = line["text"]
            if line["who"] == "client":
                hits = sum(1 for word in ask_words if contains_keyword(text, word))
                raised = raised or ask in normalize(text) or hits >= needed
            elif raised and matches_any(text, answers):
                covered.append(topic.id)
                break
    return covered


def _diff(later: int | None, earlier: int | None) -> int | None:
    if later is None or earlier is None:
        return None
    return later - earlier


def call_view(items: list[dict[str, Any]]) -> dict[str, Any] | None:
    call_item = next((i for i in items if i.get("sk") == CALL_SK), None)
    if call_item is None:
        return None
    record = CallRecord.model_validate(call_item)
    dialog = next((i for i in items if i.get("sk") == DIALOG_SK), None)
    events = sorted(
        (i for i in items if str(i.get("sk", "")).startswith(EVENT_PREFIX)),
        key=lambda e: (e["t"], e["seq"]),
    )
    persona = _persona(record, next((i for i in items if i.get("sk") == PERSONA_SK), None))

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

    topics: dict[str, Any] = {"covered": None, "total": None}
    if persona is not None:
        covered = covered_topics(persona, transcript)
        topics = {"covered": len(covered), "total": len(persona.topics), "ids": covered}
        if dialog and record.engine != "realtime_pure":
            topics["answered_by_engine"] = list(dialog.get("state", {}).get("topics_answered", []))

    state = (dialog or {}).get("state", {}) if record.engine != "realtime_pure" else {}
    ending = record.ending or state.get("ending") or record.end_reason
    return {
        "call_id": record.call_id,
        "status": record.status,
        "engine": record.engine,
        # The hybrid mode that ran (the session's snapshot of SSM realtime/hybrid_mode).
        "hybrid_mode": (
            (dialog or {}).get("config", {}).get("hybrid_mode", "tool")
            if record.engine == "realtime" and dialog
            else None
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
        "fallback_reason": (dialog or {}).get("fallback_reason"),
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
                if record.engine == "realtime_pure"
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
        "events": len(events),
    }


@dataclass
class CallReport:
    """``GET /call/{id}``: the whole call read back, or a 404."""

    events: EventsRepository

    def __call__(self, call_id: str) -> dict[str, Any]:
        view = call_view(self.events.partition(call_id))
        if view is None:
            raise NotFound("No such call", call_id=call_id)
        return view
