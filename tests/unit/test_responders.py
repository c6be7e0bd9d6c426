"""Responders: the scripted one, and the OpenAI one through the real SDK over a mock transport."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx2
import openai
import pytest

from vclient.dal.openai import LLMTurn, OpenAIResponder, openai_client_factory
from vclient.dialog.conversation import Conversation, DialogState
from vclient.dialog.persona import load_bundled
from vclient.dialog.prompt import build_messages, system_prompt
from vclient.dialog.scripted import ScriptedResponder, is_goodbye
from vclient.dialog.text import cap_reply, contains_keyword

T0 = 1_700_000_000_000
MODEL = "gpt-5.4-mini"
LAYER = Path(__file__).resolve().parents[2] / "layers" / "common"

Handler = Callable[[httpx2.Request], httpx2.Response]


def completion(content: str | None, refusal: str | None = None) -> dict[str, Any]:
    return {
        "id": "chatcmpl-test",
        "object": "chat.completion",
        "created": 1_700_000_000,
        "model": MODEL,
        "choices": [
            {
                "index": 0,
                "finish_reason": "stop",
                "logprobs": None,
                "message": {"role": "assistant", "content": content, "refusal": refusal},
            }
        ],
        "usage": {"prompt_tokens": 1200, "completion_tokens": 40, "total_tokens": 1240},
    }


def llm_json(**overrides: Any) -> str:
    body: dict[str, Any] = {
        "reply": "Отлично. А сколько стоит в этой комплектации?",
        "answered_topics": ["availability", "made_up_topic"],
        "asked_topic": "price",
        "operator_intent": "none",
        "triggered_reactions": [],
        "mood": "interested",
        "hang_up": False,
    }
    body.update(overrides)
    return json.dumps(body, ensure_ascii=False)


class Recorder:
    """A mock transport handler that records requests and answers from a script."""

    def __init__(self, answer: Callable[[httpx2.Request], httpx2.Response]) -> None:
        self.answer = answer
        self.requests: list[httpx2.Request] = []

    def __call__(self, request: httpx2.Request) -> httpx2.Response:
        self.requests.append(request)
        return self.answer(request)

    def bodies(self) -> list[dict[str, Any]]:
        return [json.loads(r.content) for r in self.requests]


def ok(
    content: str | None, refusal: str | None = None
) -> Callable[[httpx2.Request], httpx2.Response]:
    return lambda request: httpx2.Response(200, json=completion(content, refusal))


def make_responder(handler: Handler, **kwargs: Any) -> OpenAIResponder:
    # The factory deliberately keeps the SDK defaults (600 s, 2 retries): the responder must
    # override both.
    def factory() -> openai.OpenAI:
        return openai.OpenAI(
            api_key="test", http_client=httpx2.Client(transport=httpx2.MockTransport(handler))
        )

    return OpenAIResponder(factory, MODEL, **kwargs)


@pytest.fixture
def engine() -> Conversation:
    return Conversation(load_bundled("car_buyer"))


def first_turn_state(engine: Conversation) -> DialogState:
    state, _ = engine.start(T0)
    # The client has asked about availability; the operator now answers it.
    return engine.turn(
        state, "Здравствуйте, автосалон, слушаю.", T0 + 1000, ScriptedResponder()
    ).state


# --- scripted responder ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "keyword", "expected"),
    [
        ("Возьмём в кредит под 9 процентов", "кредит", True),
        ("Кредитом тоже можно", "кредит", True),
        ("Машину привезём", "машина", True),
        ("Оценим ваш трейд-ин", "трейд-ин", True),
        ("Сколько ЦЕНА?", "цен*", True),
        ("Оформим покупку сегодня", "пока", False),
        ("Ну всё, до свиданья", "до свидания", True),
        ("Ещё раз ёлка", "елка", True),
    ],
)
def test_keywords_tolerate_russian_inflection(text: str, keyword: str, expected: bool) -> None:
    assert contains_keyword(text, keyword) is expected


def test_goodbye_is_detected_at_the_end_of_an_utterance() -> None:
    persona = load_bundled("car_buyer")
    assert is_goodbye(persona, "Хорошо, спасибо за звонок, до свидания!")
    assert is_goodbye(persona, "Ну, счастливо!")  # the persona's own goodbye keyword
    assert not is_goodbye(persona, "Пока не знаю, уточню у менеджера и перезвоню вам.")


def test_cap_reply_cuts_at_sentence_then_word() -> None:
    assert cap_reply("Раз.  Два три   четыре.", 100) == "Раз. Два три четыре."
    assert cap_reply("Первое предложение. Второе предложение тут.", 30) == "Первое предложение."
    assert cap_reply("одно длинное предложение без точки вообще", 20) == "одно длинное…"


# --- OpenAI responder -----------------------------------------------------------------------------


def test_good_structured_output_is_used(engine: Conversation) -> None:
    # Given the model answers with valid structured output
    recorder = Recorder(ok(llm_json()))
    responder = make_responder(recorder)
    state = first_turn_state(engine)
    # When the operator says the car is in stock
    result = engine.turn(state, "Да, есть в наличии.", T0 + 5000, responder)
    # Then the model's line is spoken and its signals drive the engine (unknown ids dropped)
    assert result.fallback is False and result.error is None
    assert result.reply == "Отлично. А сколько стоит в этой комплектации?"
    assert result.signals.answered_topics == ["availability"]
    assert result.phase == "money" and result.state.current_topic == "price"
    assert isinstance(result.llm_ms, int)
    # And the request carried the model, the strict schema and an explicit short timeout
    (request,) = recorder.requests
    body = recorder.bodies()[0]
    assert request.url.path.endswith("/chat/completions")
    assert body["model"] == MODEL
    assert body["response_format"]["type"] == "json_schema"
    assert body["response_format"]["json_schema"]["strict"] is True
    assert request.headers["x-stainless-read-timeout"] == "2.5"
    assert "reasoning_effort" not in body
    # And the static system message comes first, the operator's words last
    assert body["messages"][0] == {"role": "system", "content": system_prompt(engine.persona)}
    assert body["messages"][-1]["role"] == "user"
    assert body["messages"][-1]["content"].endswith("Да, есть в наличии.")


def test_reasoning_effort_and_timeout_are_sent_when_configured(engine: Conversation) -> None:
    recorder = Recorder(ok(llm_json()))
    responder = make_responder(recorder, timeout_s=1.5, reasoning_effort="none")
    engine.turn(first_turn_state(engine), "Да.", T0 + 5000, responder)
    assert recorder.bodies()[0]["reasoning_effort"] == "none"
    assert recorder.requests[0].headers["x-stainless-read-timeout"] == "1.5"


def test_timeout_falls_back_to_scripted_after_exactly_one_request(engine: Conversation) -> None:
    # Given the network times out
    def timeout(request: httpx2.Request) -> httpx2.Response:
        raise httpx2.ReadTimeout("timed out", request=request)

    recorder = Recorder(timeout)
    state = first_turn_state(engine)
    # When the operator answers
    result = engine.turn(state, "Да, есть в наличии.", T0 + 5000, make_responder(recorder))
    # Then the scripted line is spoken, marked as a fallback with the reason
    scripted = engine.turn(state, "Да, есть в наличии.", T0 + 5000, ScriptedResponder())
    assert result.fallback is True and result.error == "timeout"
    assert result.reply == scripted.reply
    assert result.state == scripted.state
    # And the SDK did not retry (max_retries=0 overrides its default of 2)
    assert len(recorder.requests) == 1


def test_server_error_falls_back_without_retry(engine: Conversation) -> None:
    recorder = Recorder(lambda r: httpx2.Response(500, json={"error": {"message": "boom"}}))
    result = engine.turn(first_turn_state(engine), "Да.", T0 + 5000, make_responder(recorder))
    assert result.fallback is True and "InternalServerError" in (result.error or "")
    assert len(recorder.requests) == 1


@pytest.mark.parametrize(
    ("content", "refusal", "reason"),
    [
        ('{"reply": "Хорошо", "answered', None, "ValidationError"),  # malformed JSON
        (llm_json(mood="furious"), None, "ValidationError"),  # outside the schema
        (llm_json(reply="   "), None, "empty reply"),
        (None, "I can't help with that.", "refusal"),
    ],
)
def test_unusable_output_falls_back(
    engine: Conversation, content: str | None, refusal: str | None, reason: str
) -> None:
    # Given the model answers, but with something unusable
    recorder = Recorder(ok(content, refusal))
    result = engine.turn(
        first_turn_state(engine), "Да, в наличии.", T0 + 5000, make_responder(recorder)
    )
    # Then the scripted reply is used and the reason recorded
    assert result.fallback is True
    assert reason in (result.error or "")
    assert result.reply
    assert len(recorder.requests) == 1


def test_system_message_is_byte_identical_across_turns(engine: Conversation) -> None:
    # Given a whole call through the OpenAI responder
    recorder = Recorder(ok(llm_json(answered_topics=[], asked_topic=None)))
    responder = make_responder(recorder)
    state, _ = engine.start(T0)
    lines = ["Здравствуйте.", "Да, есть.", "Цена три миллиона.", "Возьмём в трейд-ин."]
    for i, line in enumerate(lines, 1):
        state = engine.turn(state, line, T0 + i * 1000, responder).state
    # Then every request starts with the same system message, byte for byte
    bodies = recorder.bodies()
    assert len(bodies) == len(lines)
    systems = {b["messages"][0]["content"].encode() for b in bodies}
    assert len(systems) == 1
    # And the per-turn part differs and carries the state and the operator's words last
    users = [b["messages"][-1]["content"] for b in bodies]
    assert len(set(users)) == len(lines)
    for line, user in zip(lines, users, strict=True):
        assert user.endswith(line)
        assert '"turn"' in user and '"mood"' in user


def test_prompt_is_in_the_persona_language_and_lists_everything() -> None:
    for persona_id in ("car_buyer", "deposit_closing"):
        persona = load_bundled(persona_id)
        prompt = system_prompt(persona)
        assert "Russian (ru-RU)" in prompt
        for topic in persona.topics:
            assert topic.id in prompt and topic.ask in prompt
        for i in range(len(persona.reactions)):
            assert f"- {persona.reaction_ref(i)}:" in prompt
        for cond in persona.ending.hang_up_if:
            assert cond in prompt


def test_build_messages_shape(engine: Conversation) -> None:
    state = first_turn_state(engine)
    messages = build_messages(engine.persona, state, "Алло", engine.plan(state))
    assert [m["role"] for m in messages] == ["system", "user"]


def test_llm_output_schema_is_strict_compatible() -> None:
    from openai.lib._pydantic import to_strict_json_schema

    schema = to_strict_json_schema(LLMTurn)
    assert schema["additionalProperties"] is False
    assert set(schema["required"]) == set(LLMTurn.model_fields)


def test_openai_is_imported_lazily() -> None:
    # Importing the responders (and building a factory) must not import openai (cold start).
    code = (
        "import sys; import vclient.dal.openai as r; "
        "f = r.openai_client_factory('k'); "
        "print('openai' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        env={"PYTHONPATH": str(LAYER)},
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    assert out.stdout.strip() == "False"


def test_client_factory_sets_timeout_and_retries() -> None:
    client = openai_client_factory("test-key", timeout_s=2.0, max_retries=1)()
    assert client.timeout == 2.0
    assert client.max_retries == 1


def test_responder_rejects_sdk_default_like_settings() -> None:
    with pytest.raises(ValueError):
        OpenAIResponder(lambda: None, MODEL, timeout_s=600)  # type: ignore[arg-type,return-value]
    with pytest.raises(ValueError):
        OpenAIResponder(lambda: None, MODEL, max_retries=5)  # type: ignore[arg-type,return-value]
