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
class LocalSchedule:
    """One scheduled function: ``invoke({})`` every ``interval_s`` until stopped."""

    name: str
    invoke: Callable[[dict[str, Any]], Any]
    interval_s: float
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None
    runs: int = 0

    def start(self) -> LocalSchedule:
        def run() -> None:
            while not self._stop.wait(self.interval_s):
                try:
                    self.invoke({"source": "aws.scheduler", "detail-type": "Scheduled Event"})
                except Exception:  # a failed run is logged; the schedule keeps going
                    traceback.print_exc()
                self.runs += 1

        self._thread = threading.Thread(target=run, daemon=True, name=f"schedule-{self.name}")
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
