"""Dialog engine: phases, topics, reactions, every ending, reply cap, determinism."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from vclient.dialog.conversation import (
    Conversation,
    DialogState,
    ResponderOutput,
    Signals,
    TurnPlan,
    TurnResult,
)
from vclient.dialog.persona import Persona, load_bundled
from vclient.dialog.scripted import ScriptedResponder

T0 = 1_700_000_000_000


class StubResponder:
    """Returns a fixed proposal and remembers what it was asked."""

    def __init__(self, reply: str = "Угу.", **signals: Any) -> None:
        self.output = ResponderOutput(reply=reply, signals=Signals(**signals))
        self.calls: list[tuple[str, TurnPlan]] = []

    def respond(
        self, persona: Persona, state: DialogState, operator_text: str, plan: TurnPlan
    ) -> ResponderOutput:
        self.calls.append((operator_text, plan))
        return self.output


def run(
    engine: Conversation, lines: list[str], responder: Any = None, step_ms: int = 5_000
) -> tuple[DialogState, list[TurnResult]]:
    responder = responder or ScriptedResponder()
    state, _ = engine.start(T0)
    results: list[TurnResult] = []
    for i, line in enumerate(lines, 1):
        result = engine.turn(state, line, T0 + i * step_ms, responder)
        results.append(result)
        state = result.state
        if result.end_call:
            break
    return state, results


@pytest.fixture
def car() -> Conversation:
    return Conversation(load_bundled("car_buyer"))


@pytest.fixture
def deposit() -> Conversation:
    return Conversation(load_bundled("deposit_closing"))


# --- full scripted dialogs ------------------------------------------------------------------------

CAR_DIALOG = [
    "Здравствуйте! Автосалон «Киа Центр», меня зовут Анна, слушаю вас.",
    "Да, Prestige есть в наличии, две машины стоят на складе.",
    "В этой комплектации цена три миллиона четыреста пятьдесят тысяч рублей.",
    "Да, Solaris возьмём, нужно приехать на осмотр, оценка занимает полчаса.",
    "Кредит от девяти процентов годовых, первоначальный взнос от двадцати процентов.",
    "Да, конечно, записываю вас на субботу на одиннадцать утра.",
]

DEPOSIT_DIALOG = [
    "Добрый день, банк «Надёжный», оператор Сергей. Чем могу помочь?",
    "Да, конечно, закрыть вклад досрочно можно в любой момент.",
    "Проценты при досрочном закрытии пересчитают по ставке до востребования.",
    "Да, основную сумму вы получите полностью.",
    "Деньги можно получить наличными в кассе или перевести на карту.",
    "Возьмите, пожалуйста, паспорт.",
    "Да, закрыть вклад можно и в мобильном приложении, в разделе «Вклады».",
]


@pytest.mark.parametrize(
    ("persona_id", "dialog"), [("car_buyer", CAR_DIALOG), ("deposit_closing", DEPOSIT_DIALOG)]
)
def test_full_scripted_dialog_reaches_success(persona_id: str, dialog: list[str]) -> None:
    # Given a bundled persona and an operator who answers every question sensibly
    persona = load_bundled(persona_id)
    engine = Conversation(persona)
    state, first = engine.start(T0)
    assert first == persona.opening

    # When the scripted client talks to the operator
    state, results = run(engine, dialog)

    # Then the client asked every topic's question, in order, once each
    said = " ".join(r.reply for r in results)
    for topic in persona.topics:
        assert said.count(topic.ask) == 1, topic.id
    assert [said.index(t.ask) for t in persona.topics] == sorted(
        said.index(t.ask) for t in persona.topics
    )
    # And the call ended with success on the last operator line, in the last phase
    last = results[-1]
    assert len(results) == len(dialog)
    assert last.end_call and last.ending == "success"
    assert last.reply == persona.ending.success_line
    assert last.phase == persona.phases[-1].id
    assert sorted(state.topics_answered) == sorted(t.id for t in persona.topics)
    assert all(not r.end_call for r in results[:-1])
    assert all(not r.fallback for r in results)


# --- start, state, determinism --------------------------------------------------------------------


def test_start_gives_opening_and_a_json_only_state(car: Conversation) -> None:
    # When a call starts
    state, line = car.start(T0)
    # Then the client says the opening, in the first phase, with the persona's initial mood
    assert line == car.persona.opening
    assert state.phase_id == "intro" and state.mood == "interested"
    # And the state is plain JSON (no floats) that survives a DynamoDB round trip (Decimals)
    item = state.to_item()

    def no_floats(value: Any) -> bool:
        if isinstance(value, dict):
            return all(no_floats(v) for v in value.values())
        if isinstance(value, list):
            return all(no_floats(v) for v in value)
        return not isinstance(value, float)

    assert no_floats(item)
    stored = {**item, "started_at_ms": Decimal(T0), "turn": Decimal(0)}
    assert DialogState.from_item(stored) == state


def test_turn_is_deterministic_and_does_not_mutate_input(car: Conversation) -> None:
    # Given the same start and the same operator lines
    state, _ = car.start(T0)
    before = state.model_dump()
    a = car.turn(state, CAR_DIALOG[0], T0 + 1000, ScriptedResponder())
    b = car.turn(state, CAR_DIALOG[0], T0 + 1000, ScriptedResponder())
    # Then a retried turn gives exactly the same result, and the input state is untouched
    assert a.model_dump() == b.model_dump()
    assert state.model_dump() == before
    # And whole dialogs replay identically
    assert run(car, CAR_DIALOG)[1] == run(car, CAR_DIALOG)[1]


def test_history_is_kept_short() -> None:
    # Given an engine that keeps the last 3 exchanges
    engine = Conversation(load_bundled("car_buyer"), history_size=3)
    state, results = run(engine, ["Алло.", "Слушаю.", "Да-да.", "Говорите."])
    # Then only the last three are stored, newest last
    assert len(state.history) == 3
    assert state.history[-1].operator == "Говорите."
    assert state.history[-1].client == results[-1].reply


# --- phases and topics ----------------------------------------------------------------------------


def test_phase_advances_when_its_topics_are_answered(car: Conversation) -> None:
    # Given the client asked about availability (phase intro)
    state, results = run(car, CAR_DIALOG[:1])
    assert results[-1].phase == "intro" and state.current_topic == "availability"
    # When the operator answers it
    result = car.turn(state, CAR_DIALOG[1], T0 + 9000, ScriptedResponder())
    # Then the call moves to the money phase and the client asks about the price
    assert result.phase == "money"
    assert result.signals.answered_topics == ["availability"]
    assert result.reply.endswith(car.persona.topic("price").ask)  # type: ignore[union-attr]


def test_phase_advances_after_its_max_turns(deposit: Conversation) -> None:
    # Given the deposit persona whose greeting phase has no topics and max_turns 1
    _, results = run(deposit, ["Алло, слушаю вас."])
    # Then after one turn the client is in the next phase, asking its first topic
    assert results[0].phase == "situation"
    assert results[0].reply == deposit.persona.topic("early_close").ask  # type: ignore[union-attr]


def test_timed_out_phase_leaves_its_topics_for_later(car: Conversation) -> None:
    # Given the visit phase allows at most 4 turns and the operator dodges the test drive question
    state, results = run(car, [*CAR_DIALOG[:5], "Ну, посмотрим.", "Не знаю.", "Хм.", "Может быть."])
    # Then the engine stays in the last phase, keeps the topic pending and does not end in success
    assert state.phase_id == "visit"
    assert "test_drive" not in state.topics_answered
    assert all(r.ending != "success" for r in results)


def test_signals_are_filtered_by_the_engine(car: Conversation) -> None:
    # Given the client is in the intro phase
    state, _ = car.start(T0)
    # When a responder claims an unknown topic and a topic of a later phase are answered
    responder = StubResponder(answered_topics=["nonsense", "test_drive"], asked_topic="credit")
    result = car.turn(state, "Здравствуйте.", T0 + 1000, responder)
    # Then neither is accepted, and the client asks the current phase's topic instead
    assert result.signals.answered_topics == []
    assert result.state.topics_answered == []
    assert result.state.current_topic == "availability"
    assert result.phase == "intro"


def test_one_utterance_can_close_a_phase_and_answer_the_next(car: Conversation) -> None:
    # Given the client asked about availability
    state, _ = run(car, CAR_DIALOG[:1])
    # When the operator says it is in stock and names the price in the same breath
    result = car.turn(
        state, "Да, есть в наличии, стоит три миллиона рублей.", T0 + 9000, ScriptedResponder()
    )
    # Then both count, and the client goes straight to trade-in
    assert result.signals.answered_topics == ["availability", "price"]
    assert result.state.current_topic == "trade_in"


def test_follow_up_once_then_move_on(car: Conversation) -> None:
    # Given the client asked about the price
    state, _ = run(car, CAR_DIALOG[:2])
    price = car.persona.topic("price")
    assert price is not None and state.current_topic == "price"
    # When the operator dodges, Then the client uses the follow-up
    r1 = car.turn(state, "Это зависит от многого.", T0 + 20_000, ScriptedResponder())
    assert r1.reply == price.follow_up
    # When the operator dodges again, Then the client moves on to the next topic
    r2 = car.turn(r1.state, "Сложно сказать.", T0 + 25_000, ScriptedResponder())
    assert r2.state.current_topic == "trade_in"
    assert "price" not in r2.state.topics_answered


# --- reactions ------------------------------------------------------------------------------------


def _reaction_cases() -> list[tuple[str, int]]:
    return [
        (pid, i)
        for pid in ("car_buyer", "deposit_closing")
        for i in range(len(load_bundled(pid).reactions))
    ]


@pytest.mark.parametrize(("persona_id", "index"), _reaction_cases())
def test_each_reaction_fires_on_its_keywords(persona_id: str, index: int) -> None:
    # Given a call in progress
    engine = Conversation(load_bundled(persona_id))
    reaction = engine.persona.reactions[index]
    state, _ = run(engine, ["Здравствуйте, слушаю вас."])
    # When the operator says one of the reaction's keywords
    keyword = reaction.keywords[0].rstrip("*")
    result = engine.turn(state, f"Ну, {keyword}, вот так.", T0 + 10_000, ScriptedResponder())
    # Then the reaction is recorded and the client's mood follows it
    assert result.signals.triggered_reactions == [reaction.id]
    if reaction.mood:
        assert result.state.mood == reaction.mood
    if reaction.hang_up:
        # And a hang-up reaction ends the call with the hang-up line
        assert result.end_call and result.ending == "hang_up"
        assert result.reply == engine.persona.ending.hangup_line
    else:
        # And otherwise the client says the reaction's line
        assert not result.end_call
        assert reaction.say and result.reply.startswith(reaction.say)


def test_once_reaction_fires_once_repeatable_one_again(deposit: Conversation) -> None:
    # Given the "upsell" reaction fires once per call and "jargon" every time
    state, _ = run(deposit, ["Здравствуйте."])
    r1 = deposit.turn(state, "Давайте лучше переоформим вклад.", T0 + 10_000, ScriptedResponder())
    r2 = deposit.turn(r1.state, "Может, переоформим всё-таки?", T0 + 15_000, ScriptedResponder())
    assert r1.signals.triggered_reactions == ["upsell"]
    assert r2.signals.triggered_reactions == []
    j1 = deposit.turn(r2.state, "Там капитализация.", T0 + 20_000, ScriptedResponder())
    j2 = deposit.turn(j1.state, "Я про капитализацию.", T0 + 25_000, ScriptedResponder())
    assert j1.signals.triggered_reactions == j2.signals.triggered_reactions == ["jargon"]


# --- endings --------------------------------------------------------------------------------------


def test_operator_goodbye_ends_politely(car: Conversation) -> None:
    # When the operator says goodbye mid-call
    state, results = run(car, [*CAR_DIALOG[:2], "Всё, мне некогда, всего доброго."])
    # Then the client says the goodbye line and the call ends
    assert results[-1].ending == "goodbye" and results[-1].end_call
    assert results[-1].reply == car.persona.ending.goodbye_line
    assert state.ended


def test_goodbye_word_inside_a_sentence_is_not_goodbye(car: Conversation) -> None:
    # "пока" at the start means "for now", not "bye"
    _, results = run(car, ["Пока не могу сказать точно, уточню у коллег."])
    assert not results[-1].end_call


def test_max_turns_closes_the_call() -> None:
    # Given a persona with a 3-turn limit and an operator who never answers anything
    data = load_bundled("car_buyer").model_dump()
    data["ending"]["max_turns"] = 3
    engine = Conversation(Persona.model_validate(data))
    _, results = run(engine, ["Алло.", "Да.", "Угу.", "Ага."])
    # Then the third turn ends the call with the close line
    assert len(results) == 3
    assert results[-1].ending == "max_turns"
    assert results[-1].reply == engine.persona.ending.close_line


def test_max_duration_closes_the_call_without_asking_the_responder(car: Conversation) -> None:
    # Given a call that started more than max_duration_s ago
    state, _ = car.start(T0)
    responder = StubResponder()
    late = T0 + car.persona.ending.max_duration_s * 1000
    # When the operator speaks
    result = car.turn(state, "Алло, вы тут?", late, responder)
    # Then the client closes without consulting the responder
    assert result.ending == "max_duration" and result.end_call
    assert result.reply == car.persona.ending.close_line
    assert responder.calls == []


def test_hang_up_if_signal_is_honoured(car: Conversation) -> None:
    # Given the car persona lists hang-up conditions, and the LLM says one is met
    state, _ = car.start(T0)
    result = car.turn(state, "Сначала предоплата.", T0 + 1000, StubResponder(hang_up=True))
    # Then the client hangs up with the hang-up line
    assert result.ending == "hang_up"
    assert result.reply == car.persona.ending.hangup_line


def test_hang_up_signal_ignored_without_conditions() -> None:
    # Given a persona with no hang_up_if conditions
    data = load_bundled("car_buyer").model_dump()
    data["ending"]["hang_up_if"] = []
    engine = Conversation(Persona.model_validate(data))
    state, _ = engine.start(T0)
    # When a responder still proposes hanging up, Then the engine does not hang up
    result = engine.turn(state, "Алло.", T0 + 1000, StubResponder(hang_up=True))
    assert not result.end_call
    assert result.signals.hang_up is False


def test_two_angry_turns_hang_up(car: Conversation) -> None:
    # Given the "rude" reaction is angry and may repeat; angry_limit is 2
    state, _ = run(car, ["Здравствуйте."])
    r1 = car.turn(state, "Чего надо?", T0 + 10_000, ScriptedResponder())
    # Then the first rude turn gets a reproach, the second ends the call
    assert not r1.end_call and r1.state.angry_turns == 1
    r2 = car.turn(r1.state, "Отстаньте уже.", T0 + 15_000, ScriptedResponder())
    assert r2.end_call and r2.ending == "hang_up"
    assert r2.reply == car.persona.ending.hangup_line


def test_rude_intent_from_llm_counts_as_angry(car: Conversation) -> None:
    state, _ = car.start(T0)
    rude = StubResponder(operator_intent="rude")
    r1 = car.turn(state, "...", T0 + 1000, rude)
    r2 = car.turn(r1.state, "...", T0 + 2000, rude)
    assert (r1.end_call, r2.ending) == (False, "hang_up")


def test_silence_reprompts_then_ends(car: Conversation) -> None:
    # Given the car persona allows 2 reprompts
    state, _ = car.start(T0)
    responder = StubResponder()
    r1 = car.turn(state, "", T0 + 1000, responder)
    r2 = car.turn(r1.state, "   ", T0 + 2000, responder)
    r3 = car.turn(r2.state, "", T0 + 3000, responder)
    # Then the client reprompts with its lines in turn, then gives up with the silence line
    assert [r1.reply, r2.reply] == car.persona.reprompts[:2]
    assert r3.end_call and r3.ending == "silence"
    assert r3.reply == car.persona.ending.silence_line
    # And silence is not a turn and never reaches the responder
    assert r3.state.turn == 0 and responder.calls == []


def test_speech_resets_the_reprompt_count(car: Conversation) -> None:
    state, _ = car.start(T0)
    r1 = car.turn(state, "", T0 + 1000, ScriptedResponder())
    r2 = car.turn(r1.state, "Да, слушаю.", T0 + 2000, ScriptedResponder())
    assert r2.state.reprompts == 0


def test_silence_line_defaults_to_close_line(deposit: Conversation) -> None:
    # Given the deposit persona has no silence_line and allows 3 reprompts
    state, _ = deposit.start(T0)
    results = []
    for i in range(4):
        result = deposit.turn(state, "", T0 + i * 1000, ScriptedResponder())
        results.append(result)
        state = result.state
    assert results[-1].ending == "silence"
    assert results[-1].reply == deposit.persona.ending.close_line


def test_turn_after_the_end_repeats_the_ending(car: Conversation) -> None:
    # Given a call that already ended with goodbye
    state, results = run(car, ["До свидания."])
    assert state.ended
    # When the webhook is retried, Then the same ending comes back and nothing changes
    again = car.turn(state, "До свидания.", T0 + 60_000, StubResponder())
    assert (again.reply, again.ending, again.end_call) == (results[-1].reply, "goodbye", True)
    assert again.state == state


# --- replies --------------------------------------------------------------------------------------


def test_long_reply_is_capped_at_a_sentence_boundary(car: Conversation) -> None:
    # Given a responder that rambles for 2000 characters
    long = "Это очень длинное предложение про машину. " * 50
    state, _ = car.start(T0)
    result = car.turn(state, "Алло.", T0 + 1000, StubResponder(reply=long))
    # Then the client says at most 400 characters, ending on a full sentence
    assert len(result.reply) <= 400
    assert result.reply.endswith(".")


def test_reply_cap_is_configurable_and_bounded() -> None:
    persona = load_bundled("car_buyer")
    engine = Conversation(persona, max_reply_chars=60)
    state, _ = engine.start(T0)
    result = engine.turn(state, "Алло.", T0 + 1000, StubResponder(reply="слово " * 40))
    assert len(result.reply) <= 60 and result.reply.endswith("…")
    with pytest.raises(ValueError):
        Conversation(persona, max_reply_chars=1500)


def test_empty_responder_reply_falls_back_to_a_filler(car: Conversation) -> None:
    state, _ = car.start(T0)
    result = car.turn(state, "Алло.", T0 + 1000, StubResponder(reply="   "))
    assert result.reply in car.persona.fillers


def test_answer_in_the_turn_that_times_out_a_phase_is_not_lost() -> None:
    from vclient.dialog.conversation import accept_answers

    # Given deposit_closing: a topic-less greeting phase of one turn, then `situation`
    persona = load_bundled("deposit_closing")
    assert persona.phases[0].max_turns == 1 and not persona.topics_of(persona.phases[0].id)
    # When the greeting turn (which ends that phase by its turn limit) already answers a
    # `situation` topic
    accepted, phase_index, _ = accept_answers(persona, 0, 1, [], [], ["early_close"])
    # Then the answer counts in the phase it opened
    assert accepted == ["early_close"]
    assert persona.phases[phase_index].id != "greeting"
