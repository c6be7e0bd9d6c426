"""Every OpenAI call the backend makes: the dialog engine's text turns (``OpenAIResponder``:
one structured-output chat completion per turn, with an explicit timeout and retry count; on
any failure it falls back to the scripted responder and says why), Realtime ephemeral client
secrets for the realtime engines, and the verdict's judge (``OpenAIJudge``: one strict
structured-output completion per finished call).

``openai`` is imported lazily (about 0.6 s of cold start), only when a client is built.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field

from vclient.dialog.conversation import (
    DialogState,
    OperatorIntent,
    Responder,
    ResponderOutput,
    Signals,
    TurnPlan,
)
from vclient.dialog.persona import Mood, Persona
from vclient.dialog.prompt import build_messages
from vclient.dialog.scripted import ScriptedResponder
from vclient.errors import ApiError

if TYPE_CHECKING:
    from openai import OpenAI

    # The verdict's models load only where the judge runs (not in the dialog function).
    from vclient.verdict.llm_judge import JudgeAnswer, JudgeRequest


class OpenAIUnavailable(ApiError):
    status, code = 502, "openai_unavailable"


@dataclass(frozen=True)
class ClientSecret:
    value: str
    expires_at: int


def mint_client_secret(
    api_key: str,
    session: dict[str, Any],
    *,
    ttl_s: int,
    base_url: str | None = None,
    timeout_s: float = 5.0,
    http_client: Any | None = None,
) -> ClientSecret:
    """``POST /v1/realtime/client_secrets`` with the session baked in; returns the ``ek_…`` key."""
    import openai

    client = openai.OpenAI(
        api_key=api_key,
        base_url=base_url,
        timeout=timeout_s,
        max_retries=1,
        http_client=http_client,
    )
    try:
        created = client.realtime.client_secrets.create(
            expires_after={"anchor": "created_at", "seconds": ttl_s},
            session=session,  # type: ignore[arg-type]
        )
    except openai.APIStatusError as exc:
        raise OpenAIUnavailable(
            f"OpenAI refused to create a Realtime client secret (HTTP {exc.status_code})",
            http_status=exc.status_code,
        ) from None
    except openai.APIError as exc:
        raise OpenAIUnavailable(
            f"OpenAI could not be reached to create a client secret: {type(exc).__name__}"
        ) from None
    return ClientSecret(value=created.value, expires_at=int(created.expires_at))


#: The seam tests replace: (api_key, session, ttl_s, base_url) → ClientSecret.
SecretMinter = Callable[..., ClientSecret]


class LLMTurn(BaseModel):
    """The structured output the model must return (strict JSON schema)."""

    model_config = ConfigDict(defer_build=True)

    reply: str = Field(description="What the client says next, in the persona's language.")
    answered_topics: list[str] = Field(
        description="Ids of topics the operator has just answered in this utterance."
    )
    asked_topic: str | None = Field(description="Id of the topic your reply asks about, or null.")
    operator_intent: OperatorIntent = Field(description="What the operator is doing right now.")
    triggered_reactions: list[str] = Field(description="Refs of reactions this utterance triggers.")
    mood: Mood = Field(description="The client's mood after this utterance.")
    hang_up: bool = Field(description="True only if a hang-up condition is met.")


class _InvalidOutput(Exception):
    """The model answered, but not with something usable."""


def _reason(exc: BaseException) -> str:
    name = type(exc).__name__
    if name == "APITimeoutError" or isinstance(exc, TimeoutError):
        return "timeout"
    if isinstance(exc, _InvalidOutput):
        return str(exc)
    return f"{name}: {' '.join(str(exc).split())[:200]}"


class OpenAIResponder:
    """Chat-completions responder with structured output and a scripted fallback.

    ``client_factory`` returns an ``openai.OpenAI`` (called once, lazily). Whatever its own
    settings, every call runs with ``timeout_s`` and ``max_retries`` set explicitly: the SDK's
    defaults (600 s, 2 retries) are far too long for a voice turn.
    """

    def __init__(
        self,
        client_factory: Callable[[], OpenAI],
        model: str,
        *,
        timeout_s: float = 2.5,
        max_retries: int = 0,
        reasoning_effort: str | None = None,
        fallback: Responder | None = None,
        clock: Callable[[], float] = time.perf_counter,
    ) -> None:
        if not 0 < timeout_s <= 30:
            raise ValueError("timeout_s must be in (0, 30]")
        if not 0 <= max_retries <= 2:
            raise ValueError("max_retries must be 0..2")
        self._factory = client_factory
        self._client: Any = None
        self.model = model
        self.timeout_s = timeout_s
        self.max_retries = max_retries
        self.reasoning_effort = reasoning_effort
        self.fallback: Responder = fallback or ScriptedResponder()
        self._clock = clock
        #: The last completion's usage (``{model, input_tokens, cached_tokens, output_tokens}``),
        #: taken by the turn that made it (a Lambda instance serves one request at a time).
        self.last_usage: dict[str, Any] | None = None

    def take_usage(self) -> dict[str, Any] | None:
        """The usage of the last ``respond`` (None: no completion came back), once."""
        usage, self.last_usage = self.last_usage, None
        return usage

    def warm(self) -> None:
        """Import the SDK and build the client now (off the turn path), not on the first turn."""
        self._get_client()

    def _get_client(self) -> Any:
        if self._client is None:
            self._client = self._factory().with_options(
                timeout=self.timeout_s, max_retries=self.max_retries
            )
        return self._client

    def respond(
        self, persona: Persona, state: DialogState, operator_text: str, plan: TurnPlan
    ) -> ResponderOutput:
        started = self._clock()
        self.last_usage = None
        try:
            parsed = self._call(persona, state, operator_text, plan)
        except Exception as exc:  # any failure means: speak the scripted line instead
            llm_ms = int((self._clock() - started) * 1000)
            out = self.fallback.respond(persona, state, operator_text, plan)
            return out.model_copy(
                update={"fallback": True, "llm_ms": llm_ms, "error": _reason(exc)}
            )
        return ResponderOutput(
            reply=parsed.reply.strip(),
            signals=Signals(
                answered_topics=parsed.answered_topics,
                asked_topic=parsed.asked_topic,
                operator_intent=parsed.operator_intent,
                triggered_reactions=list(parsed.triggered_reactions),
                hang_up=parsed.hang_up,
                mood=parsed.mood,
            ),
            llm_ms=int((self._clock() - started) * 1000),
        )

    def _call(
        self, persona: Persona, state: DialogState, operator_text: str, plan: TurnPlan
    ) -> LLMTurn:
        kwargs: dict[str, Any] = {
            "model": self.model,
            "messages": build_messages(persona, state, operator_text, plan),
            "response_format": LLMTurn,
            "timeout": self.timeout_s,
        }
        if self.reasoning_effort is not None:
            kwargs["reasoning_effort"] = self.reasoning_effort
        completion = self._get_client().chat.completions.parse(**kwargs)
        self.last_usage = completion_usage(completion, self.model)
        if not completion.choices:
            raise _InvalidOutput("no choices in the completion")
        message = completion.choices[0].message
        if getattr(message, "refusal", None):
            raise _InvalidOutput(f"refusal: {' '.join(str(message.refusal).split())[:200]}")
        parsed = message.parsed
        if not isinstance(parsed, LLMTurn):
            raise _InvalidOutput("no parsed output")
        if not parsed.reply.strip():
            raise _InvalidOutput("empty reply")
        return parsed


def completion_usage(completion: Any, model: str) -> dict[str, Any] | None:
    """A chat completion's token counts (``cached_tokens`` is part of ``input_tokens``)."""
    usage = getattr(completion, "usage", None)
    if usage is None:
        return None
    details = getattr(usage, "prompt_tokens_details", None)
    return {
        "model": str(getattr(completion, "model", None) or model),
        "input_tokens": int(getattr(usage, "prompt_tokens", 0) or 0),
        "cached_tokens": int(getattr(details, "cached_tokens", 0) or 0) if details else 0,
        "output_tokens": int(getattr(usage, "completion_tokens", 0) or 0),
    }


def openai_client_factory(
    api_key: str, *, base_url: str | None = None, timeout_s: float = 2.5, max_retries: int = 0
) -> Callable[[], OpenAI]:
    """A factory that imports ``openai`` and builds the client only when first called."""

    def factory() -> OpenAI:
        import openai  # lazy: about 0.6 s of cold start, paid only when the LLM is used

        return openai.OpenAI(
            api_key=api_key, base_url=base_url, timeout=timeout_s, max_retries=max_retries
        )

    return factory


# --- the verdict's judge (vclient.verdict.llm_judge): one structured-output completion ------------

#: The judge reads a whole transcript: far longer than a voice turn may wait, far shorter than the
#: SDK's 600 s default; one retry of the SDK's own (connection errors, 429, 5xx).
JUDGE_TIMEOUT_S = 45.0


@dataclass
class OpenAIJudge:
    """A ``vclient.verdict.llm_judge.Judge``: the request's system and user messages, strict JSON
    schema output, the model's raw text back (the verdict parses and checks it). Raises on a
    timeout, an API error or a refusal; the verdict stores that as a failed evaluation."""

    client_factory: Callable[[], OpenAI]
    model: str
    timeout_s: float = JUDGE_TIMEOUT_S
    max_retries: int = 1
    #: Token counts of the last completion, for the evaluation's own cost.
    last_usage: dict[str, Any] | None = None

    def __call__(self, request: JudgeRequest) -> JudgeAnswer:
        from vclient.verdict.llm_judge import JudgeAnswer

        client = self.client_factory().with_options(
            timeout=self.timeout_s, max_retries=self.max_retries
        )
        completion = client.chat.completions.create(
            model=self.model,
            messages=[
                {"role": "system", "content": request.system},
                {"role": "user", "content": request.user},
            ],
            response_format={
                "type": "json_schema",
                "json_schema": {
                    "name": request.schema_name,
                    "strict": True,
                    "schema": request.json_schema,
                },
            },
            timeout=self.timeout_s,
        )
        self.last_usage = completion_usage(completion, self.model)
        if not completion.choices:
            raise _InvalidOutput("no choices in the completion")
        message = completion.choices[0].message
        if getattr(message, "refusal", None):
            raise _InvalidOutput(f"refusal: {' '.join(str(message.refusal).split())[:200]}")
        return JudgeAnswer(
            content=str(message.content or ""), model=getattr(completion, "model", self.model)
        )
