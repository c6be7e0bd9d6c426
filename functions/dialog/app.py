"""The scenario-facing dialog API: GET /call/{call_id}/session and POST /call/{call_id}/reply.

Both authenticate with the per-call bearer token minted by POST /call.
"""

from __future__ import annotations

import gc

# The cold start collects nothing: its objects live as long as the container (docs/decisions.md).
gc.disable()

import os
import time
from typing import Any

from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

from vclient.dal.calls_table import CallsRepository, DialogRepository
from vclient.logic.reply import AnswerTurn, CallPersonas, Responders
from vclient.logic.session import ServeSession
from vclient.observability import logger, metrics, tracer
from vclient.settings import DialogSettings
from vclient.web import (
    Response,
    Router,
    call_id_param,
    json_response,
    precheck,
    public_base_url,
)

MAX_BODY_BYTES = 8 * 1024

settings = DialogSettings.from_env(os.environ)
_dialogs = DialogRepository(settings.calls_table)
_responders = Responders(settings)
_personas = CallPersonas(_dialogs)
serve_session = ServeSession(
    settings=settings,
    calls=CallsRepository(settings.calls_table),
    dialogs=_dialogs,
    responders=_responders,
    personas=_personas,
)
answer_turn = AnswerTurn(
    settings=settings, dialogs=_dialogs, responders=_responders, personas=_personas
)

# Our own router, not Powertools' resolver: this function sits on every turn of a live call and
# that resolver's imports cost ~0.15x boto3 on each cold start. The pydantic models validate the
# bodies (vclient.web.parse_body) and errors keep one shape (docs/decisions.md).
app = Router()


@app.get("/call/<call_id>/session")
def get_session(call_id: str) -> Response:
    authorization = app.current_event.headers.get("authorization")
    session = serve_session(call_id_param(call_id), authorization, public_base_url(app))
    return json_response(200, session)


@app.post("/call/<call_id>/reply")
def post_reply(call_id: str) -> Response:
    started = app.context.get("started", time.perf_counter())
    authorization = app.current_event.headers.get("authorization")
    answer = answer_turn(
        call_id_param(call_id), authorization, app.current_event.body, started=started
    )
    return json_response(200, answer.model_dump(mode="json", exclude_none=True))


@logger.inject_lambda_context(
    correlation_id_path=correlation_paths.API_GATEWAY_REST, clear_state=True
)
@metrics.log_metrics
@tracer.capture_lambda_handler(capture_response=False)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    app.append_context(started=time.perf_counter())
    return precheck(event, MAX_BODY_BYTES) or app.resolve(event, context)


# What the cold start built is frozen out of every later collection, then collection resumes.
gc.freeze()
gc.enable()
