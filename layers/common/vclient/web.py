"""What every API function shares: routing, error bodies, request guards, the public base URL.

Every error leaves as ``{"code", "message", ...}`` with a fixed shape; request validation errors
name the field. Nothing from an exception's internals is echoed back.

``Router`` is our own small resolver for API Gateway's REST (v1) proxy events. Powertools'
``APIGatewayRestResolver`` did the same job, but importing it pulls in the AppSync resolver and
with it asyncio and ssl: ~0.15x a bare ``import boto3`` on every cold start of every API
function, for features (CORS, OpenAPI, middlewares) none of them uses (docs/decisions.md).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ValidationError

from vclient.errors import (
    ApiError,
    InvalidJson,
    PayloadTooLarge,
    UnsupportedMediaType,
    ValidationFailed,
)
from vclient.observability import logger


@dataclass(frozen=True, slots=True)
class Response:
    """What a route answers: a status, a JSON text, extra headers."""

    status: int
    body: str
    headers: dict[str, str] = field(default_factory=dict)

    def proxy(self) -> dict[str, Any]:
        """The Lambda proxy result API Gateway expects."""
        return {
            "statusCode": self.status,
            "headers": {"Content-Type": "application/json", **self.headers},
            "body": self.body,
            "isBase64Encoded": False,
        }


def json_response(
    status: int, body: dict[str, Any], headers: dict[str, str] | None = None
) -> Response:
    """A strict JSON body: NaN or Infinity raise here (and reach the last-resort handler)."""
    text = json.dumps(body, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return Response(status, text, dict(headers or {}))


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


class Request:
    """The proxy event as routes read it; header names are case-insensitive (lowercased)."""

    __slots__ = ("headers", "raw_event")

    def __init__(self, event: dict[str, Any]) -> None:
        self.raw_event = event
        self.headers: dict[str, str] = {
            str(k).lower(): v for k, v in (event.get("headers") or {}).items()
        }

    @property
    def body(self) -> str | None:
        return self.raw_event.get("body")

    @property
    def path(self) -> str:
        return str(self.raw_event.get("path") or "/")

    @property
    def request_context(self) -> dict[str, Any]:
        return self.raw_event.get("requestContext") or {}

    @property
    def multi_value_query_string_parameters(self) -> dict[str, list[str]] | None:
        return self.raw_event.get("multiValueQueryStringParameters")


Route = Callable[..., Response]

#: A path parameter: one non-empty segment.
_PARAM = re.compile(r"<(\w+)>")


class Router:
    """Routes ``METHOD /path/<param>`` to a function called with the parameters by name.

    A route's ``ApiError`` leaves as its own status and body; anything else is logged with its
    traceback and leaves as a fixed 500 (never a Lambda error, which API Gateway would turn
    into a bare 502). An unknown route or method is a 404 ``route_not_found``.
    """

    def __init__(self, strip_prefixes: Sequence[str] = ()) -> None:
        self._strip = tuple(strip_prefixes)
        self._routes: list[tuple[str, re.Pattern[str], Route]] = []
        self._event: Request | None = None
        #: Per-request values a handler sets before ``resolve`` (cleared after it).
        self.context: dict[str, Any] = {}

    def route(self, method: str, path: str) -> Callable[[Route], Route]:
        parts = _PARAM.split(path)  # literal, name, literal, name, ..., literal
        pattern = re.compile(
            "".join(re.escape(p) if i % 2 == 0 else f"(?P<{p}>[^/]+)" for i, p in enumerate(parts))
            + "$"
        )

        def register(function: Route) -> Route:
            self._routes.append((method, pattern, function))
            return function

        return register

    def get(self, path: str) -> Callable[[Route], Route]:
        return self.route("GET", path)

    def post(self, path: str) -> Callable[[Route], Route]:
        return self.route("POST", path)

    def put(self, path: str) -> Callable[[Route], Route]:
        return self.route("PUT", path)

    @property
    def current_event(self) -> Request:
        if self._event is None:
            raise RuntimeError("current_event is only set while a request is resolved")
        return self._event

    def append_context(self, **values: Any) -> None:
        self.context.update(values)

    def resolve(self, event: dict[str, Any], context: Any = None) -> dict[str, Any]:
        """The proxy result for ``event`` (``context``, the Lambda context, is not used)."""
        self._event = request = Request(event)
        try:
            return self._answer(request).proxy()
        finally:
            self._event = None
            self.context.clear()

    def _answer(self, request: Request) -> Response:
        method = str(request.raw_event.get("httpMethod") or "")
        found = self._match(method, self._route_path(request.path))
        if found is None:
            return json_response(404, {"code": "route_not_found", "message": "No such route"})
        function, params = found
        try:
            return function(**params)
        except ApiError as exc:
            if exc.status >= 500:
                logger.warning("Request failed", extra={"code": exc.code, "status": exc.status})
            try:
                return json_response(exc.status, strict(exc.body()))
            except Exception as unencodable:
                return _unexpected(unencodable)
        except Exception as exc:
            return _unexpected(exc)

    def _route_path(self, path: str) -> str:
        """``path`` without a stripped prefix (only at a segment boundary)."""
        for prefix in self._strip:
            if path == prefix or path.startswith(prefix + "/"):
                return path[len(prefix) :] or "/"
        return path

    def _match(self, method: str, path: str) -> tuple[Route, dict[str, str]] | None:
        for route_method, pattern, function in self._routes:
            if route_method == method and (match := pattern.match(path)):
                return function, match.groupdict()
        return None


def _unexpected(exc: Exception) -> Response:
    logger.exception("Unexpected error", extra={"error": type(exc).__name__})
    return Response(500, json.dumps(INTERNAL_ERROR, separators=(",", ":")))


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


def public_base_url(app: Router) -> str:
    """The URL the API was reached at, up to (not including) the route's path.

    API Gateway's ``requestContext.path`` carries the stage or base-path mapping
    (``/prod/call``) while ``path`` is the route (``/call``); the difference is the prefix.
    """
    event = app.current_event
    context = event.request_context
    host = context.get("domainName") or event.headers.get("host") or "localhost"
    proto = (event.headers.get("x-forwarded-proto") or "https").split(",")[0].strip()
    full_path = context.get("path") or event.path
    prefix = full_path[: len(full_path) - len(event.path)] if full_path.endswith(event.path) else ""
    return f"{proto}://{host}{prefix}".rstrip("/")


def batch_id_param(value: str) -> str:
    """The ``{batch_id}`` path parameter, checked, and added to the log keys."""
    if not CALL_ID.match(value):
        raise ValidationFailed("batch_id: must be 32 lowercase hex characters", field="batch_id")
    logger.append_keys(batch_id=value)
    return value
