"""The events API: POST /call/{call_id}/events (scenario, bearer token) and GET /call/{call_id}
(API key): the trail that makes calls comparable, and the whole call read back."""

from __future__ import annotations

import gc

# The cold start collects nothing: its objects live as long as the container (docs/decisions.md).
gc.disable()

import os
from typing import Any

from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

from vclient.dal.calls_table import CallsRepository, EventsRepository
from vclient.logic.auth import principal_of, require
from vclient.logic.call_report import CallReport
from vclient.logic.list_calls import ListCalls
from vclient.logic.record_events import RecordEvents
from vclient.observability import logger, metrics, tracer
from vclient.settings import EventsSettings
from vclient.web import Response, Router, call_id_param, json_response, precheck

MAX_BODY_BYTES = 256 * 1024

settings = EventsSettings.from_env(os.environ)
_events = EventsRepository(settings.calls_table)
record_events = RecordEvents(
    settings=settings, calls=CallsRepository(settings.calls_table), events=_events
)
call_report = CallReport(events=_events)
list_calls = ListCalls(calls=CallsRepository(settings.calls_table))

# Validation with the same pydantic models, without Powertools' OpenAPI layer: this function is
# called all through a live call, so its cold start is kept short (docs/decisions.md).
# The console reads calls at /console/api/call/{id} (Cognito token, role checked below).
app = Router(strip_prefixes=["/console/api"])


@app.post("/call/<call_id>/events")
def post_events(call_id: str) -> Response:
    authorization = app.current_event.headers.get("authorization")
    accepted = record_events(call_id_param(call_id), authorization, app.current_event.body)
    return json_response(200, accepted.model_dump(mode="json"))


@app.get("/call/<call_id>")
def get_call(call_id: str) -> Response:
    require(principal_of(app.current_event.raw_event.get("requestContext")), "read")
    report = call_report(call_id_param(call_id))
    return json_response(200, report.model_dump(mode="json", exclude_unset=True))


@app.get("/calls")
def get_calls() -> Response:
    require(principal_of(app.current_event.raw_event.get("requestContext")), "read")
    page = list_calls(app.current_event.multi_value_query_string_parameters)
    return json_response(200, page.model_dump(mode="json"))


@logger.inject_lambda_context(
    correlation_id_path=correlation_paths.API_GATEWAY_REST, clear_state=True
)
@metrics.log_metrics
@tracer.capture_lambda_handler(capture_response=False)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return precheck(event, MAX_BODY_BYTES) or app.resolve(event, context)


# What the cold start built is frozen out of every later collection, then collection resumes.
gc.freeze()
gc.enable()
