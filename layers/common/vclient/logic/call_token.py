"""Per-call bearer tokens: ``<expiry epoch s>.<HMAC-SHA256(key, "v1:<call_id>:<expiry>")>``.

The one owner of the token: minted by ``POST /call`` (``mint``), verified and required by every
scenario route (session, reply, events: ``authorize``); nothing else reads the signing key, which
lives in Secrets Manager. The token travels in the scenario's custom data (so it must stay short)
and authorises the scenario's requests for this one call only.
"""

from __future__ import annotations

import base64
import hashlib
import hmac

from vclient.dal import parameters
from vclient.errors import Forbidden, Unauthorized
from vclient.vocabulary import MAX_CALL_DURATION_S

SIGNATURE_CHARS = 32  # 192 bits of the base64url HMAC: ample, and keeps custom data small
#: Ringing (up to 60 s) plus scenario setup before the call's own duration starts.
DIAL_ALLOWANCE_S = 120
#: Room after the call's end for its last event batches.
TOKEN_MARGIN_S = 900
#: Epoch seconds have 10 digits until the year 2286; anything longer is not an expiry.
EXPIRY_MAX_DIGITS = 12


def token_ttl_s(max_call_duration_s: int) -> int:
    """How long a call's token lives: the longest call plus dialing plus the margin."""
    return max_call_duration_s + DIAL_ALLOWANCE_S + TOKEN_MARGIN_S


#: No token outlives the longest call the config allows: a later expiry is forged or stale.
MAX_TTL_S = token_ttl_s(MAX_CALL_DURATION_S)


class TokenError(Exception):
    """The token is missing, malformed, of another call, or expired."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def mint_token(call_id: str, key: str, *, now: int, ttl_s: int) -> str:
    expires = now + ttl_s
    return f"{expires}.{_signature(call_id, expires, key)}"


def verify_token(token: str, call_id: str, key: str, *, now: int) -> int:
    """Returns the expiry of a valid token; raises ``TokenError`` with a reason otherwise."""
    expires_text, _, signature = token.partition(".")
    well_formed = (
        expires_text.isascii()
        and expires_text.isdigit()
        and len(expires_text) <= EXPIRY_MAX_DIGITS
        and signature.isascii()
        and len(signature) == SIGNATURE_CHARS
    )
    if not well_formed:
        raise TokenError("malformed")
    expires = int(expires_text)
    if expires > now + MAX_TTL_S:
        raise TokenError("too_long")
    if not hmac.compare_digest(signature, _signature(call_id, expires, key)):
        raise TokenError("wrong_call")
    if expires < now:
        raise TokenError("expired")
    return expires


def _signature(call_id: str, expires: int, key: str) -> str:
    digest = hmac.new(key.encode(), f"v1:{call_id}:{expires}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode()[:SIGNATURE_CHARS]


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
            "too_long": "The token's expiry lies beyond the longest possible call",
        }
        raise Forbidden(
            messages.get(exc.reason, "The token is not valid"), reason=exc.reason
        ) from None


def mint(call_id: str, *, secret_id: str, max_age: int, now: int, ttl_s: int) -> str:
    """A new call's token, signed with the key in Secrets Manager (``POST /call``)."""
    key = parameters.secret_text(secret_id, max_age=max_age)
    return mint_token(call_id, key, now=now, ttl_s=ttl_s)


def authorize(
    authorization: str | None, call_id: str, *, secret_id: str, max_age: int, now: int
) -> None:
    """Checks a scenario request's bearer token against the signing key in Secrets Manager."""
    key = parameters.secret_text(secret_id, max_age=max_age)
    require_call_token(authorization, call_id, key, now=now)
