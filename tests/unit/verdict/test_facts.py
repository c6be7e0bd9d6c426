"""Mapping the stored call's view onto CallFacts, and the persona onto the script."""

from __future__ import annotations

import json

from tests.unit.verdict.dialogs import bundled_script
from vclient.verdict.facts import CallFacts

VIEW = {
    "call_id": "c-1",
    "status": "completed",
    "engine": "realtime",
    "connected_at": "2026-12-02T10:00:00.000+00:00",
    "hangup_by": "client",
    "end_reason": "end_call",
    "duration_ms": 64000,
    "transcript": [
        {"who": "client", "text": "Здравствуйте!", "t": 1000, "turn": 0},
        {"who": "operator", "text": "Добрый день.", "t": 3000, "turn": 1},
        {"who": "client", "text": "Какая цена?", "t": 4000},
        {"who": "client", "text": "Алло?", "t": 9000, "turn": 2, "cut": True},
    ],
    "turns": [
        {"turn": 1, "voice_to_voice_ms": 850, "fallback": False},
        {"turn": 2, "voice_to_voice_ms": None},
    ],
    "summary": {"barge_ins": 2, "ending": "success"},
}


def test_the_call_view_maps_onto_call_facts():
    facts = CallFacts.from_call_view(VIEW)
    assert [(ln.turn, ln.who) for ln in facts.lines] == [
        (0, "client"),
        (1, "operator"),
        (1, "client"),  # no turn number: the previous line's
        (2, "client"),
    ]
    assert facts.lines[3].cut
    assert [t.bot_lag_ms for t in facts.turns] == [850, None]
    assert (facts.ending, facts.hangup_by, facts.duration_ms) == ("success", "client", 64000)
    assert len(facts.barge_ins) == 2 and facts.connected


def test_an_ending_the_verdict_does_not_know_is_left_out():
    facts = CallFacts.from_call_view(
        {**VIEW, "summary": {"ending": "end_call"}, "connected_at": None}
    )
    assert facts.ending is None and not facts.connected


def test_the_script_reads_a_persona_and_ignores_what_it_does_not_need():
    script = bundled_script("car_buyer")
    assert script.lang == "ru"
    assert [p.id for p in script.phases] == ["intro", "money", "visit"]
    assert script.phase_index(script.topics[0]) == 0  # a topic without a phase: the first
    assert script.ending.success_line in script.verbatim_lines()
    assert json.loads(script.model_dump_json())["id"] == "car_buyer"
