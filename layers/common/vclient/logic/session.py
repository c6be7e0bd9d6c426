"""``GET /call/{id}/session``: everything a scenario needs to run its call, once per call.

Reads SSM and the secrets, and snapshots what every turn needs (the config, the persona, the
dialog state) into the call's items, so a warm turn never reads SSM.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from vclient.dal import parameters
from vclient.dal.calls_table import CallsRepository, DialogRepository
from vclient.dal.items import CallRecord
from vclient.dal.openai import ClientSecret, OpenAIResponder, mint_client_secret
from vclient.dialog.conversation import Conversation
from vclient.dialog.persona import Persona, load_bundled
from vclient.dialog.realtime import (
    hybrid_session_update,
    pure_session_update,
    say_exactly_response,
)
from vclient.errors import ApiError, ConfigurationError, Conflict, NotFound
from vclient.logic.call_token import authorize
from vclient.logic.config import CallConfig, parse_call_config
from vclient.logic.reply import CallPersonas, Responders, inline_persona, now_ms
from vclient.observability import logger
from vclient.settings import DialogSettings
from vclient.vocabulary import FINAL_STATUSES

DEFAULT_APOLOGY = "Извините, у меня проблемы со связью. Я перезвоню позже. До свидания."
REPLY_TIMEOUT_S = 6
ANSWER_TIMEOUT_S = 60
EPHEMERAL_TTL_S = 300
#: The scenario contract's version (docs/scenario-contract.md): what the scenarios may send.
CONTRACT_VERSION = 3


class OpenAINotConfigured(ApiError):
    status, code = 503, "openai_not_configured"


@dataclass
class ServeSession:
    settings: DialogSettings
    calls: CallsRepository
    dialogs: DialogRepository
    responders: Responders
    personas: CallPersonas
    now_ms: Callable[[], int] = now_ms
    mint_secret: Callable[..., ClientSecret] = mint_client_secret

    def __call__(self, call_id: str, authorization: str | None, api_base: str) -> dict[str, Any]:
        authorize(
            authorization,
            call_id,
            secret_id=self.settings.token_secret,
            max_age=self.settings.secret_max_age_s,
            now=self.now_ms() // 1000,
        )
        return self.serve(call_id, api_base)

    def serve(self, call_id: str, api_base: str) -> dict[str, Any]:
        record = self.calls.get(call_id)
        if record is None:
            raise NotFound("No such call", call_id=call_id)
        if record.status in FINAL_STATUSES:
            # The token outlives the call; its session (numbers, a fresh OpenAI key) does not.
            raise Conflict("The call has ended; its session is closed", reason="call_ended")
        raw = parameters.parameters_under(
            self.settings.param_prefix, max_age=self.settings.config_max_age_s
        )
        config = parse_call_config(raw)
        persona = persona_of(record, config)
        engine = Conversation(persona, max_reply_chars=config.reply_max_chars)
        state, first_line = engine.start(self.now_ms())
        # The whole persona as JSON, in its own item: a turn never needs YAML or the bundled
        # files, and the dialog item that every turn rewrites stays small.
        persona_json = persona.model_dump_json(exclude_none=True)
        self.dialogs.put_persona(call_id, persona_json, expires_at=record.expires_at)
        self.personas.add(call_id, persona)
        item = self.dialogs.create(
            call_id,
            {
                "engine": record.engine,
                "persona_id": persona.id,
                "config": config.model_dump(),
                "state": state.to_item(),
                "first_line": first_line,
                "expires_at": record.expires_at,
            },
        )
        # A re-fetched session answers from the snapshot its turns use, not today's SSM.
        first_line = str(item["first_line"])
        config = CallConfig.model_validate(item["config"])
        voice = persona.voice.tts or config.tts_voice
        try:
            max_call = int(raw.get("max_call_duration_s", "900") or 900)
        except ValueError:
            raise ConfigurationError(
                "SSM parameter max_call_duration_s is not a number",
                parameter="max_call_duration_s",
            ) from None
        payload: dict[str, Any] = {
            # 2: the reply takes operator_said and client_cut, the events take deviation.
            "contract": CONTRACT_VERSION,
            "call_id": call_id,
            "engine": record.engine,
            "to": record.to,
            "caller_id": record.caller_id,
            "event_url": f"{api_base}/call/{call_id}/events",
            "persona": {"id": persona.id, "name": persona.name, "language": persona.language},
            "limits": {
                "max_duration_s": min(persona.ending.max_duration_s + 30, max_call),
                "silence_timeout_s": config.silence_timeout_s,
                "max_reprompts": persona.ending.max_reprompts,
                "reply_timeout_s": REPLY_TIMEOUT_S,
                "answer_timeout_s": ANSWER_TIMEOUT_S,
                "greeting_wait_s": config.greeting_wait_s,
            },
            "speaks_first": persona.speaks_first or config.speaks_first,
            "apology_line": DEFAULT_APOLOGY,
            # Voximplant TTS voice for lines the platform speaks itself (the apology in every
            # engine; every line in the dialog engine).
            "tts_voice": voice,
            "record": True,
        }
        if record.engine in ("dialog", "realtime"):
            payload["dialog_url"] = f"{api_base}/call/{call_id}/reply"
            payload["first_line"] = first_line
        if record.engine in ("dialog", "realtime"):
            # The session is fetched before dialing: pay the OpenAI SDK import (~0.6 s) here,
            # not inside this container's first turn.
            responder = self.responders.get(config)
            if isinstance(responder, OpenAIResponder):
                responder.warm()
        if record.engine == "dialog":
            payload["dialog"] = {"asr_profile": config.asr_profile, "tts_voice": voice}
        else:
            payload["realtime"] = self._realtime(record.engine, persona, config, first_line)
        logger.info("Session served", extra={"engine": record.engine, "persona": persona.id})
        return payload

    def _realtime(
        self, engine: str, persona: Persona, config: CallConfig, first_line: str
    ) -> dict[str, Any]:
        options = config.realtime_options()
        effort = config.say_effort()
        if engine == "realtime":
            update = hybrid_session_update(
                persona,
                model=config.realtime_model,
                transcription_model=config.transcription_model,
                mode=config.hybrid_mode,
                **options,
            )
            first = say_exactly_response(first_line, reasoning_effort=effort)
        else:
            update = pure_session_update(
                persona,
                model=config.realtime_model,
                transcription_model=config.transcription_model,
                **options,
            )
            # The client's first words are the persona's opening: the same first line as the
            # other engines, so the comparison starts level.
            first = say_exactly_response(persona.opening, reasoning_effort=effort)
            silence = persona.ending.silence_line or persona.ending.close_line
        out: dict[str, Any] = {
            "model": config.realtime_model,
            "key_source": config.key_mode,
            "session_update": update,
            "first_response": first,
        }
        if engine == "realtime":
            out["hybrid_mode"] = config.hybrid_mode
        if config.realtime_trace:
            out["trace"] = True
        if engine == "realtime_pure":
            # What the client says when the operator stays silent past the reprompts (the
            # backend ends silent calls itself in the other engines).
            out["silence_response"] = say_exactly_response(silence, reasoning_effort=effort)
        if config.key_mode == "voximplant_secret":
            out["secret_name"] = "OPENAI_API_KEY"
            return out
        api_key = self.responders.openai_key()
        if not api_key:
            raise OpenAINotConfigured(
                "The realtime engines need an OpenAI key: set it in the openai-api-key secret, "
                "or set openai/key_mode to voximplant_secret",
                parameter="openai/key_mode",
            )
        secret = self.mint_secret(
            api_key,
            update["session"],
            ttl_s=EPHEMERAL_TTL_S,
            base_url=self.settings.openai_base_url,
        )
        out["api_key"] = secret.value
        out["expires_at"] = secret.expires_at
        return out


def persona_of(record: CallRecord, config: CallConfig) -> Persona:
    if record.persona_inline:
        return inline_persona(record.persona_inline)
    return load_bundled(record.persona or config.default_persona)
