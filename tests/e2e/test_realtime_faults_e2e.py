"""The hybrid engine against a model as unkind as a real one, end to end through the local
stack: what `vclient call --engine realtime --emulator-config ...` shows in GET /call/{id}."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from typing import Any

import pytest
import requests

from tests.conftest import ROOT, operator_lines
from tests.e2e.conftest import RunningStack

pytestmark = pytest.mark.e2e

FINAL = {"completed", "failed", "no_answer", "busy", "rejected"}


def _call(stack: RunningStack, config: dict[str, Any]) -> dict[str, Any]:
    operator = {
        "answer": "answer",
        "lines": [{"say": line} for line in operator_lines("car_buyer")],
    }
    operator["greeting"] = operator["lines"].pop(0)["say"]
    requests.post(
        f"{stack.vox}/_operator", json={"operator": operator, "config": config}, timeout=5
    ).raise_for_status()
    response = stack.post_call(
        {"to": "+79161234567", "scenario": "realtime", "persona": "car_buyer"}
    )
    assert response.status_code == 202, response.text
    call_id = response.json()["call_id"]
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        view = requests.get(
            f"{stack.api}/call/{call_id}", headers={"x-api-key": stack.api_key}, timeout=10
        ).json()
        if view["status"] in FINAL and view["ended_at"]:
            return dict(view)
        time.sleep(0.1)
    raise AssertionError(f"call {call_id} did not finish")


def test_the_model_answering_turn_2_itself_is_one_deviation_and_the_turns_stay_aligned(
    stack: RunningStack,
) -> None:
    view = _call(stack, {"realtimeSkipToolAtTurn": 2})
    assert (view["status"], view["end_reason"]) == ("completed", "end_call")
    assert view["hybrid_mode"] == "tool"
    assert view["summary"]["deviations"] == 1
    # The model hears the greeting as utterance 1: its 2nd utterance is the backend's turn 1
    assert view["deviations"][0]["turn"] == 1 and view["deviations"][0]["text"]
    # Every backend turn is the operator's utterance of that turn
    said = {line["turn"]: line["text"] for line in view["transcript"] if line["who"] == "operator"}
    texts = {t["turn"]: t.get("text") for t in view["turns"] if t.get("text")}
    assert texts and all(said[turn] == text for turn, text in texts.items()), (said, texts)
    assert view["errors"] == []


def test_a_preamble_before_every_get_reply_leaves_every_turn_timed(stack: RunningStack) -> None:
    # Given a model that says a filler before each get_reply (each one cut as a deviation)
    view = _call(stack, {"realtimePreamble": True})
    assert (view["status"], view["end_reason"]) == ("completed", "end_call")
    answered = [t for t in view["turns"] if t.get("text")]  # an operator utterance, no silence
    assert answered and view["summary"]["deviations"] >= 1
    # Then every answered turn still has its voice-to-voice time, and the summary counts them
    assert all(t["voice_to_voice_ms"] is not None for t in answered), view["turns"]
    assert view["summary"]["turns"] == len(answered)
    assert view["summary"]["voice_to_voice_ms"]["p50"] is not None


def test_two_failed_responses_in_a_row_end_with_the_apology_and_both_errors(
    stack: RunningStack,
) -> None:
    view = _call(stack, {"realtimeFailResponseAt": 2, "realtimeFailTimes": 2})
    assert (view["status"], view["end_reason"], view["hangup_by"]) == (
        "completed",
        "socket_closed",
        "system",
    )
    assert [(e["where"], e["code"]) for e in view["errors"]] == [("openai", "server_error")] * 2
    client = [line["text"] for line in view["transcript"] if line["who"] == "client"]
    assert "проблемы со связью" in client[-1]
    # No dead air: the apology follows the second failure within seconds
    assert view["ended_at"] and view["errors"][1]["t"]
    assert view["transcript"][-1]["t"] - view["errors"][1]["t"] < 10_000


@pytest.mark.parametrize(
    ("config", "end_reason"),
    [
        ({"realtimeSkipToolAtTurn": 2}, "end_call"),
        ({"realtimeFailResponseAt": 2, "realtimeFailTimes": 2}, "socket_closed"),
    ],
)
def test_the_issues_own_commands(config: dict[str, Any], end_reason: str) -> None:
    # `vclient call --engine realtime --emulator-config '...' --json`, exactly (no --operator)
    out = subprocess.run(
        [
            *(sys.executable, "-m", "vclient_dev.cli", "call", "--engine", "realtime"),
            *("--emulator-config", json.dumps(config), "--json"),
        ],
        capture_output=True,
        text=True,
        timeout=180,
        cwd=ROOT,
    )
    view = json.loads(out.stdout)
    assert view["end_reason"] == end_reason, out.stderr[-2000:]
    if end_reason == "end_call":
        assert out.returncode == 0 and view["summary"]["deviations"] == 1
    else:
        assert [e["code"] for e in view["errors"]] == ["server_error", "server_error"]
