"""The verdict of every finished call: a DynamoDB stream on the calls table, filtered to call
items whose status became final (template.yaml), one evaluation per call (docs/verdict.md)."""

from __future__ import annotations

import gc

# The cold start collects nothing: its objects live as long as the container (docs/decisions.md).
gc.disable()

import os
from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from vclient.dal.calls_table import EvaluationsRepository, EventsRepository, ended_call_id
from vclient.logic.evaluate_call import EvaluateCall
from vclient.observability import logger, metrics, tracer
from vclient.settings import EvaluateSettings

settings = EvaluateSettings.from_env(os.environ)
evaluate_call = EvaluateCall(
    settings=settings,
    events=EventsRepository(settings.calls_table),
    evaluations=EvaluationsRepository(settings.calls_table),
)


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics
@tracer.capture_lambda_handler(capture_response=False)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    """Each record on its own: a failed one is reported (ReportBatchItemFailures), so the stream
    retries from it; the ones before it are stored, and stored ones are skipped when seen again."""
    failures = []
    for record in event.get("Records") or []:
        call_id = ended_call_id(record)
        if call_id is None:
            continue
        logger.append_keys(call_id=call_id)
        try:
            evaluate_call(call_id)
        except Exception:
            logger.exception("Evaluation failed; the stream retries the record")
            failures.append({"itemIdentifier": record["dynamodb"]["SequenceNumber"]})
            break  # a stream retries from the first failure: the rest comes again anyway
    return {"batchItemFailures": failures}


# What the cold start built is frozen out of every later collection, then collection resumes.
gc.freeze()
gc.enable()
