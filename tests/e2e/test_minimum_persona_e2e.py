"""A persona with only the documented minimum fields runs a whole call on every engine."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
import requests

from tests.conftest import ROOT
from tests.e2e.conftest import RunningStack

pytestmark = pytest.mark.e2e

MINIMUM = ROOT / "tests" / "personas" / "minimum_ru.yaml"
OPERATOR = {
    "answer": "answer",
    "lines": [
        {"say": "Автосалон, слушаю вас."},
        {"say": "Да, Sportage есть в наличии."},
        {"say": "Он стоит три миллиона рублей."},
    ],
}


@pytest.mark.parametrize("engine", ["dialog", "realtime", "realtime_pure"])
def test_minimum_persona_runs_a_whole_call(stack: RunningStack, engine: str) -> None:
    # Given an operator who answers both of the minimal persona's questions
    requests.post(f"{stack.vox}/_operator", json={"operator": OPERATOR}, timeout=5)
    # When `vclient call` places a call with the persona file (sent inline)
    done = subprocess.run(
        [
            sys.executable, "-m", "vclient_dev.cli", "call", "--engine", engine,
            "--persona", str(MINIMUM), "--api", stack.api, "--api-key", stack.api_key,
            "--to", "+79161234567", "--json", "--timeout", "120",
        ],
        capture_output=True,
        text=True,
        timeout=180,
        cwd=ROOT,
    )  # fmt: skip
    # Then the call connected and ended cleanly (exit 0), on the persona's own lines
    assert done.returncode == 0, done.stderr[-2000:]
    view = json.loads(done.stdout)
    assert view["persona"] == {"id": "minimum_ru", "name": "Ольга", "inline": True}
    assert view["status"] == "completed" and view["errors"] == []
    client = [line["text"] for line in view["transcript"] if line["who"] == "client"]
    assert client[0] == "Здравствуйте! Подскажите, Kia Sportage в наличии есть?"
    assert view["summary"]["turns"] >= 2
    assert view["summary"]["topics"]["covered"] == 2
    # And the record says why the script answered where the backend decides the lines
    if engine == "realtime_pure":
        assert view["fallback_reason"] is None and view["summary"]["silences"] is None
    else:
        assert view["fallback_reason"] == "no OpenAI key in the stack's openai-api-key secret"
        assert view["summary"]["silences"] == 0
