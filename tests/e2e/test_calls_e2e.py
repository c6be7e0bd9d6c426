"""Whole simulated calls: POST /call → fake Voximplant → the real scenario in the VoxEngine
emulator → the real dialog and events handlers → GET /call. All over loopback."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from typing import Any

import pytest
import requests
from openai.types.realtime import (
    ConversationItemCreateEvent,
    ResponseCreateEvent,
    SessionUpdateEvent,
)

from tests.conftest import ROOT, operator_lines
from tests.e2e.conftest import RunningStack
from tests.strict_openai import strict_validate

pytestmark = pytest.mark.e2e

FINAL = {"completed", "failed", "no_answer", "busy", "rejected"}


def _operator(
    stack: RunningStack, script: dict[str, Any], config: dict[str, Any] | None = None
) -> None:
    requests.post(
        f"{stack.vox}/_operator", json={"operator": script, "config": config}, timeout=5
    ).raise_for_status()


def _poll(url: str, **kwargs: Any) -> dict[str, Any] | None:
    """One poll; a read that times out on a loaded machine is polled again within the caller's
    deadline (the deadline still fails the test)."""
    try:
        return dict(requests.get(url, timeout=10, **kwargs).json())
    except requests.Timeout:
        return None


def _call(stack: RunningStack, **body: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    response = stack.post_call({"to": "+79161234567", **body})
    assert response.status_code == 202, response.text
    started = response.json()
    history = started["voximplant"]["call_session_history_id"]
    deadline = time.monotonic() + 90
    report: dict[str, Any] = {}
    while time.monotonic() < deadline:
        report = _poll(f"{stack.vox}/_runs/{history}") or report
        if report.get("status") == "finished":
            break
        time.sleep(0.1)
    assert report.get("status") == "finished", report
    view: dict[str, Any] = {}
    while time.monotonic() < deadline:
        view = (
            _poll(f"{stack.api}/call/{started['call_id']}", headers={"x-api-key": stack.api_key})
            or view
        )
        if view.get("status") in FINAL and view.get("ended_at"):
            break
        time.sleep(0.1)
    return view, report


def _script(persona_id: str = "car_buyer") -> dict[str, Any]:
    return {"answer": "answer", "lines": [{"say": line} for line in operator_lines(persona_id)]}


@pytest.mark.parametrize("engine", ["dialog", "realtime", "realtime_pure"])
def test_a_whole_call_on_each_engine(stack: RunningStack, engine: str) -> None:
    # Given an operator who answers the car buyer's questions
    _operator(stack, _script())
    # When a call is placed on the engine
    view, report = _call(stack, scenario=engine, persona="car_buyer")
    # Then the scenario ran cleanly and the call reads back whole
    assert report["ok"] is True and report["violations"] == [], report["violations"]
    assert view["status"] == "completed"
    assert view["end_reason"] == "end_call"
    said = [line["text"] for line in view["transcript"] if line["who"] == "operator"]
    assert said[: len(operator_lines("car_buyer"))] == operator_lines("car_buyer")[: len(said)]
    assert view["transcript"][0]["who"] == "client"
    summary = view["summary"]
    assert summary["turns"] >= 5
    assert summary["voice_to_voice_ms"]["p50"] is not None
    assert summary["topics"]["total"] == 5
    if engine != "realtime_pure":
        assert summary["ending"] == "success"
        assert summary["backend_ms"]["p50"] is not None
    else:
        # the model's own end_call reason, passed through the scenario's `ended` event
        assert summary["ending"] in {"success", "goodbye", "hang_up", "max_turns"}
    if engine.startswith("realtime"):
        # Every client event the scenario sent to OpenAI is valid GA Realtime, strictly
        sent = report["realtime_client_events"]
        assert sent, "no realtime client events captured"
        models = {
            "session.update": SessionUpdateEvent,
            "response.create": ResponseCreateEvent,
            "conversation.item.create": ConversationItemCreateEvent,
        }
        for client_event in sent:
            if client_event["type"] in models:
                strict_validate(client_event, models[client_event["type"]])
        kinds = {e["type"] for e in sent}
        assert {"session.update", "response.create"} <= kinds


@pytest.mark.parametrize(("answer", "status"), [("busy", "busy"), ("reject", "rejected")])
def test_unanswered_calls_end_with_their_status(
    stack: RunningStack, answer: str, status: str
) -> None:
    _operator(stack, {"answer": answer, "lines": []})
    view, report = _call(stack, scenario="dialog")
    assert report["violations"] == []
    assert view["status"] == status
    assert view["transcript"] == []


def test_operator_hanging_up_mid_call(stack: RunningStack) -> None:
    lines = operator_lines("car_buyer")[:2]
    _operator(
        stack,
        {"answer": "answer", "lines": [{"say": lines[0]}, {"say": lines[1]}, {"hangup": True}]},
    )
    view, report = _call(stack, scenario="dialog")
    assert report["violations"] == []
    assert (view["status"], view["hangup_by"], view["end_reason"]) == (
        "completed",
        "operator",
        "operator_hangup",
    )


def test_vclient_call_json_is_the_get_call_body() -> None:
    # `vclient call` reproduces a demo call from files, on a local stack it starts itself
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "vclient_dev.cli",
            "call",
            "--engine",
            "realtime",
            "--persona",
            str(ROOT / "layers/common/vclient/personas/deposit_closing.yaml"),
            "--operator",
            str(ROOT / "dev/vclient_dev/operators/deposit_closing.yaml"),
            "--json",
        ],
        capture_output=True,
        text=True,
        timeout=180,
        cwd=ROOT,
    )
    assert out.returncode == 0, out.stderr[-2000:]
    view = json.loads(out.stdout)
    assert view["engine"] == "realtime"
    assert view["persona"]["id"] == "deposit_closing" and view["persona"]["inline"] is True
    assert view["status"] == "completed"
    assert view["summary"]["ending"] == "success"
    assert set(view) >= {"transcript", "turns", "summary", "call_id"}


def test_vclient_call_follows_a_call_on_a_running_stack(stack: RunningStack) -> None:
    # The --api mode a user points at a deployed stack, here pointed at the running local one
    _operator(stack, _script("deposit_closing"))
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "vclient_dev.cli",
            "call",
            "--engine",
            "dialog",
            "--persona",
            "deposit_closing",
            "--api",
            stack.api,
            "--api-key",
            stack.api_key,
            "--to",
            "+79161234567",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )
    assert out.returncode == 0, out.stderr[-2000:]
    lines = out.stdout.splitlines()
    assert lines[0].startswith("Call ") and "on dialog" in lines[0]
    assert "simulated" not in lines[0]
    assert any(
        "operator" in line and operator_lines("deposit_closing")[0] in line for line in lines
    )
    assert "status completed · ending success" in out.stdout


@pytest.mark.parametrize("engine", ["dialog", "realtime"])
def test_reply_endpoint_failing_at_turn_3_ends_with_the_apology(
    stack: RunningStack, engine: str
) -> None:
    # Given the reply endpoint answering 503 from turn 3 on (the first try and its retry)
    faults = {"net": [{"urlContains": "/reply", "after": 2, "code": 503, "times": 2}]}
    _operator(stack, _script(), {"faults": faults})
    view, report = _call(stack, scenario=engine, persona="car_buyer")
    # Then the client apologises and the call ends cleanly: no dead air, no hung session
    assert report["violations"] == []
    assert (view["status"], view["end_reason"]) == ("completed", "backend_error")
    client_lines = [line["text"] for line in view["transcript"] if line["who"] == "client"]
    assert "проблемы со связью" in client_lines[-1]
    assert any(e["where"] for e in view["errors"])


def test_realtime_socket_closing_mid_call(stack: RunningStack) -> None:
    _operator(stack, _script(), {"faults": {"realtimeCloseAtTurn": 2}})
    view, report = _call(stack, scenario="realtime_pure", persona="car_buyer")
    assert report["violations"] == []
    assert (view["status"], view["end_reason"]) == ("completed", "socket_closed")


def test_without_a_queued_operator_the_personas_own_operator_answers(stack: RunningStack) -> None:
    view, report = _call(stack, scenario="dialog", persona="deposit_closing")
    assert report["violations"] == []
    said = [line["text"] for line in view["transcript"] if line["who"] == "operator"]
    assert said[0] == operator_lines("deposit_closing")[0]
    assert view["summary"]["ending"] == "success"
