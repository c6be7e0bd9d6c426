"""POST /call/{id}/events and GET /call/{id} through the real events handler."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.conftest import (
    LambdaContext,
    import_function,
    load_event,
    operator_lines,
    replay_stream,
    run_stream,
)
from tests.integration.scenario_calls import Call, place, reply, session

T0 = 1_795_000_000_000


@pytest.fixture
def start_call(function_env: dict[str, dict[str, str]], monkeypatch: pytest.MonkeyPatch) -> Any:
    return import_function("start_call", function_env["StartCallFunction"], monkeypatch)


@pytest.fixture
def events_fn(function_env: dict[str, dict[str, str]], monkeypatch: pytest.MonkeyPatch) -> Any:
    return import_function("events", function_env["EventsFunction"], monkeypatch)


@pytest.fixture
def dialog(function_env: dict[str, dict[str, str]], monkeypatch: pytest.MonkeyPatch) -> Any:
    return import_function("dialog", function_env["DialogFunction"], monkeypatch)


def post(module: Any, call: Call, events: Any, token: str | None = "call") -> tuple[int, dict]:
    event = load_event("post_events.json")
    for key in ("path",):
        event[key] = event[key].replace("0123456789abcdef0123456789abcdef", call.call_id)
    event["pathParameters"] = {"call_id": call.call_id}
    if token is None:
        event["headers"].pop("Authorization")
        event["multiValueHeaders"].pop("Authorization")
    else:
        value = f"Bearer {call.token if token == 'call' else token}"
        event["headers"]["Authorization"] = value
        event["multiValueHeaders"]["Authorization"] = [value]
    event["body"] = events if isinstance(events, str) else json.dumps({"events": events})
    result = module.handler(event, LambdaContext())
    return result["statusCode"], json.loads(result["body"])


def get_call(module: Any, call_id: str) -> tuple[int, dict]:
    event = load_event("get_call.json")
    event["path"] = event["path"].replace("0123456789abcdef0123456789abcdef", call_id)
    event["pathParameters"] = {"call_id": call_id}
    result = module.handler(event, LambdaContext())
    return result["statusCode"], json.loads(result["body"])


def ev(seq: int, kind: str, t: int | None = None, **fields: Any) -> dict[str, Any]:
    return {"seq": seq, "type": kind, "t": T0 + (t if t is not None else seq * 1000), **fields}


def test_a_replayed_batch_is_accepted_without_duplicates(
    start_call: Any, events_fn: Any, fake_vox: Any
) -> None:
    call = place(start_call, fake_vox)
    batch = [ev(1, "session_started", engine="dialog"), ev(2, "dialing"), ev(3, "ringing")]
    assert post(events_fn, call, batch) == (
        200,
        {"accepted": 3, "duplicates": 0, "status": "ringing"},
    )
    # When the scenario re-sends the same batch (its first request timed out)
    assert post(events_fn, call, batch) == (
        200,
        {"accepted": 0, "duplicates": 3, "status": "ringing"},
    )
    # And a batch overlapping old and new events
    status, body = post(events_fn, call, [ev(3, "ringing"), ev(4, "connected")])
    assert (status, body["accepted"], body["duplicates"], body["status"]) == (
        200,
        1,
        1,
        "connected",
    )
    view = get_call(events_fn, call.call_id)[1]
    assert view["events"] == 4


def test_status_never_moves_backwards(start_call: Any, events_fn: Any, fake_vox: Any) -> None:
    call = place(start_call, fake_vox)
    # Given a later batch that arrives first
    assert post(events_fn, call, [ev(3, "connected")])[1]["status"] == "connected"
    # When the earlier batch arrives late
    assert post(events_fn, call, [ev(1, "dialing"), ev(2, "ringing")])[1]["status"] == "connected"
    assert (
        post(
            events_fn,
            call,
            [ev(5, "ended", reason="end_call", hangup_by="client", duration_ms=61000)],
        )[1]["status"]
        == "completed"
    )
    # Then a straggler cannot reopen a finished call
    assert post(events_fn, call, [ev(4, "connected")])[1]["status"] == "completed"
    view = get_call(events_fn, call.call_id)[1]
    assert (view["status"], view["hangup_by"], view["duration_ms"]) == (
        "completed",
        "client",
        61000,
    )


@pytest.mark.parametrize(
    ("code", "status"),
    [(486, "busy"), (408, "no_answer"), (480, "no_answer"), (603, "rejected"), (404, "failed")],
)
def test_failed_codes_map_to_final_statuses(
    start_call: Any, events_fn: Any, fake_vox: Any, code: int, status: str
) -> None:
    call = place(start_call, fake_vox)
    batch = [
        ev(1, "dialing"),
        ev(2, "failed", code=code, reason="x"),
        ev(3, "ended", reason="failed", hangup_by="operator", duration_ms=0),
    ]
    assert post(events_fn, call, batch)[1]["status"] == status
    view = get_call(events_fn, call.call_id)[1]
    assert view["failure"] == {"source": "call", "code": code, "reason": "x"}
    assert view["summary"]["turns"] == 0


BAD_EVENTS = [
    ([{"seq": 1, "type": "teleport", "t": T0}], "events[0]"),
    ([ev(1, "dialing"), ev(2, "transcript", who="robot", text="hi")], "events[1].who"),
    ([ev(1, "failed")], "events[0].code"),
    ([ev(1, "dialing", extra=1)], "events[0].extra"),
    ([{"type": "dialing", "t": T0}], "events[0].seq"),
    ([ev(1, "dialing"), ev(1, "ringing")], "events"),
    ([ev(1, "ended", reason="bored", hangup_by="client")], "events[0].reason"),
]


@pytest.mark.parametrize(("batch", "field"), BAD_EVENTS)
def test_a_bad_event_is_named_and_nothing_is_stored(
    start_call: Any, events_fn: Any, fake_vox: Any, batch: list[Any], field: str
) -> None:
    call = place(start_call, fake_vox)
    status, body = post(events_fn, call, batch)
    assert (status, body["code"], body["field"]) == (422, "validation_error", field), body
    view = get_call(events_fn, call.call_id)[1]
    assert (view["events"], view["status"]) == (0, "starting")


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ("{", 400, "invalid_json"),
        ('{"events": []}', 422, "validation_error"),
        ('{"events": "x"}', 422, "validation_error"),
        (json.dumps({"events": [ev(i, "dialing") for i in range(1, 52)]}), 422, "validation_error"),
    ],
)
def test_malformed_batches(
    start_call: Any, events_fn: Any, fake_vox: Any, body: str, status: int, code: str
) -> None:
    call = place(start_call, fake_vox)
    got = post(events_fn, call, body)
    assert (got[0], got[1]["code"]) == (status, code)


def test_events_need_the_calls_token(start_call: Any, events_fn: Any, fake_vox: Any) -> None:
    call = place(start_call, fake_vox)
    other = place(start_call, fake_vox)
    assert post(events_fn, call, [ev(1, "dialing")], token=None)[0] == 401
    assert post(events_fn, call, [ev(1, "dialing")], token=other.token)[0] == 403


def test_get_unknown_call_is_404(events_fn: Any, aws: Any) -> None:
    assert get_call(events_fn, "a" * 32)[0] == 404
    assert get_call(events_fn, "nope")[0] == 422


@pytest.fixture
def evaluate_fn(function_env: dict[str, dict[str, str]], monkeypatch: pytest.MonkeyPatch) -> Any:
    return import_function("evaluate", function_env["EvaluateFunction"], monkeypatch)


def test_call_view_assembles_transcript_turns_and_summary(
    start_call: Any, events_fn: Any, dialog: Any, fake_vox: Any, aws: Any, evaluate_fn: Any
) -> None:
    # Given a dialog call driven to its end, reported by the scenario's events
    call = place(start_call, fake_vox, persona="car_buyer")
    first = session(dialog, call)[1]["first_line"]
    batch = [
        ev(1, "session_started", t=0, engine="dialog"),
        ev(2, "dialing", t=100),
        ev(3, "connected", t=5000),
        ev(4, "recording", t=5001, url="https://records.example/1.mp3"),
        ev(5, "transcript", t=5200, who="client", text=first, turn=0),
    ]
    seq, t = 6, 8000
    for turn, line in enumerate(operator_lines("car_buyer"), start=1):
        answer = reply(dialog, call, turn, line)[1]
        batch += [
            ev(seq, "transcript", t=t, who="operator", text=line, turn=turn),
            ev(seq + 1, "transcript", t=t + 900, who="client", text=answer["reply"], turn=turn),
            ev(
                seq + 2,
                "turn",
                t=t + 901,
                turn=turn,
                speech_end_at=T0 + t,
                reply_requested_at=T0 + t + 300,
                reply_received_at=T0 + t + 500,
                audio_started_at=T0 + t + 600 + 100 * turn,
                backend_ms=answer["backend_ms"],
                llm_ms=None,
                fallback=False,
            ),
        ]
        seq, t = seq + 3, t + 5000
        if answer["end_call"]:
            break
    batch.append(ev(seq, "ended", t=t, reason="end_call", hangup_by="client", duration_ms=t - 5000))
    for start in range(0, len(batch), 10):
        assert post(events_fn, call, batch[start : start + 10])[0] == 200
    # Before its evaluation the coverage is unknown, never a 0
    pending = get_call(events_fn, call.call_id)[1]
    assert pending["evaluation"] == {"status": "pending"}
    assert pending["summary"]["topics"]["covered"] is None
    assert pending["summary"]["topics"]["total"] == 5
    # When the calls table's stream reaches the evaluate function, and the call is read back
    assert run_stream(aws, evaluate_fn) > 0
    status, view = get_call(events_fn, call.call_id)
    # Then it holds the whole conversation and a comparable summary
    assert status == 200
    assert view["status"] == "completed"
    assert view["recording_url"] == "https://records.example/1.mp3"
    assert view["transcript"][0] == {"who": "client", "text": first, "t": T0 + 5200, "turn": 0}
    assert [line["who"] for line in view["transcript"][1:3]] == ["operator", "client"]
    turns = view["turns"]
    assert [x["voice_to_voice_ms"] for x in turns] == [600 + 100 * n for n in range(1, 7)]
    assert all(x["reply_roundtrip_ms"] == 200 for x in turns)
    summary = view["summary"]
    assert summary["turns"] == 6
    assert summary["voice_to_voice_ms"] == {"p50": 900, "p95": 1200}
    assert summary["topics"]["covered"] == summary["topics"]["total"] == 5
    assert summary["topics"]["method"] == "heuristic"
    assert summary["ending"] == "success"
    assert view["persona"]["name"] == "Андрей Смирнов"
    # And the evaluation is there whole: the scorecard, the fidelity, the cost
    evaluation = view["evaluation"]
    assert evaluation["status"] == "done" and evaluation["method"] == "heuristic"
    assert summary["topics"]["ids"] == evaluation["topics"]["ids"]
    assert 0 <= evaluation["operator"]["score"] <= 100 and evaluation["operator"]["level"]
    assert evaluation["client"]["fidelity"] is not None
    assert evaluation["cost"]["pricing_as_of"]
    # And a second delivery of the same records changes nothing (stored once)
    again = aws.call_item(call.call_id)["verdict"]
    assert again["operator_score"] == evaluation["operator"]["score"]
    replay_stream(aws, evaluate_fn)
    assert get_call(events_fn, call.call_id)[1]["evaluation"] == evaluation


def test_session_is_closed_once_the_call_has_ended(
    start_call: Any, events_fn: Any, dialog: Any, fake_vox: Any, aws: Any
) -> None:
    call = place(start_call, fake_vox)
    first = session(dialog, call)
    assert first[0] == 200
    # A re-fetch during the call answers from the call's snapshot, not from today's SSM
    aws.put_param("dialog/asr_profile", "Yandex.ru_RU")
    assert session(dialog, call)[1]["dialog"]["asr_profile"] == first[1]["dialog"]["asr_profile"]
    batch = [
        ev(1, "connected"),
        ev(2, "ended", reason="end_call", hangup_by="client", duration_ms=1000),
    ]
    assert post(events_fn, call, batch)[1]["status"] == "completed"
    status, body = session(dialog, call)
    assert (status, body["reason"]) == (409, "call_ended")


def test_a_lost_connected_batch_does_not_fail_a_finished_call(
    start_call: Any, events_fn: Any, fake_vox: Any
) -> None:
    # Given a scenario whose `connected` batch never arrived (dropped after its retries)
    call = place(start_call, fake_vox)
    assert post(events_fn, call, [ev(1, "dialing"), ev(2, "ringing")])[0] == 200
    # When the final batch says the conversation lasted and ended normally
    batch = [ev(9, "ended", reason="end_call", hangup_by="client", duration_ms=95_000)]
    # Then the call is completed, not failed
    assert post(events_fn, call, batch)[1]["status"] == "completed"
    assert get_call(events_fn, call.call_id)[1]["failure"] is None


def test_a_call_that_never_connected_ends_failed(
    start_call: Any, events_fn: Any, fake_vox: Any
) -> None:
    call = place(start_call, fake_vox)
    batch = [
        ev(1, "error", where="session", message="x"),
        ev(2, "ended", reason="backend_error", hangup_by="system", duration_ms=0),
    ]
    assert post(events_fn, call, batch)[1]["status"] == "failed"


def test_hostile_bodies_and_tokens_are_4xx_not_crashes(
    start_call: Any, events_fn: Any, fake_vox: Any
) -> None:
    call = place(start_call, fake_vox)
    assert post(events_fn, call, "[" * 5000)[0] == 400
    assert post(events_fn, call, [ev(1, "dialing")], token="²." + "a" * 32)[0] == 403
    assert post(events_fn, call, [ev(1, "dialing")], token="1." + "é" * 32)[0] == 403
