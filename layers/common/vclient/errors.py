"""Domain errors. Each carries the HTTP status, a machine-readable code and a human sentence.

Handlers map them to a fixed JSON body ``{"code", "message", ...details}``; nothing else about the
exception (stack, upstream payloads, secrets) reaches the client.
"""

from __future__ import annotations

from typing import Any


class ApiError(Exception):
    """Base for every error a client of the API may receive."""

    status: int = 400
    code: str = "bad_request"

    def __init__(self, message: str, **details: Any) -> None:
        super().__init__(message)
        self.message = message
        self.details = {k: v for k, v in details.items() if v is not None}

    def body(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, **self.details}


class BadRequest(ApiError):
    status, code = 400, "bad_request"


class InvalidJson(ApiError):
    status, code = 400, "invalid_json"


class UnsupportedMediaType(ApiError):
    status, code = 415, "unsupported_media_type"


class PayloadTooLarge(ApiError):
    status, code = 413, "payload_too_large"


class ValidationFailed(ApiError):
    status, code = 422, "validation_error"


class Unauthorized(ApiError):
    status, code = 401, "unauthorized"


class Forbidden(ApiError):
    status, code = 403, "forbidden"


class DestinationNotAllowed(ApiError):
    status, code = 403, "destination_not_allowed"


class NotFound(ApiError):
    status, code = 404, "not_found"


class Conflict(ApiError):
    status, code = 409, "conflict"


class IdempotencyKeyReused(ApiError):
    status, code = 422, "idempotency_key_reused"


class RequestInProgress(ApiError):
    status, code = 409, "request_in_progress"


class ConfigurationError(ApiError):
    """The deployment is misconfigured (an SSM parameter, a secret): not the caller's fault."""

    status, code = 503, "configuration_error"


class VoximplantRefused(ApiError):
    """Voximplant answered with ``{"error": {"code", "msg"}}``."""

    status, code = 502, "voximplant_error"


class VoximplantUnavailable(ApiError):
    """HTTP 429/5xx or a connection failure that outlasted the retries."""

    status, code = 502, "voximplant_unavailable"


class VoximplantTimeout(ApiError):
    status, code = 504, "voximplant_timeout"
