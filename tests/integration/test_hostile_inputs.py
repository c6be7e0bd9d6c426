"""Inputs from a hostile battery, through the real handlers: every one gets a clear 4xx whose
body is strict JSON, and nothing crashes into a Lambda error (API Gateway's bare 502)."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest

from tests.conftest import LambdaContext, import_function, load_event
from tests.integration.scenario_calls import Call, place, reply, request, session

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


def post_events(module: Any, call: Call, body: str, token: str | None = None) -> tuple[int, str]:
    """POST /events with a raw body; returns the status and the raw body text."""
    event = load_event("post_events.json")
    event["path"] = event["path"].replace("0123456789abcdef0123456789abcdef", call.call_id)
    event["pathParameters"] = {"call_id": call.call_id}
    value = f"Bearer {token or call.token}"
    event["headers"]["Authorization"] = value
    event["multiValueHeaders"]["Authorization"] = [value]
    event["body"] = body
    result = module.handler(event, LambdaContext())
    return result["statusCode"], result["body"]


def strict_json(text: str) -> dict[str, Any]:
    """Parses as strict JSON: UTF-8 encodable, no NaN or Infinity."""
    text.encode("utf-8")  # a lone surrogate raises here

    def refuse(name: str) -> None:
        raise AssertionError(f"{name} in a response body")

    value = json.loads(text, parse_constant=refuse)
    assert isinstance(value, dict)
    return value


def ev(seq: int, kind: str, **fields: Any) -> dict[str, Any]:
    return {"seq": seq, "type": kind, "t": T0 + seq * 1000, **fields}


def signing_key(aws: Any) -> str:
    return str(
        aws.clients["secretsmanager"].get_secret_value(
            SecretId=aws.done.secret_arns["TokenSigningSecret"]
        )["SecretString"]
    )


def test_a_5000_digit_expiry_is_403_on_every_scenario_route(
    start_call: Any, dialog: Any, events_fn: Any, fake_vox: Any
) -> None:
    # Given a token whose expiry has 5000 digits (beyond Python's int parsing limit)
    call = place(start_call, fake_vox)
    hostile = "9" * 5000 + "." + "A" * 32
    # Then session, reply and events refuse it as malformed
    for status, body in (
        session(dialog, call, token=hostile),
        reply(dialog, call, 1, "Алло", token=hostile),
    ):
        assert (status, body["code"], body["reason"]) == (403, "forbidden", "malformed")
    status, text = post_events(events_fn, call, json.dumps({"events": [ev(1, "dialing")]}), hostile)
    assert (status, strict_json(text)["reason"]) == (403, "malformed")


def test_a_signed_10_year_expiry_is_403(
    start_call: Any, dialog: Any, events_fn: Any, fake_vox: Any, aws: Any
) -> None:
    from vclient.logic.call_token import mint_token

    # Given a token signed with the stack's key but valid for ten years
    call = place(start_call, fake_vox)
    forged = mint_token(
        call.call_id, signing_key(aws), now=int(time.time()), ttl_s=10 * 365 * 86400
    )
    # Then every scenario route refuses it
    status, body = session(dialog, call, token=forged)
    assert (status, body["reason"]) == (403, "too_long")
    status, text = post_events(events_fn, call, json.dumps({"events": [ev(1, "dialing")]}), forged)
    assert (status, strict_json(text)["reason"]) == (403, "too_long")


@pytest.mark.parametrize(
    "event",
    [
        ev(1, "turn", turn=10**39),
        ev(1, "transcript", who="operator", text="x", turn=10**39),
        ev(1, "turn", turn=1, backend_ms=10**39),
        ev(1, "failed", code=10**39),
        ev(1, "error", where="x", code=10**39),
        ev(1, "ended", reason="end_call", hangup_by="client", duration_ms=10**39),
        ev(1, "barge_in", turn=10**39),
    ],
    ids=[
        "turn",
        "transcript.turn",
        "backend_ms",
        "failed.code",
        "error.code",
        "duration_ms",
        "barge_in.turn",
    ],
)
def test_numbers_beyond_what_dynamodb_holds_are_422(
    start_call: Any, events_fn: Any, fake_vox: Any, event: dict[str, Any]
) -> None:
    call = place(start_call, fake_vox)
    status, text = post_events(events_fn, call, json.dumps({"events": [event]}))
    body = strict_json(text)
    assert (status, body["code"]) == (422, "validation_error")
    assert body["field"].startswith("events[0].")


def test_a_reply_turn_of_10_to_the_39_is_422(start_call: Any, dialog: Any, fake_vox: Any) -> None:
    call = place(start_call, fake_vox)
    assert session(dialog, call)[0] == 200
    status, body = request(dialog, "post_reply.json", call, {"turn": 10**39, "text": "x"})
    assert (status, body["code"], body["field"]) == (422, "validation_error", "turn")


@pytest.mark.parametrize("field", ["type", "seq"])
def test_a_lone_surrogate_gets_a_422_in_strict_json(
    start_call: Any, events_fn: Any, fake_vox: Any, field: str
) -> None:
    # Given an event whose type (or seq) is the lone surrogate "\ud800", escaped as JSON allows
    call = place(start_call, fake_vox)
    event: dict[str, Any] = ev(1, "dialing")
    event[field] = "\ud800"
    body_text = json.dumps({"events": [event]})  # ensure_ascii: the text carries "\\ud800"
    assert "\\ud800" in body_text
    # Then the answer is a 422 naming the field, in a body that is strict JSON
    status, text = post_events(events_fn, call, body_text)
    body = strict_json(text)
    assert (status, body["code"], body["field"]) == (422, "validation_error", f"events.0.{field}")
    assert "\ud800" not in text


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity", "1e400"])
def test_nan_as_seq_is_400_in_strict_json(
    start_call: Any, events_fn: Any, fake_vox: Any, constant: str
) -> None:
    call = place(start_call, fake_vox)
    body_text = f'{{"events": [{{"seq": {constant}, "type": "dialing", "t": {T0}}}]}}'
    status, text = post_events(events_fn, call, body_text)
    body = strict_json(text)
    assert (status, body["code"]) == (400, "invalid_json")


def test_an_unknown_event_type_is_not_echoed(
    start_call: Any, events_fn: Any, fake_vox: Any
) -> None:
    call = place(start_call, fake_vox)
    status, text = post_events(events_fn, call, json.dumps({"events": [ev(1, "<script>")]}))
    body = strict_json(text)
    assert (status, body["field"]) == (422, "events[0]")
    assert "<script>" not in text


def test_a_late_failed_after_completed_changes_nothing(
    start_call: Any, events_fn: Any, fake_vox: Any, aws: Any
) -> None:
    # Given a call that connected and ended completed
    call = place(start_call, fake_vox)
    done = [
        ev(1, "connected"),
        ev(2, "ended", reason="end_call", hangup_by="client", duration_ms=30_000, ending="success"),
    ]
    assert post_events(events_fn, call, json.dumps({"events": done}))[0] == 200
    before = aws.call_item(call.call_id)
    assert (before["status"], before.get("failure")) == ("completed", None)
    # When a late `failed` arrives
    status, text = post_events(
        events_fn, call, json.dumps({"events": [ev(3, "failed", code=486, reason="Busy")]})
    )
    # Then it is stored and counted, and the outcome stays as it was
    assert (status, strict_json(text)) == (
        200,
        {"accepted": 1, "duplicates": 0, "status": "completed"},
    )
    after = aws.call_item(call.call_id)
    for key in ("status", "failure", "ending", "hangup_by", "duration_ms", "end_reason"):
        assert after.get(key) == before.get(key), key


def test_a_failed_after_ended_in_the_same_batch_changes_nothing(
    start_call: Any, events_fn: Any, fake_vox: Any, aws: Any
) -> None:
    call = place(start_call, fake_vox)
    batch = [
        ev(1, "connected"),
        ev(2, "ended", reason="operator_hangup", hangup_by="operator", duration_ms=9_000),
        ev(3, "failed", code=603, reason="Decline"),
    ]
    assert post_events(events_fn, call, json.dumps({"events": batch}))[0] == 200
    item = aws.call_item(call.call_id)
    assert (item["status"], item.get("failure")) == ("completed", None)


def test_an_unexpected_exception_is_a_logged_fixed_500(
    start_call: Any,
    events_fn: Any,
    fake_vox: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import logging

    from vclient.observability import logger

    call = place(start_call, fake_vox)
    records: list[logging.LogRecord] = []
    collector = logging.Handler()
    collector.emit = records.append  # type: ignore[method-assign]
    logging.getLogger(logger.name).addHandler(collector)

    def broken(*_: Any, **__: Any) -> Any:
        raise RuntimeError("the table exploded")

    # Given a store that raises something nobody expected
    monkeypatch.setattr(events_fn.record_events.calls, "get", broken)
    # When the scenario posts events
    status, text = post_events(events_fn, call, json.dumps({"events": [ev(1, "dialing")]}))
    # Then it gets a fixed 500 body (not a Lambda error), and the log has the traceback
    body = strict_json(text)
    assert (status, body["code"]) == (500, "internal_error")
    assert "exploded" not in text
    logging.getLogger(logger.name).removeHandler(collector)
    errors = [r for r in records if r.getMessage() == "Unexpected error"]
    assert errors and errors[0].exc_info and errors[0].exc_info[0] is RuntimeError
