"""Paired comparison of engines on the same targets (the same operators called on every engine).

Each target is its own control: for a pair of engines, the difference of their scores on one
target removes what that operator brings to both. Per target, an engine's score is the median of
its repeats; per pair, the report gives every target's difference, how many targets favour each
engine, the median difference, and the exact sign test's p-value with a note for a small n.
Pure: no AWS, no network.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import combinations
from typing import Any

from vclient.compare.stats import median, sign_test_p

#: Fewer targets than this cannot show a difference at the 5 % level with the sign test
#: (with 5 targets all favouring one engine, p = 0.0625).
MIN_TARGETS_FOR_TEST = 6


@dataclass(frozen=True)
class Observation:
    target: str
    engine: str
    score: float


def paired_comparison(
    observations: Iterable[Observation], engines: Sequence[str], *, what: str = "score"
) -> dict[str, Any]:
    """The per-target table and each engine pair's paired differences (``b - a``)."""
    per: dict[str, dict[str, list[float]]] = {}
    for obs in observations:
        per.setdefault(obs.target, {}).setdefault(obs.engine, []).append(obs.score)
    targets = sorted(per)
    table: list[dict[str, Any]] = [
        {
            "target": target,
            "by_engine": {
                engine: (
                    {"median": median(per[target][engine]), "n": len(per[target][engine])}
                    if per[target].get(engine)
                    else None
                )
                for engine in engines
            },
        }
        for target in targets
    ]
    pairs: list[dict[str, Any]] = []
    for a, b in combinations(engines, 2):
        diffs: list[dict[str, Any]] = []
        for row in table:
            left, right = row["by_engine"][a], row["by_engine"][b]
            if left is not None and right is not None:
                diffs.append(
                    {
                        "target": row["target"],
                        "difference": round(right["median"] - left["median"], 3),
                    }
                )
        values = [d["difference"] for d in diffs]
        wins = sum(1 for v in values if v > 0)
        losses = sum(1 for v in values if v < 0)
        pairs.append(
            {
                "a": a,
                "b": b,
                "what": f"{what} of {b} minus {what} of {a}, per target",
                "targets": len(values),
                "differences": diffs,
                "median_difference": median(values),
                "b_higher": wins,
                "a_higher": losses,
                "ties": len(values) - wins - losses,
                "sign_test_p": sign_test_p(wins, losses),
                "note": pair_note(len(values)),
            }
        )
    return {"what": what, "targets": table, "pairs": pairs}


def pair_note(n_targets: int) -> str | None:
    if n_targets == 0:
        return "no target was called on both engines: nothing to pair"
    if n_targets < MIN_TARGETS_FOR_TEST:
        return (
            f"n={n_targets} target(s): too few to tell the engines apart (even if every target "
            f"favoured one engine, the sign test needs {MIN_TARGETS_FOR_TEST} to reach p < 0.05); "
            "the differences describe these operators only"
        )
    return None
