"""Responders propose the client's reply for one turn; the engine decides what happens.

- ``ScriptedResponder``: no LLM. Speaks the persona's own lines, detects answers, reactions and
  goodbyes by keywords (see ``vclient.dialog.text`` for the matching rules).
- ``OpenAIResponder``: one structured-output chat completion per turn, with an explicit timeout and
  retry count; on any failure it falls back to the scripted responder and says why.

``openai`` is imported lazily (about 0.6 s at cold start), only when a client is built.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, Field

from vclient.dialog.engine import (
    DialogState,
    OperatorIntent,
    Responder,
    ResponderOutput,
    Signals,
    TurnPlan,
    accept_answers,
)
from vclient.dialog.prompt import build_messages
from vclient.dialog.text import contains_keyword, expect_keywords, matches_any, words
from vclient.persona import Mood, Persona

if TYPE_CHECKING:
    from openai import OpenAI

__all__ = [
    "DEFAULT_GOODBYE_KEYWORDS",
    "LLMTurn",
    "OpenAIResponder",
    "Responder",
    "ResponderOutput",
    "ScriptedResponder",
    "openai_client_factory",
]

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


class LLMTurn(BaseModel):
    """The structured output the model must return (strict JSON schema)."""

    reply: str = Field(description="What the client says next, in the persona's language.")
    answered_topics: list[str] = Field(
        description="Ids of topics the operator has just answered in this utterance."
    )
    asked_topic: str | None = Field(description="Id of the topic your reply asks about, or null.")
    operator_intent: OperatorIntent = Field(description="What the operator is doing right now.")
    triggered_reactions: list[str] = Field(description="Refs of reactions this utterance triggers.")
    mood: Mood = Field(description="The client's mood after this utterance.")
    hang_up: bool = Field(description="True only if a hang-up condition is met.")


class _InvalidOutput(Exception):
    """The model answered, but not with something usable."""


def _reason(exc: BaseException) -> str:
    name = type(exc).__name__
    if name == "APITimeoutError" or isinstance(exc, TimeoutError):
        return "timeout"
    if isinstance(exc, _InvalidOutput):
        return str(exc)
    return f"{name}: {' '.join(str(exc).split())[:200]}"


class OpenAIResponder:
    """Chat-completions responder with structured output and a scripted fallback.

    ``client_factory`` returns an ``openai.OpenAI`` (called once, lazily). Whatever its own
    settings, every call runs with ``timeout_s`` and ``max_retries`` set explicitly: the SDK's
    defaults (600 s, 2 retries) are far too long for a voice turn.
    """

    def __init__(
        self,
        client_factory: Callable[[], OpenAI],
        model: str,
        *,
        timeout_s: float = 2.5,
        max_retries: int = 0,
        reasoning_effort: str | None = None,
        fallback: Responder | None = None,
        clock: Callable[[], float] = time.perf_counter,
    ) -> None:
        if not 0 < timeout_s <= 30:
            raise ValueError("timeout_s must be in (0, 30]")
        if not 0 <= max_retries <= 2:
            raise ValueError("max_retries must be 0..2")
        self._factory = client_factory
        self._client: Any = None
        self.model = model
        self.timeout_s = timeout_s
        self.max_retries = max_retries
        self.reasoning_effort = reasoning_effort
        self.fallback: Responder = fallback or ScriptedResponder()
        self._clock = clock

    def warm(self) -> None:
        """Import the SDK and build the client now (off the turn path), not on the first turn."""
        self._get_client()

    def _get_client(self) -> Any:
        if self._client is None:
            self._client = self._factory().with_options(
                timeout=self.timeout_s, max_retries=self.max_retries
            )
        return self._client

    def respond(
        self, persona: Persona, state: DialogState, operator_text: str, plan: TurnPlan
    ) -> ResponderOutput:
        started = self._clock()
        try:
            parsed = self._call(persona, state, operator_text, plan)
        except Exception as exc:  # any failure means: speak the scripted line instead
            llm_ms = int((self._clock() - started) * 1000)
            out = self.fallback.respond(persona, state, operator_text, plan)
            return out.model_copy(
                update={"fallback": True, "llm_ms": llm_ms, "error": _reason(exc)}
            )
        return ResponderOutput(
            reply=parsed.reply.strip(),
            signals=Signals(
                answered_topics=parsed.answered_topics,
                asked_topic=parsed.asked_topic,
                operator_intent=parsed.operator_intent,
                triggered_reactions=list(parsed.triggered_reactions),
                hang_up=parsed.hang_up,
                mood=parsed.mood,
            ),
            llm_ms=int((self._clock() - started) * 1000),
        )

    def _call(
        self, persona: Persona, state: DialogState, operator_text: str, plan: TurnPlan
    ) -> LLMTurn:
        kwargs: dict[str, Any] = {
            "model": self.model,
            "messages": build_messages(persona, state, operator_text, plan),
            "response_format": LLMTurn,
            "timeout": self.timeout_s,
        }
        if self.reasoning_effort is not None:
            kwargs["reasoning_effort"] = self.reasoning_effort
        completion = self._get_client().chat.completions.parse(**kwargs)
        if not completion.choices:
            raise _InvalidOutput("no choices in the completion")
        message = completion.choices[0].message
        if getattr(message, "refusal", None):
            raise _InvalidOutput(f"refusal: {' '.join(str(message.refusal).split())[:200]}")
        parsed = message.parsed
        if not isinstance(parsed, LLMTurn):
            raise _InvalidOutput("no parsed output")
        if not parsed.reply.strip():
            raise _InvalidOutput("empty reply")
        return parsed


def openai_client_factory(
    api_key: str, *, base_url: str | None = None, timeout_s: float = 2.5, max_retries: int = 0
) -> Callable[[], OpenAI]:
    """A factory that imports ``openai`` and builds the client only when first called."""

    def factory() -> OpenAI:
        import openai  # lazy: about 0.6 s of cold start, paid only when the LLM is used

        return openai.OpenAI(
            api_key=api_key, base_url=base_url, timeout=timeout_s, max_retries=max_retries
        )

    return factory
