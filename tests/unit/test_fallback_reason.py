"""Why the scripted responder stood in, in words that name what to fix (never upstream text)."""

from __future__ import annotations

import pytest

from vclient.logic.config import CallConfig
from vclient.logic.reply import fallback_reason


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        ("timeout", "no answer within 2500 ms (SSM dialog/llm_timeout_ms)"),
        (
            "NotFoundError: Error code: 404 - model",
            "no model 'gpt-5.4-mini' (SSM openai/text_model)",
        ),
        ("AuthenticationError: Incorrect API key provided: sk-ab***cd", "OpenAI refused the key"),
        ("RateLimitError: quota", "rate limit or quota"),
        ("reply is empty", "unusable (reply is empty)"),
    ],
)
def test_reasons_name_the_setting(error: str, expected: str) -> None:
    reason = fallback_reason(error, CallConfig())
    assert expected in reason
    assert "sk-" not in reason


def _items(engine: str, turns: list[dict[str, object]]) -> list[dict[str, object]]:
    from vclient.dal.calls_table import CALL_SK, DIALOG_SK, event_sk

    call = {
        "sk": CALL_SK, "call_id": "c1", "status": "completed", "engine": engine,
        "rule": {}, "rule_label": "r", "to": "+70000000000", "caller_id": "+70000000001",
        "created_at": "2026-12-02T00:00:00Z", "updated_at": "2026-12-02T00:00:00Z",
        "expires_at": 0, "token_expires_at": 0,
    }  # fmt: skip
    events = [
        {"sk": event_sk(i), "seq": i, "t": 1000 * i, "type": "turn", **turn}
        for i, turn in enumerate(turns, start=1)
    ]
    return [call, {"sk": DIALOG_SK, "fallback_reason": "why", "state": {}}, *events]


SPOKEN = {"turn": 1, "speech_end_at": 10, "audio_started_at": 20}
SILENT = {"turn": 2, "speech_end_at": None, "audio_started_at": 30}
DROPPED = {"turn": 3, "speech_end_at": 40, "audio_started_at": None}


@pytest.mark.parametrize("engine", ["dialog", "realtime", "realtime_pure"])
def test_turns_count_answered_operator_utterances_and_silences_apart(engine: str) -> None:
    from vclient.dal.calls_table import partition_of
    from vclient.logic.call_report import call_view

    view = call_view(partition_of(_items(engine, [SPOKEN, SILENT, DROPPED, {**SPOKEN, "turn": 4}])))
    assert view is not None
    assert view["summary"]["turns"] == 2
    assert view["summary"]["silences"] == (None if engine == "realtime_pure" else 1)
    assert view["fallback_reason"] == "why"
