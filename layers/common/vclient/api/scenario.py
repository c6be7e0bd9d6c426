"""The scenario contract: what a VoxEngine scenario sends to and receives from the backend.

``GET /call/{id}/session`` (the session), ``POST /call/{id}/reply`` (one turn) and
``POST /call/{id}/events`` (the event trail). These models are the contract's one owner: the
JavaScript test stub's payloads and docs/scenario-contract.md's field tables are generated from
them (``vclient contract``; a test fails when they are stale).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from vclient.errors import ValidationFailed
from vclient.vocabulary import CallStatus

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


class ReplyRequest(BaseModel):
    """Body of ``POST /call/{id}/reply``: one operator utterance (empty text = silence)."""

    model_config = ConfigDict(extra="forbid")

    turn: ReplyTurn
    text: str = Field(max_length=2000)
    speech_end_at: Ms | None = None
    #: When the operator answered (epoch ms): the persona's max_duration counts from here.
    connected_at: Ms | None = None
    #: Hybrid engine: the model's own rendering of the operator (get_reply's argument); `text` is
    #: the input transcription when there is one.
    operator_said: str | None = Field(default=None, max_length=2000)
    #: The operator cut the client's line this turn answers (a cut opening is asked again).
    client_cut: bool = False


class ReplyResponse(BaseModel):
    turn: ReplyTurn
    reply: str
    end_call: bool
    phase: str
    ending: str | None = None
    backend_ms: int
    llm_ms: int | None = None
    fallback: bool = False
    realtime_response: dict[str, Any] | None = None


#: The highest event number (the item key pads it to 7 digits).
MAX_SEQ = 1_000_000
MAX_EVENTS_PER_BATCH = 50  # one DynamoDB transaction holds 100 actions


class _Event(BaseModel):
    model_config = ConfigDict(extra="forbid")

    seq: int = Field(ge=1, le=MAX_SEQ)
    t: Ms


class SessionStarted(_Event):
    type: Literal["session_started"]
    engine: str = Field(max_length=32)


class Dialing(_Event):
    type: Literal["dialing"]


class Ringing(_Event):
    type: Literal["ringing"]


class Connected(_Event):
    type: Literal["connected"]


class Failed(_Event):
    type: Literal["failed"]
    code: Code
    reason: str = Field(default="", max_length=500)


class Recording(_Event):
    type: Literal["recording"]
    url: str = Field(min_length=1, max_length=2000)


class Transcript(_Event):
    type: Literal["transcript"]
    who: Literal["operator", "client"]
    text: str = Field(max_length=4000)
    turn: TurnNumber | None = None
    cut: bool = False


class Turn(_Event):
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
    """A spoken response nobody asked for, with no get_reply before it: cut by the scenario."""

    type: Literal["deviation"]
    turn: TurnNumber | None = None
    text: str = Field(default="", max_length=1000)
    response_id: str = Field(default="", max_length=64)


Tokens = Annotated[int, Field(ge=0, le=10**12)]


class _OpenAIUsage(BaseModel):
    """OpenAI's own usage objects, read leniently (OpenAI adds fields): only counts matter."""

    model_config = ConfigDict(extra="ignore")


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
    type: Literal["barge_in"]
    turn: TurnNumber | None = None


class Error(_Event):
    type: Literal["error"]
    where: str = Field(max_length=64)
    code: Code | Annotated[str, Field(max_length=64)] | None = None
    message: str = Field(default="", max_length=1000)


class Ended(_Event):
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


class EventsAccepted(BaseModel):
    """The answer to ``POST /call/{id}/events``."""

    accepted: int
    duplicates: int
    status: CallStatus


class EventBatch(BaseModel):
    model_config = ConfigDict(extra="forbid")

    events: list[Any] = Field(min_length=1, max_length=MAX_EVENTS_PER_BATCH)


_event_adapter: TypeAdapter[Any] = TypeAdapter(Event)
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
            events.append(_event_adapter.validate_python(item))
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
