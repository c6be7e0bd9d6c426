"""The call's event trail: what the scenario reports, validated, stored once, folded into status.

Each event is one item (``sk = "EV#<seq>"``); a batch is stored in one transaction together with
the call item's update, so a batch is either stored whole or not at all. Replays (same ``seq``)
are accepted and skipped. The call's status only moves forward.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from vclient.api.scenario import EventBatch, EventsAccepted, parse_events
from vclient.dal.calls_table import CallsRepository, EventsRepository
from vclient.dal.items import CallRecord
from vclient.errors import Conflict, NotFound
from vclient.logic.call_token import authorize
from vclient.observability import logger
from vclient.settings import EventsSettings
from vclient.vocabulary import FINAL_STATUSES, iso_utc
from vclient.web import parse_body

CONNECTED_ENDINGS = frozenset({"end_call", "operator_hangup", "max_duration", "silence"})
RANK: dict[str, int] = {"starting": 0, "dialing": 1, "ringing": 2, "connected": 3}
TERMINAL = 4
#: Voximplant's CallEvents.Failed codes → the call's final status.
FAILED_STATUS = {486: "busy", 600: "busy", 408: "no_answer", 480: "no_answer", 487: "no_answer"}
FAILED_STATUS |= {603: "rejected"}


def _rank(status: str) -> int:
    return RANK.get(status, TERMINAL)


def _iso(ms: int) -> str:
    return iso_utc(ms / 1000)


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
            if _rank(status) < TERMINAL:  # a failure after the end changes nothing
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
    # A final call's outcome never changes: late events are stored and counted, nothing more.
    if record.failure is not None or record.status in FINAL_STATUSES:
        changes.pop("failure", None)
    return changes


@dataclass
class RecordEvents:
    """``POST /call/{id}/events``: the scenario's batch, authenticated, stored once, folded."""

    settings: EventsSettings
    calls: CallsRepository
    events: EventsRepository
    now_ms: Callable[[], int] = lambda: int(time.time() * 1000)

    def __call__(self, call_id: str, authorization: str | None, body: str | None) -> EventsAccepted:
        authorize(
            authorization,
            call_id,
            secret_id=self.settings.token_secret,
            max_age=self.settings.secret_max_age_s,
            now=self.now_ms() // 1000,
        )
        batch = parse_body(body, EventBatch)
        return self.accept(call_id, batch)

    def accept(self, call_id: str, batch: EventBatch) -> EventsAccepted:
        events = parse_events(batch.events)
        for _attempt in range(4):
            record = self.calls.get(call_id)
            if record is None:
                raise NotFound("No such call", call_id=call_id)
            seqs = [e.seq for e in events]
            known = self.events.existing_seqs(call_id, min(seqs), max(seqs))
            fresh = [e for e in events if e.seq not in known]
            if not fresh:
                return EventsAccepted(accepted=0, duplicates=len(events), status=record.status)
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
                return EventsAccepted(
                    accepted=len(fresh),
                    duplicates=len(events) - len(fresh),
                    status=changes.get("status", record.status),
                )
        raise Conflict("The call changed concurrently; retry the batch", reason="contention")
