"""The template's scheduled functions (``ScheduleV2`` events), run on the local stack.

EventBridge Scheduler has no local stand-in: each scheduled function's handler is invoked on a
thread at its ``rate(...)``, first one interval after the stack starts, as a new schedule does.
"""

from __future__ import annotations

import re
import threading
import traceback
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

_RATE = re.compile(r"^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$")
_UNIT_S = {"minute": 60, "hour": 3600, "day": 86400}


def rate_seconds(expression: str) -> float:
    """``rate(10 minutes)`` in seconds; other expressions (cron, at) are refused."""
    match = _RATE.match(expression.strip())
    if not match:
        raise ValueError(f"only rate(...) schedules run locally, not {expression!r}")
    return int(match.group(1)) * _UNIT_S[match.group(2).rstrip("s")]


def scheduled_functions(template: Mapping[str, Any]) -> dict[str, float]:
    """Each function with a schedule, and its interval in seconds."""
    found = {}
    for name, resource in template["Resources"].items():
        if resource["Type"] != "AWS::Serverless::Function":
            continue
        for event in (resource.get("Properties", {}).get("Events") or {}).values():
            if event.get("Type") in ("Schedule", "ScheduleV2"):
                found[name] = rate_seconds(event["Properties"]["ScheduleExpression"])
    return found


@dataclass
class Repeat:
    """``fn()`` every ``interval_s`` on a daemon thread named ``name`` until stopped, first one
    interval after ``start``; a run that raises is printed and the next one runs. The local
    stack's stand-ins for AWS's own triggers (schedules, stream pollers) all run on it."""

    name: str
    fn: Callable[[], Any]
    interval_s: float
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def start(self) -> Repeat:
        def run() -> None:
            while not self._stop.wait(self.interval_s):
                try:
                    self.fn()
                except Exception:  # the trigger outlives a failed run
                    traceback.print_exc()

        self._thread = threading.Thread(target=run, daemon=True, name=self.name)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)


#: What EventBridge Scheduler hands a function (the fields a handler might read).
SCHEDULED_EVENT = {"source": "aws.scheduler", "detail-type": "Scheduled Event"}


def local_schedule(name: str, invoke: Callable[[dict[str, Any]], Any], interval_s: float) -> Repeat:
    """The scheduled function ``name``: ``invoke`` with the scheduler's event at its rate."""
    return Repeat(f"schedule-{name}", lambda: invoke(dict(SCHEDULED_EVENT)), interval_s)
