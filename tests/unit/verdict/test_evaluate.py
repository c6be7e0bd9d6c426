"""The whole verdict: a good and an evasive operator, the default scorecard, honest failures."""

from __future__ import annotations

import pytest

from tests.unit.verdict.dialogs import (
    FOUR_TOPICS,
    bundled_scorecard,
    bundled_script,
    dialogue,
    script_from_yaml,
)
from vclient.verdict.evaluate import evaluate
from vclient.verdict.facts import CallFacts
from vclient.verdict.quotes import verify
from vclient.verdict.scorecard import Scorecard

CAR = bundled_script("car_buyer")
CARD = bundled_scorecard("car_buyer")
T = {t.id: t for t in CAR.topics}
DISCOUNT = next(r for r in CAR.reactions if r.id == "discount")


def good_call(engine: str = "dialog", client: list[str] | None = None) -> CallFacts:
    client = client or [
        T["availability"].ask,
        T["price"].ask,
        f"{DISCOUNT.say} {T['trade_in'].ask}",
        T["credit"].ask,
        T["test_drive"].ask,
        CAR.ending.success_line,
    ]
    operator = [
        "Добрый день! Автосалон «Киа Центр», меня зовут Анна. Чем могу помочь?",
        "Да, Sportage Prestige есть в наличии, две машины на складе. Вы планируете "
        "покупку в кредит или за наличные? И когда хотели бы забрать машину?",
        "В комплектации Prestige цена три миллиона четыреста пятьдесят тысяч рублей, "
        "а до конца месяца действует скидка сто тысяч.",
        "Да, Solaris возьмём в трейд-ин, оценка на месте занимает полчаса.",
        "Кредит от девяти процентов годовых, первоначальный взнос от двадцати процентов.",
        "Конечно, записываю вас на тест-драйв в субботу на одиннадцать утра. Ждём вас!",
    ]
    return dialogue(
        CAR.opening,
        list(zip(operator, client, strict=True)),
        engine=engine,
        ending=None if engine == "realtime_pure" else "success",
        end_reason="end_call",
        hangup_by="client",
        duration_ms=150_000,
    )


def evasive_call() -> CallFacts:
    return dialogue(
        CAR.opening,
        [
            ("Алло.", T["availability"].ask),
            ("Не знаю, надо смотреть.", T["availability"].follow_up),
            ("Это не ко мне.", T["price"].ask),
            ("Цену по телефону не называем, всё на сайте посмотрите.", T["price"].follow_up),
            ("Ничего не могу сказать.", T["trade_in"].ask),
            ("Трейд-ин мы не делаем.", T["credit"].ask),
            ("Не подскажу, приезжайте.", T["test_drive"].ask),
            ("Ну не знаю, звоните потом.", CAR.ending.close_line),
        ],
        ending="max_turns",
        end_reason="end_call",
        hangup_by="client",
        duration_ms=120_000,
    )


def test_a_good_and_an_evasive_operator_get_clearly_different_scores_with_evidence():
    good = evaluate(good_call(), CAR, CARD)
    bad = evaluate(evasive_call(), CAR, CARD)
    assert good.status == bad.status == "done"
    assert good.method == bad.method == "heuristic"
    assert good.operator is not None and bad.operator is not None
    assert good.operator.score >= 85 and good.operator.level == "good"
    assert bad.operator.score <= 20 and bad.operator.level == "poor"
    assert good.topics is not None and (good.topics.covered, good.topics.total) == (5, 5)
    assert bad.topics is not None and bad.topics.covered == 0
    # the evasive price refusal fails a critical item and is quoted with its turn
    price = next(e for e in bad.operator.checklist if e.id == "price")
    assert price.status == "no"
    assert price.quotes[0].turn == 4
    assert any(c.reason == "critical" for c in bad.operator.caps)
    assert {p.id for p in bad.operator.penalties} == {"redirect_to_website"}
    assert 3 <= len(bad.operator.recommendations) <= 5
    # every quote in both verdicts is in the transcript, at its turn
    for result, facts in ((good, good_call()), (bad, evasive_call())):
        assert result.operator is not None
        for entry in result.operator.checklist:
            for quote in entry.quotes:
                verify(quote, facts.lines)


def test_coverage_is_read_from_the_checklist_one_number():
    result = evaluate(evasive_call(), CAR, CARD)
    assert result.operator is not None and result.topics is not None
    yes_topics = [e.id for e in result.operator.checklist if e.id in T and e.status == "yes"]
    assert result.topics.ids == yes_topics


def test_the_same_good_operator_gets_the_same_coverage_on_every_engine():
    paraphrased = [  # realtime_pure says its questions in its own words
        "А Sportage в комплектации Prestige у вас сейчас в наличии есть?",
        "Сколько он стоит в этой комплектации?",
        f"{DISCOUNT.say} А мой Solaris семнадцатого года вы в трейд-ин возьмёте?",
        "А по кредиту какая ставка и какой взнос?",
        "Можно на эту субботу записаться на тест-драйв?",
        CAR.ending.success_line,
    ]
    coverage = {
        engine: evaluate(
            good_call(engine, paraphrased if engine == "realtime_pure" else None), CAR, CARD
        ).topics
        for engine in ("dialog", "realtime", "realtime_pure")
    }
    assert {c.covered for c in coverage.values() if c} == {5}
    assert len({tuple(c.ids) for c in coverage.values() if c}) == 1


def test_a_persona_without_a_scorecard_gets_the_default_one():
    refund = script_from_yaml(FOUR_TOPICS)
    facts = dialogue(
        refund.opening,
        [
            ("Интернет-магазин «Стиль», меня зовут Марина. Слушаю вас.", refund.topics[0].ask),
            ("Да, конечно, всю сумму перечислим обратно.", refund.topics[1].ask),
            ("Обычно это занимает от трёх до пяти дней.", refund.topics[2].ask),
            ("Да, туда же, откуда вы платили.", refund.topics[3].ask),
            ("Нет, никаких бумаг не надо, всё оформим сами.", refund.ending.success_line),
        ],
        ending="success",
    )
    result = evaluate(facts, refund)
    assert result.status == "done" and result.operator is not None
    ids = {e.id for e in result.operator.checklist}
    assert {"introduced_self", "named_company", "next_step", "refund", "documents"} <= ids
    assert result.topics is not None and result.topics.covered == 4
    assert result.operator.score > 0


def test_an_operator_who_ends_the_call_early_is_capped():
    facts = dialogue(
        CAR.opening,
        [("Автосалон «Киа Центр», Анна. Prestige есть в наличии. До свидания.", None)],
        hangup_by="operator",
        end_reason="operator_hangup",
    )
    result = evaluate(facts, CAR, CARD)
    assert result.operator is not None
    assert any(c.reason == "early_end" for c in result.operator.caps)
    assert result.operator.score <= 40


@pytest.mark.parametrize(
    ("facts", "reason"),
    [
        (CallFacts(engine="dialog", connected=False), "no_conversation"),
        (dialogue(CAR.opening, []), "no_conversation"),
    ],
)
def test_a_call_that_cannot_be_judged_fails_without_a_score(facts, reason):
    result = evaluate(facts, CAR, CARD)
    assert result.status == "failed"
    assert result.reason is not None and result.reason.startswith(reason)
    assert result.operator is None and result.topics is None
    assert result.cost.parts  # cost is still computed


def test_a_scorecard_that_does_not_fit_the_persona_fails():
    card = Scorecard.model_validate({"topics": {"critical": ["no_such_topic"]}})
    result = evaluate(good_call(), CAR, card)
    assert result.status == "failed"
    assert result.reason == "scorecard: scorecard.topics names unknown topic 'no_such_topic'"


def test_the_evaluation_serialises_for_the_api():
    data = evaluate(good_call(), CAR, CARD).model_dump(mode="json")
    assert set(data) >= {"status", "method", "operator", "client", "cost", "topics"}
    assert set(data["operator"]) >= {
        "score",
        "level",
        "dimensions",
        "checklist",
        "issues",
        "recommendations",
        "bot_lag",
    }
    assert set(data["client"]) == {"fidelity", "parts", "verbatim"}
    assert set(data["cost"]) >= {"total_usd", "parts"}
