"""Small-sample statistics for comparing engines: percentiles, an interval for each median,
histograms on shared edges, and the words that go with a small n.

Pure: no AWS, no network, no third-party imports. The interval for a median is the
distribution-free order-statistic interval (from the binomial distribution of how many values fall
below the true median): exact coverage, no assumption about the shape of latencies, and no random
numbers, so the same calls always give the same report. It needs n >= 6 for 95 %; below that the
report says so instead of printing an interval.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

#: Below this many values a figure is shown with a "too few" note (the median's 95 % interval
#: needs n >= 6; a p95 means little under 20).
MIN_FOR_INTERVAL = 6
MIN_FOR_P95 = 20


def percentile[N: (int, float)](values: Sequence[N], q: float) -> N | None:
    """Nearest-rank percentile (the value at rank ceil(q * n)); None for no values.

    The one definition every figure uses (``GET /call/{id}``'s summary, the scorecard's bot lag,
    the comparison report), so a batch of one call shows that call's figures. ``q`` is a fraction
    in (0, 1].
    """
    if not 0 < q <= 1:
        raise ValueError("q must be in (0, 1]")
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(round(q * len(ordered), 9)))
    return ordered[min(rank, len(ordered)) - 1]


def median(values: Sequence[float]) -> float | None:
    """The middle value (the mean of the two middle ones for an even n); None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    mid = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[mid]
    return (ordered[mid - 1] + ordered[mid]) / 2


def _binom_cdf(k: int, n: int) -> float:
    """P(X <= k) for X ~ Binomial(n, 1/2)."""
    if k < 0:
        return 0.0
    return sum(math.comb(n, i) for i in range(0, min(k, n) + 1)) / 2**n


@dataclass(frozen=True)
class Interval:
    low: float
    high: float
    #: The exact coverage of this interval (>= the level asked for).
    coverage: float
    #: 1-based ranks of the order statistics used.
    ranks: tuple[int, int]


def median_interval(values: Sequence[float], level: float = 0.95) -> Interval | None:
    """Distribution-free interval for the median: [x_(k), x_(n-k+1)] with the largest k whose
    coverage 1 - 2 * P(X <= k - 1) is still >= ``level`` (X ~ Binomial(n, 1/2)).

    None when n is too small for any such interval (n < 6 at 95 %).
    """
    if not 0 < level < 1:
        raise ValueError("level must be in (0, 1)")
    n = len(values)
    if n == 0:
        return None
    ordered = sorted(values)
    best: int | None = None
    for k in range(1, n // 2 + 1):
        coverage = 1 - 2 * _binom_cdf(k - 1, n)
        if coverage >= level:
            best = k
        else:
            break
    if best is None:
        return None
    coverage = 1 - 2 * _binom_cdf(best - 1, n)
    return Interval(
        low=ordered[best - 1],
        high=ordered[n - best],
        coverage=round(coverage, 4),
        ranks=(best, n - best + 1),
    )


def min_n_for_interval(level: float = 0.95) -> int:
    """The smallest n for which ``median_interval`` gives an interval at ``level``."""
    n = 1
    while 1 - 2 * _binom_cdf(0, n) < level:
        n += 1
    return n


def nice_edges(values: Sequence[float], bins: int = 10) -> list[float]:
    """Bin edges with a round width (1, 2 or 5 times a power of ten) covering every value.

    Shared by all engines of a report so their histograms line up. One value (or all equal)
    gets one bin around it; no values, no edges.
    """
    if bins < 1:
        raise ValueError("bins must be >= 1")
    if not values:
        return []
    low, high = min(values), max(values)
    span = high - low
    if span == 0:
        width = 10 ** math.floor(math.log10(abs(low))) if low else 1.0
        start = math.floor(low / width) * width
        return [start, start + width]
    raw = span / bins
    power = 10 ** math.floor(math.log10(raw))
    width = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    start = math.floor(low / width) * width
    edges = [start]
    while edges[-1] <= high:
        edges.append(round(edges[-1] + width, 9))
    return edges


def histogram(values: Sequence[float], edges: Sequence[float]) -> list[int]:
    """Counts per bin [edges[i], edges[i+1]); the last bin also holds a value equal to its end.

    A value outside the edges is an error: edges come from ``nice_edges`` over all the values.
    """
    if len(edges) < 2:
        if values:
            raise ValueError("values need at least two edges")
        return []
    counts = [0] * (len(edges) - 1)
    for value in values:
        if value < edges[0] or value > edges[-1]:
            raise ValueError(f"{value} lies outside the edges {edges[0]}..{edges[-1]}")
        index = next(
            (i for i in range(len(counts)) if edges[i] <= value < edges[i + 1]), len(counts) - 1
        )
        counts[index] += 1
    return counts


def sign_test_p(wins: int, losses: int) -> float | None:
    """Two-sided exact sign test: how likely a split this uneven is if neither side is better.

    Ties are left out before calling. None when there is nothing to test.
    """
    n = wins + losses
    if n == 0:
        return None
    k = min(wins, losses)
    return round(min(1.0, 2 * _binom_cdf(k, n)), 4)


def sample_note(n: int, what: str = "values") -> str | None:
    """A sentence for a small sample, or None when n is enough for the figures shown."""
    if n == 0:
        return f"n=0: no {what}"
    if n < MIN_FOR_INTERVAL:
        return (
            f"n={n}: too few {what} for an interval of the median "
            f"(a 95 % interval needs n >= {MIN_FOR_INTERVAL}); "
            "the figures describe these calls only"
        )
    if n < MIN_FOR_P95:
        return f"n={n}: p90 and p95 rest on the top one or two {what}; read them as rough"
    return None
