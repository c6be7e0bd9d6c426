"""Every few minutes (a schedule, template.yaml): calls whose final event never arrived, past
their token's expiry, are marked ``failed`` (lost), so they stop looking live and get their
evaluation (vclient.logic.sweep_calls)."""

from __future__ import annotations

import gc

# The cold start collects nothing: its objects live as long as the container (docs/decisions.md).
gc.disable()

import os
from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from vclient.dal.calls_table import CallsRepository
from vclient.logic.sweep_calls import SweepLostCalls
from vclient.observability import logger, metrics, tracer
from vclient.settings import SweepSettings

settings = SweepSettings.from_env(os.environ)
sweep = SweepLostCalls(calls=CallsRepository(settings.calls_table))


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics
@tracer.capture_lambda_handler(capture_response=False)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    swept = sweep()
    if swept:
        metrics.add_metric(name="LostCalls", unit="Count", value=len(swept))
    return {"swept": swept}


# What the cold start built is frozen out of every later collection, then collection resumes.
gc.freeze()
gc.enable()
