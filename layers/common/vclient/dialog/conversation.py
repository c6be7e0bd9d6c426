"""The dialog state machine. The engine, not the responder, owns every transition.

One operator utterance is one ``Conversation.turn``: the responder (scripted or LLM) proposes a
reply and ``Signals``; the engine filters the signals, advances the phase, picks the next topic and
decides whether the call ends. ``turn`` is pure: the same (state, text, now_ms, responder output)
always gives the same result, so a retried webhook gives the same answer.

Rules, in the order the engine applies them:

1. A state that already ended answers with its ending line again (idempotent retries).
2. ``now_ms - started_at_ms >= max_duration_s`` ends the call (``max_duration``, close line).
3. Empty text is silence: a reprompt from ``persona.reprompts`` (in turn); silence number
   ``max_reprompts + 1`` ends the call (``silence``, silence line). Silence is not a turn.
4. Otherwise the turn counter grows and the responder is asked. Its signals are filtered:
   unknown topic ids are dropped, and a topic may be marked answered only if it was raised or
   belongs to the current or an earlier phase (re-checked after each phase advance, so one
   utterance may close a phase and answer the next one). Reaction refs (id or index) that are
   unknown, or ``once`` reactions that already fired, are dropped.
5. Mood: the responder's mood, then the mood of each triggered reaction (last wins). A turn with
   an ``angry`` reaction or a ``rude`` operator intent is an angry turn.
6. Phases advance while the current one is done: all its topics answered, or ``max_turns`` turns
   spent in it. Topics left over from a timed-out phase are asked after the current phase's own.
7. Endings, first match wins:
   ``hang_up`` (a reaction with ``hang_up``; ``angry_limit`` angry turns; or the responder's
   ``hang_up`` signal when the persona lists ``hang_up_if`` conditions) → hang-up line;
   ``success`` (every topic answered) → success line; ``goodbye`` (operator intent) → goodbye
   line; ``max_turns`` (turn counter reached) → close line.
8. Otherwise the responder's reply, capped at ``max_reply_chars`` at a sentence or word boundary.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal, Protocol

from pydantic import BaseModel, ConfigDict, Field

from vclient.dialog.persona import Mood, Persona, Phase, Topic
from vclient.dialog.text import cap_reply

EndingKind = Literal["success", "goodbye", "max_turns", "max_duration", "hang_up", "silence"]
OperatorIntent = Literal["none", "goodbye", "rude", "off_topic", "question", "refusal"]

DEFAULT_MAX_REPLY_CHARS = 400
MAX_REPLY_CHARS_LIMIT = 1000
"""Upper bound for ``max_reply_chars``: well under Voximplant's 1500-character TTS limit."""
DEFAULT_HISTORY_SIZE = 6
MAX_OPERATOR_CHARS = 1000
"""Operator text beyond this is cut before it reaches a responder."""
HISTORY_TEXT_CHARS = 300
"""Each side of an exchange kept in the state is cut to this (keeps the DynamoDB item small)."""


class Exchange(BaseModel):
    """One exchange: what the operator said and what the client answered."""

    model_config = ConfigDict(extra="forbid", defer_build=True)

    operator: str
    client: str


class DialogState(BaseModel):
    """Everything the engine needs between turns. Plain JSON types only (ints, no floats)."""

    model_config = ConfigDict(extra="forbid", defer_build=True)

    persona_id: str
    started_at_ms: int
    phase_index: int = 0
    phase_id: str
    phase_turns: int = 0
    turn: int = 0
    topics_raised: list[str] = Field(default_factory=list)
    topics_answered: list[str] = Field(default_factory=list)
    current_topic: str | None = None
    follow_ups_used: list[str] = Field(default_factory=list)
    mood: Mood = "calm"
    angry_turns: int = 0
    reactions_fired: list[int] = Field(default_factory=list)
    reprompts: int = 0
    ended: bool = False
    ending: EndingKind | None = None
    history: list[Exchange] = Field(default_factory=list)

    def to_item(self) -> dict[str, Any]:
        """A JSON-safe dict for storage (DynamoDB accepts it as a map)."""
        return self.model_dump(mode="json")

    @classmethod
    def from_item(cls, item: dict[str, Any]) -> "DialogState":
        """Rebuild from storage; DynamoDB ``Decimal`` numbers are accepted as ints."""
        return cls.model_validate(item)


class Signals(BaseModel):
    """What a responder proposes besides the reply. The engine decides what to accept."""

    model_config = ConfigDict(extra="forbid", defer_build=True)

    answered_topics: list[str] = Field(default_factory=list)
    asked_topic: str | None = None
    operator_intent: OperatorIntent = "none"
    triggered_reactions: list[int | str] = Field(default_factory=list)
    hang_up: bool = False
    mood: Mood | None = None


class ResponderOutput(BaseModel):
    """A responder's proposal for one turn."""

    model_config = ConfigDict(defer_build=True)

    reply: str
    signals: Signals = Field(default_factory=Signals)
    llm_ms: int | None = None
    fallback: bool = False
    error: str | None = None


@dataclass(frozen=True)
class TurnPlan:
    """What the engine expects this turn; responders read it, never change it."""

    persona: Persona
    phase: Phase
    phase_index: int
    phase_turns: int
    current_topic: Topic | None
    follow_up: str | None
    """The current topic's follow-up, if the topic is unanswered and the follow-up unused."""
    answerable: tuple[Topic, ...]
    """Unanswered topics that may be marked answered now, the current topic first."""
    answered: frozenset[str]
    available_reactions: tuple[int, ...]
    turn: int
    turns_left: int

    def next_topic(self, answered: Iterable[str], skip: Iterable[str] = ()) -> Topic | None:
        """The topic to ask once ``answered`` are answered: the same rule the engine applies."""
        done = set(answered)
        index, _ = advance_phase(self.persona, self.phase_index, self.phase_turns, done)
        return select_topic(self.persona, index, done, set(skip))


class Responder(Protocol):
    """Anything that can propose a reply: ``ScriptedResponder``, ``OpenAIResponder``."""

    def respond(
        self, persona: Persona, state: DialogState, operator_text: str, plan: TurnPlan
    ) -> ResponderOutput: ...


class TurnResult(BaseModel):
    """The outcome of one turn: the new state and what the client says."""

    model_config = ConfigDict(defer_build=True)

    state: DialogState
    reply: str
    end_call: bool
    phase: str
    ending: EndingKind | None
    fallback: bool = False
    llm_ms: int | None = None
    signals: Signals = Field(default_factory=Signals)
    error: str | None = None


def advance_phase(
    persona: Persona, phase_index: int, phase_turns: int, answered: set[str]
) -> tuple[int, int]:
    """Move past every finished phase; return (phase_index, turns spent in that phase)."""
    last = len(persona.phases) - 1
    while phase_index < last:
        phase = persona.phases[phase_index]
        topics = persona.topics_of(phase.id)
        done = bool(topics) and all(t.id in answered for t in topics)
        if phase.max_turns is not None and phase_turns >= phase.max_turns:
            done = True
        if not done:
            break
        phase_index += 1
        phase_turns = 0
    return phase_index, phase_turns


def accept_answers(
    persona: Persona,
    phase_index: int,
    phase_turns: int,
    raised: Iterable[str],
    answered: Iterable[str],
    proposed: Iterable[str],
) -> tuple[list[str], int, int]:
    """Accept proposed answers phase by phase; return (accepted ids, phase_index, phase_turns).

    A topic is accepted if it is known, not yet answered, and raised or in the current or an
    earlier phase. After each phase advance the rest are checked again.
    """
    done = set(answered)
    raised_set = set(raised)
    candidates = [t for t in dict.fromkeys(proposed) if persona.topic(t) is not None]
    accepted: list[str] = []
    progress = True
    while progress:
        progress = False
        allowed = {ph.id for ph in persona.phases[: phase_index + 1]}
        for topic in (persona.topic(t) for t in candidates):
            if topic is None or topic.id in done:
                continue
            if persona.phase_of(topic) in allowed or topic.id in raised_set:
                done.add(topic.id)
                accepted.append(topic.id)
                progress = True
        advanced, phase_turns = advance_phase(persona, phase_index, phase_turns, done)
        # A phase that ended (answered, or out of turns) opens the next one's topics: check again.
        progress = progress or advanced != phase_index
        phase_index = advanced
    return accepted, phase_index, phase_turns


def select_topic(
    persona: Persona, phase_index: int, answered: set[str], skip: set[str] | None = None
) -> Topic | None:
    """First unanswered topic of the current phase, else a leftover from an earlier phase."""
    skip = skip or set()
    current = persona.phases[phase_index].id
    earlier = {p.id for p in persona.phases[:phase_index]}
    pending = [t for t in persona.topics if t.id not in answered and t.id not in skip]
    for topic in pending:
        if persona.phase_of(topic) == current:
            return topic
    for topic in pending:
        if persona.phase_of(topic) in earlier:
            return topic
    return None


class Conversation:
    """Runs one persona's dialog. Stateless itself: the state travels in and out of each call."""

    def __init__(
        self,
        persona: Persona,
        *,
        max_reply_chars: int = DEFAULT_MAX_REPLY_CHARS,
        history_size: int = DEFAULT_HISTORY_SIZE,
    ) -> None:
        if not 50 <= max_reply_chars <= MAX_REPLY_CHARS_LIMIT:
            raise ValueError(f"max_reply_chars must be 50..{MAX_REPLY_CHARS_LIMIT}")
        if history_size < 1:
            raise ValueError("history_size must be at least 1")
        self.persona = persona
        self.max_reply_chars = max_reply_chars
        self.history_size = history_size

    # --- public API ------------------------------------------------------------------------------

    def start(self, now_ms: int) -> tuple[DialogState, str]:
        """A fresh state and the client's first line (the persona's opening)."""
        p = self.persona
        line = self._cap(p.opening)
        state = DialogState(
            persona_id=p.id,
            started_at_ms=now_ms,
            phase_id=p.phases[0].id,
            mood=p.initial_mood,
            history=[Exchange(operator="", client=line)],
        )
        return state, line

    def plan(self, state: DialogState) -> TurnPlan:
        """What the engine expects from the responder for ``state``."""
        p = self.persona
        answered = set(state.topics_answered)
        allowed_phases = {ph.id for ph in p.phases[: state.phase_index + 1]}
        current = p.topic(state.current_topic) if state.current_topic else None
        if current is not None and current.id in answered:
            current = None
        answerable = [
            t
            for t in p.topics
            if t.id not in answered
            and (p.phase_of(t) in allowed_phases or t.id in state.topics_raised)
        ]
        if current is not None and current in answerable:
            answerable.remove(current)
            answerable.insert(0, current)
        follow_up = None
        if current is not None and current.follow_up and current.id not in state.follow_ups_used:
            follow_up = current.follow_up
        available = tuple(
            i for i, r in enumerate(p.reactions) if not (r.once and i in state.reactions_fired)
        )
        return TurnPlan(
            persona=p,
            phase=p.phases[state.phase_index],
            phase_index=state.phase_index,
            phase_turns=state.phase_turns,
            current_topic=current,
            follow_up=follow_up,
            answerable=tuple(answerable),
            answered=frozenset(answered),
            available_reactions=available,
            turn=state.turn,
            turns_left=max(p.ending.max_turns - state.turn, 0),
        )

    def turn(
        self,
        state: DialogState,
        operator_text: str,
        now_ms: int,
        responder: Responder,
        *,
        client_cut: bool = False,
    ) -> TurnResult:
        """Process one operator utterance (empty text = silence). Never mutates ``state``.

        ``client_cut``: the operator cut the client's last line. When that line was the opening
        (no operator turn yet: a greeting over it), the operator never heard the question, so the
        client asks it again, without a responder, and the dialog stays at its start.
        """
        p = self.persona
        if state.ended:
            kind = state.ending or "goodbye"
            return TurnResult(
                state=state,
                reply=self.ending_line(kind),
                end_call=True,
                phase=state.phase_id,
                ending=kind,
            )
        s = state.model_copy(deep=True)
        text = " ".join(operator_text.split())[:MAX_OPERATOR_CHARS]

        if now_ms - s.started_at_ms >= p.ending.max_duration_s * 1000:
            return self._finish(s, text, "max_duration")

        if not text:
            s.reprompts += 1
            if s.reprompts > p.ending.max_reprompts:
                return self._finish(s, text, "silence")
            reply = self._cap(p.reprompts[(s.reprompts - 1) % len(p.reprompts)])
            self._remember(s, text, reply)
            return TurnResult(state=s, reply=reply, end_call=False, phase=s.phase_id, ending=None)

        s.reprompts = 0
        if client_cut and s.turn == 0:
            reply = self._cap(p.opening)
            self._remember(s, text, reply)
            return TurnResult(state=s, reply=reply, end_call=False, phase=s.phase_id, ending=None)
        s.turn += 1
        s.phase_turns += 1
        plan = self.plan(s)
        out = responder.respond(p, s.model_copy(deep=True), text, plan)
        signals = self._apply(s, plan, out.signals)

        ending = self._decide_ending(s, signals)
        if ending is not None:
            return self._finish(
                s,
                text,
                ending,
                signals=signals,
                fallback=out.fallback,
                llm_ms=out.llm_ms,
                error=out.error,
            )
        reply = self._cap(out.reply) or self._cap(p.fillers[s.turn % len(p.fillers)])
        self._remember(s, text, reply)
        return TurnResult(
            state=s,
            reply=reply,
            end_call=False,
            phase=s.phase_id,
            ending=None,
            signals=signals,
            fallback=out.fallback,
            llm_ms=out.llm_ms,
            error=out.error,
        )

    def ending_line(self, kind: EndingKind) -> str:
        """The exact line the client says for an ending."""
        e = self.persona.ending
        line = {
            "success": e.success_line,
            "goodbye": e.goodbye_line,
            "max_turns": e.close_line,
            "max_duration": e.close_line,
            "hang_up": e.hangup_line,
            "silence": e.silence_line or e.close_line,
        }[kind]
        return self._cap(line)

    # --- internals -------------------------------------------------------------------------------

    def _cap(self, text: str) -> str:
        return cap_reply(text, self.max_reply_chars)

    def _apply(self, s: DialogState, plan: TurnPlan, proposed: Signals) -> Signals:
        """Filter ``proposed`` and apply it to ``s``; return what was accepted."""
        p = self.persona
        accepted, s.phase_index, s.phase_turns = accept_answers(
            p,
            s.phase_index,
            s.phase_turns,
            s.topics_raised,
            s.topics_answered,
            proposed.answered_topics,
        )
        s.topics_answered.extend(accepted)
        answered = set(s.topics_answered)
        s.phase_id = p.phases[s.phase_index].id

        reactions: list[int] = []
        for ref in proposed.triggered_reactions:
            index = self._reaction_index(ref)
            if index is not None and index in plan.available_reactions and index not in reactions:
                reactions.append(index)
        for index in reactions:
            if index not in s.reactions_fired:
                s.reactions_fired.append(index)

        if proposed.mood is not None:
            s.mood = proposed.mood
        for index in reactions:
            mood = p.reactions[index].mood
            if mood is not None:
                s.mood = mood
        if proposed.operator_intent == "rude" or any(
            p.reactions[i].mood == "angry" for i in reactions
        ):
            s.angry_turns += 1

        previous = plan.current_topic
        asked = p.topic(proposed.asked_topic) if proposed.asked_topic else None
        allowed = {ph.id for ph in p.phases[: s.phase_index + 1]}
        if asked is None or asked.id in answered or p.phase_of(asked) not in allowed:
            asked = select_topic(p, s.phase_index, answered)
        if asked is not None:
            if asked.id not in s.topics_raised:
                s.topics_raised.append(asked.id)
            if (
                previous is not None
                and asked.id == previous.id
                and previous.follow_up
                and asked.id not in s.follow_ups_used
            ):
                s.follow_ups_used.append(asked.id)
        s.current_topic = asked.id if asked is not None else None

        hang_up = proposed.hang_up and bool(p.ending.hang_up_if)
        return Signals(
            answered_topics=accepted,
            asked_topic=s.current_topic,
            operator_intent=proposed.operator_intent,
            triggered_reactions=[p.reaction_ref(i) for i in reactions],
            hang_up=hang_up,
            mood=s.mood,
        )

    def _reaction_index(self, ref: int | str) -> int | None:
        reactions = self.persona.reactions
        if isinstance(ref, int):
            return ref if 0 <= ref < len(reactions) else None
        if ref.isdigit():
            return self._reaction_index(int(ref))
        return next((i for i, r in enumerate(reactions) if r.id == ref), None)

    def _decide_ending(self, s: DialogState, signals: Signals) -> EndingKind | None:
        p = self.persona
        fired_now = [self._reaction_index(ref) for ref in signals.triggered_reactions]
        if (
            signals.hang_up
            or any(i is not None and p.reactions[i].hang_up for i in fired_now)
            or s.angry_turns >= p.ending.angry_limit
        ):
            return "hang_up"
        if all(t.id in s.topics_answered for t in p.topics):
            return "success"
        if signals.operator_intent == "goodbye":
            return "goodbye"
        if s.turn >= p.ending.max_turns:
            return "max_turns"
        return None

    def _finish(
        self,
        s: DialogState,
        text: str,
        kind: EndingKind,
        *,
        signals: Signals | None = None,
        fallback: bool = False,
        llm_ms: int | None = None,
        error: str | None = None,
    ) -> TurnResult:
        reply = self.ending_line(kind)
        s.ended = True
        s.ending = kind
        self._remember(s, text, reply)
        return TurnResult(
            state=s,
            reply=reply,
            end_call=True,
            phase=s.phase_id,
            ending=kind,
            signals=signals or Signals(),
            fallback=fallback,
            llm_ms=llm_ms,
            error=error,
        )

    def _remember(self, s: DialogState, text: str, reply: str) -> None:
        s.history.append(
            Exchange(operator=text[:HISTORY_TEXT_CHARS], client=reply[:HISTORY_TEXT_CHARS])
        )
        del s.history[: -self.history_size]
