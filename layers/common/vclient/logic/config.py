"""Per-call settings of the dialog and realtime engines, read from SSM when a session starts.

They are snapshotted into the call's dialog item, so a warm turn never reads SSM::

    <prefix>/default_persona            bundled persona id used when POST /call names none
    <prefix>/openai/text_model          chat model of the dialog engine's OpenAI responder
    <prefix>/openai/realtime_model      Realtime model of both realtime engines
    <prefix>/openai/transcription_model input transcription model of the realtime engines
    <prefix>/openai/key_mode            ephemeral | voximplant_secret
    <prefix>/openai/reasoning_effort    none | minimal | low | medium | high | default (not sent)
    <prefix>/dialog/llm_timeout_ms      the responder's deadline before the scripted fallback
    <prefix>/dialog/reply_max_chars     cap of one spoken reply
    <prefix>/dialog/asr_profile         ASRProfileList path for the dialog engine
    <prefix>/dialog/tts_voice           VoiceList path (a persona's voice.tts wins)
    <prefix>/dialog/silence_timeout_s   operator silence before a reprompt
    <prefix>/calls/speaks_first         operator | client: who speaks first (a persona may choose)
    <prefix>/calls/greeting_wait_s      how long the client waits for the operator's greeting
    <prefix>/realtime/hybrid_mode       tool | direct: how the hybrid engine gets each reply
    <prefix>/realtime/vad_type          server_vad | semantic_vad
    <prefix>/realtime/vad_silence_ms    server_vad silence that ends an utterance
    <prefix>/realtime/noise_reduction   near_field | far_field | off
    <prefix>/realtime/reasoning_effort  minimal | low | medium | high | xhigh | default (not sent)
    <prefix>/realtime/audio_format      none (the connector's own) | pcm | pcmu | pcma
    <prefix>/realtime/trace             true: the Realtime client uploads a trace of every message
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from vclient.dialog.realtime import semantic_vad, server_vad
from vclient.errors import ConfigurationError

KeyMode = Literal["ephemeral", "voximplant_secret"]

#: SSM name (relative to the prefix) → field.
PARAMETERS = {
    "default_persona": "default_persona",
    "openai/text_model": "text_model",
    "openai/realtime_model": "realtime_model",
    "openai/transcription_model": "transcription_model",
    "openai/key_mode": "key_mode",
    "openai/reasoning_effort": "reasoning_effort",
    "dialog/llm_timeout_ms": "llm_timeout_ms",
    "dialog/reply_max_chars": "reply_max_chars",
    "dialog/asr_profile": "asr_profile",
    "dialog/tts_voice": "tts_voice",
    "dialog/silence_timeout_s": "silence_timeout_s",
    "calls/speaks_first": "speaks_first",
    "calls/greeting_wait_s": "greeting_wait_s",
    "realtime/hybrid_mode": "hybrid_mode",
    "realtime/vad_type": "vad_type",
    "realtime/vad_silence_ms": "vad_silence_ms",
    "realtime/noise_reduction": "noise_reduction",
    "realtime/reasoning_effort": "realtime_reasoning_effort",
    "realtime/audio_format": "audio_format",
    "realtime/trace": "realtime_trace",
}


class CallConfig(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    default_persona: str = Field(default="car_buyer", min_length=1, max_length=64)
    text_model: str = Field(default="gpt-5.4-mini", min_length=1, max_length=100)
    realtime_model: str = Field(default="gpt-realtime-2.1", min_length=1, max_length=100)
    transcription_model: str = Field(default="gpt-transcribe", min_length=1, max_length=100)
    key_mode: KeyMode = "ephemeral"
    #: Reasoning models answer fastest with "none"; "default" sends nothing (non-reasoning models).
    reasoning_effort: Literal["none", "minimal", "low", "medium", "high", "default"] = "none"
    # Below the dialog Lambda's 20 s timeout and the 15 s turn claim, with room for the rest.
    llm_timeout_ms: int = Field(default=2500, ge=200, le=10000)
    reply_max_chars: int = Field(default=400, ge=50, le=1000)
    asr_profile: str = Field(default="Google.ru_RU", pattern=r"^[A-Za-z0-9_]+(\.[A-Za-z0-9_]+)+$")
    tts_voice: str = Field(default="TBank.ru_RU_Dima", pattern=r"^[A-Za-z0-9_]+(\.[A-Za-z0-9_]+)+$")
    silence_timeout_s: int = Field(default=8, ge=2, le=60)
    #: People answering a call greet first: by default the client waits for the greeting.
    speaks_first: Literal["operator", "client"] = "operator"
    greeting_wait_s: int = Field(default=2, ge=0, le=10)
    hybrid_mode: Literal["tool", "direct"] = "tool"
    vad_type: Literal["server_vad", "semantic_vad"] = "server_vad"
    # Phone audio: 500 ms splits sentences at short pauses; measure on real calls.
    vad_silence_ms: int = Field(default=700, ge=200, le=2000)
    noise_reduction: Literal["near_field", "far_field", "off"] = "near_field"
    realtime_reasoning_effort: Literal["minimal", "low", "medium", "high", "xhigh", "default"] = (
        "low"
    )
    #: "none": no audio.*.format is sent (Voximplant's examples set none; its connector converts).
    audio_format: Literal["none", "pcm", "pcmu", "pcma"] = "none"
    realtime_trace: bool = False

    def realtime_options(self) -> dict[str, Any]:
        """The Realtime session settings, as keyword arguments of the session builders."""
        vad = (
            semantic_vad()
            if self.vad_type == "semantic_vad"
            else server_vad(silence_duration_ms=self.vad_silence_ms)
        )
        effort = self.realtime_reasoning_effort
        return {
            "vad": vad,
            "noise_reduction": None if self.noise_reduction == "off" else self.noise_reduction,
            "reasoning_effort": None if effort == "default" else effort,
            "audio_format": None if self.audio_format == "none" else self.audio_format,
        }

    def say_effort(self) -> Literal["minimal"] | None:
        """A line said as given needs the least reasoning (nothing is sent to other models)."""
        return None if self.realtime_reasoning_effort == "default" else "minimal"


def parse_call_config(raw: Mapping[str, str]) -> CallConfig:
    values = {field: raw[name].strip() for name, field in PARAMETERS.items() if raw.get(name)}
    try:
        return CallConfig.model_validate(values)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = str(first["loc"][0]) if first["loc"] else "?"
        name = next((n for n, f in PARAMETERS.items() if f == field), field)
        raise ConfigurationError(
            f"SSM parameter {name} is invalid: {first['msg']}", parameter=name
        ) from None
