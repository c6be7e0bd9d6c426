"""The batch queue's consumer: one tick of a batch per message (see vclient.logic.batches)."""

from __future__ import annotations

import gc

# The cold start collects nothing: its objects live as long as the container (docs/decisions.md).
gc.disable()

import json
import os
from typing import Any

from aws_lambda_powertools.utilities.batch import (
    BatchProcessor,
    EventType,
    process_partial_response,
)
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from vclient.dal.batch_queue import BatchQueue
from vclient.dal.batches_table import BatchesRepository
from vclient.dal.calls_table import CallsRepository
from vclient.logic.batches import BatchTiming, BatchWorker
from vclient.logic.start_call import CallStarter
from vclient.observability import logger, metrics, tracer
from vclient.settings import BatchWorkerSettings

settings = BatchWorkerSettings.from_env(os.environ)
starter = CallStarter(settings=settings, repo=CallsRepository(settings.calls_table))
worker = BatchWorker(
    repo=BatchesRepository(settings.batches_table),
    queue=BatchQueue(settings.batch_queue_url),
    calls=CallsRepository(settings.calls_table),
    starter=starter,
    timing=BatchTiming(
        watch_s=settings.batch_watch_s,
        pause_s=settings.batch_pause_s,
        stale_tick_s=settings.batch_stale_tick_s,
        stale_dial_s=settings.batch_stale_dial_s,
        vox_backoff_s=settings.batch_vox_backoff_s,
    ),
)
# A failed tick goes back to SQS (reported, not raised): it returns after its visibility timeout.
processor = BatchProcessor(event_type=EventType.SQS, raise_on_entire_batch_failure=False)


def tick(record: SQSRecord) -> None:
    worker.tick(json.loads(record.body))


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics
@tracer.capture_lambda_handler(capture_response=False)
def handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
    starter.idempotency_config.register_lambda_context(context)
    return process_partial_response(
        event=event, record_handler=tick, processor=processor, context=context
    )


# What the cold start built is frozen out of every later collection, then collection resumes.
gc.freeze()
gc.enable()
