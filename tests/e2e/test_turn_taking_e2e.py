"""The operator greets first on every engine: a whole call through the local stack with the
persona's bundled operator script, which greets on answer as a person does."""

from __future__ import annotations

import time
from typing import Any

import pytest
import requests
import yaml

from tests.conftest import ROOT
from tests.e2e.conftest import RunningStack

pytestmark = pytest.mark.e2e

FINAL = {"completed", "failed", "no_answer", "busy", "rejected"}


def _greeting(persona_id: str) -> str:
    path = ROOT / "dev" / "vclient_dev" / "operators" / f"{persona_id}.yaml"
    return str(yaml.safe_load(path.read_text(encoding="utf-8"))["greeting"])


def _finished_call(stack: RunningStack, **body: Any) -> dict[str, Any]:
    response = stack.post_call({"to": "+79161234567", **body})
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
    raise AssertionError(f"call {call_id} did not finish: {view}")


@pytest.mark.parametrize("engine", ["dialog", "realtime", "realtime_pure"])
def test_the_operator_greets_first_and_the_opening_follows(
    stack: RunningStack, engine: str
) -> None:
    # Given no queued script: the persona's bundled operator answers, greeting first
    # When a call is placed on the engine
    view = _finished_call(stack, scenario=engine, persona="car_buyer")
    # Then the transcript starts with the operator's greeting (turn 0), then the client's opening
    first, second = view["transcript"][:2]
    assert (first["who"], first["text"], first["turn"]) == ("operator", _greeting("car_buyer"), 0)
    assert (second["who"], second["turn"]) == ("client", 0)
    assert not second.get("cut"), "nobody talks over the opening"
    # And the greeting was no backend turn: the call went on to its normal end
    assert (view["status"], view["end_reason"]) == ("completed", "end_call")
    assert view["summary"]["turns"] >= 5
