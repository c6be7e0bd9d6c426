"""The evaluation after the hang-up, through the real handlers: the stream reaches the evaluate
function, which stores the verdict once; the LLM path against the local fake OpenAI."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import pytest

from tests.conftest import (
    LambdaContext,
    import_function,
    load_event,
    operator_lines,
    run_stream,
    set_openai_key,
)
from tests.integration.scenario_calls import Call, place, reply, session

T0 = 1_795_000_000_000
EVASIVE = [
    "Алло.",
    "Не знаю, посмотрите на сайте.",
    "Ничего не скажу, цены меняются.",
    "Трейд-ин мы не делаем.",
    "Не подскажу.",
    "Всё, до свидания.",
]


@dataclass
class Stack:
    """What a test here drives: the handlers (each imported, a cold start, the first time the test
    uses it, as a fixture of its own would be), the fakes they talk to, and their environments."""

    aws: Any
    fake_vox: Any
    function_env: dict[str, dict[str, str]]
    monkeypatch: pytest.MonkeyPatch
    request: pytest.FixtureRequest
    _handlers: dict[str, Any] = field(default_factory=dict)

    def _handler(self, name: str, function: str) -> Any:
        if name not in self._handlers:
            env = self.function_env[function]
            self._handlers[name] = import_function(name, env, self.monkeypatch)
        return self._handlers[name]

    @property
    def start_call(self) -> Any:
        return self._handler("start_call", "StartCallFunction")

    @property
    def dialog(self) -> Any:
        return self._handler("dialog", "DialogFunction")

    @property
    def events(self) -> Any:
        return self._handler("events", "EventsFunction")

    @property
    def evaluate(self) -> Any:
        return self._handler("evaluate", "EvaluateFunction")

    @property
    def fake_openai(self) -> Any:
        return self.request.getfixturevalue("fake_openai")

    def import_with(self, name: str, function: str, **env: str) -> Any:
        """A fresh cold start of ``name`` with its environment changed by ``env``."""
        return import_function(name, {**self.function_env[function], **env}, self.monkeypatch)


@pytest.fixture
def stack(
    aws: Any,
    fake_vox: Any,
    function_env: dict[str, dict[str, str]],
    monkeypatch: pytest.MonkeyPatch,
    request: pytest.FixtureRequest,
) -> Stack:
    return Stack(aws, fake_vox, function_env, monkeypatch, request)


def ev(seq: int, kind: str, t: int, **fields: Any) -> dict[str, Any]:
    return {"seq": seq, "type": kind, "t": T0 + t, **fields}


def post_events(module: Any, call: Call, events: list[dict[str, Any]]) -> None:
    for start in range(0, len(events), 10):
        event = load_event("post_events.json")
        event["path"] = event["path"].replace("0123456789abcdef0123456789abcdef", call.call_id)
        event["pathParameters"] = {"call_id": call.call_id}
        value = f"Bearer {call.token}"
        event["headers"]["Authorization"] = value
        event["multiValueHeaders"]["Authorization"] = [value]
        event["body"] = json.dumps({"events": events[start : start + 10]})
        result = module.handler(event, LambdaContext())
        assert result["statusCode"] == 200, result["body"]


def get(module: Any, path: str, query: str | None = None) -> dict[str, Any]:
    from urllib.parse import parse_qs

    event = load_event("get_call.json")
    event["path"] = event["resource"] = path
    call_id = path.rsplit("/", 1)[-1]
    event["pathParameters"] = {"call_id": call_id} if path.startswith("/call/") else None
    multi = parse_qs(query) if query else None
    event["multiValueQueryStringParameters"] = multi
    event["queryStringParameters"] = {k: v[-1] for k, v in multi.items()} if multi else None
    result = module.handler(event, LambdaContext())
    assert result["statusCode"] == 200, result["body"]
    return dict(json.loads(result["body"]))


def dialog_call(
    stack: Stack,
    lines: list[str],
    extra: list[dict[str, Any]] | None = None,
    *,
    dialog: Any = None,
    **body: Any,
) -> Call:
    """A dialog call driven through the dialog function (``dialog``: another cold start of it)
    and reported by its events, to its end."""
    dialog = dialog or stack.dialog
    call = place(stack.start_call, stack.fake_vox, persona="car_buyer", **body)
    first = session(dialog, call)[1]["first_line"]
    batch = [
        ev(1, "session_started", 0, engine="dialog"),
        ev(2, "connected", 1000),
        ev(3, "transcript", 1200, who="client", text=first, turn=0),
    ]
    seq, t = 4, 4000
    for turn, line in enumerate(lines, start=1):
        answer = reply(dialog, call, turn, line)[1]
        batch += [
            ev(seq, "transcript", t, who="operator", text=line, turn=turn),
            ev(seq + 1, "transcript", t + 900, who="client", text=answer["reply"], turn=turn),
            ev(
                seq + 2,
                "turn",
                t + 901,
                turn=turn,
                speech_end_at=T0 + t,
                reply_requested_at=T0 + t + 100,
                reply_received_at=T0 + t + 400,
                audio_started_at=T0 + t + 700,
            ),
        ]
        seq, t = seq + 3, t + 4000
        if answer["end_call"]:
            break
    for e in extra or []:
        batch.append({**e, "seq": seq, "t": T0 + t})
        seq += 1
    hangup = "client" if answer["end_call"] else "operator"
    reason = "end_call" if answer["end_call"] else "operator_hangup"
    batch.append(ev(seq, "ended", t + 1, reason=reason, hangup_by=hangup, duration_ms=t - 1000))
    post_events(stack.events, call, batch)
    return call


def test_good_and_evasive_operators_get_clearly_different_scores_with_quotes(
    stack: Stack,
) -> None:
    events_fn = stack.events
    good = dialog_call(stack, operator_lines("car_buyer"))
    evasive = dialog_call(stack, EVASIVE)
    run_stream(stack.aws, stack.evaluate)
    a = get(events_fn, f"/call/{good.call_id}")["evaluation"]
    b = get(events_fn, f"/call/{evasive.call_id}")["evaluation"]
    assert a["status"] == b["status"] == "done"
    assert a["method"] == b["method"] == "heuristic"
    assert a["operator"]["score"] >= 76 and a["operator"]["level"] == "good"
    assert b["operator"]["score"] <= 40 and b["operator"]["level"] == "poor"
    # The evasive operator's refusal is quoted as the evidence of the `no`, with its turn
    stock = next(c for c in b["operator"]["checklist"] if c["id"] == "availability")
    assert stock["status"] == "no"
    assert stock["quotes"] == [
        {"turn": 2, "who": "operator", "text": "Не знаю, посмотрите на сайте."}
    ]
    answered = next(c for c in a["operator"]["checklist"] if c["id"] == "price")
    assert answered["status"] == "yes" and answered["quotes"]
    quote = answered["quotes"][0]
    view = get(events_fn, f"/call/{good.call_id}")
    said = [x["text"] for x in view["transcript"] if x.get("turn") == quote["turn"]]
    assert any(quote["text"] in line for line in said)
    assert 3 <= len(b["operator"]["recommendations"]) <= 5
    # Every call shows a cost (unknown parts named, never a made-up 0)
    for verdict in (a, b):
        cost = verdict["cost"]
        assert cost["parts"] and cost["total_usd"] == "unknown" and cost["known_usd"] == 0
        assert {"pstn", "asr", "tts"} <= set(cost["unknown"])


def test_a_priced_stack_shows_the_cost_in_usd(stack: Stack) -> None:
    aws, events_fn = stack.aws, stack.events
    # Given the SSM pricing parameter with Voximplant's prices (test figures, not real ones)
    prices = {"pstn_per_min": 0.01, "asr_per_min": 0.02, "tts_per_1k_chars": 0.03}
    aws.put_param("pricing", json.dumps({"as_of": "2026-12-03", "voximplant": prices}))
    call = dialog_call(stack, operator_lines("car_buyer"))
    run_stream(aws, stack.evaluate)
    cost = get(events_fn, f"/call/{call.call_id}")["evaluation"]["cost"]
    assert cost["unknown"] == [] and cost["pricing_as_of"] == "2026-12-03"
    parts = {p["id"]: p for p in cost["parts"]}
    minutes = parts["pstn"]["quantity"]
    assert parts["pstn"]["usd"] == pytest.approx(0.01 * minutes)
    chars = parts["tts"]["quantity"]
    total = 0.01 * minutes + 0.02 * minutes + 0.03 * chars / 1000
    assert cost["total_usd"] == pytest.approx(total, abs=1e-6)
    # And the list row carries the same headline
    row = get(events_fn, "/calls")["calls"][0]
    assert row["evaluation"]["cost_usd"] == pytest.approx(cost["total_usd"])
    assert row["evaluation"]["operator_score"] is not None
    assert row["voice_to_voice_p50_ms"] == 700


def test_text_model_usage_per_turn_is_priced(stack: Stack) -> None:
    aws, events_fn, fake_openai = stack.aws, stack.events, stack.fake_openai
    # Given a dialog engine with an OpenAI key (the local fake): every turn reports its usage
    set_openai_key(aws, "sk-test-not-a-real-key")
    aws.put_param("openai/text_model", "gpt-4o-mini")
    llm_dialog = stack.import_with("dialog", "DialogFunction", OPENAI_BASE_URL=fake_openai.url)
    call = dialog_call(stack, ["Алло.", "Слушаю вас."], dialog=llm_dialog)
    item = aws.clients["dynamodb"].get_item(
        TableName=aws.done.names["CallsTable"],
        Key={"pk": {"S": call.call_id}, "sk": {"S": "DIALOG"}},
    )["Item"]
    assert item["text_calls"]["N"] == "2" and item["text_model"]["S"] == "gpt-4o-mini"
    # When it is evaluated (the fake judges too: the key is set)
    evaluate = stack.import_with("evaluate", "EvaluateFunction", OPENAI_BASE_URL=fake_openai.url)
    run_stream(aws, evaluate)
    cost = get(events_fn, f"/call/{call.call_id}")["evaluation"]["cost"]
    text = next(p for p in cost["parts"] if p["id"] == "text:gpt-4o-mini")
    # 2 turns x (1 prompt + 1 completion token) at gpt-4o-mini's default prices
    assert text["quantity"] == 4
    assert text["usd"] == pytest.approx((2 * 0.15 + 2 * 0.6) / 1e6)


def _llm_evaluate(stack: Stack, **env: str) -> Any:
    from vclient.dal import parameters

    set_openai_key(stack.aws, "sk-test-not-a-real-key")
    parameters.clear_caches()  # the dialog function read the secret without a key, in-process
    return stack.import_with(
        "evaluate",
        "EvaluateFunction",
        **env,
        OPENAI_BASE_URL=stack.fake_openai.url,
        JUDGE_TIMEOUT_S="1",
        SECRET_MAX_AGE_S="0",
    )


def test_the_llm_judge_valid_answer_is_scored_and_versioned(stack: Stack) -> None:
    events_fn, fake_openai = stack.events, stack.fake_openai
    call = dialog_call(stack, operator_lines("car_buyer"))
    run_stream(stack.aws, _llm_evaluate(stack))
    evaluation = get(events_fn, f"/call/{call.call_id}")["evaluation"]
    assert evaluation["status"] == "done" and evaluation["method"] == "llm"
    assert evaluation["prompt_version"].startswith("verdict-judge/")
    assert evaluation["model"] == "gpt-5.4-mini"
    assert evaluation["operator"]["score"] == 100  # the fake says yes to every item
    [judged] = [r for r in fake_openai.requests if r["path"].endswith("/chat/completions")]
    schema = judged["body"]["response_format"]["json_schema"]
    assert schema["name"] == "operator_verdict" and schema["strict"] is True


def test_the_judge_model_comes_from_the_verdict_parameter(stack: Stack) -> None:
    aws, events_fn, fake_openai = stack.aws, stack.events, stack.fake_openai
    # Given the stack names its own judge model in SSM (verdict/judge_model)
    aws.put_param("verdict/judge_model", "gpt-judge-test")
    call = dialog_call(stack, operator_lines("car_buyer"))
    run_stream(aws, _llm_evaluate(stack, CONFIG_MAX_AGE_S="0"))
    # Then the judge is asked with that model, and the evaluation says so
    evaluation = get(events_fn, f"/call/{call.call_id}")["evaluation"]
    assert evaluation["status"] == "done" and evaluation["model"] == "gpt-judge-test"
    [judged] = [r for r in fake_openai.requests if r["path"].endswith("/chat/completions")]
    assert judged["body"]["model"] == "gpt-judge-test"


@pytest.mark.parametrize(
    ("config", "reason"),
    [
        ({"judge": "malformed"}, "malformed"),
        ({"judge": "invented"}, "item "),
        ({"delay_ms": 2500}, "judge_error"),
        ({"fail_status": 500}, "judge_error"),
    ],
)
def test_a_judge_that_fails_is_a_failed_evaluation_never_a_score(
    stack: Stack, config: dict[str, Any], reason: str
) -> None:
    events_fn, fake_openai = stack.events, stack.fake_openai
    call = dialog_call(stack, operator_lines("car_buyer"))
    for key, value in config.items():
        setattr(fake_openai, key, value)
    run_stream(stack.aws, _llm_evaluate(stack))
    evaluation = get(events_fn, f"/call/{call.call_id}")["evaluation"]
    assert evaluation["status"] == "failed" and evaluation["method"] == "llm"
    assert evaluation["reason"].startswith(reason), evaluation["reason"]
    assert evaluation["operator"] is None and evaluation["topics"] is None
    # The parts that need no judge are still there
    assert evaluation["client"]["fidelity"] is not None and evaluation["cost"]["parts"]
    # The judge was asked twice (one more attempt), then the failure was stored
    assert fake_openai.count("/chat/completions") >= 2
    view = get(events_fn, f"/call/{call.call_id}")
    assert view["summary"]["topics"]["covered"] is None
    row = get(events_fn, "/calls")["calls"][0]
    assert row["evaluation"]["status"] == "failed"
    assert row["evaluation"]["operator_score"] is None


def test_a_call_that_never_connected_gets_a_failed_evaluation_with_a_cost(stack: Stack) -> None:
    events_fn = stack.events
    call = place(stack.start_call, stack.fake_vox)
    post_events(
        events_fn,
        call,
        [
            ev(1, "dialing", 0),
            ev(2, "failed", 100, code=486, reason="Busy Here"),
            ev(3, "ended", 101, reason="failed", hangup_by="system", duration_ms=0),
        ],
    )
    run_stream(stack.aws, stack.evaluate)
    evaluation = get(events_fn, f"/call/{call.call_id}")["evaluation"]
    assert evaluation["status"] == "failed"
    assert evaluation["reason"].startswith("no_conversation")
    assert evaluation["cost"]["parts"][0]["id"] == "pstn"


def test_hybrid_usage_and_spoken_lines_reach_the_cost_and_the_verbatim_check(
    stack: Stack,
) -> None:
    usage = {
        "total_tokens": 1700,
        "input_tokens": 1200,
        "output_tokens": 500,
        "input_token_details": {
            "text_tokens": 1000,
            "audio_tokens": 200,
            "cached_tokens": 400,
            "cached_tokens_details": {"text_tokens": 400, "audio_tokens": 0},
            "some_new_field": 1,
        },
        "output_token_details": {"text_tokens": 100, "audio_tokens": 400},
    }
    extra = [
        {"type": "usage", "source": "realtime", "model": "gpt-realtime-mini", "usage": usage},
        {"type": "usage", "source": "realtime", "model": "gpt-realtime-mini", "usage": usage},
        {"type": "usage", "source": "transcription", "model": "gpt-4o-transcribe",
         "usage": {"type": "duration", "seconds": 90}},
        {"type": "spoken", "turn": 1, "line": "Цена какая?", "text": "Цена какая?"},
        {"type": "spoken", "turn": 2, "line": "А кредит есть?", "text": "Ну а кредит у вас есть?"},
    ]  # fmt: skip
    stack.aws.put_param("openai/key_mode", "voximplant_secret")  # the scenario's own key
    call = dialog_call(stack, operator_lines("car_buyer"), extra, scenario="realtime")
    run_stream(stack.aws, stack.evaluate)
    evaluation = get(stack.events, f"/call/{call.call_id}")["evaluation"]
    parts = {p["id"]: p for p in evaluation["cost"]["parts"]}
    realtime = parts["realtime:gpt-realtime-mini"]
    # 2 x (600 text in + 400 cached + 200 audio in + 100 text out + 400 audio out), 2025 prices
    per_call = (600 * 0.6 + 400 * 0.06 + 200 * 10 + 100 * 2.4 + 400 * 20) / 1e6
    assert realtime["usd"] == pytest.approx(2 * per_call)
    assert parts["transcription:gpt-4o-transcribe"]["quantity"] == pytest.approx(1.5)
    verbatim = evaluation["client"]["verbatim"]
    assert [t["turn"] for t in verbatim["turns"]] == [1, 2]
    assert verbatim["turns"][0]["wer"] == 0 and verbatim["turns"][1]["wer"] > 0.15
    assert verbatim["deviations"] == 1


def test_a_usage_event_that_is_not_a_usage_is_refused(stack: Stack) -> None:
    call = place(stack.start_call, stack.fake_vox)
    event = load_event("post_events.json")
    event["path"] = event["path"].replace("0123456789abcdef0123456789abcdef", call.call_id)
    event["pathParameters"] = {"call_id": call.call_id}
    event["headers"]["Authorization"] = f"Bearer {call.token}"
    event["multiValueHeaders"]["Authorization"] = [f"Bearer {call.token}"]
    bad = {"input_tokens": -1}
    body = {"events": [{"seq": 1, "type": "usage", "t": T0, "source": "realtime", "usage": bad}]}
    event["body"] = json.dumps(body)
    result = stack.events.handler(event, LambdaContext())
    assert result["statusCode"] == 422
    assert json.loads(result["body"])["field"] == "events[0].usage.input_tokens"
