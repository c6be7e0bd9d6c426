"""The comparison report's arithmetic: percentiles, the median's interval, histograms, pairing."""

from __future__ import annotations

import itertools
import math
import random
import statistics

import pytest

from vclient.compare.paired import Observation, paired_comparison
from vclient.compare.stats import (
    histogram,
    median,
    median_interval,
    min_n_for_interval,
    nice_edges,
    percentile,
    sample_note,
    sign_test_p,
)


def test_nearest_rank_percentiles_of_ten_values() -> None:
    # Given 10 values 10..100
    values = [100, 10, 90, 20, 80, 30, 70, 40, 60, 50]
    # Then p50 is the 5th value, p90 the 9th, p95 and p100 the 10th (ranks ceil(q * n))
    assert percentile(values, 0.5) == 50
    assert percentile(values, 0.9) == 90
    assert percentile(values, 0.95) == 100
    assert percentile(values, 1.0) == 100
    assert percentile([7], 0.95) == 7
    assert percentile([], 0.5) is None


def test_percentile_matches_the_call_views_definition() -> None:
    from vclient.logic.call_report import percentile as call_percentile

    assert call_percentile is percentile  # one definition, owned by vclient.compare.stats
    rng = random.Random(7)
    for n in range(1, 40):
        values = [rng.randint(200, 3000) for _ in range(n)]
        for q in (0.5, 0.9, 0.95):
            assert percentile(values, q) == call_percentile(values, q), (n, q)


def test_percentile_rejects_a_q_outside_0_1() -> None:
    with pytest.raises(ValueError):
        percentile([1, 2], 0)
    with pytest.raises(ValueError):
        percentile([1, 2], 95)


def test_median_of_odd_and_even_counts() -> None:
    assert median([3, 1, 2]) == 2
    assert median([4, 1, 3, 2]) == 2.5
    assert median([]) is None


def test_no_95_interval_below_six_values() -> None:
    # With 5 values the widest interval [min, max] covers only 1 - 2/32 = 93.75 %
    assert median_interval([1, 2, 3, 4, 5]) is None
    assert min_n_for_interval(0.95) == 6
    # And six values give [min, max] at 96.875 %
    got = median_interval([6, 1, 5, 2, 4, 3])
    assert got is not None
    assert (got.low, got.high, got.ranks) == (1, 6, (1, 6))
    assert got.coverage == pytest.approx(1 - 2 / 64, abs=1e-4)


def test_interval_ranks_for_n_20_match_the_binomial_table() -> None:
    # The textbook ranks for n = 20 at 95 %: the 6th and 15th order statistics (coverage 95.86 %)
    values = list(range(1, 21))
    got = median_interval(values)
    assert got is not None
    assert got.ranks == (6, 15)
    assert (got.low, got.high) == (6, 15)
    assert got.coverage == pytest.approx(0.9586, abs=1e-4)


def test_interval_coverage_is_at_least_the_level_by_simulation() -> None:
    # Given samples of 15 from a skewed distribution whose true median is known (exponential: ln 2)
    rng = random.Random(11)
    hits = 0
    runs = 2000
    for _ in range(runs):
        sample = [rng.expovariate(1.0) for _ in range(15)]
        got = median_interval(sample)
        assert got is not None
        hits += got.low <= math.log(2) <= got.high
    # Then the interval holds the true median at least ~95 % of the time (exact: 96.48 % at n=15)
    assert hits / runs >= 0.94


def test_nice_edges_cover_all_values_with_round_widths() -> None:
    values = [812, 1021, 1144, 1490, 2230]
    edges = nice_edges(values, bins=10)
    widths = {round(b - a, 6) for a, b in itertools.pairwise(edges)}
    assert widths == {200}
    assert edges[0] <= min(values) and edges[-1] >= max(values)
    assert sum(histogram(values, edges)) == len(values)
    assert nice_edges([], 10) == []
    assert nice_edges([500, 500], 10) == [500, 600]


def test_histogram_counts_half_open_bins_and_the_last_edge() -> None:
    edges = [0, 100, 200, 300]
    assert histogram([0, 99, 100, 250, 300], edges) == [2, 1, 2]
    with pytest.raises(ValueError):
        histogram([301], edges)
    assert histogram([], []) == []


def test_sign_test_p_values() -> None:
    # 5 of 5 one way: 2 / 32 = 0.0625; 6 of 6: 2 / 64 = 0.03125
    assert sign_test_p(5, 0) == pytest.approx(0.0625)
    assert sign_test_p(0, 6) == pytest.approx(0.0312, abs=1e-4)
    assert sign_test_p(3, 3) == 1.0
    assert sign_test_p(0, 0) is None


def test_small_sample_notes_say_n_and_why() -> None:
    assert (sample_note(3, "calls") or "").startswith("n=3: too few")
    assert "p95" in (sample_note(12, "turns") or "")
    assert sample_note(40, "turns") is None
    assert sample_note(0, "turns") == "n=0: no turns"


def test_paired_comparison_per_target() -> None:
    # Given two targets, each called twice on two engines
    obs = [
        Observation("+7001", "dialog", 60),
        Observation("+7001", "dialog", 70),
        Observation("+7001", "realtime", 80),
        Observation("+7001", "realtime", 80),
        Observation("+7002", "dialog", 50),
        Observation("+7002", "realtime", 40),
        Observation("+7002", "realtime", 40),
    ]
    got = paired_comparison(obs, ["dialog", "realtime", "realtime_pure"])
    # Then each target's engine score is the median of its repeats
    first = got["targets"][0]
    assert first["target"] == "+7001"
    assert first["by_engine"]["dialog"] == {"median": 65, "n": 2}
    assert first["by_engine"]["realtime_pure"] is None
    # And the pair's differences are per target, b minus a
    pair = next(p for p in got["pairs"] if (p["a"], p["b"]) == ("dialog", "realtime"))
    assert [d["difference"] for d in pair["differences"]] == [15, -10]
    assert (pair["b_higher"], pair["a_higher"], pair["ties"]) == (1, 1, 0)
    assert pair["median_difference"] == statistics.median([15, -10])
    assert pair["note"] is not None and pair["note"].startswith("n=2 target(s): too few")
    # And a pair with no common target says so
    empty = next(p for p in got["pairs"] if p["b"] == "realtime_pure" and p["a"] == "dialog")
    assert empty["targets"] == 0 and empty["sign_test_p"] is None
