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
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

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
