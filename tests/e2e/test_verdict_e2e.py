"""The verdict on the local stack, end to end: simulated calls, the stream poller running the
evaluate function right after each hang-up, GET /call/{id} and GET /calls (issue 10's "Done when").
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
import requests
import yaml

from tests.conftest import ROOT
from tests.e2e.conftest import RunningStack, start_stack, stop_stack
from tests.e2e.test_calls_e2e import _call, _operator

pytestmark = pytest.mark.e2e

OPERATORS = ROOT / "dev" / "vclient_dev" / "operators"


def script(name: str) -> dict[str, Any]:
    return dict(yaml.safe_load((OPERATORS / f"{name}.yaml").read_text(encoding="utf-8")))


def evaluated(stack: RunningStack, call_id: str, wait_s: float = 120) -> dict[str, Any]:
    """The call's view once its evaluation is stored (the poller runs it after the hang-up)."""
    deadline = time.monotonic() + wait_s
    view: dict[str, Any] = {}
    while time.monotonic() < deadline:
        view = requests.get(
            f"{stack.api}/call/{call_id}", headers={"x-api-key": stack.api_key}, timeout=10
        ).json()
        if view["evaluation"]["status"] != "pending":
            return view
        time.sleep(0.2)
    raise AssertionError(f"no evaluation within {wait_s} s: {view.get('evaluation')}")


def call(stack: RunningStack, operator: str, **body: Any) -> dict[str, Any]:
    _operator(stack, script(operator))
    view, report = _call(stack, **body)
    assert report["ok"] is True, report["violations"]
    return evaluated(stack, view["call_id"])


def dialog_car(trainee: str) -> dict[str, Any]:
    return {"scenario": "dialog", "persona": "car_buyer", "labels": {"trainee": trainee}}


def list_calls(stack: RunningStack, query: str) -> dict[str, Any]:
    response = requests.get(
        f"{stack.api}/calls?{query}", headers={"x-api-key": stack.api_key}, timeout=10
    )
    assert response.status_code == 200, response.text
    return dict(response.json())


def quoted_in_transcript(view: dict[str, Any], quote: dict[str, Any]) -> bool:
    return any(
        line.get("turn") == quote["turn"] and quote["text"] in line["text"]
        for line in view["transcript"]
    )


def test_good_and_evasive_operators_on_one_persona_and_engine(stack: RunningStack) -> None:
    trainee = f"t{uuid.uuid4().hex[:8]}"
    good = call(stack, "car_buyer", **dialog_car(trainee))
    bad = call(stack, "car_buyer_evasive", **dialog_car(trainee))
    a, b = good["evaluation"], bad["evaluation"]
    assert a["status"] == b["status"] == "done"
    assert a["method"] == b["method"] == "heuristic"
    # Clearly different operator scores
    assert a["operator"]["level"] == "good" and b["operator"]["level"] == "poor"
    assert a["operator"]["score"] - b["operator"]["score"] >= 40
    # With quoted evidence, each quote found in that turn of the call's own transcript
    for view in (good, bad):
        quotes = [q for item in view["evaluation"]["operator"]["checklist"] for q in item["quotes"]]
        assert quotes, "no evidence quoted"
        assert all(quoted_in_transcript(view, q) for q in quotes)
    refused = {i["id"]: i for i in b["operator"]["checklist"]}["availability"]
    assert refused["status"] == "no" and refused["reason"] == "refused"
    evasive_lines = [line["say"] for line in script("car_buyer_evasive")["lines"] if "say" in line]
    assert refused["quotes"][0]["text"] in evasive_lines  # one of its refusals, quoted
    answered = {i["id"]: i for i in a["operator"]["checklist"]}["price"]
    assert answered["status"] == "yes" and "три миллиона" in answered["quotes"][0]["text"]
    # And the list of that trainee's calls is exactly these two, newest first, with headlines
    rows = list_calls(stack, f"label=trainee:{trainee}")["calls"]
    assert [r["call_id"] for r in rows] == [bad["call_id"], good["call_id"]]
    assert [r["evaluation"]["operator_score"] for r in rows] == [
        b["operator"]["score"],
        a["operator"]["score"],
    ]


def test_the_same_good_operator_gets_the_same_coverage_on_every_engine(
    stack: RunningStack,
) -> None:
    run = f"r{uuid.uuid4().hex[:8]}"
    views = {
        engine: call(stack, "car_buyer", scenario=engine, persona="car_buyer", labels={"run": run})
        for engine in ("dialog", "realtime", "realtime_pure")
    }
    coverage = {e: v["summary"]["topics"] for e, v in views.items()}
    assert {(t["covered"], t["total"]) for t in coverage.values()} == {(5, 5)}, coverage
    assert len({tuple(t["ids"]) for t in coverage.values()}) == 1, coverage
    for engine, view in views.items():
        # one number: the summary's coverage is the evaluation's
        assert view["summary"]["topics"]["ids"] == view["evaluation"]["topics"]["ids"], engine
        cost = view["evaluation"]["cost"]
        # Every call shows a cost, its parts named; an unknown price stays unknown, never 0
        assert cost["parts"] and cost["pricing_as_of"]
        assert cost["total_usd"] == "unknown" or cost["total_usd"] > 0
        if engine != "dialog":
            # the scenarios' usage reached the cost (the emulator's figures are simulated)
            tokens = [p for p in cost["parts"] if p["id"].startswith("realtime:")]
            assert tokens and tokens[0]["quantity"] > 0, cost["parts"]
    verbatim = views["realtime"]["evaluation"]["client"]["verbatim"]
    assert verbatim and verbatim["turns"] and verbatim["mean_wer"] == 0
    rows = list_calls(stack, f"label=run:{run}")["calls"]
    assert sorted(r["engine"] for r in rows) == ["dialog", "realtime", "realtime_pure"]
    assert all(r["evaluation"]["cost_usd"] is not None for r in rows)


def test_list_filters_and_paging_on_the_stack(stack: RunningStack) -> None:
    trainee = f"p{uuid.uuid4().hex[:8]}"
    other = f"o{uuid.uuid4().hex[:8]}"
    mine = [call(stack, "car_buyer", **dialog_car(trainee))["call_id"] for _ in range(2)]
    theirs = call(stack, "car_buyer", **dialog_car(other))
    assert [r["call_id"] for r in list_calls(stack, f"label=trainee:{other}")["calls"]] == [
        theirs["call_id"]
    ]
    seen: list[str] = []
    query = f"label=trainee:{trainee}&limit=1"
    page = list_calls(stack, query)
    seen += [r["call_id"] for r in page["calls"]]
    while page["next_cursor"]:
        page = list_calls(stack, f"{query}&cursor={page['next_cursor']}")
        seen += [r["call_id"] for r in page["calls"]]
    assert seen == mine[::-1]
    bad = requests.get(
        f"{stack.api}/calls?label=trainee", headers={"x-api-key": stack.api_key}, timeout=10
    )
    assert bad.status_code == 422 and bad.json()["field"] == "label"
    assert requests.get(f"{stack.api}/calls", timeout=10).status_code == 403  # API key needed


@pytest.fixture(scope="module")
def llm_stack() -> Iterator[tuple[RunningStack, Any]]:
    """A stack whose OpenAI is the local fake (judge timeout 2 s), with a key in its secret."""
    import boto3

    from vclient_dev.fake_openai import FakeOpenAI

    fake = FakeOpenAI().start()
    running = start_stack(
        {"OPENAI_BASE_URL": fake.url, "JUDGE_TIMEOUT_S": "2", "SECRET_MAX_AGE_S": "0"}
    )
    boto3.client(
        "secretsmanager",
        endpoint_url=running.aws,
        region_name="us-east-1",
        aws_access_key_id="local",
        aws_secret_access_key="local",
    ).put_secret_value(
        SecretId=f"{running.prefix}/openai-api-key", SecretString='{"api_key": "sk-test-fake"}'
    )
    yield running, fake
    stop_stack(running)
    fake.stop()


@pytest.mark.parametrize(
    ("config", "status", "reason"),
    [
        ({"judge": "valid", "delay_ms": 0}, "done", None),
        ({"judge": "malformed", "delay_ms": 0}, "failed", "malformed"),
        ({"judge": "valid", "delay_ms": 2600}, "failed", "judge_error"),
    ],
)
def test_the_llm_judge_against_the_fake_openai(
    llm_stack: tuple[RunningStack, Any], config: dict[str, Any], status: str, reason: str | None
) -> None:
    stack, fake = llm_stack
    # The pure realtime engine makes no text-model turns: the only chat completion is the judge's
    # (set before the call: the evaluation starts right at the hang-up)
    for key, value in config.items():
        setattr(fake, key, value)
    _operator(stack, script("car_buyer"))
    view, _report = _call(stack, scenario="realtime_pure", persona="car_buyer")
    evaluation = evaluated(stack, view["call_id"])["evaluation"]
    assert evaluation["method"] == "llm" and evaluation["status"] == status, evaluation
    assert evaluation["prompt_version"].startswith("verdict-judge/")
    if status == "done":
        assert evaluation["operator"]["score"] == 100 and evaluation["model"]
    else:
        # never a score: the failure and its reason
        assert evaluation["reason"].startswith(reason), evaluation["reason"]
        assert evaluation["operator"] is None and evaluation["topics"] is None
        assert evaluation["cost"]["parts"]
