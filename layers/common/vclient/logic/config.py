"""The stack's configuration: every SSM parameter under the prefix, parsed once into one ``Config``.

The one owner of the parameter names: nothing else reads a raw name (the doctor, the setup tools
and error messages ask ``parameter_name`` / ``engine_parameter``). Names are relative to the
prefix (``/<stack>``)::

    <prefix>/engines/dialog             JSON {"rule_name", "application_name", "scenario_name"}
                                        (or "rule_id" instead of the name and application)
    <prefix>/engines/realtime           same shape
    <prefix>/engines/realtime_pure      same shape
    <prefix>/default_engine             dialog | realtime | realtime_pure
    <prefix>/default_caller_id          E.164 number rented in Voximplant
    <prefix>/allowed_prefixes           StringList of destination prefixes, e.g. "+7,+44"
    <prefix>/max_call_duration_s        the longest call; bounds the per-call token's lifetime
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
    <prefix>/verdict/judge_model        the evaluation's LLM judge (default: openai/text_model)
    <prefix>/pricing                    JSON price table of the cost (vclient.verdict.cost)

``Config.routing`` is what ``POST /call`` needs (the rules and the dialing policy);
``Config.call`` is what one call runs with: the session snapshots it into the call's dialog item,
so a warm turn never reads SSM. The seed's environment names (``VOX_DIALOG_RULE_NAME`` …)
override single fields of the engine routes; see ``ENV_OVERRIDES`` and docs/configuration.md.
"""

import json
import re
from collections.abc import Mapping
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from vclient.errors import ConfigurationError
from vclient.settings import ConfigSettings
from vclient.vocabulary import E164, ENGINES, MAX_CALL_DURATION_S, Engine

KeyMode = Literal["ephemeral", "voximplant_secret"]

#: SSM name (relative to the prefix) → field of ``Routing`` (``engines/*`` are JSON, apart).
ROUTING_PARAMETERS = {
    "default_engine": "default_engine",
    "default_caller_id": "default_caller_id",
    "allowed_prefixes": "allowed_prefixes",
    "max_call_duration_s": "max_call_duration_s",
}
#: SSM name (relative to the prefix) → field of ``CallConfig``.
CALL_PARAMETERS = {
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
#: SSM name (relative to the prefix) → field of ``VerdictConfig``.
VERDICT_PARAMETERS = {
    "verdict/judge_model": "judge_model",
    "pricing": "pricing",
}
_NAME_OF_FIELD = {
    field: name
    for name, field in (ROUTING_PARAMETERS | CALL_PARAMETERS | VERDICT_PARAMETERS).items()
}

#: Environment variable → (engine, field of that engine's parameter). The first five are the seed's.
ENV_OVERRIDES: dict[str, tuple[Engine, str]] = {
    "VOX_DIALOG_RULE_NAME": ("dialog", "rule_name"),
    "VOX_REALTIME_RULE_NAME": ("realtime", "rule_name"),
    "VOX_REALTIME_SCENARIO_NAME": ("realtime", "scenario_name"),
    "VOX_REALTIME_PURE_RULE_NAME": ("realtime_pure", "rule_name"),
    "VOX_REALTIME_PURE_SCENARIO_NAME": ("realtime_pure", "scenario_name"),
    "VOX_DIALOG_SCENARIO_NAME": ("dialog", "scenario_name"),
}
#: Applies to every engine's parameter.
ENV_APPLICATION_NAME = "VOX_APPLICATION_NAME"


def engine_parameter(engine: str) -> str:
    """The SSM name (relative to the prefix) of an engine's Voximplant rule."""
    return f"engines/{engine}"


def parameter_name(field: str) -> str:
    """The SSM name (relative to the prefix) of a ``Routing``, ``CallConfig`` or ``VerdictConfig``
    field."""
    return _NAME_OF_FIELD[field]


class EngineRoute(BaseModel):
    """One engine's Voximplant rule. ``rule_id`` wins over ``rule_name`` when both are set."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    rule_id: int | None = Field(default=None, gt=0)
    rule_name: str | None = Field(default=None, min_length=1, max_length=100)
    application_name: str | None = Field(default=None, min_length=1, max_length=100)
    application_id: int | None = Field(default=None, gt=0)
    scenario_name: str = Field(min_length=1, max_length=29)  # Voximplant: under 30 chars

    @model_validator(mode="after")
    def _rule_is_addressable(self) -> "EngineRoute":
        if self.rule_id is None and not self.rule_name:
            raise ValueError("set rule_id, or rule_name with application_name")
        if self.rule_id is None and not (self.application_name or self.application_id):
            raise ValueError("rule_name needs application_name (rule names are per application)")
        return self

    @property
    def label(self) -> str:
        """How the rule is named in responses and logs."""
        return self.rule_name if self.rule_id is None and self.rule_name else f"id:{self.rule_id}"


class Routing(BaseModel):
    """Which rule runs each engine, and the dialing policy: what ``POST /call`` needs."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    engines: dict[Engine, EngineRoute] = {}
    default_engine: Engine = "dialog"
    default_caller_id: str | None = None
    allowed_prefixes: tuple[str, ...] = ()
    max_call_duration_s: int = Field(default=900, ge=30, le=MAX_CALL_DURATION_S)

    @field_validator("default_caller_id")
    @classmethod
    def _caller_id_e164(cls, value: str | None) -> str | None:
        if value and not E164.match(value):
            raise ValueError("must be an E.164 number such as +74951234567")
        return value or None

    @field_validator("allowed_prefixes")
    @classmethod
    def _prefixes(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for prefix in value:
            if not re.fullmatch(r"\+\d{1,14}", prefix):
                raise ValueError(f"{prefix!r} is not a '+digits' prefix")
        return value

    def destination_allowed(self, number: str) -> bool:
        return any(number.startswith(prefix) for prefix in self.allowed_prefixes)


class CallConfig(BaseModel):
    """What one call runs with; snapshotted into its dialog item (the stored shape: keep it)."""

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

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
        # Imported here: POST /call reads the config but never builds a Realtime session.
        from vclient.dialog.realtime import semantic_vad, server_vad

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


class VerdictConfig(BaseModel):
    """What the evaluation of a finished call reads.

    ``pricing`` stays the parameter's JSON text: the verdict's cost module owns its shape and a
    broken table falls back to the defaults there (a bad price must not stop calls or verdicts).
    """

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    judge_model: str | None = Field(default=None, min_length=1, max_length=100)
    pricing: str | None = None  # SSM bounds its size


class Config(BaseModel):
    """The whole prefix, typed."""

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    routing: Routing
    call: CallConfig
    verdict: VerdictConfig = Field(default_factory=VerdictConfig)


def parse_config(raw: Mapping[str, str], overrides: Mapping[str, str] | None = None) -> Config:
    """Builds ``Config`` from the parameters under the prefix (names relative to it), with the
    seed's environment ``overrides`` (``ENV_OVERRIDES``) applied to the engine routes.

    A broken parameter raises ``ConfigurationError`` naming it, never a bare exception.
    """
    engines: dict[str, dict[str, Any]] = {}
    for engine in ENGINES:
        name = engine_parameter(engine)
        if name in raw:
            engines[engine] = _route_json(name, raw[name])
    _apply_env_overrides(engines, overrides or {})

    routing: dict[str, Any] = {"engines": engines}
    for name, field in ROUTING_PARAMETERS.items():
        if name == "allowed_prefixes":
            if name in raw:  # present and empty ("-"): nothing may be dialed
                routing[field] = tuple(
                    p.strip() for p in raw[name].split(",") if p.strip() and p.strip() != "-"
                )
        elif raw.get(name):
            routing[field] = raw[name].strip()
    call = {field: raw[name].strip() for name, field in CALL_PARAMETERS.items() if raw.get(name)}
    verdict = {f: raw[n].strip() for n, f in VERDICT_PARAMETERS.items() if raw.get(n, "").strip()}
    return Config(
        routing=_validated(Routing, routing, ROUTING_PARAMETERS),
        call=_validated(CallConfig, call, CALL_PARAMETERS),
        verdict=_validated(VerdictConfig, verdict, VERDICT_PARAMETERS),
    )


def parse_engine_route(engine: str, text: str) -> EngineRoute:
    """One engine's parameter on its own (the doctor checks each one apart)."""
    routing = _validated(
        Routing, {"engines": {engine: _route_json(engine_parameter(engine), text)}}, {}
    )
    return routing.engines[engine]  # type: ignore[index]


_BUILT: tuple[dict[str, str], dict[str, str], Config] | None = None


def load_config(settings: ConfigSettings) -> Config:
    """The prefix read (one ``GetParametersByPath``, cached ``config_max_age_s``) and parsed;
    parsed again only when a parameter or an override changed."""
    # Imported here: parsing needs no AWS (the doctor and the setup tools parse what they read).
    from vclient.dal import parameters

    global _BUILT
    raw = parameters.parameters_under(settings.param_prefix, max_age=settings.config_max_age_s)
    env = settings.route_overrides
    if _BUILT is not None and _BUILT[0] == raw and _BUILT[1] == env:
        return _BUILT[2]
    config = parse_config(raw, env)
    _BUILT = (raw, env, config)
    return config


def _route_json(name: str, text: str) -> dict[str, Any]:
    try:
        value = json.loads(text)
    except json.JSONDecodeError:
        raise ConfigurationError(
            f"SSM parameter {name} is not valid JSON", parameter=name
        ) from None
    if not isinstance(value, dict):
        raise ConfigurationError(f"SSM parameter {name} must be a JSON object", parameter=name)
    return value


def _validated[M: BaseModel](model: type[M], values: dict[str, Any], names: dict[str, str]) -> M:
    try:
        return model.model_validate(values)
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = [str(part) for part in first["loc"]]
        if loc[:1] == ["engines"]:
            parameter = "/".join(loc[:2])
        else:
            field = loc[0] if loc else "?"
            parameter = next((n for n, f in names.items() if f == field), field)
        raise ConfigurationError(
            f"SSM parameter {parameter} is invalid: {first['msg']}", parameter=parameter
        ) from None


def _apply_env_overrides(engines: dict[str, dict[str, Any]], env: Mapping[str, str]) -> None:
    application = env.get(ENV_APPLICATION_NAME, "").strip()
    for engine in engines:
        if application:
            engines[engine]["application_name"] = application
    for variable, (engine, field_name) in ENV_OVERRIDES.items():
        value = env.get(variable, "").strip()
        if not value:
            continue
        route = engines.setdefault(engine, {})
        route[field_name] = value
        if field_name == "rule_name":
            route.pop("rule_id", None)  # an explicit rule name must not lose to a stored id
        if application and "application_name" not in route:
            route["application_name"] = application
