"""POST /call over loopback HTTP through the local stack: the path a user takes with `make up`."""

from __future__ import annotations

import json
from typing import Any

import pytest
import requests

from tests.e2e.conftest import RunningStack

pytestmark = pytest.mark.e2e


def test_three_engines_each_start_on_their_rule(stack: RunningStack) -> None:
    # When one call is started per engine
    answers = {}
    for engine in ("dialog", "realtime", "realtime_pure"):
        response = stack.post_call({"to": "+79161234567", "scenario": engine})
        assert response.status_code == 202, response.text
        answers[engine] = response.json()
    # Then each went to its own rule, and the fake Management API accepted the signed JWT
    assert {e: a["rule"] for e, a in answers.items()} == {
        "dialog": "voice_dialog",
        "realtime": "voice_realtime",
        "realtime_pure": "voice_realtime_pure",
    }
    starts = stack.starts()
    assert [s["params"]["rule_name"] for s in starts] == [
        "voice_dialog",
        "voice_realtime",
        "voice_realtime_pure",
    ]
    for start in starts:
        assert start["auth"] == "jwt"
        assert "error" not in start["answer"]
        custom = start["params"]["script_custom_data"]
        assert len(custom.encode()) <= 200
        assert json.loads(custom)["api"] == stack.api
        assert "79161234567" not in custom


def test_ssm_edit_in_a_running_stack_switches_the_next_dialog_call(stack: RunningStack) -> None:
    # Given a running stack and a second rule known to Voximplant
    requests.post(
        f"{stack.vox}/_rules",
        json={
            "rule_name": "voice_dialog_b",
            "application_name": "vclient",
            "scenario_name": "voice_dialog",
        },
        timeout=5,
    )
    ssm = stack.ssm()
    name = f"{stack.prefix}/engines/dialog"
    original = ssm.get_parameter(Name=name)["Parameter"]["Value"]
    try:
        assert stack.post_call({"to": "+79161234567"}).json()["rule"] == "voice_dialog"
        # When the dialog engine's parameter is edited
        edited = {**json.loads(original), "rule_name": "voice_dialog_b"}
        ssm.put_parameter(Name=name, Value=json.dumps(edited), Type="String", Overwrite=True)
        # Then the very next dialog call runs the new rule
        response = stack.post_call({"to": "+79161234567"})
        assert (response.status_code, response.json()["rule"]) == (202, "voice_dialog_b")
        assert stack.starts()[-1]["params"]["rule_name"] == "voice_dialog_b"
    finally:
        ssm.put_parameter(Name=name, Value=original, Type="String", Overwrite=True)


@pytest.mark.parametrize("key", [None, "", "wrong-key"])
def test_api_key_is_enforced_like_api_gateway(stack: RunningStack, key: str | None) -> None:
    response = stack.post_call({"to": "+79161234567"}, key=key)
    assert response.status_code == 403
    assert response.json()["code"] == "invalid_api_key"
    assert stack.starts() == []


def test_unknown_route_is_a_json_404(stack: RunningStack) -> None:
    response = requests.get(f"{stack.api}/nope", timeout=5)
    assert (response.status_code, response.json()["code"]) == (404, "route_not_found")
    response = requests.get(f"{stack.api}/call", headers={"x-api-key": stack.api_key}, timeout=5)
    assert response.status_code == 404


def test_idempotency_key_over_http_dials_once(stack: RunningStack) -> None:
    headers = {"Idempotency-Key": "e2e-idem-1"}
    first = stack.post_call({"to": "+79161234567"}, headers=headers)
    second = stack.post_call({"to": "+79161234567"}, headers=headers)
    assert first.status_code == second.status_code == 202
    assert first.json() == second.json()
    assert len(stack.starts()) == 1


def test_voximplant_refusal_is_502_and_stored_as_failed(stack: RunningStack) -> None:
    requests.post(
        f"{stack.vox}/_faults",
        json={"kind": "error", "code": 375, "msg": "No scenario bound"},
        timeout=5,
    )
    response = stack.post_call({"to": "+79161234567"})
    assert response.status_code == 502
    body = response.json()
    assert (body["code"], body["vox_code"]) == ("voximplant_error", 375)
    item = stack.dynamodb().get_item(
        TableName="vclient-local-CallsTable",
        Key={"pk": {"S": body["call_id"]}, "sk": {"S": "CALL"}},
    )["Item"]
    assert item["status"]["S"] == "failed"


BAD: list[tuple[Any, dict[str, str], int, str]] = [
    ("{oops", {}, 400, "invalid_json"),
    ("", {}, 400, "invalid_json"),
    ("null", {}, 422, "validation_error"),
    ({"to": "+79161234567", "unknown": True}, {}, 422, "validation_error"),
    ({"to": "8-916-123-45-67"}, {}, 422, "validation_error"),
    ({"to": ["+79161234567"]}, {}, 422, "validation_error"),
    ({"to": "+79161234567", "scenario": "DIALOG"}, {}, 422, "validation_error"),
    ({"to": "+12025550123"}, {}, 403, "destination_not_allowed"),
    ({"to": "+79161234567"}, {"Content-Type": "application/xml"}, 415, "unsupported_media_type"),
    ("x" * 70_000, {}, 413, "payload_too_large"),
]


@pytest.mark.parametrize(("body", "headers", "status", "code"), BAD)
def test_bad_inputs_over_http_are_json_4xx(
    stack: RunningStack, body: Any, headers: dict[str, str], status: int, code: str
) -> None:
    response = stack.post_call(body, headers=headers)
    assert response.status_code == status, response.text
    assert response.headers["Content-Type"].startswith("application/json")
    payload = response.json()
    assert payload["code"] == code
    assert payload["message"]
    assert stack.starts() == []
