"""A scenario's side of the dialog API over loopback HTTP: session, then turn after turn."""

from __future__ import annotations

import json
from typing import Any

import pytest
import requests

from tests.conftest import operator_lines
from tests.e2e.conftest import RunningStack

pytestmark = pytest.mark.e2e


def _start(stack: RunningStack, **body: Any) -> tuple[str, str, str]:
    response = stack.post_call({"to": "+79161234567", **body})
    assert response.status_code == 202, response.text
    custom = json.loads(stack.starts()[-1]["params"]["script_custom_data"])
    return custom["id"], custom["api"], custom["tok"]


@pytest.mark.parametrize("persona_id", ["car_buyer", "deposit_closing"])
def test_each_persona_runs_from_first_line_to_its_ending(
    stack: RunningStack, persona_id: str
) -> None:
    # Given a dialog call as Voximplant's scenario would see it: only the custom data
    call_id, api, token = _start(stack, scenario="dialog", persona=persona_id)
    auth = {"Authorization": f"Bearer {token}"}
    session = requests.get(f"{api}/call/{call_id}/session", headers=auth, timeout=10)
    assert session.status_code == 200, session.text
    body = session.json()
    assert body["first_line"]
    # When the operator answers turn by turn
    transcript = [("client", body["first_line"])]
    last: dict[str, Any] = {}
    for turn, line in enumerate(operator_lines(persona_id), start=1):
        response = requests.post(
            body["dialog_url"], json={"turn": turn, "text": line}, headers=auth, timeout=10
        )
        assert response.status_code == 200, response.text
        last = response.json()
        transcript += [("operator", line), ("client", last["reply"])]
        if last["end_call"]:
            break
    # Then the client reaches its ending and says goodbye
    assert last["end_call"] is True
    assert last["ending"] == "success"
    assert "До свидания" in transcript[-1][1]


def test_without_a_token_the_dialog_api_refuses(stack: RunningStack) -> None:
    call_id, api, token = _start(stack)
    assert requests.get(f"{api}/call/{call_id}/session", timeout=10).status_code == 401
    other_id, _, _ = _start(stack)
    response = requests.get(
        f"{api}/call/{other_id}/session", headers={"Authorization": f"Bearer {token}"}, timeout=10
    )
    assert response.status_code == 403
