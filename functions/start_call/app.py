"""POST /call: start an outbound call on one of the three engines."""

from __future__ import annotations

import gc

# The cold start collects nothing: its objects live as long as the container (docs/decisions.md).
gc.disable()

import os
from typing import Any

from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

from vclient.api.calls import StartCallRequest
from vclient.dal.calls_table import CallsRepository
from vclient.logic.auth import principal_of, require
from vclient.logic.start_call import CallStarter
from vclient.observability import logger, metrics, tracer
from vclient.settings import StartCallSettings
from vclient.web import (
    Response,
    Router,
    json_response,
    parse_body,
    precheck,
    public_base_url,
)

MAX_BODY_BYTES = 64 * 1024  # room for an inline persona

settings = StartCallSettings.from_env(os.environ)
starter = CallStarter(settings=settings, repo=CallsRepository(settings.calls_table))

# Bodies are validated by the pydantic models via parse_body, as in the other two functions:
# Powertools' OpenAPI validation layer costs ~40 ms of every cold start (docs/decisions.md).
# The console reaches the same route at /console/api/call (Cognito token, role checked below).
app = Router(strip_prefixes=["/console/api"])


@app.post("/call")
def post_call() -> Response:
    require(principal_of(app.current_event.raw_event.get("requestContext")), "place_calls")
    request = parse_body(app.current_event.body, StartCallRequest)
    started = starter(
        request,
        idempotency_key=app.current_event.headers.get("idempotency-key"),
        api_base=public_base_url(app),
    )
    return json_response(202, started.model_dump(mode="json"))


@logger.inject_lambda_context(
    correlation_id_path=correlation_paths.API_GATEWAY_REST, clear_state=True
)
@metrics.log_metrics
@tracer.capture_lambda_handler(capture_response=False)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    starter.idempotency_config.register_lambda_context(context)
    return precheck(event, MAX_BODY_BYTES) or app.resolve(event, context)


# What the cold start built is frozen out of every later collection, then collection resumes.
gc.freeze()
gc.enable()
