"""POST /batches, GET /batches/{batch_id}, POST /batches/{batch_id}/pause|resume|cancel."""

from __future__ import annotations

import gc

# The cold start collects nothing: its objects live as long as the container (docs/decisions.md).
gc.disable()

import os
from typing import Any

from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

from vclient.api.batches import StartBatchRequest
from vclient.dal.batch_queue import BatchQueue
from vclient.dal.batches_table import BatchesRepository
from vclient.logic.auth import Permission, principal_of, require
from vclient.logic.batches import Batches
from vclient.observability import logger, metrics, tracer
from vclient.settings import BatchesSettings
from vclient.web import (
    Response,
    Router,
    batch_id_param,
    json_response,
    parse_body,
    precheck,
    public_base_url,
)

MAX_BODY_BYTES = 128 * 1024  # room for an inline persona and fifty targets

settings = BatchesSettings.from_env(os.environ)
batches = Batches(
    repo=BatchesRepository(settings.batches_table),
    queue=BatchQueue(settings.batch_queue_url),
    config_settings=settings,
    idempotency_table=settings.idempotency_table,
    retention_days=settings.retention_days,
)

# The console reaches the same routes under /console/api (Cognito token, role checked below).
app = Router(strip_prefixes=["/console/api"])


def _require(permission: Permission) -> None:
    require(principal_of(app.current_event.raw_event.get("requestContext")), permission)


@app.post("/batches")
def post_batches() -> Response:
    _require("place_calls")
    request = parse_body(app.current_event.body, StartBatchRequest)
    created = batches.create(
        request,
        idempotency_key=app.current_event.headers.get("idempotency-key"),
        api_base=public_base_url(app),
    )
    return json_response(202, created.model_dump(mode="json"))


@app.get("/batches/<batch_id>")
def get_batch(batch_id: str) -> Response:
    _require("read")
    return json_response(200, batches.get(batch_id_param(batch_id)))


@app.post("/batches/<batch_id>/<action>")
def act_on_batch(batch_id: str, action: str) -> Response:
    _require("place_calls")
    done = batches.act(batch_id_param(batch_id), action_param(action))
    return json_response(200, done.model_dump(mode="json"))


def action_param(value: str) -> str:
    from vclient.errors import NotFound

    if value not in ("pause", "resume", "cancel"):
        raise NotFound("No such action: pause, resume or cancel", action=value[:20])
    return value


@logger.inject_lambda_context(
    correlation_id_path=correlation_paths.API_GATEWAY_REST, clear_state=True
)
@metrics.log_metrics
@tracer.capture_lambda_handler(capture_response=False)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    batches.idempotency_config.register_lambda_context(context)
    # Actions carry no body: only POST /batches is held to the JSON content type.
    if event.get("resource") not in ("/batches", "/console/api/batches"):
        return app.resolve(event, context)
    return precheck(event, MAX_BODY_BYTES) or app.resolve(event, context)


# What the cold start built is frozen out of every later collection, then collection resumes.
gc.freeze()
gc.enable()
