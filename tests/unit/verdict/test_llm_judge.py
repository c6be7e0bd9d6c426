"""The LLM path's pure parts: prompt, schema, and an answer parser that fails instead of scoring."""

from __future__ import annotations

import json

import pytest

from tests.unit.verdict.dialogs import bundled_scorecard, bundled_script, dialogue
from vclient.verdict.evaluate import evaluate
from vclient.verdict.llm_judge import (
    PROMPT_VERSION,
    JudgeAnswer,
    JudgeFailed,
    JudgeRequest,
    build_request,
    parse_answer,
)
from vclient.verdict.scoring import bot_lag

CAR = bundled_script("car_buyer")
CARD = bundled_scorecard("car_buyer")
ITEMS = CARD.resolve([(t.id, t.ask) for t in CAR.topics])
FACTS = dialogue(
    CAR.opening,
    [
        ("Здравствуйте! Автосалон «Киа Центр», меня зовут Анна.", CAR.topics[0].ask),
        ("Да, Prestige есть в наличии.", CAR.topics[1].ask),
        ("Цена три миллиона четыреста пятьдесят тысяч рублей.", None),
    ],
    ending="goodbye",
    hangup_by="client",
)


def _answer(**override):
    items = [{"id": i.id, "status": "no", "quotes": [], "comment": "Не прозвучало."} for i in ITEMS]
    by_id = {i["id"]: i for i in items}
    by_id["introduced_self"].update(
        status="yes", quotes=[{"turn": 1, "text": "меня зовут Анна"}], comment="Назвала имя."
    )
    by_id["price"].update(
        status="yes",
        quotes=[{"turn": 3, "text": "Цена три миллиона четыреста пятьдесят тысяч рублей"}],
    )
    body = {"items": items, "signals": [], "recommendations": ["Задавайте вопросы о бюджете."]}
    body.update(override)
    return body


def test_the_prompt_is_versioned_strict_russian_and_carries_the_calls_facts():
    request = build_request(FACTS, CAR, ITEMS, bot_lag(FACTS, CARD))
    assert request.prompt_version == PROMPT_VERSION
    assert "строгий" in request.system and "цитат" in request.system
    assert "[turn 3] Оператор: Цена три миллиона" in request.user
    assert "кто положил трубку: client" in request.user
    assert "Задержка бота" in request.user
    for item in ITEMS:
        assert f"- {item.id} [" in request.user
    schema = request.json_schema
    assert schema["additionalProperties"] is False
    assert schema["properties"]["items"]["items"]["properties"]["id"]["enum"] == [
        i.id for i in ITEMS
    ]


def test_a_valid_answer_is_parsed_and_its_quotes_verified():
    result = parse_answer(json.dumps(_answer()), ITEMS, FACTS)
    assert result.judgements["introduced_self"].status == "yes"
    assert result.judgements["introduced_self"].quotes[0].who == "operator"
    assert result.judgements["test_drive"].status == "no"
    assert result.recommendations == ["Задавайте вопросы о бюджете."]


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ("{not json", "malformed: not JSON"),
        (json.dumps({"items": []}), "malformed"),
        (json.dumps(_answer(extra=1)), "malformed"),
        (json.dumps(_answer(items=_answer()["items"][1:])), "items omitted: introduced_self"),
        (
            json.dumps(_answer(items=[*_answer()["items"], _answer()["items"][0]])),
            "judged twice",
        ),
        (
            json.dumps(
                _answer(
                    items=[
                        {**i, "status": "yes", "quotes": []} if i["id"] == "credit" else i
                        for i in _answer()["items"]
                    ]
                )
            ),
            "without a quote",
        ),
        (
            json.dumps(
                _answer(
                    items=[
                        {**i, "quotes": [{"turn": 3, "text": "цена три миллиона рублей"}]}
                        if i["id"] == "price"
                        else i
                        for i in _answer()["items"]
                    ]
                )
            ),
            "not in that turn's text",
        ),
        (
            json.dumps(
                _answer(signals=[{"signal": "misinformation", "quotes": [], "comment": "x"}])
            ),
            "without a quote",
        ),
    ],
)
def test_a_bad_answer_fails(content, reason):
    with pytest.raises(JudgeFailed, match=reason):
        parse_answer(content, ITEMS, FACTS)


def test_evaluate_with_a_judge_is_llm_labelled_and_versioned():
    seen: list[JudgeRequest] = []

    def judge(request: JudgeRequest) -> JudgeAnswer:
        seen.append(request)
        return JudgeAnswer(content=json.dumps(_answer()), model="gpt-test-mini")

    result = evaluate(FACTS, CAR, CARD, judge=judge)
    assert result.status == "done"
    assert (result.method, result.model, result.prompt_version) == (
        "llm",
        "gpt-test-mini",
        PROMPT_VERSION,
    )
    assert result.operator is not None
    assert result.operator.recommendations[0] == "Задавайте вопросы о бюджете."
    assert result.topics is not None and result.topics.ids == ["price"]
    assert len(seen) == 1


@pytest.mark.parametrize(
    "judge",
    [
        lambda request: "{}",
        lambda request: json.dumps(_answer(items=[])),
        lambda request: (_ for _ in ()).throw(TimeoutError("read timed out")),
    ],
)
def test_a_failed_judge_is_a_failed_evaluation_never_a_score(judge):
    result = evaluate(FACTS, CAR, CARD, judge=judge)
    assert result.status == "failed"
    assert result.operator is None and result.topics is None
    assert result.reason
    assert result.method == "llm" and result.prompt_version == PROMPT_VERSION
    assert result.client.fidelity is not None  # deterministic parts are still shown


def test_a_timeout_reason_names_the_error():
    def judge(request: JudgeRequest) -> str:
        raise TimeoutError("read timed out")

    result = evaluate(FACTS, CAR, CARD, judge=judge)
    assert result.reason == "judge_error: TimeoutError: read timed out"
