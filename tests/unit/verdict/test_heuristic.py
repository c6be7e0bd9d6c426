"""The heuristic evaluator on realistic Russian dialogue: refusal, negation, order, plain words."""

from __future__ import annotations

import pytest

from tests.unit.verdict.dialogs import (
    FOUR_TOPICS,
    bundled_scorecard,
    bundled_script,
    dialogue,
    script_from_yaml,
)
from vclient.verdict.heuristic import analyze_topics, judge_items, signals
from vclient.verdict.scorecard import Scorecard, default_scorecard


@pytest.fixture(scope="module")
def refund():
    return script_from_yaml(FOUR_TOPICS)


def test_a_flat_refusal_does_not_answer_the_refund_topic(refund):
    # Given the client asks for her money back and the operator flatly refuses
    facts = dialogue(
        refund.opening,
        [("Слушаю вас.", refund.topics[0].ask), ("Ничего мы не вернём.", None)],
    )
    # When the topics are analysed
    topics = analyze_topics(facts, refund)
    # Then the refusal is a "no", quoted, and never coverage
    assert topics["refund"].status == "no"
    assert topics["refund"].reason in ("refused", "negated")
    assert topics["refund"].quotes[0].text == "Ничего мы не вернём."
    assert topics["refund"].quotes[0].turn == 2


@pytest.mark.parametrize(
    "reply",
    [
        "Нет.",
        "Не знаю.",
        "Не можем мы такое сказать по телефону.",
        "Я не в курсе, это не ко мне.",
        "Нет, не вернём.",
    ],
)
def test_refusals_and_negated_keywords_are_not_answers(refund, reply):
    facts = dialogue(refund.opening, [("Слушаю.", refund.topics[0].ask), (reply, None)])
    assert analyze_topics(facts, refund)["refund"].status == "no"


def test_a_refusal_clause_does_not_hide_an_answer_in_the_same_sentence(refund):
    # «Не знаю точно, но …» refuses in one clause and answers in the next
    facts = dialogue(
        refund.opening,
        [
            ("Слушаю.", refund.topics[1].ask),
            ("Не знаю точно, но обычно деньги приходят за пять рабочих дней.", None),
        ],
    )
    assert analyze_topics(facts, refund)["refund_time"].status == "yes"


def test_four_topics_answered_in_plain_words_are_all_credited(refund):
    # Given an operator who answers every question without any of the persona's keywords
    facts = dialogue(
        refund.opening,
        [
            ("Интернет-магазин «Стиль», меня зовут Марина. Слушаю вас.", refund.topics[0].ask),
            ("Да, конечно, всю сумму перечислим обратно.", refund.topics[1].ask),
            ("Обычно это занимает от трёх до пяти дней.", refund.topics[2].ask),
            ("Да, туда же, откуда вы платили.", refund.topics[3].ask),
            ("Нет, никаких бумаг не надо, всё оформим сами.", refund.ending.success_line),
        ],
    )
    # none of the replies carries (the start of) any answer keyword
    stems = [k.rstrip("*")[:5] for t in refund.topics for k in t.answer_keywords]
    for line in facts.operator_lines():
        assert not [s for s in stems if s in line.text.lower()], line.text
    # When judged
    topics = analyze_topics(facts, refund)
    # Then all four count (the old keyword matcher scored this call 0 of 4)
    assert {tid: a.status for tid, a in topics.items()} == {
        "refund": "yes",
        "refund_time": "yes",
        "refund_method": "yes",
        "documents": "yes",
    }


def test_an_answer_given_before_the_question_is_credited():
    car = bundled_script("car_buyer")
    price = car.topics[1]
    # Given the operator names the price in his greeting, before the client asks
    facts = dialogue(
        car.opening,
        [
            (
                "Киа Центр, Анна. Sportage Prestige у нас стоит три миллиона четыреста тысяч.",
                car.topics[0].ask,
            ),
            ("Да, две машины на складе.", price.ask),
            ("Как я и сказала, три миллиона четыреста.", None),
        ],
    )
    a = analyze_topics(facts, car)["price"]
    assert a.status == "yes"
    assert a.reason == "answered_before_asked"
    assert a.quotes[0].turn == 1


def test_inflections_match_by_lemma_not_by_prefix():
    car = bundled_script("car_buyer")
    trade = car.topics[2]
    # «возьмём» shares no prefix with «взять»; «стоят» (stand) must not answer the price
    facts = dialogue(
        car.opening,
        [
            ("Здравствуйте.", car.topics[0].ask),
            ("Да, машины стоят у нас во дворе.", trade.ask),
            ("Солярис возьмём, оценка на месте за полчаса.", None),
        ],
    )
    topics = analyze_topics(facts, car)
    assert topics["trade_in"].status == "yes"
    assert topics["price"].status != "yes"


def test_question_sentences_are_not_evidence():
    car = bundled_script("car_buyer")
    facts = dialogue(
        car.opening,
        [("Здравствуйте.", car.topics[1].ask), ("Цена? А вы какую цену ожидаете?", None)],
    )
    assert analyze_topics(facts, car)["price"].status == "no"


def test_an_unraised_topic_is_na_and_an_unprompted_one_needs_the_operator_first(refund):
    facts = dialogue(
        refund.opening,
        [("Слушаю.", refund.topics[0].ask), ("Да, деньги перечислим обратно.", None)],
    )
    card = Scorecard(topics={"must_raise_unprompted": ["documents"]})  # type: ignore[arg-type]
    items = card.resolve([(t.id, t.ask) for t in refund.topics])
    judged, _ = judge_items(facts, refund, items)
    assert judged["refund"].status == "yes"
    assert judged["refund_time"].status == "na"
    assert judged["refund_time"].reason == "not_raised"
    assert judged["documents"].status == "no"  # never n/a: the operator should have said it


def test_must_raise_unprompted_is_partial_when_answered_only_after_the_question(refund):
    facts = dialogue(
        refund.opening,
        [("Слушаю.", refund.topics[3].ask), ("Да, нужно написать заявление на бланке.", None)],
    )
    card = Scorecard(topics={"must_raise_unprompted": ["documents"]})  # type: ignore[arg-type]
    items = card.resolve([(t.id, t.ask) for t in refund.topics])
    judged, _ = judge_items(facts, refund, items)
    assert judged["documents"].status == "partial"
    assert judged["documents"].reason == "answered_only_when_asked"


def _judge_default(facts, script):
    items = default_scorecard().resolve([(t.id, t.ask) for t in script.topics])
    return judge_items(facts, script, items)[0]


def test_observed_items_introduction_company_next_step_date():
    car = bundled_script("car_buyer")
    facts = dialogue(
        car.opening,
        [
            ("Добрый день! Автосалон «Киа Центр», меня зовут Анна.", "Здравствуйте."),
            ("Какой бюджет вы рассматриваете? И когда планируете покупку?", "До трёх миллионов."),
            ("Давайте запишу вас на субботу на одиннадцать утра.", None),
        ],
    )
    judged = _judge_default(facts, car)
    assert judged["introduced_self"].status == "yes"
    assert judged["named_company"].status == "yes"
    assert judged["needs_discovery"].status == "yes"
    assert judged["next_step"].status == "yes"
    assert judged["date_time"].status == "yes"
    assert judged["professional_tone"].status == "yes"


def test_the_clients_own_name_is_not_the_operator_introducing_himself():
    car = bundled_script("car_buyer")
    facts = dialogue(car.opening, [("Андрей, слушаю вас.", None)])
    judged = _judge_default(facts, car)
    assert judged["introduced_self"].status == "no"


def test_a_brush_off_is_not_a_concrete_next_step_and_rudeness_is_quoted():
    car = bundled_script("car_buyer")
    facts = dialogue(
        car.opening,
        [("Не знаю, приезжайте.", "А цена?"), ("Не ваше дело, приезжайте и смотрите.", None)],
    )
    judged = _judge_default(facts, car)
    assert judged["next_step"].status == "partial"
    assert judged["next_step"].reason == "vague"
    assert judged["professional_tone"].status == "no"
    assert judged["professional_tone"].quotes[0].turn == 2
    assert judged["date_time"].status == "no"


def test_items_without_a_check_are_not_checkable_without_an_llm():
    car = bundled_script("car_buyer")
    card = Scorecard.model_validate(
        {
            "items": [
                {
                    "id": "handled_objection",
                    "question": "Отработал ли менеджер возражение клиента?",
                    "weight": 10,
                    "dimension": "sales",
                }
            ]
        }
    )
    items = card.resolve([(t.id, t.ask) for t in car.topics])
    judged, _ = judge_items(dialogue(car.opening, [("Слушаю.", None)]), car, items)
    assert judged["handled_objection"].status == "na"
    assert judged["handled_objection"].reason == "not_checkable"


def test_signals_redirect_to_website_and_secrets():
    deposit = bundled_script("deposit_closing")
    facts = dialogue(
        deposit.opening,
        [
            ("Все условия посмотрите на сайте банка.", "А можно попроще?"),
            ("Продиктуйте код из СМС, пожалуйста.", None),
        ],
    )
    found = {s.signal: s for s in signals(facts)}
    assert set(found) == {"redirect_to_website", "asked_for_secrets"}
    assert found["asked_for_secrets"].quotes[0].turn == 2


def test_bundled_scorecards_resolve_against_their_personas():
    for persona_id in ("car_buyer", "deposit_closing"):
        script = bundled_script(persona_id)
        card = bundled_scorecard(persona_id)
        ids = {i.id for i in card.resolve([(t.id, t.ask) for t in script.topics])}
        assert {t.id for t in script.topics} <= ids


def test_a_negative_answers_a_whether_topic_but_not_one_that_wants_a_yes():
    car = bundled_script("car_buyer")
    # availability expects "whether it is in stock": «в наличии нет» is an answer
    stock = dialogue(
        car.opening, [("Слушаю.", car.topics[0].ask), ("Prestige сейчас в наличии нет.", None)]
    )
    assert analyze_topics(stock, car)["availability"].status == "yes"
    # trade_in expects a confirmation: «трейд-ин мы не делаем» declines, it does not answer
    trade = dialogue(
        car.opening, [("Слушаю.", car.topics[2].ask), ("Трейд-ин мы не делаем.", None)]
    )
    a = analyze_topics(trade, car)["trade_in"]
    assert (a.status, a.reason) == ("no", "negated")


def test_nothing_will_be_returned_does_not_answer_the_deposit_amount():
    deposit = bundled_script("deposit_closing")
    amount = next(t for t in deposit.topics if t.id == "amount_back")
    facts = dialogue(
        deposit.opening, [("Слушаю.", amount.ask), ("Ничего мы не вернём, всю сумму.", None)]
    )
    # one clause refuses («ничего … не»), the other carries «всю сумму»: the answer wins
    assert analyze_topics(facts, deposit)["amount_back"].status == "yes"
    refused = dialogue(deposit.opening, [("Слушаю.", amount.ask), ("Ничего мы не вернём.", None)])
    assert analyze_topics(refused, deposit)["amount_back"].status == "no"


@pytest.mark.parametrize(
    ("line", "status"),
    [
        ("Ждём вас в субботу в 11:30.", "yes"),
        ("Записываю на завтра на десять утра.", "yes"),
        ("Подъезжайте в субботу.", "partial"),
        ("Цена 3.45 миллиона, модель 2024 года, привезли в 2024 году.", "no"),
    ],
)
def test_a_day_and_a_time(line, status):
    car = bundled_script("car_buyer")
    judged = _judge_default(dialogue(car.opening, [(line, None)]), car)
    assert judged["date_time"].status == status


def test_unpunctuated_recognition_text_still_has_questions_and_answers():
    car = bundled_script("car_buyer")
    facts = dialogue(
        car.opening,
        [
            ("автосалон киа центр меня зовут анна", "Здравствуйте."),
            ("какой у вас бюджет", "До трёх миллионов."),
            ("когда планируете покупку", car.topics[1].ask),
            ("в этой комплектации три миллиона четыреста тысяч рублей", None),
        ],
    )
    judged = _judge_default(facts, car)
    assert judged["needs_discovery"].status == "yes"
    assert judged["price"].status == "yes"
    assert judged["named_company"].status == "yes"


@pytest.mark.parametrize(
    ("line", "status"),
    [
        # a refusal to tell beside the topic's keyword is no answer, before or after the question
        ("Ничего не скажу, цены меняются.", "no"),
        ("Не знаю, цена у менеджера.", "no"),
        # a figure beside it is an answer
        ("Точно не скажу, цена около трёх миллионов.", "yes"),
    ],
)
def test_a_refusal_to_tell_beside_a_keyword_is_not_an_answer(line, status):
    car = bundled_script("car_buyer")
    price = next(t for t in car.topics if t.id == "price")
    asked = dialogue(car.opening, [("Слушаю.", price.ask), (line, None)])
    assert analyze_topics(asked, car)["price"].status == status
    before = dialogue(car.opening, [(line, price.ask)])
    if status == "no":
        assert analyze_topics(before, car)["price"].status != "yes"
