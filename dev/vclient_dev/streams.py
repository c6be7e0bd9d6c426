"""Local stand-ins for Lambda's DynamoDB event source of the evaluate function.

``EndedCallsPoller`` is the local stack's (cheap: one index query a poll). ``StreamPoller``
reads a real (moto) stream, for the integration tests, which make few calls:

moto keeps a table's stream (records of every write, with the images the template asks for) but
triggers nothing. This reads every shard from its start, hands the records to the function in
batches, as Lambda would, and retries a batch from the first record the handler reports failed
(``batchItemFailures``) or all of it when the handler raises, up to ``max_retries`` times; then
the batch is dropped and said so (a deployment sends it to the failures queue). The template's
``FilterCriteria`` are not applied: the handler checks each record itself.
"""

from __future__ import annotations

import sys
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from vclient_dev.local_schedules import Repeat


@dataclass
class StreamPoller:
    streams: Any  # a boto3 dynamodbstreams client
    stream_arn: str
    handler: Callable[[dict[str, Any]], Any]
    batch_size: int = 10
    max_retries: int = 5
    interval_s: float = 0.2
    _iterators: dict[str, str | None] = field(default_factory=dict)
    _repeat: Repeat | None = None
    delivered: int = 0
    dropped: int = 0

    def poll_once(self) -> int:
        """Reads what the shards have now and delivers it; returns the records delivered."""
        shards = self.streams.describe_stream(StreamArn=self.stream_arn)["StreamDescription"]
        count = 0
        for shard in shards.get("Shards", []):
            shard_id = shard["ShardId"]
            if shard_id not in self._iterators:
                self._iterators[shard_id] = self.streams.get_shard_iterator(
                    StreamArn=self.stream_arn, ShardId=shard_id, ShardIteratorType="TRIM_HORIZON"
                )["ShardIterator"]
            iterator = self._iterators[shard_id]
            if iterator is None:
                continue
            page = self.streams.get_records(ShardIterator=iterator)
            self._iterators[shard_id] = page.get("NextShardIterator")
            records = page.get("Records", [])
            for start in range(0, len(records), self.batch_size):
                self._deliver(records[start : start + self.batch_size])
            count += len(records)
        return count

    def _deliver(self, batch: list[dict[str, Any]]) -> None:
        for _attempt in range(self.max_retries + 1):
            try:
                result = self.handler({"Records": batch}) or {}
            except Exception:
                traceback.print_exc()
                continue
            failed = [f["itemIdentifier"] for f in result.get("batchItemFailures") or []]
            if not failed:
                self.delivered += len(batch)
                return
            seqs = [r["dynamodb"]["SequenceNumber"] for r in batch]
            first = min(seqs.index(s) for s in failed if s in seqs) if failed else 0
            self.delivered += first
            batch = batch[first:]
        self.dropped += len(batch)
        print(f"stream: {len(batch)} record(s) dropped after retries", file=sys.stderr)

    def start(self) -> StreamPoller:
        self._repeat = Repeat("stream-poller", self.poll_once, self.interval_s).start()
        return self

    def stop(self) -> None:
        if self._repeat is not None:
            self._repeat.stop()


FINAL = ("completed", "failed", "no_answer", "busy", "rejected")
#: How far before the oldest open call the poller reads: a call's item is written a moment after
#: its ``created_at`` is taken, so one created just before the newest seen may show up late.
SINCE_MARGIN = timedelta(seconds=10)
#: An open call older than this (before the newest seen) no longer holds the window back: it is
#: read by its key on each poll instead (a call the stack never finished must not make every
#: poll read the whole index again).
OPEN_WINDOW = timedelta(minutes=15)


def _iso_minus(created_at: str, delta: timedelta) -> str | None:
    """``created_at`` (ISO 8601 UTC, ms, ``Z``) moved back by ``delta``; None if unreadable."""
    try:
        moved = datetime.fromisoformat(created_at.replace("Z", "+00:00")) - delta
    except ValueError:
        return None
    return (
        moved.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{moved.microsecond // 1000:03d}Z"
    )


@dataclass
class EndedCallsPoller:
    """The local stack's trigger for the evaluate function: calls that ended and carry no
    verdict yet, read from the ``calls_by_created`` index, each handed to the handler as the
    stream record DynamoDB would have delivered (a call item whose status became final; the old
    image is synthesized: ``connected``). Why not moto's own stream: it keeps every write's
    images and grew the stack by 100–300 MB a call (docs/decisions.md).

    A poll queries only when the table was written since the last one (``changes``), and reads
    only the calls created since the oldest one still open (not final, or final
    and not yet handed over), less ``SINCE_MARGIN``: moto copies every item a query's key
    condition matches, so reading the whole index every 0.3 s cost the idle stack a growing
    share of a core (about 25 % after 30 calls, docs/decisions.md 2026-12-03).

    A call is handed over once; one the handler reports failed is tried again on later polls, up
    to ``max_retries`` times, then dropped and said so (a deployment's failures queue)."""

    dynamodb: Any  # a boto3 dynamodb client
    table: str
    handler: Callable[[dict[str, Any]], Any]
    index: str = "calls_by_created"
    max_retries: int = 5
    interval_s: float = 0.3
    _done: set[str] = field(default_factory=set)
    _attempts: dict[str, int] = field(default_factory=dict)
    _since: str | None = None  # created_at the next poll starts from (None: every call)
    _stragglers: dict[str, str] = field(default_factory=dict)  # old open calls: id → created_at
    #: A counter of the table's writes (the local stack's moto): unchanged since the last poll
    #: and no retry due, the poll is skipped (nothing can have ended).
    changes: Callable[[], int] | None = None
    _seen_changes: int | None = None
    _repeat: Repeat | None = None
    delivered: int = 0
    dropped: int = 0

    def _items(self) -> list[dict[str, Any]]:
        """Every listed call created at or after ``_since`` (all pages)."""
        condition = "listed = :listed"
        values: dict[str, Any] = {":listed": {"S": "call"}}
        if self._since is not None:
            condition += " AND created_at >= :since"
            values[":since"] = {"S": self._since}
        items: list[dict[str, Any]] = []
        start: dict[str, Any] | None = None
        while True:
            page = self.dynamodb.query(
                TableName=self.table,
                IndexName=self.index,
                KeyConditionExpression=condition,
                ExpressionAttributeValues=values,
                **({"ExclusiveStartKey": start} if start else {}),
            )
            items.extend(page.get("Items", []))
            start = page.get("LastEvaluatedKey")
            if not start:
                return items

    def _straggler_items(self) -> list[dict[str, Any]]:
        """The old open calls, each read by its key."""
        items = []
        for call_id in list(self._stragglers):
            item = self.dynamodb.get_item(
                TableName=self.table,
                Key={"pk": {"S": call_id}, "sk": {"S": "CALL"}},
                ProjectionExpression="pk, created_at, #status, verdict",
                ExpressionAttributeNames={"#status": "status"},
            ).get("Item")
            if item is None:
                del self._stragglers[call_id]
            else:
                items.append(item)
        return items

    def poll_once(self) -> int:
        if self.changes is not None:
            changes = self.changes()
            retry_due = any(call_id not in self._done for call_id in self._attempts)
            if changes == self._seen_changes and not retry_due:
                return 0
            self._seen_changes = changes  # read before the query: a write during it polls again
        count = 0
        open_calls: dict[str, str] = {}
        newest: str | None = None
        for item in self._items() + self._straggler_items():
            call_id = item["pk"]["S"]
            created = item.get("created_at", {}).get("S")
            if created is not None and (newest is None or created > newest):
                newest = created
            status = item.get("status", {}).get("S")
            if call_id in self._done or "verdict" in item:
                self._stragglers.pop(call_id, None)
                continue
            if status in FINAL:
                count += 1
                if self._hand_over(call_id, item["status"]):
                    self._stragglers.pop(call_id, None)
                    continue
            if created is not None:
                open_calls[call_id] = created
        self._move_window(open_calls, newest)
        return count

    def _move_window(self, open_calls: dict[str, str], newest: str | None) -> None:
        """The next poll reads from the oldest recent open call (or the newest call), less the
        margin; older open calls become stragglers, read by key."""
        if newest is None:
            return
        cutoff = _iso_minus(newest, OPEN_WINDOW)
        recent = []
        for call_id, created in open_calls.items():
            if cutoff is not None and created < cutoff:
                self._stragglers[call_id] = created
            else:
                recent.append(created)
        self._since = _iso_minus(min(recent) if recent else newest, SINCE_MARGIN) or self._since

    def _hand_over(self, call_id: str, status: dict[str, str]) -> bool:
        """The ended call to the handler; False if it is to be tried again."""
        self.delivered += 1
        record = {
            "eventName": "MODIFY",
            "dynamodb": {
                "Keys": {"pk": {"S": call_id}, "sk": {"S": "CALL"}},
                "OldImage": {"status": {"S": "connected"}},
                "NewImage": {"status": status},
                "SequenceNumber": str(self.delivered),
            },
        }
        try:
            failed = bool((self.handler({"Records": [record]}) or {}).get("batchItemFailures"))
        except Exception:
            traceback.print_exc()
            failed = True
        if not failed:
            self._done.add(call_id)
            return True
        self._attempts[call_id] = self._attempts.get(call_id, 0) + 1
        if self._attempts[call_id] > self.max_retries:
            self._done.add(call_id)
            self.dropped += 1
            print(f"evaluation of call {call_id} dropped after retries", file=sys.stderr)
            return True
        return False

    def start(self) -> EndedCallsPoller:
        self._repeat = Repeat("ended-calls-poller", self.poll_once, self.interval_s).start()
        return self

    def stop(self) -> None:
        if self._repeat is not None:
            self._repeat.stop()
