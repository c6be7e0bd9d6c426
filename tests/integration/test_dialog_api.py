"""GET /call/{id}/session and POST /call/{id}/reply through the real dialog handler."""

from __future__ import annotations

import json
import threading
import time
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
from openai.types.realtime import ResponseCreateEvent, SessionUpdateEvent

from tests.conftest import (
    LambdaContext,
    import_function,
    load_event,
    operator_lines,
    set_openai_key,
)
from tests.integration.scenario_calls import Call, place, reply, request, session
from tests.strict_openai import strict_validate


@pytest.fixture
def start_call(function_env: dict[str, dict[str, str]], monkeypatch: pytest.MonkeyPatch) -> Any:
    return import_function("start_call", function_env["StartCallFunction"], monkeypatch)


@pytest.fixture
def dialog_env(function_env: dict[str, dict[str, str]]) -> dict[str, str]:
    return dict(function_env["DialogFunction"])


@pytest.fixture
def dialog(dialog_env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> Any:
    return import_function("dialog", dialog_env, monkeypatch)


# -- sessions -------------------------------------------------------------------------------------


def test_dialog_session_has_everything_the_scenario_needs(
    start_call: Any, dialog: Any, fake_vox: Any
) -> None:
    from vclient.dialog.persona import load_bundled

    call = place(start_call, fake_vox, scenario="dialog", persona="deposit_closing")
    status, body = session(dialog, call)
    assert status == 200, body
    persona = load_bundled("deposit_closing")
    assert body["engine"] == "dialog"
    assert (body["to"], body["caller_id"]) == ("+79161234567", "+74950000000")
    base = "https://abc123.execute-api.eu-central-1.amazonaws.com/prod"
    assert body["dialog_url"] == f"{base}/call/{call.call_id}/reply"
    assert body["event_url"] == f"{base}/call/{call.call_id}/events"
    assert body["first_line"] == persona.opening  # pre-generated: no LLM wait on turn 1
    assert body["dialog"] == {"asr_profile": "Google.ru_RU", "tts_voice": persona.voice.tts}
    assert body["limits"]["max_reprompts"] == persona.ending.max_reprompts
    assert body["limits"]["silence_timeout_s"] == 8
    assert body["apology_line"]
    assert "realtime" not in body


def test_session_refetch_keeps_the_same_dialog(start_call: Any, dialog: Any, fake_vox: Any) -> None:
    call = place(start_call, fake_vox)
    first = session(dialog, call)[1]
    assert reply(dialog, call, 1, operator_lines("car_buyer")[0])[0] == 200
    again = session(dialog, call)[1]
    assert again["first_line"] == first["first_line"]
    # the dialog was not reset: turn 1 is done, turn 2 is next
    assert reply(dialog, call, 1, "повтор")[0] == 200
    assert reply(dialog, call, 3, "вперёд")[0] == 409


@pytest.mark.parametrize("persona_id", ["car_buyer", "deposit_closing"])
@pytest.mark.parametrize("engine", ["realtime", "realtime_pure"])
def test_realtime_sessions_pass_the_strict_sdk_walk(
    start_call: Any,
    dialog_env: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
    fake_vox: Any,
    fake_openai: Any,
    aws: Any,
    engine: str,
    persona_id: str,
) -> None:
    # Given an OpenAI key in Secrets Manager and the default key mode (ephemeral)
    set_openai_key(aws, "sk-test-long-lived")
    module = import_function(
        "dialog", {**dialog_env, "OPENAI_BASE_URL": fake_openai.url}, monkeypatch
    )
    call = place(start_call, fake_vox, scenario=engine, persona=persona_id)
    status, body = session(module, call)
    assert status == 200, body
    realtime = body["realtime"]
    # Then the scenario gets a per-call ephemeral key, never the long-lived one
    assert realtime["key_source"] == "ephemeral"
    assert realtime["api_key"].startswith("ek_")
    assert "sk-test-long-lived" not in json.dumps(body)
    [minted] = [r for r in fake_openai.requests if r["path"].endswith("/client_secrets")]
    assert minted["body"]["session"] == realtime["session_update"]["session"]
    assert minted["body"]["expires_after"]["anchor"] == "created_at"
    # And every payload is valid GA Realtime with no unknown key anywhere
    strict_validate(realtime["session_update"], SessionUpdateEvent)
    strict_validate(realtime["first_response"], ResponseCreateEvent)
    session_body = realtime["session_update"]["session"]
    assert session_body["model"] == realtime["model"] == "gpt-realtime-2.1"
    tools = {t["name"] for t in session_body["tools"]}
    if engine == "realtime":
        assert tools == {"get_reply"}
        assert body["dialog_url"].endswith("/reply")
        assert body["first_line"]
    else:
        assert tools == {"end_call"}
        assert "dialog_url" not in body and "first_line" not in body
        strict_validate(realtime["silence_response"], ResponseCreateEvent)


def test_voximplant_secret_mode_sends_no_key(
    start_call: Any, dialog: Any, fake_vox: Any, aws: Any
) -> None:
    aws.put_param("openai/key_mode", "voximplant_secret")
    call = place(start_call, fake_vox, scenario="realtime")
    status, body = session(dialog, call)
    assert status == 200, body
    assert body["realtime"]["key_source"] == "voximplant_secret"
    assert body["realtime"]["secret_name"] == "OPENAI_API_KEY"
    assert "api_key" not in body["realtime"]


def test_realtime_without_any_key_is_a_clear_503(
    start_call: Any, dialog: Any, fake_vox: Any
) -> None:
    call = place(start_call, fake_vox, scenario="realtime_pure")
    status, body = session(dialog, call)
    assert (status, body["code"]) == (503, "openai_not_configured")


def test_model_ids_come_from_ssm(start_call: Any, dialog: Any, fake_vox: Any, aws: Any) -> None:
    aws.put_param("openai/key_mode", "voximplant_secret")
    aws.put_param("openai/realtime_model", "gpt-realtime-2.1-mini")
    call = place(start_call, fake_vox, scenario="realtime_pure")
    body = session(dialog, call)[1]
    assert body["realtime"]["model"] == "gpt-realtime-2.1-mini"
    assert body["realtime"]["session_update"]["session"]["model"] == "gpt-realtime-2.1-mini"


# -- turns ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona_id", ["car_buyer", "deposit_closing"])
def test_scripted_dialog_from_first_line_to_end_call(
    start_call: Any, dialog: Any, fake_vox: Any, persona_id: str
) -> None:
    from vclient.dialog.persona import load_bundled

    # Given no OpenAI key (the scripted responder) and a call on the dialog engine
    persona = load_bundled(persona_id)
    call = place(start_call, fake_vox, persona=persona_id)
    assert session(dialog, call)[1]["first_line"] == persona.opening
    # When the operator answers every question
    answers = []
    for turn, line in enumerate(operator_lines(persona_id), start=1):
        status, answer = reply(dialog, call, turn, line)
        assert status == 200, answer
        assert answer["turn"] == turn and answer["reply"]
        assert answer["fallback"] is False and answer.get("llm_ms") is None
        assert answer["backend_ms"] >= 0
        answers.append(answer)
        if answer["end_call"]:
            break
    # Then every topic was asked and the call ends on the success line
    said = " ".join(a["reply"] for a in answers)
    for topic in persona.topics:
        assert topic.ask in said
    assert answers[-1]["end_call"] is True
    assert answers[-1]["ending"] == "success"
    assert answers[-1]["reply"] == persona.ending.success_line


def test_silence_reprompts_then_ends(start_call: Any, dialog: Any, fake_vox: Any) -> None:
    from vclient.dialog.persona import load_bundled

    persona = load_bundled("car_buyer")
    call = place(start_call, fake_vox)
    session(dialog, call)
    replies = [reply(dialog, call, t, "")[1] for t in range(1, persona.ending.max_reprompts + 2)]
    assert [r["reply"] for r in replies[:-1]] == persona.reprompts[: len(replies) - 1]
    assert replies[-1]["end_call"] is True and replies[-1]["ending"] == "silence"


def test_realtime_reply_carries_the_say_exactly_response(
    start_call: Any, dialog: Any, fake_vox: Any, aws: Any
) -> None:
    aws.put_param("openai/key_mode", "voximplant_secret")
    call = place(start_call, fake_vox, scenario="realtime")
    session(dialog, call)
    status, answer = reply(dialog, call, 1, operator_lines("car_buyer")[0])
    assert status == 200
    strict_validate(answer["realtime_response"], ResponseCreateEvent)
    assert answer["reply"] in answer["realtime_response"]["response"]["instructions"]
    assert answer["realtime_response"]["response"]["tool_choice"] == "none"


def test_pure_engine_has_no_backend_turns(
    start_call: Any, dialog: Any, fake_vox: Any, aws: Any
) -> None:
    aws.put_param("openai/key_mode", "voximplant_secret")
    call = place(start_call, fake_vox, scenario="realtime_pure")
    session(dialog, call)
    status, body = reply(dialog, call, 1, "Алло")
    assert (status, body["code"]) == (409, "conflict")


@pytest.fixture
def llm_dialog(
    start_call: Any,
    dialog_env: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
    fake_vox: Any,
    fake_openai: Any,
    aws: Any,
) -> Iterator[tuple[Any, Call]]:
    set_openai_key(aws, "sk-test")
    env = {**dialog_env, "OPENAI_BASE_URL": fake_openai.url}
    module = import_function("dialog", env, monkeypatch)
    call = place(start_call, fake_vox)
    assert session(module, call)[0] == 200
    yield module, call


def test_llm_turn_and_its_retry_cost_one_llm_call(llm_dialog: Any, fake_openai: Any) -> None:
    module, call = llm_dialog
    status, first = reply(module, call, 1, "Здравствуйте, салон «Киа Центр»!")
    assert status == 200
    assert first["fallback"] is False and first["llm_ms"] is not None
    assert first["reply"] == "Понятно, спасибо."
    sent = fake_openai.requests[0]["body"]
    assert (sent["model"], sent["reasoning_effort"]) == ("gpt-5.4-mini", "none")
    # When the scenario retries the same turn (its request timed out on its side)
    status, again = reply(module, call, 1, "Здравствуйте, салон «Киа Центр»!")
    # Then the stored answer comes back and the LLM is not asked again
    assert (status, again) == (200, first)
    assert fake_openai.count("/chat/completions") == 1


def test_llm_timeout_falls_back_to_the_script(llm_dialog: Any, fake_openai: Any, aws: Any) -> None:
    module, call = llm_dialog
    fake_openai.delay_ms = 3500  # over the 2.5 s deadline
    status, answer = reply(module, call, 1, "Здравствуйте!")
    assert status == 200
    assert answer["fallback"] is True
    assert 2000 <= answer["llm_ms"] < 3500
    assert answer["reply"]


def test_malformed_llm_output_falls_back(llm_dialog: Any, fake_openai: Any) -> None:
    module, call = llm_dialog
    fake_openai.malformed = True
    status, answer = reply(module, call, 1, "Здравствуйте!")
    assert (status, answer["fallback"]) == (200, True)
    assert answer["reply"]


def test_concurrent_requests_for_one_turn_make_one_llm_call(
    start_call: Any,
    dialog_env: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
    fake_vox: Any,
    fake_openai: Any,
    aws: Any,
) -> None:
    # Given two warm instances of the dialog function (as two Lambda containers would be)
    set_openai_key(aws, "sk-test")
    env = {**dialog_env, "OPENAI_BASE_URL": fake_openai.url}
    first = import_function("dialog", env, monkeypatch)
    second = import_function("dialog", env, monkeypatch)
    assert first is not second
    call = place(start_call, fake_vox)
    session(first, call)
    fake_openai.delay_ms = 400
    results: list[tuple[int, dict[str, Any]]] = []

    def go(module: Any) -> None:
        results.append(reply(module, call, 1, "Здравствуйте!"))

    # When both receive turn 1 at the same moment
    threads = [threading.Thread(target=go, args=(m,)) for m in (first, second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=20)
    # Then one LLM call was made, the state advanced once, and both got the same answer
    assert [s for s, _ in results] == [200, 200]
    assert results[0][1] == results[1][1]
    assert fake_openai.count("/chat/completions") == 1
    assert reply(first, call, 2, "Слушаю вас.")[0] == 200
    assert reply(first, call, 2, "Слушаю вас.")[1]["turn"] == 2


def test_warm_turn_makes_two_dynamodb_calls_and_no_ssm_or_secrets(
    start_call: Any, dialog: Any, fake_vox: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    import botocore.client

    call = place(start_call, fake_vox)
    session(dialog, call)
    reply(dialog, call, 1, "Здравствуйте!")  # warms the secret caches
    calls: Counter[str] = Counter()
    original = botocore.client.BaseClient._make_api_call

    def counting(self: Any, operation: str, params: Any) -> Any:
        calls[f"{self.meta.service_model.service_name}.{operation}"] += 1
        return original(self, operation, params)

    monkeypatch.setattr(botocore.client.BaseClient, "_make_api_call", counting)
    assert reply(dialog, call, 2, "Да, есть в наличии.")[0] == 200
    assert calls == Counter({"dynamodb.UpdateItem": 2})


# -- errors ---------------------------------------------------------------------------------------


def test_turn_numbers_out_of_order_are_409(start_call: Any, dialog: Any, fake_vox: Any) -> None:
    call = place(start_call, fake_vox)
    session(dialog, call)
    status, body = reply(dialog, call, 2, "вперёд")
    assert (status, body["reason"], body["expected_turn"]) == (409, "turn_skipped", 1)
    for turn in range(1, 9):
        assert reply(dialog, call, turn, f"реплика {turn}")[0] == 200
    status, body = reply(dialog, call, 1, "старое")  # no longer kept for retries
    assert (status, body["reason"]) == (409, "turn_stale")


def test_reply_before_session_is_409(start_call: Any, dialog: Any, fake_vox: Any) -> None:
    call = place(start_call, fake_vox)
    status, body = reply(dialog, call, 1, "Алло")
    assert (status, body["reason"]) == (409, "no_session")


def test_token_errors(start_call: Any, dialog: Any, fake_vox: Any, aws: Any) -> None:
    from vclient.logic.call_token import mint_token

    call = place(start_call, fake_vox)
    other = place(start_call, fake_vox)
    assert session(dialog, call, token=None)[0] == 401
    assert session(dialog, call, token="garbage")[0] == 403
    status, body = session(dialog, call, token=other.token)  # another call's token
    assert (status, body["code"], body["reason"]) == (403, "forbidden", "wrong_call")
    key = aws.clients["secretsmanager"].get_secret_value(
        SecretId=aws.done.secret_arns["TokenSigningSecret"]
    )["SecretString"]
    expired = mint_token(call.call_id, key, now=1_000_000, ttl_s=60)
    status, body = session(dialog, call, token=expired)
    assert (status, body["reason"]) == (403, "expired")
    assert reply(dialog, call, 1, "x", token=None)[0] == 401
    # a valid token for a call id that was never stored
    ghost = "f" * 32
    # (minted now: a token expiring beyond the longest possible call is refused as forged)
    ghost_call = Call(ghost, mint_token(ghost, key, now=int(time.time()), ttl_s=60))
    assert session(dialog, ghost_call)[0] == 404


REPLY_BAD = [
    ("{", 400, "invalid_json"),
    ({"text": "x"}, 422, "validation_error"),
    ({"turn": 0, "text": "x"}, 422, "validation_error"),
    ({"turn": "one", "text": "x"}, 422, "validation_error"),
    ({"turn": 1}, 422, "validation_error"),
    ({"turn": 1, "text": "x", "extra": 1}, 422, "validation_error"),
    ({"turn": 1, "text": "x" * 2001}, 422, "validation_error"),
    ({"turn": 1, "text": "x" * 9000}, 413, "payload_too_large"),
]


@pytest.mark.parametrize(("body", "status", "code"), REPLY_BAD)
def test_bad_reply_bodies(
    start_call: Any, dialog: Any, fake_vox: Any, body: Any, status: int, code: str
) -> None:
    call = place(start_call, fake_vox)
    session(dialog, call)
    got_status, got = request(dialog, "post_reply.json", call, body)
    assert (got_status, got["code"]) == (status, code), got
    # nothing was consumed: turn 1 still works
    assert reply(dialog, call, 1, "Здравствуйте!")[0] == 200


def test_malformed_call_id_is_422(start_call: Any, dialog: Any, fake_vox: Any) -> None:
    call = place(start_call, fake_vox)
    status, body = request(dialog, "get_session.json", call, call_id="NOT-A-CALL")
    assert (status, body["code"]) == (422, "validation_error")


# -- personas on POST /call -----------------------------------------------------------------------


def test_unknown_persona_lists_the_available_ones(start_call: Any, fake_vox: Any) -> None:
    event = load_event("post_call.json")
    event["body"] = json.dumps({"to": "+79161234567", "persona": "pilot"})
    result = start_call.handler(event, LambdaContext())
    body = json.loads(result["body"])
    assert (result["statusCode"], body["field"]) == (422, "persona")
    assert body["available"] == ["car_buyer", "deposit_closing"]
    assert fake_vox.requests == []


def test_inline_persona_is_validated_stored_and_used(
    start_call: Any, dialog: Any, fake_vox: Any, aws: Any
) -> None:
    import yaml

    from tests.conftest import ROOT

    raw = yaml.safe_load((ROOT / "layers/common/vclient/personas/deposit_closing.yaml").read_text())
    raw["id"] = "my_custom_client"
    raw["opening"] = "Алло, это банк? Я по поводу вклада."
    call = place(start_call, fake_vox, persona=raw)
    item = aws.call_item(call.call_id)
    assert item["persona"] == "my_custom_client"
    assert json.loads(item["persona_inline"])["opening"] == raw["opening"]
    assert session(dialog, call)[1]["first_line"] == raw["opening"]
    assert reply(dialog, call, 1, "Добрый день, банк слушает.")[0] == 200


def test_invalid_inline_persona_names_the_field(start_call: Any, fake_vox: Any) -> None:
    import yaml

    from tests.conftest import ROOT

    raw = yaml.safe_load((ROOT / "layers/common/vclient/personas/car_buyer.yaml").read_text())
    raw["ending"]["max_turns"] = "many"
    event = load_event("post_call.json")
    event["body"] = json.dumps({"to": "+79161234567", "persona": raw})
    result = start_call.handler(event, LambdaContext())
    body = json.loads(result["body"])
    assert (result["statusCode"], body["field"]) == (422, "persona.ending.max_turns")
    assert fake_vox.requests == []


def test_max_duration_counts_from_the_answer_not_the_session_fetch(
    start_call: Any, dialog: Any, fake_vox: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    import time

    from vclient.dialog.persona import load_bundled

    persona = load_bundled("car_buyer")
    now = int(time.time() * 1000)
    long_ago = now - (persona.ending.max_duration_s + 100) * 1000
    # Given sessions fetched longer ago than the persona's whole duration (a very long ring)
    calls = [place(start_call, fake_vox) for _ in range(2)]
    monkeypatch.setattr(dialog.serve_session, "now_ms", lambda: long_ago)
    for call in calls:
        session(dialog, call)
    monkeypatch.setattr(dialog.serve_session, "now_ms", lambda: now)
    # When the scenario says the operator answered a second ago
    body = {"turn": 1, "text": "Здравствуйте!", "connected_at": now - 1000}
    status, answer = request(dialog, "post_reply.json", calls[0], body)
    # Then the dialog goes on: the clock started at the answer
    assert (status, answer["end_call"]) == (200, False)
    # While without the mark the ring counts, and the call is over
    status, answer = reply(dialog, calls[1], 1, "Здравствуйте!")
    assert (status, answer["ending"]) == (200, "max_duration")


def test_reply_checks_the_token_before_reading_the_body(
    start_call: Any, dialog: Any, fake_vox: Any
) -> None:
    call = place(start_call, fake_vox)
    session(dialog, call)
    status, body = request(dialog, "post_reply.json", call, "[" * 5000, token=None)
    assert (status, body["code"]) == (401, "unauthorized")
    assert request(dialog, "post_reply.json", call, "[" * 5000)[0] == 400


def test_the_item_every_turn_rewrites_stays_small(
    start_call: Any,
    dialog: Any,
    dialog_env: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
    fake_vox: Any,
    aws: Any,
) -> None:
    from vclient.dal.calls_table import to_item

    # Given a call several turns in (DynamoDB bills each write by the whole item's size)
    call = place(start_call, fake_vox, persona="deposit_closing")
    session(dialog, call)
    for turn, line in enumerate(operator_lines("deposit_closing")[:5], start=1):
        assert reply(dialog, call, turn, line)[0] == 200
    item = aws.clients["dynamodb"].get_item(
        TableName=aws.done.names["CallsTable"], Key=to_item({"pk": call.call_id, "sk": "DIALOG"})
    )["Item"]
    # Then the dialog item holds no persona and stays within a few write units
    assert "persona_json" not in item
    assert len(json.dumps(item, ensure_ascii=False).encode()) < 6 * 1024
    # And a cold container (no cached persona) still answers the next turn
    cold = import_function("dialog", dialog_env, monkeypatch)
    status, answer = reply(cold, call, 6, operator_lines("deposit_closing")[5])
    assert status == 200 and answer["reply"]
