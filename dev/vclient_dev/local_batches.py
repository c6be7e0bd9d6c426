"""The batch queue's consumer on the local stack: moto has no event source mappings, so this
driver does what Lambda's SQS poller does for ``BatchWorkerFunction``.

Up to ``concurrency`` threads (the template's ``ScalingConfig.MaximumConcurrency``) long-poll the
queue, hand each message to the real worker handler (``functions/batches/worker.py``, loaded with
its template environment like every local function) as an SQS event, and delete it unless the
handler reported it in ``batchItemFailures``; a failed message comes back after its visibility
timeout, as on AWS. The handler's own logic decides everything else.
"""

from __future__ import annotations

import hashlib
import threading
from typing import Any

from vclient_dev.apigw import FunctionPool, FunctionSpec

#: Seconds a received message stays invisible (the template's is longer; local ticks are short).
VISIBILITY_TIMEOUT_S = 20


def sqs_event(message: dict[str, Any], queue_arn: str) -> dict[str, Any]:
    """One received message as the SQS event Lambda hands a function."""
    body = message["Body"]
    return {
        "Records": [
            {
                "messageId": message["MessageId"],
                "receiptHandle": message["ReceiptHandle"],
                "body": body,
                "attributes": {
                    "ApproximateReceiveCount": message.get("Attributes", {}).get(
                        "ApproximateReceiveCount", "1"
                    ),
                    "SentTimestamp": message.get("Attributes", {}).get("SentTimestamp", "0"),
                },
                "messageAttributes": {},
                "md5OfBody": hashlib.md5(body.encode(), usedforsecurity=False).hexdigest(),
                "eventSource": "aws:sqs",
                "eventSourceARN": queue_arn,
                "awsRegion": "us-east-1",
            }
        ]
    }


class LocalQueueConsumer:
    def __init__(
        self, spec: FunctionSpec, queue_url: str, *, endpoint: str, concurrency: int = 2
    ) -> None:
        import boto3

        self.spec = spec
        self.queue_url = queue_url
        self.queue_arn = "arn:aws:sqs:us-east-1:123456789012:" + queue_url.rsplit("/", 1)[-1]
        self.pool = FunctionPool(spec, max_instances=concurrency)
        self.sqs = boto3.client("sqs", endpoint_url=endpoint, region_name="us-east-1")
        self.concurrency = concurrency
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self.handled = 0
        self.failed = 0
        self.paused = threading.Event()

    def start(self) -> LocalQueueConsumer:
        for n in range(self.concurrency):
            thread = threading.Thread(target=self._loop, name=f"batch-consumer-{n}", daemon=True)
            thread.start()
            self._threads.append(thread)
        return self

    def stop(self) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=5)

    def _loop(self) -> None:
        while not self._stop.is_set():
            if self.paused.is_set():
                self._stop.wait(0.2)
                continue
            try:
                answer = self.sqs.receive_message(
                    QueueUrl=self.queue_url,
                    MaxNumberOfMessages=1,
                    WaitTimeSeconds=1,
                    VisibilityTimeout=VISIBILITY_TIMEOUT_S,
                    AttributeNames=["All"],
                )
            except Exception:  # moto stopping under us at shutdown
                if self._stop.is_set():
                    return
                self._stop.wait(0.5)
                continue
            for message in answer.get("Messages", []):
                self.handle(message)

    def handle(self, message: dict[str, Any]) -> None:
        """One message through the handler; deleted unless it was reported as failed."""
        try:
            result = self.pool.invoke(sqs_event(message, self.queue_arn)) or {}
            failures = {f["itemIdentifier"] for f in result.get("batchItemFailures", [])}
        except Exception:
            failures = {message["MessageId"]}  # a crash: Lambda retries the whole batch
        self.handled += 1
        if message["MessageId"] in failures:
            self.failed += 1
            return
        self.sqs.delete_message(QueueUrl=self.queue_url, ReceiptHandle=message["ReceiptHandle"])
