"""Everything that differs between the three call engines, in one registry.

The session, the turns and the call report ask an engine's ``EngineSpec`` what it does instead
of comparing its name. Pure (no AWS, no network): the builders it uses live in ``vclient.dialog``.

- ``dialog``: the backend's dialog state answers each turn (``POST /reply``); Voximplant TTS speaks.
- ``realtime`` (hybrid): the backend answers each turn; OpenAI Realtime says it word for word.
- ``realtime_pure``: OpenAI Realtime plays the compiled persona itself and speaks.
"""

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Literal, NamedTuple

from vclient.vocabulary import Engine

if TYPE_CHECKING:
    from vclient.dialog.persona import Persona


class RealtimeSettings(NamedTuple):
    """What a realtime engine's session block is built from (the call's config, flattened)."""

    model: str
    transcription_model: str
    hybrid_mode: Literal["tool", "direct"]
    #: Keyword arguments of the session builders (vad, noise_reduction, reasoning_effort, …).
    options: dict[str, Any]
    #: The reasoning effort of a line said word for word (None: nothing is sent).
    say_effort: Literal["minimal"] | None


#: (persona, the dialog's first line, settings) → the engine's part of ``session.realtime``.
RealtimeBlock = Callable[["Persona", str, RealtimeSettings], dict[str, Any]]


def _hybrid_block(persona: "Persona", first_line: str, s: RealtimeSettings) -> dict[str, Any]:
    from vclient.dialog.realtime import hybrid_session_update, say_exactly_response

    update = hybrid_session_update(
        persona,
        model=s.model,
        transcription_model=s.transcription_model,
        mode=s.hybrid_mode,
        **s.options,
    )
    return {
        "session_update": update,
        "first_response": say_exactly_response(first_line, reasoning_effort=s.say_effort),
        "hybrid_mode": s.hybrid_mode,
    }


def _pure_block(persona: "Persona", first_line: str, s: RealtimeSettings) -> dict[str, Any]:
    from vclient.dialog.realtime import pure_session_update, say_exactly_response

    update = pure_session_update(
        persona, model=s.model, transcription_model=s.transcription_model, **s.options
    )
    silence = persona.ending.silence_line or persona.ending.close_line
    return {
        "session_update": update,
        # The client's first words are the persona's opening: the same first line as the other
        # engines, so the comparison starts level.
        "first_response": say_exactly_response(persona.opening, reasoning_effort=s.say_effort),
        # What the client says when the operator stays silent past the reprompts (the backend
        # ends silent calls itself in the other engines).
        "silence_response": say_exactly_response(silence, reasoning_effort=s.say_effort),
    }


# NamedTuples, not dataclasses: immutable alike, and a fifth of the cost at a cold start.
class EngineSpec(NamedTuple):
    name: Engine
    #: The backend's dialog state answers every turn (``POST /reply``); the session hands out
    #: ``dialog_url`` and ``first_line``, and the report reads the dialog state.
    backend_turns: bool
    #: The OpenAI Realtime model voices the client (the session has a ``realtime`` block);
    #: otherwise Voximplant TTS does (a ``dialog`` block).
    realtime_voice: bool
    #: Builds the session's realtime block (None for an engine without a realtime voice).
    realtime_block: RealtimeBlock | None = None
    #: The scenario posts a turn mark for each silence (a reprompt), so the report counts them.
    marks_silences: bool = True

    @property
    def hybrid(self) -> bool:
        """The Realtime model voices lines the backend wrote: replies carry a response to say."""
        return self.backend_turns and self.realtime_voice


REGISTRY: dict[Engine, EngineSpec] = {
    "dialog": EngineSpec("dialog", backend_turns=True, realtime_voice=False),
    "realtime": EngineSpec(
        "realtime", backend_turns=True, realtime_voice=True, realtime_block=_hybrid_block
    ),
    "realtime_pure": EngineSpec(
        "realtime_pure",
        backend_turns=False,
        realtime_voice=True,
        realtime_block=_pure_block,
        marks_silences=False,
    ),
}


def engine_spec(name: str) -> EngineSpec:
    """The engine's entry; an unknown name is a programming error (names are validated)."""
    return REGISTRY[name]  # type: ignore[index]
