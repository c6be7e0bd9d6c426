"""One entry point: a call's facts and the client's script in, the whole verdict out.

``evaluate`` never raises for a call it cannot judge: it returns ``status: "failed"`` with a reason
(no conversation, a scorecard that does not fit the persona, every item n/a, the judge failing or
answering badly) and no operator score. The client's fidelity and the cost are deterministic and
shown either way. Topic coverage is read from the same judgements as the score (one number).
"""

from __future__ import annotations

from vclient.verdict import heuristic
from vclient.verdict.cost import DEFAULT_PRICING, Pricing, call_cost
from vclient.verdict.facts import CallFacts, ClientScript
from vclient.verdict.fidelity import fidelity
from vclient.verdict.heuristic import TopicAnalysis
from vclient.verdict.llm_judge import Judge, JudgeFailed, build_request, run_judge
from vclient.verdict.result import (
    ClientVerdict,
    Cost,
    Evaluation,
    ItemJudgement,
    Method,
    TopicCoverage,
)
from vclient.verdict.scorecard import Item, Scorecard, default_scorecard
from vclient.verdict.scoring import (
    MAX_RECOMMENDATIONS,
    NotScorable,
    bot_lag,
    fact_signals,
    score,
)

#: Endings the operator brought about: hanging up, saying goodbye, or going silent.
_OPERATOR_ENDINGS = frozenset({"goodbye", "silence"})


def operator_ended_early(facts: CallFacts, topics: dict[str, TopicAnalysis]) -> bool:
    """The operator ended the call (hung up, said goodbye, went silent) while some topic was
    neither raised by the client nor answered."""
    by_operator = (
        facts.hangup_by == "operator"
        or facts.end_reason in ("operator_hangup", "silence")
        or facts.ending in _OPERATOR_ENDINGS
    )
    untouched = any(not a.raised and a.status != "yes" for a in topics.values())
    return by_operator and untouched


def _coverage(
    script: ClientScript,
    items: list[Item],
    judgements: dict[str, ItemJudgement],
    topics: dict[str, TopicAnalysis],
) -> TopicCoverage:
    by_topic = {
        str(i.check.topic): judgements[i.id].status
        for i in items
        if i.check is not None and i.check.kind == "topic" and i.id in judgements
    }
    covered = [t.id for t in script.topics if by_topic.get(t.id, topics[t.id].status) == "yes"]
    return TopicCoverage(covered=len(covered), total=len(script.topics), ids=covered)


def evaluate(
    facts: CallFacts,
    script: ClientScript,
    scorecard: Scorecard | None = None,
    judge: Judge | None = None,
    pricing: Pricing = DEFAULT_PRICING,
) -> Evaluation:
    """The verdict of one call. ``judge`` given: the LLM path (``method: "llm"``); otherwise the
    heuristic (``method: "heuristic"``)."""
    card = scorecard or default_scorecard()
    method: Method = "llm" if judge is not None else "heuristic"
    cost = call_cost(facts, pricing)

    def failed(reason: str, client: ClientVerdict, prompt: str | None = None) -> Evaluation:
        return Evaluation(
            status="failed",
            reason=reason,
            method=method,
            prompt_version=prompt,
            operator=None,
            client=client,
            cost=cost,
            topics=None,
        )

    try:
        items = card.resolve([(t.id, t.ask) for t in script.topics])
    except ValueError as exc:
        topics = heuristic.analyze_topics(facts, script)
        return failed(f"scorecard: {exc}", fidelity(facts, script, topics))
    judgements, topics = heuristic.judge_items(facts, script, items)
    client = fidelity(facts, script, topics)
    if not facts.connected or not facts.operator_lines():
        return failed("no_conversation: the operator said nothing", client)

    signals = heuristic.signals(facts)
    prompt_version: str | None = None
    model: str | None = None
    advice: list[str] = []
    if judge is not None:
        request = build_request(facts, script, items, bot_lag(facts, card))
        prompt_version = request.prompt_version
        try:
            result = run_judge(judge, request, items, facts)
        except JudgeFailed as exc:
            return failed(exc.reason, client, prompt_version)
        judgements, signals, advice, model = (
            result.judgements,
            result.signals,
            result.recommendations,
            result.model,
        )
    signals = [*signals, *fact_signals(facts, card)]
    try:
        operator = score(
            card,
            items,
            judgements,
            signals,
            facts,
            early_end=operator_ended_early(facts, topics),
        )
    except NotScorable as exc:
        return failed(f"not_scorable: {exc}", client, prompt_version)
    if advice:
        merged = list(dict.fromkeys([*advice, *operator.recommendations]))[:MAX_RECOMMENDATIONS]
        operator = operator.model_copy(update={"recommendations": merged})
    return Evaluation(
        status="done",
        method=method,
        prompt_version=prompt_version,
        model=model,
        operator=operator,
        client=client,
        cost=cost,
        topics=_coverage(script, items, judgements, topics),
    )


__all__ = ["Cost", "Evaluation", "evaluate", "operator_ended_early"]
