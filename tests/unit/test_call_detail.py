"""`GET /call/{id}`'s model says exactly what the call report builds: nothing lost or added."""

from __future__ import annotations

import json

import pytest
from pydantic import ValidationError

from vclient.api.call_detail import CallDetail
from vclient.dal.calls_table import CALL_SK, DIALOG_SK, EVAL_SK, event_sk, partition_of
from vclient.logic.call_report import call_view


def _partition(engine: str) -> list[dict[str, object]]:
    call = {
        "sk": CALL_SK, "call_id": "c1", "status": "completed", "engine": engine,
        "rule": {}, "rule_label": "r", "persona": "car_buyer", "to": "+70000000000",
        "caller_id": "+70000000001", "created_at": "2026-12-02T00:00:00Z",
        "updated_at": "2026-12-02T00:01:00Z", "connected_at": "2026-12-02T00:00:05Z",
        "ended_at": "2026-12-02T00:01:00Z", "duration_ms": 55000, "hangup_by": "client",
        "end_reason": "end_call", "ending": "success", "expires_at": 0, "token_expires_at": 0,
        "labels": {"trainee": "ivan"},
    }  # fmt: skip
    events = [
        {"type": "transcript", "who": "operator", "text": "Здравствуйте", "turn": 0},
        {"type": "transcript", "who": "client", "text": "Добрый день", "cut": True},
        {"type": "turn", "turn": 1, "speech_end_at": 10, "audio_started_at": 25,
         "reply_requested_at": 11, "reply_received_at": 20, "backend_ms": 9, "llm_ms": 7,
         "fallback": False, "text": "Здравствуйте"},
        {"type": "turn", "turn": 2, "audio_started_at": 40},
        {"type": "deviation", "turn": 2, "text": "лишнее", "response_id": "resp_1"},
        {"type": "error", "where": "reply", "code": 504, "message": "timeout"},
        {"type": "barge_in", "turn": 1},
    ]  # fmt: skip
    stored = [
        {"sk": event_sk(i), "seq": i, "t": 1000 * i, **e} for i, e in enumerate(events, start=1)
    ]
    evaluation = {"status": "done", "method": "heuristic", "topics": {"covered": 1, "total": 4}}
    return [
        call,
        {"sk": DIALOG_SK, "state": {"ending": "success"}, "config": {"hybrid_mode": "tool"}},
        {"sk": EVAL_SK, "status": "done", "evaluation": json.dumps(evaluation)},
        *stored,
    ]


@pytest.mark.parametrize("engine", ["dialog", "realtime", "realtime_pure"])
def test_the_model_round_trips_the_report_key_for_key(engine: str) -> None:
    view = call_view(partition_of(_partition(engine)))
    assert view is not None
    # When the report goes through the API model and out as JSON
    detail = CallDetail.model_validate(view)
    # Then the body is the report itself: the optional keys absent where they were absent
    assert detail.model_dump(mode="json", exclude_unset=True) == view
    assert "turn" not in view["transcript"][1] and view["transcript"][1]["cut"] is True


def test_a_field_the_model_does_not_know_is_refused() -> None:
    view = call_view(partition_of(_partition("dialog")))
    assert view is not None
    with pytest.raises(ValidationError, match="surprise"):
        CallDetail.model_validate({**view, "surprise": 1})
