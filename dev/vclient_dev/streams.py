"""A local stand-in for Lambda's DynamoDB event source: reads a table's stream, calls a handler.

moto keeps a table's stream (records of every write, with the images the template asks for) but
triggers nothing. This reads every shard from its start, hands the records to the function in
batches, as Lambda would, and retries a batch from the first record the handler reports failed
(``batchItemFailures``) or all of it when the handler raises, up to ``max_retries`` times; then
the batch is dropped and said so (a deployment sends it to the failures queue). The template's
``FilterCriteria`` are not applied: the handler checks each record itself.
"""

from __future__ import annotations

import sys
import threading
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass
class StreamPoller:
    streams: Any  # a boto3 dynamodbstreams client
    stream_arn: str
    handler: Callable[[dict[str, Any]], Any]
    batch_size: int = 10
    max_retries: int = 5
    interval_s: float = 0.2
    _iterators: dict[str, str | None] = field(default_factory=dict)
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None
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
        def run() -> None:
            while not self._stop.wait(self.interval_s):
                try:
                    self.poll_once()
                except Exception:  # the poller outlives a failed read (moto restarting)
                    traceback.print_exc()

        self._thread = threading.Thread(target=run, daemon=True, name="stream-poller")
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
