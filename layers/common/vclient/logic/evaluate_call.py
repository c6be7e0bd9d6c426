"""After the hang-up: the verdict of one finished call, made once and stored.

Run by the evaluate function for each call item whose status became final (a DynamoDB stream
record; locally, the stack's stream poller). It reads the call's partition, turns it into the
verdict's ``CallFacts`` (transcript, turns with the bot's lag, the hybrid engine's backend line
beside the spoken words, silences, barge-ins, the usage the scenarios and the dialog function
reported), judges it with the LLM when the stack has an OpenAI key and by the heuristic when it
has none, and stores the result once: a repeated record finds it stored and does nothing.

A judge that fails (timeout, API error, an answer that is not the schema or quotes what was not
said) is asked once more; a second failure is stored as ``status: failed`` with the reason, never
as a score. Anything else that fails (DynamoDB, SSM) raises, so the stream retries the record.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from pydantic import ValidationError

from vclient.dal import parameters
from vclient.dal.calls_table import EvaluationsRepository, EventsRepository
from vclient.dal.items import CallPartition, CallRecord
from vclient.errors import ConfigurationError
from vclient.logic.call_report import call_view, stored_persona
from vclient.logic.config import CallConfig, Config, Routing, load_config
from vclient.observability import logger, metrics
from vclient.settings import EvaluateSettings
from vclient.verdict.cost import DEFAULT_PRICING, Pricing, PricingError, call_cost, load_pricing
from vclient.verdict.evaluate import evaluate
from vclient.verdict.facts import (
    BargeIn,
    CallFacts,
    ClientScript,
    RealtimeUsage,
    Silence,
    TextUsage,
    TranscriptionUsage,
    TurnFacts,
    Usage,
)
from vclient.verdict.llm_judge import Judge
from vclient.verdict.result import ClientVerdict, Cost, Evaluation
from vclient.vocabulary import FINAL_STATUSES

#: A usage event's source: the OpenAI Realtime API (an API, not an engine name).
USAGE_FROM_REALTIME_API = "realtime"
#: Reasons of a failed judge that a second attempt may cure.
_RETRYABLE = ("judge_error", "malformed", "unknown item", "items omitted", "item ", "signal ")


def usage_of(partition: CallPartition, config: Mapping[str, Any]) -> Usage:
    """What the platforms reported for the call: the scenarios' ``usage`` events and the dialog
    function's text-model totals on the dialog item. Nothing reported stays empty (unknown)."""
    realtime_model = str(config.get("realtime_model") or "unknown")
    realtime = []
    seconds: dict[str, float] = defaultdict(float)
    for event in partition.events_of("usage"):
        usage = event.get("usage") or {}
        if event.get("source") == USAGE_FROM_REALTIME_API:
            realtime.append(
                RealtimeUsage.from_response_done(event.get("model") or realtime_model, usage)
            )
        elif event.get("source") == "transcription" and usage.get("type") == "duration":
            model = event.get("model") or config.get("transcription_model") or "unknown"
            seconds[str(model)] += float(usage.get("seconds") or 0)
    dialog = partition.dialog
    text = []
    if dialog and dialog.text_calls:
        text.append(
            TextUsage(
                model=dialog.text_model or "unknown",
                input_tokens=dialog.text_in_tokens,
                cached_tokens=dialog.text_cached_tokens,
                output_tokens=dialog.text_out_tokens,
            )
        )
    transcription = [
        TranscriptionUsage(model=model, minutes=round(total / 60, 4))
        for model, total in seconds.items()
    ]
    return Usage(realtime=realtime, text=text, transcription=transcription)


def call_facts(view: Mapping[str, Any], partition: CallPartition) -> CallFacts:
    """The verdict's input from the call view and the stored events."""
    config = partition.dialog.config if partition.dialog else {}
    base = CallFacts.from_call_view(view, usage_of(partition, config))
    turns: dict[int, dict[str, Any]] = {t.turn: t.model_dump() for t in base.turns}
    for event in partition.events_of("spoken"):
        turn = turns.setdefault(int(event["turn"]), {"turn": int(event["turn"])})
        if turn.get("backend_line") is None:
            turn["backend_line"] = str(event.get("line") or "")
            turn["spoken"] = str(event.get("text") or "")
    silence_ms = int(config.get("silence_timeout_s") or 8) * 1000
    silences = [
        Silence(turn=int(e["turn"]), waiting_for="operator", duration_ms=silence_ms)
        for e in partition.events_of("turn")
        if not e.get("speech_end_at")
    ]
    barge_ins = [BargeIn(turn=e.get("turn")) for e in partition.events_of("barge_in")]
    return base.model_copy(
        update={
            "turns": [TurnFacts.model_validate(turns[n]) for n in sorted(turns)],
            "silences": silences,
            "barge_ins": barge_ins,
        }
    )


def headline(evaluation: Evaluation) -> dict[str, Any]:
    """The figures a list row shows (``vclient.api.calls.EvaluationHeadline``)."""
    operator = evaluation.operator
    topics = evaluation.topics
    return {
        "status": evaluation.status,
        "method": evaluation.method,
        "operator_score": operator.score if operator else None,
        "level": operator.level if operator else None,
        "fidelity": evaluation.client.fidelity,
        "topics_covered": topics.covered if topics else None,
        "topics_total": topics.total if topics else None,
        "cost_usd": evaluation.cost.total_usd,
    }


def unjudged(reason: str, facts: CallFacts | None, pricing: Pricing) -> Evaluation:
    """A failed evaluation for a call the verdict cannot even read (no persona, bad facts)."""
    cost = (
        call_cost(facts, pricing)
        if facts is not None
        else Cost(
            total_usd="unknown",
            known_usd=0.0,
            unknown=["call"],
            parts=[],
            pricing_as_of=pricing.as_of,
        )
    )
    return Evaluation(
        status="failed",
        reason=reason,
        method="heuristic",
        operator=None,
        client=ClientVerdict(fidelity=None, parts=[], verbatim=None),
        cost=cost,
        topics=None,
    )


#: (api_key, model, base_url, timeout_s) → a judge; the default is OpenAI (dal/openai.py).
JudgeFactory = Callable[[str, str, str | None, float], Judge]


def openai_judge(api_key: str, model: str, base_url: str | None, timeout_s: float) -> Judge:
    from vclient.dal.openai import OpenAIJudge, openai_client_factory

    return OpenAIJudge(
        openai_client_factory(api_key, base_url=base_url, timeout_s=timeout_s, max_retries=1),
        model,
        timeout_s=timeout_s,
    )


@dataclass
class EvaluateCall:
    settings: EvaluateSettings
    events: EventsRepository
    evaluations: EvaluationsRepository
    make_judge: JudgeFactory = openai_judge
    now: Callable[[], datetime] = lambda: datetime.now(UTC)

    def __call__(self, call_id: str) -> Evaluation | None:
        """Evaluates and stores; None when there is nothing to do (no such call, not ended,
        already evaluated)."""
        partition = self.events.partition(call_id)
        if partition.evaluation is not None:
            logger.info("Already evaluated", extra={"call_id": call_id})
            return None
        record = partition.call
        if record is None or record.status not in FINAL_STATUSES:
            return None
        view = call_view(partition)
        assert view is not None
        config = self._config()
        pricing = self._pricing(config.verdict.pricing)
        evaluation = self.judge(record, view, partition, config, pricing)
        stored = self.evaluations.put_once(
            call_id,
            evaluation.model_dump_json(),
            status=evaluation.status,
            headline=headline(evaluation),
            call_changes={"v2v_p50_ms": view["summary"]["voice_to_voice_ms"]["p50"]},
            expires_at=record.expires_at,
            created_at=self.now().isoformat(timespec="milliseconds"),
        )
        if not stored:
            logger.info(
                "Evaluated concurrently; the first result stays", extra={"call_id": call_id}
            )
            return None
        metrics.add_metric(
            name="EvaluationsDone" if evaluation.status == "done" else "EvaluationsFailed",
            unit="Count",
            value=1,
        )
        logger.info(
            "Call evaluated",
            extra={
                "call_id": call_id,
                "status": evaluation.status,
                "method": evaluation.method,
                "reason": evaluation.reason,
            },
        )
        return evaluation

    def judge(
        self,
        record: CallRecord,
        view: Mapping[str, Any],
        partition: CallPartition,
        config: Config,
        pricing: Pricing,
    ) -> Evaluation:
        try:
            facts = call_facts(view, partition)
        except (ValidationError, ValueError, KeyError) as exc:
            return unjudged(f"facts: {str(exc).splitlines()[0][:200]}", None, pricing)
        persona = stored_persona(record, partition.persona)
        if persona is None:
            return unjudged("no_persona: the call's persona cannot be read", facts, pricing)
        script = ClientScript.from_persona(persona)
        api_key = self._openai_key()
        judge = None
        if api_key:
            judge = self.make_judge(
                api_key,
                config.verdict.judge_model or config.call.text_model,
                self.settings.openai_base_url,
                self.settings.judge_timeout_s,
            )
        card = persona.operator_scorecard
        evaluation = evaluate(facts, script, card, judge, pricing)
        if judge is not None and evaluation.status == "failed" and _retryable(evaluation.reason):
            logger.warning(
                "The judge failed; asking once more", extra={"reason": evaluation.reason}
            )
            evaluation = evaluate(facts, script, card, judge, pricing)
        return evaluation

    def _config(self) -> Config:
        try:
            return load_config(self.settings)
        except ConfigurationError as exc:
            # A parameter the verdict does not need (a route, a limit) must not stop verdicts:
            # the defaults, and the log says which parameter is broken.
            logger.warning("The stack's configuration is invalid", extra={"problem": str(exc)})
            return Config(routing=Routing(), call=CallConfig())

    def _pricing(self, text: str | None) -> Pricing:
        try:
            return load_pricing(text)
        except PricingError as exc:
            # A broken table must not stop verdicts: today's defaults, and the log says why.
            logger.warning("The SSM pricing parameter is invalid", extra={"problem": str(exc)})
            return DEFAULT_PRICING

    def _openai_key(self) -> str:
        raw = parameters.secret_text(
            self.settings.openai_secret, max_age=self.settings.secret_max_age_s
        )
        try:
            value = json.loads(raw)
        except json.JSONDecodeError:
            return raw.strip()
        return str(value.get("api_key") or "").strip() if isinstance(value, dict) else ""


def _retryable(reason: str | None) -> bool:
    return bool(reason) and str(reason).startswith(_RETRYABLE)
