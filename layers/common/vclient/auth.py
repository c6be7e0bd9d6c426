"""Bearer-token checks for the scenario-facing endpoints (session, reply, events)."""

from __future__ import annotations

from vclient.errors import Forbidden, Unauthorized
from vclient.tokens import TokenError, verify_token


def require_call_token(authorization: str | None, call_id: str, key: str, *, now: int) -> None:
    """401 without a bearer token; 403 for a token of another call, a forged or expired one."""
    scheme, _, token = (authorization or "").strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("Send the call's token as 'Authorization: Bearer <token>'")
    try:
        verify_token(token.strip(), call_id, key, now=now)
    except TokenError as exc:
        messages = {
            "expired": "The token has expired",
            "wrong_call": "The token is not valid for this call",
            "malformed": "The token is malformed",
        }
        raise Forbidden(
            messages.get(exc.reason, "The token is not valid"), reason=exc.reason
        ) from None
