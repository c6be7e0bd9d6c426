"""The virtual client's fidelity: phase order, repeats, reactions, ending, language, length, WER."""

from __future__ import annotations

import pytest

from tests.unit.verdict.dialogs import bundled_script, dialogue
from vclient.verdict.facts import TurnFacts
from vclient.verdict.fidelity import fidelity, word_error_rate
from vclient.verdict.heuristic import analyze_topics

CAR = bundled_script("car_buyer")
T = {t.id: t for t in CAR.topics}
GOOD_OPERATOR = [
    "Здравствуйте! Автосалон «Киа Центр», меня зовут Анна.",
    "Да, Prestige есть в наличии, две машины на складе.",
    "В этой комплектации цена три миллиона четыреста пятьдесят тысяч рублей.",
    "Да, Solaris возьмём, нужно приехать на осмотр, оценка занимает полчаса.",
    "Кредит от девяти процентов годовых, первоначальный взнос от двадцати процентов.",
    "Да, конечно, записываю вас на субботу на одиннадцать утра.",
]
ORDER = ["availability", "price", "trade_in", "credit", "test_drive"]


def _call(client_lines, operator_lines=GOOD_OPERATOR, **facts):
    return dialogue(CAR.opening, list(zip(operator_lines, client_lines, strict=True)), **facts)


def _parts(facts):
    verdict = fidelity(facts, CAR, analyze_topics(facts, CAR))
    return verdict, {p.id: p for p in verdict.parts}


def test_a_client_that_follows_its_script_scores_100():
    facts = _call([T[t].ask for t in ORDER] + [CAR.ending.success_line], ending="success")
    verdict, parts = _parts(facts)
    assert parts["phase_order"].score == 100
    assert parts["phase_order"].detail["order"] == ORDER
    assert parts["repeats"].score == 100
    assert parts["ending"].score == 100
    assert parts["language"].score == 100
    assert parts["reactions"].status == "na"  # no trigger, no reaction
    assert parts["reply_length"].status == "na"  # every client line was word for word
    assert verdict.fidelity == 100
    assert verdict.verbatim is None  # not the hybrid engine


def test_a_topic_raised_before_an_earlier_phase_costs_phase_order():
    order = ["availability", "test_drive", "price", "trade_in", "credit"]
    ops = [GOOD_OPERATOR[i] for i in (0, 1, 5, 2, 3, 4)]
    facts = _call([T[t].ask for t in order] + [CAR.ending.success_line], ops)
    _, parts = _parts(facts)
    assert parts["phase_order"].detail["out_of_order"] == ["price"]
    assert parts["phase_order"].score == 75  # one backward step in four


def test_asking_again_after_an_answer_is_a_repeat():
    client = [T["availability"].ask, T["price"].ask, T["price"].ask, T["credit"].ask]
    facts = _call([*client, None, None])
    _, parts = _parts(facts)
    assert parts["repeats"].detail["repeated"] == ["price"]
    assert parts["repeats"].quotes[0].turn == 3
    assert parts["repeats"].score == 67  # 1 of 3 raised topics


def test_reactions_must_fire_after_their_trigger_and_not_otherwise():
    discount = next(r for r in CAR.reactions if r.id == "discount")
    ops = [GOOD_OPERATOR[0], "Сейчас на Sportage действует скидка двести тысяч."]
    fired = dialogue(CAR.opening, [(ops[0], T["availability"].ask), (ops[1], discount.say)])
    missed = dialogue(CAR.opening, [(ops[0], T["availability"].ask), (ops[1], "Понятно.")])
    unprompted = dialogue(CAR.opening, [(ops[0], discount.say)])
    assert _parts(fired)[1]["reactions"].score == 100
    part = _parts(missed)[1]["reactions"]
    assert part.score == 0 and part.detail["problems"][0]["problem"] == "missed"
    part = _parts(unprompted)[1]["reactions"]
    assert part.score == 0 and part.detail["problems"][0]["problem"] == "without_trigger"


def test_the_ending_must_fit_what_happened():
    asks = [T[t].ask for t in ORDER]
    # every topic answered but the client closed instead of thanking: wrong ending
    wrong = _call([*asks, CAR.ending.close_line], ending="max_turns")
    _, parts = _parts(wrong)
    assert parts["ending"].score == 0
    assert parts["ending"].detail == {"expected": "success", "actual": "close"}
    # an insult must end with a hang-up
    insult = dialogue(CAR.opening, [("Вы что, идиот?", CAR.ending.hangup_line)], ending="hang_up")
    assert _parts(insult)[1]["ending"].score == 100
    # the operator hanging up leaves the client no ending to choose
    hung = _call([*asks, None], hangup_by="operator", end_reason="operator_hangup")
    assert _parts(hung)[1]["ending"].status == "na"


def test_language_and_reply_length():
    long_reply = " ".join(["Ну"] + ["слово"] * 45) + "."
    facts = _call(
        [T["availability"].ask, "Sorry, I only speak English now.", long_reply, None, None, None]
    )
    _, parts = _parts(facts)
    assert parts["language"].score == 75  # 3 of 4 client lines (with the opening)
    assert parts["language"].quotes[0].text.startswith("Sorry")
    assert parts["reply_length"].score == 50
    assert parts["reply_length"].detail["max_words"] == 46


def test_word_error_rate():
    assert (
        word_error_rate("Какая цена в этой комплектации?", "какая цена, в этой комплектации") == 0
    )
    assert word_error_rate("раз два три", "раз пять три") == pytest.approx(1 / 3)
    assert word_error_rate("раз два три", "раз два три четыре пять") == pytest.approx(2 / 3)
    assert word_error_rate("", "") == 0


def test_the_hybrid_engine_compares_spoken_words_with_the_backend_line():
    facts = _call(
        [T[t].ask for t in ORDER] + [CAR.ending.success_line],
        engine="realtime",
        ending="success",
        turns=[
            TurnFacts(turn=1, backend_line=T["availability"].ask, spoken=T["availability"].ask),
            TurnFacts(
                turn=2,
                backend_line="Какая цена в этой комплектации?",
                spoken="А какая у вас цена на эту машину?",
            ),
            TurnFacts(turn=3, backend_line="Понятно.", spoken=None),  # not reported: skipped
        ],
    )
    verdict, parts = _parts(facts)
    assert verdict.verbatim is not None
    assert [t.turn for t in verdict.verbatim.turns] == [1, 2]
    assert verdict.verbatim.deviations == 1
    assert verdict.verbatim.turns[0].wer == 0
    assert parts["verbatim"].status == "scored"
    assert parts["verbatim"].score < 100
    assert verdict.fidelity is not None and verdict.fidelity < 100


def test_a_silent_hang_up_reaction_is_checked_by_the_ending_that_follows_it():
    # the insult reaction has no line of its own: the call must end with a hang-up after it
    insulted = dialogue(CAR.opening, [("Вы что, идиот?", CAR.ending.hangup_line)], ending="hang_up")
    ignored = dialogue(CAR.opening, [("Вы что, идиот?", T["availability"].ask), ("Ладно.", None)])
    assert _parts(insulted)[1]["reactions"].score == 100
    assert _parts(ignored)[1]["reactions"].detail["problems"][0]["problem"] == "missed"
    # a hang-up for another reason (two rude turns) is no unprompted insult reaction
    rude = next(r for r in CAR.reactions if r.id == "rude")
    angry = dialogue(
        CAR.opening,
        [
            ("Некогда мне, чего надо?", rude.say),
            ("Не ваше дело.", f"{rude.say} {CAR.ending.hangup_line}"),
        ],
        ending="hang_up",
    )
    part = _parts(angry)[1]["reactions"]
    assert part.score == 100 and part.detail["problems"] == []
    assert _parts(angry)[1]["ending"].score == 100  # two angry turns: the hang-up was due
