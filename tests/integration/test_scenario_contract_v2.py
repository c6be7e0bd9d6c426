"""Contract 2 of the scenario contract through the real handlers: who speaks first, the hybrid
mode and the Realtime session settings from SSM, a cut opening asked again, both operator texts
per turn, and deviation events counted in GET /call/{id}."""

from __future__ import annotations

import json
from typing import Any

import pytest
from openai.types.realtime import ResponseCreateEvent, SessionUpdateEvent

from tests.conftest import import_function
from tests.integration.test_dialog_api import place, request, session
from tests.integration.test_events_api import T0, ev, get_call, post
from tests.strict_openai import strict_validate


@pytest.fixture
def start_call(function_env: dict[str, dict[str, str]], monkeypatch: pytest.MonkeyPatch) -> Any:
    return import_function("start_call", function_env["StartCallFunction"], monkeypatch)


@pytest.fixture
def dialog(function_env: dict[str, dict[str, str]], monkeypatch: pytest.MonkeyPatch) -> Any:
    return import_function("dialog", function_env["DialogFunction"], monkeypatch)


@pytest.fixture
def events_fn(function_env: dict[str, dict[str, str]], monkeypatch: pytest.MonkeyPatch) -> Any:
    return import_function("events", function_env["EventsFunction"], monkeypatch)


def test_defaults_the_operator_greets_first_and_the_hybrid_uses_its_tool(
    start_call: Any, dialog: Any, fake_vox: Any, aws: Any
) -> None:
    # Given the default SSM settings
    aws.put_param("openai/key_mode", "voximplant_secret")
    call = place(start_call, fake_vox, scenario="realtime", persona="car_buyer")
    # When the hybrid engine's session is fetched
    body = session(dialog, call)[1]
    # Then it speaks contract 3 (usage and spoken events), waits for the greeting, runs tool mode
    assert body["contract"] == 3
    assert body["speaks_first"] == "operator"
    assert body["limits"]["greeting_wait_s"] == 2
    rt = body["realtime"]
    assert rt["hybrid_mode"] == "tool"
    assert "trace" not in rt
    sess = rt["session_update"]["session"]
    assert sess["tool_choice"] == "required"
    assert "format" not in sess["audio"]["input"] and "format" not in sess["audio"]["output"]
    assert sess["audio"]["input"]["noise_reduction"] == {"type": "near_field"}
    assert sess["audio"]["input"]["turn_detection"]["silence_duration_ms"] == 700
    assert sess["reasoning"] == {"effort": "low"}
    assert rt["first_response"]["response"]["reasoning"] == {"effort": "minimal"}
    strict_validate(rt["session_update"], SessionUpdateEvent)
    strict_validate(rt["first_response"], ResponseCreateEvent)


def test_ssm_switches_the_mode_vad_format_reasoning_trace_and_who_speaks_first(
    start_call: Any, dialog: Any, fake_vox: Any, aws: Any
) -> None:
    # Given every new setting changed in SSM
    for name, value in {
        "openai/key_mode": "voximplant_secret",
        "realtime/hybrid_mode": "direct",
        "realtime/vad_type": "semantic_vad",
        "realtime/noise_reduction": "off",
        "realtime/reasoning_effort": "default",
        "realtime/audio_format": "pcmu",
        "realtime/trace": "true",
        "calls/speaks_first": "client",
        "calls/greeting_wait_s": "4",
    }.items():
        aws.put_param(name, value)
    call = place(start_call, fake_vox, scenario="realtime", persona="car_buyer")
    body = session(dialog, call)[1]
    rt = body["realtime"]
    sess = rt["session_update"]["session"]
    # Then the session says so, field by field
    assert (body["speaks_first"], body["limits"]["greeting_wait_s"]) == ("client", 4)
    assert (rt["hybrid_mode"], rt["trace"]) == ("direct", True)
    assert sess["tools"] == [] and sess["tool_choice"] == "none"
    td = sess["audio"]["input"]["turn_detection"]
    assert (td["type"], td["create_response"]) == ("semantic_vad", False)
    assert "noise_reduction" not in sess["audio"]["input"]
    assert "reasoning" not in sess and "reasoning" not in rt["first_response"]["response"]
    assert sess["audio"]["input"]["format"] == {"type": "audio/pcmu"}
    strict_validate(rt["session_update"], SessionUpdateEvent)


def test_a_persona_may_speak_first_whatever_the_deployment_says(
    start_call: Any, dialog: Any, fake_vox: Any
) -> None:
    from vclient.dialog.persona import load_bundled

    persona = load_bundled("car_buyer").model_dump(exclude_none=True)
    persona["speaks_first"] = "client"
    call = place(start_call, fake_vox, scenario="dialog", persona=persona)
    assert session(dialog, call)[1]["speaks_first"] == "client"


def test_a_bad_ssm_value_is_a_configuration_error_naming_the_parameter(
    start_call: Any, dialog: Any, fake_vox: Any, aws: Any
) -> None:
    aws.put_param("realtime/hybrid_mode", "both")
    call = place(start_call, fake_vox, scenario="realtime")
    status, body = session(dialog, call)
    assert status == 503, body
    assert body.get("parameter") == "realtime/hybrid_mode", body


def test_a_greeting_that_cut_the_opening_gets_the_opening_again(
    start_call: Any, dialog: Any, fake_vox: Any
) -> None:
    # Given a dialog call whose opening the operator's greeting cut (client_cut on turn 1)
    call = place(start_call, fake_vox, scenario="dialog", persona="car_buyer")
    first = session(dialog, call)[1]["first_line"]
    body = {"turn": 1, "text": "Автосалон, слушаю.", "client_cut": True}
    status, answer = request(dialog, "post_reply.json", call, body)
    # Then the client asks its opening again, and the dialog starts from there
    assert status == 200, answer
    assert answer["reply"] == first and answer["end_call"] is False
    status, second = request(dialog, "post_reply.json", call, {"turn": 2, "text": "Да, есть."})
    assert status == 200 and second["reply"] != first
    # A cut later in the call is only noted: the turn is answered as usual
    cut = {"turn": 3, "text": "Да.", "client_cut": True}
    assert request(dialog, "post_reply.json", call, cut)[1]["reply"] != first


def test_the_hybrid_reply_takes_operator_said_beside_the_transcription(
    start_call: Any, dialog: Any, fake_vox: Any, aws: Any
) -> None:
    aws.put_param("openai/key_mode", "voximplant_secret")
    call = place(start_call, fake_vox, scenario="realtime", persona="car_buyer")
    session(dialog, call)
    body = {"turn": 1, "text": "Да, Prestige есть.", "operator_said": "Оператор говорит, что есть"}
    status, answer = request(dialog, "post_reply.json", call, body)
    assert status == 200, answer
    assert answer["realtime_response"]["response"]["reasoning"] == {"effort": "minimal"}
    too_long = {"turn": 2, "text": "x", "operator_said": "x" * 2001}
    assert request(dialog, "post_reply.json", call, too_long)[0] == 422


def test_deviations_and_both_turn_texts_reach_get_call(
    start_call: Any, dialog: Any, events_fn: Any, fake_vox: Any, aws: Any
) -> None:
    # Given a hybrid call whose model answered turn 2 by itself
    aws.put_param("openai/key_mode", "voximplant_secret")
    call = place(start_call, fake_vox, scenario="realtime", persona="car_buyer")
    session(dialog, call)
    batch = [
        ev(1, "session_started", engine="realtime"),
        ev(2, "connected"),
        ev(3, "turn", turn=1, text="Да, есть.", operator_said="Оператор говорит, что есть"),
        ev(4, "deviation", turn=2, text="Да-да,", response_id="resp_1"),
        ev(5, "turn", turn=2, text="Цена три миллиона."),
        ev(6, "ended", reason="end_call", hangup_by="client", duration_ms=9000),
    ]
    status, body = post(events_fn, call, batch)
    assert status == 200, body
    # When the call is read back
    status, view = get_call(events_fn, call.call_id)
    assert status == 200
    # Then the deviation is listed and counted, both texts stay with their turn, the mode is named
    assert view["hybrid_mode"] == "tool"
    assert view["summary"]["deviations"] == 1
    assert view["deviations"] == [
        {"t": T0 + 4000, "turn": 2, "text": "Да-да,", "response_id": "resp_1"}
    ]
    assert [(t.get("text"), t.get("operator_said")) for t in view["turns"]] == [
        ("Да, есть.", "Оператор говорит, что есть"),
        ("Цена три миллиона.", None),
    ]


def test_other_engines_name_no_hybrid_mode(
    start_call: Any, dialog: Any, events_fn: Any, fake_vox: Any
) -> None:
    call = place(start_call, fake_vox, scenario="dialog")
    session(dialog, call)
    view = get_call(events_fn, call.call_id)[1]
    assert view["hybrid_mode"] is None and view["deviations"] == []
    assert json.dumps(view)
