"""POST /call through the real handler: moto for AWS, the fake Voximplant on loopback."""

from __future__ import annotations

import json
import re
import time
from typing import Any

import pytest

from tests.conftest import LambdaContext, import_function, load_event


@pytest.fixture
def start_call(function_env: dict[str, dict[str, str]], monkeypatch: pytest.MonkeyPatch) -> Any:
    return import_function("start_call", function_env["StartCallFunction"], monkeypatch)


def post(module: Any, body: Any, headers: dict[str, str] | None = None) -> tuple[int, dict]:
    event = load_event("post_call.json")
    event["body"] = body if isinstance(body, str) or body is None else json.dumps(body)
    for key, value in (headers or {}).items():
        event["headers"][key] = value
        event["multiValueHeaders"][key] = [value]
    result = module.handler(event, LambdaContext())
    return result["statusCode"], json.loads(result["body"])


def starts(fake_vox: Any) -> list[dict[str, Any]]:
    return [r for r in fake_vox.requests if r["cmd"] == "StartScenarios"]


def test_default_engine_dials_through_its_rule(start_call: Any, fake_vox: Any, aws: Any) -> None:
    # Given the template's default parameters (default engine: dialog)
    # When a call is started with only a destination
    status, body = post(start_call, {"to": "+79161234567"})
    # Then it is accepted on the dialog engine's rule, and Voximplant was asked exactly once
    assert status == 202, body
    assert body["engine"] == "dialog"
    assert body["status"] == "starting"
    assert body["rule"] == "voice_dialog"
    assert re.fullmatch(r"[0-9a-f]{32}", body["call_id"])
    [request] = starts(fake_vox)
    assert request["auth"] == "jwt" and "error" not in request["answer"]
    assert request["params"]["rule_name"] == "voice_dialog"
    assert request["params"]["application_name"] == "vclient"
    assert (
        body["voximplant"]["call_session_history_id"]
        == request["answer"]["call_session_history_id"]
    )
    # And the call is stored with its numbers, rule and a retention TTL
    item = aws.call_item(body["call_id"])
    assert item["status"] == "starting"
    assert item["to"] == "+79161234567"
    assert item["caller_id"] == "+74950000000"
    assert item["expires_at"] > item["token_expires_at"]
    assert item["vox_call_session_history_id"] == body["voximplant"]["call_session_history_id"]


@pytest.mark.parametrize(
    ("engine", "rule"),
    [
        ("dialog", "voice_dialog"),
        ("realtime", "voice_realtime"),
        ("realtime_pure", "voice_realtime_pure"),
    ],
)
def test_each_engine_uses_its_own_rule(
    start_call: Any, fake_vox: Any, engine: str, rule: str
) -> None:
    status, body = post(start_call, {"to": "+79161234567", "scenario": engine})
    assert status == 202, body
    assert (body["engine"], body["rule"]) == (engine, rule)
    assert starts(fake_vox)[-1]["params"]["rule_name"] == rule


def test_custom_data_is_small_and_carries_no_secret_or_number(
    start_call: Any, fake_vox: Any, aws: Any, service_account: Any
) -> None:
    status, body = post(start_call, {"to": "+79161234567", "caller_id": "+74951112233"})
    assert status == 202
    custom = starts(fake_vox)[-1]["params"]["script_custom_data"]
    assert len(custom.encode()) <= 200
    data = json.loads(custom)
    assert set(data) == {"id", "api", "tok"}
    assert data["id"] == body["call_id"]
    assert data["api"] == "https://abc123.execute-api.eu-central-1.amazonaws.com/prod"
    for number in ("79161234567", "74951112233"):
        assert number not in custom
    signing_key = aws.clients["secretsmanager"].get_secret_value(
        SecretId=aws.done.secret_arns["TokenSigningSecret"]
    )["SecretString"]
    assert signing_key not in custom
    assert service_account[0]["private_key"][40:80] not in custom


def test_token_in_custom_data_verifies_for_this_call_only(
    start_call: Any, fake_vox: Any, aws: Any
) -> None:
    from vclient.logic.call_token import TokenError, verify_token

    _, body = post(start_call, {"to": "+79161234567"})
    data = json.loads(starts(fake_vox)[-1]["params"]["script_custom_data"])
    key = aws.clients["secretsmanager"].get_secret_value(
        SecretId=aws.done.secret_arns["TokenSigningSecret"]
    )["SecretString"]
    item = aws.call_item(body["call_id"])
    now = int(time.time())  # (an expiry beyond the longest call from `now` is refused)
    assert verify_token(data["tok"], body["call_id"], key, now=now) == item["token_expires_at"]
    with pytest.raises(TokenError):
        verify_token(data["tok"], "another-call", key, now=now)


def test_ssm_edit_switches_the_next_call(start_call: Any, fake_vox: Any, aws: Any) -> None:
    # Given a first dialog call on the default rule
    assert post(start_call, {"to": "+79161234567"})[1]["rule"] == "voice_dialog"
    # When an operator points the dialog engine at another rule in SSM
    fake_vox.add_rule("voice_dialog_v2", "vclient", "voice_dialog_v2")
    aws.put_param(
        "engines/dialog",
        json.dumps(
            {
                "rule_name": "voice_dialog_v2",
                "application_name": "vclient",
                "scenario_name": "voice_dialog_v2",
            }
        ),
    )
    # Then the next dialog call uses it, without a redeploy
    status, body = post(start_call, {"to": "+79161234567"})
    assert (status, body["rule"]) == (202, "voice_dialog_v2")
    assert starts(fake_vox)[-1]["params"]["rule_name"] == "voice_dialog_v2"


def test_default_engine_parameter_switches_everyone(
    start_call: Any, fake_vox: Any, aws: Any
) -> None:
    aws.put_param("default_engine", "realtime_pure")
    status, body = post(start_call, {"to": "+79161234567"})
    assert (status, body["engine"], body["rule"]) == (202, "realtime_pure", "voice_realtime_pure")


def test_rule_id_in_ssm_is_sent_as_rule_id(start_call: Any, fake_vox: Any, aws: Any) -> None:
    rule = fake_vox.rules["voice_realtime"]
    aws.put_param("engines/realtime", json.dumps({"rule_id": rule.rule_id, "scenario_name": "x"}))
    status, body = post(start_call, {"to": "+79161234567", "scenario": "realtime"})
    assert (status, body["rule"]) == (202, f"id:{rule.rule_id}")
    params = starts(fake_vox)[-1]["params"]
    assert params["rule_id"] == str(rule.rule_id) and "rule_name" not in params


def test_seed_env_names_override_ssm(
    function_env: dict[str, dict[str, str]],
    monkeypatch: pytest.MonkeyPatch,
    fake_vox: Any,
) -> None:
    # Given the seed's environment names set on the function
    fake_vox.add_rule("seed_dialog", "vclient", "voice_dialog")
    fake_vox.add_rule("seed_rt", "vclient", "seed_rt_scenario")
    env = {
        **function_env["StartCallFunction"],
        "VOX_DIALOG_RULE_NAME": "seed_dialog",
        "VOX_REALTIME_RULE_NAME": "seed_rt",
    }
    module = import_function("start_call", env, monkeypatch)
    # Then they win over the SSM parameters, engine by engine
    assert post(module, {"to": "+79161234567"})[1]["rule"] == "seed_dialog"
    assert post(module, {"to": "+79161234567", "scenario": "realtime"})[1]["rule"] == "seed_rt"
    pure = post(module, {"to": "+79161234567", "scenario": "realtime_pure"})[1]
    assert pure["rule"] == "voice_realtime_pure"


@pytest.mark.parametrize("number", ["+15551234567", "+380441234567"])
def test_destination_outside_allowlist_is_refused(
    start_call: Any, fake_vox: Any, aws: Any, number: str
) -> None:
    status, body = post(start_call, {"to": number})
    assert status == 403
    assert body["code"] == "destination_not_allowed"
    assert body["field"] == "to"
    assert starts(fake_vox) == []


def test_allowlist_edit_applies_to_next_call(start_call: Any, fake_vox: Any, aws: Any) -> None:
    aws.put_param("allowed_prefixes", "+7,+1555", "StringList")
    assert post(start_call, {"to": "+15551234567"})[0] == 202
    assert post(start_call, {"to": "+15561234567"})[0] == 403


def test_idempotency_key_never_dials_twice(start_call: Any, fake_vox: Any) -> None:
    # Given a client that retries with the same Idempotency-Key
    headers = {"Idempotency-Key": "order-42"}
    first = post(start_call, {"to": "+79161234567"}, headers)
    second = post(start_call, {"to": "+79161234567"}, headers)
    # Then both get the first answer and Voximplant was asked once
    assert first == second
    assert first[0] == 202
    assert len(starts(fake_vox)) == 1
    # And a different key is a different call
    third = post(start_call, {"to": "+79161234567"}, {"Idempotency-Key": "order-43"})
    assert third[1]["call_id"] != first[1]["call_id"]
    assert len(starts(fake_vox)) == 2


def test_idempotency_key_reused_with_another_body(start_call: Any, fake_vox: Any) -> None:
    headers = {"idempotency-key": "k-1"}
    assert post(start_call, {"to": "+79161234567"}, headers)[0] == 202
    status, body = post(start_call, {"to": "+79161234568"}, headers)
    assert (status, body["code"]) == (422, "idempotency_key_reused")
    assert len(starts(fake_vox)) == 1


def test_voximplant_error_is_502_and_marks_call_failed(
    start_call: Any, fake_vox: Any, aws: Any
) -> None:
    from vclient_dev.fake_vox import Fault

    fake_vox.faults.append(Fault(kind="error", code=375, msg="No scenario bound to the rule"))
    status, body = post(start_call, {"to": "+79161234567"})
    assert status == 502
    assert body["code"] == "voximplant_error"
    assert body["vox_code"] == 375
    assert "No scenario bound" in body["message"]
    item = aws.call_item(body["call_id"])
    assert item["status"] == "failed"
    assert item["failure"] == {
        "source": "voximplant",
        "code": 375,
        "reason": "No scenario bound to the rule",
    }


def test_unknown_rule_name_surfaces_voximplant_code(
    start_call: Any, fake_vox: Any, aws: Any
) -> None:
    aws.put_param(
        "engines/dialog",
        json.dumps({"rule_name": "nope", "application_name": "vclient", "scenario_name": "x"}),
    )
    status, body = post(start_call, {"to": "+79161234567"})
    assert (status, body["vox_code"]) == (502, 156)


def test_429_is_retried_then_succeeds(start_call: Any, fake_vox: Any) -> None:
    from vclient_dev.fake_vox import Fault

    fake_vox.faults.append(Fault(kind="http", code=429, count=2))
    status, body = post(start_call, {"to": "+79161234567"})
    assert status == 202, body
    assert len(starts(fake_vox)) == 3


def test_persistent_503_is_502_unavailable(start_call: Any, fake_vox: Any, aws: Any) -> None:
    from vclient_dev.fake_vox import Fault

    fake_vox.faults.append(Fault(kind="http", code=503, count=10))
    status, body = post(start_call, {"to": "+79161234567"})
    assert (status, body["code"], body["http_status"]) == (502, "voximplant_unavailable", 503)
    assert 2 <= len(starts(fake_vox)) <= 4
    assert aws.call_item(body["call_id"])["status"] == "failed"


def test_voximplant_timeout_is_504_and_not_retried(
    function_env: dict[str, dict[str, str]],
    monkeypatch: pytest.MonkeyPatch,
    fake_vox: Any,
    aws: Any,
) -> None:
    from vclient_dev.fake_vox import Fault

    env = {**function_env["StartCallFunction"], "VOX_DEADLINE_S": "1"}
    module = import_function("start_call", env, monkeypatch)
    fake_vox.faults.append(Fault(kind="delay", seconds=2.5))
    status, body = post(module, {"to": "+79161234567"})
    assert (status, body["code"]) == (504, "voximplant_timeout")
    assert len(starts(fake_vox)) == 1  # a read timeout may have dialed: never retried
    item = aws.call_item(body["call_id"])
    assert item["last_error"] == "voximplant_timeout"


def test_broken_ssm_parameter_is_a_clear_503(start_call: Any, aws: Any, fake_vox: Any) -> None:
    aws.put_param("engines/dialog", "{not json")
    status, body = post(start_call, {"to": "+79161234567"})
    assert (status, body["code"]) == (503, "configuration_error")
    assert body["parameter"] == "engines/dialog"
    assert starts(fake_vox) == []


def test_placeholder_voximplant_credentials_are_a_clear_503(
    start_call: Any, aws: Any, fake_vox: Any
) -> None:
    aws.clients["secretsmanager"].put_secret_value(
        SecretId=aws.done.secret_arns["VoximplantCredentialsSecret"],
        SecretString='{"account_id": 0, "key_id": "", "private_key": ""}',
    )
    status, body = post(start_call, {"to": "+79161234567"})
    assert (status, body["code"]) == (503, "configuration_error")
    assert "private_key" in body["message"]


BAD_INPUTS = [
    ("{bad json", {}, 400, "invalid_json", None),
    ("", {}, 400, "invalid_json", None),
    ("[]", {}, 422, "validation_error", None),
    ('"+79161234567"', {}, 422, "validation_error", None),
    ({}, {}, 422, "validation_error", "to"),
    ({"to": "89161234567"}, {}, 422, "validation_error", "to"),
    ({"to": "+7916"}, {}, 422, "validation_error", "to"),
    ({"to": 79161234567}, {}, 422, "validation_error", "to"),
    ({"to": None}, {}, 422, "validation_error", "to"),
    ({"to": "+79161234567", "scenario": "gpt"}, {}, 422, "validation_error", "scenario"),
    ({"to": "+79161234567", "caller_id": "abc"}, {}, 422, "validation_error", "caller_id"),
    ({"to": "+79161234567", "persona": ""}, {}, 422, "validation_error", "persona"),
    ({"to": "+79161234567", "persona": 5}, {}, 422, "validation_error", "persona"),
    ({"to": "+79161234567", "extra": 1}, {}, 422, "validation_error", "extra"),
    ({"to": "+79161234567"}, {"Content-Type": "text/plain"}, 415, "unsupported_media_type", None),
    ({"to": "+79161234567", "persona": "x" * 70000}, {}, 413, "payload_too_large", None),
    ({"to": "+79161234567", "persona": "nobody"}, {}, 422, "validation_error", "persona"),
    ({"to": "+79161234567", "persona": {"id": "x"}}, {}, 422, "validation_error", None),
    ({"to": "+79161234567", "persona": ["car_buyer"]}, {}, 422, "validation_error", "persona"),
    ({"to": "+79161234567"}, {"Idempotency-Key": "k" * 200}, 422, "validation_error", None),
]


@pytest.mark.parametrize(("body", "headers", "status", "code", "field"), BAD_INPUTS)
def test_bad_inputs_get_clear_4xx(
    start_call: Any,
    fake_vox: Any,
    body: Any,
    headers: dict[str, str],
    status: int,
    code: str,
    field: str | None,
) -> None:
    got_status, got = post(start_call, body, headers)
    assert (got_status, got["code"]) == (status, code), got
    assert got["message"]
    if field:
        assert got["field"] == field
    assert starts(fake_vox) == []


def test_log_keys_do_not_leak_into_the_next_invocation(start_call: Any, fake_vox: Any) -> None:
    from vclient.observability import logger

    # Given a warm container that just started a call (its id is in the log keys)
    status, body = post(start_call, {"to": "+79161234567"})
    assert status == 202
    assert logger.get_current_keys().get("call_id") == body["call_id"]
    # When the next request carries no call
    assert post(start_call, {"to": "bad"})[0] == 422
    # Then its log lines do not claim the previous call
    assert "call_id" not in logger.get_current_keys()


@pytest.mark.parametrize("http_status", [500, 502, 504])
def test_ambiguous_http_errors_are_504_and_never_retried(
    start_call: Any, fake_vox: Any, aws: Any, http_status: int
) -> None:
    from vclient_dev.fake_vox import Fault

    # Given Voximplant (or a proxy before it) answering a status that may follow a started call
    fake_vox.faults.append(Fault(kind="http", code=http_status, count=5))
    status, body = post(start_call, {"to": "+79161234567"})
    # Then nobody dials again: one request, 504, and the call is not marked failed
    assert (status, body["code"]) == (504, "voximplant_timeout")
    assert len(starts(fake_vox)) == 1
    assert aws.call_item(body["call_id"])["status"] == "starting"


def test_a_retried_504_with_the_same_key_never_dials_twice(
    function_env: dict[str, dict[str, str]],
    monkeypatch: pytest.MonkeyPatch,
    fake_vox: Any,
    aws: Any,
) -> None:
    from vclient_dev.fake_vox import Fault

    env = {**function_env["StartCallFunction"], "VOX_DEADLINE_S": "1"}
    module = import_function("start_call", env, monkeypatch)
    fake_vox.faults.append(Fault(kind="delay", seconds=2.5))
    headers = {"Idempotency-Key": "timeout-then-retry"}
    first = post(module, {"to": "+79161234567"}, headers)
    assert first[0] == 504
    # When the client retries the same request with the same key
    second = post(module, {"to": "+79161234567"}, headers)
    # Then it gets the same answer, and Voximplant was asked once
    assert second == first
    assert len(starts(fake_vox)) == 1


def test_events_that_arrived_first_are_not_overwritten_by_a_late_failure(
    start_call: Any, fake_vox: Any, aws: Any
) -> None:
    from vclient.dal.calls_table import CallsRepository

    # Given a call whose scenario already reported dialing
    _, body = post(start_call, {"to": "+79161234567"})
    repo = CallsRepository(aws.done.names["CallsTable"], aws.clients["dynamodb"])
    repo.update(body["call_id"], {"status": "dialing"})
    # When a late failure for the same start is recorded
    start_call.starter._failed(
        body["call_id"],
        "dialog",
        __import__("vclient.dal.voximplant").dal.voximplant.VoximplantHttpError(503),
    )
    # Then the call keeps what its scenario said
    assert aws.call_item(body["call_id"])["status"] == "dialing"


def test_an_unreadable_private_key_is_a_configuration_error(
    start_call: Any, fake_vox: Any, aws: Any, service_account: Any
) -> None:
    broken = {**service_account[0], "private_key": "-----BEGIN PRIVATE KEY-----\\nAAAA"}
    aws.clients["secretsmanager"].put_secret_value(
        SecretId=aws.done.secret_arns["VoximplantCredentialsSecret"],
        SecretString=json.dumps(broken),
    )
    status, body = post(start_call, {"to": "+79161234567"})
    assert (status, body["code"]) == (503, "configuration_error")
    assert "private_key" in body["message"]
    assert starts(fake_vox) == []
