"""Realtime GA payloads, checked strictly against the installed SDK's own models."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from openai.types.realtime import (
    ConversationItemCreateEvent,
    RealtimeSessionCreateRequest,
    ResponseCreateEvent,
    SessionUpdateEvent,
)

from tests.strict_openai import strict_validate, unknown_keys
from vclient.dialog.persona import Persona, bundled_persona_ids, load_bundled
from vclient.dialog.realtime import (
    DEFAULT_REALTIME_VOICE,
    END_CALL_REASONS,
    audio_format_config,
    function_call_output,
    hybrid_session_update,
    pure_instructions,
    pure_session_update,
    realtime_voice,
    say_exactly_response,
    semantic_vad,
    server_vad,
)


def clause(text: str) -> str:
    """Persona text as the compiled instructions quote it (our punctuation follows it)."""
    return " ".join(text.split()).rstrip(" .;:!")


MODEL = "gpt-realtime-2.1"
TRANSCRIBE = "gpt-transcribe"


def payloads(persona: Persona) -> list[dict[str, Any]]:
    return [
        hybrid_session_update(persona, model=MODEL, transcription_model=TRANSCRIBE),
        hybrid_session_update(
            persona,
            model=MODEL,
            transcription_model=TRANSCRIBE,
            voice="ash",
            vad=semantic_vad(eagerness="high"),
            audio_format="pcmu",
            speed=1.1,
            max_output_tokens=300,
            reasoning_effort="low",
            noise_reduction="near_field",
        ),
        hybrid_session_update(persona, model=MODEL, transcription_model=TRANSCRIBE, mode="direct"),
        pure_session_update(persona, model=MODEL),
        pure_session_update(
            persona,
            model=MODEL,
            transcription_model=TRANSCRIBE,
            vad=server_vad(silence_duration_ms=700, idle_timeout_ms=6000),
            audio_format="pcma",
        ),
    ]


@pytest.mark.parametrize("persona_id", bundled_persona_ids())
def test_every_session_update_passes_the_strict_sdk_walk(persona_id: str) -> None:
    # Given every session.update we build for a bundled persona
    for payload in payloads(load_bundled(persona_id)):
        # When it is validated by the SDK's own model and walked for unknown keys
        event = strict_validate(payload, SessionUpdateEvent)
        # Then it is a GA realtime session with audio out and function tools
        assert isinstance(event.session, RealtimeSessionCreateRequest)
        assert event.session.type == "realtime"
        assert event.session.output_modalities == ["audio"]
        assert event.session.tool_choice in {"required", "none", "auto"}
        # And it is plain JSON (what the WebSocket carries)
        assert json.loads(json.dumps(payload)) == payload


def test_hybrid_session_shape() -> None:
    # Given the car buyer persona (realtime voice: cedar)
    persona = load_bundled("car_buyer")
    session = hybrid_session_update(persona, model=MODEL, transcription_model=TRANSCRIBE)["session"]
    # Then no audio format is forced (Voximplant's connector converts media), input is
    # transcribed in Russian, with server VAD
    audio_in = session["audio"]["input"]
    assert "format" not in audio_in and "format" not in session["audio"]["output"]
    assert audio_in["transcription"] == {"model": TRANSCRIBE, "language": "ru"}
    assert audio_in["turn_detection"]["type"] == "server_vad"
    assert session["audio"]["output"]["voice"] == "cedar"
    # And the only tool is get_reply(operator_said), which the model must call and then read out
    assert session["tool_choice"] == "required"
    (tool,) = session["tools"]
    assert tool["name"] == "get_reply"
    assert tool["parameters"]["required"] == ["operator_said"]
    assert "get_reply" in session["instructions"]
    assert "word for word" in session["instructions"]
    assert "Never improvise" in session["instructions"]


def test_pure_session_compiles_the_whole_persona() -> None:
    for persona_id in bundled_persona_ids():
        persona = load_bundled(persona_id)
        session = pure_session_update(persona, model=MODEL)["session"]
        text = session["instructions"]
        # Then the instructions carry who, goal, phases, topics, reactions and exact end lines
        assert persona.name in text and clause(persona.goal) in text and "Russian" in text
        for phase in persona.phases:
            assert phase.id in text and clause(phase.goal) in text
        for topic in persona.topics:
            assert topic.ask in text and clause(topic.expect) in text
            if topic.follow_up:
                assert topic.follow_up in text
        for reaction in persona.reactions:
            assert clause(reaction.trigger) in text
        e = persona.ending
        for line in (e.success_line, e.goodbye_line, e.hangup_line, e.close_line):
            assert f"«{line}»" in text
        for cond in e.hang_up_if:
            assert clause(cond) in text
        assert f"After {e.max_turns} operator turns" in text
        # And end_call takes a reason from a fixed list
        (tool,) = session["tools"]
        assert tool["name"] == "end_call"
        assert tool["parameters"]["properties"]["reason"]["enum"] == list(END_CALL_REASONS)
        # And no transcription unless asked for
        assert "transcription" not in session["audio"]["input"]


def test_builders_are_deterministic() -> None:
    persona = load_bundled("deposit_closing")
    assert pure_session_update(persona, model=MODEL) == pure_session_update(persona, model=MODEL)
    a = hybrid_session_update(persona, model=MODEL, transcription_model=TRANSCRIBE)
    b = hybrid_session_update(persona, model=MODEL, transcription_model=TRANSCRIBE)
    assert json.dumps(a, ensure_ascii=False) == json.dumps(b, ensure_ascii=False)


def test_say_exactly_response_is_a_strict_response_create() -> None:
    # Given a backend line to voice
    line = "Здравствуйте! Я видел у вас на сайте Kia Sportage."
    payload = say_exactly_response(line)
    # Then it is a valid response.create with per-response instructions, no tools, audio out
    event = strict_validate(payload, ResponseCreateEvent)
    assert event.response is not None
    assert event.response.tool_choice == "none"
    assert event.response.output_modalities == ["audio"]
    assert line in (event.response.instructions or "")
    assert "Say exactly: " in (event.response.instructions or "")
    with pytest.raises(ValueError):
        say_exactly_response("   ")


def test_function_call_output_is_a_strict_item_create() -> None:
    payload = function_call_output("call_1", json.dumps({"reply": "Да.", "end_call": False}))
    strict_validate(payload, ConversationItemCreateEvent)


def test_voice_mapping() -> None:
    persona = load_bundled("car_buyer")
    assert realtime_voice(persona) == "cedar"
    assert realtime_voice(persona, "marin") == "marin"
    data = persona.model_dump()
    data["voice"] = {}
    assert realtime_voice(Persona.model_validate(data)) == DEFAULT_REALTIME_VOICE == "marin"
    with pytest.raises(ValueError):
        realtime_voice(persona, "robot")


def test_audio_formats() -> None:
    assert audio_format_config("pcmu") == {"type": "audio/pcmu"}
    assert audio_format_config("pcma") == {"type": "audio/pcma"}


@pytest.mark.parametrize(
    ("where", "key", "value"),
    [
        ("session", "voice", "marin"),
        ("session", "turn_detection", {"type": "server_vad"}),
        ("session", "temperature", 0.8),
        ("session", "modalities", ["audio", "text"]),
        ("session", "input_audio_format", "pcm16"),
        ("input", "vad_mode", "fast"),
    ],
)
def test_beta_keys_fail_the_strict_walk(where: str, key: str, value: Any) -> None:
    # Given a valid payload with one beta-era (or made-up) key added
    payload = copy.deepcopy(
        hybrid_session_update(
            load_bundled("car_buyer"), model=MODEL, transcription_model=TRANSCRIBE
        )
    )
    target = payload["session"] if where == "session" else payload["session"]["audio"]["input"]
    target[key] = value
    # Then plain SDK validation lets it through (the SDK allows extra keys) ...
    event = SessionUpdateEvent.model_validate(payload)
    assert unknown_keys(event)
    # ... but the strict walk fails and names the key
    with pytest.raises(AssertionError, match=key):
        strict_validate(payload, SessionUpdateEvent)


def test_sdk_rejects_a_session_without_type() -> None:
    payload = hybrid_session_update(
        load_bundled("car_buyer"), model=MODEL, transcription_model=TRANSCRIBE
    )
    del payload["session"]["type"]
    with pytest.raises(ValueError):
        SessionUpdateEvent.model_validate(payload)


@pytest.mark.parametrize("persona_id", ["car_buyer", "deposit_closing"])
def test_pure_instructions_have_no_doubled_punctuation(persona_id: str) -> None:
    text = pure_instructions(load_bundled(persona_id))
    for doubled in ("..", ".:", ";.", ":."):
        assert doubled not in text.replace("...", "…")


def test_direct_hybrid_mode_has_no_tool_and_no_automatic_response() -> None:
    # Given the direct hybrid mode (SSM realtime/hybrid_mode = direct)
    persona = load_bundled("car_buyer")
    session = hybrid_session_update(
        persona, model=MODEL, transcription_model=TRANSCRIBE, mode="direct"
    )["session"]
    # Then the scenario asks the backend itself: no tool, no server-VAD response
    assert session["tools"] == [] and session["tool_choice"] == "none"
    assert session["audio"]["input"]["turn_detection"]["create_response"] is False
    assert session["audio"]["input"]["transcription"]["model"] == TRANSCRIBE
    assert "get_reply" not in session["instructions"]


def test_reasoning_effort_goes_on_the_session_and_minimal_on_a_say_exactly_line() -> None:
    persona = load_bundled("car_buyer")
    session = hybrid_session_update(
        persona, model=MODEL, transcription_model=TRANSCRIBE, reasoning_effort="low"
    )["session"]
    assert session["reasoning"] == {"effort": "low"}
    line = say_exactly_response("Да.", reasoning_effort="minimal")
    assert line["response"]["reasoning"] == {"effort": "minimal"}
    strict_validate(line, ResponseCreateEvent)
    assert "reasoning" not in say_exactly_response("Да.")["response"]
