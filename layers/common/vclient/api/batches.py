"""API models of the batch routes: ``POST /batches``, ``GET /batches/{id}`` and its actions.

A batch is every target called on every engine ``repeats`` times, paced by ``max_concurrent``,
``start_interval_s`` and a calling ``window``, with retries only for the listed outcomes.
Bounds keep a batch small enough for one report and every number inside DynamoDB's range.
"""

from __future__ import annotations

import re
from datetime import time
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from vclient.vocabulary import E164, Engine

MAX_TARGETS = 50
MAX_REPEATS = 20
MAX_CALLS = 300
MAX_CONCURRENT = 20
MAX_ATTEMPTS = 5
MAX_BACKOFF_S = 86_400
MAX_LABELS = 10
#: Labels the batch sets on every call itself.
RESERVED_LABELS = ("batch", "attempt")
LABEL_KEY = re.compile(r"^[a-z0-9_]{1,32}$")
RetryOutcome = Literal["busy", "no_answer", "failed"]
Day = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
DAYS: tuple[Day, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
BatchState = Literal["queued", "running", "paused", "done", "cancelled"]
ItemState = Literal["queued", "waiting", "dialing", "live", "done", "cancelled"]
_CLOCK = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)(?::([0-5]\d))?$")


def _e164(value: str) -> str:
    if not E164.match(value):
        raise ValueError("must be an E.164 number: '+', country code and digits, e.g. +74951234567")
    return value


def check_labels(value: dict[str, str] | None, *, room: int = MAX_LABELS) -> dict[str, str] | None:
    """Labels as ``POST /call`` takes them (≤ 10 keys ``[a-z0-9_]{1,32}``, values ≤ 100 chars),
    without the keys the batch sets itself."""
    if value is None:
        return None
    if len(value) > room:
        raise ValueError(f"at most {room} labels (the batch adds 'batch' and 'attempt')")
    for key, text in value.items():
        if not LABEL_KEY.match(key):
            raise ValueError(f"label key {key!r} must match [a-z0-9_]{{1,32}}")
        if key in RESERVED_LABELS:
            raise ValueError(f"label {key!r} is set by the batch itself")
        if not isinstance(text, str) or not 1 <= len(text) <= 100:
            raise ValueError(f"label {key!r}: a string of 1 to 100 characters")
    return value


class _In(BaseModel):
    model_config = ConfigDict(defer_build=True, extra="forbid", str_strip_whitespace=True)


class Target(_In):
    to: str = Field(max_length=16)
    labels: dict[str, str] | None = None

    _to_e164 = field_validator("to")(_e164)

    @field_validator("labels")
    @classmethod
    def _labels(cls, value: dict[str, str] | None) -> dict[str, str] | None:
        return check_labels(value, room=MAX_LABELS - len(RESERVED_LABELS))


class RetryPolicy(_In):
    on: list[RetryOutcome] = Field(default_factory=list, max_length=3)
    max_attempts: int = Field(default=1, ge=1, le=MAX_ATTEMPTS)
    #: The wait before attempt 2, 3, …; the last value repeats.
    backoff_s: list[int] = Field(
        default_factory=lambda: [60], min_length=1, max_length=MAX_ATTEMPTS
    )

    @field_validator("backoff_s")
    @classmethod
    def _bounds(cls, value: list[int]) -> list[int]:
        if any(not 0 <= v <= MAX_BACKOFF_S for v in value):
            raise ValueError(f"each backoff is 0 to {MAX_BACKOFF_S} seconds")
        return value

    def backoff_for(self, attempt: int) -> int:
        """Seconds to wait before ``attempt`` (2 or more)."""
        return self.backoff_s[min(attempt - 2, len(self.backoff_s) - 1)]


def parse_clock(value: str) -> time:
    match = _CLOCK.match(value)
    if not match:
        raise ValueError("a time of day HH:MM or HH:MM:SS (24 h)")
    hour, minute, second = (int(g) if g else 0 for g in match.groups())
    return time(hour, minute, second)


class Window(_In):
    """When calls may start, in the targets' local time: on ``days``, from ``from`` to ``to``
    (``to`` before ``from`` runs over midnight). A call in progress at ``to`` is not cut."""

    model_config = ConfigDict(
        defer_build=True, extra="forbid", str_strip_whitespace=True, populate_by_name=True
    )

    timezone: str = Field(max_length=64)
    days: list[Day] = Field(default_factory=lambda: list(DAYS), min_length=1, max_length=7)
    from_: str = Field(alias="from", max_length=8)
    to: str = Field(max_length=8)

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(
                f"unknown time zone {value!r} (an IANA name, e.g. Europe/Moscow)"
            ) from None
        return value

    @field_validator("from_", "to")
    @classmethod
    def _clock(cls, value: str) -> str:
        parse_clock(value)
        return value

    @model_validator(mode="after")
    def _not_empty(self) -> Window:
        if parse_clock(self.from_) == parse_clock(self.to):
            raise ValueError("window: 'from' and 'to' are the same time (an empty window)")
        return self


class StartBatchRequest(_In):
    """Body of ``POST /batches``."""

    persona: Any = Field(default=None, description="A bundled persona id, or a persona object")
    engines: list[Engine] = Field(min_length=1, max_length=3)
    targets: list[Target] = Field(min_length=1, max_length=MAX_TARGETS)
    repeats: int = Field(default=1, ge=1, le=MAX_REPEATS)
    max_concurrent: int = Field(default=1, ge=1, le=MAX_CONCURRENT)
    start_interval_s: int = Field(default=0, ge=0, le=3600)
    retry: RetryPolicy = Field(default_factory=RetryPolicy)
    window: Window | None = None
    labels: dict[str, str] | None = None
    caller_id: str | None = Field(default=None, max_length=16)

    @field_validator("persona")
    @classmethod
    def _persona_shape(cls, value: Any) -> str | dict[str, Any] | None:
        if value is None or isinstance(value, dict):
            return value
        if isinstance(value, str) and 1 <= len(value.strip()) <= 64:
            return value.strip()
        raise ValueError("must be a persona id (1 to 64 characters) or a persona object")

    @field_validator("engines")
    @classmethod
    def _unique_engines(cls, value: list[Engine]) -> list[Engine]:
        if len(set(value)) != len(value):
            raise ValueError("each engine once")
        return value

    @field_validator("labels")
    @classmethod
    def _labels(cls, value: dict[str, str] | None) -> dict[str, str] | None:
        return check_labels(value, room=MAX_LABELS - len(RESERVED_LABELS))

    @field_validator("caller_id")
    @classmethod
    def _caller(cls, value: str | None) -> str | None:
        return _e164(value) if value is not None else None

    @model_validator(mode="after")
    def _size(self) -> StartBatchRequest:
        numbers = [t.to for t in self.targets]
        if len(set(numbers)) != len(numbers):
            raise ValueError("targets: each number once (repeats call it again)")
        total = len(self.targets) * len(self.engines) * self.repeats
        if total > MAX_CALLS:
            raise ValueError(
                f"targets × engines × repeats = {total} calls; a batch holds at most {MAX_CALLS}"
            )
        for target in self.targets:
            merged = {**(self.labels or {}), **(target.labels or {})}
            if len(merged) + len(RESERVED_LABELS) > MAX_LABELS:
                raise ValueError(
                    f"targets: {target.to} would carry {len(merged)} labels; with 'batch' and "
                    f"'attempt' a call holds at most {MAX_LABELS}"
                )
        return self

    @property
    def calls(self) -> int:
        return len(self.targets) * len(self.engines) * self.repeats


class StartBatchResponse(BaseModel):
    model_config = ConfigDict(defer_build=True)
    batch_id: str
    state: BatchState
    calls: int


class BatchAction(BaseModel):
    """The answer to ``POST /batches/{id}/pause|resume|cancel``."""

    model_config = ConfigDict(defer_build=True)

    batch_id: str
    state: BatchState
