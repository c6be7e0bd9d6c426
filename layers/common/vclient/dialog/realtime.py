"""OpenAI Realtime (GA) client events built from a persona. GA shape only: no beta keys.

Two modes:

- hybrid: the Realtime model is only the voice. In the ``tool`` mode it calls the ``get_reply``
  tool after every operator utterance (``tool_choice: "required"``); the backend
  (``Conversation``) returns the line, and the model says it word for word. In the ``direct`` mode
  there is no tool and no automatic response: the scenario posts each transcription itself.
  ``say_exactly_response`` voices a backend line directly (the opening, every reply, the ending).
- pure: the model plays the persona itself from compiled instructions and calls ``end_call`` to
  finish.

All builders are deterministic: same persona and arguments, same dict.
"""

from __future__ import annotations

from typing import Any, Literal

from vclient.dialog.persona import REALTIME_VOICES, Persona
from vclient.dialog.prompt import language_name

DEFAULT_REALTIME_VOICE = "marin"
GET_REPLY_TOOL = "get_reply"
END_CALL_TOOL = "end_call"
END_CALL_REASONS = ("success", "goodbye", "hang_up", "max_turns")

AudioFormat = Literal["pcm", "pcmu", "pcma"]
HybridMode = Literal["tool", "direct"]
ReasoningEffort = Literal["minimal", "low", "medium", "high", "xhigh"]
NoiseReduction = Literal["near_field", "far_field"]


def realtime_voice(persona: Persona, override: str | None = None) -> str:
    """The Realtime voice: an explicit override, else the persona's choice, else ``marin``."""
    if override is not None:
        if override not in REALTIME_VOICES:
            raise ValueError(
                f"unknown realtime voice {override!r}; one of {', '.join(REALTIME_VOICES)}"
            )
        return override
    return persona.voice.realtime or DEFAULT_REALTIME_VOICE


def audio_format_config(kind: AudioFormat = "pcm") -> dict[str, Any]:
    """``pcm`` is 16-bit 24 kHz (the safest with Voximplant); ``pcmu``/``pcma`` are G.711 8 kHz."""
    if kind == "pcm":
        return {"type": "audio/pcm", "rate": 24000}
    if kind == "pcmu":
        return {"type": "audio/pcmu"}
    if kind == "pcma":
        return {"type": "audio/pcma"}
    raise ValueError(f"unknown audio format {kind!r}")


def server_vad(
    *,
    silence_duration_ms: int = 500,
    threshold: float = 0.5,
    prefix_padding_ms: int = 300,
    create_response: bool = True,
    interrupt_response: bool = True,
    idle_timeout_ms: int | None = None,
) -> dict[str, Any]:
    """A ``server_vad`` turn detection block (defaults are OpenAI's)."""
    vad: dict[str, Any] = {
        "type": "server_vad",
        "threshold": threshold,
        "prefix_padding_ms": prefix_padding_ms,
        "silence_duration_ms": silence_duration_ms,
        "create_response": create_response,
        "interrupt_response": interrupt_response,
    }
    if idle_timeout_ms is not None:
        vad["idle_timeout_ms"] = idle_timeout_ms
    return vad


def semantic_vad(
    *,
    eagerness: Literal["low", "medium", "high", "auto"] = "auto",
    create_response: bool = True,
    interrupt_response: bool = True,
) -> dict[str, Any]:
    """A ``semantic_vad`` turn detection block."""
    return {
        "type": "semantic_vad",
        "eagerness": eagerness,
        "create_response": create_response,
        "interrupt_response": interrupt_response,
    }


def get_reply_tool() -> dict[str, Any]:
    return {
        "type": "function",
        "name": GET_REPLY_TOOL,
        "description": (
            "Call after EVERY operator utterance. Pass exactly what the operator said. Returns "
            "the line you must say next, word for word."
        ),
        "parameters": {
            "type": "object",
            "properties": {
                "operator_said": {
                    "type": "string",
                    "description": "The operator's last utterance, verbatim, in its language.",
                }
            },
            "required": ["operator_said"],
            "additionalProperties": False,
        },
    }


def end_call_tool() -> dict[str, Any]:
    return {
        "type": "function",
        "name": END_CALL_TOOL,
        "description": "Finish the call after you have said your closing line.",
        "parameters": {
            "type": "object",
            "properties": {
                "reason": {
                    "type": "string",
                    "enum": list(END_CALL_REASONS),
                    "description": "Why the call ends.",
                }
            },
            "required": ["reason"],
            "additionalProperties": False,
        },
    }


def _audio(
    persona: Persona,
    *,
    voice: str | None,
    transcription_model: str | None,
    vad: dict[str, Any] | None,
    fmt: AudioFormat | None,
    speed: float | None,
    noise_reduction: NoiseReduction | None,
) -> dict[str, Any]:
    # No format by default: Voximplant's examples set none and its connector converts media.
    audio_in: dict[str, Any] = {"format": audio_format_config(fmt)} if fmt else {}
    if transcription_model:
        audio_in["transcription"] = {"model": transcription_model, "language": persona.lang}
    if noise_reduction:
        audio_in["noise_reduction"] = {"type": noise_reduction}
    audio_in["turn_detection"] = vad if vad is not None else server_vad()
    audio_out: dict[str, Any] = {"voice": realtime_voice(persona, voice)}
    if fmt:
        audio_out = {"format": audio_format_config(fmt), **audio_out}
    if speed is not None:
        if not 0.25 <= speed <= 1.5:
            raise ValueError("speed must be 0.25..1.5")
        audio_out["speed"] = speed
    return {"input": audio_in, "output": audio_out}


def _session_update(
    *,
    model: str,
    instructions: str,
    audio: dict[str, Any],
    tools: list[dict[str, Any]],
    tool_choice: str,
    max_output_tokens: int | None,
    reasoning_effort: ReasoningEffort | None,
) -> dict[str, Any]:
    session: dict[str, Any] = {
        "type": "realtime",
        "model": model,
        "instructions": instructions,
        "output_modalities": ["audio"],
        "audio": audio,
        "tools": tools,
        "tool_choice": tool_choice,
    }
    if reasoning_effort is not None:
        session["reasoning"] = {"effort": reasoning_effort}
    if max_output_tokens is not None:
        session["max_output_tokens"] = max_output_tokens
    return {"type": "session.update", "session": session}


def direct_instructions(persona: Persona) -> str:
    """Instructions for the direct hybrid mode: no tool, only say the lines it is given."""
    return "\n".join(
        [
            f"You are the voice of {persona.name}, a customer on a phone call with a company's "
            f"operator. Speak {language_name(persona)} only.",
            "You do not decide what to say: you are told each line. Say it word for word, in a "
            "natural voice, and nothing else. Never answer the operator by yourself.",
            f"Manner of speaking: {persona.description}",
        ]
    )


def hybrid_instructions(persona: Persona) -> str:
    """Instructions for the voice-only mode: call ``get_reply``, say its line, never improvise."""
    return "\n".join(
        [
            f"You are the voice of {persona.name}, a customer on a phone call with a company's "
            f"operator. Speak {language_name(persona)} only.",
            "You do not decide what to say. Rules:",
            f"1. After EVERY operator utterance, call {GET_REPLY_TOOL} with operator_said = the "
            "operator's words exactly as you heard them.",
            "2. The tool returns a JSON object with `reply`. Say `reply` word for word, in a "
            "natural voice, and nothing else: no greeting, no comment, no translation.",
            "3. Never answer the operator without calling the tool first. Never improvise, "
            "even if the tool is slow or the operator asks you directly.",
            "4. If the result says end_call is true, say the reply and then stay silent.",
            f"Manner of speaking: {persona.description}",
        ]
    )


def _clause(text: str) -> str:
    """A persona sentence ready to be followed by our own punctuation."""
    return " ".join(text.split()).rstrip(" .;:!")


def pure_instructions(persona: Persona) -> str:
    """The whole persona compiled into Realtime instructions (the model plays it alone)."""
    p = persona
    e = p.ending
    out = [
        f"You are {p.name}, a CUSTOMER on a phone call with a human operator of a company. "
        "Stay in character; never say or hint that you are an AI, a bot or a test.",
        f"Speak {language_name(p)} only, in short spoken sentences (one or two at a time).",
        f"About you and your manner: {_clause(p.description)}.",
        f"Your mood at the start: {p.initial_mood}.",
        f"Your goal: {_clause(p.goal)}.",
        f"Your first words (said as the call connects): «{p.opening}»",
        "",
        "Phases of the call, in order:",
    ]
    for i, phase in enumerate(p.phases, 1):
        limit = f" (at most {phase.max_turns} turns)" if phase.max_turns else ""
        topics = ", ".join(t.id for t in p.topics_of(phase.id)) or "no topics"
        out.append(f"{i}. {phase.id}: {_clause(phase.goal)}{limit}. Topics: {topics}.")
    out += ["", "Topics: ask one at a time, in order; move on when it counts as answered:"]
    for topic in p.topics:
        line = f"- {topic.id}: ask «{topic.ask}». Answered when: {_clause(topic.expect)}."
        if topic.follow_up:
            line += f" If vague, follow up once: «{topic.follow_up}»."
        out.append(line)
    if p.reactions:
        out += ["", "Reactions:"]
        for reaction in p.reactions:
            effects = []
            if reaction.say:
                effects.append(f"say «{reaction.say}»")
            if reaction.mood:
                effects.append(f"become {reaction.mood}")
            if reaction.hang_up:
                effects.append(f"say «{e.hangup_line}» and call {END_CALL_TOOL}(reason=hang_up)")
            out.append(f"- If {_clause(reaction.trigger)}: {'; '.join(effects)}.")
    out += [
        "",
        "If the operator is silent, say one of: " + " / ".join(f"«{r}»" for r in p.reprompts),
        "",
        "Ending the call (say the line exactly, then call the tool):",
        f"- Every topic answered: say «{e.success_line}», then {END_CALL_TOOL}(reason=success).",
        f"- The operator says goodbye: say «{e.goodbye_line}», then "
        f"{END_CALL_TOOL}(reason=goodbye).",
        f"- The operator is rude {e.angry_limit} times: say «{e.hangup_line}», then "
        f"{END_CALL_TOOL}(reason=hang_up).",
    ]
    for cond in e.hang_up_if:
        out.append(
            f"- If {_clause(cond)}: say «{e.hangup_line}», then {END_CALL_TOOL}(reason=hang_up)."
        )
    out.append(
        f"- After {e.max_turns} operator turns: say «{e.close_line}», then "
        f"{END_CALL_TOOL}(reason=max_turns)."
    )
    return "\n".join(out)


def hybrid_session_update(
    persona: Persona,
    *,
    model: str,
    transcription_model: str,
    mode: HybridMode = "tool",
    voice: str | None = None,
    vad: dict[str, Any] | None = None,
    audio_format: AudioFormat | None = None,
    speed: float | None = None,
    max_output_tokens: int | None = None,
    reasoning_effort: ReasoningEffort | None = None,
    noise_reduction: NoiseReduction | None = None,
) -> dict[str, Any]:
    """``session.update`` for the hybrid mode (voice only, backend decides every line).

    ``tool``: the model must call ``get_reply`` (``tool_choice: "required"``; the say-exactly
    responses override it with ``"none"``). ``direct``: no tool and no automatic response
    (``create_response: false``); the scenario asks the backend on each transcription.
    """
    direct = mode == "direct"
    if direct:
        vad = {**(vad if vad is not None else server_vad()), "create_response": False}
    return _persona_session_update(
        persona,
        direct_instructions(persona) if direct else hybrid_instructions(persona),
        [] if direct else [get_reply_tool()],
        tool_choice="none" if direct else "required",
        model=model,
        transcription_model=transcription_model,
        voice=voice,
        vad=vad,
        audio_format=audio_format,
        speed=speed,
        max_output_tokens=max_output_tokens,
        reasoning_effort=reasoning_effort,
        noise_reduction=noise_reduction,
    )


def pure_session_update(
    persona: Persona,
    *,
    model: str,
    transcription_model: str | None = None,
    voice: str | None = None,
    vad: dict[str, Any] | None = None,
    audio_format: AudioFormat | None = None,
    speed: float | None = None,
    max_output_tokens: int | None = None,
    reasoning_effort: ReasoningEffort | None = None,
    noise_reduction: NoiseReduction | None = None,
) -> dict[str, Any]:
    """``session.update`` for the pure mode (the model plays the persona, ends with end_call)."""
    return _persona_session_update(
        persona,
        pure_instructions(persona),
        [end_call_tool()],
        tool_choice="auto",
        model=model,
        transcription_model=transcription_model,
        voice=voice,
        vad=vad,
        audio_format=audio_format,
        speed=speed,
        max_output_tokens=max_output_tokens,
        reasoning_effort=reasoning_effort,
        noise_reduction=noise_reduction,
    )


def _persona_session_update(
    persona: Persona,
    instructions: str,
    tools: list[dict[str, Any]],
    *,
    tool_choice: str,
    model: str,
    transcription_model: str | None,
    voice: str | None,
    vad: dict[str, Any] | None,
    audio_format: AudioFormat | None,
    speed: float | None,
    max_output_tokens: int | None,
    reasoning_effort: ReasoningEffort | None,
    noise_reduction: NoiseReduction | None,
) -> dict[str, Any]:
    audio = _audio(
        persona,
        voice=voice,
        transcription_model=transcription_model,
        vad=vad,
        fmt=audio_format,
        speed=speed,
        noise_reduction=noise_reduction,
    )
    return _session_update(
        model=model,
        instructions=instructions,
        audio=audio,
        tools=tools,
        tool_choice=tool_choice,
        max_output_tokens=max_output_tokens,
        reasoning_effort=reasoning_effort,
    )


def say_exactly_response(
    text: str, *, reasoning_effort: ReasoningEffort | None = None
) -> dict[str, Any]:
    """``response.create`` that voices a backend line (no tools, audio out).

    ``reasoning_effort`` (``minimal`` for a line said as given) goes only to reasoning models.
    """
    line = " ".join(text.split())
    if not line:
        raise ValueError("nothing to say")
    response: dict[str, Any] = {
        "instructions": (
            "Voice the following line word for word, in its language, adding nothing. "
            f"Say exactly: {line}"
        ),
        "tool_choice": "none",
        "output_modalities": ["audio"],
    }
    if reasoning_effort is not None:
        response["reasoning"] = {"effort": reasoning_effort}
    return {"type": "response.create", "response": response}


def function_call_output(call_id: str, output: str) -> dict[str, Any]:
    """``conversation.item.create`` returning a tool result (follow it with ``response.create``)."""
    return {
        "type": "conversation.item.create",
        "item": {"type": "function_call_output", "call_id": call_id, "output": output},
    }
