"""What the verdict reads: one call's facts and the client's script, as typed input models.

``CallFacts`` is everything a finished call says about itself — the transcript with turn numbers,
how it ended and who hung up, barge-ins, silences and whose turn they were, the bot's lag per turn,
the hybrid engine's backend line beside the words actually spoken, and the usage the platforms
reported. ``ClientScript`` is the part of a persona the verdict needs; it is read from a persona
object with ``ClientScript.from_persona`` (attribute access, so this package never imports the
persona module and the persona may in turn import the scorecard from here).

Turn numbers follow the scenarios' transcript events: the client's opening is turn 0, an
operator line and the client's reply to it share a turn number.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, model_validator

Speaker = Literal["operator", "client"]
Engine = Literal["dialog", "realtime", "realtime_pure"]
#: The dialog endings (``vclient.dialog.engine.EndingKind``).
EndingKind = Literal["success", "goodbye", "max_turns", "max_duration", "hang_up", "silence"]
#: The scenario's ``ended`` reasons (``vclient.events.Ended``).
EndReason = Literal[
    "end_call",
    "operator_hangup",
    "max_duration",
    "silence",
    "backend_error",
    "socket_closed",
    "failed",
    "stopped",
]
_ENDINGS = frozenset(get_args(EndingKind))
Ms = Annotated[int, Field(ge=0, le=10**14)]
Tokens = Annotated[int, Field(ge=0, le=10**12)]
ModelId = Annotated[str, Field(min_length=1, max_length=100)]


class _In(BaseModel):
    model_config = ConfigDict(defer_build=True, extra="forbid", frozen=True)


class TranscriptLine(_In):
    """One utterance. ``cut``: the client's line was interrupted by a barge-in."""

    turn: int = Field(ge=0, le=10_000)
    who: Speaker
    text: str = Field(max_length=4000)
    t_ms: Ms | None = None
    cut: bool = False


class TurnFacts(_In):
    """Per-turn facts. ``bot_lag_ms``: from the operator's end of speech to the client's first
    audio (voice to voice), the time the operator waited on the bot. ``backend_line`` and
    ``spoken``: the hybrid engine's line from the backend and the output audio transcript."""

    turn: int = Field(ge=0, le=10_000)
    bot_lag_ms: Ms | None = None
    backend_line: str | None = Field(default=None, max_length=4000)
    spoken: str | None = Field(default=None, max_length=4000)
    fallback: bool | None = None


class Silence(_In):
    """A gap in the conversation. ``waiting_for`` is whose turn it was to speak: ``operator``
    (the operator was silent) or ``client`` (the operator was waiting on the bot)."""

    turn: int | None = Field(default=None, ge=0, le=10_000)
    waiting_for: Speaker
    duration_ms: Ms


class BargeIn(_In):
    """The operator spoke over the client."""

    turn: int | None = Field(default=None, ge=0, le=10_000)


class RealtimeUsage(_In):
    """One Realtime ``response.done`` usage, flattened. Cached counts are part of the input."""

    model: ModelId
    input_text_tokens: Tokens = 0
    input_audio_tokens: Tokens = 0
    cached_text_tokens: Tokens = 0
    cached_audio_tokens: Tokens = 0
    output_text_tokens: Tokens = 0
    output_audio_tokens: Tokens = 0

    @model_validator(mode="after")
    def _cached_within_input(self) -> RealtimeUsage:
        if self.cached_text_tokens > self.input_text_tokens:
            raise ValueError("cached_text_tokens exceeds input_text_tokens")
        if self.cached_audio_tokens > self.input_audio_tokens:
            raise ValueError("cached_audio_tokens exceeds input_audio_tokens")
        return self

    @classmethod
    def from_response_done(cls, model: str, usage: Mapping[str, Any]) -> RealtimeUsage:
        """From ``response.done.response.usage`` (``input_token_details`` etc.)."""
        given = usage.get("input_token_details") or {}
        cached = given.get("cached_tokens_details") or {}
        out = usage.get("output_token_details") or {}
        return cls(
            model=model,
            input_text_tokens=int(given.get("text_tokens") or 0),
            input_audio_tokens=int(given.get("audio_tokens") or 0),
            cached_text_tokens=int(cached.get("text_tokens") or 0),
            cached_audio_tokens=int(cached.get("audio_tokens") or 0),
            output_text_tokens=int(out.get("text_tokens") or 0),
            output_audio_tokens=int(out.get("audio_tokens") or 0),
        )


class TextUsage(_In):
    """One text-model call's usage (chat completions). ``cached_tokens`` is part of the input."""

    model: ModelId
    input_tokens: Tokens = 0
    cached_tokens: Tokens = 0
    output_tokens: Tokens = 0

    @model_validator(mode="after")
    def _cached_within_input(self) -> TextUsage:
        if self.cached_tokens > self.input_tokens:
            raise ValueError("cached_tokens exceeds input_tokens")
        return self

    @classmethod
    def from_chat_completion(cls, model: str, usage: Mapping[str, Any]) -> TextUsage:
        """From a chat completion's ``usage`` (``prompt_tokens_details.cached_tokens``)."""
        details = usage.get("prompt_tokens_details") or {}
        return cls(
            model=model,
            input_tokens=int(usage.get("prompt_tokens") or 0),
            cached_tokens=int(details.get("cached_tokens") or 0),
            output_tokens=int(usage.get("completion_tokens") or 0),
        )


class TranscriptionUsage(_In):
    """Minutes of audio an OpenAI transcription model listened to (the realtime engines)."""

    model: ModelId
    minutes: float = Field(ge=0, le=10_000)


class Usage(_In):
    """What the platforms reported. ``None`` means not reported (priced as unknown), not zero."""

    realtime: list[RealtimeUsage] = Field(default_factory=list, max_length=10_000)
    text: list[TextUsage] = Field(default_factory=list, max_length=10_000)
    transcription: list[TranscriptionUsage] = Field(default_factory=list, max_length=100)
    #: Characters sent to Voximplant TTS (the dialog engine); ``None``: count the client's lines.
    tts_chars: int | None = Field(default=None, ge=0, le=10**9)


class CallFacts(_In):
    """One finished call, engine-neutral. Lines are in spoken order."""

    call_id: str | None = Field(default=None, max_length=100)
    engine: Engine
    connected: bool = True
    lines: list[TranscriptLine] = Field(default_factory=list, max_length=5000)
    turns: list[TurnFacts] = Field(default_factory=list, max_length=5000)
    ending: EndingKind | None = None
    end_reason: EndReason | None = None
    hangup_by: Literal["operator", "client", "system"] | None = None
    duration_ms: Ms | None = None
    barge_ins: list[BargeIn] = Field(default_factory=list, max_length=5000)
    silences: list[Silence] = Field(default_factory=list, max_length=5000)
    usage: Usage = Field(default_factory=Usage)

    @classmethod
    def from_call_view(cls, view: Mapping[str, Any], usage: Usage | None = None) -> CallFacts:
        """From the ``GET /call/{id}`` view as ``vclient.logic.call_report.call_view`` builds it.

        The view has no silences, no per-turn backend line or spoken transcript and no usage:
        those stay empty (pass ``usage`` separately). A transcript line without a turn number
        takes the previous line's. ``bot_lag_ms`` is the turn's voice-to-voice time.
        """
        lines = []
        turn = 0
        for item in view.get("transcript") or []:
            turn = int(item["turn"]) if item.get("turn") is not None else turn
            lines.append(
                TranscriptLine(
                    turn=turn,
                    who=item["who"],
                    text=str(item.get("text") or ""),
                    t_ms=item.get("t"),
                    cut=bool(item.get("cut")),
                )
            )
        turns = [
            TurnFacts(
                turn=int(t["turn"]),
                bot_lag_ms=t.get("voice_to_voice_ms")
                if (t.get("voice_to_voice_ms") or 0) >= 0
                else None,
                fallback=t.get("fallback"),
            )
            for t in view.get("turns") or []
        ]
        summary = view.get("summary") or {}
        ending = summary.get("ending")
        return cls(
            call_id=view.get("call_id"),
            engine=view["engine"],
            connected=view.get("connected_at") is not None,
            lines=lines,
            turns=turns,
            ending=ending if ending in _ENDINGS else None,
            end_reason=view.get("end_reason"),
            hangup_by=view.get("hangup_by"),
            duration_ms=view.get("duration_ms"),
            barge_ins=[BargeIn() for _ in range(int(summary.get("barge_ins") or 0))],
            usage=usage or Usage(),
        )

    def operator_lines(self) -> list[TranscriptLine]:
        return [line for line in self.lines if line.who == "operator" and line.text.strip()]

    def client_lines(self) -> list[TranscriptLine]:
        return [line for line in self.lines if line.who == "client" and line.text.strip()]


# --- the client's script (read from a persona) ---------------------------------------------------


class _Script(BaseModel):
    # A persona carries more than the verdict reads: ignore the rest, read attributes.
    model_config = ConfigDict(defer_build=True, extra="ignore", frozen=True, from_attributes=True)


class ScriptPhase(_Script):
    id: str
    max_turns: int | None = None


class ScriptTopic(_Script):
    id: str
    ask: str
    expect: str
    follow_up: str | None = None
    phase: str | None = None
    answer_keywords: list[str] = Field(default_factory=list)


class ScriptReaction(_Script):
    id: str | None = None
    trigger: str
    keywords: list[str] = Field(default_factory=list)
    say: str | None = None
    mood: str | None = None
    once: bool = True
    hang_up: bool = False


class ScriptEnding(_Script):
    success_line: str
    goodbye_line: str
    close_line: str
    hangup_line: str
    silence_line: str | None = None
    max_turns: int = 200
    angry_limit: int = 2
    goodbye_keywords: list[str] = Field(default_factory=list)


class ClientScript(_Script):
    """The persona as the verdict sees it: phases, topics, reactions, ending, verbatim lines."""

    id: str
    name: str
    language: str
    opening: str
    fillers: list[str] = Field(default_factory=list)
    reprompts: list[str] = Field(default_factory=list)
    phases: list[ScriptPhase] = Field(min_length=1)
    topics: list[ScriptTopic] = Field(min_length=1)
    reactions: list[ScriptReaction] = Field(default_factory=list)
    ending: ScriptEnding

    @model_validator(mode="after")
    def _known_phases(self) -> ClientScript:
        known = {p.id for p in self.phases}
        for topic in self.topics:
            if topic.phase is not None and topic.phase not in known:
                raise ValueError(f"topic {topic.id!r} names unknown phase {topic.phase!r}")
        return self

    @classmethod
    def from_persona(cls, persona: Any) -> ClientScript:
        """From a ``vclient.dialog.persona.Persona`` (or anything with the same attributes)."""
        return cls.model_validate(persona, from_attributes=True)

    @property
    def lang(self) -> str:
        return self.language.split("-", 1)[0].lower()

    def phase_of(self, topic: ScriptTopic) -> str:
        return topic.phase or self.phases[0].id

    def phase_index(self, topic: ScriptTopic) -> int:
        return [p.id for p in self.phases].index(self.phase_of(topic))

    def reaction_ref(self, index: int) -> str:
        reaction = self.reactions[index]
        return reaction.id or str(index)

    def verbatim_lines(self) -> list[str]:
        """Lines the client says word for word (never judged for length)."""
        e = self.ending
        lines = [self.opening, *self.fillers, *self.reprompts]
        lines += [e.success_line, e.goodbye_line, e.close_line, e.hangup_line]
        lines += [e.silence_line] if e.silence_line else []
        lines += [r.say for r in self.reactions if r.say]
        lines += [t.ask for t in self.topics] + [t.follow_up for t in self.topics if t.follow_up]
        return lines
