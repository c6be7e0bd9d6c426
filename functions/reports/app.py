"""GET /reports/compare: the engines compared over a batch's calls (API key)."""

from __future__ import annotations

import gc

# The cold start collects nothing: its objects live as long as the container (docs/decisions.md).
gc.disable()

import os
from typing import Any

from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

from vclient.dal.batches_table import BatchesRepository
from vclient.dal.calls_table import CallsRepository, EventsRepository
from vclient.logic.auth import principal_of, require
from vclient.logic.compare_report import CompareReport
from vclient.logic.list_calls import ListCalls
from vclient.observability import logger, metrics, tracer
from vclient.settings import ReportsSettings
from vclient.web import Response, Router, json_response

settings = ReportsSettings.from_env(os.environ)
report = CompareReport(
    batches=BatchesRepository(settings.batches_table),
    events=EventsRepository(settings.calls_table),
    simulated=settings.timings_simulated,
    list_calls=ListCalls(CallsRepository(settings.calls_table)),
)

# The console reads the report at /console/api/reports/compare (Cognito token, any role).
app = Router(strip_prefixes=["/console/api"])


@app.get("/reports/compare")
def get_compare() -> Response:
    require(principal_of(app.current_event.raw_event.get("requestContext")), "read")
    query = app.current_event.multi_value_query_string_parameters or {}
    return json_response(200, report(query))


@logger.inject_lambda_context(
    correlation_id_path=correlation_paths.API_GATEWAY_REST, clear_state=True
)
@metrics.log_metrics
@tracer.capture_lambda_handler(capture_response=False)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)


# What the cold start built is frozen out of every later collection, then collection resumes.
gc.freeze()
gc.enable()
