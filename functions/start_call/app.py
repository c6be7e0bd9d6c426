"""POST /call: start an outbound call on one of the three engines."""

from __future__ import annotations

import os
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.idempotency import IdempotencyConfig, idempotent_function
from aws_lambda_powertools.utilities.idempotency.exceptions import (
    IdempotencyAlreadyInProgressError,
    IdempotencyValidationError,
)
from aws_lambda_powertools.utilities.idempotency.persistence.dynamodb import (
    DynamoDBPersistenceLayer,
)
from aws_lambda_powertools.utilities.typing import LambdaContext

from vclient.calls import CallStarter
from vclient.errors import (
    IdempotencyKeyReused,
    RequestInProgress,
    ValidationFailed,
    VoximplantTimeout,
)
from vclient.http import (
    json_response,
    parse_body,
    precheck,
    public_base_url,
    register_error_handlers,
)
from vclient.models import StartCallRequest
from vclient.observability import logger, metrics, tracer
from vclient.settings import StartCallSettings
from vclient.store import CallsRepository

MAX_BODY_BYTES = 64 * 1024  # room for an inline persona
IDEMPOTENCY_TTL_S = 24 * 3600

settings = StartCallSettings.from_env(os.environ)
starter = CallStarter(settings=settings, repo=CallsRepository(settings.calls_table))
idempotency_config = IdempotencyConfig(
    event_key_jmespath="key",
    payload_validation_jmespath="request",
    expires_after_seconds=IDEMPOTENCY_TTL_S,
    raise_on_no_idempotency_key=True,
)
_idempotent_start: Any = None

# Bodies are validated by the pydantic models via parse_body, as in the other two functions:
# Powertools' OpenAPI validation layer costs ~40 ms of every cold start (docs/decisions.md).
app = APIGatewayRestResolver()
register_error_handlers(app)


def _start_once(data: dict[str, Any]) -> dict[str, Any]:
    """One start, as ``{"status", "body"}``. A Voximplant timeout is an answer, not an error:
    the call may be dialing, so a retry with the same Idempotency-Key must get this 504 back
    instead of dialing again (Powertools forgets a key whose function raised)."""
    request = StartCallRequest.model_validate(data["request"])
    try:
        started = starter.start(request, api_base=data["api_base"])
    except VoximplantTimeout as exc:
        return {"status": exc.status, "body": exc.body()}
    return {"status": 202, "body": started.model_dump(mode="json")}


def _idempotent(data: dict[str, Any]) -> dict[str, Any]:
    """The start wrapped by Powertools idempotency; its DynamoDB client is made on first use."""
    global _idempotent_start
    if _idempotent_start is None:
        persistence = DynamoDBPersistenceLayer(table_name=settings.idempotency_table)
        _idempotent_start = idempotent_function(
            data_keyword_argument="data", persistence_store=persistence, config=idempotency_config
        )(_start_once)
    try:
        return _idempotent_start(data=data)
    except IdempotencyValidationError:
        raise IdempotencyKeyReused(
            "This Idempotency-Key was already used with a different body", field="Idempotency-Key"
        ) from None
    except IdempotencyAlreadyInProgressError:
        raise RequestInProgress(
            "A request with this Idempotency-Key is still being processed; retry shortly",
            field="Idempotency-Key",
        ) from None


@app.post("/call")
def post_call() -> Response:
    body = parse_body(app.current_event.body, StartCallRequest)
    key = app.current_event.headers.get("idempotency-key")
    data = {"request": body.model_dump(mode="json"), "api_base": public_base_url(app)}
    if key is None:
        result = _start_once(data)
    else:
        if not 1 <= len(key) <= 128 or not key.isprintable():
            raise ValidationFailed(
                "Idempotency-Key must be 1 to 128 printable characters", field="Idempotency-Key"
            )
        result = _idempotent({**data, "key": key})
    return json_response(result["status"], result["body"])


@logger.inject_lambda_context(
    correlation_id_path=correlation_paths.API_GATEWAY_REST, clear_state=True
)
@metrics.log_metrics
@tracer.capture_lambda_handler(capture_response=False)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    idempotency_config.register_lambda_context(context)
    return precheck(event, MAX_BODY_BYTES) or app.resolve(event, context)
