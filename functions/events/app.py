"""The events API: POST /call/{call_id}/events (scenario, bearer token) and GET /call/{call_id}
(API key): the trail that makes calls comparable, and the whole call read back."""

from __future__ import annotations

import os
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

from vclient.callview import call_view
from vclient.errors import NotFound
from vclient.events import EventBatch, EventsService
from vclient.http import (
    call_id_param,
    json_response,
    parse_body,
    precheck,
    register_error_handlers,
)
from vclient.observability import logger, metrics, tracer
from vclient.settings import EventsSettings
from vclient.store import CallsRepository, EventsRepository

MAX_BODY_BYTES = 256 * 1024

settings = EventsSettings.from_env(os.environ)
service = EventsService(
    settings=settings,
    calls=CallsRepository(settings.calls_table),
    events=EventsRepository(settings.calls_table),
)

# Validation with the same pydantic models, without Powertools' OpenAPI layer: this function is
# called all through a live call, so its cold start is kept short (docs/decisions.md).
app = APIGatewayRestResolver()
register_error_handlers(app)


@app.post("/call/<call_id>/events")
def post_events(call_id: str) -> Response:
    call_id = call_id_param(call_id)
    service.authorize(call_id, app.current_event.headers.get("authorization"))
    batch = parse_body(app.current_event.body, EventBatch)
    return json_response(200, service.accept(call_id, batch))


@app.get("/call/<call_id>")
def get_call(call_id: str) -> Response:
    call_id = call_id_param(call_id)
    view = call_view(service.events.partition(call_id))
    if view is None:
        raise NotFound("No such call", call_id=call_id)
    return json_response(200, view)


@logger.inject_lambda_context(
    correlation_id_path=correlation_paths.API_GATEWAY_REST, clear_state=True
)
@metrics.log_metrics
@tracer.capture_lambda_handler(capture_response=False)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return precheck(event, MAX_BODY_BYTES) or app.resolve(event, context)
