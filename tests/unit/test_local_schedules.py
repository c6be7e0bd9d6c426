"""The local stack runs the template's scheduled functions at their rates (dev tool, pure)."""

from __future__ import annotations

import threading

import pytest

from vclient_dev.local_schedules import local_schedule, rate_seconds, scheduled_functions
from vclient_dev.template import load_template


@pytest.mark.parametrize(
    ("expression", "seconds"),
    [
        ("rate(10 minutes)", 600),
        ("rate(1 minute)", 60),
        ("rate(2 hours)", 7200),
        ("rate(1 day)", 86400),
    ],
)
def test_a_rate_is_read_in_seconds(expression: str, seconds: int) -> None:
    assert rate_seconds(expression) == seconds


@pytest.mark.parametrize(
    "expression", ["cron(0 12 * * ? *)", "at(2026-12-04T12:00:00)", "rate(ten minutes)"]
)
def test_anything_but_a_rate_is_refused_by_name(expression: str) -> None:
    with pytest.raises(ValueError, match="only rate"):
        rate_seconds(expression)


def test_the_template_schedules_the_sweep_every_ten_minutes() -> None:
    assert scheduled_functions(load_template()) == {"SweepFunction": 600}


def test_a_schedule_invokes_its_function_each_interval_until_stopped() -> None:
    ran = threading.Event()
    seen: list[dict[str, object]] = []

    def invoke(event: dict[str, object]) -> None:
        seen.append(event)
        if len(seen) >= 2:
            ran.set()
        raise RuntimeError("a failed run does not stop the schedule")

    schedule = local_schedule("SweepFunction", invoke, interval_s=0.01).start()
    assert ran.wait(5)
    schedule.stop()
    assert seen[0]["source"] == "aws.scheduler"
