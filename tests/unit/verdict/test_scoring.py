"""The scoring arithmetic: n/a, penalties once, critical and early-end caps, levels, lag."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from vclient.verdict.facts import CallFacts, Silence, TurnFacts
from vclient.verdict.result import ItemJudgement, SignalFinding
from vclient.verdict.scorecard import Item, Scorecard, default_scorecard
from vclient.verdict.scoring import NotScorable, fact_signals, round_half_up, score

FACTS = CallFacts(engine="dialog")


def _card(**extra):
    """The worked example of docs/verdict.md."""
    items = [
        {
            "id": "introduced_self",
            "question": "Представился?",
            "weight": 8,
            "dimension": "first_contact",
        },
        {
            "id": "named_company",
            "question": "Назвал компанию?",
            "weight": 6,
            "dimension": "first_contact",
        },
        {"id": "next_step", "question": "Следующий шаг?", "weight": 10, "dimension": "closing"},
        {
            "id": "handled_objection",
            "question": "Отработал возражение?",
            "weight": 5,
            "dimension": "objections",
            "na_when": "no_objection",
        },
        {
            "id": "price",
            "question": "Назвал цену?",
            "weight": 8,
            "dimension": "answers",
            "critical": True,
        },
    ]
    data = {
        "items": items,
        "topics": {"count": False},
        "penalties": [{"id": "passive", "signal": "passive", "points": 5}],
        **extra,
    }
    return Scorecard.model_validate(data)


def _judged(**statuses):
    return {k: ItemJudgement(id=k, status=v) for k, v in statuses.items()}


WORKED = {
    "introduced_self": "yes",
    "named_company": "partial",
    "next_step": "no",
    "handled_objection": "na",
    "price": "yes",
}


def _score(card, statuses, signals=(), **kw):
    return score(card, card.resolve([]), _judged(**statuses), list(signals), FACTS, **kw)


def test_the_documented_worked_example():
    # Given: yes 8, partial 6, no 10, n/a 5, yes 8 (critical) and a passive signal
    verdict = _score(_card(), WORKED, [SignalFinding(signal="passive")])
    # Then raw = round(100 · (8 + 3 + 0 + 8) / (8 + 6 + 10 + 8)) = round(59.375) = 59
    assert verdict.raw_score == 59
    # and the passive penalty takes 5: 54, level average (≥ 50)
    assert verdict.score == 54
    assert verdict.level == "average"
    dims = {d.id: (d.status, d.score) for d in verdict.dimensions}
    assert dims == {
        "first_contact": ("scored", 79),  # (8 + 3) / 14 = 78.57
        "closing": ("scored", 0),
        "objections": ("na", None),  # all its items n/a: n/a, never 0
        "answers": ("scored", 100),
    }


def test_na_items_are_left_out_not_counted_as_zero():
    with_na = _score(_card(), {**WORKED, "handled_objection": "na"})
    as_yes = _score(_card(), {**WORKED, "handled_objection": "yes"})
    assert with_na.raw_score == 59
    assert as_yes.raw_score == round_half_up(100 * (8 + 3 + 8 + 5) / 37)  # 64.86 → 65


def test_a_penalty_applies_once_however_often_its_signal_is_found():
    twice = [SignalFinding(signal="passive"), SignalFinding(signal="passive")]
    verdict = _score(_card(), WORKED, twice)
    assert verdict.score == 54
    assert [p.id for p in verdict.penalties] == ["passive"]


def test_a_scorecard_cannot_list_two_penalties_for_one_signal():
    with pytest.raises(ValidationError, match="one penalty per signal"):
        _card(
            penalties=[
                {"id": "a", "signal": "passive", "points": 5},
                {"id": "b", "signal": "passive", "points": 10},
            ]
        )


def test_a_critical_no_caps_the_score():
    statuses = {**WORKED, "next_step": "yes", "price": "no"}
    verdict = _score(_card(), statuses)
    assert verdict.raw_score == round_half_up(100 * (8 + 3 + 10) / 32)  # 65.6 → 66
    assert verdict.score == 40
    assert verdict.level == "poor"
    assert verdict.caps[0].reason == "critical" and verdict.caps[0].items == ["price"]
    # a critical partial does not cap
    assert _score(_card(), {**statuses, "price": "partial"}).score == 78


def test_an_early_end_caps_and_the_lowest_cap_wins():
    statuses = {k: "yes" for k in WORKED}
    assert _score(_card(), statuses).score == 100
    assert _score(_card(), statuses, early_end=True).score == 40
    card = _card(critical_cap=30)
    verdict = _score(card, {**statuses, "price": "no"}, early_end=True)
    assert verdict.score == 30
    assert {c.reason for c in verdict.caps} == {"critical", "early_end"}
    assert verdict.issues[0].id == "early_end"


def test_levels_come_from_the_one_threshold_table():
    card = _card(levels=[{"id": "pass", "min_score": 60}, {"id": "fail", "min_score": 0}])
    assert _score(card, WORKED).level == "fail"
    assert _score(card, {**WORKED, "next_step": "yes"}).level == "pass"
    with pytest.raises(ValidationError, match="min_score 0"):
        _card(levels=[{"id": "good", "min_score": 50}])
    with pytest.raises(ValidationError, match="highest"):
        _card(levels=[{"id": "a", "min_score": 0}, {"id": "b", "min_score": 50}])


def test_all_items_na_is_not_a_score():
    with pytest.raises(NotScorable):
        _score(_card(), {k: "na" for k in WORKED})


def test_an_item_without_a_judgement_is_an_error_not_na():
    card = _card()
    partial = {k: v for k, v in WORKED.items() if k != "price"}
    with pytest.raises(KeyError, match="price"):
        score(card, card.resolve([]), _judged(**partial), [], FACTS)


def test_issues_have_severities_and_there_are_three_to_five_recommendations():
    verdict = _score(_card(), WORKED, [SignalFinding(signal="passive")])
    by_id = {i.id: i for i in verdict.issues}
    assert by_id["next_step"].severity == "high"  # weight 10
    assert by_id["named_company"].severity == "low"  # partial
    assert by_id["passive"].severity == "medium"
    assert 3 <= len(verdict.recommendations) <= 5
    perfect = _score(_card(), {k: "yes" for k in WORKED})
    assert perfect.issues == []
    assert 3 <= len(perfect.recommendations) <= 5


def test_silence_while_waiting_on_the_bot_is_never_passivity():
    card = _card()
    slow_bot = CallFacts(
        engine="realtime",
        turns=[TurnFacts(turn=1, bot_lag_ms=900), TurnFacts(turn=2, bot_lag_ms=9000)],
        silences=[
            Silence(turn=2, waiting_for="client", duration_ms=9000),
            Silence(turn=3, waiting_for="client", duration_ms=12000),
        ],
    )
    assert fact_signals(slow_bot, card) == []
    verdict = score(card, card.resolve([]), _judged(**WORKED), [], slow_bot)
    assert verdict.penalties == []
    lag = verdict.bot_lag
    assert (lag.turns_measured, lag.max_ms, lag.slow_turns) == (2, 9000, 1)
    assert (lag.excused_silences, lag.excused_silence_ms) == (2, 21000)
    silent_operator = slow_bot.model_copy(
        update={
            "silences": [
                Silence(turn=2, waiting_for="operator", duration_ms=9000),
                Silence(turn=3, waiting_for="operator", duration_ms=10000),
            ]
        }
    )
    assert [s.signal for s in fact_signals(silent_operator, card)] == ["passive"]


def test_topics_become_items_unless_named_and_the_default_scorecard_is_sensible():
    items = default_scorecard().resolve([("price", "Сколько стоит?"), ("credit", "Кредит?")])
    ids = [i.id for i in items]
    assert ids[-2:] == ["price", "credit"]
    assert {"introduced_self", "named_company", "next_step", "date_time"} <= set(ids)
    assert all(i.check is not None for i in items)
    with pytest.raises(ValueError, match="unknown topic"):
        Scorecard.model_validate(
            {
                "items": [
                    {
                        "id": "x",
                        "question": "?",
                        "weight": 1,
                        "dimension": "d",
                        "check": {"kind": "topic", "topic": "nope"},
                    }
                ]
            }
        ).resolve([("price", "?")])


def test_item_weights_and_check_fields_are_validated():
    bad = {"id": "x", "question": "?", "weight": 0, "dimension": "d"}
    with pytest.raises(ValidationError):
        Item.model_validate(bad)
    with pytest.raises(ValidationError, match="needs keywords"):
        Item.model_validate({**bad, "weight": 1, "check": {"kind": "says"}})
