"""Shared vocabulary: engines, call statuses, the E.164 pattern, the timestamp format (no models:
cheap to import)."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Literal, get_args

Engine = Literal["dialog", "realtime", "realtime_pure"]
ENGINES: tuple[Engine, ...] = get_args(Engine)

CallStatus = Literal[
    "starting",
    "dialing",
    "ringing",
    "connected",
    "completed",
    "failed",
    "no_answer",
    "busy",
    "rejected",
]

E164 = re.compile(r"^\+[1-9]\d{7,14}$")

#: A call in one of these has ended: its outcome never changes afterwards.
FINAL_STATUSES: frozenset[str] = frozenset({"completed", "failed", "no_answer", "busy", "rejected"})

#: The longest call the config allows (SSM max_call_duration_s); it bounds every call's token.
MAX_CALL_DURATION_S = 4 * 3600


def iso_utc(epoch_s: float) -> str:
    """The one timestamp format stored and answered (``created_at``, ``ended_at``, a batch's
    times): ISO 8601 in UTC with milliseconds, which sorts as it reads."""
    return datetime.fromtimestamp(epoch_s, UTC).isoformat(timespec="milliseconds")
