"""Batches through the real handlers on moto: validation, idempotency, actions, and the worker's
ticks (a duplicate tick, a worker that died after dialing, Voximplant's "too many")."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.conftest import LambdaContext, import_function, load_event
from vclient.dal.calls_table import to_item
from vclient_dev.fake_vox import Fault

GOOD = {
    "persona": "car_buyer",
    "engines": ["dialog", "realtime"],
    "targets": [{"to": "+79160000001"}, {"to": "+79160000002", "labels": {"trainee": "anna"}}],
    "repeats": 1,
    "max_concurrent": 2,
    "labels": {"team": "north"},
}


@pytest.fixture
def batches(function_env: dict[str, dict[str, str]], monkeypatch: pytest.MonkeyPatch) -> Any:
    return import_function("batches", function_env["BatchesFunction"], monkeypatch)


@pytest.fixture
def worker(function_env: dict[str, dict[str, str]], monkeypatch: pytest.MonkeyPatch) -> Any:
    return import_function("batches", function_env["BatchWorkerFunction"], monkeypatch, "worker")


def request(
    module: Any, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None
) -> tuple[int, dict[str, Any]]:
    event = load_event("post_call.json")
    event["httpMethod"] = method
    event["path"] = path
    event["resource"] = path if path == "/batches" else "/batches/{batch_id}"
    event["requestContext"]["path"] = f"/local{path}"
    event["requestContext"]["httpMethod"] = method
    event["body"] = None if body is None else json.dumps(body)
    for key, value in (headers or {}).items():
        event["headers"][key] = value
        event["multiValueHeaders"][key] = [value]
    result = module.handler(event, LambdaContext())
    return result["statusCode"], json.loads(result["body"])


def starts(fake_vox: Any) -> list[dict[str, Any]]:
    return [r for r in fake_vox.requests if r["cmd"] == "StartScenarios"]


def queued_ticks(aws: Any, *, wait_s: int = 0) -> list[dict[str, Any]]:
    """The queued ticks, taken off the queue (``wait_s``: also those delayed up to that long)."""
    import boto3

    sqs = boto3.client("sqs")
    url = aws.done.names["BatchQueue"]
    out = []
    for _ in range(5):
        answer = sqs.receive_message(
            QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=wait_s if not out else 0
        )
        for message in answer.get("Messages", []):
            out.append(json.loads(message["Body"]))
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
    return out


def end_call(aws: Any, call_id: str, status: str = "completed") -> None:
    aws.clients["dynamodb"].update_item(
        TableName=aws.done.names["CallsTable"],
        Key=to_item({"pk": call_id, "sk": "CALL"}),
        UpdateExpression="SET #s = :s, ended_at = :e",
        ExpressionAttributeNames={"#s": "status"},
        ExpressionAttributeValues=to_item({":s": status, ":e": "2026-12-03T00:00:00.000+00:00"}),
    )


@pytest.mark.parametrize(
    ("change", "status", "field"),
    [
        ({"targets": []}, 422, "targets"),
        ({"engines": []}, 422, "engines"),
        ({"engines": ["dialog", "dialog"]}, 422, "engines"),
        ({"targets": [{"to": "89160000001"}]}, 422, "targets.0.to"),
        ({"targets": [{"to": "+79160000001"}, {"to": "+79160000001"}]}, 422, None),
        (
            {"targets": [{"to": f"+7916000{i:04d}"} for i in range(50)], "repeats": 4},
            422,
            None,
        ),
        ({"repeats": 0}, 422, "repeats"),
        ({"max_concurrent": 21}, 422, "max_concurrent"),
        ({"labels": {"batch": "x"}}, 422, "labels"),
        ({"labels": {"Bad Key": "x"}}, 422, "labels"),
        ({"window": {"timezone": "Mars/Olympus", "from": "09:00", "to": "18:00"}}, 422, None),
        ({"window": {"timezone": "UTC", "from": "9am", "to": "18:00"}}, 422, None),
        ({"retry": {"on": ["completed"]}}, 422, None),
        ({"persona": "nobody"}, 422, "persona"),
        ({"targets": [{"to": "+12025550100"}]}, 403, "targets.0.to"),
        ({"surprise": 1}, 422, "surprise"),
    ],
)
def test_a_bad_batch_is_refused_with_a_field_and_nothing_is_queued(
    batches: Any, aws: Any, change: dict[str, Any], status: int, field: str | None
) -> None:
    # When a batch with one bad part is posted
    code, body = request(batches, "POST", "/batches", {**GOOD, **change})
    # Then it is refused with a machine-readable code and a sentence, and nothing is queued
    assert code == status, body
    assert body["code"] in ("validation_error", "destination_not_allowed")
    assert body["message"]
    if field is not None:
        assert body.get("field") == field, body
    assert queued_ticks(aws) == []


def test_a_batch_is_stored_with_one_item_per_target_engine_and_repeat(
    batches: Any, aws: Any
) -> None:
    # When a good batch is posted
    code, body = request(batches, "POST", "/batches", {**GOOD, "repeats": 2})
    # Then it is accepted with its size, and one tick is queued
    assert code == 202, body
    assert body["calls"] == 2 * 2 * 2 and body["state"] == "queued"
    assert queued_ticks(aws) == [{"batch": body["batch_id"], "seq": 0}]
    # And GET shows every item queued, counted per engine
    code, view = request(batches, "GET", f"/batches/{body['batch_id']}")
    assert code == 200
    assert view["counts"]["by_state"] == {"queued": 8}
    assert view["counts"]["by_engine"] == {"dialog": {"queued": 4}, "realtime": {"queued": 4}}
    # And each round covers every engine before the next repeat
    assert [(i["to"][-1], i["engine"], i["repeat"]) for i in view["items"][:4]] == [
        ("1", "dialog", 1),
        ("1", "realtime", 1),
        ("2", "dialog", 1),
        ("2", "realtime", 1),
    ]


def test_idempotency_key_gives_the_first_batch_back(batches: Any, aws: Any) -> None:
    headers = {"Idempotency-Key": "batch-123"}
    code, first = request(batches, "POST", "/batches", GOOD, headers)
    assert code == 202
    code, again = request(batches, "POST", "/batches", GOOD, headers)
    assert code == 202 and again == first
    assert len(queued_ticks(aws)) == 1
    code, other = request(batches, "POST", "/batches", {**GOOD, "repeats": 2}, headers)
    assert code == 422 and other["code"] == "idempotency_key_reused"


def test_unknown_batch_bad_id_and_bad_action(batches: Any) -> None:
    assert request(batches, "GET", "/batches/" + "0" * 32)[0] == 404
    code, body = request(batches, "GET", "/batches/nope")
    assert code == 422 and body["field"] == "batch_id"
    code, created = request(batches, "POST", "/batches", GOOD)
    code, body = request(batches, "POST", f"/batches/{created['batch_id']}/explode")
    assert code == 404 and body["code"] == "not_found"


def test_pause_resume_cancel_move_the_state_and_refuse_what_cannot_be(batches: Any) -> None:
    _, created = request(batches, "POST", "/batches", GOOD)
    path = f"/batches/{created['batch_id']}"
    assert request(batches, "POST", f"{path}/pause") == (
        200,
        {"batch_id": created["batch_id"], "state": "paused"},
    )
    assert request(batches, "POST", f"{path}/resume")[1]["state"] == "running"
    assert request(batches, "POST", f"{path}/cancel")[1]["state"] == "cancelled"
    # Then every unstarted item is cancelled, and a cancelled batch cannot resume
    view = request(batches, "GET", path)[1]
    assert view["counts"]["by_state"] == {"cancelled": 4}
    code, body = request(batches, "POST", f"{path}/resume")
    assert code == 409 and body["code"] == "conflict" and body["state"] == "cancelled"


def test_a_duplicate_tick_changes_nothing_and_dials_nobody(
    batches: Any, worker: Any, aws: Any, fake_vox: Any
) -> None:
    # Given a batch of four calls, two at a time
    _, created = request(batches, "POST", "/batches", GOOD)
    [tick] = queued_ticks(aws)
    # When its first tick is delivered twice
    worker.worker.tick(tick)
    worker.worker.tick(tick)
    # Then two calls were dialed, once each, with the batch and attempt labels
    assert len(starts(fake_vox)) == 2
    view = request(batches, "GET", f"/batches/{created['batch_id']}")[1]
    assert view["counts"]["by_state"] == {"live": 2, "queued": 2}
    call = aws.call_item(view["calls"][0]["call_id"])
    assert call["labels"]["batch"] == created["batch_id"]
    assert call["labels"]["attempt"] == "1" and call["labels"]["team"] == "north"
    # And only one next tick is queued
    assert queued_ticks(aws, wait_s=2) == [{"batch": created["batch_id"], "seq": 1}]


def test_a_worker_that_died_after_dialing_never_dials_twice(
    batches: Any, worker: Any, aws: Any, fake_vox: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a one-call batch whose worker dies right after Voximplant started the call
    body = {**GOOD, "engines": ["dialog"], "targets": [{"to": "+79160000001"}]}
    _, created = request(batches, "POST", "/batches", body)
    [tick] = queued_ticks(aws)
    repo = worker.worker.repo
    real_add_call = repo.add_call
    monkeypatch.setattr(repo, "add_call", lambda *a, **k: (_ for _ in ()).throw(TimeoutError()))
    with pytest.raises(TimeoutError):
        worker.worker.tick(tick)
    assert len(starts(fake_vox)) == 1
    monkeypatch.setattr(repo, "add_call", real_add_call)
    # When SQS delivers it again while the claim is fresh, the handler hands it back to SQS
    answer = worker.handler({"Records": [_record(tick)]}, LambdaContext())
    assert answer == {"batchItemFailures": [{"itemIdentifier": "m-1"}]}
    # When SQS delivers the same tick again after its visibility timeout (the claim is stale)
    clock = worker.worker.now
    monkeypatch.setattr(worker.worker, "now", lambda: clock() + 200)
    worker.handler(
        {"Records": [_record(tick)]},
        LambdaContext(),
    )
    # Then the call is stored on the item, and Voximplant was asked once in all
    assert len(starts(fake_vox)) == 1
    view = request(batches, "GET", f"/batches/{created['batch_id']}")[1]
    assert view["counts"]["by_state"] == {"live": 1}
    assert len(view["calls"]) == 1


def test_voximplant_too_many_backs_off_without_using_an_attempt(
    batches: Any, worker: Any, aws: Any, fake_vox: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a one-call batch and Voximplant answering "concurrent resource limit" once
    body = {**GOOD, "engines": ["dialog"], "targets": [{"to": "+79160000001"}]}
    _, created = request(batches, "POST", "/batches", body)
    [tick] = queued_ticks(aws)
    fake_vox.faults.append(Fault(kind="error", code=314, msg="limit", cmd="StartScenarios"))
    # When the first tick tries to start it
    worker.worker.tick(tick)
    # Then the item waits, still before its first attempt, and the slot is free again
    view = request(batches, "GET", f"/batches/{created['batch_id']}")[1]
    assert view["items"][0]["state"] == "waiting" and view["items"][0]["attempt"] == 0
    assert view["live"] == 0 and view["calls"] == []
    # And once the backoff has passed, the next tick dials it as attempt 1
    [next_tick] = queued_ticks(aws, wait_s=2)
    clock = worker.worker.now
    monkeypatch.setattr(worker.worker, "now", lambda: clock() + 60)
    worker.worker.tick(next_tick)
    view = request(batches, "GET", f"/batches/{created['batch_id']}")[1]
    assert view["items"][0]["state"] == "live" and view["items"][0]["attempt"] == 1


def test_an_ended_call_frees_its_slot_and_a_listed_outcome_is_retried(
    batches: Any, worker: Any, aws: Any, fake_vox: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a batch of two targets on one engine, one slot, retry on busy up to twice
    body = {
        **GOOD,
        "engines": ["dialog"],
        "max_concurrent": 1,
        "retry": {"on": ["busy"], "max_attempts": 2, "backoff_s": [30]},
    }
    _, created = request(batches, "POST", "/batches", body)
    path = f"/batches/{created['batch_id']}"
    worker.worker.tick(queued_ticks(aws, wait_s=2)[0])
    first = request(batches, "GET", path)[1]
    assert first["counts"]["by_state"] == {"live": 1, "queued": 1}
    # When the first call ends busy
    end_call(aws, first["calls"][0]["call_id"], "busy")
    worker.worker.tick(queued_ticks(aws, wait_s=2)[0])
    # Then the slot went to the second target, and the first waits for its backoff
    view = request(batches, "GET", path)[1]
    assert [i["state"] for i in view["items"]] == ["waiting", "live"]
    assert view["items"][0]["outcome"] == "busy" and view["items"][0]["attempt"] == 1
    # When the second completes and the backoff has passed
    end_call(aws, view["calls"][1]["call_id"], "completed")
    clock = worker.worker.now
    monkeypatch.setattr(worker.worker, "now", lambda: clock() + 31)
    worker.worker.tick(queued_ticks(aws, wait_s=2)[0])
    # Then the first target is dialed again as attempt 2; the completed one is not
    view = request(batches, "GET", path)[1]
    assert [(i["state"], i["attempt"]) for i in view["items"]] == [("live", 2), ("done", 1)]
    assert aws.call_item(view["items"][0]["calls"][1])["labels"]["attempt"] == "2"
    assert len(starts(fake_vox)) == 3


def _record(message: dict[str, Any]) -> dict[str, Any]:
    from vclient_dev.local_batches import sqs_event

    body = json.dumps(message)
    return sqs_event(
        {"MessageId": "m-1", "ReceiptHandle": "r-1", "Body": body},
        "arn:aws:sqs:us-east-1:123456789012:q",
    )["Records"][0]


@pytest.fixture
def reports(function_env: dict[str, dict[str, str]], monkeypatch: pytest.MonkeyPatch) -> Any:
    return import_function("reports", function_env["ReportsFunction"], monkeypatch)


def get_report(module: Any, query: dict[str, list[str]]) -> tuple[int, dict[str, Any]]:
    event = load_event("get_call.json")
    event["path"] = event["requestContext"]["path"] = "/reports/compare"
    event["resource"] = "/reports/compare"
    event["pathParameters"] = None
    event["multiValueQueryStringParameters"] = query or None
    event["queryStringParameters"] = {k: v[-1] for k, v in query.items()} or None
    result = module.handler(event, LambdaContext())
    return result["statusCode"], json.loads(result["body"])


@pytest.mark.parametrize(
    ("query", "status", "field"),
    [
        ({}, 422, "batch"),
        ({"batch": ["nope"]}, 422, "batch"),
        ({"batch": ["0" * 32, "1" * 32]}, 422, "batch"),
        ({"batch": ["0" * 32], "persona": ["car_buyer"]}, 422, "batch"),
        ({"colour": ["red"]}, 422, "colour"),
        ({"since": ["yesterday"]}, 422, "since"),
        ({"label": ["nocolon"]}, 422, "label"),
        ({"batch": ["0" * 32]}, 404, None),
    ],
)
def test_the_report_refuses_what_it_cannot_answer(
    reports: Any, query: dict[str, list[str]], status: int, field: str | None
) -> None:
    code, body = get_report(reports, query)
    assert code == status, body
    assert body["message"]
    if field:
        assert body["field"] == field


def test_a_report_over_no_matching_calls_says_so(reports: Any) -> None:
    code, body = get_report(reports, {"persona": ["car_buyer"]})
    assert code == 200, body
    assert body["calls"] == 0 and body["engines"] == [] and body["timing"] == "simulated"
