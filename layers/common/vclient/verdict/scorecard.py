"""The operator's scorecard, defined by the persona (``scorecard:`` in its YAML).

A scorecard lists **items** (a question in words, a weight, a dimension, when the item is n/a,
optionally ``critical``, ``must_raise_unprompted``, ``observe_only``), optional **penalties** (one
per signal, so each is applied at most once) and one **level table**. Every persona topic is an item
too (``topics:`` sets their weight and dimension) unless an item with ``check: {kind: topic}`` names
it. A persona without a scorecard gets ``default_scorecard()``. See docs/verdict.md for the formula.

``check`` tells the heuristic evaluator (no LLM) how to judge an item; an item without one can only
be judged by the LLM (the heuristic reports it as ``na`` with the reason ``not_checkable``).
"""

from __future__ import annotations

import functools
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

Ident = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,47}$")]
Words = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]
Keyword = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=60)]

Status = Literal["yes", "partial", "no", "na"]
MULTIPLIER: dict[str, float] = {"yes": 1.0, "partial": 0.5, "no": 0.0}

#: When an item is n/a: ``never``; ``not_raised`` — nobody raised the matter (for a topic: the
#: client never asked and the operator never addressed it); ``no_objection`` — the client raised
#: no objection. ``must_raise_unprompted`` overrides ``not_raised``.
NaRule = Literal["never", "not_raised", "no_objection"]

CheckKind = Literal[
    "topic",  # a persona topic was answered (check.topic)
    "introduced_self",  # the operator said his name
    "named_company",  # the operator named the company (check.keywords: its names)
    "asks_questions",  # needs discovery: the operator's own questions (check.min_count)
    "next_step",  # a concrete next step was proposed (visit, booking, call back, sending)
    "date_time",  # a day and a time were named
    "follow_up",  # a follow-up was agreed (call back, send, remind)
    "tone",  # no rude words (built-in list plus the persona's angry reactions' keywords)
    "says",  # the operator said one of check.keywords
    "never_says",  # the operator never said any of check.keywords
]

#: Facts and judgements a penalty can hang on. None of them is an item's own status, so a penalty
#: never repeats an item's lost weight.
Signal = Literal[
    "misinformation",  # the operator stated something false (LLM only)
    "passive",  # the operator left long silences (the bot's own lag is never counted)
    "redirect_to_website",  # the operator sent the client to the website instead of answering
    "asked_for_secrets",  # the operator asked for an SMS code, a password or card data
    "interrupted_client",  # the operator talked over the client repeatedly (barge-ins)
]


class _Strict(BaseModel):
    model_config = ConfigDict(defer_build=True, extra="forbid", frozen=True)


class Check(_Strict):
    kind: CheckKind
    topic: Ident | None = Field(default=None, description="For kind topic: the topic id.")
    keywords: list[Keyword] = Field(
        default_factory=list,
        max_length=50,
        description="Extra words (persona keyword syntax). For topic: plain-word hints.",
    )
    within_lines: int | None = Field(
        default=None,
        ge=1,
        le=20,
        description="yes only within the operator's first N lines; later it is partial.",
    )
    min_count: int = Field(default=2, ge=1, le=20, description="asks_questions: yes at this many.")

    @model_validator(mode="after")
    def _needs(self) -> Check:
        if self.kind == "topic" and self.topic is None:
            raise ValueError("a topic check needs `topic`")
        if self.kind != "topic" and self.topic is not None:
            raise ValueError("`topic` belongs only to a topic check")
        if self.kind in ("says", "never_says") and not self.keywords:
            raise ValueError(f"a {self.kind} check needs keywords")
        return self


class Item(_Strict):
    id: Ident
    question: Words = Field(description="What is checked, as a question (read by the LLM).")
    weight: int = Field(ge=1, le=100)
    dimension: Ident
    na_when: NaRule = "never"
    critical: bool = Field(default=False, description="A `no` caps the score (critical_cap).")
    must_raise_unprompted: bool = Field(
        default=False, description="The operator must bring it up before the client asks."
    )
    observe_only: bool = Field(
        default=False, description="The client never asks about it; it is only observed."
    )
    recommendation: Words | None = Field(default=None, description="Advice when not met.")
    check: Check | None = None


class TopicItems(_Strict):
    """How persona topics become items."""

    count: bool = Field(default=True, description="Topics count as items.")
    weight: int = Field(default=8, ge=1, le=100)
    dimension: Ident = "answers"
    na_when: NaRule = "not_raised"
    critical: list[Ident] = Field(default_factory=list, description="Topic ids that are critical.")
    must_raise_unprompted: list[Ident] = Field(default_factory=list)


class Penalty(_Strict):
    id: Ident
    signal: Signal
    points: int = Field(ge=1, le=100)
    description: Words | None = None


class Level(_Strict):
    id: Ident
    min_score: int = Field(ge=0, le=100)


#: The levels of a scorecard that names none (built per card: a module-level ``Level`` would
#: build the model at import, ~40 ms of the dialog function's cold start).
DEFAULT_LEVELS = (("good", 76), ("average", 50), ("poor", 0))


def _default_levels() -> list[Level]:
    return [Level(id=level, min_score=score) for level, score in DEFAULT_LEVELS]


class Scorecard(_Strict):
    items: list[Item] = Field(default_factory=list, max_length=100)
    topics: TopicItems = Field(default_factory=TopicItems)
    penalties: list[Penalty] = Field(default_factory=list, max_length=20)
    levels: list[Level] = Field(default_factory=_default_levels, min_length=1)
    critical_cap: int = Field(
        default=40, ge=0, le=100, description="Max score after a critical no."
    )
    early_end_cap: int | None = Field(
        default=40, ge=0, le=100, description="Max score when the operator ended the call early."
    )
    passive_silence_ms: int = Field(
        default=8000, ge=1000, le=120_000, description="An operator silence this long is passive."
    )
    passive_min_silences: int = Field(default=2, ge=1, le=50)
    slow_bot_ms: int = Field(
        default=2500, ge=100, le=60_000, description="A bot turn this slow counts as slow lag."
    )

    @model_validator(mode="after")
    def _consistent(self) -> Scorecard:
        ids = [i.id for i in self.items]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(f"duplicate item ids: {', '.join(dupes)}")
        signals = [p.signal for p in self.penalties]
        if len(set(signals)) != len(signals):
            raise ValueError("one penalty per signal: each penalty is applied at most once")
        pids = [p.id for p in self.penalties]
        if len(set(pids)) != len(pids):
            raise ValueError("duplicate penalty ids")
        mins = [lv.min_score for lv in self.levels]
        if mins != sorted(mins, reverse=True) or len(set(mins)) != len(mins):
            raise ValueError("levels must be listed from the highest min_score down, no ties")
        if mins[-1] != 0:
            raise ValueError("the last level must have min_score 0")
        return self

    def level_of(self, score: int) -> str:
        return next(lv.id for lv in self.levels if score >= lv.min_score)

    def resolve(self, topics: list[tuple[str, str]]) -> list[Item]:
        """Every item of a call: the listed ones plus one per persona topic (id, ask) that no
        listed topic item names. Raises ``ValueError`` for a topic id the persona lacks."""
        known = {tid for tid, _ in topics}
        named: set[str] = set()
        for item in self.items:
            if item.check is not None and item.check.kind == "topic":
                if item.check.topic not in known:
                    raise ValueError(f"item {item.id!r} names unknown topic {item.check.topic!r}")
                named.add(str(item.check.topic))
        for tid in [*self.topics.critical, *self.topics.must_raise_unprompted]:
            if tid not in known:
                raise ValueError(f"scorecard.topics names unknown topic {tid!r}")
        out = list(self.items)
        if not self.topics.count:
            return out
        taken = {i.id for i in out}
        for tid, ask in topics:
            if tid in named:
                continue
            if tid in taken:
                raise ValueError(f"item id {tid!r} clashes with the topic of the same id")
            out.append(
                Item(
                    id=tid,
                    question=f"Ответил ли оператор на вопрос клиента: «{ask}»?",
                    weight=self.topics.weight,
                    dimension=self.topics.dimension,
                    na_when=self.topics.na_when,
                    critical=tid in self.topics.critical,
                    must_raise_unprompted=tid in self.topics.must_raise_unprompted,
                    recommendation="Отвечайте на вопрос клиента прямо и конкретно, "
                    "с цифрами и сроками, а не уходите от ответа.",
                    check=Check(kind="topic", topic=tid),
                )
            )
        return out


def _item(
    id: str, question: str, weight: int, dimension: str, kind: CheckKind, advice: str, **kw: object
) -> Item:
    check_fields = {k: kw.pop(k) for k in ("keywords", "within_lines", "min_count") if k in kw}
    return Item.model_validate(
        {
            "id": id,
            "question": question,
            "weight": weight,
            "dimension": dimension,
            "observe_only": True,
            "recommendation": advice,
            "check": {"kind": kind, **check_fields},
            **kw,
        }
    )


@functools.cache
def default_scorecard() -> Scorecard:
    """For a persona without a scorecard. Topics are items too (weight 8 each, dimension answers).

    Built on first use, not at import: the dialog function loads this module for the persona's
    type but never scores anyone, and building the card is ~10 ms of its cold start.
    """
    return Scorecard(
        items=[
            _item(
                "introduced_self",
                "Представился ли оператор по имени в начале разговора?",
                8,
                "first_contact",
                "introduced_self",
                "Начинайте разговор с приветствия и своего имени.",
                within_lines=2,
            ),
            _item(
                "named_company",
                "Назвал ли оператор компанию в начале разговора?",
                6,
                "first_contact",
                "named_company",
                "Называйте компанию в первой же фразе, чтобы клиент понимал, куда попал.",
                within_lines=2,
            ),
            _item(
                "needs_discovery",
                "Задавал ли оператор свои вопросы, чтобы понять потребности клиента?",
                8,
                "sales",
                "asks_questions",
                "Задавайте уточняющие вопросы о потребностях клиента, прежде чем предлагать.",
            ),
            _item(
                "next_step",
                "Предложил ли оператор конкретный следующий шаг (визит, запись, звонок, отправку)?",
                10,
                "closing",
                "next_step",
                "Заканчивайте разговор конкретным следующим шагом: запись, визит, звонок.",
            ),
            _item(
                "date_time",
                "Зафиксировал ли оператор конкретные день и время следующего шага?",
                8,
                "closing",
                "date_time",
                "Договаривайтесь о конкретных дне и времени, а не «как-нибудь на неделе».",
            ),
            _item(
                "professional_tone",
                "Был ли тон оператора вежливым и профессиональным, без грубости?",
                5,
                "communication",
                "tone",
                "Сохраняйте вежливый тон, даже если клиент раздражён.",
                critical=True,
            ),
        ],
        penalties=[
            Penalty(
                id="misinformation",
                signal="misinformation",
                points=15,
                description="Оператор сообщил клиенту неверные сведения.",
            ),
            Penalty(
                id="passive",
                signal="passive",
                points=5,
                description="Оператор надолго замолкал (задержки самого бота не считаются).",
            ),
            Penalty(
                id="asked_for_secrets",
                signal="asked_for_secrets",
                points=30,
                description="Оператор спросил код из СМС, пароль или данные карты.",
            ),
        ],
    )
