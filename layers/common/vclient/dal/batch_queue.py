"""The batch queue (SQS): every start and every check of a live call is a message.

SQS's own per-message delay (up to 15 minutes) does the waiting — for a slot, the interval, the
window, a backoff, the next look at a live call — so no function sleeps or runs a timer.
"""

from __future__ import annotations

import json
from typing import Any

import boto3

#: SQS's longest per-message delay; longer waits are a chain of such delays.
MAX_DELAY_S = 900


class BatchQueue:
    def __init__(self, queue_url: str, client: Any | None = None) -> None:
        self._url = queue_url
        self._client = client

    @property
    def client(self) -> Any:
        if self._client is None:
            self._client = boto3.client("sqs")
        return self._client

    def send(self, message: dict[str, Any], delay_s: float = 0) -> None:
        delay = max(0, min(MAX_DELAY_S, int(-(-delay_s // 1))))  # whole seconds, rounded up
        self.client.send_message(
            QueueUrl=self._url,
            MessageBody=json.dumps(message, separators=(",", ":")),
            DelaySeconds=delay,
        )
