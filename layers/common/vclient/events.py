"""The call's event trail: what the scenario reports, validated, stored once, folded into status.

Each event is one item (``sk = "EV#<seq>"``); a batch is stored in one transaction together with
the call item's update, so a batch is either stored whole or not at all. Replays (same ``seq``)
are accepted and skipped. The call's status only moves forward.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated, Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from vclient import params
from vclient.auth import require_call_token
from vclient.errors import Conflict, NotFound, ValidationFailed
from vclient.observability import logger
from vclient.records import CallRecord
from vclient.settings import EventsSettings
from vclient.store import CallsRepository, EventsRepository

MAX_EVENTS_PER_BATCH = 50  # one DynamoDB transaction holds 100 actions
Ms = Annotated[int, Field(ge=0, le=10**14)]


class _Event(BaseModel):
    model_config = ConfigDict(extra="forbid")

    seq: int = Field(ge=1, le=1_000_000)
    t: Ms


class SessionStarted(_Event):
    type: Literal["session_started"]
    engine: str = Field(max_length=32)


class Dialing(_Event):
    type: Literal["dialing"]


class Ringing(_Event):
    type: Literal["ringing"]


class Connected(_Event):
    type: Literal["connected"]


class Failed(_Event):
    type: Literal["failed"]
    code: int
    reason: str = Field(default="", max_length=500)


class Recording(_Event):
    type: Literal["recording"]
    url: str = Field(min_length=1, max_length=2000)


class Transcript(_Event):
    type: Literal["transcript"]
    who: Literal["operator", "client"]
    text: str = Field(max_length=4000)
    turn: int | None = Field(default=None, ge=0)
    cut: bool = False


class Turn(_Event):
    type: Literal["turn"]
    turn: int = Field(ge=0)
    speech_end_at: Ms | None = None
    reply_requested_at: Ms | None = None
    reply_received_at: Ms | None = None
    audio_started_at: Ms | None = None
    backend_ms: int | None = Field(default=None, ge=0)
    llm_ms: int | None = Field(default=None, ge=0)
    fallback: bool | None = None


class BargeIn(_Event):
    type: Literal["barge_in"]
    turn: int | None = Field(default=None, ge=0)


class Error(_Event):
    type: Literal["error"]
    where: str = Field(max_length=64)
    code: int | str | None = None
    message: str = Field(default="", max_length=1000)


class Ended(_Event):
    type: Literal["ended"]
    reason: Literal[
        "end_call",
        "operator_hangup",
        "max_duration",
        "silence",
        "backend_error",
        "socket_closed",
        "failed",
    ]
    hangup_by: Literal["operator", "client", "system"]
    duration_ms: int | None = Field(default=None, ge=0)
    #: The dialog ending the client reached (success, goodbye, …) when the engine knows it.
    ending: str | None = Field(default=None, max_length=64)


Event = Annotated[
    SessionStarted
    | Dialing
    | Ringing
    | Connected
    | Failed
    | Recording
    | Transcript
    | Turn
    | BargeIn
    | Error
    | Ended,
    Field(discriminator="type"),
]


class EventBatch(BaseModel):
    model_config = ConfigDict(extra="forbid")

    events: list[Any] = Field(min_length=1, max_length=MAX_EVENTS_PER_BATCH)


_event_adapter: TypeAdapter[Any] = TypeAdapter(Event)
#: The discriminator values, which pydantic puts in an error's location (dropped from `field`).
_TYPE_TAGS = frozenset(
    get_args(model.model_fields["type"].annotation)[0] for model in get_args(get_args(Event)[0])
)

CONNECTED_ENDINGS = frozenset({"end_call", "operator_hangup", "max_duration", "silence"})
RANK: dict[str, int] = {"starting": 0, "dialing": 1, "ringing": 2, "connected": 3}
TERMINAL = 4
#: Voximplant's CallEvents.Failed codes → the call's final status.
FAILED_STATUS = {486: "busy", 600: "busy", 408: "no_answer", 480: "no_answer", 487: "no_answer"}
FAILED_STATUS |= {603: "rejected"}


def parse_events(raw: list[Any]) -> list[Any]:
    """Validates every event; the first bad one is named (index, seq, type) in a 422."""
    events = []
    for index, item in enumerate(raw):
        try:
            events.append(_event_adapter.validate_python(item))
        except ValidationError as exc:
            first = exc.errors()[0]
            loc = [str(p) for p in first["loc"] if str(p) not in _TYPE_TAGS]
            field = ".".join(loc) or None
            seq = item.get("seq") if isinstance(item, dict) else None
            kind = item.get("type") if isinstance(item, dict) else None
            raise ValidationFailed(
                f"events[{index}] ({kind or 'no type'}): "
                f"{field + ': ' if field else ''}{first['msg']}",
                field=f"events[{index}]" + (f".{field}" if field else ""),
                seq=seq,
            ) from None
    seqs = [e.seq for e in events]
    if len(set(seqs)) != len(seqs):
        raise ValidationFailed("A batch repeats a seq number", field="events")
    return events


def _rank(status: str) -> int:
    return RANK.get(status, TERMINAL)


def _iso(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000, UTC).isoformat(timespec="milliseconds")


def fold(record: CallRecord, events: list[Any]) -> dict[str, Any]:
    """The call item's changes implied by new events (status only ever moves forward)."""
    status: str = record.status
    changes: dict[str, Any] = {}
    connected = record.connected_at is not None
    for event in sorted(events, key=lambda e: (e.t, e.seq)):
        target: str | None = None
        if event.type in RANK:
            target = event.type
            if event.type == "connected":
                connected = True
                if record.connected_at is None:
                    changes.setdefault("connected_at", _iso(event.t))
        elif event.type == "failed":
            target = FAILED_STATUS.get(event.code, "failed")
            changes["failure"] = {"source": "call", "code": event.code, "reason": event.reason}
        elif event.type == "recording":
            changes["recording_url"] = event.url
        elif event.type == "ended":
            # A lost or late `connected` batch must not turn a finished conversation into a
            # failure: a call that lasted, or ended the way only a connected call ends, was
            # connected (the scenario sends duration 0 when it never connected).
            connected = connected or bool(event.duration_ms) or event.reason in CONNECTED_ENDINGS
            target = "completed" if connected else "failed"
            changes["ended_at"] = _iso(event.t)
            changes["end_reason"] = event.reason
            changes["hangup_by"] = event.hangup_by
            if event.duration_ms is not None:
                changes["duration_ms"] = event.duration_ms
            if event.ending:
                changes["ending"] = event.ending
            if not connected and record.failure is None and "failure" not in changes:
                changes["failure"] = {"source": "scenario", "reason": event.reason}
        if target is not None and _rank(status) < TERMINAL and _rank(target) > _rank(status):
            status = target
    if status != record.status:
        changes["status"] = status
    # Facts of a finished call are set once: a late replay never overwrites them.
    if record.ended_at is not None:
        for key in ("ended_at", "end_reason", "hangup_by", "duration_ms", "ending"):
            changes.pop(key, None)
    if record.failure is not None:
        changes.pop("failure", None)
    return changes


@dataclass
class EventsService:
    settings: EventsSettings
    calls: CallsRepository
    events: EventsRepository
    now_ms: Callable[[], int] = lambda: int(time.time() * 1000)

    def authorize(self, call_id: str, authorization: str | None) -> None:
        key = params.secret_text(self.settings.token_secret, max_age=self.settings.secret_max_age_s)
        require_call_token(authorization, call_id, key, now=self.now_ms() // 1000)

    def accept(self, call_id: str, batch: EventBatch) -> dict[str, Any]:
        events = parse_events(batch.events)
        for _attempt in range(4):
            record = self.calls.get(call_id)
            if record is None:
                raise NotFound("No such call", call_id=call_id)
            seqs = [e.seq for e in events]
            known = self.events.existing_seqs(call_id, min(seqs), max(seqs))
            fresh = [e for e in events if e.seq not in known]
            if not fresh:
                return {"accepted": 0, "duplicates": len(events), "status": record.status}
            changes = fold(record, fresh)
            changes["updated_at"] = _iso(self.now_ms())
            items = [
                {**e.model_dump(mode="json", exclude_none=True), "expires_at": record.expires_at}
                for e in fresh
            ]
            if self.events.store(call_id, items, changes, expected_status=record.status):
                logger.info(
                    "Events stored",
                    extra={"accepted": len(fresh), "status": changes.get("status", record.status)},
                )
                return {
                    "accepted": len(fresh),
                    "duplicates": len(events) - len(fresh),
                    "status": changes.get("status", record.status),
                }
        raise Conflict("The call changed concurrently; retry the batch", reason="contention")
