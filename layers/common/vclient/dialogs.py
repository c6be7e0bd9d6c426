"""The scenario-facing dialog service: the session a scenario needs, and one turn at a time.

``session()`` runs once per call (reads SSM and secrets, snapshots everything a turn needs into
the dialog item). ``reply()`` is the hot path: two DynamoDB writes, the responder, nothing else.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from vclient import params
from vclient.auth import require_call_token
from vclient.callconfig import CallConfig, parse_call_config
from vclient.dialog.engine import DialogEngine, DialogState, Responder
from vclient.dialog.realtime import (
    hybrid_session_update,
    pure_session_update,
    say_exactly_response,
)
from vclient.dialog.responders import OpenAIResponder, ScriptedResponder, openai_client_factory
from vclient.errors import ApiError, ConfigurationError, Conflict, NotFound
from vclient.observability import logger, metrics
from vclient.openai_access import ClientSecret, mint_client_secret
from vclient.persona import Persona, load_bundled
from vclient.records import CallRecord
from vclient.settings import DialogSettings
from vclient.store import CallsRepository, DialogRepository

FINAL_STATUSES = frozenset({"completed", "failed", "no_answer", "busy", "rejected"})
DEFAULT_APOLOGY = "Извините, у меня проблемы со связью. Я перезвоню позже. До свидания."
REPLY_TIMEOUT_S = 6
ANSWER_TIMEOUT_S = 60
EPHEMERAL_TTL_S = 300
#: How long a claimed turn stays reserved for the request computing it.
CLAIM_LEASE_MS = 15_000
WAIT_STEP_S = 0.05
#: Calls whose persona a warm container keeps parsed (a call's turns mostly hit one container).
PERSONA_CACHE_SIZE = 64


class OpenAINotConfigured(ApiError):
    status, code = 503, "openai_not_configured"


class ReplyRequest(BaseModel):
    """Body of ``POST /call/{id}/reply``: one operator utterance (empty text = silence)."""

    model_config = ConfigDict(extra="forbid")

    turn: int = Field(ge=1, le=10_000)
    text: str = Field(max_length=2000)
    speech_end_at: int | None = Field(default=None, ge=0)
    #: When the operator answered (epoch ms): the persona's max_duration counts from here.
    connected_at: int | None = Field(default=None, ge=0)


class ReplyResponse(BaseModel):
    turn: int
    reply: str
    end_call: bool
    phase: str
    ending: str | None = None
    backend_ms: int
    llm_ms: int | None = None
    fallback: bool = False
    realtime_response: dict[str, Any] | None = None


def _now_ms() -> int:
    return int(time.time() * 1000)


@dataclass
class DialogService:
    settings: DialogSettings
    calls: CallsRepository
    dialogs: DialogRepository
    now_ms: Callable[[], int] = _now_ms
    mint_secret: Callable[..., ClientSecret] = mint_client_secret
    _responders: dict[tuple[str, str, int, str], OpenAIResponder] = field(default_factory=dict)
    _personas: dict[str, Persona] = field(default_factory=dict)

    # -- auth ---------------------------------------------------------------------------------

    def authorize(self, call_id: str, authorization: str | None) -> None:
        key = params.secret_text(self.settings.token_secret, max_age=self.settings.secret_max_age_s)
        require_call_token(authorization, call_id, key, now=self.now_ms() // 1000)

    # -- GET /call/{id}/session ---------------------------------------------------------------

    def session(self, call_id: str, api_base: str) -> dict[str, Any]:
        record = self.calls.get(call_id)
        if record is None:
            raise NotFound("No such call", call_id=call_id)
        if record.status in FINAL_STATUSES:
            # The token outlives the call; its session (numbers, a fresh OpenAI key) does not.
            raise Conflict("The call has ended; its session is closed", reason="call_ended")
        raw = params.parameters_under(
            self.settings.param_prefix, max_age=self.settings.config_max_age_s
        )
        config = parse_call_config(raw)
        persona = persona_of(record, config)
        engine = DialogEngine(persona, max_reply_chars=config.reply_max_chars)
        state, first_line = engine.start(self.now_ms())
        # The whole persona as JSON, in its own item: a turn never needs YAML or the bundled
        # files, and the dialog item that every turn rewrites stays small.
        persona_json = persona.model_dump_json(exclude_none=True)
        self.dialogs.put_persona(call_id, persona_json, expires_at=record.expires_at)
        self._personas[call_id] = persona
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
            },
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
            responder = self._responder(config)
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
        if engine == "realtime":
            update = hybrid_session_update(
                persona,
                model=config.realtime_model,
                transcription_model=config.transcription_model,
            )
            first = say_exactly_response(first_line)
        else:
            update = pure_session_update(
                persona,
                model=config.realtime_model,
                transcription_model=config.transcription_model,
            )
            # The model speaks first, with the persona's opening: the same first line as the
            # other engines, so the comparison starts level.
            first = say_exactly_response(persona.opening)
            silence = persona.ending.silence_line or persona.ending.close_line
        out: dict[str, Any] = {
            "model": config.realtime_model,
            "key_source": config.key_mode,
            "session_update": update,
            "first_response": first,
        }
        if engine == "realtime_pure":
            # What the client says when the operator stays silent past the reprompts (the
            # backend ends silent calls itself in the other engines).
            out["silence_response"] = say_exactly_response(silence)
        if config.key_mode == "voximplant_secret":
            out["secret_name"] = "OPENAI_API_KEY"
            return out
        api_key = self._openai_key()
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

    # -- POST /call/{id}/reply ----------------------------------------------------------------

    def reply(self, call_id: str, request: ReplyRequest, *, started: float) -> ReplyResponse:
        now = self.now_ms()
        claim = self.dialogs.claim(call_id, request.turn, now_ms=now, lease_ms=CLAIM_LEASE_MS)
        if claim.status == "done":
            assert claim.item is not None
            return ReplyResponse.model_validate(claim.item["answers"][str(request.turn)])
        if claim.status == "in_progress":
            return self._wait_for(call_id, request.turn)
        if claim.status != "claimed":
            raise self._turn_conflict(claim.status, claim.item, request.turn)
        item = claim.item
        assert item is not None
        if item["engine"] == "realtime_pure":
            raise Conflict("The realtime_pure engine has no backend turns", engine="realtime_pure")

        config = CallConfig.model_validate(item["config"])
        persona = self._persona(call_id)
        engine = DialogEngine(persona, max_reply_chars=config.reply_max_chars)
        state = DialogState.from_item(item["state"])
        if request.connected_at and state.started_at_ms < request.connected_at <= now:
            # The state was started when the session was fetched, before ringing: the call's
            # clock starts when the operator answered.
            state = state.model_copy(update={"started_at_ms": request.connected_at})
        result = engine.turn(state, request.text, now, self._responder(config))
        answer = ReplyResponse(
            turn=request.turn,
            reply=result.reply,
            end_call=result.end_call,
            phase=result.phase,
            ending=result.ending,
            backend_ms=0,
            llm_ms=result.llm_ms,
            fallback=result.fallback,
            realtime_response=(
                say_exactly_response(result.reply) if item["engine"] == "realtime" else None
            ),
        )
        answer.backend_ms = int((time.perf_counter() - started) * 1000)
        stored = answer.model_dump(mode="json")
        if not self.dialogs.commit(
            call_id, request.turn, state=result.state.to_item(), answer=stored
        ):
            # Our claim lapsed and another request took the turn over: answer with its result.
            return self._wait_for(call_id, request.turn)
        if result.fallback:
            metrics.add_metric(name="LlmFallbacks", unit="Count", value=1)
            logger.warning("Responder fell back to the script", extra={"error": result.error})
        return answer

    def _persona(self, call_id: str) -> Persona:
        """The call's persona: cached in this container, read once from its item otherwise."""
        persona = self._personas.get(call_id)
        if persona is None:
            text = self.dialogs.get_persona(call_id)
            if text is None:
                raise Conflict("The call's persona is missing; fetch the session again")
            persona = inline_persona(text)
            if len(self._personas) >= PERSONA_CACHE_SIZE:
                self._personas.pop(next(iter(self._personas)))
            self._personas[call_id] = persona
        return persona

    def _responder(self, config: CallConfig) -> Responder:
        api_key = self._openai_key()
        if not api_key:
            return ScriptedResponder()
        cache_key = (api_key, config.text_model, config.llm_timeout_ms, config.reasoning_effort)
        responder = self._responders.get(cache_key)
        if responder is None:
            timeout = config.llm_timeout_ms / 1000
            responder = OpenAIResponder(
                openai_client_factory(api_key, base_url=self.settings.openai_base_url),
                config.text_model,
                timeout_s=timeout,
                max_retries=0,
                reasoning_effort=(
                    None if config.reasoning_effort == "default" else config.reasoning_effort
                ),
            )
            self._responders = {cache_key: responder}
        return responder

    def _openai_key(self) -> str:
        try:
            raw = params.secret_text(
                self.settings.openai_secret, max_age=self.settings.secret_max_age_s
            )
        except ConfigurationError:
            logger.warning("The OpenAI key secret is unreadable: using the scripted responder")
            return ""
        try:
            value = json.loads(raw)
        except json.JSONDecodeError:
            return raw.strip()  # a plain "sk-…" string is accepted too
        return str(value.get("api_key") or "").strip() if isinstance(value, dict) else ""

    def _wait_for(self, call_id: str, turn: int) -> ReplyResponse:
        """Another request is computing this turn: wait for its answer instead of recomputing."""
        deadline = time.monotonic() + CLAIM_LEASE_MS / 1000
        while time.monotonic() < deadline:
            time.sleep(WAIT_STEP_S)
            item = self.dialogs.get(call_id)
            if item and int(item.get("last_turn", 0)) >= turn:
                answer = item.get("answers", {}).get(str(turn))
                if answer is None:
                    break
                return ReplyResponse.model_validate(answer)
        raise Conflict("This turn is still being processed; retry it", reason="in_progress")

    @staticmethod
    def _turn_conflict(status: str, item: dict[str, Any] | None, turn: int) -> ApiError:
        if status == "missing":
            return Conflict(
                "The call's session has not been started (GET /call/{id}/session first)",
                reason="no_session",
            )
        expected = int(item.get("last_turn", 0)) + 1 if item else 1
        if status == "skipped":
            return Conflict(
                f"Turn {turn} skips ahead; the next turn is {expected}",
                reason="turn_skipped",
                expected_turn=expected,
            )
        return Conflict(
            f"Turn {turn} is stale; the next turn is {expected}",
            reason="turn_stale",
            expected_turn=expected,
        )


def persona_of(record: CallRecord, config: CallConfig) -> Persona:
    if record.persona_inline:
        return inline_persona(record.persona_inline)
    return load_bundled(record.persona or config.default_persona)


@lru_cache(maxsize=32)
def inline_persona(text: str) -> Persona:
    """A persona stored as JSON (validated before it was stored); parsed once per container."""
    return Persona.model_validate_json(text)
