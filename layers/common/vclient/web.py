"""What every API function shares: error bodies, request guards, the public base URL.

Every error leaves as ``{"code", "message", ...}`` with a fixed shape; request validation errors
name the field. Nothing from an exception's internals is echoed back.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Sequence
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response
from aws_lambda_powertools.event_handler.exceptions import NotFoundError
from pydantic import BaseModel, ValidationError

from vclient.errors import (
    ApiError,
    InvalidJson,
    PayloadTooLarge,
    UnsupportedMediaType,
    ValidationFailed,
)
from vclient.observability import logger


def json_response(
    status: int, body: dict[str, Any], headers: dict[str, str] | None = None
) -> Response:
    """A strict JSON body: NaN or Infinity raise here (and reach the last-resort handler)."""
    return Response(
        status_code=status,
        content_type="application/json",
        body=json.dumps(body, ensure_ascii=False, separators=(",", ":"), allow_nan=False),
        headers=headers,
    )


def strict(value: Any) -> Any:
    """``value`` made encodable as strict JSON in UTF-8, for error bodies that name an input:
    a lone surrogate becomes its escape text, NaN and Infinity become null."""
    if isinstance(value, str):
        try:
            value.encode()
        except UnicodeEncodeError:
            return value.encode("utf-8", "backslashreplace").decode()
        return value
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {strict(k): strict(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [strict(v) for v in value]
    return value


class _NotJson(ValueError):
    """A number JSON cannot hold: NaN, Infinity, or a float beyond double range."""


def _no_constant(name: str) -> Any:
    raise _NotJson(name)


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise _NotJson(text)
    return value


def _lone_surrogate(data: Any, path: str = "") -> str | None:
    """The dotted path of the first string (or key) holding a lone surrogate, if any."""
    if isinstance(data, str):
        try:
            data.encode()
        except UnicodeEncodeError:
            return path or "body"
        return None
    if isinstance(data, dict):
        for key, value in data.items():
            if _lone_surrogate(key) is not None:
                return path or "body"
            found = _lone_surrogate(value, f"{path}.{key}" if path else key)
            if found is not None:
                return found
    elif isinstance(data, list):
        for index, value in enumerate(data):
            found = _lone_surrogate(value, f"{path}.{index}" if path else str(index))
            if found is not None:
                return found
    return None


def validation_error(errors: Sequence[Any]) -> ApiError:
    """Maps pydantic errors on a request body to one ``ApiError`` naming the first bad field."""
    details = []
    for error in errors:
        loc = [str(part) for part in error.get("loc", ()) if part not in ("body",)]
        details.append(
            {"field": ".".join(loc) or None, "message": _human(error), "type": error.get("type")}
        )
    if any(e.get("type") == "json_invalid" for e in errors):
        return InvalidJson("The request body is not valid JSON")
    first = details[0] if details else {"field": None, "message": "Invalid request"}
    if first["field"] is None and first.get("type") in (
        "model_type",
        "model_attributes_type",
        "dict_type",
    ):
        first = {**first, "message": "The request body must be a JSON object"}
    field = first["field"]
    message = f"{field}: {first['message']}" if field else str(first["message"])
    return ValidationFailed(message, field=field, errors=details)


def parse_body[Model: BaseModel](body: str | None, model: type[Model]) -> Model:
    """A JSON body validated by ``model``, with the same errors Powertools validation gives.

    For functions that skip Powertools' OpenAPI validation to keep their cold start short.
    """
    try:
        data = json.loads(body or "", parse_constant=_no_constant, parse_float=_finite_float)
    except _NotJson:
        raise InvalidJson(
            "The request body is not valid JSON: NaN and Infinity are not JSON numbers"
        ) from None
    except (ValueError, TypeError, RecursionError):  # JSONDecodeError is a ValueError
        raise InvalidJson("The request body is not valid JSON") from None
    # Only a \\u escape (or a string already holding one) makes a lone surrogate: most bodies
    # skip the walk.
    if body and ("\\u" in body or _lone_surrogate(body) is not None):
        field = _lone_surrogate(data)
        if field is not None:
            raise ValidationFailed(
                f"{field}: must be valid Unicode text (it holds a lone surrogate)", field=field
            )
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise validation_error(exc.errors()) from None


def _human(error: dict[str, Any]) -> str:
    kind = error.get("type")
    if kind == "extra_forbidden":
        return "unknown field"
    if kind == "missing":
        return "field required"
    msg = str(error.get("msg", "invalid value"))
    return msg.removeprefix("Value error, ")


INTERNAL_ERROR = {
    "code": "internal_error",
    "message": "Something went wrong on our side; the error is logged. Try again later.",
}


def register_error_handlers(app: APIGatewayRestResolver) -> None:
    @app.exception_handler(ApiError)
    def _api_error(exc: ApiError) -> Response:
        if exc.status >= 500:
            logger.warning("Request failed", extra={"code": exc.code, "status": exc.status})
        return json_response(exc.status, strict(exc.body()))

    @app.exception_handler(Exception)
    def _unexpected(exc: Exception) -> Response:
        # The last resort: the traceback goes to the log, the client gets a fixed body
        # (never a Lambda error, which API Gateway would turn into a bare 502).
        logger.exception("Unexpected error", extra={"error": type(exc).__name__})
        return json_response(500, INTERNAL_ERROR)

    @app.not_found
    def _not_found(_: NotFoundError) -> Response:
        return json_response(404, {"code": "route_not_found", "message": "No such route"})


def precheck(event: dict[str, Any], max_bytes: int) -> dict[str, Any] | None:
    """JSON content type and a size cap, checked before anything parses the body.

    Returns a ready proxy response for a refused request, ``None`` to go on. (Powertools'
    validation would otherwise answer a wrong content type in its own, different shape.)
    """
    if event.get("httpMethod") not in ("POST", "PUT", "PATCH"):
        return None
    headers = {k.lower(): v for k, v in (event.get("headers") or {}).items()}
    content_type = (headers.get("content-type") or "").split(";")[0].strip().lower()
    error: ApiError | None = None
    body = event.get("body") or ""
    size = len(body.encode("utf-8", "surrogatepass")) if isinstance(body, str) else len(body)
    if size > max_bytes:
        error = PayloadTooLarge(f"The body is over {max_bytes} bytes", limit=max_bytes)
    elif content_type != "application/json":
        error = UnsupportedMediaType(
            "Send the body as JSON with 'Content-Type: application/json'", field="Content-Type"
        )
    if error is None:
        return None
    return {
        "statusCode": error.status,
        "headers": {"Content-Type": "application/json"},
        "body": json.dumps(error.body(), ensure_ascii=False),
        "isBase64Encoded": False,
    }


CALL_ID = re.compile(r"^[0-9a-f]{32}$")


def call_id_param(value: str) -> str:
    """The ``{call_id}`` path parameter, checked, and added to the log keys."""
    if not CALL_ID.match(value):
        raise ValidationFailed("call_id: must be 32 lowercase hex characters", field="call_id")
    logger.append_keys(call_id=value)
    return value


def public_base_url(app: APIGatewayRestResolver) -> str:
    """The URL the API was reached at, up to (not including) the route's path.

    API Gateway's ``requestContext.path`` carries the stage or base-path mapping
    (``/prod/call``) while ``path`` is the route (``/call``); the difference is the prefix.
    """
    event = app.current_event
    context = event.request_context
    host = context.domain_name or event.headers.get("host") or "localhost"
    proto = (event.headers.get("x-forwarded-proto") or "https").split(",")[0].strip()
    full_path = context.path or event.path
    prefix = full_path[: len(full_path) - len(event.path)] if full_path.endswith(event.path) else ""
    return f"{proto}://{host}{prefix}".rstrip("/")


def batch_id_param(value: str) -> str:
    """The ``{batch_id}`` path parameter, checked, and added to the log keys."""
    if not CALL_ID.match(value):
        raise ValidationFailed("batch_id: must be 32 lowercase hex characters", field="batch_id")
    logger.append_keys(batch_id=value)
    return value
