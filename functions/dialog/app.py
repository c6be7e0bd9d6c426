"""The scenario-facing dialog API: GET /call/{call_id}/session and POST /call/{call_id}/reply.

Both authenticate with the per-call bearer token minted by POST /call.
"""

from __future__ import annotations

import os
import time
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

from vclient.dialogs import DialogService, ReplyRequest
from vclient.http import (
    call_id_param,
    json_response,
    parse_body,
    precheck,
    public_base_url,
    register_error_handlers,
)
from vclient.observability import logger, metrics, tracer
from vclient.settings import DialogSettings
from vclient.store import CallsRepository, DialogRepository

MAX_BODY_BYTES = 8 * 1024

settings = DialogSettings.from_env(os.environ)
service = DialogService(
    settings=settings,
    calls=CallsRepository(settings.calls_table),
    dialogs=DialogRepository(settings.calls_table),
)

# No Powertools OpenAPI validation here: this function sits on every turn of a live call and
# that machinery adds ~40 ms to each cold start. The same pydantic models validate the bodies
# (vclient.http.parse_body) and errors keep the same shape (docs/decisions.md).
app = APIGatewayRestResolver()
register_error_handlers(app)


@app.get("/call/<call_id>/session")
def get_session(call_id: str) -> Response:
    call_id = call_id_param(call_id)
    service.authorize(call_id, app.current_event.headers.get("authorization"))
    return json_response(200, service.session(call_id, public_base_url(app)))


@app.post("/call/<call_id>/reply")
def post_reply(call_id: str) -> Response:
    started = app.context.get("started", time.perf_counter())
    call_id = call_id_param(call_id)
    service.authorize(call_id, app.current_event.headers.get("authorization"))
    body = parse_body(app.current_event.body, ReplyRequest)
    logger.append_keys(turn=body.turn)
    answer = service.reply(call_id, body, started=started)
    return json_response(200, answer.model_dump(mode="json", exclude_none=True))


@logger.inject_lambda_context(
    correlation_id_path=correlation_paths.API_GATEWAY_REST, clear_state=True
)
@metrics.log_metrics
@tracer.capture_lambda_handler(capture_response=False)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    app.append_context(started=time.perf_counter())
    return precheck(event, MAX_BODY_BYTES) or app.resolve(event, context)
