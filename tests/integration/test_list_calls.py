"""Labels on POST /call and GET /calls (filters, paging, bad filters) through the real handlers."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qs

import pytest

from tests.conftest import LambdaContext, import_function, load_event
from tests.integration.scenario_calls import place


@pytest.fixture
def start_call(function_env: dict[str, dict[str, str]], monkeypatch: pytest.MonkeyPatch) -> Any:
    return import_function("start_call", function_env["StartCallFunction"], monkeypatch)


@pytest.fixture
def events_fn(function_env: dict[str, dict[str, str]], monkeypatch: pytest.MonkeyPatch) -> Any:
    return import_function("events", function_env["EventsFunction"], monkeypatch)


def post_call(module: Any, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    event = load_event("post_call.json")
    event["body"] = json.dumps({"to": "+79161234567", **body})
    result = module.handler(event, LambdaContext())
    return result["statusCode"], json.loads(result["body"])


def get(module: Any, path: str, query: str = "") -> tuple[int, dict[str, Any]]:
    event = load_event("get_call.json")
    event["resource"] = event["requestContext"]["resourcePath"] = path
    event["path"] = path
    event["requestContext"]["path"] = f"/prod{path}"
    event["pathParameters"] = None
    multi = parse_qs(query, keep_blank_values=True) if query else None
    event["multiValueQueryStringParameters"] = multi
    event["queryStringParameters"] = {k: v[-1] for k, v in multi.items()} if multi else None
    result = module.handler(event, LambdaContext())
    return result["statusCode"], json.loads(result["body"])


def get_call(module: Any, call_id: str) -> dict[str, Any]:
    status, body = get(module, f"/call/{call_id}")
    assert status == 200, body
    return body


def test_labels_are_stored_and_returned(start_call: Any, events_fn: Any, fake_vox: Any) -> None:
    status, body = post_call(start_call, {"labels": {"trainee": " ivanov ", "team": "north"}})
    assert status == 202, body
    assert body["labels"] == {"trainee": "ivanov", "team": "north"}
    assert get_call(events_fn, body["call_id"])["labels"] == {"trainee": "ivanov", "team": "north"}


@pytest.mark.parametrize(
    ("labels", "says"),
    [
        ({f"k{i}": "v" for i in range(11)}, "at most 10 labels"),
        ({"Trainee": "x"}, "must be 1 to 32 of a-z"),
        ({"a" * 33: "x"}, "must be 1 to 32 of a-z"),
        ({"trainee": "x" * 101}, "1 to 100 characters"),
        ({"trainee": ""}, "1 to 100 characters"),
        ({"trainee": 5}, "must be a string"),
        (["trainee"], "valid dictionary"),
    ],
)
def test_bad_labels_are_422_with_the_field(
    start_call: Any, fake_vox: Any, labels: Any, says: str
) -> None:
    status, body = post_call(start_call, {"labels": labels})
    assert status == 422, body
    assert body["code"] == "validation_error"
    assert body["field"] == "labels"
    assert says in body["message"]
    assert not [r for r in fake_vox.requests if r["cmd"] == "StartScenarios"]


def ids(page: dict[str, Any]) -> list[str]:
    return [row["call_id"] for row in page["calls"]]


def test_calls_newest_first_with_filters(
    start_call: Any, events_fn: Any, fake_vox: Any, aws: Any
) -> None:
    made = []
    for i, (engine, trainee) in enumerate(
        [("dialog", "a"), ("realtime", "b"), ("dialog", "b"), ("realtime_pure", "a")]
    ):
        labels = {"trainee": trainee, "team": "north" if i % 2 else "south"}
        made.append(place(start_call, fake_vox, scenario=engine, labels=labels).call_id)

    status, page = get(events_fn, "/calls")
    assert status == 200, page
    assert ids(page) == made[::-1]
    assert page["next_cursor"] is None
    first = page["calls"][0]
    assert first["engine"] == "realtime_pure" and first["labels"]["trainee"] == "a"
    assert first["status"] == "starting" and first["created_at"]
    assert {"connected_at", "ended_at", "ending", "duration_ms", "voice_to_voice_p50_ms"} <= set(
        first
    )
    assert first["evaluation"] is None  # not evaluated yet: no headline, never a 0

    assert ids(get(events_fn, "/calls", "label=trainee:b")[1]) == [made[2], made[1]]
    assert ids(get(events_fn, "/calls", "label=trainee:b&label=team:north")[1]) == [made[1]]
    assert ids(get(events_fn, "/calls", "engine=dialog")[1]) == [made[2], made[0]]
    assert ids(get(events_fn, "/calls", "engine=dialog&label=trainee:a")[1]) == [made[0]]
    assert ids(get(events_fn, "/calls", "persona=car_buyer&status=starting")[1]) == made[::-1]
    assert ids(get(events_fn, "/calls", "status=completed")[1]) == []
    assert ids(get(events_fn, "/calls", "label=trainee:nobody")[1]) == []


def test_paging_walks_every_call_once(start_call: Any, events_fn: Any, fake_vox: Any) -> None:
    made = [place(start_call, fake_vox, labels={"trainee": "p"}).call_id for _ in range(5)]
    seen: list[str] = []
    cursor = None
    pages = 0
    while True:
        query = "limit=2" + (f"&cursor={cursor}" if cursor else "")
        status, page = get(events_fn, "/calls", query)
        assert status == 200, page
        assert len(page["calls"]) <= 2
        seen += ids(page)
        pages += 1
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == made[::-1]
    assert pages == 3


def test_since_and_until_bound_the_window(
    start_call: Any, events_fn: Any, fake_vox: Any, aws: Any
) -> None:
    made = [place(start_call, fake_vox).call_id for _ in range(3)]
    times = [aws.call_item(call_id)["created_at"] for call_id in made]
    # since is inclusive, until exclusive
    query = f"since={times[1]}&until={times[2]}".replace("+", "%2B")
    assert ids(get(events_fn, "/calls", query)[1]) == ([made[1]] if times[1] != times[2] else [])
    assert ids(get(events_fn, "/calls", "until=2000-01-01")[1]) == []
    assert len(ids(get(events_fn, "/calls", "since=2000-01-01")[1])) == 3


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("engine=voice", "engine"),
        ("status=done", "status"),
        ("label=trainee", "label"),
        ("label=Trainee:x", "label"),
        ("label=trainee:", "label"),
        ("limit=0", "limit"),
        ("limit=101", "limit"),
        ("limit=ten", "limit"),
        ("since=yesterday", "since"),
        ("since=2026-12-02&until=2026-12-01", None),
        ("cursor=bm90LWEtY3Vyc29y", "cursor"),
        ("cursor=%%%", "cursor"),
        ("engine=dialog&engine=realtime", "engine"),
        ("sort=asc", "sort"),
    ],
)
def test_bad_filters_are_422(events_fn: Any, query: str, field: str | None) -> None:
    status, body = get(events_fn, "/calls", query)
    assert status == 422, body
    assert body["code"] == "validation_error"
    assert body.get("field") == field
    assert body["message"]
