"""A batch's calling window: open now, or how long until it opens (zones, days, midnight)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from vclient.api.batches import RetryPolicy, StartBatchRequest, Window
from vclient.logic.batches import window_wait_s

MSK = ZoneInfo("Europe/Moscow")


def at(text: str, zone: ZoneInfo = MSK) -> float:
    return datetime.fromisoformat(text).replace(tzinfo=zone).timestamp()


def window(**kw: object) -> Window:
    return Window.model_validate({"timezone": "Europe/Moscow", **kw})


def test_open_inside_closed_before_and_after() -> None:
    w = window(**{"from": "09:00", "to": "18:00"})
    # 2026-12-03 is a Thursday
    assert window_wait_s(w, at("2026-12-03T12:00:00")) == 0
    assert window_wait_s(w, at("2026-12-03T08:59:30")) == 30
    # After 18:00 the next opening is tomorrow at 09:00 (15 h later)
    assert window_wait_s(w, at("2026-12-03T18:00:00")) == 15 * 3600


def test_days_skip_to_the_next_listed_day() -> None:
    w = window(**{"from": "09:00", "to": "18:00", "days": ["mon", "tue", "wed", "thu", "fri"]})
    # Friday evening → Monday 09:00
    friday_evening = at("2026-12-04T19:00:00")
    assert window_wait_s(w, friday_evening) == at("2026-12-07T09:00:00") - friday_evening
    # Saturday noon is closed though 09–18
    assert window_wait_s(w, at("2026-12-05T12:00:00")) > 0


def test_a_window_over_midnight_belongs_to_the_day_it_opens() -> None:
    w = window(**{"from": "22:00", "to": "02:00", "days": ["fri"]})
    assert window_wait_s(w, at("2026-12-04T23:30:00")) == 0  # Friday night
    assert window_wait_s(w, at("2026-12-05T01:30:00")) == 0  # Saturday 01:30, still Friday's
    assert window_wait_s(w, at("2026-12-05T03:00:00")) > 0


def test_the_zone_is_the_windows_own() -> None:
    # 09:00 in Moscow is 06:00 UTC
    w = window(**{"from": "09:00:00", "to": "10:00"})
    utc = ZoneInfo("UTC")
    assert window_wait_s(w, at("2026-12-03T05:59:00", utc)) == 60
    assert window_wait_s(w, at("2026-12-03T06:30:00", utc)) == 0
    assert window_wait_s(None, 0) == 0


@pytest.mark.parametrize(
    "bad",
    [
        {"timezone": "Nowhere/Else", "from": "09:00", "to": "18:00"},
        {"timezone": "UTC", "from": "25:00", "to": "18:00"},
        {"timezone": "UTC", "from": "09:00", "to": "09:00"},
        {"timezone": "UTC", "from": "09:00", "to": "18:00", "days": []},
        {"timezone": "UTC", "from": "09:00", "to": "18:00", "days": ["someday"]},
    ],
)
def test_bad_windows_are_refused(bad: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        Window.model_validate(bad)


def test_backoff_repeats_its_last_value() -> None:
    policy = RetryPolicy(on=["busy"], max_attempts=4, backoff_s=[10, 60])
    assert [policy.backoff_for(n) for n in (2, 3, 4)] == [10, 60, 60]


def test_the_batch_size_counts_targets_engines_and_repeats() -> None:
    body = {
        "engines": ["dialog", "realtime_pure"],
        "targets": [{"to": "+79160000001"}, {"to": "+79160000002"}],
        "repeats": 3,
    }
    assert StartBatchRequest.model_validate(body).calls == 12
