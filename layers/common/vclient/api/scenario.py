"""The scenario contract: what a VoxEngine scenario sends to and receives from the backend.

``GET /call/{id}/session`` (the session), ``POST /call/{id}/reply`` (one turn) and
``POST /call/{id}/events`` (the event trail). These models are the contract's one owner: the
JavaScript test stub's payloads and docs/scenario-contract.md's field tables are generated from
them (``vclient contract``; a test fails when they are stale).
"""

import functools
from typing import Annotated, Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from vclient.errors import ValidationFailed
from vclient.vocabulary import CallStatus, Engine

# Every number at this edge is bounded: DynamoDB numbers hold 38 digits, and the domain far less.
#: An epoch time in milliseconds (until the year 5138).
Ms = Annotated[int, Field(ge=0, le=10**14)]
#: A duration in milliseconds, up to a day.
Duration = Annotated[int, Field(ge=0, le=86_400_000)]
#: A turn of ``POST /reply`` (the first is 1).
ReplyTurn = Annotated[int, Field(ge=1, le=10_000)]
#: A turn as events report it (0: before the first reply).
TurnNumber = Annotated[int, Field(ge=0, le=10_000)]
#: A status code: SIP, HTTP, Voximplant's or a WebSocket close code.
Code = Annotated[int, Field(ge=-(10**9), le=10**9)]


class _Contract(BaseModel):
    """Compiled on first use: each function validates only its own part of the contract."""

    model_config = ConfigDict(defer_build=True)


#: The contract's version: what the scenarios may send (2: the reply takes operator_said and
#: client_cut, the events take deviation; 3: the events take usage and spoken).
CONTRACT_VERSION = 3


class SessionPersona(_Contract):
    model_config = ConfigDict(extra="forbid")

    id: str = Field(description="the persona's id")
    name: str = Field(description="the client's name")
    language: str = Field(description="BCP 47, e.g. ru-RU")


class SessionLimits(_Contract):
    model_config = ConfigDict(extra="forbid")

    max_duration_s: int = Field(
        description="hard cap of the connected call: the persona's max_duration_s + 30 s, "
        "never more than SSM max_call_duration_s"
    )
    silence_timeout_s: int = Field(
        description="operator silent this long → an empty-text turn (a reprompt)"
    )
    max_reprompts: int = Field(
        description="after this many reprompts in a row the backend ends the call"
    )
    reply_timeout_s: int = Field(description="HTTP timeout of one /reply request")
    answer_timeout_s: int = Field(
        description="ringing time before giving up (Voximplant's own is 60 s)"
    )
    greeting_wait_s: int = Field(
        description="the operator speaks first: how long the client waits for a greeting"
    )


class SessionDialog(_Contract):
    model_config = ConfigDict(extra="forbid")

    asr_profile: str = Field(description="path under ASRProfileList")
    tts_voice: str = Field(description="path under VoiceList")


class SessionRealtime(_Contract):
    model_config = ConfigDict(extra="forbid")

    model: str = Field(description="the Realtime model")
    key_source: Literal["ephemeral", "voximplant_secret"] = Field(
        description="where the scenario gets its OpenAI key (SSM openai/key_mode)"
    )
    api_key: str | None = Field(
        default=None, description="a per-call OpenAI client secret (ek_…); ephemeral only"
    )
    expires_at: int | None = Field(
        default=None, description="when api_key expires (epoch s); ephemeral only"
    )
    secret_name: str | None = Field(
        default=None,
        description="read with VoxEngine.getSecretValue; voximplant_secret only",
    )
    session_update: dict[str, Any] = Field(
        description="the GA session.update: send as client.sessionUpdate({session})"
    )
    first_response: dict[str, Any] = Field(
        description="response.create that says the opening word for word (both engines)"
    )
    silence_response: dict[str, Any] | None = Field(
        default=None, description="realtime_pure: response.create that says the silence line"
    )
    hybrid_mode: Literal["tool", "direct"] | None = Field(
        default=None, description="realtime only (SSM realtime/hybrid_mode)"
    )
    trace: bool | None = Field(
        default=None,
        description="present (true) only when SSM realtime/trace is true: the client's trace",
    )


class Session(_Contract):
    """The answer to ``GET /call/{id}/session``: everything a scenario needs, once per call."""

    model_config = ConfigDict(extra="forbid")

    contract: int = Field(
        description="absent = 1: the reply takes no operator_said/client_cut, no deviation event"
    )
    call_id: str = Field(description="the call's id (32 hex digits)")
    engine: Engine = Field(description="the engine the call runs on")
    to: str = Field(description="E.164")
    caller_id: str = Field(description="E.164")
    event_url: str = Field(description="{api}/call/{id}/events")
    dialog_url: str | None = Field(
        default=None, description="{api}/call/{id}/reply; dialog and realtime only"
    )
    persona: SessionPersona = Field(description="who the client is")
    limits: SessionLimits = Field(description="the call's timers and caps")
    speaks_first: Literal["operator", "client"] = Field(
        description="the persona's speaks_first, else SSM calls/speaks_first"
    )
    apology_line: str = Field(description="said by VoxEngine when the backend fails")
    tts_voice: str = Field(
        description="path under VoiceList for the lines VoxEngine speaks itself (the apology)"
    )
    record: bool = Field(
        description="call.record({stereo: true}) on Connected; post the URL as an event"
    )
    first_line: str | None = Field(
        default=None,
        description="dialog and realtime: pre-generated, spoken first without an LLM wait",
    )
    dialog: SessionDialog | None = Field(default=None, description="dialog engine only")
    realtime: SessionRealtime | None = Field(
        default=None, description="realtime and realtime_pure only"
    )


class ReplyRequest(_Contract):
    """Body of ``POST /call/{id}/reply``: one operator utterance (empty text = silence)."""

    model_config = ConfigDict(extra="forbid")

    turn: ReplyTurn = Field(description="1 for the first operator utterance, then +1 each")
    text: str = Field(max_length=2000, description='what the operator said; "" for silence')
    speech_end_at: Ms | None = Field(default=None, description="epoch ms: a latency stamp")
    connected_at: Ms | None = Field(
        default=None,
        description="epoch ms the operator answered: the persona's max_duration_s counts from it",
    )
    operator_said: str | None = Field(
        default=None,
        max_length=2000,
        description="contract 2, hybrid: the model's own get_reply argument (text is then the "
        "input transcription, or operator_said without one)",
    )
    client_cut: bool = Field(
        default=False,
        description="contract 2: the operator cut the client's line this turn answers (a cut "
        "opening is said again)",
    )


class ReplyResponse(_Contract):
    """The answer to ``POST /call/{id}/reply``: the same for a retried turn."""

    turn: ReplyTurn = Field(description="the turn this answers")
    reply: str = Field(description="the client's next line")
    end_call: bool = Field(description="speak reply, then hang up after playback")
    phase: str = Field(description="the persona phase the dialog is in")
    ending: str | None = Field(
        default=None,
        description="when end_call: success | goodbye | max_turns | max_duration | hang_up | "
        "silence",
    )
    backend_ms: int = Field(description="the backend's time for this turn")
    llm_ms: int | None = Field(default=None, description="of that, the text model's")
    fallback: bool = Field(default=False, description="the scripted responder answered")
    realtime_response: dict[str, Any] | None = Field(
        default=None, description="realtime engine: voice reply with this response.create"
    )


#: The highest event number (the item key pads it to 7 digits).
MAX_SEQ = 1_000_000
MAX_EVENTS_PER_BATCH = 50  # one DynamoDB transaction holds 100 actions


class _Event(_Contract):
    model_config = ConfigDict(extra="forbid")

    seq: int = Field(ge=1, le=MAX_SEQ)
    t: Ms


class SessionStarted(_Event):
    """the scenario read its session"""

    type: Literal["session_started"]
    engine: str = Field(max_length=32)


class Dialing(_Event):
    """`callPSTN` issued"""

    type: Literal["dialing"]


class Ringing(_Event):
    """`CallEvents.Ringing`"""

    type: Literal["ringing"]


class Connected(_Event):
    """`CallEvents.Connected`"""

    type: Literal["connected"]


class Failed(_Event):
    """`CallEvents.Failed` (486 busy, 408/480 no answer, 603 rejected, …)"""

    type: Literal["failed"]
    code: Code
    reason: str = Field(default="", max_length=500)


class Recording(_Event):
    """`CallEvents.RecordStarted`"""

    type: Literal["recording"]
    url: str = Field(min_length=1, max_length=2000)


class Transcript(_Event):
    """a line said (`cut`: the client was interrupted; the operator's greeting is turn 0)"""

    type: Literal["transcript"]
    who: Literal["operator", "client"]
    text: str = Field(max_length=4000)
    turn: TurnNumber | None = None
    cut: bool = False


class Turn(_Event):
    """latency marks for one operator turn (epoch ms; null when unknown); contract 2 adds the
    turn's text and the hybrid model's own `operator_said`
    """

    type: Literal["turn"]
    turn: TurnNumber
    speech_end_at: Ms | None = None
    reply_requested_at: Ms | None = None
    reply_received_at: Ms | None = None
    audio_started_at: Ms | None = None
    backend_ms: Duration | None = None
    llm_ms: Duration | None = None
    fallback: bool | None = None
    #: What the backend got as the turn's text (the transcription, else operator_said) and the
    #: hybrid model's own rendering: both kept per turn.
    text: str | None = Field(default=None, max_length=2000)
    operator_said: str | None = Field(default=None, max_length=2000)


class Deviation(_Event):
    """contract 2: a spoken response nobody asked for (no `get_reply` before it), cut by the
    scenario; counted in `GET /call/{id}`
    """

    type: Literal["deviation"]
    turn: TurnNumber | None = None
    text: str = Field(default="", max_length=1000)
    response_id: str = Field(default="", max_length=64)


Tokens = Annotated[int, Field(ge=0, le=10**12)]


class _OpenAIUsage(BaseModel):
    """OpenAI's own usage objects, read leniently (OpenAI adds fields): only counts matter."""

    model_config = ConfigDict(defer_build=True, extra="ignore")


class CachedDetails(_OpenAIUsage):
    text_tokens: Tokens | None = None
    audio_tokens: Tokens | None = None


class InputDetails(_OpenAIUsage):
    text_tokens: Tokens | None = None
    audio_tokens: Tokens | None = None
    cached_tokens: Tokens | None = None
    cached_tokens_details: CachedDetails | None = None


class OutputDetails(_OpenAIUsage):
    text_tokens: Tokens | None = None
    audio_tokens: Tokens | None = None


class ReportedUsage(_OpenAIUsage):
    """A Realtime ``response.done`` usage, or a transcription's (``type: duration`` with
    ``seconds``, or ``type: tokens``)."""

    type: str | None = Field(default=None, max_length=32)
    seconds: float | None = Field(default=None, ge=0, le=86_400)
    total_tokens: Tokens | None = None
    input_tokens: Tokens | None = None
    output_tokens: Tokens | None = None
    input_token_details: InputDetails | None = None
    output_token_details: OutputDetails | None = None


class UsageReport(_Event):
    """Contract 3: what OpenAI reported it used, as the scenario received it."""

    type: Literal["usage"]
    source: Literal["realtime", "transcription"]
    model: str | None = Field(default=None, max_length=100)
    response_id: str | None = Field(default=None, max_length=64)
    usage: ReportedUsage


class Spoken(_Event):
    """Contract 3, hybrid engine: the backend's line of a turn and the words the model spoke."""

    type: Literal["spoken"]
    turn: TurnNumber
    line: str = Field(max_length=2000)
    text: str = Field(max_length=2000)


class BargeIn(_Event):
    """the operator interrupted the client; playback stopped"""

    type: Literal["barge_in"]
    turn: TurnNumber | None = None


class Error(_Event):
    """a backend/OpenAI/platform error the scenario handled"""

    type: Literal["error"]
    where: str = Field(max_length=64)
    code: Code | Annotated[str, Field(max_length=64)] | None = None
    message: str = Field(default="", max_length=1000)


class Ended(_Event):
    """the call is over. `reason`: `end_call`, `operator_hangup`, `max_duration`, `silence`,
    `backend_error`, `socket_closed` (OpenAI gone, refused the session, or failed two responses
    in a row), `failed`
    """

    type: Literal["ended"]
    reason: Literal[
        "end_call",
        "operator_hangup",
        "max_duration",
        "silence",
        "backend_error",
        "socket_closed",
        "failed",
        "stopped",
    ]
    hangup_by: Literal["operator", "client", "system"]
    duration_ms: Duration | None = None
    #: The dialog ending the client reached (success, goodbye, …) when the engine knows it.
    ending: str | None = Field(default=None, max_length=64)


Event = Annotated[
    SessionStarted
    | Dialing
    | Ringing
    | Connected
    | Failed
    | Recording
    | Transcript
    | Turn
    | BargeIn
    | Deviation
    | UsageReport
    | Spoken
    | Error
    | Ended,
    Field(discriminator="type"),
]


class EventsAccepted(_Contract):
    """The answer to ``POST /call/{id}/events``."""

    accepted: int
    duplicates: int
    status: CallStatus


class EventBatch(_Contract):
    model_config = ConfigDict(extra="forbid")

    events: list[Any] = Field(min_length=1, max_length=MAX_EVENTS_PER_BATCH)


@functools.cache
def _event_adapter() -> TypeAdapter[Any]:
    return TypeAdapter(Event)


#: The discriminator values, which pydantic puts in an error's location (dropped from `field`).
_TYPE_TAGS = frozenset(
    get_args(model.model_fields["type"].annotation)[0] for model in get_args(get_args(Event)[0])
)


def parse_events(raw: list[Any]) -> list[Any]:
    """Validates every event; the first bad one is named (index, seq, type) in a 422.

    The error names the event by its seq and type only when they are valid ones: an error body
    never echoes raw input (it may not even be encodable as JSON).
    """
    events = []
    for index, item in enumerate(raw):
        try:
            events.append(_event_adapter().validate_python(item))
        except ValidationError as exc:
            first = exc.errors()[0]
            loc = [str(p) for p in first["loc"]]
            if loc and loc[0] in _TYPE_TAGS:  # the union's tag leads; a field may share its name
                loc = loc[1:]
            field = ".".join(loc) or None
            seq = item.get("seq") if isinstance(item, dict) else None
            kind = item.get("type") if isinstance(item, dict) else None
            if not (type(seq) is int and 1 <= seq <= MAX_SEQ):
                seq = None
            if kind not in _TYPE_TAGS:
                kind = None
            message = first["msg"]
            if first["type"] in ("union_tag_invalid", "union_tag_not_found"):
                message = f"type must be one of {', '.join(sorted(_TYPE_TAGS))}"
            raise ValidationFailed(
                f"events[{index}] ({kind or 'no known type'}): "
                f"{field + ': ' if field else ''}{message}",
                field=f"events[{index}]" + (f".{field}" if field else ""),
                seq=seq,
            ) from None
    seqs = [e.seq for e in events]
    if len(set(seqs)) != len(seqs):
        raise ValidationFailed("A batch repeats a seq number", field="events")
    return events
