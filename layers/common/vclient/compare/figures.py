"""The comparison report's body, computed from ``GET /call/{id}`` views (plain dicts).

Per engine: calls, answered and completed shares, voice-to-voice p50/p90/p95 with a histogram on
edges shared by every engine, backend and LLM p50/p95, the first reply after the operator's
greeting, barge-ins and deviations per call, fidelity, operator score, endings, cost per call and
per minute. Each median has its distribution-free interval (or a note saying n is too small), and
every latency says whether it was simulated. Pure: no AWS, no network.

Definitions (docs/batches.md repeats them):
- answered: the call connected (``connected_at`` set);
- completed: status ``completed``, no error event, and an end reason that is not a failure;
- latencies pool the turns of all the engine's calls (turns of one call are not independent, so
  the interval is narrower than the truth; n says how many calls they come from);
- first reply: the first turn's voice-to-voice (the client's first words after the operator's
  greeting), one value per call;
- cost per minute: the known cost of the calls whose cost is known over their minutes.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

from vclient.compare.paired import Observation, paired_comparison
from vclient.compare.stats import (
    histogram,
    median,
    median_interval,
    nice_edges,
    percentile,
    sample_note,
)

ENGINES = ("dialog", "realtime", "realtime_pure")
#: ``end_reason`` values that mean the call broke rather than ended (``vclient call``).
FAILURE_REASONS = frozenset({"socket_closed", "backend_error", "failed", "error"})
SIMULATED_NOTE = (
    "simulated: the VoxEngine emulator's configured ASR/TTS/Realtime costs plus the real time of "
    "the backend requests; not a measurement of any engine on a phone line"
)
MEASURED_NOTE = "measured on real calls by the scenarios' latency marks"


def turns_of(view: dict[str, Any]) -> list[dict[str, Any]]:
    return list(view.get("turns") or [])


def _values(turns: Iterable[dict[str, Any]], key: str) -> list[int]:
    return [t[key] for t in turns if isinstance(t.get(key), int | float)]


def answered(view: dict[str, Any]) -> bool:
    return bool(view.get("connected_at"))


def completed(view: dict[str, Any]) -> bool:
    return (
        view.get("status") == "completed"
        and not view.get("errors")
        and view.get("end_reason") not in FAILURE_REASONS
    )


def first_reply_ms(view: dict[str, Any]) -> int | None:
    """The first turn's voice-to-voice: the client's first words after the operator's greeting."""
    ordered = sorted(turns_of(view), key=lambda t: t.get("turn") or 0)
    for turn in ordered:
        if isinstance(turn.get("voice_to_voice_ms"), int | float):
            return int(turn["voice_to_voice_ms"])
    return None


def evaluation_of(view: dict[str, Any]) -> dict[str, Any]:
    value = view.get("evaluation")
    return value if isinstance(value, dict) else {}


def operator_score(view: dict[str, Any]) -> float | None:
    evaluation = evaluation_of(view)
    if evaluation.get("status") != "done":
        return None
    score = (evaluation.get("operator") or {}).get("score")
    return float(score) if isinstance(score, int | float) else None


def fidelity(view: dict[str, Any]) -> float | None:
    value = (evaluation_of(view).get("client") or {}).get("fidelity")
    return float(value) if isinstance(value, int | float) else None


def cost_usd(view: dict[str, Any]) -> float | None:
    """The call's total cost, or None when it is unknown (never read as 0)."""
    total = (evaluation_of(view).get("cost") or view.get("cost") or {}).get("total_usd")
    return float(total) if isinstance(total, int | float) else None


def _summary(view: dict[str, Any]) -> dict[str, Any]:
    value = view.get("summary")
    return value if isinstance(value, dict) else {}


def distribution(
    values: Sequence[float], what: str, *, quantiles: Sequence[float] = (0.5, 0.95)
) -> dict[str, Any]:
    """n, the percentiles asked for, the median's interval and a small-sample note."""
    out: dict[str, Any] = {"n": len(values)}
    for q in quantiles:
        out[f"p{round(q * 100)}"] = percentile(values, q)
    interval = median_interval(values)
    out["p50_interval"] = (
        None
        if interval is None
        else {"low": interval.low, "high": interval.high, "coverage": interval.coverage}
    )
    out["note"] = sample_note(len(values), what)
    return out


def score_figure(values: Sequence[float], what: str) -> dict[str, Any]:
    interval = median_interval(values)
    return {
        "n": len(values),
        "median": median(values),
        "median_interval": (
            None
            if interval is None
            else {"low": interval.low, "high": interval.high, "coverage": interval.coverage}
        ),
        "note": sample_note(len(values), what),
    }


def _share(n: int, total: int) -> dict[str, Any]:
    return {"n": n, "pct": round(100 * n / total, 1) if total else None}


def engine_figures(views: Sequence[dict[str, Any]], *, timing: str) -> dict[str, Any]:
    """One engine's figures over its calls."""
    turns = [t for v in views for t in turns_of(v)]
    v2v = _values(turns, "voice_to_voice_ms")
    calls_with_v2v = sum(1 for v in views if _values(turns_of(v), "voice_to_voice_ms"))
    first = [x for x in (first_reply_ms(v) for v in views) if x is not None]
    evaluations = Counter(str(evaluation_of(v).get("status") or "none") for v in views)
    methods = Counter(
        str(evaluation_of(v).get("method")) for v in views if evaluation_of(v).get("method")
    )
    costs = [(cost_usd(v), v.get("duration_ms")) for v in views]
    known = [(c, d) for c, d in costs if c is not None]
    known_minutes = sum((d or 0) for _, d in known) / 60000
    known_total = round(sum(c for c, _ in known), 6)
    n = len(views)
    return {
        "calls": n,
        "call_ids": [v.get("call_id") for v in views],
        "answered": _share(sum(1 for v in views if answered(v)), n),
        "completed": _share(sum(1 for v in views if completed(v)), n),
        "timing": timing,
        "voice_to_voice_ms": {
            **distribution(v2v, "turns", quantiles=(0.5, 0.9, 0.95)),
            "calls": calls_with_v2v,
            "timing": timing,
        },
        "backend_ms": {**distribution(_values(turns, "backend_ms"), "turns"), "timing": timing},
        "llm_ms": {**distribution(_values(turns, "llm_ms"), "turns"), "timing": timing},
        "first_reply_ms": {**distribution(first, "calls"), "timing": timing},
        "barge_ins": _per_call([_summary(v).get("barge_ins") for v in views]),
        "deviations": _per_call([_summary(v).get("deviations") for v in views]),
        "fidelity": score_figure(
            [x for x in (fidelity(v) for v in views) if x is not None], "calls"
        ),
        "operator_score": {
            **score_figure(
                [x for x in (operator_score(v) for v in views) if x is not None], "calls"
            ),
            "evaluations": dict(sorted(evaluations.items())),
            "methods": dict(sorted(methods.items())),
        },
        "endings": dict(
            sorted(Counter(str(_summary(v).get("ending") or "none") for v in views).items())
        ),
        "cost": {
            "calls_known": len(known),
            "calls_unknown": n - len(known),
            "total_usd": known_total if known else "unknown",
            "per_call_usd": round(known_total / len(known), 6) if known else "unknown",
            "per_minute_usd": (
                round(known_total / known_minutes, 6) if known and known_minutes else "unknown"
            ),
            "note": (
                f"{n - len(known)} call(s) with an unknown cost are left out of these figures"
                if n - len(known) and known
                else None
            ),
        },
    }


def _per_call(values: Sequence[Any]) -> dict[str, Any]:
    counted = [int(v) for v in values if isinstance(v, int | float)]
    return {
        "total": sum(counted),
        "calls": len(counted),
        "per_call": round(sum(counted) / len(counted), 3) if counted else None,
    }


def compare_body(
    views: Sequence[dict[str, Any]],
    *,
    targets: dict[str, str] | None = None,
    simulated: bool,
    scope: dict[str, Any],
) -> dict[str, Any]:
    """The whole report: per engine figures, the shared v2v histogram, the paired tables.

    ``targets`` maps call id → target (the number dialed, or a target label); without it the
    call's own ``to`` is the target.
    """
    timing = "simulated" if simulated else "measured"
    by_engine: dict[str, list[dict[str, Any]]] = {}
    for view in views:
        by_engine.setdefault(str(view.get("engine")), []).append(view)
    engines = [e for e in ENGINES if e in by_engine] + sorted(
        e for e in by_engine if e not in ENGINES
    )
    all_v2v = [x for v in views for x in _values(turns_of(v), "voice_to_voice_ms")]
    edges = nice_edges(all_v2v, bins=12)
    target_of = targets or {}

    def target(view: dict[str, Any]) -> str:
        return target_of.get(str(view.get("call_id"))) or str(view.get("to"))

    def observations(score: Any) -> list[Observation]:
        return [
            Observation(target(v), str(v.get("engine")), s)
            for v in views
            if (s := score(v)) is not None
        ]

    return {
        "scope": scope,
        "calls": len(views),
        "engines": engines,
        "timing": timing,
        "timing_note": SIMULATED_NOTE if simulated else MEASURED_NOTE,
        "by_engine": {e: engine_figures(by_engine[e], timing=timing) for e in engines},
        "voice_to_voice_histogram": {
            "unit": "ms",
            "timing": timing,
            "edges": edges,
            "counts": {
                e: histogram(
                    [x for v in by_engine[e] for x in _values(turns_of(v), "voice_to_voice_ms")],
                    edges,
                )
                for e in engines
            },
        },
        "paired": {
            "operator_score": paired_comparison(
                observations(operator_score), engines, what="operator score"
            ),
            "fidelity": paired_comparison(observations(fidelity), engines, what="fidelity"),
        },
        "reading": (
            "Descriptive figures of these calls. A difference between engines means something only "
            "when the intervals and the paired comparison say so; small samples are marked."
        ),
    }
