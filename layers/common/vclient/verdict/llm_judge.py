"""The LLM path's pure parts: the versioned prompt, the output schema, the answer's parser.

The model call itself belongs to data access (``dal/``); here a *judge* is any callable that
takes a ``JudgeRequest`` and returns the model's text (or a ``JudgeAnswer`` with the model id), so
the path is testable with fakes. Everything the answer says is checked: malformed JSON, an unknown
or repeated item, an item left out, ``yes``/``partial`` without a quote, or a quote that is not in
the quoted turn's text make the evaluation fail (``JudgeFailed``) — never a score, never an n/a.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from vclient.verdict.facts import CallFacts, ClientScript
from vclient.verdict.quotes import Quote, QuoteError, verify
from vclient.verdict.result import BotLag, ItemJudgement, SignalFinding
from vclient.verdict.scorecard import Item, Status

PROMPT_VERSION = "verdict-judge/2026-12-02.1"
JudgedSignal = Literal["misinformation", "redirect_to_website", "asked_for_secrets"]
JUDGED_SIGNALS: tuple[JudgedSignal, ...] = (
    "misinformation",
    "redirect_to_website",
    "asked_for_secrets",
)
_NA_WORDS = {
    "never": "n/a не допускается",
    "not_raised": "n/a, если ни клиент, ни оператор не затрагивали эту тему",
    "no_objection": "n/a, если клиент не высказывал возражений",
}
_WHO = {"operator": "Оператор", "client": "Клиент"}


class JudgeRequest(BaseModel):
    model_config = ConfigDict(defer_build=True, frozen=True)

    prompt_version: str
    system: str
    user: str
    schema_name: str
    json_schema: dict[str, Any]


class JudgeAnswer(BaseModel):
    model_config = ConfigDict(defer_build=True, frozen=True)

    content: str
    model: str | None = None


Judge = Callable[[JudgeRequest], JudgeAnswer | str]


class JudgeFailed(Exception):
    """The judge gave no usable verdict; ``reason`` is stored as the evaluation's reason."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


SYSTEM = """\
Ты — строгий контролёр качества телефонных разговоров. Человек-оператор говорил с виртуальным \
клиентом (ИИ). Ты оцениваешь только оператора по пунктам чек-листа.

Правила:
1. Для КАЖДОГО пункта чек-листа верни ровно один ответ: yes (выполнено), partial (частично), \
no (не выполнено) или na (неприменимо). Не пропускай пункты и не добавляй своих.
2. na — только если это разрешает правило пункта; в остальных случаях yes, partial или no.
3. Отказ, уход от ответа, «не знаю», «не можем», «посмотрите на сайте» — это НЕ ответ: no.
4. Ответ, данный оператором ещё до вопроса клиента, засчитывается. Для пунктов «оператор должен \
поднять сам» yes — только если оператор заговорил об этом раньше клиента.
5. Для yes и partial приведи хотя бы одну цитату. Цитата — точный фрагмент реплики (слово в слово, \
без пересказа) с номером хода (turn) этой реплики. Выдуманная или неточная цитата делает всю \
оценку недействительной.
6. Паузы из-за задержек бота (они перечислены в фактах звонка) — не вина оператора.
7. Сигналы: misinformation (оператор сообщил неверные сведения), redirect_to_website (отправил \
на сайт вместо ответа), asked_for_secrets (спросил код из СМС, пароль, данные карты). Указывай \
сигнал только с цитатой.
8. Дай 3–5 конкретных рекомендаций оператору по-русски.
Будь строгим и опирайся только на стенограмму."""


def _facts_text(facts: CallFacts, lag: BotLag) -> str:
    lines = [
        f"Движок: {facts.engine}",
        f"Завершение: {facts.ending or 'неизвестно'}; причина: {facts.end_reason or 'неизвестно'}; "
        f"кто положил трубку: {facts.hangup_by or 'неизвестно'}",
        f"Длительность: {round(facts.duration_ms / 1000) if facts.duration_ms else '?'} с",
        f"Перебивания клиента оператором: {len(facts.barge_ins)}",
        "Паузы, когда молчал оператор: "
        + (
            ", ".join(
                f"ход {s.turn}: {s.duration_ms / 1000:.1f} с"
                for s in facts.silences
                if s.waiting_for == "operator"
            )
            or "нет"
        ),
        f"Задержка бота: ходов {lag.turns_measured}, медиана {lag.p50_ms} мс, максимум "
        f"{lag.max_ms} мс, медленных ходов {lag.slow_turns}; паузы из-за бота: "
        f"{lag.excused_silences} ({lag.excused_silence_ms} мс) — не вина оператора",
    ]
    return "\n".join(lines)


def build_request(
    facts: CallFacts, script: ClientScript, items: list[Item], lag: BotLag
) -> JudgeRequest:
    topics = "\n".join(
        f"- {t.id}: вопрос «{t.ask}»; ответом считается: {t.expect}" for t in script.topics
    )
    checklist = "\n".join(
        f"- {i.id} [{i.dimension}, вес {i.weight}{', критичный' if i.critical else ''}"
        f"{', оператор должен поднять сам' if i.must_raise_unprompted else ''}]: {i.question} "
        f"({_NA_WORDS[i.na_when]})"
        for i in items
    )
    transcript = "\n".join(
        f"[turn {ln.turn}] {_WHO[ln.who]}: {ln.text}" for ln in facts.lines if ln.text.strip()
    )
    user = (
        f"Клиент: {script.name}. Язык: {script.language}.\n\n"
        f"Темы клиента:\n{topics}\n\n"
        f"Факты звонка:\n{_facts_text(facts, lag)}\n\n"
        f"Чек-лист:\n{checklist}\n\n"
        f"Стенограмма:\n{transcript}"
    )
    return JudgeRequest(
        prompt_version=PROMPT_VERSION,
        system=SYSTEM,
        user=user,
        schema_name="operator_verdict",
        json_schema=output_schema([i.id for i in items]),
    )


def output_schema(item_ids: list[str]) -> dict[str, Any]:
    """JSON schema for structured output (strict: every field required, nothing extra)."""
    quote = {
        "type": "object",
        "additionalProperties": False,
        "required": ["turn", "text"],
        "properties": {"turn": {"type": "integer"}, "text": {"type": "string"}},
    }
    return {
        "type": "object",
        "additionalProperties": False,
        "required": ["items", "signals", "recommendations"],
        "properties": {
            "items": {
                "type": "array",
                "items": {
                    "type": "object",
                    "additionalProperties": False,
                    "required": ["id", "status", "quotes", "comment"],
                    "properties": {
                        "id": {"type": "string", "enum": item_ids},
                        "status": {"type": "string", "enum": ["yes", "partial", "no", "na"]},
                        "quotes": {"type": "array", "items": quote},
                        "comment": {"type": "string"},
                    },
                },
            },
            "signals": {
                "type": "array",
                "items": {
                    "type": "object",
                    "additionalProperties": False,
                    "required": ["signal", "quotes", "comment"],
                    "properties": {
                        "signal": {"type": "string", "enum": list(JUDGED_SIGNALS)},
                        "quotes": {"type": "array", "items": quote},
                        "comment": {"type": "string"},
                    },
                },
            },
            "recommendations": {"type": "array", "items": {"type": "string"}},
        },
    }


class _Strict(BaseModel):
    model_config = ConfigDict(defer_build=True, extra="forbid")


class _Quote(_Strict):
    turn: int = Field(ge=0, le=10_000)
    text: str = Field(min_length=1, max_length=500)


class _Item(_Strict):
    id: str
    status: Status
    quotes: list[_Quote] = Field(max_length=10)
    comment: str = Field(max_length=2000)


class _Signal(_Strict):
    signal: JudgedSignal
    quotes: list[_Quote] = Field(max_length=10)
    comment: str = Field(max_length=2000)


class _Answer(_Strict):
    items: list[_Item] = Field(max_length=200)
    signals: list[_Signal] = Field(max_length=20)
    recommendations: list[str] = Field(max_length=20)


class JudgeResult(BaseModel):
    model_config = ConfigDict(defer_build=True, frozen=True)

    judgements: dict[str, ItemJudgement]
    signals: list[SignalFinding]
    recommendations: list[str]
    model: str | None


def parse_answer(content: str, items: list[Item], facts: CallFacts) -> JudgeResult:
    """Validate the model's answer against the checklist and the transcript."""
    try:
        raw = json.loads(content)
    except json.JSONDecodeError as exc:
        raise JudgeFailed(f"malformed: not JSON ({exc.msg})") from None
    try:
        answer = _Answer.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise JudgeFailed(f"malformed: {where}: {first['msg']}") from None
    wanted = [i.id for i in items]
    got: dict[str, _Item] = {}
    for entry in answer.items:
        if entry.id not in wanted:
            raise JudgeFailed(f"unknown item {entry.id!r}")
        if entry.id in got:
            raise JudgeFailed(f"item {entry.id!r} judged twice")
        got[entry.id] = entry
    missing = [i for i in wanted if i not in got]
    if missing:
        raise JudgeFailed(f"items omitted: {', '.join(missing)}")

    def checked(quotes: list[_Quote], owner: str) -> list[Quote]:
        try:
            return [verify(Quote(turn=q.turn, text=q.text), facts.lines) for q in quotes]
        except QuoteError as exc:
            raise JudgeFailed(f"{owner}: {exc}") from None

    judgements = {}
    for item_id in wanted:
        entry = got[item_id]
        if entry.status in ("yes", "partial") and not entry.quotes:
            raise JudgeFailed(f"item {item_id!r}: {entry.status} without a quote")
        judgements[item_id] = ItemJudgement(
            id=item_id,
            status=entry.status,
            quotes=checked(entry.quotes, f"item {item_id!r}"),
            note=entry.comment.strip() or None,
        )
    signals = []
    for s in answer.signals:
        if not s.quotes:
            raise JudgeFailed(f"signal {s.signal!r} without a quote")
        signals.append(
            SignalFinding(
                signal=s.signal,
                quotes=checked(s.quotes, f"signal {s.signal!r}"),
                note=s.comment.strip() or None,
            )
        )
    recommendations = [r.strip() for r in answer.recommendations if r.strip()][:5]
    return JudgeResult(
        judgements=judgements, signals=signals, recommendations=recommendations, model=None
    )


def run_judge(
    judge: Judge, request: JudgeRequest, items: list[Item], facts: CallFacts
) -> JudgeResult:
    """Call the judge and parse its answer; any failure is a ``JudgeFailed`` with a reason."""
    try:
        reply = judge(request)
    except Exception as exc:  # the judge is I/O: a timeout or an API error is a failed evaluation
        raise JudgeFailed(f"judge_error: {type(exc).__name__}: {str(exc)[:200]}") from None
    answer = reply if isinstance(reply, JudgeAnswer) else JudgeAnswer(content=str(reply))
    result = parse_answer(answer.content, items, facts)
    return result.model_copy(update={"model": answer.model})
