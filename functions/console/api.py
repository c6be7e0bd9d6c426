"""The console's own routes under /console/api (Cognito token; roles checked here):

POST /console/api/session             sign in (no token yet): password, new password, or refresh
GET  /console/api/me                  who am I, and what the «Звонок» page needs
POST /console/api/persona/check       a pasted persona's problems, each at its line
POST /console/api/call/{id}/hangup    «Завершить»: end the call through its scenario
GET  /console/api/settings            the routing as it is now, and who changed it (admin)
PUT  /console/api/settings/default_engine   the default engine for everyone (admin)

Placing a call and reading one go to the same handlers as the API key's routes
(/console/api/call, /console/api/call/{id}), with the role checked at their edge.
"""

from __future__ import annotations

import gc

# The cold start collects nothing: its objects live as long as the container (docs/decisions.md).
gc.disable()

import os
from typing import Any

from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

from vclient.api.console import DefaultEngineRequest, PersonaCheckRequest, SignInRequest
from vclient.dal.calls_table import CallsRepository
from vclient.dal.cognito import UserPool
from vclient.dal.settings_audit import SettingsAudit
from vclient.logic.auth import Principal, principal_of, require
from vclient.logic.routing_settings import RoutingSettings
from vclient.logic.sign_in import SignIn
from vclient.logic.stop_call import StopCall
from vclient.observability import logger, metrics, tracer
from vclient.settings import ConsoleSettings
from vclient.web import Response, Router, call_id_param, json_response, parse_body, precheck

MAX_BODY_BYTES = 80 * 1024  # a pasted persona (64 KB) and its JSON escaping

settings = ConsoleSettings.from_env(os.environ)
sign_in = SignIn(pool=UserPool(settings.console_client_id))
stop_call = StopCall(calls=CallsRepository(settings.calls_table))
routing_settings = RoutingSettings(settings=settings, audit=SettingsAudit(settings.calls_table))

app = Router(strip_prefixes=["/console/api"])


def principal() -> Principal:
    return principal_of(app.current_event.raw_event.get("requestContext"))


@app.post("/session")
def post_session() -> Response:
    request = parse_body(app.current_event.body, SignInRequest)
    # Tokens are credentials: never cached by a browser or a proxy.
    return json_response(200, sign_in(request), headers={"Cache-Control": "no-store"})


@app.get("/me")
def get_me() -> Response:
    me = require(principal(), "read")
    from vclient.dialog.persona import bundled_persona_ids, load_bundled

    routing = routing_settings.routing()
    personas = [{"id": pid, "name": load_bundled(pid).name} for pid in bundled_persona_ids()]
    return json_response(
        200,
        {
            "username": me.username,
            "role": me.role,
            "permissions": me.permissions(),
            "default_engine": routing.default_engine,
            "engines": sorted(routing.engines),
            "allowed_prefixes": list(routing.allowed_prefixes),
            "personas": personas,
        },
    )


@app.post("/persona/check")
def post_persona_check() -> Response:
    require(principal(), "read")
    from vclient.logic.check_persona import check_persona

    request = parse_body(app.current_event.body, PersonaCheckRequest)
    return json_response(200, check_persona(request.yaml))


@app.post("/call/<call_id>/hangup")
def post_hangup(call_id: str) -> Response:
    me = require(principal(), "place_calls")
    return json_response(202, stop_call(call_id_param(call_id), me))


@app.get("/settings")
def get_settings() -> Response:
    require(principal(), "change_routing")
    return json_response(200, routing_settings.show())


@app.put("/settings/default_engine")
def put_default_engine() -> Response:
    me = require(principal(), "change_routing")
    request = parse_body(app.current_event.body, DefaultEngineRequest)
    return json_response(200, routing_settings.set_default_engine(request.engine, me))


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
