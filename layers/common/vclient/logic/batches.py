"""Batches: every target on every engine, paced like a call centre, on SQS's own delays.

``POST /batches`` validates the batch as ``POST /call`` would each of its calls (persona, engines
configured, every number on the allowlist), stores the batch and its items and sends the first
*tick*. A tick is one SQS message per batch that the worker handles and sends again with a delay:
it looks at every live call (a final status gives the slot and the number back, and a listed
outcome schedules a retry after its backoff), starts what the slots, the interval and the window
allow, and picks the delay to its next look. Every change is a conditional write, so a tick that
is delivered twice or retried after a crash changes nothing twice, and a start is dialed with the
Idempotency-Key ``batch:<id>:<item>:<attempt>`` so a retried tick never dials twice.

One chain of ticks per batch: a tick first moves ``tick_seq`` from its own number to the next
(a duplicate finds it moved and is dropped); a tick whose successor was never sent (the function
died in between) is taken again once its claim is older than the queue's visibility timeout.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from aws_lambda_powertools.utilities.idempotency import IdempotencyConfig, idempotent_function
from aws_lambda_powertools.utilities.idempotency.exceptions import (
    IdempotencyAlreadyInProgressError,
    IdempotencyValidationError,
)
from aws_lambda_powertools.utilities.idempotency.persistence.dynamodb import (
    DynamoDBPersistenceLayer,
)

from vclient.api.batches import (
    DAYS,
    BatchAction,
    StartBatchRequest,
    StartBatchResponse,
    Window,
    parse_clock,
)
from vclient.api.calls import StartCallRequest
from vclient.dal.batch_queue import MAX_DELAY_S, BatchQueue
from vclient.dal.batches_table import BatchesRepository
from vclient.dal.calls_table import CallsRepository
from vclient.dal.items import CallRecord
from vclient.errors import (
    ApiError,
    Conflict,
    DestinationNotAllowed,
    IdempotencyKeyReused,
    NotFound,
    RequestInProgress,
    ValidationFailed,
    VoximplantRefused,
    VoximplantTimeout,
    VoximplantUnavailable,
)
from vclient.logic.config import load_config
from vclient.logic.start_call import CallStarter, resolve_persona
from vclient.observability import logger, mask_number
from vclient.settings import ConfigSettings
from vclient.vocabulary import FINAL_STATUSES, MAX_CALL_DURATION_S
from vclient.vocabulary import iso_utc as iso

#: Voximplant's answers that mean "too many at once / try later": the batch backs off and tries
#: the same attempt again (docs: 314 concurrent resource limit, 340 rate limit, 162/416 try later).
BACKOFF_VOX_CODES = frozenset({162, 314, 340, 416})
#: A call's status → the outcome a retry policy names.
OUTCOMES = {
    "completed": "completed",
    "busy": "busy",
    "no_answer": "no_answer",
    "failed": "failed",
    "rejected": "rejected",
}
IDEMPOTENCY_TTL_S = 24 * 3600


class TickInFlight(RuntimeError):
    """A tick's claim is fresh and its successor not sent yet: let SQS deliver it again later."""


def epoch_of(text: str | None) -> float | None:
    if not text:
        return None
    return datetime.fromisoformat(text).timestamp()


# -- the window -------------------------------------------------------------------------------


def window_wait_s(window: Window | None, now: float) -> float:
    """0 while the window is open at ``now``; else the seconds until it next opens."""
    if window is None:
        return 0.0
    zone = ZoneInfo(window.timezone)
    local = datetime.fromtimestamp(now, zone)
    start, end = parse_clock(window.from_), parse_clock(window.to)
    overnight = end < start
    days = {DAYS.index(d) for d in window.days}

    def opening(day: datetime) -> datetime:
        return day.replace(hour=start.hour, minute=start.minute, second=start.second, microsecond=0)

    # Open now? (an overnight window belongs to the day it opened)
    t = local.time().replace(microsecond=0)
    if not overnight and start <= t < end and local.weekday() in days:
        return 0.0
    if overnight:
        if t >= start and local.weekday() in days:
            return 0.0
        if t < end and (local.weekday() - 1) % 7 in days:
            return 0.0
    for ahead in range(0, 8):
        day = (local + timedelta(days=ahead)).replace(tzinfo=None)
        candidate = opening(day).replace(tzinfo=zone)
        if candidate.weekday() in days and candidate.timestamp() > now:
            return candidate.timestamp() - now
    raise ValueError("the window never opens")  # unreachable: days is never empty


# -- the API: create, read, act ------------------------------------------------------------------


@dataclass
class BatchTiming:
    """How often a tick looks again (seconds; the local stack makes them short)."""

    watch_s: int = 10
    pause_s: int = 30
    #: A claimed tick whose successor was never sent is taken again after this long (the
    #: queue's visibility timeout).
    stale_tick_s: int = 180
    #: A start claimed but not stored as a call after this long is dialed again (same key).
    stale_dial_s: int = 60
    #: Backoff after Voximplant's "too many" answers: base, doubled per refusal, capped.
    vox_backoff_s: int = 30


@dataclass
class Batches:
    """``POST /batches``, ``GET /batches/{id}``, ``POST /batches/{id}/pause|resume|cancel``."""

    repo: BatchesRepository
    queue: BatchQueue
    #: Where the stack's SSM parameters live (read through ``load_config``, like every function).
    config_settings: ConfigSettings
    idempotency_table: str
    retention_days: int = 90
    now: Callable[[], float] = time.time
    _idempotent_create: Any = None
    idempotency_config: IdempotencyConfig = field(
        default_factory=lambda: IdempotencyConfig(
            event_key_jmespath="key",
            payload_validation_jmespath="request",
            expires_after_seconds=IDEMPOTENCY_TTL_S,
            raise_on_no_idempotency_key=True,
        )
    )

    def create(
        self, request: StartBatchRequest, *, idempotency_key: str | None, api_base: str
    ) -> StartBatchResponse:
        data = {"request": request.model_dump(mode="json", by_alias=True), "api_base": api_base}
        if idempotency_key is None:
            return StartBatchResponse.model_validate(self._create_once(data))
        if not 1 <= len(idempotency_key) <= 128 or not idempotency_key.isprintable():
            raise ValidationFailed(
                "Idempotency-Key must be 1 to 128 printable characters", field="Idempotency-Key"
            )
        if self._idempotent_create is None:
            self._idempotent_create = idempotent_function(
                data_keyword_argument="data",
                persistence_store=DynamoDBPersistenceLayer(table_name=self.idempotency_table),
                config=self.idempotency_config,
            )(self._create_once)
        try:
            result = self._idempotent_create(data={**data, "key": f"batch:{idempotency_key}"})
        except IdempotencyValidationError:
            raise IdempotencyKeyReused(
                "This Idempotency-Key was already used with a different body",
                field="Idempotency-Key",
            ) from None
        except IdempotencyAlreadyInProgressError:
            raise RequestInProgress(
                "A request with this Idempotency-Key is still being processed; retry shortly",
                field="Idempotency-Key",
            ) from None
        return StartBatchResponse.model_validate(result)

    def _create_once(self, data: dict[str, Any]) -> dict[str, Any]:
        request = StartBatchRequest.model_validate(data["request"])
        config = load_config(self.config_settings)
        routing = config.routing
        persona_id, persona_inline = resolve_persona(request.persona, config.call.default_persona)
        for engine in request.engines:
            if engine not in routing.engines:
                raise ValidationFailed(
                    f"engines: {engine!r} has no Voximplant rule configured", field="engines"
                )
        for i, target in enumerate(request.targets):
            if not routing.destination_allowed(target.to):
                raise DestinationNotAllowed(
                    f"targets[{i}].to: dialing this destination is not allowed by the allowlist",
                    field=f"targets.{i}.to",
                )
        if request.caller_id is None and routing.default_caller_id is None:
            raise ValidationFailed(
                "No caller_id given and no default caller id is configured", field="caller_id"
            )
        now = self.now()
        batch_id = uuid.uuid4().hex
        expires_at = int(now) + self.retention_days * 86400
        items: list[dict[str, Any]] = []
        # Repeat by repeat, target by target, engine by engine: each round covers every engine.
        for repeat in range(1, request.repeats + 1):
            for t, target in enumerate(request.targets):
                for engine in request.engines:
                    items.append(
                        {
                            "index": len(items),
                            "target": t,
                            "to": target.to,
                            "engine": engine,
                            "repeat": repeat,
                            "state": "queued",
                            "attempt": 0,
                            "calls": [],
                            "refusals": 0,
                            "updated_at": iso(now),
                            "expires_at": expires_at,
                        }
                    )
        batch = {
            "batch_id": batch_id,
            "state": "queued",
            "request": json.dumps(data["request"], ensure_ascii=False, separators=(",", ":")),
            "persona_id": persona_id,
            "persona_inline": persona_inline,
            "api_base": data["api_base"],
            "calls_total": len(items),
            "items_final": 0,
            "live": 0,
            "max_concurrent": request.max_concurrent,
            "last_start_ms": 0,
            "tick_seq": 0,
            "tick_sent": 0,
            "tick_claimed_ms": 0,
            "created_at": iso(now),
            "updated_at": iso(now),
            "expires_at": expires_at,
        }
        self.repo.create(batch, items)
        self.queue.send({"batch": batch_id, "seq": 0})
        logger.info("Batch created", extra={"batch_id": batch_id, "calls": len(items)})
        return {"batch_id": batch_id, "state": "queued", "calls": len(items)}

    def get(self, batch_id: str) -> dict[str, Any]:
        batch = self.repo.get(batch_id)
        if batch is None:
            raise NotFound("No such batch", batch_id=batch_id)
        return batch_view(batch, self.repo.items(batch_id))

    def act(self, batch_id: str, action: str) -> BatchAction:
        batch = self.repo.get(batch_id)
        if batch is None:
            raise NotFound("No such batch", batch_id=batch_id)
        now = iso(self.now())
        moves = {
            "pause": ("paused", ("queued", "running")),
            "resume": ("running", ("paused",)),
            "cancel": ("cancelled", ("queued", "running", "paused")),
        }
        target, allowed = moves[action]
        if batch["state"] == target:
            return BatchAction(batch_id=batch_id, state=target)  # already there: nothing to do
        if not self.repo.set_state(batch_id, target, allowed_from=allowed, now=now):
            current = (self.repo.get(batch_id) or {}).get("state")
            raise Conflict(
                f"A {current} batch cannot be {action}d", batch_id=batch_id, state=current
            )
        if action == "cancel":
            for item in self.repo.items(batch_id):
                if item["state"] in ("queued", "waiting"):
                    self.repo.finish_unstarted(
                        batch_id,
                        item["index"],
                        {"state": "cancelled", "outcome": "cancelled", "updated_at": now},
                        from_states=("queued", "waiting"),
                    )
        logger.info("Batch state changed", extra={"batch_id": batch_id, "state": target})
        return BatchAction(batch_id=batch_id, state=target)  # type: ignore[arg-type]


def batch_view(batch: dict[str, Any], items: list[dict[str, Any]]) -> dict[str, Any]:
    """``GET /batches/{id}``: the state, counts per item state and per engine, the calls."""
    request = json.loads(batch["request"])
    by_state: dict[str, int] = {}
    by_engine: dict[str, dict[str, int]] = {}
    outcomes: dict[str, int] = {}
    for item in items:
        by_state[item["state"]] = by_state.get(item["state"], 0) + 1
        engine = by_engine.setdefault(item["engine"], {})
        engine[item["state"]] = engine.get(item["state"], 0) + 1
        if item.get("outcome"):
            outcomes[item["outcome"]] = outcomes.get(item["outcome"], 0) + 1
    calls = [
        {
            "call_id": c["call_id"],
            "item": item["index"],
            "attempt": c["attempt"],
            "engine": item["engine"],
            "to": item["to"],
            "started_at": c.get("started_at"),
            "outcome": c.get("outcome"),
        }
        for item in items
        for c in item.get("calls") or []
    ]
    return {
        "batch_id": batch["batch_id"],
        "state": batch["state"],
        "created_at": batch["created_at"],
        "updated_at": batch["updated_at"],
        "finished_at": batch.get("finished_at"),
        "persona": batch.get("persona_id"),
        "engines": request["engines"],
        "targets": [t["to"] for t in request["targets"]],
        "repeats": request["repeats"],
        "max_concurrent": request["max_concurrent"],
        "start_interval_s": request["start_interval_s"],
        "retry": request["retry"],
        "window": request.get("window"),
        "labels": request.get("labels"),
        "calls_total": batch["calls_total"],
        "live": batch["live"],
        "counts": {
            "by_state": dict(sorted(by_state.items())),
            "by_engine": {e: dict(sorted(s.items())) for e, s in sorted(by_engine.items())},
            "outcomes": dict(sorted(outcomes.items())),
            "calls": len(calls),
        },
        "items": [
            {
                "index": item["index"],
                "to": item["to"],
                "engine": item["engine"],
                "repeat": item["repeat"],
                "state": item["state"],
                "attempt": item["attempt"],
                "outcome": item.get("outcome"),
                "next_at": item.get("next_at"),
                "reason": item.get("reason"),
                "calls": [c["call_id"] for c in item.get("calls") or []],
            }
            for item in items
        ],
        "calls": calls,
    }


# -- the worker: one tick ---------------------------------------------------------------------


@dataclass
class BatchWorker:
    """Handles one tick of a batch (see the module docstring)."""

    repo: BatchesRepository
    queue: BatchQueue
    calls: CallsRepository
    starter: CallStarter
    timing: BatchTiming = field(default_factory=BatchTiming)
    now: Callable[[], float] = time.time

    def tick(self, message: dict[str, Any]) -> None:
        batch_id, seq = str(message["batch"]), int(message["seq"])
        logger.append_keys(batch_id=batch_id)
        batch = self.repo.get(batch_id)
        if batch is None:
            logger.warning("Tick for an unknown batch: dropped")
            return
        if not self._claim_tick(batch, seq):
            return
        delay = self._work(batch_id)
        if delay is None:
            logger.info("Batch finished: no more ticks")
            return
        self.queue.send({"batch": batch_id, "seq": seq + 1}, delay_s=delay)
        self.repo.tick_sent(batch_id, seq + 1)

    def _claim_tick(self, batch: dict[str, Any], seq: int) -> bool:
        now_ms = int(self.now() * 1000)
        stored, sent = int(batch["tick_seq"]), int(batch["tick_sent"])
        if seq == stored:
            return self.repo.claim_tick(
                batch["batch_id"], expected=stored, next_seq=stored + 1, now_ms=now_ms
            )
        if seq == stored - 1 and sent < stored:
            # Claimed, but its successor never sent: the claiming tick may still be running, or
            # it died. Take it over once the claim is older than the visibility timeout; until
            # then fail, so SQS brings this message back later instead of deleting it.
            if now_ms - int(batch["tick_claimed_ms"]) <= self.timing.stale_tick_s * 1000:
                raise TickInFlight(f"tick {seq} of batch {batch['batch_id']} is in flight")
            return self.repo.claim_tick(
                batch["batch_id"], expected=stored, next_seq=stored, now_ms=now_ms
            )
        logger.info("Duplicate or stale tick: dropped", extra={"seq": seq, "stored": stored})
        return False

    # The tick's work: returns the delay to the next tick, or None when the batch is over.
    def _work(self, batch_id: str) -> float | None:
        now = self.now()
        batch = self.repo.get(batch_id)
        assert batch is not None
        request = StartBatchRequest.model_validate(json.loads(batch["request"]))
        items = self.repo.items(batch_id)
        waits: list[float] = []

        for item in items:
            if item["state"] == "live":
                self._watch(batch, request, item, now)
            elif item["state"] == "dialing":
                self._redial_if_stale(batch, request, item, now)

        batch = self.repo.get(batch_id) or batch
        items = self.repo.items(batch_id)
        state = batch["state"]
        if state == "cancelled":
            for item in items:
                if item["state"] in ("queued", "waiting"):
                    self.repo.finish_unstarted(
                        batch_id,
                        item["index"],
                        {"state": "cancelled", "outcome": "cancelled", "updated_at": iso(now)},
                        from_states=("queued", "waiting"),
                    )
            if not any(i["state"] in ("live", "dialing") for i in items):
                return None
            return self.timing.watch_s
        if state in ("queued", "running"):
            window_wait = window_wait_s(request.window, now)
            if window_wait > 0:
                self._note_waiting(batch_id, items, round(now + window_wait), now)
                waits.append(window_wait)
            else:
                waits.extend(self._start_what_fits(batch, request, items, now))
        elif state == "paused":
            waits.append(self.timing.pause_s)

        self.repo.mark_done_if_finished(batch_id, iso(self.now()))
        batch = self.repo.get(batch_id) or batch
        items = self.repo.items(batch_id)
        if batch["state"] == "done":
            return None
        if any(i["state"] in ("live", "dialing") for i in items):
            waits.append(self.timing.watch_s)
        for item in items:
            if item["state"] == "waiting" and item.get("next_at"):
                waits.append(max(1.0, (epoch_of(item["next_at"]) or now) - self.now()))
        return max(1.0, min(waits)) if waits else float(self.timing.watch_s)

    def _note_waiting(
        self, batch_id: str, items: list[dict[str, Any]], opens_at: float, now: float
    ) -> None:
        """Items waiting for the window say when it opens (once per opening)."""
        for item in items:
            if item["state"] == "queued" or (
                item["state"] == "waiting" and (epoch_of(item.get("next_at")) or 0) < opens_at
            ):
                if item.get("reason") == "window" and item.get("next_at") == iso(opens_at):
                    continue
                self.repo.update_item_state(
                    batch_id,
                    item["index"],
                    {"state": "waiting", "next_at": iso(opens_at), "reason": "window"},
                    from_states=("queued", "waiting"),
                )

    def _start_what_fits(
        self,
        batch: dict[str, Any],
        request: StartBatchRequest,
        items: list[dict[str, Any]],
        now: float,
    ) -> list[float]:
        """Claims and dials eligible items in index order while slots and the interval allow."""
        busy_numbers = {i["to"] for i in items if i["state"] in ("live", "dialing")}
        live = int(batch["live"])
        interval_ms = request.start_interval_s * 1000
        last_start_ms = int(batch["last_start_ms"])
        waits: list[float] = []
        for item in items:
            if live >= request.max_concurrent:
                break
            if item["state"] not in ("queued", "waiting") or item["to"] in busy_numbers:
                continue
            due = epoch_of(item.get("next_at")) if item["state"] == "waiting" else None
            if due is not None and due > now and item.get("reason") != "window":
                continue
            now_ms = int(self.now() * 1000)
            if interval_ms and now_ms - last_start_ms < interval_ms:
                waits.append((interval_ms - (now_ms - last_start_ms)) / 1000)
                break
            attempt = int(item["attempt"]) + 1
            refused = self.repo.claim_start(
                batch["batch_id"],
                item["index"],
                attempt,
                number=item["to"],
                now_ms=now_ms,
                interval_ms=interval_ms,
                lock_until_s=now_ms // 1000 + MAX_CALL_DURATION_S + 900,
                now=iso(now_ms / 1000),
            )
            if refused is not None:
                if refused.reason == "batch":
                    break
                continue  # the item moved on (a duplicate) or its number is live elsewhere
            live += 1
            last_start_ms = now_ms
            busy_numbers.add(item["to"])
            self._dial(batch, request, item, attempt)
        return waits

    def _labels(
        self, batch: dict[str, Any], request: StartBatchRequest, item: dict[str, Any], attempt: int
    ) -> dict[str, str]:
        target = request.targets[int(item["target"])]
        return {
            **(request.labels or {}),
            **(target.labels or {}),
            "batch": str(batch["batch_id"]),
            "attempt": str(attempt),
        }

    def _call_request(
        self, batch: dict[str, Any], request: StartBatchRequest, item: dict[str, Any], attempt: int
    ) -> StartCallRequest:
        persona: Any = (
            json.loads(batch["persona_inline"])
            if batch.get("persona_inline")
            else batch["persona_id"]
        )
        body: dict[str, Any] = {
            "to": item["to"],
            "scenario": item["engine"],
            "persona": persona,
            "caller_id": request.caller_id,
        }
        if "labels" in StartCallRequest.model_fields:
            body["labels"] = self._labels(batch, request, item, attempt)
        return StartCallRequest.model_validate(body)

    def _dial(
        self, batch: dict[str, Any], request: StartBatchRequest, item: dict[str, Any], attempt: int
    ) -> None:
        batch_id, index = str(batch["batch_id"]), int(item["index"])
        key = f"batch:{batch_id}:{index}:{attempt}"
        logger.info(
            "Batch start",
            extra={
                "item": index,
                "attempt": attempt,
                "engine": item["engine"],
                "to": mask_number(item["to"]),
            },
        )
        now = self.now()
        try:
            started = self.starter(
                self._call_request(batch, request, item, attempt),  # checked at POST /batches
                idempotency_key=key,
                api_base=str(batch["api_base"]),
            )
        except VoximplantTimeout as exc:
            # It may be dialing: watch the call like any other (its status will tell).
            self.repo.add_call(
                batch_id,
                index,
                attempt,
                {"attempt": attempt, "call_id": exc.details["call_id"], "started_at": iso(now)},
            )
            return
        except RequestInProgress:
            return  # the first dial of this key is still running; a later tick looks again
        except (VoximplantRefused, VoximplantUnavailable) as exc:
            code = exc.details.get("vox_code")
            http = exc.details.get("http_status")
            if (
                isinstance(exc, VoximplantUnavailable)
                or code in BACKOFF_VOX_CODES
                or http in (429, 503)
            ):
                self._back_off(batch, item, attempt, exc)
                return
            call_id = exc.details.get("call_id")
            if call_id:
                self.repo.add_call(
                    batch_id,
                    index,
                    attempt,
                    {"attempt": attempt, "call_id": call_id, "started_at": iso(now)},
                )
                item = {**item, "state": "live", "attempt": attempt}
                self._finish_attempt(batch, request, item, attempt, "failed", iso(self.now()))
            return
        except ApiError as exc:
            # The batch was valid when posted; the allowlist, persona or routes changed since.
            self.repo.release(
                batch_id,
                index,
                attempt,
                item_changes={
                    "state": "done",
                    "outcome": "refused",
                    "reason": exc.message,
                    "updated_at": iso(self.now()),
                },
                final=True,
                number=item["to"],
            )
            return
        self.repo.add_call(
            batch_id,
            index,
            attempt,
            {"attempt": attempt, "call_id": started.call_id, "started_at": iso(now)},
        )

    def _back_off(
        self, batch: dict[str, Any], item: dict[str, Any], attempt: int, exc: ApiError
    ) -> None:
        """Voximplant said "too many": the same attempt again later, the slot given back now."""
        refusals = int(item.get("refusals") or 0) + 1
        wait = min(MAX_DELAY_S, self.timing.vox_backoff_s * 2 ** (refusals - 1))
        logger.warning("Voximplant asked to back off", extra={"code": exc.code, "wait_s": wait})
        self.repo.release(
            str(batch["batch_id"]),
            int(item["index"]),
            attempt,
            item_changes={
                "state": "waiting",
                "attempt": attempt - 1,
                "refusals": refusals,
                "next_at": iso(self.now() + wait),
                "reason": f"voximplant_backoff: {exc.message}",
                "updated_at": iso(self.now()),
            },
            final=False,
            number=item["to"],
        )

    def _redial_if_stale(
        self, batch: dict[str, Any], request: StartBatchRequest, item: dict[str, Any], now: float
    ) -> None:
        """A start claimed by a tick that died before storing its call: dial again with the same
        Idempotency-Key (Powertools gives back the first answer if the first dial went through)."""
        claimed = epoch_of(item.get("updated_at")) or now
        if now - claimed < self.timing.stale_dial_s:
            return
        self._dial(batch, request, item, int(item["attempt"]))

    def _watch(
        self, batch: dict[str, Any], request: StartBatchRequest, item: dict[str, Any], now: float
    ) -> None:
        attempt = int(item["attempt"])
        current = next((c for c in item["calls"] if int(c["attempt"]) == attempt), None)
        if current is None:
            return
        record = self.calls.get(current["call_id"])
        if record is None:
            return
        if record.status in FINAL_STATUSES and (
            record.ended_at or record.failure or _quiet(record, now)
        ):
            self._finish_attempt(batch, request, item, attempt, OUTCOMES[record.status], iso(now))
        elif now - (epoch_of(record.created_at) or now) > MAX_CALL_DURATION_S + 900:
            self._finish_attempt(batch, request, item, attempt, "failed", iso(now))

    def _finish_attempt(
        self,
        batch: dict[str, Any],
        request: StartBatchRequest,
        item: dict[str, Any],
        attempt: int,
        outcome: str,
        now: str,
    ) -> None:
        position = next(
            (i for i, c in enumerate(item["calls"]) if int(c["attempt"]) == attempt), None
        )
        retry = (
            outcome in request.retry.on
            and attempt < request.retry.max_attempts
            and batch["state"] != "cancelled"
        )
        changes: dict[str, Any] = {"updated_at": now, "outcome": outcome}
        if position is not None:
            changes[f"calls[{position}].outcome"] = outcome
        if retry:
            wait = request.retry.backoff_for(attempt + 1)
            changes.update(
                {
                    "state": "waiting",
                    "next_at": iso(self.now() + wait),
                    "reason": f"retry after {outcome}",
                }
            )
        else:
            changes.update({"state": "done"})
        self.repo.release(
            str(batch["batch_id"]),
            int(item["index"]),
            attempt,
            item_changes=changes,
            final=not retry,
            number=item["to"],
        )


def _quiet(record: CallRecord, now: float) -> bool:
    """A final call without ``ended_at`` is taken as over once nothing has changed for 10 s."""
    return now - (epoch_of(record.updated_at) or now) > 10
