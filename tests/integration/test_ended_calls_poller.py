"""The local stack's trigger of the evaluate function (``EndedCallsPoller``) against moto's table:
each ended call handed over once, however long it ran, while each poll reads only recent calls."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from vclient_dev.streams import OPEN_WINDOW, EndedCallsPoller


def _iso(at: datetime) -> str:
    return at.strftime("%Y-%m-%dT%H:%M:%S.") + f"{at.microsecond // 1000:03d}Z"


def _put(aws: Any, call_id: str, created: datetime, status: str) -> None:
    aws.clients["dynamodb"].put_item(
        TableName=aws.done.names["CallsTable"],
        Item={
            "pk": {"S": call_id},
            "sk": {"S": "CALL"},
            "listed": {"S": "call"},
            "call_id": {"S": call_id},
            "created_at": {"S": _iso(created)},
            "status": {"S": status},
        },
    )


def _poller(aws: Any, handed: list[str], fail: set[str] | None = None) -> EndedCallsPoller:
    def handler(event: dict[str, Any]) -> dict[str, Any]:
        call_id = event["Records"][0]["dynamodb"]["Keys"]["pk"]["S"]
        handed.append(call_id)
        if call_id in (fail or set()):
            return {"batchItemFailures": [{"itemIdentifier": "1"}]}
        return {}

    return EndedCallsPoller(
        dynamodb=aws.clients["dynamodb"],
        table=aws.done.names["CallsTable"],
        handler=handler,
        max_retries=1,
    )


def test_each_ended_call_once_and_an_open_call_when_it_ends(aws: Any) -> None:
    now = datetime.now(UTC)
    _put(aws, "c-done", now - timedelta(seconds=30), "completed")
    _put(aws, "c-live", now - timedelta(seconds=20), "connected")
    handed: list[str] = []
    poller = _poller(aws, handed)
    # Given one ended call and one still live: only the ended one is handed over
    assert poller.poll_once() == 1
    assert handed == ["c-done"]
    # And not again on the next poll
    assert poller.poll_once() == 0
    # When the live call ends (and newer calls came meanwhile), it is handed over once
    _put(aws, "c-new", now, "dialing")
    _put(aws, "c-live", now - timedelta(seconds=20), "busy")
    assert poller.poll_once() == 1
    assert handed == ["c-done", "c-live"]


def test_a_long_open_call_does_not_hold_the_window_and_is_still_handed_over(aws: Any) -> None:
    now = datetime.now(UTC)
    old = now - OPEN_WINDOW - timedelta(minutes=10)
    _put(aws, "c-stuck", old, "connected")
    for n in range(3):
        _put(aws, f"c-{n}", now - timedelta(seconds=n), "completed")
    handed: list[str] = []
    poller = _poller(aws, handed)
    assert poller.poll_once() == 3
    # The window starts near the newest call, not at the old open one (read by key instead)
    assert poller._since is not None and poller._since > _iso(old)
    assert "c-stuck" in poller._stragglers
    # When the old call finally ends, it is handed over
    _put(aws, "c-stuck", old, "completed")
    assert poller.poll_once() == 1
    assert handed[-1] == "c-stuck"
    assert poller._stragglers == {}


def test_a_failed_hand_over_is_tried_again_then_dropped(aws: Any) -> None:
    now = datetime.now(UTC)
    _put(aws, "c-bad", now, "completed")
    handed: list[str] = []
    poller = _poller(aws, handed, fail={"c-bad"})
    poller.poll_once()
    poller.poll_once()
    poller.poll_once()
    assert handed == ["c-bad", "c-bad"]  # max_retries 1: the first try and one more
    assert poller.dropped == 1


def test_no_write_since_the_last_poll_no_query(aws: Any) -> None:
    writes = [0]
    queries: list[str] = []
    handed: list[str] = []
    poller = _poller(aws, handed)
    poller.changes = lambda: writes[0]
    real_query = aws.clients["dynamodb"].query

    def counting_query(**kwargs: Any) -> Any:
        queries.append(kwargs["IndexName"])
        return real_query(**kwargs)

    poller.dynamodb = type("Counting", (), {"query": staticmethod(counting_query)})()
    assert poller.poll_once() == 0
    assert poller.poll_once() == 0
    assert len(queries) == 1, "the second poll, with no write between, does not query"
    # A write: the next poll queries and finds the ended call
    _put(aws, "c-1", datetime.now(UTC), "completed")
    writes[0] += 1
    assert poller.poll_once() == 1
    assert handed == ["c-1"] and len(queries) == 2
