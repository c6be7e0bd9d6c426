"""``POST /call``: route the engine, guard the destination, store the call, run the scenario.

With an ``Idempotency-Key`` a start happens once however often the client retries it (dialing
twice costs money): Powertools idempotency wraps the start itself, here, not the handler.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aws_lambda_powertools.utilities.idempotency import IdempotencyConfig, idempotent_function
from aws_lambda_powertools.utilities.idempotency.exceptions import (
    IdempotencyAlreadyInProgressError,
    IdempotencyValidationError,
)
from aws_lambda_powertools.utilities.idempotency.persistence.dynamodb import (
    DynamoDBPersistenceLayer,
)
from pydantic import ValidationError

from vclient.api.calls import StartCallRequest, StartCallResponse
from vclient.dal import parameters
from vclient.dal.calls_table import CallsRepository
from vclient.dal.items import CallRecord, start_response
from vclient.dal.voximplant import (
    Credentials,
    VoximplantApiError,
    VoximplantClient,
    VoximplantError,
    VoximplantHttpError,
    VoximplantTimeoutError,
    parse_credentials,
)
from vclient.dialog.bundled import bundled_ids
from vclient.errors import (
    ConfigurationError,
    DestinationNotAllowed,
    IdempotencyKeyReused,
    RequestInProgress,
    ValidationFailed,
    VoximplantRefused,
    VoximplantTimeout,
    VoximplantUnavailable,
)
from vclient.logic.call_token import mint, token_ttl_s
from vclient.logic.config import EngineRoute, engine_parameter, load_config
from vclient.observability import logger, mask_number, metrics, tracer
from vclient.settings import StartCallSettings
from vclient.vocabulary import iso_utc

IDEMPOTENCY_TTL_S = 24 * 3600
#: Voximplant documents 200 bytes for script_custom_data.
CUSTOM_DATA_LIMIT = 200


def resolve_persona(value: str | dict[str, Any] | None, default_id: str) -> tuple[str, str | None]:
    """The call's persona: a bundled id (checked), or an inline persona (validated, stored)."""
    if isinstance(value, dict):
        # The persona models are imported only for inline personas (~11 ms of cold start).
        from vclient.dialog.persona import Persona, persona_error

        try:
            persona = Persona.model_validate(value)
        except ValidationError as exc:
            error = persona_error(exc)
            field = f"persona.{error.field}" if error.field else "persona"
            raise ValidationFailed(f"{field}: {error.message}", field=field) from None
        return persona.id, persona.model_dump_json(exclude_none=True)
    persona_id = (value or default_id).strip()
    available = list(bundled_ids())
    if persona_id not in available:
        raise ValidationFailed(
            f"Unknown persona {persona_id!r}; available: {', '.join(available)}",
            field="persona",
            available=available,
        )
    return persona_id, None


def build_custom_data(call_id: str, api_base: str, token: str) -> str:
    """The scenario's whole custom data: no phone number, no secret; the rest is fetched."""
    data = json.dumps({"id": call_id, "api": api_base, "tok": token}, separators=(",", ":"))
    if len(data.encode()) > CUSTOM_DATA_LIMIT:
        raise ConfigurationError(
            "The API base URL is too long for Voximplant's 200-byte custom data; "
            "set PUBLIC_API_URL to a shorter URL",
            parameter="PUBLIC_API_URL",
        )
    return data


@dataclass
class CallStarter:
    settings: StartCallSettings
    repo: CallsRepository
    make_vox: Callable[[Credentials, StartCallSettings], VoximplantClient] = field(
        default=lambda creds, s: VoximplantClient(
            creds, base_url=s.vox_api_url, deadline_s=s.vox_deadline_s
        )
    )
    now: Callable[[], float] = time.time
    _vox: tuple[dict[str, Any], VoximplantClient] | None = None
    idempotency_config: IdempotencyConfig = field(
        default_factory=lambda: IdempotencyConfig(
            event_key_jmespath="key",
            payload_validation_jmespath="request",
            expires_after_seconds=IDEMPOTENCY_TTL_S,
            raise_on_no_idempotency_key=True,
        )
    )
    _idempotent_start: Any = None

    def __call__(
        self, request: StartCallRequest, *, idempotency_key: str | None, api_base: str
    ) -> StartCallResponse:
        """The start, once per ``Idempotency-Key``; a repeated key gets the first answer back."""
        data = {"request": request.model_dump(mode="json"), "api_base": api_base}
        if idempotency_key is None:
            result = self._start_once(data)
        else:
            if not 1 <= len(idempotency_key) <= 128 or not idempotency_key.isprintable():
                raise ValidationFailed(
                    "Idempotency-Key must be 1 to 128 printable characters",
                    field="Idempotency-Key",
                )
            result = self._idempotent({**data, "key": idempotency_key})
        if result["status"] == VoximplantTimeout.status:
            body = dict(result["body"])
            raise VoximplantTimeout(
                body.pop("message"), **{k: v for k, v in body.items() if k != "code"}
            )
        return StartCallResponse.model_validate(result["body"])

    def _start_once(self, data: dict[str, Any]) -> dict[str, Any]:
        """One start, as ``{"status", "body"}``. A Voximplant timeout is an answer, not an error:
        the call may be dialing, so a retry with the same Idempotency-Key must get this 504 back
        instead of dialing again (Powertools forgets a key whose function raised)."""
        request = StartCallRequest.model_validate(data["request"])
        try:
            started = self.start(request, api_base=data["api_base"])
        except VoximplantTimeout as exc:
            return {"status": exc.status, "body": exc.body()}
        return {"status": 202, "body": started.model_dump(mode="json")}

    def _idempotent(self, data: dict[str, Any]) -> dict[str, Any]:
        """The start wrapped by Powertools idempotency; its DynamoDB client is made on first use."""
        if self._idempotent_start is None:
            persistence = DynamoDBPersistenceLayer(table_name=self.settings.idempotency_table)
            self._idempotent_start = idempotent_function(
                data_keyword_argument="data",
                persistence_store=persistence,
                config=self.idempotency_config,
            )(self._start_once)
        try:
            return dict(self._idempotent_start(data=data))
        except IdempotencyValidationError:
            raise IdempotencyKeyReused(
                "This Idempotency-Key was already used with a different body",
                field="Idempotency-Key",
            ) from None
        except IdempotencyAlreadyInProgressError:
            raise RequestInProgress(
                "A request with this Idempotency-Key is still being processed; retry shortly",
                field="Idempotency-Key",
            ) from None

    def start(self, request: StartCallRequest, *, api_base: str) -> StartCallResponse:
        config = load_config(self.settings)
        routing = config.routing
        persona_id, persona_inline = resolve_persona(request.persona, config.call.default_persona)
        engine = request.scenario or routing.default_engine
        route = routing.engines.get(engine)
        if route is None:
            raise ConfigurationError(
                f"Engine {engine!r} has no Voximplant rule configured",
                parameter=engine_parameter(engine),
            )
        if not routing.destination_allowed(request.to):
            raise DestinationNotAllowed(
                "Dialing this destination is not allowed by the allowlist of prefixes",
                field="to",
            )
        caller_id = request.caller_id or routing.default_caller_id
        if caller_id is None:
            raise ValidationFailed(
                "No caller_id given and no default caller id is configured", field="caller_id"
            )

        now = self.now()
        call_id = uuid.uuid4().hex
        token_ttl = token_ttl_s(routing.max_call_duration_s)
        record = self._new_record(call_id, engine, route, request, caller_id, now, token_ttl)
        record = record.model_copy(update={"persona": persona_id, "persona_inline": persona_inline})
        token = mint(
            call_id,
            secret_id=self.settings.token_secret,
            max_age=self.settings.secret_max_age_s,
            now=int(now),
            ttl_s=token_ttl,
        )
        custom_data = build_custom_data(call_id, self.settings.public_api_url or api_base, token)
        vox = self._client()
        self.repo.create(record)
        logger.append_keys(call_id=call_id)
        logger.info(
            "Starting call",
            extra={"engine": engine, "rule": route.label, "to": mask_number(request.to)},
        )

        try:
            with tracer.provider.in_subsegment("## voximplant.StartScenarios"):
                result = vox.start_scenarios(
                    script_custom_data=custom_data,
                    rule_id=route.rule_id,
                    rule_name=route.rule_name,
                    application_name=route.application_name,
                    application_id=route.application_id,
                )
        except VoximplantError as exc:
            raise self._failed(call_id, engine, exc) from None

        changes = {
            "vox_call_session_history_id": result.call_session_history_id,
            "vox_media_session_access_url": result.media_session_access_secure_url
            or result.media_session_access_url,
            "updated_at": iso_utc(self.now()),
        }
        try:
            self.repo.update(call_id, changes)
        except Exception:
            logger.exception("Could not store Voximplant's ids on the started call")
        metrics.add_metric(name="CallsStarted", unit="Count", value=1)
        record = record.model_copy(update=changes)
        return start_response(record)

    def _new_record(
        self,
        call_id: str,
        engine: Any,
        route: EngineRoute,
        request: StartCallRequest,
        caller_id: str,
        now: float,
        token_ttl: int,
    ) -> CallRecord:
        return CallRecord(
            call_id=call_id,
            status="starting",
            engine=engine,
            rule=route.model_dump(exclude_none=True),
            rule_label=route.label,
            to=request.to,
            caller_id=caller_id,
            created_at=iso_utc(now),
            updated_at=iso_utc(now),
            expires_at=int(now) + self.settings.retention_days * 86400,
            token_expires_at=int(now) + token_ttl,
            labels=request.labels or None,
        )

    def _client(self) -> VoximplantClient:
        raw = parameters.secret_json(
            self.settings.vox_credentials_secret, max_age=self.settings.secret_max_age_s
        )
        if self._vox is not None and self._vox[0] == raw:
            return self._vox[1]  # same secret value: already parsed and its key checked
        try:
            credentials = parse_credentials(raw)
        except ValueError as exc:
            raise ConfigurationError(str(exc), secret="voximplant credentials") from None
        self._vox = (raw, self.make_vox(credentials, self.settings))
        return self._vox[1]

    def _failed(self, call_id: str, engine: str, exc: VoximplantError) -> Exception:
        """Records the failure on the call and returns the API error to raise."""
        metrics.add_metric(name="VoximplantErrors", unit="Count", value=1)
        now = iso_utc(self.now())
        if isinstance(exc, VoximplantTimeoutError):
            # The scenario may be dialing already: keep the status, note the uncertainty.
            self.repo.update(call_id, {"last_error": "voximplant_timeout", "updated_at": now})
            logger.warning("Voximplant timed out; the call may still be placed")
            return VoximplantTimeout(
                "Voximplant did not answer in time; the call may or may not have been placed",
                call_id=call_id,
            )
        if isinstance(exc, VoximplantApiError):
            failure: dict[str, Any] = {"source": "voximplant", "code": exc.code, "reason": exc.msg}
            error: Exception = VoximplantRefused(
                f"Voximplant refused to start the scenario: {exc.msg}",
                vox_code=exc.code,
                call_id=call_id,
            )
        else:
            status = exc.status if isinstance(exc, VoximplantHttpError) else None
            failure = {"source": "voximplant", "http_status": status, "reason": str(exc)}
            error = VoximplantUnavailable(
                "Voximplant is unavailable right now; try again later",
                http_status=status,
                call_id=call_id,
            )
        # Only a call nobody has reported on yet: events from a scenario that did start win.
        self.repo.update(
            call_id,
            {"status": "failed", "failure": failure, "updated_at": now},
            only_if_status="starting",
        )
        logger.warning("Voximplant refused the call", extra={"failure": failure, "engine": engine})
        return error
