"""What the verdict returns: ``Evaluation`` and its parts, the shape ``GET /call/{id}`` shows.

Unknown figures are spelled out: a dimension whose items are all n/a has ``score: null`` and
``status: "na"``; an unknown price or cost is the string ``"unknown"``; an evaluation that could
not be made is ``status: "failed"`` with a ``reason`` and no operator score.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from vclient.verdict.quotes import Quote
from vclient.verdict.scorecard import Signal, Status

Method = Literal["heuristic", "llm"]
Severity = Literal["high", "medium", "low"]
Unknown = Literal["unknown"]


class _Out(BaseModel):
    model_config = ConfigDict(defer_build=True, extra="forbid", frozen=True)


class ItemJudgement(_Out):
    """One item as judged (by the heuristic or the LLM), before scoring."""

    id: str
    status: Status
    quotes: list[Quote] = Field(default_factory=list)
    note: str | None = None
    #: Why, in one word: refused, negated, answered_before_asked, not_raised, not_checkable, …
    reason: str | None = None


class SignalFinding(_Out):
    signal: Signal
    quotes: list[Quote] = Field(default_factory=list)
    note: str | None = None


class ChecklistEntry(_Out):
    id: str
    question: str
    dimension: str
    weight: int
    critical: bool
    status: Status
    quotes: list[Quote]
    note: str | None = None
    reason: str | None = None


class DimensionScore(_Out):
    id: str
    status: Literal["scored", "na"]
    score: int | None
    weight: int  # the weight of its applicable items


class AppliedPenalty(_Out):
    id: str
    signal: Signal
    points: int
    quotes: list[Quote] = Field(default_factory=list)
    note: str | None = None


class AppliedCap(_Out):
    reason: Literal["critical", "early_end"]
    max_score: int
    items: list[str] = Field(default_factory=list)


class Issue(_Out):
    id: str
    severity: Severity
    title: str
    quotes: list[Quote] = Field(default_factory=list)
    recommendation: str


class BotLag(_Out):
    """How long the operator waited on the bot. None of it is held against the operator."""

    turns_measured: int
    p50_ms: int | None
    p95_ms: int | None
    max_ms: int | None
    total_ms: int
    slow_turns: int
    slow_threshold_ms: int
    #: Silences while it was the bot's turn: excused, never counted as operator passivity.
    excused_silences: int
    excused_silence_ms: int


class OperatorVerdict(_Out):
    score: int
    raw_score: int  # before penalties and caps
    level: str
    dimensions: list[DimensionScore]
    checklist: list[ChecklistEntry]
    penalties: list[AppliedPenalty]
    caps: list[AppliedCap]
    issues: list[Issue]
    recommendations: list[str]
    bot_lag: BotLag


class FidelityPart(_Out):
    id: str
    status: Literal["scored", "na"]
    score: int | None  # 0–100
    weight: int
    detail: dict[str, object] = Field(default_factory=dict)
    quotes: list[Quote] = Field(default_factory=list)


class VerbatimTurn(_Out):
    turn: int
    backend_line: str
    spoken: str
    wer: float
    deviation: bool


class Verbatim(_Out):
    """Hybrid engine: the backend's line against the spoken output transcript, per turn."""

    turns: list[VerbatimTurn]
    mean_wer: float | None
    deviations: int
    threshold: float


class ClientVerdict(_Out):
    fidelity: int | None
    parts: list[FidelityPart]
    verbatim: Verbatim | None


class CostPart(_Out):
    id: str  # pstn, asr, tts, realtime:<model>, text:<model>, transcription:<model>
    quantity: float
    unit: str
    unit_price_usd: float | Unknown
    usd: float | Unknown
    note: str | None = None


class Cost(_Out):
    total_usd: float | Unknown
    #: Sum of the parts whose price is known (a lower bound when total_usd is unknown).
    known_usd: float
    unknown: list[str]
    parts: list[CostPart]
    pricing_as_of: str


class TopicCoverage(_Out):
    covered: int
    total: int
    ids: list[str]


class Evaluation(_Out):
    status: Literal["done", "failed"]
    reason: str | None = None
    method: Method
    prompt_version: str | None = None
    model: str | None = None
    operator: OperatorVerdict | None
    client: ClientVerdict
    cost: Cost
    topics: TopicCoverage | None
