"""The sweep: a call whose final event never arrived is ended as failed (lost), once its
token has expired and no event can arrive any more; nothing else is touched."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any

import pytest

from tests.conftest import LambdaContext, import_function, run_stream
from tests.integration.scenario_calls import place as place_call
from tests.integration.scenario_calls import request


@pytest.fixture
def start_call(function_env: dict[str, dict[str, str]], monkeypatch: pytest.MonkeyPatch) -> Any:
    return import_function("start_call", function_env["StartCallFunction"], monkeypatch)


@pytest.fixture
def sweep_fn(function_env: dict[str, dict[str, str]], monkeypatch: pytest.MonkeyPatch) -> Any:
    return import_function("sweep", function_env["SweepFunction"], monkeypatch)


@pytest.fixture
def evaluate_fn(function_env: dict[str, dict[str, str]], monkeypatch: pytest.MonkeyPatch) -> Any:
    return import_function("evaluate", function_env["EvaluateFunction"], monkeypatch)


@pytest.fixture
def events_fn(function_env: dict[str, dict[str, str]], monkeypatch: pytest.MonkeyPatch) -> Any:
    return import_function("events", function_env["EventsFunction"], monkeypatch)


@pytest.fixture
def place(start_call: Any, fake_vox: Any) -> Any:
    return lambda: place_call(start_call, fake_vox).call_id


def age(aws: Any, call_id: str, *, hours: float, status: str, token_left_s: float) -> None:
    """The call as if created ``hours`` ago, with ``status`` and a token ending in
    ``token_left_s`` (negative: expired)."""
    created = datetime.fromtimestamp(time.time() - hours * 3600, UTC)
    aws.clients["dynamodb"].update_item(
        TableName=aws.done.names["CallsTable"],
        Key={"pk": {"S": call_id}, "sk": {"S": "CALL"}},
        UpdateExpression="SET created_at = :c, #s = :s, token_expires_at = :t",
        ExpressionAttributeNames={"#s": "status"},
        ExpressionAttributeValues={
            ":c": {"S": created.isoformat(timespec="milliseconds")},
            ":s": {"S": status},
            ":t": {"N": str(int(time.time() + token_left_s))},
        },
    )


def test_a_connected_call_past_its_token_is_ended_as_lost(
    aws: Any, place: Any, sweep_fn: Any
) -> None:
    # Given a call that connected two hours ago and whose token has expired
    call_id = place()
    age(aws, call_id, hours=2, status="connected", token_left_s=-60)
    # When the sweep runs
    result = sweep_fn.handler({"source": "aws.scheduler"}, LambdaContext())
    # Then the call is failed, with a failure that says it was lost, and nothing else changed
    assert result == {"swept": [call_id]}
    item = aws.call_item(call_id)
    assert item["status"] == "failed"
    assert item["failure"]["source"] == "system"
    assert item["failure"]["reason"] == "lost"
    assert item["to"] == "+79161234567"
    # And a second sweep finds nothing to do
    assert sweep_fn.handler({}, LambdaContext()) == {"swept": []}


def test_calls_that_may_still_hear_from_their_scenario_or_have_ended_are_left_alone(
    aws: Any, place: Any, sweep_fn: Any
) -> None:
    # Given a long call whose token is still valid, a fresh call, and an old completed one
    live = place()
    age(aws, live, hours=2, status="connected", token_left_s=600)
    fresh = place()
    ended = place()
    age(aws, ended, hours=3, status="completed", token_left_s=-3600)
    before = {c: aws.call_item(c) for c in (live, fresh, ended)}
    # When the sweep runs
    assert sweep_fn.handler({}, LambdaContext()) == {"swept": []}
    # Then none of them changed
    assert {c: aws.call_item(c) for c in (live, fresh, ended)} == before


def test_a_final_event_that_lands_during_the_sweep_wins(
    aws: Any, place: Any, sweep_fn: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a lost-looking call whose final event lands between the sweep's read and its write
    call_id = place()
    age(aws, call_id, hours=2, status="connected", token_left_s=-60)
    calls = sweep_fn.sweep.calls
    read = calls.get

    def read_then_end(cid: str) -> Any:
        record = read(cid)
        age(aws, cid, hours=2, status="completed", token_left_s=-60)
        return record

    monkeypatch.setattr(calls, "get", read_then_end)
    # When the sweep runs
    assert sweep_fn.handler({}, LambdaContext()) == {"swept": []}
    # Then the call keeps the outcome its scenario reported
    item = aws.call_item(call_id)
    assert (item["status"], item.get("failure")) == ("completed", None)


def test_a_swept_call_gets_its_evaluation_like_any_ended_call(
    aws: Any, start_call: Any, fake_vox: Any, events_fn: Any, sweep_fn: Any, evaluate_fn: Any
) -> None:
    # Given a call that connected and said a line, then never reported its end
    call = place_call(start_call, fake_vox)
    t0 = int(time.time() * 1000) - 2 * 3600 * 1000
    events = [
        {"seq": 1, "type": "dialing", "t": t0},
        {"seq": 2, "type": "connected", "t": t0 + 5000},
        {"seq": 3, "type": "transcript", "t": t0 + 8000, "who": "operator", "text": "Алло"},
    ]
    status, body = request(events_fn, "post_events.json", call, {"events": events})
    assert status == 200, body
    run_stream(aws, evaluate_fn)  # nothing has ended yet
    assert "verdict" not in aws.call_item(call.call_id)
    age(aws, call.call_id, hours=2, status="connected", token_left_s=-60)
    # When the sweep ends it and the table's stream runs the evaluate function
    assert sweep_fn.handler({}, LambdaContext()) == {"swept": [call.call_id]}
    run_stream(aws, evaluate_fn)
    # Then the call has its evaluation, as a failed call does
    assert aws.call_item(call.call_id)["verdict"]
