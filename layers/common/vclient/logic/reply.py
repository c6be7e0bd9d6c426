"""``POST /call/{id}/reply``: one operator utterance in, the client's next line out.

The hot path of a live call: two DynamoDB writes (the claim and the commit), the responder,
nothing else. Everything a turn needs was snapshotted into the dialog item by the session.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from vclient.api.scenario import ReplyRequest, ReplyResponse
from vclient.dal import parameters
from vclient.dal.calls_table import DialogRepository
from vclient.dal.openai import OpenAIResponder, openai_client_factory
from vclient.dialog.conversation import Conversation, DialogState, Responder
from vclient.dialog.persona import Persona
from vclient.dialog.realtime import say_exactly_response
from vclient.dialog.scripted import ScriptedResponder
from vclient.errors import ApiError, ConfigurationError, Conflict
from vclient.logic.call_token import authorize
from vclient.logic.config import CallConfig
from vclient.observability import logger, metrics
from vclient.settings import DialogSettings
from vclient.web import parse_body

#: How long a claimed turn stays reserved for the request computing it.
CLAIM_LEASE_MS = 15_000
WAIT_STEP_S = 0.05
#: Calls whose persona a warm container keeps parsed (a call's turns mostly hit one container).
PERSONA_CACHE_SIZE = 64


def now_ms() -> int:
    return int(time.time() * 1000)


@dataclass
class Responders:
    """The responder a turn uses: the LLM when an OpenAI key is set, the script otherwise."""

    settings: DialogSettings
    _cache: dict[tuple[str, str, int, str], OpenAIResponder] = field(default_factory=dict)

    def get(self, config: CallConfig) -> Responder:
        api_key = self.openai_key()
        if not api_key:
            return ScriptedResponder()
        cache_key = (api_key, config.text_model, config.llm_timeout_ms, config.reasoning_effort)
        responder = self._cache.get(cache_key)
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
            self._cache = {cache_key: responder}
        return responder

    def openai_key(self) -> str:
        try:
            raw = parameters.secret_text(
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


@dataclass
class CallPersonas:
    """Each call's persona, parsed once per container from its item (the session adds it)."""

    dialogs: DialogRepository
    _parsed: dict[str, Persona] = field(default_factory=dict)

    def add(self, call_id: str, persona: Persona) -> None:
        self._parsed[call_id] = persona

    def get(self, call_id: str) -> Persona:
        """The call's persona: cached in this container, read once from its item otherwise."""
        persona = self._parsed.get(call_id)
        if persona is None:
            text = self.dialogs.get_persona(call_id)
            if text is None:
                raise Conflict("The call's persona is missing; fetch the session again")
            persona = inline_persona(text)
            if len(self._parsed) >= PERSONA_CACHE_SIZE:
                self._parsed.pop(next(iter(self._parsed)))
            self._parsed[call_id] = persona
        return persona


@dataclass
class AnswerTurn:
    settings: DialogSettings
    dialogs: DialogRepository
    responders: Responders
    personas: CallPersonas
    now_ms: Callable[[], int] = now_ms

    def __call__(
        self, call_id: str, authorization: str | None, body: str | None, *, started: float
    ) -> ReplyResponse:
        authorize(
            authorization,
            call_id,
            secret_id=self.settings.token_secret,
            max_age=self.settings.secret_max_age_s,
            now=self.now_ms() // 1000,
        )
        request = parse_body(body, ReplyRequest)
        logger.append_keys(turn=request.turn)
        return self.answer(call_id, request, started=started)

    def answer(self, call_id: str, request: ReplyRequest, *, started: float) -> ReplyResponse:
        """The turn's answer: computed once, however many times the scenario retries it."""
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
        persona = self.personas.get(call_id)
        engine = Conversation(persona, max_reply_chars=config.reply_max_chars)
        state = DialogState.from_item(item["state"])
        if request.connected_at and state.started_at_ms < request.connected_at <= now:
            # The state was started when the session was fetched, before ringing: the call's
            # clock starts when the operator answered.
            state = state.model_copy(update={"started_at_ms": request.connected_at})
        responder = self.responders.get(config)
        result = engine.turn(state, request.text, now, responder, client_cut=request.client_cut)
        usage = responder.take_usage() if isinstance(responder, OpenAIResponder) else None
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
                say_exactly_response(result.reply, reasoning_effort=config.say_effort())
                if item["engine"] == "realtime"
                else None
            ),
        )
        answer.backend_ms = int((time.perf_counter() - started) * 1000)
        stored = answer.model_dump(mode="json")
        reason = None
        if isinstance(responder, ScriptedResponder):
            reason = "no OpenAI key in the stack's openai-api-key secret"
        elif result.fallback:
            reason = fallback_reason(result.error, config)
        if not self.dialogs.commit(
            call_id,
            request.turn,
            state=result.state.to_item(),
            answer=stored,
            fallback_reason=reason,
            usage=usage,
        ):
            # Our claim lapsed and another request took the turn over: answer with its result.
            return self._wait_for(call_id, request.turn)
        if result.fallback:
            metrics.add_metric(name="LlmFallbacks", unit="Count", value=1)
            logger.warning("Responder fell back to the script", extra={"error": result.error})
        return answer

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


@lru_cache(maxsize=32)
def fallback_reason(error: str | None, config: CallConfig) -> str:
    """Why the scripted responder stood in, in words a user can act on (no raw upstream text:
    OpenAI's messages may echo part of the key)."""
    kind = (error or "").split(":", 1)[0]
    if kind == "timeout":
        return (
            f"the text model gave no answer within {config.llm_timeout_ms} ms "
            "(SSM dialog/llm_timeout_ms)"
        )
    if kind == "NotFoundError":
        return f"OpenAI has no model {config.text_model!r} (SSM openai/text_model)"
    if kind in ("AuthenticationError", "PermissionDeniedError"):
        return "OpenAI refused the key in the stack's openai-api-key secret"
    if kind == "RateLimitError":
        return "OpenAI rate limit or quota exceeded"
    if kind in ("APIConnectionError", "APITimeoutError"):
        return "OpenAI could not be reached"
    if kind == "BadRequestError":
        return f"OpenAI rejected the request for {config.text_model!r} (check the model and effort)"
    return f"the text model's answer was unusable ({kind or 'unknown'})"[:200]


def inline_persona(text: str) -> Persona:
    """A persona stored as JSON (validated before it was stored); parsed once per container."""
    return Persona.model_validate_json(text)
