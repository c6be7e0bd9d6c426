"""Deterministic arithmetic: item statuses in, the operator's score, level, issues out.

Formula (docs/verdict.md has a worked example, tested in tests/unit/verdict/test_scoring.py):

1. ``raw = round_half_up(100 · Σ weight·m / Σ weight)`` over the items that are not n/a, with
   m = 1 for yes, 0.5 for partial, 0 for no. No applicable item → ``NotScorable`` (the evaluation
   fails; it is never a score of 0).
2. ``score = max(0, raw − Σ points)`` of the penalties whose signal was found, each at most once.
3. Caps: a ``critical`` item at ``no`` caps the score at ``critical_cap``; an early end by the
   operator caps it at ``early_end_cap``. The lowest cap wins.
4. ``level``: the first level of the table whose ``min_score`` the score reaches.

Dimension scores use step 1 on the dimension's items only; a dimension whose items are all n/a is
``na`` (never 0). Silences while the operator waited on the bot are excused and only reported.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping

# The one percentile every figure uses (pure stdlib; the purity test allows exactly this module).
from vclient.compare.stats import percentile
from vclient.verdict.facts import CallFacts
from vclient.verdict.result import (
    AppliedCap,
    AppliedPenalty,
    BotLag,
    ChecklistEntry,
    DimensionScore,
    Issue,
    ItemJudgement,
    OperatorVerdict,
    Severity,
    SignalFinding,
)
from vclient.verdict.scorecard import MULTIPLIER, Item, Scorecard, Signal

MIN_RECOMMENDATIONS = 3
MAX_RECOMMENDATIONS = 5
INTERRUPTION_LIMIT = 3

_SIGNAL_ISSUE: dict[Signal, tuple[Severity, str, str]] = {
    "misinformation": (
        "high",
        "Оператор сообщил неверные сведения",
        "Проверяйте факты перед ответом; если не уверены — уточните и перезвоните.",
    ),
    "passive": (
        "medium",
        "Долгие паузы со стороны оператора",
        "Не оставляйте клиента в тишине: скажите, что уточняете, и вернитесь с ответом.",
    ),
    "redirect_to_website": (
        "medium",
        "Оператор отправил клиента на сайт вместо ответа",
        "Отвечайте на вопрос сами, а сайт предлагайте только как дополнение.",
    ),
    "asked_for_secrets": (
        "high",
        "Оператор спросил код из СМС, пароль или данные карты",
        "Никогда не запрашивайте коды, пароли и данные карт по телефону.",
    ),
    "interrupted_client": (
        "low",
        "Оператор часто перебивал клиента",
        "Дослушивайте клиента до конца, прежде чем отвечать.",
    ),
}

_GENERIC_ADVICE = (
    "В конце звонка коротко подводите итог: о чём договорились и что дальше.",
    "Уточняйте, остались ли у клиента вопросы, прежде чем прощаться.",
    "Называйте конкретные цифры и сроки — клиенту проще принять решение.",
)


class NotScorable(ValueError):
    """Nothing to score (every item n/a): the evaluation fails with this reason."""


def round_half_up(value: float) -> int:
    return math.floor(value + 0.5)


def weighted(items: Iterable[Item], status: Mapping[str, str]) -> tuple[int | None, int]:
    """(score 0–100 or None when every item is n/a, the applicable weight)."""
    total = 0
    got = 0.0
    for item in items:
        s = status[item.id]
        if s == "na":
            continue
        total += item.weight
        got += item.weight * MULTIPLIER[s]
    if total == 0:
        return None, 0
    return round_half_up(100 * got / total), total


def bot_lag(facts: CallFacts, scorecard: Scorecard) -> BotLag:
    lags = [t.bot_lag_ms for t in facts.turns if t.bot_lag_ms is not None]
    excused = [s for s in facts.silences if s.waiting_for == "client"]
    return BotLag(
        turns_measured=len(lags),
        p50_ms=percentile(lags, 0.5),
        p95_ms=percentile(lags, 0.95),
        max_ms=max(lags) if lags else None,
        total_ms=sum(lags),
        slow_turns=sum(1 for lag in lags if lag >= scorecard.slow_bot_ms),
        slow_threshold_ms=scorecard.slow_bot_ms,
        excused_silences=len(excused),
        excused_silence_ms=sum(s.duration_ms for s in excused),
    )


def fact_signals(facts: CallFacts, scorecard: Scorecard) -> list[SignalFinding]:
    """Signals read from the call's own facts, the same for every method.

    ``passive``: at least ``passive_min_silences`` silences of ``passive_silence_ms`` or more while
    it was the operator's turn. A silence while the bot had the turn is the bot's lag, not the
    operator's passivity, and never counts. ``interrupted_client``: three or more barge-ins.
    """
    out = []
    long_silences = [
        s
        for s in facts.silences
        if s.waiting_for == "operator" and s.duration_ms >= scorecard.passive_silence_ms
    ]
    if len(long_silences) >= scorecard.passive_min_silences:
        seconds = ", ".join(f"{s.duration_ms / 1000:.0f} с" for s in long_silences)
        out.append(SignalFinding(signal="passive", note=f"Паузы оператора: {seconds}"))
    if len(facts.barge_ins) >= INTERRUPTION_LIMIT:
        out.append(
            SignalFinding(
                signal="interrupted_client",
                note=f"Оператор перебил клиента {len(facts.barge_ins)} раз",
            )
        )
    return out


def _severity(item: Item, status: str) -> Severity:
    if status == "partial":
        return "low"
    return "high" if item.critical or item.weight >= 10 else "medium"


_RANK = {"high": 0, "medium": 1, "low": 2}


def score(
    scorecard: Scorecard,
    items: list[Item],
    judgements: dict[str, ItemJudgement],
    signals: list[SignalFinding],
    facts: CallFacts,
    *,
    early_end: bool = False,
) -> OperatorVerdict:
    """The operator's verdict. Every item must have a judgement (``KeyError`` otherwise)."""
    missing = [i.id for i in items if i.id not in judgements]
    if missing:
        raise KeyError(f"no judgement for items: {', '.join(missing)}")
    status = {i.id: judgements[i.id].status for i in items}
    raw, _ = weighted(items, status)
    if raw is None:
        raise NotScorable("every scorecard item is n/a for this call")

    found: dict[Signal, SignalFinding] = {}
    for finding in signals:
        found.setdefault(finding.signal, finding)  # a signal found twice is still one penalty
    applied = [
        AppliedPenalty(
            id=p.id,
            signal=p.signal,
            points=p.points,
            quotes=found[p.signal].quotes,
            note=found[p.signal].note,
        )
        for p in scorecard.penalties
        if p.signal in found
    ]
    value = max(0, raw - sum(p.points for p in applied))

    caps: list[AppliedCap] = []
    failed_critical = [i.id for i in items if i.critical and status[i.id] == "no"]
    if failed_critical:
        caps.append(
            AppliedCap(reason="critical", max_score=scorecard.critical_cap, items=failed_critical)
        )
    if early_end and scorecard.early_end_cap is not None:
        caps.append(AppliedCap(reason="early_end", max_score=scorecard.early_end_cap))
    for cap in caps:
        value = min(value, cap.max_score)

    dimensions = []
    for dim in dict.fromkeys(i.dimension for i in items):
        dim_score, weight = weighted([i for i in items if i.dimension == dim], status)
        dimensions.append(
            DimensionScore(
                id=dim,
                status="na" if dim_score is None else "scored",
                score=dim_score,
                weight=weight,
            )
        )

    checklist = [
        ChecklistEntry(
            id=i.id,
            question=i.question,
            dimension=i.dimension,
            weight=i.weight,
            critical=i.critical,
            status=status[i.id],
            quotes=judgements[i.id].quotes,
            note=judgements[i.id].note,
            reason=judgements[i.id].reason,
        )
        for i in items
    ]
    issues = _issues(scorecard, items, judgements, applied, early_end)
    return OperatorVerdict(
        score=value,
        raw_score=raw,
        level=scorecard.level_of(value),
        dimensions=dimensions,
        checklist=checklist,
        penalties=applied,
        caps=caps,
        issues=issues,
        recommendations=_recommendations(items, status, issues),
        bot_lag=bot_lag(facts, scorecard),
    )


def _issues(
    scorecard: Scorecard,
    items: list[Item],
    judgements: dict[str, ItemJudgement],
    applied: list[AppliedPenalty],
    early_end: bool,
) -> list[Issue]:
    issues: list[tuple[int, Issue]] = []
    for item in items:
        j = judgements[item.id]
        if j.status not in ("no", "partial"):
            continue
        marker = "не выполнено" if j.status == "no" else "выполнено частично"
        issues.append(
            (
                item.weight,
                Issue(
                    id=item.id,
                    severity=_severity(item, j.status),
                    title=f"{item.question} — {marker}",
                    quotes=j.quotes,
                    recommendation=item.recommendation
                    or "Разберите этот пункт с наставником на записи звонка.",
                ),
            )
        )
    for penalty in applied:
        severity, title, advice = _SIGNAL_ISSUE[penalty.signal]
        issues.append(
            (
                penalty.points,
                Issue(
                    id=penalty.id,
                    severity=severity,
                    title=title,
                    quotes=penalty.quotes,
                    recommendation=advice,
                ),
            )
        )
    if early_end and scorecard.early_end_cap is not None:
        issues.append(
            (
                100,
                Issue(
                    id="early_end",
                    severity="high",
                    title="Оператор завершил разговор, не ответив на все вопросы клиента",
                    recommendation="Не завершайте звонок, пока клиент не получил ответы "
                    "и не согласовал следующий шаг.",
                ),
            )
        )
    issues.sort(key=lambda pair: (_RANK[pair[1].severity], -pair[0]))
    return [issue for _, issue in issues]


def _recommendations(
    items: list[Item], status: Mapping[str, str], issues: list[Issue]
) -> list[str]:
    out: list[str] = []
    for issue in issues:
        if issue.recommendation not in out:
            out.append(issue.recommendation)
    if len(out) < MIN_RECOMMENDATIONS:
        strong = sorted((i for i in items if status[i.id] == "yes"), key=lambda i: -i.weight)
        for item in strong:
            if item.recommendation and len(out) < MIN_RECOMMENDATIONS:
                advice = item.recommendation
                keep = f"Продолжайте так же: {advice[0].lower()}{advice[1:]}"
                if keep not in out:
                    out.append(keep)
    for advice in _GENERIC_ADVICE:
        if len(out) >= MIN_RECOMMENDATIONS:
            break
        if advice not in out:
            out.append(advice)
    return out[:MAX_RECOMMENDATIONS]
