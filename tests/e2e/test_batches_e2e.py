"""Batches end to end on the local local: the real handlers, the batch worker fed from moto's
SQS by the local consumer, every call run by its real scenario in the VoxEngine emulator.

Figures of the report are recomputed here from ``GET /call/{id}`` of every call, with code of
this test's own (not the report's)."""

from __future__ import annotations

import itertools
import math
import statistics
import time
from collections import Counter
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import requests

from vclient_dev.emulator import OPERATORS, bundled_operator, load_operator
from vclient_dev.local_stack import LocalStack

ENGINES = ["dialog", "realtime", "realtime_pure"]
GOOD = "+79160000011"
BRIEF = "+79160000012"


@pytest.fixture(autouse=True)
def _clean_vox() -> None:
    """This module runs its own in-process stack (it sets operators per number), not the
    subprocess stack the shared fixture cleans."""


@pytest.fixture(scope="module")
def local() -> Iterator[LocalStack]:
    with LocalStack(port=0, env_file=None) as running:
        if running.emulator is None:
            pytest.skip(f"no emulator: {running.emulator_error}")
        yield running


class Api:
    def __init__(self, local: LocalStack) -> None:
        self.url = local.api.url
        self.headers = {"x-api-key": local.api_key}

    def post(self, path: str, body: Any = None) -> requests.Response:
        return requests.post(f"{self.url}{path}", json=body, headers=self.headers, timeout=30)

    def get(self, path: str) -> dict[str, Any]:
        response = requests.get(f"{self.url}{path}", headers=self.headers, timeout=30)
        assert response.status_code == 200, response.text
        return dict(response.json())

    def start(self, body: dict[str, Any]) -> str:
        response = self.post("/batches", {"persona": "car_buyer", **body})
        assert response.status_code == 202, response.text
        return str(response.json()["batch_id"])

    def wait(self, batch_id: str, states: tuple[str, ...] = ("done",), timeout_s: float = 600):
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            view = self.get(f"/batches/{batch_id}")
            if view["state"] in states and view["live"] == 0:
                return view
            time.sleep(0.5)
        raise AssertionError(f"batch {batch_id} still {view['state']}: {view['counts']}")

    def calls(self, view: dict[str, Any]) -> list[dict[str, Any]]:
        return [self.get(f"/call/{c['call_id']}") for c in view["calls"]]


@pytest.fixture(scope="module")
def batch_api(local: LocalStack) -> Api:
    local.set_operator_for(GOOD, bundled_operator("car_buyer"))
    local.set_operator_for(BRIEF, load_operator(OPERATORS / "car_buyer_brief.yaml"))
    return Api(local)


def _t(text: str) -> float:
    return datetime.fromisoformat(text).timestamp()


def most_live(calls: list[dict[str, Any]]) -> int:
    """The most calls live at one moment, from their own timestamps on the backend's clock:
    ``created_at`` (the start) to ``updated_at`` (the last event batch stored, the one with
    ``ended``). ``ended_at`` is the scenario's clock, virtual in the emulator."""
    marks = []
    for call in calls:
        marks += [(_t(call["created_at"]), 1), (_t(call["updated_at"]), -1)]
    live = peak = 0
    for _, step in sorted(marks, key=lambda m: (m[0], m[1])):
        live += step
        peak = max(peak, live)
    return peak


def nearest_rank(values: list[int], q: float) -> int | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(1, math.ceil(q * len(ordered))) - 1]


@pytest.fixture(scope="module")
def twelve(batch_api: Api) -> dict[str, Any]:
    """2 targets × 3 engines × 2 repeats, two at a time."""
    batch_id = batch_api.start(
        {
            "engines": ENGINES,
            "targets": [{"to": GOOD}, {"to": BRIEF, "labels": {"trainee": "brief"}}],
            "repeats": 2,
            "max_concurrent": 2,
            "labels": {"purpose": "e2e"},
        }
    )
    view = batch_api.wait(batch_id)
    # The evaluations come after each hang-up and may land while the report is read: take a
    # report whose calls read the same before and after it.
    for _ in range(20):
        before = batch_api.calls(view)
        report = batch_api.get(f"/reports/compare?batch={batch_id}")
        calls = batch_api.calls(view)
        if [c["evaluation"] for c in before] == [c["evaluation"] for c in calls]:
            break
        time.sleep(1)
    else:
        raise AssertionError("the evaluations kept changing while the report was read")
    return {"batch_id": batch_id, "view": view, "calls": calls, "report": report}


def test_a_batch_makes_exactly_its_calls_two_at_a_time(twelve: dict[str, Any]) -> None:
    view, calls = twelve["view"], twelve["calls"]
    # Then the batch is done with exactly 12 calls, 4 per engine, every one completed
    assert view["state"] == "done"
    assert len(calls) == 12 == view["counts"]["calls"]
    assert Counter(c["engine"] for c in calls) == {e: 4 for e in ENGINES}
    assert view["counts"]["by_state"] == {"done": 12}
    assert all(c["status"] == "completed" for c in calls), [c["status"] for c in calls]
    # And each call carries the batch id, its attempt and the batch's and target's labels
    for call in calls:
        assert call["labels"]["batch"] == twelve["batch_id"]
        assert call["labels"]["attempt"] == "1" and call["labels"]["purpose"] == "e2e"
    assert {c["labels"].get("trainee") for c in calls if c["to"] == BRIEF} == {"brief"}
    # And never more than two were live at once (from the calls' own timestamps)
    assert most_live(calls) == 2


def test_the_report_matches_the_calls(batch_api: Api, twelve: dict[str, Any]) -> None:
    report, calls = twelve["report"], twelve["calls"]
    assert report["calls"] == 12 and report["engines"] == ENGINES
    assert report["timing"] == "simulated"
    for engine in ENGINES:
        mine = [c for c in calls if c["engine"] == engine]
        figures = report["by_engine"][engine]
        turns = [t for c in mine for t in c["turns"]]
        v2v = [t["voice_to_voice_ms"] for t in turns if t["voice_to_voice_ms"] is not None]
        backend = [t["backend_ms"] for t in turns if t["backend_ms"] is not None]
        assert figures["calls"] == len(mine) == 4
        assert sorted(figures["call_ids"]) == sorted(c["call_id"] for c in mine)
        assert figures["answered"]["n"] == sum(1 for c in mine if c["connected_at"])
        assert figures["answered"]["pct"] == 100.0
        assert figures["voice_to_voice_ms"]["n"] == len(v2v) > 0
        for q, key in ((0.5, "p50"), (0.9, "p90"), (0.95, "p95")):
            assert figures["voice_to_voice_ms"][key] == nearest_rank(v2v, q), (engine, key)
        assert figures["voice_to_voice_ms"]["timing"] == "simulated"
        assert figures["backend_ms"]["p50"] == nearest_rank(backend, 0.5)
        assert figures["endings"] == dict(Counter(c["summary"]["ending"] or "none" for c in mine))
        assert figures["barge_ins"]["total"] == sum(c["summary"]["barge_ins"] for c in mine)
        assert figures["deviations"]["total"] == sum(c["summary"]["deviations"] for c in mine)
        first = [
            min(
                (t for t in c["turns"] if t["voice_to_voice_ms"] is not None),
                key=lambda t: t["turn"],
            )["voice_to_voice_ms"]
            for c in mine
            if any(t["voice_to_voice_ms"] is not None for t in c["turns"])
        ]
        assert figures["first_reply_ms"]["p50"] == nearest_rank(first, 0.5)
        # And the verdicts: medians of the operator score and the fidelity, the cost per call
        done = [c["evaluation"] for c in mine if c["evaluation"]["status"] == "done"]
        scores = [e["operator"]["score"] for e in done]
        fidelities = [
            c["evaluation"]["client"]["fidelity"]
            for c in mine
            if isinstance((c["evaluation"].get("client") or {}).get("fidelity"), int | float)
        ]
        assert figures["operator_score"]["n"] == len(scores)
        assert figures["operator_score"]["median"] == statistics.median(scores)
        assert figures["fidelity"]["median"] == (
            statistics.median(fidelities) if fidelities else None
        )
        costs = [
            c["evaluation"]["cost"]["total_usd"]
            for c in mine
            if isinstance(c["evaluation"]["cost"]["total_usd"], int | float)
        ]
        expected_cost = round(sum(costs) / len(costs), 6) if costs else "unknown"
        assert (
            figures["cost"]["per_call_usd"] == pytest.approx(expected_cost)
            if costs
            else (figures["cost"]["per_call_usd"] == "unknown")
        )
        assert figures["cost"]["calls_unknown"] == len(mine) - len(costs)
        # And the histogram holds every turn of the engine
        assert sum(report["voice_to_voice_histogram"]["counts"][engine]) == len(v2v)
    # And the same calls picked by their batch label (GET /calls's index) give the same figures
    by_label = batch_api.get(f"/reports/compare?label=batch:{twelve['batch_id']}")
    for engine in ENGINES:
        mine, theirs = report["by_engine"][engine], by_label["by_engine"][engine]
        assert sorted(theirs.pop("call_ids")) == sorted(mine.pop("call_ids"))
        # (the verdicts may have moved on since: evaluations keep landing after the hang-ups)
        for key in ("fidelity", "operator_score", "cost"):
            theirs.pop(key), mine.pop(key)
        assert theirs == mine
    # And the paired table pairs the two targets across the engines
    assert {row["target"] for row in report["paired"]["fidelity"]["targets"]} <= {GOOD, BRIEF}


def test_a_busy_target_is_retried_as_configured_and_a_completed_one_never(
    local: LocalStack, batch_api: Api
) -> None:
    # Given one number busy once then answered, one always busy, and one that answers
    busy_once, always_busy = "+79160000021", "+79160000022"
    local.set_operators_for(busy_once, [{"answer": "busy"}, bundled_operator("car_buyer")])
    local.set_operator_for(always_busy, {"answer": "busy"})
    batch_id = batch_api.start(
        {
            "engines": ["dialog"],
            "targets": [{"to": busy_once}, {"to": always_busy}, {"to": GOOD}],
            "max_concurrent": 3,
            "retry": {"on": ["busy"], "max_attempts": 3, "backoff_s": [1, 2]},
        }
    )
    view = batch_api.wait(batch_id)
    calls = {c["call_id"]: c for c in batch_api.calls(view)}
    by_number = Counter(c["to"] for c in calls.values())
    # Then: busy once → two calls, ending completed; always busy → three calls; GOOD → one
    assert by_number == {busy_once: 2, always_busy: 3, GOOD: 1}
    outcomes = {i["to"]: (i["outcome"], i["attempt"]) for i in view["items"]}
    assert outcomes == {
        busy_once: ("completed", 2),
        always_busy: ("busy", 3),
        GOOD: ("completed", 1),
    }
    # And each retry carries its attempt number, after the previous attempt ended
    tries = sorted(
        (c for c in calls.values() if c["to"] == always_busy), key=lambda c: c["created_at"]
    )
    assert [c["labels"]["attempt"] for c in tries] == ["1", "2", "3"]
    for before, after in itertools.pairwise(tries):
        assert _t(after["created_at"]) >= _t(before["updated_at"])


def _clock(moment: datetime) -> str:
    return moment.strftime("%H:%M:%S")


def test_a_window_open_since_the_past_starts_at_once(batch_api: Api) -> None:
    zone = ZoneInfo("Europe/Moscow")
    now = datetime.now(zone)
    window = {
        "timezone": "Europe/Moscow",
        "from": _clock(now - timedelta(hours=1)),
        "to": _clock(now + timedelta(hours=1)),
    }
    started = time.time()
    batch_id = batch_api.start({"engines": ["dialog"], "targets": [{"to": GOOD}], "window": window})
    view = batch_api.wait(batch_id)
    [call] = batch_api.calls(view)
    assert _t(call["created_at"]) - started < 5


def test_a_window_that_opens_later_holds_every_call_until_it_opens(batch_api: Api) -> None:
    zone = ZoneInfo("Asia/Tokyo")
    opens = datetime.now(zone).replace(microsecond=0) + timedelta(seconds=6)
    window = {
        "timezone": "Asia/Tokyo",
        "from": _clock(opens),
        "to": _clock(opens + timedelta(hours=1)),
    }
    batch_id = batch_api.start(
        {"engines": ["dialog", "realtime"], "targets": [{"to": GOOD}], "window": window}
    )
    time.sleep(2)
    early = batch_api.get(f"/batches/{batch_id}")
    # Then before it opens nothing is dialed, and the items say when they will be
    assert early["calls"] == []
    assert {i["state"] for i in early["items"]} == {"waiting"}
    assert {_t(i["next_at"]) for i in early["items"]} == {opens.timestamp()}
    view = batch_api.wait(batch_id)
    calls = batch_api.calls(view)
    assert len(calls) == 2
    assert all(_t(c["created_at"]) >= opens.timestamp() for c in calls)


def test_pause_holds_new_calls_resume_goes_on_cancel_stops_the_rest(batch_api: Api) -> None:
    batch_id = batch_api.start(
        {"engines": ENGINES, "targets": [{"to": GOOD}], "repeats": 2, "max_concurrent": 1}
    )
    assert batch_api.post(f"/batches/{batch_id}/pause").json()["state"] == "paused"
    paused = batch_api.wait(batch_id, states=("paused",))
    held = len(paused["calls"])
    time.sleep(3)
    # Then while paused no call starts (one may have started before the pause landed)
    assert len(batch_api.get(f"/batches/{batch_id}")["calls"]) == held <= 1
    assert batch_api.post(f"/batches/{batch_id}/resume").json()["state"] == "running"
    deadline = time.monotonic() + 600
    while len(batch_api.get(f"/batches/{batch_id}")["calls"]) < held + 2:
        assert time.monotonic() < deadline
        time.sleep(0.3)
    assert batch_api.post(f"/batches/{batch_id}/cancel").json()["state"] == "cancelled"
    view = batch_api.wait(batch_id, states=("cancelled",))
    made = len(view["calls"])
    time.sleep(3)
    # Then the rest is cancelled and nothing more is dialed
    after = batch_api.get(f"/batches/{batch_id}")
    assert len(after["calls"]) == made < 6
    assert after["counts"]["by_state"].get("cancelled") == 6 - made
    assert batch_api.post(f"/batches/{batch_id}/resume").status_code == 409
