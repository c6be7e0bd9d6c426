"""API models of ``POST /call`` (what clients send and receive); the stored item maps to them."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from vclient.vocabulary import E164, CallStatus, Engine

#: A label's key: what ``label=key:value`` filters on (``trainee``, ``team``, ``site``).
LABEL_KEY = re.compile(r"^[a-z0-9_]{1,32}$")
MAX_LABELS = 10
MAX_LABEL_VALUE = 100


def _e164(value: str) -> str:
    if not E164.match(value):
        raise ValueError("must be an E.164 number: '+', country code and digits, e.g. +74951234567")
    return value


class StartCallRequest(BaseModel):
    """Body of ``POST /call``."""

    model_config = ConfigDict(defer_build=True, extra="forbid", str_strip_whitespace=True)

    to: str = Field(description="Destination in E.164", max_length=16)
    scenario: Engine | None = Field(default=None, description="Engine; default from SSM")
    persona: Any = Field(
        default=None, description="A bundled persona id, or a whole persona object"
    )
    caller_id: str | None = Field(default=None, max_length=16)
    labels: dict[str, Any] | None = Field(
        default=None,
        description="Up to 10 labels: key [a-z0-9_]{1,32} -> a string of 1 to 100 characters",
    )

    _to_e164 = field_validator("to")(_e164)

    @field_validator("persona")
    @classmethod
    def _persona_shape(cls, value: Any) -> str | dict[str, Any] | None:
        if value is None or isinstance(value, dict):
            return value
        if isinstance(value, str) and 1 <= len(value.strip()) <= 64:
            return value.strip()
        raise ValueError("must be a persona id (1 to 64 characters) or a persona object")

    @field_validator("labels")
    @classmethod
    def _labels(cls, value: dict[str, Any] | None) -> dict[str, str] | None:
        return check_labels(value) if value is not None else None

    @field_validator("caller_id")
    @classmethod
    def _caller_e164(cls, value: str | None) -> str | None:
        return _e164(value) if value is not None else None


def check_labels(value: dict[str, Any]) -> dict[str, str]:
    """The call's labels, checked: at most 10, each key ``[a-z0-9_]{1,32}``, each value a string
    of 1 to 100 characters (surrounding spaces dropped)."""
    if len(value) > MAX_LABELS:
        raise ValueError(f"at most {MAX_LABELS} labels, got {len(value)}")
    labels: dict[str, str] = {}
    for key, item in value.items():
        if not LABEL_KEY.match(key):
            raise ValueError(
                f"label key {key[:40]!r} must be 1 to 32 of a-z, 0-9 and _ (for example trainee)"
            )
        if not isinstance(item, str):
            raise ValueError(f"label {key!r} must be a string")
        text = item.strip()
        if not 1 <= len(text) <= MAX_LABEL_VALUE:
            raise ValueError(f"label {key!r} must be 1 to {MAX_LABEL_VALUE} characters")
        labels[key] = text
    return labels


class VoximplantRef(BaseModel):
    model_config = ConfigDict(defer_build=True)
    call_session_history_id: int | None


class StartCallResponse(BaseModel):
    """Body of the 202 answer to ``POST /call``."""

    model_config = ConfigDict(defer_build=True)

    call_id: str
    engine: Engine
    status: CallStatus
    rule: str
    labels: dict[str, str] = Field(default_factory=dict)
    voximplant: VoximplantRef


MAX_PAGE = 100
DEFAULT_PAGE = 20


class CallsQuery(BaseModel):
    """Query of ``GET /calls``: every filter optional; ``label`` repeats (all must match).

    ``since`` is inclusive and ``until`` exclusive, on the call's ``created_at``; a time without
    a zone is UTC. ``cursor`` is a previous page's ``next_cursor``, as it was.
    """

    model_config = ConfigDict(defer_build=True, extra="forbid", str_strip_whitespace=True)

    engine: Engine | None = None
    persona: str | None = Field(default=None, min_length=1, max_length=64)
    status: CallStatus | None = None
    label: list[tuple[str, str]] = Field(default_factory=list, max_length=MAX_LABELS)
    since: datetime | None = None
    until: datetime | None = None
    limit: int = Field(default=DEFAULT_PAGE, ge=1, le=MAX_PAGE)
    cursor: str | None = Field(default=None, min_length=1, max_length=512)

    @field_validator("label", mode="before")
    @classmethod
    def _label_pairs(cls, value: Any) -> Any:
        if not isinstance(value, list):
            return value
        pairs = []
        for text in value:
            key, sep, wanted = str(text).partition(":")
            if not sep or not LABEL_KEY.match(key.strip()) or not wanted.strip():
                raise ValueError(
                    f"{str(text)[:60]!r} must be key:value, key of a-z, 0-9 and _ "
                    "(for example trainee:ivanov)"
                )
            if len(wanted.strip()) > MAX_LABEL_VALUE:
                raise ValueError(f"label {key!r}: a value is at most {MAX_LABEL_VALUE} characters")
            pairs.append((key.strip(), wanted.strip()))
        return pairs

    @field_validator("since", "until")
    @classmethod
    def _utc(cls, value: datetime | None) -> datetime | None:
        if value is None or value.tzinfo is not None:
            return value.astimezone(UTC) if value else None
        return value.replace(tzinfo=UTC)

    @model_validator(mode="after")
    def _window(self) -> CallsQuery:
        if self.since and self.until and self.since >= self.until:
            raise ValueError("since must be before until")
        return self


class EvaluationHeadline(BaseModel):
    """The evaluation's headline figures as a list row shows them."""

    model_config = ConfigDict(defer_build=True)

    status: str
    method: str | None = None
    operator_score: int | None = None
    level: str | None = None
    fidelity: int | None = None
    topics_covered: int | None = None
    topics_total: int | None = None
    #: USD, or "unknown" when some price or usage was not known (never a made-up 0).
    cost_usd: float | str | None = None


class CallRow(BaseModel):
    """One call in ``GET /calls``."""

    model_config = ConfigDict(defer_build=True)

    call_id: str
    created_at: str
    connected_at: str | None
    ended_at: str | None
    engine: Engine
    persona: str | None
    labels: dict[str, str]
    status: CallStatus
    ending: str | None
    duration_ms: int | None
    voice_to_voice_p50_ms: int | None
    evaluation: EvaluationHeadline | None


class CallsPage(BaseModel):
    """Body of ``GET /calls``: newest first; ``next_cursor`` is null on the last page."""

    model_config = ConfigDict(defer_build=True)

    calls: list[CallRow]
    next_cursor: str | None
