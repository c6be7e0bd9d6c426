"""The scripted responder: the client's reply for one turn without an LLM.

It speaks the persona's own lines and detects answers, reactions and goodbyes by keywords (see
``vclient.dialog.text`` for the matching rules). The LLM responder (``vclient.dal.openai``) falls
back to it on any failure; the conversation decides what happens with either's proposal.
"""

from __future__ import annotations

from vclient.dialog.conversation import (
    DialogState,
    ResponderOutput,
    Signals,
    TurnPlan,
    accept_answers,
)
from vclient.dialog.persona import Persona
from vclient.dialog.text import contains_keyword, expect_keywords, matches_any, words

DEFAULT_GOODBYE_KEYWORDS: dict[str, tuple[str, ...]] = {
    "ru": (
        "до свидания",
        "всего доброго",
        "всего хорошего",
        "хорошего дня",
        "до встречи",
        "до связи",
        "прощайте",
        "пока",
    ),
    "en": ("goodbye", "bye", "have a nice day", "see you"),
}
"""Built-in goodbye phrases per language; a persona adds its own in ``ending.goodbye_keywords``."""

GOODBYE_TAIL_WORDS = 3
"""A goodbye phrase counts only near the end of the utterance ("пока не знаю" is not goodbye)."""


def is_goodbye(persona: Persona, text: str) -> bool:
    """True when the operator's utterance ends with a goodbye phrase."""
    phrases = (*DEFAULT_GOODBYE_KEYWORDS.get(persona.lang, ()), *persona.ending.goodbye_keywords)
    tail = " ".join(words(text)[-GOODBYE_TAIL_WORDS:])
    return any(contains_keyword(tail, phrase) for phrase in phrases)


class ScriptedResponder:
    """Deterministic responder built from the persona's lines and keywords."""

    def respond(
        self, persona: Persona, state: DialogState, operator_text: str, plan: TurnPlan
    ) -> ResponderOutput:
        if is_goodbye(persona, operator_text):
            return ResponderOutput(
                reply=persona.ending.goodbye_line, signals=Signals(operator_intent="goodbye")
            )

        triggered = [
            i
            for i in plan.available_reactions
            if persona.reactions[i].keywords
            and matches_any(operator_text, persona.reactions[i].keywords)
        ]
        candidates = [
            t.id
            for t in (*plan.answerable, *persona.topics)
            if t.id not in plan.answered
            and matches_any(operator_text, t.answer_keywords or expect_keywords(t.expect))
        ]
        answered, _, _ = accept_answers(
            persona,
            plan.phase_index,
            plan.phase_turns,
            state.topics_raised,
            plan.answered,
            candidates,
        )
        done = plan.answered | set(answered)

        current = plan.current_topic
        question: str | None = None
        asked: str | None = None
        if current is None or current.id in done:
            nxt = plan.next_topic(done)
        elif plan.follow_up is not None:
            question, asked = plan.follow_up, current.id
            nxt = None
        else:
            nxt = plan.next_topic(done, skip={current.id}) or current
        if nxt is not None:
            question, asked = nxt.ask, nxt.id

        parts: list[str] = []
        said = next((persona.reactions[i].say for i in triggered if persona.reactions[i].say), None)
        if said:
            parts.append(said)
        elif answered:
            parts.append(persona.fillers[state.turn % len(persona.fillers)])
        if question:
            parts.append(question)
        if not parts:
            parts.append(persona.fillers[state.turn % len(persona.fillers)])

        return ResponderOutput(
            reply=" ".join(parts),
            signals=Signals(
                answered_topics=answered,
                asked_topic=asked,
                triggered_reactions=list(triggered),
            ),
        )
